"""The act's structure and the file's bookkeeping (engine/structure.py, engine/schema.py codes).

Each test mutates the worked example (wko-maslikhat@2017) in one place and expects one finding at
the exact place of the fault, found in the mutated text itself.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.editions.registry import load_methodology
from engine.analysis.structure import cite_problem

ROOT = Path(__file__).resolve().parents[2]
WKO = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"
MNE = ROOT / "methodologies" / "mne" / "2017.yaml"
WKO_TEXT = WKO.read_text(encoding="utf-8")


def mutate(old: str, new: str, text: str = WKO_TEXT) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def position(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def check(tmp_path: Path, text: str):
    path = tmp_path / "wko-maslikhat" / "2017.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_methodology(path)


def where(loaded, code: str) -> list[tuple[int, int]]:
    return sorted((f.line, f.col) for f in loaded.findings if f.code == code)


# ---------------------------------------------------------------------------------- the bundled files
@pytest.mark.parametrize("path", [WKO, MNE], ids=["wko", "mne"])
def test_bundled_files_declare_their_structure_and_cite_only_what_exists(path):
    loaded = load_methodology(path)
    assert loaded.findings == [], [f.render() for f in loaded.findings]
    structure = loaded.methodology.data["structure"]
    assert structure["paragraphs"] == 47 and structure["annexes"] == [1, 2, 3, 4]


def test_wko_records_the_acts_own_annex_5_as_an_interpretation_not_a_citation():
    data = load_methodology(WKO).methodology.data
    reading = data["interpretations"]["annex-5-reference"]
    assert reading["cite"] == "p.34(3)"
    assert "Annex 5" in reading["says"]
    assert data["structure"]["decision_points"] == 2 and data["structure"]["subpoints"]["p.34"] == 3
    assert "cite: Annex 5" not in WKO_TEXT
    assert data["documents"]["commission_protocol"]["cite"] == "Annex 4"


# ---------------------------------------------------------------------------------- cite-undefined
def test_citing_annex_5_is_an_error_in_a_file_with_annexes_1_to_4(tmp_path):
    old = "    cite: Annex 4\n    label: {kk: Бағалау жөніндегі комиссия отырысының хаттамасы"
    text = mutate(old, old.replace("Annex 4", "Annex 5"))
    loaded = check(tmp_path, text)
    assert where(loaded, "cite-undefined") == [position(text, "Annex 5\n")]
    (f,) = [f for f in loaded.findings if f.code == "cite-undefined"]
    assert f.severity == "error"
    assert "no Annex 5" in f.message and "1, 2, 3, 4" in f.message and "interpretation" in f.message
    assert loaded.errors == [f]


def test_a_point_beyond_the_last(tmp_path):
    text = mutate("    cite: p.47\n", "    cite: p.48\n")
    loaded = check(tmp_path, text)
    assert where(loaded, "cite-undefined") == [position(text, "p.48")]
    assert "no point 48" in loaded.errors[0].message and "1–47" in loaded.errors[0].message


def test_a_sub_point_the_point_does_not_have(tmp_path):
    text = mutate("  annex-5-reference:\n    cite: p.34(3)", "  annex-5-reference:\n    cite: p.34(4)")
    loaded = check(tmp_path, text)
    assert where(loaded, "cite-undefined") == [position(text, "p.34(4)")]
    assert "point 34 has 3 sub-points" in loaded.errors[0].message


def test_a_sub_point_of_a_point_without_sub_points(tmp_path):
    text = mutate("    cite: p.44\n", "    cite: p.44(1)\n")
    loaded = check(tmp_path, text)
    assert where(loaded, "cite-undefined") == [position(text, "p.44(1)")]
    assert "has no sub-points" in loaded.errors[0].message


def test_a_decision_point_the_decision_does_not_have(tmp_path):
    text = mutate("  cite: Dec. p.2\n", "  cite: Dec. p.3\n")
    loaded = check(tmp_path, text)
    assert where(loaded, "cite-undefined") == [position(text, "Dec. p.3")]


def test_a_line_beyond_the_seed_file(tmp_path):
    text = mutate("  draft-status:\n    cite: L.6", "  draft-status:\n    cite: L.425")
    loaded = check(tmp_path, text)
    assert where(loaded, "cite-undefined") == [position(text, "L.425")]
    assert "424 lines" in loaded.errors[0].message


def test_citations_in_a_list_are_each_checked(tmp_path):
    text = mutate("    cite: [p.30, p.12]\n", "    cite: [p.30, p.52]\n")
    loaded = check(tmp_path, text)
    assert where(loaded, "cite-undefined") == [position(text, "p.52]")]


def test_without_a_structure_nothing_is_checked(tmp_path):
    start = WKO_TEXT.index("structure:\n")
    end = WKO_TEXT.index("calendar:\n")
    text = WKO_TEXT[:start] + WKO_TEXT[end:]
    text = mutate("    cite: p.47\n", "    cite: p.480\n", text)
    assert where(check(tmp_path, text), "cite-undefined") == []


@pytest.mark.parametrize("cite, problem", [
    ("p.1", None), ("p.47, second paragraph", None), ("p.3(2)", None), ("Annex 4, column 3", None),
    ("p.46-47", None), ("p.46-48", "no point 48"), ("p.40-39", "ends before it starts"),
    ("Annex 0", "no Annex 0"), ("Dec. p.1", None), ("L.1-424", None), ("L.1-425", "424 lines"),
])
def test_cite_problem(cite, problem):
    structure = {"paragraphs": 47, "annexes": [1, 2, 3, 4], "decision_points": 2, "subpoints": {"p.3": 2, "p.34": 3}, "lines": 424}
    got = cite_problem(cite, structure)
    assert (got is None) if problem is None else (problem in got)


def test_a_decision_point_when_the_decision_is_not_in_the_text():
    assert "not in the text" in cite_problem("Dec. p.1", {"paragraphs": 47, "decision_points": 0})


# ---------------------------------------------------------------------------------- labels and citations missing
def test_an_empty_kk_label(tmp_path):
    text = mutate("label: {kk: негізгі баллдар, en: base points}", "label: {kk: '', en: base points}")
    loaded = check(tmp_path, text)
    assert where(loaded, "label-missing") == [position(text, "''")]
    assert "kk is missing or empty" in loaded.errors[0].message


def test_a_label_without_en(tmp_path):
    text = mutate("label: {kk: «+1»-ден, en: lowest incentive points per item}", "label: {kk: «+1»-ден}")
    loaded = check(tmp_path, text)
    assert where(loaded, "label-missing") == [position(text, "{kk: «+1»-ден}")]
    assert "en is missing" in loaded.errors[0].message


def test_a_missing_citation_is_located_at_the_element(tmp_path):
    text = mutate("  quarter_weight:\n    cite: p.32\n", "  quarter_weight:\n")
    loaded = check(tmp_path, text)
    line, _ = position(text, "  quarter_weight:\n")
    assert where(loaded, "cite-missing") == [(line, 3)]


# ---------------------------------------------------------------------------------- unused inputs and parameters
def test_a_parameter_nothing_reads(tmp_path):
    text = mutate("items: {type: integer, min: incentive_min, max: incentive_max}", "items: {type: integer, min: incentive_min, max: 5}")
    loaded = check(tmp_path, text)
    assert where(loaded, "parameter-unused") == [position(text, "incentive_max:")]
    (f,) = [f for f in loaded.findings if f.code == "parameter-unused"]
    assert f.severity == "warning" and loaded.errors == []


def test_an_input_bound_reads_its_parameter(tmp_path):
    m = load_methodology(WKO).methodology
    assert m.inputs["incentive_points"].items.max == 5 and m.inputs["plan_scores"].max_items == 4
    text = mutate("  incentive_max:\n    cite: p.18\n    label: {kk: «+5» баллға дейін, en: highest incentive points per item}\n    value: 5",
                  "  incentive_max:\n    cite: p.18\n    label: {kk: «+5» баллға дейін, en: highest incentive points per item}\n    value: 6")
    loaded = check(tmp_path, text)
    assert loaded.methodology.inputs["incentive_points"].items.max == 6


def test_an_input_bound_naming_no_parameter(tmp_path):
    text = mutate("max_items: plan_max_indicators", "max_items: plan_max_indicator")
    loaded = check(tmp_path, text)
    assert where(loaded, "ref-undefined") == [position(text, "plan_max_indicator\n")]


def test_an_input_no_evaluation_takes(tmp_path):
    extra = "  spare:\n    cite: p.3\n    label: {kk: артық, en: spare}\n    type: integer\n"
    text = mutate("  incentive_points:\n", extra + "  incentive_points:\n")
    loaded = check(tmp_path, text)
    assert where(loaded, "input-unused") == [position(text, "spare:")]
    assert "taken by no evaluation" in [f for f in loaded.findings if f.code == "input-unused"][0].message


def test_an_input_taken_but_never_read(tmp_path):
    extra = "  spare:\n    cite: p.3\n    label: {kk: артық, en: spare}\n    type: integer\n    optional: true\n"
    text = mutate("  incentive_points:\n", extra + "  incentive_points:\n")
    text = mutate("inputs: [incentive_points, execution_violations, labour_violations]",
                  "inputs: [incentive_points, execution_violations, labour_violations, spare]", text)
    loaded = check(tmp_path, text)
    (f,) = [f for f in loaded.findings if f.code == "input-unused"]
    assert (f.line, f.col) == position(text, "spare:")
    assert "taken by evaluation 'quarterly' but nothing reads it" in f.message


def test_unused_checks_wait_for_a_file_without_errors(tmp_path):
    text = mutate("expr: sum(incentive_points)", "expr: sum(incentive_pointz)")
    loaded = check(tmp_path, text)
    assert {f.code for f in loaded.findings} == {"name-undefined"}
