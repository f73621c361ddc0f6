"""Cohorts (engine/cohort.py, engine/cohort_eval.py): rules over a whole set of records.

The ranking itself is tested as a pure function; then through `contest@1` (tests/comp_fixture.py):
grouping, the top N per group, prize places, limits that refuse a whole group, ties that are
reported and never broken, consequences decided after the ranking, the checks, the test-file
format and the command line.
"""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from click.testing import CliRunner

import cli
from comp_fixture import load, mutate, write
from engine.elements.cohorts import Entry, rank_group
from engine.evaluation.cohorts import CohortEvaluator, make_evaluator
from engine.evaluation.evaluator import Evaluator
from engine.editions.registry import Registry
from engine.testing.cases import load_cases, run_case


def entries(*scores):
    return [Entry(f"R{i}", i, (D(str(s)),)) for i, s in enumerate(scores)]


# ---------------------------------------------------------------------------------- ranking, pure
def test_equal_keys_share_a_rank():
    out, ties = rank_group(entries(5, 9, 9, 7), "descending", None, [])
    assert [out[i].rank for i in range(4)] == [4, 1, 1, 3] and ties == []


def test_top_n_advance_and_a_block_inside_or_below_the_cut_is_no_tie():
    out, ties = rank_group(entries(10, 10, 8, 6, 6), "descending", 3, [])
    assert [out[i].advances for i in range(5)] == [True, True, True, False, False] and ties == []


def test_a_block_straddling_the_cut_is_a_tie_and_none_of_it_advances():
    out, ties = rank_group(entries(10, 8, 8, 8, 2), "descending", 2, [])
    assert out[0].advances is True and out[4].advances is False
    assert [out[i].advances for i in (1, 2, 3)] == [None, None, None]
    (t,) = ties
    assert t.positions == (2, 4) and t.ids == ["R1", "R2", "R3"] and t.advance_slots == 1


def test_a_group_smaller_than_the_quota_advances_whole():
    out, ties = rank_group(entries(1), "descending", 5, [])
    assert out[0].advances is True and out[0].rank == 1 and not ties


def test_places_in_order_and_a_place_taking_two():
    places = [("gold", 1), ("silver", 2)]
    out, ties = rank_group(entries(3, 9, 7, 5), "descending", None, places)
    assert [out[i].place for i in range(4)] == [None, "gold", "silver", "silver"] and not ties


def test_equal_keys_within_one_place_of_two_share_it():
    out, ties = rank_group(entries(9, 7, 7), "descending", None, [("gold", 1), ("silver", 2)])
    assert [out[i].place for i in range(3)] == ["gold", "silver", "silver"] and not ties


def test_a_tie_across_two_places_gives_neither():
    out, ties = rank_group(entries(9, 9, 5), "descending", None, [("gold", 1), ("silver", 1), ("bronze", 1)])
    assert out[0].place is None and out[1].place is None and out[2].place == "bronze"
    assert ties[0].places == ["gold", "silver"]


def test_a_tie_between_the_last_place_and_none():
    out, ties = rank_group(entries(9, 5, 5), "descending", None, [("gold", 1), ("silver", 1)])
    assert out[0].place == "gold" and out[1].place is None and out[2].place is None
    assert ties[0].places == ["silver", ""]


def test_ascending_order_ranks_the_lowest_first():
    out, _ = rank_group(entries(3, 1, 2), "ascending", 1, [])
    assert [out[i].advances for i in range(3)] == [False, True, False]


def test_tie_break_keys_order_equal_first_keys():
    es = [Entry("A", 0, (D(9), D(1))), Entry("B", 1, (D(9), D(3))), Entry("C", 2, (D(9), D(3)))]
    out, ties = rank_group(es, "descending", 2, [])
    assert out[1].advances is True and out[2].advances is True and out[0].advances is False and not ties


# ---------------------------------------------------------------------------------- through contest@1
@pytest.fixture()
def contest(tmp_path):
    loaded = load(tmp_path)
    assert not loaded.errors, [f.render(with_source=False) for f in loaded.errors]
    return loaded.methodology


