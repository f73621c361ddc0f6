"""Reasoning over values (engine/analysis.py), through `adisteme validate`'s loader.

Each finding code gets a small file of its own, faulty in one place; the expected location is found
in the file's text (the line and column of the faulty token), never taken from the engine's output.
The value sets of the bundled order-110 acts are checked against a brute-force enumeration.
"""
from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from engine.analysis.ranges import Analysis, Examples, Range, fgcd, show
from engine.editions.registry import load_methodology

from snippets import act_head

ROOT = Path(__file__).resolve().parents[2]
WKO = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"
MNE = ROOT / "methodologies" / "mne" / "2017.yaml"

HEAD = act_head("fam")


def faulty(tmp_path: Path, body: str) -> tuple[Path, str]:
    text = HEAD + body
    path = tmp_path / "fam" / "1.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, text


def position(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def findings(path: Path, code: str):
    loaded = load_methodology(path, analyse=True)
    assert not loaded.errors, [f.render(with_source=False) for f in loaded.errors]
    return [f for f in loaded.findings if f.code == code]


def scored(expr: str, bands: str, gaps: str = "", inputs: str = "", extra: str = "") -> str:
    """A file with one scored evaluation: score = expr over input x (integer 0..100) unless inputs are given."""
    inputs = inputs or "  x: {cite: p.1, label: {kk: икс, en: x}, type: integer, min: 0, max: 100}\n"
    return f"""\
parameters: {{}}
inputs:
{inputs}scales:
  grade:
    cite: p.2
    label: {{kk: баға, en: rating}}
    bands:
{bands}{gaps}formulas:
  total:
    cite: p.3
    label: {{kk: балл, en: score}}
    expr: {expr}
evaluations:
  annual:
    cite: p.4
    label: {{kk: бағалау, en: evaluation}}
    inputs: [{', '.join(n.split(':')[0].strip() for n in inputs.splitlines() if n.startswith('  ') and not n.startswith('   '))}]
    score: total
    rating: grade
{extra}interpretations:
  gap-reading: {{cite: p.2, says: the act leaves a gap, does: a policy, why: a test}}
"""


THREE_BANDS = """\
      - {id: low, label: {kk: төмен, en: low}, less_than: 3}
      - {id: mid, label: {kk: орта, en: middle}, at_least: 3, at_most: 3.9}
      - {id: high, label: {kk: жоғары, en: high}, at_least: 4}
"""


def gap_policy(resolve: str) -> str:
    return f"""\
    gaps:
      - between: [mid, high]
        resolve: {resolve}
        cite: p.2
        interpretation: gap-reading
"""


# ---------------------------------------------------------------------------------- gaps and bands
def test_gap_reachable_is_a_note_when_a_policy_covers_it(tmp_path):
    path, text = faulty(tmp_path, scored("x / 20", THREE_BANDS, gap_policy("lower")))
    (f,) = findings(path, "gap-reachable")
    assert (f.line, f.col) == position(text, "between: [mid, high]")
    assert f.severity == "note"
    assert "total = 3.95 with x: 79" in f.message and "puts them in 'mid'" in f.message


def test_gap_reachable_is_a_warning_when_its_policy_makes_an_error(tmp_path):
    path, text = faulty(tmp_path, scored("x / 20", THREE_BANDS, gap_policy("error")))
    (f,) = findings(path, "gap-reachable")
    assert (f.line, f.col) == position(text, "between: [mid, high]")
    assert f.severity == "warning"
    assert "3.95" in f.message and "no rating" in f.message


def test_gap_reachable_without_a_policy_is_a_warning_beside_band_gap(tmp_path):
    path, text = faulty(tmp_path, scored("x / 20", THREE_BANDS))
    loaded = load_methodology(path, analyse=True)
    assert [f.code for f in loaded.errors] == ["band-gap"]  # the checker's error stays
    (f,) = [f for f in loaded.findings if f.code == "gap-reachable"]
    assert (f.line, f.col) == position(text, "{id: high")
    assert f.severity == "warning"
    assert "total = 3.95 with x: 79" in f.message and "declare a gap policy" in f.message


def test_gap_unreachable_is_a_note_with_the_nearest_values(tmp_path):
    path, text = faulty(tmp_path, scored("x / 2", THREE_BANDS, gap_policy("lower")))
    (f,) = findings(path, "gap-unreachable")
    assert (f.line, f.col) == position(text, "between: [mid, high]")
    assert f.severity == "note"
    assert "no record reaches" in f.message and "all multiples of 0.5" in f.message and "the nearest are 3.5 and 4" in f.message


def test_gap_unreachable_for_whole_numbers(tmp_path):
    bands = """\
      - {id: low, label: {kk: төмен, en: low}, at_most: 105}
      - {id: high, label: {kk: жоғары, en: high}, at_least: 106}
"""
    gaps = """\
    gaps:
      - between: [low, high]
        resolve: error
        cite: p.2
        interpretation: gap-reading
"""
    inputs = "  x: {cite: p.1, label: {kk: икс, en: x}, type: integer, min: 0}\n  y: {cite: p.1, label: {kk: игрек, en: y}, type: integer, min: 0}\n"
    path, text = faulty(tmp_path, scored("100 + x - 2 * y", bands, gaps, inputs))
    (f,) = findings(path, "gap-unreachable")
    assert (f.line, f.col) == position(text, "between: [low, high]")
    assert "total is always a whole number" in f.message


def test_band_unreachable(tmp_path):
    bands = THREE_BANDS.replace("{id: high, label: {kk: жоғары, en: high}, at_least: 4}",
                                "{id: high, label: {kk: жоғары, en: high}, at_least: 4, at_most: 6}\n      - {id: top, label: {kk: ең жоғары, en: top}, more_than: 6}")
    path, text = faulty(tmp_path, scored("x / 20", bands, gap_policy("lower")))
    (f,) = findings(path, "band-unreachable")
    assert (f.line, f.col) == position(text, "{id: top")
    assert f.severity == "warning"
    assert "'top'" in f.message and "takes 101 values from 0 to 5" in f.message


# ---------------------------------------------------------------------------------- empty lists, zero divisors
LIST_INPUT = "  xs: {cite: p.1, label: {kk: тізім, en: list}, type: list, items: {type: integer, min: 2, max: 5}, max_items: 4}\n"
BANDS_ANY = """\
      - {id: negative, label: {kk: теріс, en: negative}, less_than: 0}
      - {id: positive, label: {kk: оң, en: not negative}, at_least: 0}
"""


def test_empty_list_under_mean(tmp_path):
    path, text = faulty(tmp_path, scored("mean(xs)", BANDS_ANY, inputs=LIST_INPUT))
    (f,) = findings(path, "empty-list")
    assert (f.line, f.col) == position(text, "mean(xs)")
    assert f.severity == "warning"
    assert "has no min_items" in f.message


def test_no_empty_list_finding_with_min_items(tmp_path):
    inputs = LIST_INPUT.replace("max_items: 4", "min_items: 1, max_items: 4")
    path, _ = faulty(tmp_path, scored("mean(xs)", BANDS_ANY, inputs=inputs))
    assert findings(path, "empty-list") == []


def test_division_by_zero_at_the_divisor(tmp_path):
    path, text = faulty(tmp_path, scored("sum(xs) / count(xs)", BANDS_ANY, inputs=LIST_INPUT))
    (f,) = findings(path, "division-by-zero")
    assert (f.line, f.col) == position(text, "count(xs)")
    assert f.severity == "warning"
    assert "count(xs) takes only the values 0, 1, 2, 3, 4" in f.message


# ---------------------------------------------------------------------------------- deadlines
DEADLINE_FILE = """\
parameters: {}
inputs:
  event: {cite: p.1, label: {kk: оқиға, en: event}, type: date}
deadlines:
  due:
    cite: p.2
    label: {kk: мерзім, en: due}
    from: event
    count: %(count)s
    unit: calendar_days
    direction: %(direction)s
    roll: %(roll)s
evaluations:
  deadlines:
    cite: p.3
    label: {kk: мерзімдер, en: deadlines}
    inputs: [event]
    outputs: [due]
interpretations: {}
"""


def test_deadline_before_anchor_is_a_note(tmp_path):
    path, text = faulty(tmp_path, DEADLINE_FILE % {"count": 10, "direction": "before", "roll": "auto"})
    (f,) = findings(path, "deadline-before-anchor")
    assert (f.line, f.col) == position(text, "before")
    assert f.severity == "note"
    assert "10 calendar days before its event 'event'" in f.message


def test_deadline_crosses_anchor_when_rolled_back(tmp_path):
    path, text = faulty(tmp_path, DEADLINE_FILE % {"count": 1, "direction": "after", "roll": "backward"})
    (f,) = findings(path, "deadline-crosses-anchor")
    assert (f.line, f.col) == position(text, "backward")
    assert f.severity == "warning"
    # 2017-01-01 is a Sunday and a holiday: one day after it is 2 January (off), rolled back to 30 December 2016
    assert "event = 2017-01-01 (Sunday)" in f.message and "2016-12-30" in f.message


def test_no_crossing_when_rolled_forward(tmp_path):
    path, _ = faulty(tmp_path, DEADLINE_FILE % {"count": 1, "direction": "after", "roll": "forward"})
    assert findings(path, "deadline-crosses-anchor") == []


# ---------------------------------------------------------------------------------- the bundled order-110 acts
def brute_force_annual() -> set[Fraction]:
    means = {Fraction(sum(c), k) for k in range(1, 5) for c in itertools.combinations_with_replacement(range(2, 6), k)}
    return {Fraction(2, 5) * p + Fraction(3, 5) * m for p in range(2, 6) for m in means}


@pytest.mark.parametrize("path", [WKO, MNE], ids=["wko", "mne"])
def test_annual_score_is_enumerated_exactly(path):
    a = Analysis(load_methodology(path).methodology)
    r = a.value("annual_score")
    assert set(r.exact) == brute_force_annual()
    assert len(r.exact) == 49 and r.step == Fraction(1, 20)
    assert Fraction("3.95") in r.exact and Fraction("4.9") not in r.exact and Fraction("4.95") not in r.exact


def test_quarterly_score_is_a_whole_number_without_bounds():
    a = Analysis(load_methodology(WKO).methodology)
    r = a.value("quarterly_score")
    assert r.exact is None and r.step == 1 and r.lo is None and r.hi is None
    # points() of a mean of any decimals reaches every band's points
    assert set(a.value("quarterly_points").exact) == {2, 3, 4, 5}
    assert a.value("plan_score").step == Fraction(1, 12) or a.value("plan_score").exact is not None


def test_the_example_for_3_95_is_the_acts_own_and_the_engine_agrees():
    m = load_methodology(WKO).methodology
    a = Analysis(m)
    use = next(u for u in a.uses if u.scale == "annual_rating")
    evaluation, record, given = Examples(a).check(use, Fraction("3.95"))
    assert evaluation == "annual"
    assert given == {"quarterly_scores": [131], "plan_scores": [3, 3, 3, 4]}


@pytest.mark.parametrize("path", [WKO, MNE], ids=["wko", "mne"])
def test_bundled_files_get_notes_only(path):
    loaded = load_methodology(path, analyse=True)
    assert [f for f in loaded.findings if f.severity != "note"] == []
    got = {(f.code, f.line) for f in loaded.findings}
    text = path.read_text(encoding="utf-8")
    gaps = [i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith("- between:")]
    # p.27 105-106 (whole numbers), p.32 105-106 (reached: the mean), p.33 3.9-4 (reached: 3.95), 4.9-5, above 5
    assert got >= {("gap-unreachable", gaps[0]), ("gap-reachable", gaps[1]), ("gap-reachable", gaps[2]),
                   ("gap-unreachable", gaps[3]), ("gap-unreachable", gaps[4])}
    annual = next(f for f in loaded.findings if f.line == gaps[2])
    assert "annual_score = 3.95 with quarterly_scores: [131], plan_scores: [3, 3, 3, 4]" in annual.message
    assert "annual-gaps" in annual.message
    upper = next(f for f in loaded.findings if f.line == gaps[3])
    assert "the nearest are 4.85 and 5" in upper.message
    assert {f.code for f in loaded.findings if f.code.startswith("deadline")} == {"deadline-before-anchor"}


def test_validate_notes_never_fail_even_with_strict():
    runner = CliRunner()
    for args in (["validate", str(WKO)], ["validate", "--strict", str(WKO)]):
        r = runner.invoke(cli.main, args)
        assert r.exit_code == 0, r.output
        assert "note:" in r.stdout and "[gap-reachable]" in r.stdout
    r = runner.invoke(cli.main, ["validate", "--format", "json", str(WKO)])
    codes = {f["code"] for f in json.loads(r.stdout)["findings"]}
    assert {"gap-reachable", "gap-unreachable", "deadline-before-anchor"} <= codes


# ---------------------------------------------------------------------------------- the arithmetic itself
def test_gcd_of_rationals():
    assert fgcd(Fraction(2, 5), Fraction(1, 20)) == Fraction(1, 20)
    assert fgcd(Fraction(0), Fraction(3, 4)) == Fraction(3, 4)


def test_range_inside_a_step_grid():
    r = Range(Fraction(0), None, step=Fraction(1))
    assert r.inside(Fraction(105), False, Fraction(106), False) == []
    assert r.inside(Fraction(104), False, Fraction(107), True) == [105, 106, 107]
    assert show(Fraction(317, 3)).startswith("317/3")


def test_analysis_that_cannot_run_is_a_note_not_a_crash(tmp_path, monkeypatch):
    import engine.analysis.ranges

    def broken(m, doc, calendar=None):
        raise ValueError("an unknown construct")

    monkeypatch.setattr(engine.analysis.ranges, "analyse", broken)
    path, text = faulty(tmp_path, scored("x / 20", THREE_BANDS, gap_policy("lower")))
    loaded = load_methodology(path, analyse=True)
    (f,) = [f for f in loaded.findings if f.code == "analysis-skipped"]
    assert (f.line, f.col, f.severity) == (*position(text, "language: 1"), "note")  # the document itself
    assert "an unknown construct" in f.message
    assert loaded.errors == []


def test_rounding_of_values_matches_the_engines_decimal_rounding():
    from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

    from engine.analysis.ranges import _round_to

    modes = {"down": ROUND_DOWN, "up": ROUND_UP, "half_even": ROUND_HALF_EVEN, "half_up": ROUND_HALF_UP}
    for num in range(-120, 121):
        for mode, rounding in modes.items():
            for places in (0, 1):
                want = (Decimal(num) / Decimal(40)).quantize(Decimal(1).scaleb(-places), rounding=rounding)
                assert _round_to(Fraction(num, 40), places, mode) == Fraction(want), (num, mode, places)


def test_help_answers_without_loading_the_engine():
    import subprocess
    import sys

    code = ("import sys, cli\n"
            "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('engine.evaluation.evaluator', 'engine.editions.registry', 'engine.calendar.workdays', 'holidays', 'jsonschema') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_count_true_of_yes_no_items_and_an_unreachable_band(tmp_path):
    inputs = "  done: {cite: p.1, label: {kk: орындалды, en: done}, type: list, items: {type: boolean}, min_items: 5, max_items: 5}\n"
    bands = """\
      - {id: low, label: {kk: төмен, en: low}, less_than: 3}
      - {id: high, label: {kk: жоғары, en: high}, at_least: 3, at_most: 5}
      - {id: beyond, label: {kk: тыс, en: beyond}, more_than: 5}
"""
    path, text = faulty(tmp_path, scored("count_true(done)", bands, inputs=inputs))
    (f,) = findings(path, "band-unreachable")
    assert (f.line, f.col) == position(text, "{id: beyond")
    assert "total takes only the values 0, 1, 2, 3, 4, 5" in f.message
    a = Analysis(load_methodology(path).methodology)
    assert a.value("total").exact[Fraction(3)] == {"done": [False, False, True, True, True]}
