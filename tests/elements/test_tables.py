"""Tables, map inputs, for_each formulas, input constraints and their functions (engine/tables.py,
engine/maps.py), on a small methodology written here and on zhualy@2018, which needs them.

Expected values are worked out by hand from the data written in this file; the checker tests expect
one finding code at the place of the fault, found in the text itself.
"""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from engine.evaluation.evaluator import Evaluator
from engine.language.functions import BUILTINS
from engine.formats.output import text
from engine.language.expressions import EvaluationError
from engine.editions.registry import Registry, load_methodology
from engine.testing.cases import same

ROOT = Path(__file__).resolve().parents[2]


def map_functions() -> dict:
    """The builtins that need no evaluation context (the list and map functions among them), by name."""
    return {name: b.impl for name, b in BUILTINS.items() if not b.context}


DEMO = """\
# yaml-language-server: $schema=../../schemas/methodology.schema.json
language: 1
family: demo
edition: "1"
act:
  title: {kk: әдістеме, en: methodology}
  issuer: {kk: әкімдік, en: akimat}
  type: {kk: қаулы, en: resolution}
  number: null
  date: null
  year: 2018
  registration: null
  source: demo.txt
  status: unknown
validity: {from: null, to: null, cite: p.1}
parameters:
  threshold:
    cite: p.3
    label: {kk: төрттен үші, en: three quarters}
    value: 0.75
tables:
  skills:
    cite: Annex 1
    label: {kk: құзыреттер, en: skills}
    columns:
      public: {type: boolean, label: {kk: қызмет көрсету, en: public services only}}
    rows:
      - {id: a, cite: "Annex 1, row 1", label: {kk: Басқару, en: management}, public: false}
      - {id: b, cite: "Annex 1, row 2", label: {kk: Хабарландыру, en: informing}, public: true, interpretations: [b-name]}
  grades:
    cite: Annex 2
    label: {kk: санаттар, en: grades}
    columns: {}
    rows:
      - {id: x, cite: Annex 2, label: {kk: X, en: grade x}}
      - {id: y, cite: Annex 2, label: {kk: Y, en: grade y}, interpretations: [y-grade]}
  indicators:
    cite: Annex 2
    label: {kk: индикаторлар, en: indicators}
    columns:
      skill: {type: string, ref: skills, label: {kk: құзырет, en: skill}}
      grades: {type: list, ref: grades, label: {kk: санат, en: grades}}
      weight: {type: integer, optional: true, label: {kk: салмақ, en: weight}}
    rows:
      - {id: a1, cite: "Annex 2, L.1", label: {kk: бірінші, en: first}, skill: a, grades: [x, y], weight: 2}
      - {id: a2, cite: "Annex 2, L.2", label: {kk: екінші, en: second}, skill: a, grades: [x]}
      - {id: a3, cite: "Annex 2, L.3", label: {kk: үшінші, en: third}, skill: a, grades: [x], interpretations: [garbled]}
      - {id: a4, cite: "Annex 2, L.4", label: {kk: төртінші, en: fourth}, skill: a, grades: [x]}
      - {id: b1, cite: "Annex 2, L.5", label: {kk: бесінші, en: fifth}, skill: b, grades: [x, y]}
inputs:
  grade:
    cite: Annex 2
    label: {kk: санат, en: grade}
    type: enum
    table: grades
  public_duties:
    cite: Annex 1
    label: {kk: қызмет көрсету, en: public services}
    type: boolean
    default: true
  observed:
    cite: p.2
    label: {kk: байқалған, en: observed per skill}
    type: map
    keys: {table: skills}
    items: {type: list, items: {type: boolean}, min_items: 1}
    constraints:
      - cite: p.2
        for_each: {in: keys(observed), as: s}
        require: count(get(observed, s)) == count(get(own, s))
        message: "{s}: {count(get(observed, s))} given, {count(get(own, s))} expected"
      - cite: Annex 1
        for_each: {in: keys(own), as: s}
        require: s in observed
        message: "nothing for {s}"
scales:
  level:
    cite: p.3
    label: {kk: деңгей, en: level}
    bands:
      - {id: below, label: {kk: сәйкес емес, en: below}, less_than: 0.75}
      - {id: meets, label: {kk: сәйкес, en: meets}, at_least: 0.75}
formulas:
  own:
    cite: Annex 2
    label: {kk: индикаторлар, en: the grade's indicators per skill}
    for_each: {in: row_ids(skills), as: s, when: "public_duties or not lookup(skills, s, 'public')"}
    expr: rows(indicators, 'skill', s, 'grades', grade)
  result:
    cite: p.3
    label: {kk: нәтиже, en: result per skill}
    for_each: {in: keys(own), as: s}
    expr: band(level, share_true(get(observed, s)))
  missing:
    cite: p.3
    label: {kk: байқалмаған, en: not observed}
    for_each: {in: keys(result), as: s, when: "get(result, s) == 'below'"}
    expr: lookup_all(indicators, where_not(get(own, s), get(observed, s)), 'kk')
  first_weight:
    cite: Annex 2
    label: {kk: салмақ, en: weight of a1}
    expr: lookup(indicators, 'a1', 'weight')
evaluations:
  e:
    cite: p.1
    label: {kk: бағалау, en: evaluation}
    inputs: [grade, public_duties, observed]
    outputs: [result, missing, first_weight]
interpretations:
  b-name:
    cite: Annex 1
    says: the name differs
    does: read as b
    why: test
  y-grade:
    cite: Annex 2
    says: grade y is undefined
    does: kept
    why: test
  garbled:
    cite: Annex 2
    says: row a3 is garbled
    does: kept as printed
    why: test
"""


