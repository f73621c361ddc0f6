"""Semantic checks (engine/checks.py) through engine.editions.registry.load_methodology.

Each test mutates the text of the worked example (methodologies/wko-maslikhat/2017.yaml), saves it
as tmp/<family>/<edition>.yaml and expects one finding code at the exact place of the fault. The
expected place is found in the mutated text itself (the line and column of the faulty token),
never taken from the engine's output.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.editions.registry import load_methodology

ROOT = Path(__file__).resolve().parents[2]
WKO = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"
WKO_TEXT = WKO.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------- helpers
def mutate(old: str, new: str, text: str = WKO_TEXT, occurrence: int = 0) -> str:
    """Replace the `occurrence`-th (0-based) appearance of `old`; it must exist."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(old, start + 1)
    return text[:start] + new + text[start + len(old):]


def position(text: str, needle: str, occurrence: int = 0, within: str | None = None) -> tuple[int, int]:
    """1-based (line, column) of `needle` (optionally of `needle` inside the first `within`)."""
    offset = 0
    if within is not None:
        offset = text.index(within)
        text_from = text[offset:]
        start = text_from.index(needle) + offset
    else:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


def save(tmp_path: Path, text: str, family: str = "wko-maslikhat", edition: str = "2017") -> Path:
    path = tmp_path / family / f"{edition}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(tmp_path: Path, text: str, **kw):
    return load_methodology(save(tmp_path, text, **kw))


def where(loaded, code: str) -> list[tuple[int, int]]:
    return sorted((f.line, f.col) for f in loaded.findings if f.code == code)


def codes(loaded) -> set[str]:
    return {f.code for f in loaded.findings}


# ---------------------------------------------------------------------------------- baseline
def test_bundled_wko_has_no_findings():
    loaded = load_methodology(WKO)
    assert loaded.findings == [], "\n".join(f.render() for f in loaded.findings)
    assert loaded.methodology is not None


def test_unchanged_copy_has_no_findings(tmp_path):
    loaded = check(tmp_path, WKO_TEXT)
    assert loaded.findings == []


# ---------------------------------------------------------------------------------- names and functions
def test_name_undefined(tmp_path):
    text = mutate("expr: sum(incentive_points)", "expr: sum(incentive_pointz)")
    loaded = check(tmp_path, text)
    assert where(loaded, "name-undefined") == [position(text, "incentive_pointz")]
    (f,) = [f for f in loaded.findings if f.code == "name-undefined"]
    assert "incentive_pointz" in f.message
    assert f.severity == "error"


def test_name_undefined_in_a_consequence(tmp_path):
    old = "when: rating == 'unsatisfactory' and previous_annual_rating == 'unsatisfactory'"
    text = mutate(old, "when: rating == 'unsatisfactory' and previous_rating == 'unsatisfactory'")
    loaded = check(tmp_path, text)
    assert where(loaded, "name-undefined") == [position(text, "previous_rating")]


def test_function_undefined(tmp_path):
    text = mutate("vote(commission, votes_for", "vote_(commission, votes_for")
    loaded = check(tmp_path, text)
    assert where(loaded, "function-undefined") == [position(text, "vote_(")]
    (f,) = [f for f in loaded.findings if f.code == "function-undefined"]
    assert "vote_" in f.message


def test_function_undefined_in_a_formula_used_elsewhere(tmp_path):
    # regression: inferring the type of incentive_total from quarterly_score raised KeyError
    text = mutate("expr: sum(incentive_points)", "expr: summ(incentive_points)")
    loaded = check(tmp_path, text)
    assert where(loaded, "function-undefined") == [position(text, "summ(")]


def test_function_arity(tmp_path):
    text = mutate("vote(commission, votes_for, votes_against, chair_votes_for)",
                  "vote(commission, votes_for, votes_against)")
    loaded = check(tmp_path, text)
    assert where(loaded, "function-arity") == [position(text, "vote(commission")]
    (f,) = [f for f in loaded.findings if f.code == "function-arity"]
    assert "4" in f.message and "3" in f.message


def test_function_arity_in_a_formula_used_elsewhere(tmp_path):
    # regression: too many arguments raised IndexError while inferring types
    text = mutate("expr: sum(incentive_points)", "expr: sum(incentive_points, 1)")
    loaded = check(tmp_path, text)
    assert where(loaded, "function-arity") == [position(text, "sum(incentive_points, 1)")]


def test_type_mismatch_sum_of_a_number(tmp_path):
    text = mutate("expr: sum(incentive_points)", "expr: sum(base_points)")
    loaded = check(tmp_path, text)
    assert position(text, "base_points)") in where(loaded, "type-mismatch")


