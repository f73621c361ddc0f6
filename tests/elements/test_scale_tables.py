"""Language additions made for zhanibek@2023, each on a small methodology written here:

- a scale whose bands are the rows of a table (`scales.X.table: {id, lower, upper, points}`), with a
  domain `step` (a stretch between bands that holds no multiple of the step is no gap);
- `get_all(map, keys)` and `flatten(list of lists)`;
- enum items of lists and maps taken from a table (`items: {type: enum, table: t}`);
- evaluation ids that start with a digit (`360`);
- a score that is null because an optional input is absent: no rating, no consequences, no error;
- divisors guarded by `d > 0` (in `x if d > 0 else y`, or a for_each's `when`) are not reported;
- an input read only by its own constraints is not unused;
- a missing value names what was not given.

Expected values are worked out by hand from the data written in this file; checker findings are located
in the text itself.
"""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from engine.testing.coverage import measure, run_files
from engine.evaluation.evaluator import Evaluator
from engine.language.expressions import EvaluationError
from engine.language.functions import BUILTINS
from engine.editions.registry import Registry, load_methodology

ROOT = Path(__file__).resolve().parents[2]


def map_functions() -> dict:
    """The builtins that need no evaluation context (the list and map functions among them), by name."""
    return {name: b.impl for name, b in BUILTINS.items() if not b.context}

HEAD = """\
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
  year: 2023
  registration: null
  source: demo.txt
  status: unknown
validity: {from: null, to: null, cite: p.1}
supersedes: []
"""

TABLE = """\
tables:
  brackets:
    cite: Annex 3
    label: {kk: кесте, en: brackets (printed from the top)}
    columns:
      lo: {type: decimal, label: {kk: бастап, en: from}}
      hi: {type: decimal, optional: true, label: {kk: дейін, en: to}}
      pts: {type: decimal, label: {kk: балл, en: points}}
      name: {type: string, optional: true, label: {kk: атауы, en: name}}
    rows:
      - {id: top, cite: "Annex 3, L.1", label: {kk: 100 және одан жоғары, en: 100 and above}, lo: 100, pts: 5}
      - {id: mid, cite: "Annex 3, L.2", label: {kk: "45-99,99", en: 45 to 99.99}, lo: 45, hi: 99.99, pts: 3}
      - {id: low, cite: "Annex 3, L.3", label: {kk: "0-44,49", en: 0 to 44.49}, lo: 0, hi: 44.49, pts: 1}
"""

SCALE = """\
scales:
  bracket:
    cite: Annex 3
    label: {kk: жол, en: the row of a percentage}
    table: {id: brackets, lower: {at_least: lo}, upper: {at_most: hi}, points: pts}
    domain: {at_least: 0, step: 0.01}
    gaps:
      - {between: [low, mid], resolve: lower, cite: Annex 3, interpretation: hole}
"""