def save(tmp_path: Path, text_: str = DEMO) -> Path:
    path = tmp_path / "demo" / "1.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text_, encoding="utf-8")
    return path


def mutate(old: str, new: str, text_: str = DEMO) -> str:
    assert text_.count(old) >= 1, old
    return text_.replace(old, new, 1)


def position(text_: str, needle: str) -> tuple[int, int]:
    start = text_.index(needle)
    return text_.count("\n", 0, start) + 1, start - (text_.rfind("\n", 0, start) + 1) + 1


def codes(loaded) -> list[str]:
    return [f.code for f in loaded.findings if f.severity == "error"]


@pytest.fixture()
def demo(tmp_path):
    loaded = load_methodology(save(tmp_path))
    assert codes(loaded) == [], [f.render(with_source=False) for f in loaded.findings]
    return Evaluator(loaded.methodology, "e")


def run(ev, **record):
    return ev.evaluate({"id": "r", **record})


# ---------------------------------------------------------------------------------- evaluation
def test_per_item_results_and_the_three_quarter_edge(demo):
    r = run(demo, grade="x", observed={"a": [True, True, False, True], "b": [True]})
    assert r.ok, r.errors
    assert r.outputs["result"] == {"a": "meets", "b": "meets"}  # 3 of 4 is exactly 0.75
    assert r.outputs["missing"] == {}
    assert r.outputs["first_weight"] == D(2)


def test_below_the_edge_lists_what_was_not_observed(demo):
    r = run(demo, grade="x", observed={"a": [True, False, False, True], "b": [False]})
    assert r.outputs["result"] == {"a": "below", "b": "below"}
    assert r.outputs["missing"] == {"a": ["екінші", "үшінші"], "b": ["бесінші"]}


def test_when_skips_items_and_a_list_column_matches_by_membership(demo):
    r = run(demo, grade="y", public_duties=False, observed={"a": [True]})
    assert r.ok, r.errors
    assert r.outputs["result"] == {"a": "meets"}  # only a1 is for grade y; b is skipped
    assert "garbled" not in r.interpretations  # a3 is not for grade y
    assert "b-name" in r.interpretations  # row_ids(skills) and lookup(skills, 'b', ...) read row b


def test_interpretations_of_matched_rows_and_of_the_chosen_enum_row(demo):
    r = run(demo, grade="x", observed={"a": [True, True, True, True], "b": [True]})
    assert "garbled" in r.interpretations and "b-name" in r.interpretations and "y-grade" not in r.interpretations
    r = run(demo, grade="y", observed={"a": [True], "b": [True]})
    assert "y-grade" in r.interpretations and "garbled" not in r.interpretations


def test_a_csv_cell_and_json_text_give_the_same_map(demo):
    a = run(demo, grade="x", observed="a=1;1;0;yes | b=жоқ")
    b = run(demo, grade="x", observed='{"a": [true, true, false, true], "b": [false]}')
    assert a.ok and b.ok and a.outputs == b.outputs
    assert a.outputs["result"] == {"a": "meets", "b": "below"}


