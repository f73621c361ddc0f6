"""Evaluating records (engine/evaluate.py) with the bundled wko-maslikhat@2017 methodology.

Expected values are worked out from the act: ∑m = 100 + a − в (p.26) with в = 2 per breach fact
(p.22), the bands of p.27, the annual score 0,4·∑m + 0,6·∑жж (p.32) and the bands of p.33.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from engine.evaluation.evaluator import Evaluator, UnknownEvaluation
from engine.editions.registry import Registry


@pytest.fixture(scope="module")
def wko():
    return Registry.default().get("wko-maslikhat@2017")


@pytest.fixture(scope="module")
def quarterly(wko):
    return Evaluator(wko, "quarterly")


@pytest.fixture(scope="module")
def annual(wko):
    return Evaluator(wko, "annual")


def fields(result) -> set[str]:
    return {e.field for e in result.errors}


# ---------------------------------------------------------------------------------- results
def test_quarterly_base_points(quarterly):
    r = quarterly.evaluate({"id": "A"})
    assert r.ok, r.errors
    assert r.outputs["score"] == D(100)
    assert r.outputs["rating"] == "satisfactory"


def test_quarterly_score_formula(quarterly):
    # 100 + (5 + 3) − 2·(2 + 1) = 102
    r = quarterly.evaluate({"id": "A", "incentive_points": [5, 3], "execution_violations": 2, "labour_violations": 1})
    assert r.outputs["incentive_total"] == D(8)
    assert r.outputs["violation_facts"] == D(3)
    assert r.outputs["penalty_total"] == D(6)
    assert r.outputs["score"] == D(102)


@pytest.mark.parametrize("violations, incentives, score, rating", [
    (11, [], 78, "unsatisfactory"),
    (10, [], 80, "satisfactory"),
    (0, [5], 105, "satisfactory"),
    (0, [5, 1], 106, "effective"),
    (0, [5] * 6, 130, "effective"),
    (0, [5] * 6 + [1], 131, "excellent"),
])
def test_p27_edges(quarterly, violations, incentives, score, rating):
    r = quarterly.evaluate({"id": "A", "execution_violations": violations, "incentive_points": incentives})
    assert (r.outputs["score"], r.outputs["rating"]) == (D(score), rating)


def test_annual_weighted_score_is_exact(annual):
    # mean 79 < 80 → 2 points (p.32); 0,4·2 + 0,6·3 = 2.6 < 3 → «қанағаттанарлықсыз» (p.33)
    r = annual.evaluate({"id": "A", "quarterly_scores": [79], "plan_scores": [3]})
    assert r.ok, r.errors
    assert r.outputs["score"] == D("2.6")
    assert str(r.outputs["score"]) == "2.6"
    assert r.outputs["rating"] == "unsatisfactory"


def test_annual_gap_value_takes_the_lower_band_and_reports_why(annual, wko):
    # mean 131 → 5 points; plan mean (3+3+3+4)/4 = 3.25; 0,4·5 + 0,6·3,25 = 3.95, between 3.9 and 4
    r = annual.evaluate({"id": "A", "quarterly_scores": [131], "plan_scores": [3, 3, 3, 4]})
    assert r.outputs["score"] == D("3.95")
    assert r.outputs["rating"] == "satisfactory"
    assert "annual-gaps" in r.interpretations


def test_quarterly_mean_in_the_105_106_gap(annual):
    # (105 + 106) / 2 = 105.5 → 3 points under the declared reading
    r = annual.evaluate({"id": "A", "quarterly_scores": [105, 106], "plan_scores": [3]})
    assert r.outputs["quarterly_mean"] == D("105.5")
    assert r.outputs["quarterly_points"] == D(3)
    assert "mean-gap-105-106" in r.interpretations


# ---------------------------------------------------------------------------------- bad records
def test_bad_record_names_the_field_and_the_next_is_still_evaluated(quarterly):
    results = list(quarterly.evaluate_many([
        {"id": "BAD", "execution_violations": "many"},
        {"id": "GOOD", "execution_violations": 1},
    ]))
    bad, good = results
    assert bad.id == "BAD"
    assert "execution_violations" in fields(bad)
    (err,) = [e for e in bad.errors if e.field == "execution_violations"]
    assert "many" in err.message and "p.20" in err.message
    assert "score" not in bad.outputs
    assert good.id == "GOOD" and good.ok
    assert good.outputs["score"] == D(98)


def test_fraction_where_an_integer_is_required(quarterly):
    r = quarterly.evaluate({"id": "A", "labour_violations": "1.5"})
    assert fields(r) == {"labour_violations"}
    assert "integer" in r.errors[0].message


def test_list_item_error(annual):
    r = annual.evaluate({"id": "A", "quarterly_scores": [100], "plan_scores": [3, 6]})
    assert fields(r) == {"plan_scores"}
    assert "plan_scores[1]" in r.errors[0].message


def test_unknown_field(quarterly):
    r = quarterly.evaluate({"id": "A", "execution_violation": 1})
    assert "execution_violation" in fields(r)
    (err,) = [e for e in r.errors if e.field == "execution_violation"]
    assert "not an input" in err.message


def test_descriptive_fields_are_carried_not_errors(quarterly):
    r = quarterly.evaluate({"id": "A", "name": "Асқар", "position": "маман"})
    assert r.ok
    assert r.descriptive == {"name": "Асқар", "position": "маман"}


def test_required_input_missing(annual):
    r = annual.evaluate({"id": "A", "plan_scores": [3]})
    assert fields(r) == {"quarterly_scores"}
    assert "required" in r.errors[0].message


def test_record_without_id(quarterly):
    records = [{"id": "X"}, {"execution_violations": 1}]
    first, second = quarterly.evaluate_many(records)
    assert first.ok
    assert "id" in fields(second)
    assert second.id == "#2"  # its position, 1-based


def test_record_with_empty_id(quarterly):
    r = quarterly.evaluate({"id": ""})
    assert "id" in fields(r)


def test_record_that_is_not_a_mapping(quarterly):
    r = quarterly.evaluate([1, 2, 3], 4)
    assert not r.ok
    assert r.id == "#5"


def test_many_errors_in_one_record_are_all_reported(quarterly):
    r = quarterly.evaluate({"id": "A", "execution_violations": "x", "labour_violations": "-1", "foo": 1})
    assert {"execution_violations", "labour_violations", "foo"} <= fields(r)


def test_reader_error_marker(quarterly):
    r = quarterly.evaluate({"id": "line 3", "__error__": "line 3 is not JSON"})
    assert ("record", "line 3 is not JSON") in {(e.field, e.message) for e in r.errors}


def test_unknown_evaluation(wko):
    with pytest.raises(UnknownEvaluation) as info:
        Evaluator(wko, "monthly")
    assert "quarterly" in str(info.value)  # lists the evaluations it has


def test_evaluator_is_reusable_across_records(quarterly):
    a = quarterly.evaluate({"id": "A", "execution_violations": 11})
    b = quarterly.evaluate({"id": "B"})
    assert a.outputs["rating"] == "unsatisfactory"
    assert b.outputs["rating"] == "satisfactory"
    assert "penalty-sign" in a.interpretations


# ---------------------------------------------------------------------------------- explain
@pytest.fixture(scope="module")
def explained(wko):
    return Evaluator(wko, "quarterly", explain=True).evaluate({"id": "A", "execution_violations": 1})


def test_explain_steps_exist_only_when_asked(quarterly, explained):
    assert quarterly.evaluate({"id": "A"}).steps == []
    assert explained.steps


def test_score_step_cites_p26(explained):
    (step,) = [s for s in explained.steps if s.name == "quarterly_score"]
    assert step.cite == ("p.26",)
    assert step.value == D(98)
    assert step.kind == "formula"
    assert set(step.uses) == {"base_points", "incentive_total", "penalty_total"}


def test_rating_step_cites_p27(explained):
    (step,) = [s for s in explained.steps if s.kind == "rating"]
    assert step.value == "satisfactory"
    assert "p.27" in step.cite
    assert step.label == {"kk": "қанағаттанарлық", "en": "satisfactory"}


def test_every_step_has_a_citation(explained):
    assert all(s.cite for s in explained.steps), [s.name for s in explained.steps if not s.cite]


def test_input_steps(explained):
    steps = {s.name: s for s in explained.steps if s.kind == "input"}
    assert steps["execution_violations"].value == D(1)
    assert steps["execution_violations"].cite == ("p.20",)
    assert steps["labour_violations"].rule == "default"


def test_explain_does_not_change_the_result(wko, explained):
    plain = Evaluator(wko, "quarterly").evaluate({"id": "A", "execution_violations": 1})
    assert plain.outputs == explained.outputs
    assert plain.interpretations == explained.interpretations


# ---------------------------------------------------------------------------------- interpretations
@pytest.mark.parametrize("evaluation, record", [
    ("quarterly", {"id": "A", "execution_violations": 11}),
    ("annual", {"id": "A", "quarterly_scores": [105, 106], "plan_scores": [3, 3, 3, 4]}),
    ("deadlines", {"id": "A", "year": 2017, "decision_date": "2017-12-01"}),
    ("meeting", {"id": "A", "members": 7, "present": 5, "votes_for": 3, "votes_against": 2}),
])
def test_reported_interpretations_are_defined_in_the_file(wko, evaluation, record):
    r = Evaluator(wko, evaluation).evaluate(record)
    assert r.ok, r.errors
    assert r.interpretations, "every one of these evaluations relies on a declared interpretation"
    assert set(r.interpretations) <= set(wko.interpretations)
    assert len(r.interpretations) == len(set(r.interpretations))


def test_penalty_sign_is_reported_for_a_quarterly_score(quarterly):
    assert "penalty-sign" in quarterly.evaluate({"id": "A"}).interpretations


def test_counted_deadline_reports_the_calendar_reading(wko):
    r = Evaluator(wko, "deadlines").evaluate({"id": "A", "year": 2017, "decision_date": "2017-12-01"})
    assert "day-counting" in r.interpretations


def test_bonus_consequence_reports_its_interpretation(quarterly):
    r = quarterly.evaluate({"id": "A", "incentive_points": [5, 1]})  # 106, «тиімді» → bonus (p.43)
    assert {c["id"] for c in r.outputs["consequences"]} == {"bonus", "service_record"}
    assert "bonus-both-kinds" in r.interpretations
    (bonus,) = [c for c in r.outputs["consequences"] if c["id"] == "bonus"]
    assert bonus["amount"] is None  # the act sets no amount
    assert bonus["amount_note"]


# ---------------------------------------------------------------------------------- deadlines
def test_deadline_without_its_event_is_none(wko):
    r = Evaluator(wko, "deadlines").evaluate({"id": "A", "year": 2017})
    assert r.ok, r.errors
    assert "appeal" in r.outputs and r.outputs["appeal"] is None
    assert r.outputs["plan_late_appointee"] is None
    assert r.outputs["annual_evaluation"] == dt.date(2017, 12, 25)  # p.3(2): 25 December, as written


def test_deadline_with_its_event(wko):
    # p.38: ten working days from Friday 1 Dec 2017; 16–19 Dec are off in Kazakhstan:
    # 4,5,6,7,8, 11,12,13,14,15 → the tenth working day is Friday 15 December
    r = Evaluator(wko, "deadlines").evaluate({"id": "A", "year": 2017, "decision_date": "2017-12-01"})
    assert r.outputs["appeal"] == dt.date(2017, 12, 15)


def test_fixed_date_on_a_weekend_is_kept_and_noted(wko):
    # 10 December 2017 is a Sunday; p.3(1) writes the date, so it is kept and flagged
    r = Evaluator(wko, "deadlines").evaluate({"id": "A", "year": 2017})
    assert r.outputs["q4_evaluation"] == dt.date(2017, 12, 10)
    assert any("q4_evaluation" in n for n in r.notes)


def test_missing_event_explained(wko):
    r = Evaluator(wko, "deadlines", explain=True).evaluate({"id": "A", "year": 2017})
    (step,) = [s for s in r.steps if s.name == "appeal"]
    assert step.value is None
    assert "decision_date" in step.rule


def test_training_deadline_of_the_annual_evaluation(annual):
    # p.44: three months after 2018-01-15 is 2018-04-15, a Sunday → Monday 16 April
    r = annual.evaluate({"id": "A", "quarterly_scores": [79], "plan_scores": [2], "annual_results_approved": "2018-01-15"})
    (training,) = [c for c in r.outputs["consequences"] if c["id"] == "training"]
    assert training["deadline"] == dt.date(2018, 4, 16)


def test_training_without_approval_date_has_no_deadline(annual):
    r = annual.evaluate({"id": "A", "quarterly_scores": [79], "plan_scores": [2]})
    (training,) = [c for c in r.outputs["consequences"] if c["id"] == "training"]
    assert training["deadline"] is None


# ---------------------------------------------------------------------------------- eligibility
def test_eligibility(wko):
    ev = Evaluator(wko, "eligibility")
    r = ev.evaluate({"id": "A", "position_start": "2017-01-10", "reference_date": "2017-03-31"})
    assert r.outputs["eligible"] is False
    assert r.outputs["unmet"] == ["min_tenure"]  # two whole months < three (p.3)
    r = ev.evaluate({"id": "B", "position_start": "2017-01-10", "reference_date": "2017-04-10"})
    assert r.outputs["eligible"] is True and r.outputs["unmet"] == []