def run(m, evaluation, records):
    ev = make_evaluator(m, evaluation)
    return ev, {r.id: r for r in ev.evaluate_many(records)}


def test_make_evaluator_streams_other_evaluations(contest):
    assert isinstance(make_evaluator(contest, "apply"), Evaluator)
    assert isinstance(make_evaluator(contest, "heat"), CohortEvaluator)


def test_groups_are_ranked_apart(contest):
    _, r = run(contest, "heat", [
        {"id": "A", "region": "north", "club": "c1", "points": 9},
        {"id": "B", "region": "north", "club": "c2", "points": 7},
        {"id": "C", "region": "north", "club": "c3", "points": 8, "penalties": "0.5"},
        {"id": "D", "region": "south", "club": "c4", "points": 2},
    ])
    assert (r["A"].outputs["rank"], r["A"].outputs["advances"]) == (1, True)
    assert (r["C"].outputs["net_points"], r["C"].outputs["rank"], r["C"].outputs["advances"]) == (D("7.5"), 2, True)
    assert r["B"].outputs["advances"] is False
    assert r["D"].outputs["group"] == "south" and r["D"].outputs["advances"] is True


def test_a_tie_at_the_cut_is_reported_for_the_named_body(contest):
    ev, r = run(contest, "heat", [
        {"id": "A", "region": "north", "club": "c1", "points": 9},
        {"id": "B", "region": "north", "club": "c2", "points": 7},
        {"id": "C", "region": "north", "club": "c3", "points": 7},
    ])
    for rid in ("B", "C"):
        t = r[rid].outputs["tie"]
        assert r[rid].outputs["advances"] is None and r[rid].outputs["rank"] == 2
        assert t["records"] == ["B", "C"] and t["positions"] == [2, 3] and t["slots"] == 1 and t["decided_by"] == "jury"
        assert "no-tie-break" in r[rid].interpretations
        assert "the act sets no tie-break [p.7]" in t["message"] and "decided by the jury [p.7]" in t["message"]
    assert r["A"].outputs["tie"] is None and "no-tie-break" not in r["A"].interpretations
    assert len(ev.ties) == 1 and ev.ties[0]["group"] == "north"


def test_a_group_over_its_limit_is_refused_whole_and_the_rest_ranked_without_it(contest):
    _, r = run(contest, "heat", [
        {"id": "A", "region": "north", "club": "c1", "points": 9},
        {"id": "B", "region": "north", "club": "c1", "points": 8},
        {"id": "C", "region": "north", "club": "c1", "points": 7},
        {"id": "D", "region": "north", "club": "c2", "points": 1},
    ])
    for rid in "ABC":
        (refusal,) = r[rid].outputs["refusals"]
        assert refusal["rule"] == "two_per_club" and refusal["records"] == ["A", "B", "C"] and refusal["at_most"] == 2
        assert refusal["message"].startswith("p.2: at most two per club: club c1 brought 3 (A, B, C), at most 2")
        assert r[rid].outputs["rank"] is None and r[rid].outputs["advances"] is False
    assert r["D"].outputs["rank"] == 1 and r["D"].outputs["advances"] is True and r["D"].outputs["refusals"] == []


def test_a_record_with_errors_is_not_ranked_and_keeps_its_error(contest):
    _, r = run(contest, "heat", [
        {"id": "A", "region": "north", "club": "c1", "points": -1},
        {"id": "B", "region": "north", "club": "c2", "points": 3},
    ])
    assert r["A"].errors and "rank" not in r["A"].outputs
    assert r["B"].outputs["rank"] == 1


def test_results_keep_the_input_order_even_with_repeated_ids(contest):
    ev = make_evaluator(contest, "heat")
    results = list(ev.evaluate_many([
        {"id": "X", "region": "n", "club": "a", "points": 1},
        {"id": "X", "region": "n", "club": "b", "points": 5},
    ]))
    assert [r.outputs["net_points"] for r in results] == [D(1), D(5)]
    assert [r.outputs["rank"] for r in results] == [2, 1]