def test_the_map_keeps_the_order_of_its_keys(demo):
    r = run(demo, grade="x", observed={"b": [True], "a": [True, True, True, True]})
    assert list(r.outputs["result"]) == ["a", "b"]


@pytest.mark.parametrize("observed, field, needle", [
    ({"a": [True, True, True], "b": [True]}, "observed", "observed: a: 3 given, 4 expected [p.2]"),
    ({"a": [True, True, True, True]}, "observed", "observed: nothing for b [Annex 1]"),
    ({"a": [True, True, True, True], "c": [True]}, "observed", "unknown key 'c' (keys: a, b)"),
    ({"a": [True, "maybe", True, True], "b": [True]}, "observed", "expected true or false, got 'maybe'"),
    ({"a": [], "b": [True]}, "observed", "0 items, at least 1 required"),
    ("a=1;1 | a=1", "observed", "key 'a' given twice"),
    ("a:1", "observed", "expected key=value entries"),
    ([True], "observed", "expected a mapping"),
])
def test_input_errors_name_the_map_input(demo, observed, field, needle):
    r = run(demo, grade="x", observed=observed)
    assert not r.ok and not r.outputs
    assert any(e.field == field and needle in e.message for e in r.errors), r.errors


def test_an_enum_from_a_table_refuses_other_values(demo):
    r = run(demo, grade="z", observed={"a": [True]})
    assert any(e.field == "grade" and "'z' is not one of x, y" in e.message for e in r.errors)


def test_map_json_schema(demo):
    schema = demo.m.inputs["observed"].json_schema()
    assert schema["type"] == "object" and schema["propertyNames"] == {"enum": ["a", "b"]}
    assert schema["additionalProperties"]["type"] == "array"


def test_explain_names_the_per_item_rule(tmp_path):
    m = load_methodology(save(tmp_path)).methodology
    r = Evaluator(m, "e", explain=True).evaluate({"id": "r", "grade": "x", "observed": {"a": [True] * 4, "b": [True]}})
    step = next(s for s in r.steps if s.name == "result")
    assert step.rule.startswith("for each s in keys(own): ") and "observed" in step.uses and "s" not in step.uses


# ---------------------------------------------------------------------------------- functions
@pytest.mark.parametrize("observed, total, share, meets", [
    (1, 1, D(1), True), (0, 1, D(0), False),
    (2, 2, D(1), True), (1, 2, D("0.5"), False),
    (3, 3, D(1), True), (2, 3, D(2) / D(3), False),
    (3, 4, D("0.75"), True), (2, 4, D("0.5"), False),
    (4, 5, D("0.8"), True), (3, 5, D("0.6"), False),
    (5, 6, D(5) / D(6), True), (4, 6, D(2) / D(3), False),
])
def test_share_true_against_three_quarters(observed, total, share, meets):
    fn = map_functions()
    got = fn["share_true"]([True] * observed + [False] * (total - observed))
    assert got == share and (got >= D(3) / D(4)) is meets


def test_list_and_map_functions():
    fn = map_functions()
    assert fn["count_true"]([True, False, True]) == D(2)
    assert fn["where"](["p", "q", "r"], [True, False, True]) == ["p", "r"]
    assert fn["where_not"](["p", "q", "r"], [True, False, True]) == ["q"]
    assert fn["common"](["p", "q", "r"], ["r", "p"]) == ["p", "r"]
    assert fn["keys"]({"a": 1, "b": 2}) == ["a", "b"] and fn["values"]({"a": 1, "b": 2}) == [1, 2]
    assert fn["get"]({"a": 1}, "a") == 1
    for call in (lambda: fn["get"]({"a": 1}, "b"), lambda: fn["share_true"]([]), lambda: fn["where"]([1], [True, False]),
                 lambda: fn["count_true"]([1]), lambda: fn["keys"]([1])):
        with pytest.raises(EvaluationError):
            call()


def test_maps_print_and_compare_as_tests_expect():
    assert text({"a": "meets", "b": ["x", "y"]}) == "a: meets | b: x; y"
    assert same({"a": D(3)}, {"a": 3}) and not same({"a": D(3)}, {"a": 3, "b": 1}) and not same({"a": D(3)}, {"a": 4})