REST = """\
parameters: {}
inputs:
  pct: {cite: p.2, label: {kk: пайыз, en: percentage}, type: decimal, min: 0}
  opt: {cite: p.2, label: {kk: балл, en: an optional score}, type: decimal, min: 0, max: 5, optional: true}
  d: {cite: p.2, label: {kk: бөлгіш, en: a divisor}, type: decimal, min: 0}
  grades:
    cite: p.2
    label: {kk: жолдар, en: rows}
    type: list
    items: {type: enum, table: brackets}
  m:
    cite: p.2
    label: {kk: мәндер, en: values}
    type: map
    keys: [a, b, c]
    items: {type: list, items: {type: decimal}}
  checked:
    cite: p.2
    label: {kk: тексерілетін, en: a value only its own constraint reads}
    type: integer
    constraints:
      - {cite: p.2, require: checked != 13, message: "13 is not allowed"}
formulas:
  row: {cite: Annex 3, label: {kk: жол, en: row}, expr: "band(bracket, round(pct, 2, 'down'))"}
  row_points: {cite: Annex 3, label: {kk: балл, en: points}, expr: "points(bracket, round(pct, 2, 'down'))"}
  picked: {cite: p.2, label: {kk: мәндер, en: picked}, expr: "flatten(get_all(m, ['a', 'c']))"}
  row_names: {cite: p.2, label: {kk: атаулар, en: names}, expr: "lookup_all(brackets, grades, 'kk')"}
  doubled: {cite: p.2, label: {kk: балл, en: doubled}, expr: "opt * 2 if opt != None else None"}
  ratio: {cite: p.2, label: {kk: үлес, en: guarded ratio}, expr: "pct / d if d > 0 else 0"}
  per_key:
    cite: p.2
    label: {kk: үлес, en: guarded per key}
    for_each: {in: keys(m), as: k, when: "d > 0"}
    expr: sum(get(m, k)) / d
scales_rating: null
evaluations:
  brackets_of:
    cite: Annex 3
    label: {kk: бағалау, en: the row of a percentage}
    inputs: [pct]
    outputs: [row, row_points]
  "360":
    cite: p.2
    label: {kk: 360 әдісі, en: an evaluation whose id starts with a digit}
    inputs: [m, grades, d, pct]
    outputs: [picked, row_names, ratio, per_key]
  optional:
    cite: p.2
    label: {kk: бағалау, en: a score that may be null}
    inputs: [opt, checked]
    score: doubled
    rating: bracket
    consequences: [always]
consequences:
  always: {cite: p.2, label: {kk: әрқашан, en: always}}
interpretations:
  hole: {cite: Annex 3, says: the printed row ends at 44.49, does: the lower row, why: a test}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demo" / "1.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def demo_text(**replace: str) -> str:
    text = HEAD + TABLE + SCALE + REST.replace("scales_rating: null\n", "")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture()
def demo(tmp_path):
    loaded = load_methodology(write(tmp_path, demo_text()), analyse=True)
    assert not loaded.errors, [f.render(with_source=False) for f in loaded.errors]
    return loaded


def codes(tmp_path: Path, text: str) -> list:
    loaded = load_methodology(write(tmp_path, text), analyse=True)
    return loaded.findings


def position(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


# -- a scale whose bands are a table's rows ------------------------------------------------------------------
def test_bands_are_the_rows_ordered_by_their_lower_bounds(demo):
    s = demo.methodology.scales["bracket"]
    assert [b.id for b in s.bands] == ["low", "mid", "top"]  # printed top, mid, low
    low, mid, top = s.bands
    assert (low.lower.value, low.upper.value, low.points) == (D(0), D("44.49"), D(1))
    assert top.upper is None and top.label["kk"] == "100 және одан жоғары" and top.cite == ("Annex 3, L.1",)
    assert s.band_path(0) == ("tables", "brackets", "rows", 2)


def test_the_step_leaves_only_the_gap_that_holds_hundredths(demo):
    gaps = demo.methodology.scales["bracket"].gaps()
    assert [(g.below, g.above) for g in gaps] == [("low", "mid")]  # 99.99-100 holds no multiple of 0.01


@pytest.mark.parametrize("pct, row, points, hole", [
    ("0", "low", 1, False), ("44.49", "low", 1, False), ("44.5", "low", 1, True), ("44.999", "low", 1, True),
    ("45", "mid", 3, False), ("99.999", "mid", 3, False), ("100", "top", 5, False), ("250", "top", 5, False),
])
def test_a_percentage_gets_its_row(demo, pct, row, points, hole):
    r = Evaluator(demo.methodology, "brackets_of").evaluate({"id": "x", "pct": pct})
    assert r.ok, r.errors
    assert r.outputs["row"] == row and r.outputs["row_points"] == D(points)
    assert ("hole" in r.interpretations) is hole


def test_a_value_off_the_step_is_an_error(demo):
    scale = demo.methodology.scales["bracket"]
    with pytest.raises(EvaluationError, match=r"99.995 is outside the values scale 'bracket' is meant for \(multiples of 0.01\)"):
        scale.classify(D("99.995"))


def test_an_enum_of_the_scale_takes_the_row_ids(tmp_path):
    text = demo_text(**{"  d: {cite: p.2": "  pick: {cite: p.2, label: {kk: жол, en: a row}, type: enum, scale: bracket}\n  d: {cite: p.2",
                        "inputs: [pct]\n": "inputs: [pct, pick]\n"})
    loaded = load_methodology(write(tmp_path, text), analyse=True)
    assert not loaded.errors, [f.render(with_source=False) for f in loaded.errors]
    assert loaded.methodology.inputs["pick"].values == ("top", "mid", "low")


@pytest.mark.parametrize("old, new, code, needle", [
    ("table: {id: brackets,", "table: {id: bracketz,", "ref-undefined", "bracketz"),
    ("upper: {at_most: hi}", "upper: {at_most: hy}", "table-column-unknown", "hy}"),
    ("upper: {at_most: hi}", "upper: {at_most: name}", "type-mismatch", "name}, points"),
    ("lo: 45, hi: 99.99", "lo: 45, hi: 40", "band-empty", "{id: mid"),
    ("      - {between: [low, mid], resolve: lower, cite: Annex 3, interpretation: hole}\n", "", "band-gap", "{id: mid"),
])
def test_the_checker_finds_faults_of_a_table_scale(tmp_path, old, new, code, needle):
    text = demo_text(**{old: new})
    if code == "band-gap":
        text = text.replace("    gaps:\n", "").replace("  hole: {cite: Annex 3, says: the printed row ends at 44.49, does: the lower row, why: a test}\n", "")
        text = text.replace("interpretations:\n", "interpretations: {}\n")
    found = [f for f in codes(tmp_path, text) if f.code == code]
    assert found, [f.render(with_source=False) for f in codes(tmp_path, text)]
    assert (found[0].line, found[0].col) == position(text, needle)


def test_a_step_must_be_positive(tmp_path):
    text = demo_text(**{"step: 0.01": "step: 0"})
    assert any(f.code == "schema" and "step" in f.message for f in codes(tmp_path, text))


# -- get_all, flatten, enum items from a table, an evaluation called 360 -------------------------------------
def test_get_all_and_flatten():
    fns = map_functions()
    m = {"a": [D(1), D(2)], "b": [D(3)], "c": []}
    assert fns["get_all"](m, ["c", "a"]) == [[], [D(1), D(2)]]
    assert fns["flatten"](fns["get_all"](m, ["a", "b", "c"])) == [D(1), D(2), D(3)]
    with pytest.raises(EvaluationError, match=r"get_all\(\): no entry 'z' \(entries: a, b, c\)"):
        fns["get_all"](m, ["a", "z"])
    with pytest.raises(EvaluationError, match="flatten\\(\\) needs a list of lists"):
        fns["flatten"]([[D(1)], D(2)])
    with pytest.raises(EvaluationError, match="get_all\\(\\) needs a map"):
        fns["get_all"]([D(1)], ["a"])


@pytest.mark.parametrize("expr, code", [("get_all(m)", "function-arity"), ("flatten(pct)", "type-mismatch"), ("get_all(m, 'a')", "type-mismatch")])
def test_the_checker_knows_their_signatures(tmp_path, expr, code):
    text = demo_text(**{"expr: \"flatten(get_all(m, ['a', 'c']))\"": f'expr: "{expr}"'})
    assert code in [f.code for f in codes(tmp_path, text)]


def test_an_evaluation_called_360_with_enum_items_from_a_table(demo):
    r = Evaluator(demo.methodology, "360").evaluate({"id": "x", "m": {"a": [1, 2], "b": [3], "c": [4]}, "grades": ["top", "low"], "d": 2, "pct": 50})
    assert r.ok, r.errors
    assert r.outputs["picked"] == [D(1), D(2), D(4)]  # a, then c
    assert r.outputs["row_names"] == ["100 және одан жоғары", "0-44,49"]
    assert r.outputs["ratio"] == D(25) and r.outputs["per_key"] == {"a": D("1.5"), "b": D("1.5"), "c": D(2)}
    bad = Evaluator(demo.methodology, "360").evaluate({"id": "y", "m": {}, "grades": ["top", "upper"], "d": 0, "pct": 1})
    assert [e.field for e in bad.errors] == ["grades"] and "'upper' is not one of top, mid, low" in bad.errors[0].message


def test_element_ids_still_may_not_start_with_a_digit(tmp_path):
    text = demo_text(**{"  ratio: {cite": "  9ratio: {cite"})
    assert "schema-unknown-key" in [f.code for f in codes(tmp_path, text)] or "schema" in [f.code for f in codes(tmp_path, text)]


# -- a null score, guarded divisors, inputs read by their own constraints --------------------------------------
def test_a_null_score_gives_no_rating_and_no_consequences(demo):
    e = Evaluator(demo.methodology, "optional")
    r = e.evaluate({"id": "x", "checked": 1})
    assert r.ok and r.outputs["score"] is None and "rating" not in r.outputs and "consequences" not in r.outputs
    assert r.notes == ["score: not computed, because doubled has no value (a value it needs was not given) [p.2]"]
    r = e.evaluate({"id": "y", "opt": "0.25", "checked": 1})
    assert r.outputs["score"] == D("0.5") and r.outputs["rating"] == "low" and [c["id"] for c in r.outputs["consequences"]] == ["always"]


def test_guarded_divisors_are_not_reported_and_unguarded_ones_are(demo, tmp_path):
    assert [f for f in demo.findings if f.code == "division-by-zero"] == []
    text = demo_text(**{'expr: "pct / d if d > 0 else 0"': 'expr: "pct / d if d >= 0 else 0"'})
    found = [f for f in codes(tmp_path, text) if f.code == "division-by-zero"]
    assert len(found) == 1 and (found[0].line, found[0].col) == position(text, "d if d >= 0")


def test_an_input_read_by_its_own_constraint_is_used(demo):
    assert [f for f in demo.findings if f.code == "input-unused"] == []


def test_a_missing_value_is_named(tmp_path):
    text = demo_text(**{'expr: "opt * 2 if opt != None else None"': 'expr: "opt * 2"'})
    loaded = load_methodology(write(tmp_path, text), analyse=False)
    r = Evaluator(loaded.methodology, "optional").evaluate({"id": "x", "checked": 1})
    assert [e.message for e in r.errors] == ["doubled: a value it needs is missing (null): opt is not given"]


# -- coverage of band() inside a for_each ------------------------------------------------------------------
def test_coverage_counts_rows_and_gaps_classified_inside_for_each():
    reg = Registry.default()
    path = ROOT / "methodologies" / "zhanibek" / "2023.tests.yaml"
    outcomes = [o for _, _, outs in run_files([path], reg) for o in outs]
    c = measure({"zhanibek@2023": reg.get("zhanibek@2023")}, outcomes)["zhanibek@2023"]
    for category in ("bands", "gap policies", "table rows"):
        assert c.missing(category) == [], (category, c.missing(category))
    assert "annex3_implementation: p40–p45" in c.covered("gap policies")
    assert len([b for b in c.covered("bands") if b.startswith("annex3_implementation.")]) == 21
