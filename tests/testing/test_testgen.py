"""`adisteme testgen`: cases at and around every band bound and per table row, expected results left empty."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import cli
from engine.evaluation.evaluator import Evaluator
from engine.editions.registry import Registry
from engine.testing import testgen
from engine.testing.testgen import generate, write_new
from engine.testing.cases import load_cases

from snippets import act_head

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def wko():
    return Registry.default().get("wko-maslikhat@2017")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "generated.tests.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_generated_file_is_a_valid_tests_file_whose_cases_all_wait_for_the_drafter(tmp_path):
    text = generate(wko())
    path = write(tmp_path, text)
    cases, findings = load_cases(path)
    assert findings == [] and len(cases) >= 30
    assert all(c.expect == {} and c.expect_errors == [] for c in cases)
    assert text.count("expect: {}  # fill from the act:") == len(cases)
    r = invoke("test", path)
    assert r.exit_code == 1
    assert f"0 passed, {len(cases)} failed" in r.stdout
    assert r.stdout.count("the case expects nothing: fill in `expect` or `expect_errors` from the act") == len(cases)


def test_cases_sit_at_and_around_every_bound():
    text = generate(wko(), "quarterly")
    names = re.findall(r'- name: "quarterly_rating: quarterly_score = (-?[0-9.]+),', text)
    assert names == ["79", "80", "81", "104", "105", "106", "107", "129", "130", "131"]
    annual = generate(wko(), "annual")
    values = re.findall(r'- name: "annual_rating: annual_score = ([0-9.]+),', annual)
    assert values == ["2.95", "3", "3.05", "3.85", "3.9", "3.95", "4", "4.05", "4.85", "5"]
    assert "# annual_score = 4.9 (at the bound of" in annual and "no inputs give it" in annual
    means = re.findall(r'- name: "quarterly_mean_points: quarterly_mean = ([0-9.]+),', annual)
    assert "105.5" in means and "80" in means and "106" in means


def test_the_3_95_case_has_the_acts_inputs():
    annual = yaml.safe_load(generate(wko(), "annual"))
    (case,) = [c for c in annual["cases"] if c["name"].startswith("annual_rating: annual_score = 3.95,")]
    assert case["input"] == {"quarterly_scores": [131], "plan_scores": [3, 3, 3, 4]}
    assert case["expect"] == {} and case["evaluation"] == "annual" and case["cite"] == "p.33"
    assert "in the gap above 3.9 and below 4" in case["name"]


def test_the_inputs_give_the_values_the_names_state(tmp_path):
    m = wko()
    path = write(tmp_path, generate(m))
    cases, _ = load_cases(path)
    evaluators = {}
    for case in cases:
        what, value = re.match(r"^[a-z_]+: ([a-z_]+) = (-?[0-9.]+),", case.name).groups()
        ev = evaluators.setdefault(case.evaluation, Evaluator(m, case.evaluation, explain=True))
        result = ev.evaluate({"id": "x", **case.input})
        got = next(s.value for s in result.steps if s.name == what and s.kind == "formula")
        assert got == Decimal(value), case.name


def test_output_file_is_never_overwritten(tmp_path):
    out = tmp_path / "bounds.tests.yaml"
    r = invoke("testgen", "mne@2017", "annual", "-o", out)
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../schemas/tests.schema.json")
    again = invoke("testgen", "mne@2017", "-o", out)
    assert again.exit_code == 2 and "never overwrites" in again.output


def test_unknown_evaluation_is_a_usage_error():
    r = invoke("testgen", "wko-maslikhat@2017", "monthly")
    assert r.exit_code == 2 and "has no evaluation 'monthly'" in r.output


TABLE_FILE = act_head("tfam") + """parameters: {}
inputs:
  category:
    cite: p.2
    label: {kk: санат, en: category}
    type: enum
    table: categories
tables:
  categories:
    cite: Annex 1
    label: {kk: санаттар, en: categories}
    columns: {}
    rows:
      - {id: A-1, cite: "Annex 1, row 1", label: {kk: А-1, en: category A-1}}
      - {id: B-2, cite: "Annex 1, row 2", label: {kk: Б-2, en: category B-2}}
formulas:
  senior:
    cite: p.3
    label: {kk: аға, en: senior}
    expr: category == 'A-1'
evaluations:
  check:
    cite: p.4
    label: {kk: тексеру, en: check}
    inputs: [category]
    outputs: [senior]
interpretations: {}
"""


def test_one_case_per_table_row(tmp_path):
    folder = tmp_path / "tfam"
    folder.mkdir()
    (folder / "1.yaml").write_text(TABLE_FILE, encoding="utf-8")
    r = invoke("-M", tmp_path, "testgen", "tfam@1")
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(r.stdout)
    assert [c["input"] for c in data["cases"]] == [{"category": "A-1"}, {"category": "B-2"}]
    assert [c["cite"] for c in data["cases"]] == ["Annex 1, row 1", "Annex 1, row 2"]
    assert all(c["expect"] == {} for c in data["cases"])


def test_written_cases_go_to_a_new_file_only(tmp_path):
    cases = generate(Registry.default().get("wko-maslikhat@2017"), "annual")
    path = tmp_path / "cases.tests.yaml"
    count = write_new(cases, path)
    assert path.read_text(encoding="utf-8") == cases
    assert count == len(re.findall(r"^  - name:", cases, re.M)) and count > 0
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(testgen.TestgenError, match="exists already; testgen never overwrites a file"):
        write_new(cases, path)
    assert path.read_text(encoding="utf-8") == "mine"