# ---------------------------------------------------------------------------------- checks
@pytest.mark.parametrize("old, new, needle, code", [
    ('{id: a2, cite: "Annex 2, L.2", ', "{id: a2, ", "{id: a2, ", "table-row-uncited"),
    ("{id: a4, cite:", "{id: a3, cite:", "a3, cite: \"Annex 2, L.4", "table-row-duplicate"),
    ("skill: b, grades: [x, y]}", "skill: b, grades: [x, y], colour: red}", "colour", "table-column-unknown"),
    ("skill: b, grades: [x, y]}", "skill: c, grades: [x, y]}", "skill: c", "table-key-undefined"),
    ("skill: b, grades: [x, y]}", "skill: b, grades: [x, q]}", "grades: [x, q]", "table-key-undefined"),
    ("skill: b, grades: [x, y]}", "grades: [x, y]}", "{id: b1", "table-value-missing"),
    ("weight: 2}", "weight: two}", "weight: two", "type-mismatch"),
    ("      weight: {type: integer", "      label: {type: integer", "label: {type: integer", "table-column-reserved"),
    ("lookup(indicators, 'a1', 'weight')", "lookup(indicators, 'a9', 'weight')", "'a9'", "table-key-undefined"),
    ("lookup(indicators, 'a1', 'weight')", "lookup(indicators, 'a1', 'colour')", "'colour'", "table-column-unknown"),
    ("rows(indicators, 'skill', s, 'grades', grade)", "rows(indicators, 'skill', 'c', 'grades', grade)", "'c', 'grades'", "table-key-undefined"),
    ("rows(indicators, 'skill', s, 'grades', grade)", "rows(indicators, 'skill', s, 'grades')", "rows(indicators, 'skill', s, 'grades')", "function-arity"),
    ("expr: lookup(indicators, 'a1', 'weight')", "expr: count(indicators)", "indicators)", "type-mismatch"),
    ("for_each: {in: keys(own), as: s}\n    expr: band", "for_each: {in: keys(own), as: grade}\n    expr: band", "grade}\n    expr: band", "name-clash"),
    ("for_each: {in: keys(own), as: s}\n    expr: band", "for_each: {in: own, as: s}\n    expr: band", "own, as: s}\n    expr: band", "type-mismatch"),
    ("require: s in observed\n", "require: s in observed and public_duties\n", "require: s in observed and", "input-not-listed"),
])
def test_checker_findings(tmp_path, old, new, needle, code):
    text_ = mutate(old, new)
    if code == "input-not-listed":  # the evaluation must list what a constraint reads
        text_ = text_.replace("inputs: [grade, public_duties, observed]", "inputs: [grade, observed]")
    loaded = load_methodology(save(tmp_path, text_))
    found = [f for f in loaded.findings if f.code == code]
    assert found, [f.render(with_source=False) for f in loaded.findings]
    if code not in ("input-not-listed", "type-mismatch", "name-clash", "function-arity"):
        line, _ = position(text_, needle)
        assert any(f.line == line for f in found), ([f.render(with_source=False) for f in found], line)


def test_schema_refuses_keys_on_the_wrong_type(tmp_path):
    text_ = mutate("    type: enum\n    table: grades", "    type: string\n    table: grades")
    loaded = load_methodology(save(tmp_path, text_))
    assert "schema" in [f.code for f in loaded.findings]


# ---------------------------------------------------------------------------------- zhualy@2018
@pytest.fixture(scope="module")
def zhualy():
    return Registry.default().get("zhualy@2018")


def test_zhualy_tables_hold_annex_3_and_annex_4(zhualy):
    assert len(zhualy.tables["competencies"].rows) == 11
    assert len(zhualy.tables["groups"].rows) == 35
    assert len(zhualy.tables["indicators"].rows) == 98
    assert all(r.cite and r.label.get("kk") and r.label.get("en") for t in zhualy.tables.values() for r in t.rows)
    counts = {}
    for row in zhualy.tables["indicators"].rows:
        counts[row.values["group"]] = counts.get(row.values["group"], 0) + 1
    assert set(counts.values()) == {1, 2, 3, 4, 5, 6} and max(counts.values()) <= zhualy.parameters["max_indicators_per_competency"]


def test_zhualy_every_category_has_one_row_per_competency_except_e5(zhualy):
    groups = zhualy.tables["groups"].rows
    for cat in zhualy.tables["categories"].index:
        per = {}
        for g in groups:
            if cat in g.values["categories"]:
                per[g.values["competency"]] = per.get(g.values["competency"], 0) + 1
        assert set(per.values()) == {1}
        assert len(per) == (1 if cat == "E-5" else 11), (cat, per)