def test_type_mismatch_date_in_arithmetic(tmp_path):
    text = mutate("expr: months_between(position_start, reference_date)", "expr: reference_date - position_start")
    loaded = check(tmp_path, text)
    assert position(text, "reference_date - position_start") in where(loaded, "type-mismatch")


def test_type_mismatch_reported_once_at_the_faulty_formula(tmp_path):
    # regression: was reported a second time on quarterly_score's line, with a column from another formula
    text = mutate("expr: sum(incentive_points)", "expr: sum(base_points)")
    loaded = check(tmp_path, text)
    assert where(loaded, "type-mismatch") == [position(text, "base_points)")]


def test_type_mismatch_of_an_eligibility_rule(tmp_path):
    text = mutate("require: not on_probation", "require: months_in_post + 1")
    loaded = check(tmp_path, text)
    (f,) = [f for f in loaded.findings if f.code == "type-mismatch"]
    assert f.line == position(text, "require: months_in_post + 1")[0]
    assert "bool" in f.message


def test_cycle(tmp_path):
    text = mutate("expr: execution_violations + labour_violations",
                  "expr: execution_violations + labour_violations + penalty_total * 0")
    loaded = check(tmp_path, text)
    # reported once, at the key of the first formula of the loop in the file
    assert where(loaded, "cycle") == [position(text, "  violation_facts:")[0:1] + (3,)]
    (f,) = [f for f in loaded.findings if f.code == "cycle"]
    assert "violation_facts" in f.message and "penalty_total" in f.message


def test_expression_syntax_is_located(tmp_path):
    text = mutate("if quorate else 'no_quorum'", "if quorate else no_quorum.x")
    loaded = check(tmp_path, text)
    assert position(text, "no_quorum.x") in where(loaded, "expr-invalid")


# ---------------------------------------------------------------------------------- references
def test_ref_undefined_evaluation_output(tmp_path):
    text = mutate("outputs: [incentive_total, violation_facts, penalty_total]",
                  "outputs: [incentive_total, violation_facts, penalty_totl]")
    loaded = check(tmp_path, text)
    assert where(loaded, "ref-undefined") == [position(text, "penalty_totl")]
    (f,) = [f for f in loaded.findings if f.code == "ref-undefined"]
    assert "penalty_totl" in f.message


def test_ref_undefined_consequence_deadline(tmp_path):
    text = mutate("    deadline: training\n", "    deadline: trainin\n")
    loaded = check(tmp_path, text)
    assert where(loaded, "ref-undefined") == [position(text, "trainin\n")]


def test_ref_undefined_deadline_event(tmp_path):
    text = mutate("from: decision_date", "from: decision_day")
    loaded = check(tmp_path, text)
    assert where(loaded, "ref-undefined") == [position(text, "decision_day")]


def test_input_not_listed(tmp_path):
    old = "inputs: [incentive_points, execution_violations, labour_violations]"
    text = mutate(old, "inputs: [incentive_points, execution_violations]")
    loaded = check(tmp_path, text)
    assert where(loaded, "input-not-listed") == [position(text, "[incentive_points, execution_violations]")]
    (f,) = [f for f in loaded.findings if f.code == "input-not-listed"]
    assert "labour_violations" in f.message


# ---------------------------------------------------------------------------------- scales
QUARTERLY_GAPS = """    gaps:
      - between: [satisfactory, effective]
        resolve: error
        cite: p.27
        interpretation: quarterly-integer
"""


def test_band_gap(tmp_path):
    assert WKO_TEXT.count(QUARTERLY_GAPS) == 1
    text = mutate(QUARTERLY_GAPS, "")
    loaded = check(tmp_path, text)
    # located at the band above the gap ('effective' of quarterly_rating, the first scale)
    assert where(loaded, "band-gap") == [position(text, "id: effective")]
    (f,) = [f for f in loaded.findings if f.code == "band-gap"]
    assert "105" in f.message and "106" in f.message


def test_band_overlap(tmp_path):
    text = mutate("at_most: 105", "at_most: 106")  # quarterly_rating: 80..106 and 106..130
    loaded = check(tmp_path, text)
    assert where(loaded, "band-overlap") == [position(text, "id: effective")]


def test_gap_policy_unused(tmp_path):
    text = mutate("at_most: 105", "less_than: 106")  # quarterly_rating: 80 <= x < 106 leaves no gap
    loaded = check(tmp_path, text)
    assert where(loaded, "gap-policy-unused") == [position(text, "between: [satisfactory, effective]")]
    assert "band-gap" not in codes(loaded)