def test_places_then_consequences_with_an_amount_not_set(contest):
    _, r = run(contest, "final", [
        {"id": "A", "points": 9}, {"id": "B", "points": 8}, {"id": "C", "points": 7}, {"id": "D", "points": 6},
    ])
    assert [r[x].outputs["place"] for x in "ABCD"] == ["gold", "silver", "silver", None]
    assert [c["id"] for c in r["A"].outputs["consequences"]] == ["medal", "prize"]
    prize = r["A"].outputs["consequences"][1]
    assert prize["amount"] is None and prize["amount_note"] == "the act sets none"
    assert [c["id"] for c in r["C"].outputs["consequences"]] == ["medal"]
    assert r["D"].outputs["consequences"] == []


def test_a_tied_place_brings_no_consequence(contest):
    _, r = run(contest, "final", [{"id": "A", "points": 9}, {"id": "B", "points": 9}, {"id": "C", "points": 1}])
    assert r["A"].outputs["place"] is None and r["A"].outputs["consequences"] == []
    assert r["A"].outputs["tie"]["places"] == ["gold", "silver"]
    assert r["C"].outputs["place"] == "silver"


def test_evaluate_one_record_is_a_cohort_of_one(contest):
    r = make_evaluator(contest, "final").evaluate({"id": "A", "points": 1})
    assert r.outputs["place"] == "gold"


def test_explain_steps_name_the_rank_and_the_tie(contest):
    ev = CohortEvaluator(contest, "heat", explain=True)
    r = ev.run([{"id": "A", "region": "n", "club": "a", "points": 1}, {"id": "B", "region": "n", "club": "b", "points": 1},
                {"id": "C", "region": "n", "club": "c", "points": 1}])
    steps = {s.name: s for s in r[0].steps}
    assert steps["rank"].cite == ("p.2",) and "position of region n by net_points" in steps["rank"].rule
    assert "tie" in steps


# ---------------------------------------------------------------------------------- checks
def codes(loaded):
    return sorted(f.code for f in loaded.findings if f.severity == "error")


@pytest.mark.parametrize("old, new, code", [
    ("group_by: region", "group_by: regoin", "ref-undefined"),
    ("group_by: region", "group_by: net_points", "ref-undefined"),
    ("    rank_by: net_points\n    advance", "    rank_by: region\n    advance", "type-mismatch"),
    ("advance: {top: region_quota", "advance: {top: min_yeers", "ref-undefined"),
    ("decided_by: jury, cite: p.7, label: {kk: қазылар, en: the jury decides}, interpretations", "decided_by: jurry, cite: p.7, label: {kk: қазылар, en: the jury decides}, interpretations", "ref-undefined"),
    ("      - {id: silver, cite: p.8", "      - {id: gold, cite: p.8", "place-duplicate"),
    ("when: \"place == 'gold'\"", "when: \"place == 'golden'\"", "place-unknown"),
    ("    cohort: final\n", "", "ref-undefined"),  # the consequences read `place` but the evaluation ranks no cohort
    ("    cohort: heat\n", "    cohort: heats\n", "ref-undefined"),
])
def test_cohort_checks(tmp_path, old, new, code):
    loaded = load(tmp_path, mutate(old, new))
    assert code in codes(loaded), [f.render(with_source=False) for f in loaded.findings]


def test_a_parameter_quota_must_be_a_whole_number(tmp_path):
    loaded = load(tmp_path, mutate("region_quota: {cite: p.2, label: {kk: екі, en: two per region}, value: 2}",
                                   "region_quota: {cite: p.2, label: {kk: екі, en: two per region}, value: 1.5}"))
    assert "type-mismatch" in codes(loaded)


def test_place_is_reserved_in_a_file_with_cohorts(tmp_path):
    text = mutate("  points: {cite: p.2", "  place: {cite: p.2, label: {kk: орын, en: a place}, type: string, optional: true}\n  points: {cite: p.2")
    assert "name-reserved" in codes(load(tmp_path, text))


