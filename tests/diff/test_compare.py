"""`adisteme diff`: two methodologies compared in the act's terms, with the effect on results.

The expected differences between wko-maslikhat@2017 and mne@2017 were written by reading the two
acts side by side (seeds 000 and 001, with their notes); every other comparison is against a
synthetic edition made here by editing the text of wko-maslikhat@2017.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from engine.diff.compare import compare
from engine.diff.render import Report, render
from engine.editions.loading import load_named, split_revision
from engine.editions.registry import ENV_VAR, Registry

ROOT = Path(__file__).resolve().parents[2]
WKO = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"
MNE = ROOT / "methodologies" / "mne" / "2017.yaml"
WKO_TEXT = WKO.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def no_extra_methodologies(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def invoke(*args):
    result = CliRunner().invoke(cli.main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def replace_in(text: str, after: str, old: str, new: str) -> str:
    """Replace the first `old` that follows the (unique) marker `after`."""
    assert text.count(after) == 1, f"marker not unique: {after!r}"
    start = text.index(after)
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old):]


def edition(tmp_path: Path, edits: list[tuple[str, str, str]], name: str = "2018") -> Path:
    """wko-maslikhat@2017 with `edits` (marker, old, new) applied, saved as wko-maslikhat/<name>.yaml;
    it must still validate, so each test compares two usable editions."""
    text = WKO_TEXT.replace('edition: "2017"', f'edition: "{name}"', 1)
    for after, old, new in edits:
        text = replace_in(text, after, old, new)
    path = tmp_path / "wko-maslikhat" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    named = load_named(str(path), Registry.default())
    assert named.errors == [], [f.render(with_source=False) for f in named.errors]
    return path


def comparison(a: Path | str, b: Path | str):
    reg = Registry.default()
    return compare(load_named(str(a), reg).methodology, load_named(str(b), reg).methodology)


def rule_keys(c) -> set:
    return {d.key for d in c.rules}


def keys_of(c, category: str) -> set:
    return {d.key for d in c.of(category)}


# -- wko-maslikhat@2017 against mne@2017: the real differences between the two acts ------------------

# Read from the two texts side by side (seed 000 = WKO maslikhat draft decision, seed 001 = MNE web copy).
WKO_VS_MNE_RULES = {
    # Identity: different issuer (oblast maslikhat decision vs minister's order), title, number ("№10-"
    # vs blank), seed file, status ("(ЖОБА)" draft vs nothing known), legal bases (the 2001 local
    # government law only in 000; order 156-нқ and the registration of order 110 only in 001).
    ("act", "act", "title", "changed"),
    ("act", "act", "issuer", "changed"),
    ("act", "act", "type", "changed"),
    ("act", "act", "number", "changed"),
    ("act", "act", "source", "changed"),
    ("act", "act", "status", "changed"),
    ("act", "act", "legal_basis", "changed"),
    ("act", "act", "interpretations", "changed"),          # draft-status -> status-unknown
    # The acts' numbering (structure): 000 has the approving decision's two points, 001 has not; the seed
    # files differ in length; 001's p.21 numbers three sub-points (000's has two).
    ("structure", "structure", "decision_points", "changed"),
    ("structure", "structure", "lines", "changed"),
    ("structure", "structure", "subpoints.p.21", "changed"),
    # Effective-date rule: Dec. p.2 "from its first official publication" (000) vs none at all (001).
    ("validity", "validity", "interpretations", "changed"),
    # 001 lost the formula images of p.26 and p.32: weights and both formulas come from the template.
    ("parameters", "quarter_weight", "interpretations", "changed"),
    ("parameters", "plan_weight", "interpretations", "changed"),
    ("formulas", "quarterly_score", "interpretations", "changed"),
    ("formulas", "annual_score", "interpretations", "changed"),
    # Sources of violation data swapped (p.20, p.21, p.24) and p.21 numbered 1), 3) in 001.
    ("inputs", "execution_violations", "interpretations", "changed"),
    ("inputs", "labour_violations", "interpretations", "changed"),
    # p.3: 001 counts the time in the post *within the evaluated period*; 000 the time in the post.
    ("inputs", "position_start", "interpretations", "changed"),
    ("interpretations", "tenure-reference", "does", "changed"),
    # p.32: 000 writes "80-нен 105 баллға дейін" without "(қоса алғанда)"; 001 writes it.
    ("scales", "quarterly_mean_points", "bands.satisfactory.interpretations", "changed"),
    # p.33: 000 leaves 3,9 and 4,9 without "(қоса алғанда)"; 001 writes it.
    ("scales", "annual_rating", "bands.satisfactory.interpretations", "changed"),
    ("scales", "annual_rating", "bands.effective.interpretations", "changed"),
    # p.10: "келесі жылдың" (of the following year, 000) vs "бағаланатын жылдың" (of the evaluated year, 001).
    ("deadlines", "plan", "interpretations", "changed"),
    # p.7: "құрамының үштен екісінен астамы" (more than 2/3) vs "кемінде үштен екісі" (at least 2/3).
    ("bodies", "commission", "quorum", "changed"),
    # Annex 3: "Аталуы маңызы" / "Іс-шара" (000) vs "Атауы" | "Мәні" / "N-нысаналы көрсеткіштің нәтижесі" (001).
    ("documents", "annual_sheet", "interpretations", "changed"),
    # p.34(3) points at a non-existent Annex 5 in 000; 001 says Annex 4.
    ("documents", "commission_protocol", "interpretations", "changed"),
    # Annex 4 of 001 has two "Комиссия мүшесі" signature lines, 000 one.
    ("documents", "commission_protocol", "fields.member_signature_2", "added"),
    # Interpretations that only one of the two acts needs.
    ("interpretations", "draft-status", "", "removed"),
    ("interpretations", "conversion-105-inclusive", "", "removed"),
    ("interpretations", "annual-upper-bounds", "", "removed"),
    ("interpretations", "plan-following-year", "", "removed"),
    ("interpretations", "annex-3-layout", "", "removed"),
    ("interpretations", "annex-5-reference", "", "removed"),
    ("interpretations", "status-unknown", "", "added"),
    ("interpretations", "formulas-from-template", "", "added"),
    ("interpretations", "labour-breach-list", "", "added"),
    ("interpretations", "information-sources", "", "added"),
}

# Labels whose Kazakh words differ between the acts (a sample read from the texts): wording only.
KAZAKH_WORDING = {
    ("parameters", "base_points", "label"),                 # p.16 "негізгі баллдар" / "базалық балдар"
    ("parameters", "plan_max_indicators", "label"),         # p.12 "мақсаттық ... көп емес" / "нысаналы ... аспайды"
    ("inputs", "votes_for", "label"),
    ("scales", "annual_rating", "label"),                   # p.33 "Жылдың қорытынлы бағасы" (typo) / "Жылдық қорытынды баға"
    ("scales", "plan_indicator", "bands.not_fulfilled.label"),  # p.30
    ("scales", "plan_indicator", "bands.exceeded.label"),
    ("eligibility", "not_on_probation", "label"),           # p.3 "өткізілмейді" / "жүргізілмейді"
    ("deadlines", "q4_evaluation", "label"),                # p.3(1) "кеш емес өткізілетін" / "кешіктірілмей жүргізілетін"
    ("deadlines", "acquaintance", "label"),                 # p.36 "ол аяқталған соң" / "бағалау аяқталған күннен бастап"
    ("bodies", "commission", "quorum.label"),               # p.7
    ("bodies", "commission", "majority.label"),             # p.9 "дауысымен" / "даусымен"
    ("consequences", "training", "label"),                  # p.44 "біліктілікті жоғарылату" / "біліктілік арттыру"
    ("consequences", "demotion", "label"),                  # p.46
    ("documents", "quarterly_sheet", "fields.note.label"),  # Annex 2 "Ескерту" / "Ескертпе"
    ("documents", "annual_sheet", "fields.activity.label"), # Annex 3 "Аталуы" / "Атауы"
    ("documents", "commission_protocol", "fields.recommendations.label"),  # Annex 4 "ұсыныстары" / "ұсынымдары"
}


def test_wko_against_mne_lists_exactly_the_real_rule_differences():
    c = comparison(WKO, MNE)
    assert rule_keys(c) == WKO_VS_MNE_RULES
    assert {(s, i, k) for s, i, _, k in rule_keys(c)} == {(s, i, k) for s, i, _, k in WKO_VS_MNE_RULES}
    # the only citation difference: the decision's own p.2 (000) against the approval stamp (001)
    assert keys_of(c, "citation") == {("validity", "validity", "cite", "citation")}


def test_wko_against_mne_quorum_and_field_details():
    c = comparison(WKO, MNE)
    quorum = next(d for d in c.rules if d.section == "bodies")
    assert quorum.before == {"more_than": "2/3"} and quorum.after == {"at_least": "2/3"}
    assert "more than 2/3 → at least 2/3" in quorum.what
    assert quorum.cite_before == ("p.7",) and quorum.cite_after == ("p.7",)
    plan = next(d for d in c.rules if d.section == "deadlines")
    assert plan.before == ["plan-following-year"] and plan.after == []
    status = next(d for d in c.rules if d.part == "status")
    assert (status.before, status.after) == ("draft", "unknown")
    added = next(d for d in c.rules if d.part == "fields.member_signature_2")
    assert added.after["label"]["en"].startswith("second member") and added.cite_after == ("Annex 4",)


def test_wko_against_mne_wording_is_reported_apart_from_rules():
    c = comparison(WKO, MNE)
    wording = c.of("wording")
    parts = {(d.section, d.id, d.part) for d in wording}
    assert KAZAKH_WORDING <= parts
    # wording is only ever labels, notes and an interpretation's quotes or reasoning
    for d in wording:
        last = d.part.split(".")[-1]
        assert last in ("label", "says", "why") or last.endswith("note"), d.key
    # and never a rule: no label or note appears among the rule changes
    assert not any(d.part.split(".")[-1] in ("label", "says", "why") for d in c.rules)
    base = next(d for d in wording if d.id == "base_points")
    assert base.before["kk"] == "негізгі баллдар" and base.after["kk"] == "базалық балдар"
    assert "kk «негізгі баллдар» → «базалық балдар»" in base.what and "en «" not in base.what


def test_wko_against_mne_from_the_command_line():
    r = invoke("diff", "wko-maslikhat@2017", "mne@2017")
    assert r.exit_code == 1
    out = r.output
    assert out.index("RULE CHANGES") < out.index("CITATION CHANGES") < out.index("WORDING CHANGES")
    assert "quorum: more than 2/3 → at least 2/3" in out
    rules_only = invoke("diff", "wko-maslikhat@2017", "mne@2017", "--no-wording")
    assert rules_only.exit_code == 1 and "WORDING CHANGES" not in rules_only.output
    assert "38 rule changes" in rules_only.output  # 35, and the acts' numbering (structure): 3


# -- a file against itself -----------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [(WKO, WKO), ("wko-maslikhat@2017", WKO), ("mne@2017", MNE)])
def test_a_file_against_itself_has_no_difference(a, b):
    r = invoke("diff", a, b)
    assert r.exit_code == 0, r.output
    assert "No differences." in r.output
    assert compare(load_named(str(b), Registry.default()).methodology, load_named(str(b), Registry.default()).methodology).differences == []


# -- synthetic editions: every kind of change ------------------------------------------------------

QR = "  quarterly_rating:\n"
QMP = "  quarterly_mean_points:\n"

SYNTHETIC = {
    "band bound value": (
        [(QR, "at_least: 106", "at_least: 110")],
        {("scales", "quarterly_rating", "bands.effective.lower", "changed")},
        "band effective: lower bound at least 106 → at least 110",
    ),
    "bound inclusivity": (
        [(QR, "less_than: 80", "at_most: 80"), (QR, "at_least: 80", "more_than: 80")],
        {("scales", "quarterly_rating", "bands.unsatisfactory.upper", "changed"),
         ("scales", "quarterly_rating", "bands.satisfactory.lower", "changed")},
        "band unsatisfactory: upper bound 80 now included (less than 80 → at most 80)",
    ),
    "points": (
        [(QMP, "points: 4", "points: 4.5")],
        {("scales", "quarterly_mean_points", "bands.effective.points", "changed")},
        "band effective points: 4 → 4.5",
    ),
    "gap policy": (
        [(QMP, "resolve: lower", "resolve: upper")],
        {("scales", "quarterly_mean_points", "gaps.satisfactory/effective.resolve", "changed")},
        "gap policy between satisfactory and effective: values in the gap go to the band below → the band above",
    ),
    "parameter value": (
        [("  base_points:\n", "value: 100", "value: 90")],
        {("parameters", "base_points", "value", "changed")},
        "value: 100 → 90",
    ),
    "formula": (
        [("  quarterly_score:\n", "expr: base_points + incentive_total - penalty_total",
          "expr: base_points + incentive_total - 2 * penalty_total")],
        {("formulas", "quarterly_score", "expr", "changed")},
        "expr: base_points + incentive_total - penalty_total → base_points + incentive_total - 2 * penalty_total",
    ),
    "input bound": (
        [("  plan_scores:\n", "items: {type: integer, min: 2, max: 5}", "items: {type: integer, min: 2, max: 4}")],
        {("inputs", "plan_scores", "items.max", "changed")},
        "items max: 5 → 4",
    ),
    "deadline count and unit": (
        [("  appeal:\n", "count: 10", "count: 15"), ("  appeal:\n", "unit: working_days", "unit: calendar_days")],
        {("deadlines", "appeal", "count", "changed"), ("deadlines", "appeal", "unit", "changed")},
        "count: 10 → 15 (10 working days after decision_date → 15 calendar days after decision_date)",
    ),
    "fixed deadline": (
        [("  annual_evaluation:\n", "fixed: {month: 12, day: 25}", "fixed: {month: 12, day: 20}")],
        {("deadlines", "annual_evaluation", "fixed", "changed")},
        "fixed date: 25 December → 20 December",
    ),
    "quorum strictness": (
        [("    quorum:\n", "more_than: 2/3", "at_least: 2/3")],
        {("bodies", "commission", "quorum", "changed")},
        "quorum: more than 2/3 → at least 2/3 of the voting membership present",
    ),
    "quorum fraction": (
        [("    quorum:\n", "more_than: 2/3", "more_than: 1/2")],
        {("bodies", "commission", "quorum", "changed")},
        "quorum: more than 2/3 → more than 1/2",
    ),
    "consequence condition": (
        [("  bonus:\n", "when: rating in ['excellent', 'effective']", "when: rating in ['excellent']")],
        {("consequences", "bonus", "when", "changed")},
        "when: rating in ['excellent', 'effective'] → rating in ['excellent']",
    ),
    "document field added": (
        [("  annual_sheet:\n", "      - {id: note, label: {kk: Ескерту, en: note}}\n",
          "      - {id: note, label: {kk: Ескерту, en: note}}\n      - {id: stamp, label: {kk: М.О., en: seal}}\n")],
        {("documents", "annual_sheet", "fields.stamp", "added")},
        "field stamp added («М.О.» / seal)",
    ),
    "interpretation does": (
        [("  penalty-sign:\n", "does: в is the magnitude, 2 × the number of breach facts, and is subtracted once.",
          "does: в is the magnitude, 3 × the number of breach facts, and is subtracted once.")],
        {("interpretations", "penalty-sign", "does", "changed")},
        "2 × the number",
    ),
    "parameter renamed": (
        [("  penalty_per_fact:\n", "penalty_per_fact:", "penalty_per_breach:"),
         ("  penalty_total:\n", "expr: penalty_per_fact * violation_facts", "expr: penalty_per_breach * violation_facts")],
        {("parameters", "penalty_per_breach", "", "renamed")},
        "parameter penalty_per_fact renamed penalty_per_breach (content unchanged)",
    ),
    "formula renamed": (
        [("  violation_facts:\n", "violation_facts:", "breach_facts:"),
         ("  penalty_total:\n", "* violation_facts", "* breach_facts"),
         ("  quarterly:\n    cite: p.26", "outputs: [incentive_total, violation_facts, penalty_total]",
          "outputs: [incentive_total, breach_facts, penalty_total]")],
        {("formulas", "breach_facts", "", "renamed")},
        "formula violation_facts renamed breach_facts (content unchanged)",
    ),
    "interpretation renamed": (
        [("  penalty_per_fact:\n", "interpretations: [penalty-sign]", "interpretations: [penalty-magnitude]"),
         ("  penalty_total:\n", "interpretations: [penalty-sign]", "interpretations: [penalty-magnitude]"),
         ("\n  penalty-sign:\n", "penalty-sign:", "penalty-magnitude:")],
        {("interpretations", "penalty-magnitude", "", "renamed")},
        "interpretation penalty-sign renamed penalty-magnitude (content unchanged)",
    ),
    "band renamed": (
        [("  plan_indicator:\n", "- id: exceeded", "- id: overachieved")],
        {("scales", "plan_indicator", "bands.overachieved", "renamed")},
        "band exceeded renamed overachieved (content unchanged)",
    ),
}


@pytest.mark.parametrize("name", list(SYNTHETIC))
def test_synthetic_rule_change(tmp_path, name):
    edits, expected, words = SYNTHETIC[name]
    c = comparison(WKO, edition(tmp_path, edits))
    assert rule_keys(c) == expected
    assert c.of("wording") == [] and c.of("citation") == []
    assert any(words in d.what for d in c.rules), [d.what for d in c.rules]


def test_band_bound_values_and_citations(tmp_path):
    c = comparison(WKO, edition(tmp_path, SYNTHETIC["band bound value"][0]))
    (d,) = c.rules
    assert d.before == {"at_least": 106} and d.after == {"at_least": 110}
    assert d.cite_before == ("p.27",) and d.cite_after == ("p.27",)


def test_inclusivity_is_reported_as_such(tmp_path):
    c = comparison(WKO, edition(tmp_path, SYNTHETIC["bound inclusivity"][0]))
    words = {d.part: d.what for d in c.rules}
    assert words["bands.satisfactory.lower"] == "band satisfactory: lower bound 80 now excluded (at least 80 → more than 80)"


def test_majority_rule(tmp_path):
    path = tmp_path / "wko-maslikhat" / "2018.yaml"
    path.parent.mkdir(parents=True)
    text = WKO_TEXT.replace('edition: "2017"', 'edition: "2018"', 1)
    text = replace_in(text, "    majority:\n", "of: votes_cast", "of: members")
    path.write_text(text, encoding="utf-8")
    c = comparison(WKO, path)
    assert rule_keys(c) == {("bodies", "commission", "majority.of", "changed")}
    (d,) = c.rules
    assert d.cite_before == ("p.9",) and "votes_cast → members" in d.what


def test_band_label_only_is_wording(tmp_path):
    c = comparison(WKO, edition(tmp_path, [(QR, "label: {kk: тиімді, en: effective}", "label: {kk: тиімді (жақсы), en: effective}")]))
    assert c.rules == [] and c.of("citation") == []
    assert keys_of(c, "wording") == {("scales", "quarterly_rating", "bands.effective.label", "wording")}
    (d,) = c.of("wording")
    assert d.what == "band effective label: kk «тиімді» → «тиімді (жақсы)»"


def test_interpretation_reasoning_only_is_wording(tmp_path):
    c = comparison(WKO, edition(tmp_path, [("  penalty-sign:\n", "why: Substituting", "why: Putting")]))
    assert c.rules == []
    assert keys_of(c, "wording") == {("interpretations", "penalty-sign", "why", "wording")}


def test_citation_only_is_apart(tmp_path):
    c = comparison(WKO, edition(tmp_path, [("  base_points:\n", "cite: p.16", "cite: p.15")]))
    assert c.rules == [] and c.of("wording") == []
    assert keys_of(c, "citation") == {("parameters", "base_points", "cite", "citation")}


@pytest.mark.parametrize("new", [
    "expr: (base_points+incentive_total)   -  (penalty_total)",
    "expr: ((base_points + incentive_total) - penalty_total)",
    "expr: 'base_points + incentive_total - penalty_total'",
])
def test_formula_respaced_or_rebracketed_is_no_difference(tmp_path, new):
    path = edition(tmp_path, [("  quarterly_score:\n", "expr: base_points + incentive_total - penalty_total", new)])
    assert comparison(WKO, path).differences == []
    assert invoke("diff", WKO, path).exit_code == 0


def test_numbers_compare_as_decimals(tmp_path):
    path = edition(tmp_path, [("  quarter_weight:\n", "value: 0.4", "value: 0.40"), (QR, "at_least: 106", "at_least: 106.0")])
    assert comparison(WKO, path).differences == []


def test_writing_a_default_out_is_no_difference(tmp_path):
    path = edition(tmp_path, [("  appeal:\n", "unit: working_days", "unit: working_days\n    direction: after")])
    assert comparison(WKO, path).differences == []


def test_element_added_and_removed(tmp_path):
    path = edition(tmp_path, [
        ("  min_months_in_post:\n", "  min_months_in_post:\n",
         "  bonus_share:\n    cite: p.43\n    label: {kk: бонус, en: bonus share}\n    value: 0.1\n  min_months_in_post:\n"),
        ("\n  annex-3-layout:\n", "  annex-3-layout:\n", "  annex-3-layout-old:\n"),
        ("  annual_sheet:\n", "interpretations: [annex-3-layout]", "interpretations: [annex-3-layout-old]"),
    ])
    c = comparison(WKO, path)
    keys = rule_keys(c)
    assert ("parameters", "bonus_share", "", "added") in keys
    # a pure rename of the interpretation, with its reference followed
    assert ("interpretations", "annex-3-layout-old", "", "renamed") in keys
    assert len(keys) == 2
    added = next(d for d in c.rules if d.kind == "added")
    assert added.after["value"] == Decimal("0.1") and added.cite_after == ("p.43",)
    assert "value 0.1" in added.what


def test_renames_are_not_removals_and_additions_in_the_json(tmp_path):
    edits, _, _ = SYNTHETIC["parameter renamed"]
    r = invoke("diff", WKO, edition(tmp_path, edits), "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.output, parse_float=Decimal)
    assert [(d["section"], d["id"], d["kind"], d["before"], d["after"]) for d in data["differences"]] == [
        ("parameters", "penalty_per_breach", "renamed", "penalty_per_fact", "penalty_per_breach")]
    assert data["renamed"] == {"parameters": {"penalty_per_fact": "penalty_per_breach"}}


def test_family_at_edition_with_a_drafters_folder(tmp_path):
    edition(tmp_path, SYNTHETIC["parameter value"][0])
    r = invoke("-M", tmp_path, "diff", "wko-maslikhat@2017", "wko-maslikhat@2018")
    assert r.exit_code == 1
    assert "value: 100 → 90" in r.output


# -- the git revision form -------------------------------------------------------------------------

def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, HOME=str(repo),
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_PAGER="cat", PAGER="cat")
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=check)


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    file = repo / "methodologies" / "wko-maslikhat" / "2017.yaml"
    file.parent.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "commit.gpgsign", "false")
    file.write_text(WKO_TEXT, encoding="utf-8")
    (file.parent / "2017.tests.yaml").write_text("cases: []\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "as encoded")
    file.write_text(replace_in(WKO_TEXT, QR, "at_least: 106", "at_least: 110"), encoding="utf-8")
    (file.parent / "2017.tests.yaml").write_text("cases: [] # edited\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "raise the effective threshold")
    return repo


def test_path_at_revision(repo):
    file = repo / "methodologies" / "wko-maslikhat" / "2017.yaml"
    r = invoke("diff", f"{file}@HEAD~1", file)
    assert r.exit_code == 1
    assert "band effective: lower bound at least 106 → at least 110" in r.output
    assert f"{file}@HEAD~1" in r.output
    assert invoke("diff", f"{file}@HEAD", file).exit_code == 0
    assert invoke("diff", f"{file}@HEAD~1", f"{file}@HEAD~1").exit_code == 0


def test_path_at_a_missing_revision_is_a_usage_error(repo):
    file = repo / "methodologies" / "wko-maslikhat" / "2017.yaml"
    r = invoke("diff", f"{file}@no-such-rev", file)
    assert r.exit_code == 2
    assert "no-such-rev" in r.output


def test_split_revision():
    assert split_revision("methodologies/wko-maslikhat/2017.yaml@HEAD~1") == ("methodologies/wko-maslikhat/2017.yaml", "HEAD~1")
    assert split_revision("a/2017.yaml@main@{1}") == ("a/2017.yaml", "main@{1}")
    assert split_revision("wko-maslikhat@2017") is None


def _driver_command() -> str:
    exe = Path(sys.executable).parent / "adisteme"
    if exe.exists():
        return f"'{exe}' git-diff-driver"
    return f"'{sys.executable}' -c 'import sys; sys.path.insert(0, \"{ROOT}\"); import cli; cli.main()' git-diff-driver"


def test_git_diff_uses_the_driver(repo):
    (repo / ".gitattributes").write_text((ROOT / ".gitattributes").read_text(encoding="utf-8"), encoding="utf-8")
    git(repo, "config", "diff.adisteme.command", _driver_command())
    out = git(repo, "diff", "HEAD~1", "HEAD").stdout
    assert "adisteme diff a/methodologies/wko-maslikhat/2017.yaml b/methodologies/wko-maslikhat/2017.yaml" in out
    assert "band effective: lower bound at least 106 → at least 110" in out
    assert "+  - id: effective" not in out and "-        at_least: 106" not in out
    # the tests file beside it is not a methodology: an ordinary unified diff
    assert "+cases: [] # edited" in out
    log = git(repo, "log", "-p", "--ext-diff", "-1").stdout
    assert "band effective: lower bound at least 106 → at least 110" in log
    # without the driver configured, git falls back to its own line diff
    git(repo, "config", "--unset", "diff.adisteme.command")
    assert "+        at_least: 110" in git(repo, "diff", "HEAD~1", "HEAD").stdout


def test_driver_on_a_new_file_and_an_unreadable_revision(tmp_path):
    new = tmp_path / "new.yaml"
    new.write_text("language: 1\n", encoding="utf-8")
    r = invoke("git-diff-driver", "methodologies/x/2017.yaml", "/dev/null", "0" * 40, ".", new, "1" * 40, "100644")
    assert r.exit_code == 0
    assert "+language: 1" in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("language: [1\n", encoding="utf-8")
    r = invoke("git-diff-driver", "methodologies/x/2017.yaml", bad, "0" * 40, "100644", new, "1" * 40, "100644")
    assert r.exit_code == 0 and "does not read as a methodology" in r.output


# -- impact ----------------------------------------------------------------------------------------

IMPACT_CSV = (
    "id,name,incentive_points,execution_violations,labour_violations\n"
    "Q-1,Айгүл,5;3,0,0\n"          # 108: effective (106–130) under 2017; satisfactory (80–109) under 2018
    "Q-2,Бауыржан,,0,0\n"          # 100: satisfactory under both
    "Q-3,Гүлнар,5;5;5;5;5;5;2,0,0\n"  # 132: excellent under both
    "Q-4,Дәулет,5;5,0,0\n"         # 110: effective under both (2018 starts effective at 110)
    "Q-5,Ерлан,5;1,0,0\n"          # 106: effective -> satisfactory
    "Q-6,Жанар,5;5,1,0\n"          # 100 + 10 - 2 = 108: effective -> satisfactory
    "Q-7,Зарина,,11,0\n"           # 100 - 22 = 78: unsatisfactory under both
)
THRESHOLD_MOVED = [(QR, "at_most: 105", "at_most: 109"), (QR, "at_least: 106", "at_least: 110")]


def test_impact_of_moving_the_effective_threshold(tmp_path):
    data = tmp_path / "q.csv"
    data.write_text(IMPACT_CSV, encoding="utf-8")
    b = edition(tmp_path, THRESHOLD_MOVED)
    r = invoke("diff", WKO, b, "--impact", data, "--evaluation", "quarterly", "--format", "json")
    assert r.exit_code == 1
    imp = json.loads(r.output, parse_float=Decimal)["impact"]
    assert imp["records"] == 7 and imp["changed"] == 3
    transitions = {(t["from"], t["to"]): t["count"] for t in imp["transitions"]}
    assert transitions == {("unsatisfactory", "unsatisfactory"): 1, ("satisfactory", "satisfactory"): 1,
                           ("effective", "satisfactory"): 3, ("effective", "effective"): 1, ("excellent", "excellent"): 1}
    changed = {c["id"]: c for c in imp["records_changed"]}
    assert set(changed) == {"Q-1", "Q-5", "Q-6"}
    q1 = changed["Q-1"]
    assert q1["name"] == "Айгүл"
    assert q1["changed"] == ["rating", "consequences"]  # the score itself (108) is the same
    assert q1["before"] == {"rating": "effective", "consequences": ["bonus", "service_record"]}
    assert q1["after"] == {"rating": "satisfactory", "consequences": ["service_record"]}
    assert {(d["section"], d["id"], d["part"]) for d in q1["rules"]} == {
        ("scales", "quarterly_rating", "bands.satisfactory.upper"), ("scales", "quarterly_rating", "bands.effective.lower")}


def test_impact_into_a_gap_becomes_an_error(tmp_path):
    data = tmp_path / "q.csv"
    data.write_text(IMPACT_CSV, encoding="utf-8")
    b = edition(tmp_path, SYNTHETIC["band bound value"][0])  # effective from 110; 105 < x < 110 is a gap (error)
    r = invoke("diff", WKO, b, "--impact", data, "-e", "quarterly")
    assert r.exit_code == 1
    assert "IMPACT" in r.output and "7 record(s), 3 with different results" in r.output
    assert "error under B: rating: 108 falls between bands 'satisfactory'" in r.output
    assert "consequences: [bonus, service_record] → —" in r.output
    data_json = json.loads(invoke("diff", WKO, b, "--impact", data, "-e", "quarterly", "--format", "json").output, parse_float=Decimal)
    transitions = {(t["from"], t["to"]): t["count"] for t in data_json["impact"]["transitions"]}
    assert transitions[("effective", "error")] == 3


def test_impact_with_no_rule_change_changes_nothing(tmp_path):
    data = tmp_path / "q.csv"
    data.write_text(IMPACT_CSV, encoding="utf-8")
    r = invoke("diff", WKO, WKO, "--impact", data, "-e", "quarterly")
    assert r.exit_code == 0
    assert "7 record(s), 0 with different results" in r.output


def test_impact_on_the_annual_evaluation_of_mne(tmp_path):
    """wko against mne: the same annual records give the same results (the formulas are the
    template's), so no record changes even though the rules' interpretations differ."""
    r = invoke("diff", "wko-maslikhat@2017", "mne@2017", "--impact", ROOT / "examples" / "wko-maslikhat" / "annual-2017.yaml",
               "-e", "annual", "--format", "json")
    assert r.exit_code == 1
    imp = json.loads(r.output, parse_float=Decimal)["impact"]
    assert imp["records"] > 0 and imp["changed"] == 0


def test_impact_usage_errors(tmp_path):
    data = tmp_path / "q.csv"
    data.write_text(IMPACT_CSV, encoding="utf-8")
    assert invoke("diff", WKO, MNE, "--impact", data).exit_code == 2
    assert invoke("diff", WKO, MNE, "--evaluation", "quarterly").exit_code == 2
    r = invoke("diff", WKO, MNE, "--impact", data, "-e", "nope")
    assert r.exit_code == 2 and "has no evaluation 'nope'" in r.output
    assert invoke("diff", WKO, MNE, "--impact", tmp_path / "missing.csv", "-e", "quarterly").exit_code == 2


# -- formats and usage -----------------------------------------------------------------------------

def test_markdown(tmp_path):
    r = invoke("diff", WKO, edition(tmp_path, SYNTHETIC["band bound value"][0]), "--format", "markdown")
    assert r.exit_code == 1
    assert r.output.startswith("# Methodology diff: wko-maslikhat@2017 → wko-maslikhat@2018")
    assert "## Rule changes" in r.output
    assert "| Scales | `quarterly_rating` | changed | band effective: lower bound at least 106 → at least 110 | p.27 | p.27 |" in r.output


def test_html_is_self_contained_and_escaped(tmp_path):
    path = edition(tmp_path, [(QR, "label: {kk: тиімді, en: effective}", 'label: {kk: тиімді, en: "<b>effective</b> & good"}'),
                              (QR, "at_least: 106", "at_least: 110")])
    data = tmp_path / "q.csv"
    data.write_text(IMPACT_CSV, encoding="utf-8")
    out_file = tmp_path / "diff.html"
    r = invoke("diff", WKO, path, "--format", "html", "--impact", data, "-e", "quarterly", "-o", out_file)
    assert r.exit_code == 1 and r.output == ""
    page = out_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page and "<style>" in page
    assert "&lt;b&gt;effective&lt;/b&gt; &amp; good" in page and "<b>effective</b>" not in page
    for external in ("<script", "<link", "src=", "href=", "http://", "https://", "@import", "url("):
        assert external not in page
    assert "Impact" in page and "Айгүл" in page


def test_json_numbers_are_exact(tmp_path):
    path = edition(tmp_path, [(QMP, "points: 4", "points: 4.5")])
    r = invoke("diff", WKO, path, "--format", "json")
    data = json.loads(r.output, parse_float=Decimal)
    assert data["counts"] == {"rule": 1, "citation": 0, "wording": 0}
    (d,) = data["differences"]
    assert d["before"] == 4 and d["after"] == Decimal("4.5") and '"after": 4.5' in r.output
    assert data["a"]["id"] == "wko-maslikhat@2017" and data["b"]["id"] == "wko-maslikhat@2018"
    assert d["cite"] == {"before": ["p.32"], "after": ["p.32"]}


def test_text_is_not_coloured_when_not_a_terminal(tmp_path):
    r = invoke("diff", WKO, edition(tmp_path, SYNTHETIC["band bound value"][0]))
    assert "\x1b[" not in r.output


def test_text_is_coloured_for_a_terminal(tmp_path):
    c = comparison(WKO, edition(tmp_path, SYNTHETIC["band bound value"][0]))
    out = render(Report(c, "A", "B", "a.yaml", "b.yaml"), "text", color=True)
    assert "\x1b[" in out


def test_no_wording_hides_wording_only_changes(tmp_path):
    path = edition(tmp_path, [(QR, "label: {kk: тиімді, en: effective}", "label: {kk: тиімді (жақсы), en: effective}")])
    r = invoke("diff", WKO, path, "--no-wording")
    assert r.exit_code == 0
    assert "No rule changes (1 citation and wording change not shown)." in r.output
    assert invoke("diff", WKO, path).exit_code == 1


@pytest.mark.parametrize("command", ["diff", "git-diff-driver"])
def test_help_has_an_example(command):
    r = invoke(command, "--help")
    assert r.exit_code == 0 and "Example" in r.output


@pytest.mark.parametrize("args", [
    ("no-such-family@2017", "wko-maslikhat@2017"),
    ("missing/2017.yaml", "wko-maslikhat@2017"),
    ("wko-maslikhat@2017",),
])
def test_usage_errors(args):
    r = invoke("diff", *args)
    assert r.exit_code == 2


def test_a_file_that_does_not_parse_is_an_error(tmp_path):
    bad = tmp_path / "wko-maslikhat" / "2019.yaml"
    bad.parent.mkdir()
    bad.write_text("language: [1\n", encoding="utf-8")
    r = invoke("diff", WKO, bad)
    assert r.exit_code == 2 and "cannot be read as a methodology" in r.output


def test_a_file_with_semantic_errors_is_compared_with_a_note(tmp_path):
    path = tmp_path / "wko-maslikhat" / "2018.yaml"
    path.parent.mkdir()
    path.write_text(WKO_TEXT.replace('edition: "2017"', 'edition: "2018"', 1)
                    .replace("expr: base_points + incentive_total - penalty_total", "expr: base_points + bonus_total"), encoding="utf-8")
    r = invoke("diff", WKO, path)
    assert r.exit_code == 1
    assert "note: " in r.output and "the diff compares what the file says" in r.output
    assert "expr: base_points + incentive_total - penalty_total → base_points + bonus_total" in r.output
    assert invoke("diff", WKO, path, "--impact", ROOT / "examples" / "wko-maslikhat" / "quarterly-2017.csv", "-e", "quarterly").exit_code == 2