def test_gap_policy_invalid(tmp_path):
    old = "      - between: [excellent, null]\n        resolve: error"
    text = mutate(old, "      - between: [excellent, null]\n        resolve: upper")
    loaded = check(tmp_path, text)
    line, col = position(text, "resolve: upper")
    assert where(loaded, "gap-policy-invalid") == [(line, col + len("resolve: "))]


# ---------------------------------------------------------------------------------- interpretations
def test_interpretation_undefined(tmp_path):
    text = mutate("interpretations: [penalty-sign]", "interpretations: [penalty-sing]")
    loaded = check(tmp_path, text)
    assert where(loaded, "interpretation-undefined") == [position(text, "penalty-sing]")]


def test_interpretation_undefined_in_a_gap_policy(tmp_path):
    text = mutate("interpretation: quarterly-integer", "interpretation: quarterly-integr")
    loaded = check(tmp_path, text)
    assert where(loaded, "interpretation-undefined") == [position(text, "quarterly-integr\n")]


def test_interpretation_unused_is_a_warning(tmp_path):
    text = mutate("    interpretations: [annex-3-layout]\n", "")
    loaded = check(tmp_path, text)
    assert where(loaded, "interpretation-unused") == [position(text, "  annex-3-layout:")[0:1] + (3,)]
    (f,) = [f for f in loaded.findings if f.code == "interpretation-unused"]
    assert f.severity == "warning"
    assert loaded.errors == []
    assert loaded.methodology is not None


def test_band_unknown(tmp_path):
    old = "    when: rating == 'unsatisfactory'\n    deadline: training"
    text = mutate(old, "    when: rating == 'excelent'\n    deadline: training")
    loaded = check(tmp_path, text)
    assert where(loaded, "band-unknown") == [position(text, "'excelent'")]
    (f,) = [f for f in loaded.findings if f.code == "band-unknown"]
    assert "excelent" in f.message


def test_band_unknown_in_a_list_literal(tmp_path):
    text = mutate("rating in ['excellent', 'effective']", "rating in ['excellent', 'efective']")
    loaded = check(tmp_path, text)
    # the consequence serves two evaluations; every finding points at the misspelled band
    assert set(where(loaded, "band-unknown")) == {position(text, "'efective'")}


# ---------------------------------------------------------------------------------- identity and names
def test_id_mismatch(tmp_path):
    loaded = check(tmp_path, WKO_TEXT, edition="2018")
    assert where(loaded, "id-mismatch") == [position(WKO_TEXT, "wko-maslikhat\nedition")]
    (f,) = [f for f in loaded.findings if f.code == "id-mismatch"]
    assert "2018" in f.message


def test_id_mismatch_of_the_family(tmp_path):
    loaded = check(tmp_path, WKO_TEXT, family="wko")
    assert [f.line for f in loaded.findings if f.code == "id-mismatch"] == [position(WKO_TEXT, "family:")[0]]


def test_name_clash(tmp_path):
    text = mutate("parameters:\n", "parameters:\n  plan_score: {cite: p.32, label: {kk: k, en: e}, value: 1}\n")
    loaded = check(tmp_path, text)
    # the later definition (the formula plan_score) is the clash
    assert where(loaded, "name-clash") == [position(text, "  plan_score:\n")[0:1] + (3,)]
    (f,) = [f for f in loaded.findings if f.code == "name-clash"]
    assert "parameters" in f.message and "formulas" in f.message


def test_name_reserved(tmp_path):
    text = mutate("parameters:\n", "parameters:\n  rating: {cite: p.27, label: {kk: k, en: e}, value: 1}\n")
    loaded = check(tmp_path, text)
    assert where(loaded, "name-reserved") == [position(text, "  rating: {cite")[0:1] + (3,)]


# ---------------------------------------------------------------------------------- schema and YAML
def test_schema_unknown_key(tmp_path):
    text = mutate("    amount_note: The act sets", "    amount_notes: The act sets")
    loaded = check(tmp_path, text)
    assert where(loaded, "schema-unknown-key") == [position(text, "amount_notes")]
    assert loaded.methodology is None  # a schema-invalid file is not used


def test_schema_unknown_top_level_key(tmp_path):
    text = mutate("supersedes: []\n", "supersedes: []\nsupersede: []\n")
    loaded = check(tmp_path, text)
    assert where(loaded, "schema-unknown-key") == [position(text, "supersede:")]


@pytest.mark.parametrize("key", ["no", "on", "~"])
def test_id_that_yaml_reads_as_a_boolean_or_null(tmp_path, key):
    text = mutate("parameters:\n", f"parameters:\n  {key}: {{cite: p.1, label: {{kk: k, en: e}}, value: 1}}\n")
    loaded = check(tmp_path, text)
    line = position(text, f"  {key}: {{cite: p.1")[0]
    assert all(f.line == line for f in loaded.errors), [f.render() for f in loaded.errors]