def test_a_cohort_needs_a_rule(tmp_path):
    text = mutate("""    rank_by: net_points
    places:
      - {id: gold, cite: p.8, label: {kk: алтын, en: gold}}
      - {id: silver, cite: p.8, label: {kk: күміс, en: silver}, count: 2}
""", "    rank_by: net_points\n")
    assert "schema" in codes(load(tmp_path, text))


def test_the_bundled_competition_validates():
    loaded = Registry.default().load("almaty-teacher-awards@2020")
    assert not loaded.errors and loaded.methodology.cohorts.keys() == {"school_stage", "district_stage", "city_stage", "grant_nominations"}


# ---------------------------------------------------------------------------------- test files
CASES = """\
# yaml-language-server: $schema=../../schemas/tests.schema.json
methodology: contest@1
cases:
  - name: a tie at the cut
    cite: p.2
    evaluation: heat
    records:
      - {id: A, region: n, club: a, points: 9}
      - {id: B, region: n, club: b, points: 7}
      - {id: C, region: n, club: c, points: 7}
    expect_records:
      A: {rank: 1, advances: true, tie: null}
      B: {advances: %s, tie: {records: [B, C], decided_by: jury}}
"""


@pytest.mark.parametrize("advances, passes", [("null", True), ("true", False)])
def test_a_cohort_case_in_a_test_file(tmp_path, advances, passes):
    write(tmp_path)
    path = tmp_path / "contest" / "1.tests.yaml"
    path.write_text(CASES % advances, encoding="utf-8")
    (case,), findings = load_cases(path)
    assert not findings
    outcome = run_case(case, Registry.default([tmp_path]))
    assert outcome.passed is passes, outcome.problems


def test_a_cohort_case_fails_on_an_unexpected_error(tmp_path):
    write(tmp_path)
    path = tmp_path / "contest" / "1.tests.yaml"
    path.write_text((CASES % "null").replace("{id: C, region: n, club: c, points: 7}", "{id: C, region: n, club: c, points: -7}"), encoding="utf-8")
    (case,), _ = load_cases(path)
    problems = run_case(case, Registry.default([tmp_path])).problems
    assert any(p.startswith("C: unexpected errors") for p in problems)


# ---------------------------------------------------------------------------------- command line
def invoke(tmp_path, *args):
    write(tmp_path)
    result = CliRunner().invoke(cli.main, ["-M", str(tmp_path), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


HEAT = "id,region,club,points\nA,n,a,9\nB,n,b,7\nC,n,c,7\nD,s,d,1\n"


def test_cli_table_lists_the_ties(tmp_path):
    data = tmp_path / "heat.csv"
    data.write_text(HEAT, encoding="utf-8")
    r = invoke(tmp_path, "evaluate", "contest@1", "heat", "-i", str(data))
    assert r.exit_code == 0, r.output + r.stderr
    assert "ties needing a decision (never broken by the engine):" in r.stdout and "tie in n: B, C" in r.stdout
    assert "ranked together as cohort heat, 1 tie(s) needing a decision" in r.stderr


def test_cli_json_has_the_ties_beside_the_results(tmp_path):
    data = tmp_path / "heat.csv"
    data.write_text(HEAT, encoding="utf-8")
    out = json.loads(invoke(tmp_path, "evaluate", "contest@1", "heat", "-i", str(data), "--format", "json").stdout)
    assert out["ties"][0]["records"] == ["B", "C"]
    assert [r["outputs"]["advances"] for r in out["results"]] == [True, None, None, True]


def test_cli_explain_one_record_still_ranks_the_whole_cohort(tmp_path):
    data = tmp_path / "heat.csv"
    data.write_text(HEAT, encoding="utf-8")
    r = invoke(tmp_path, "explain", "contest@1", "heat", "-i", str(data), "--id", "D")
    assert r.exit_code == 0 and "rank = 1" in r.stdout and "B —" not in r.stdout


def test_cli_refuses_to_save_a_cohort(tmp_path):
    data = tmp_path / "heat.csv"
    data.write_text(HEAT, encoding="utf-8")
    r = invoke(tmp_path, "evaluate", "contest@1", "heat", "-i", str(data), "--save", "--org", "x", "--period", "2021")
    assert r.exit_code == 2