def test_duplicate_key_reported(tmp_path):
    text = mutate("    value: 100\n", "    value: 100\n    cite: p.16\n")
    loaded = check(tmp_path, text)
    assert len(where(loaded, "duplicate-key")) == 1


def test_duplicate_key_located_at_the_second_key(tmp_path):
    # regression: used to be located at the first key
    text = mutate("    value: 100\n", "    value: 100\n    cite: p.16\n")
    loaded = check(tmp_path, text)
    line, _ = position(text, "    value: 100\n")
    assert where(loaded, "duplicate-key") == [(line + 1, 5)]


def test_yaml_syntax(tmp_path):
    text = mutate("    value: 100\n", "    value: 100: 1\n")
    loaded = check(tmp_path, text)
    line, col = position(text, "100: 1")
    assert where(loaded, "yaml-syntax") == [(line, col + 3)]  # the ':' that a plain value cannot hold
    assert loaded.methodology is None
    assert len(loaded.findings) == 1


def test_yaml_tab(tmp_path):
    text = mutate("    value: 100\n", "\tvalue: 100\n")
    loaded = check(tmp_path, text)
    assert where(loaded, "yaml-syntax") == [(position(text, "\tvalue")[0], 1)]


# ---------------------------------------------------------------------------------- all at once
def test_all_findings_in_one_run(tmp_path):
    text = mutate("expr: sum(incentive_points)", "expr: sum(incentive_pointz)")
    text = mutate("outputs: [incentive_total, violation_facts, penalty_total]",
                  "outputs: [incentive_total, violation_facts, penalty_totl]", text)
    text = mutate("    when: rating == 'unsatisfactory'\n    deadline: training",
                  "    when: rating == 'excelent'\n    deadline: training", text)
    loaded = check(tmp_path, text)
    assert where(loaded, "name-undefined") == [position(text, "incentive_pointz")]
    assert where(loaded, "ref-undefined") == [position(text, "penalty_totl")]
    assert where(loaded, "band-unknown") == [position(text, "'excelent'")]
    assert len(loaded.errors) == 3


def test_findings_carry_file_and_source_line(tmp_path):
    text = mutate("expr: sum(incentive_points)", "expr: sum(incentive_pointz)")
    path = save(tmp_path, text)
    (f,) = load_methodology(path).findings
    assert f.file == str(path)
    assert f.source_line.strip() == "expr: sum(incentive_pointz)"
    head = f.render().splitlines()[0]
    line, col = position(text, "incentive_pointz")
    assert head.startswith(f"{path}:{line}:{col}: error: ")
    assert head.endswith("[name-undefined]")


def test_non_decimal_literal_is_a_finding_not_a_crash(tmp_path):
    text = mutate("expr: base_points + incentive_total - penalty_total", "expr: base_points + incentive_total - 0x0")
    loaded = check(tmp_path, text)  # regression: used to raise decimal.InvalidOperation
    # whether 0x0 is accepted (as 0) or refused, any finding is about that line
    assert all(f.line == position(text, "0x0")[0] for f in loaded.errors), [f.render() for f in loaded.errors]


# ---------------------------------------------------------------------------------- long expressions
# docs/language.md allows expressions of up to 1000 characters, so drafters wrap them over lines.
QUARTERLY_SCORE = "expr: base_points + incentive_total - penalty_total"


def test_location_in_a_block_scalar_expression(tmp_path):
    text = mutate(QUARTERLY_SCORE, "expr: >-\n      base_points + incentive_total\n      - penalty_totl")
    loaded = check(tmp_path, text)
    assert where(loaded, "name-undefined") == [position(text, "penalty_totl")]


def test_location_in_a_wrapped_plain_expression(tmp_path):
    text = mutate(QUARTERLY_SCORE, "expr: base_points + incentive_total\n      - penalty_totl")
    loaded = check(tmp_path, text)
    assert where(loaded, "name-undefined") == [position(text, "penalty_totl")]


def test_location_in_a_quoted_expression_with_leading_spaces(tmp_path):
    text = mutate(QUARTERLY_SCORE, 'expr: "  base_points + incentive_total - penalty_totl"')
    loaded = check(tmp_path, text)
    assert where(loaded, "name-undefined") == [position(text, "penalty_totl")]


def test_location_in_a_quoted_expression(tmp_path):
    text = mutate(QUARTERLY_SCORE, 'expr: "base_points + incentive_total - penalty_totl"')
    loaded = check(tmp_path, text)
    assert where(loaded, "name-undefined") == [position(text, "penalty_totl")]
