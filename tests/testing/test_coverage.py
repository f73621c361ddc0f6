"""`adisteme test --coverage` (engine/coverage.py): what each edition's test cases exercise."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from engine.testing.coverage import CATEGORIES, measure
from engine.editions.registry import Registry
from engine.testing.coverage import run_files

from snippets import act_head

ROOT = Path(__file__).resolve().parents[2]
TESTS = {"wko-maslikhat@2017": ROOT / "methodologies" / "wko-maslikhat" / "2017.tests.yaml",
         "mne@2017": ROOT / "methodologies" / "mne" / "2017.tests.yaml"}


def invoke(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def coverage_of(mid: str, *files: Path):
    reg = Registry.default()
    outcomes = [o for _, _, outs in run_files(list(files), reg) for o in outs]
    return measure({mid: reg.get(mid)}, outcomes)[mid]


@pytest.mark.parametrize("mid", sorted(TESTS))
def test_bundled_editions_have_full_coverage(mid):
    c = coverage_of(mid, TESTS[mid])
    for category in ("bands", "gap policies", "consequences", "eligibility rules", "deadlines", "interpretations", "input errors"):
        assert c.missing(category) == [], (category, c.missing(category))
    assert len(c.covered("bands")) == 12  # p.27 (4), the p.32 conversion (4), p.33 (4)
    # the gaps no record reaches are listed apart, not counted
    assert set(c.not_counted["gap policies"]) == {"quarterly_rating: satisfactory–effective", "annual_rating: effective–excellent",
                                                  "annual_rating: excellent–(above)"}
    assert set(c.covered("gap policies")) == {"quarterly_mean_points: satisfactory–effective", "annual_rating: satisfactory–effective"}
    assert {"quarterly-integer", "annual-above-five"} <= set(c.not_counted["interpretations"])


def single_case_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "one.tests.yaml"
    path.write_text("methodology: wko-maslikhat@2017\ncases:\n" + body, encoding="utf-8")
    return path


def test_one_case_covers_what_it_goes_through(tmp_path):
    path = single_case_file(tmp_path, """\
  - name: 3.95 lies in the gap and takes the lower band
    cite: p.33
    evaluation: annual
    input: {quarterly_scores: [131], plan_scores: [3, 3, 3, 4]}
    expect: {score: 3.95, rating: satisfactory}
""")
    c = coverage_of("wko-maslikhat@2017", path)
    assert c.covered("bands") == ["quarterly_mean_points.excellent"]  # the rating came through a gap policy, not a band
    assert c.covered("gap policies") == ["annual_rating: satisfactory–effective"]
    assert c.covered("consequences") == ["service_record"]
    assert "annual-gaps" in c.covered("interpretations")
    assert c.covered("eligibility rules") == [] and c.covered("deadlines") == []


def test_a_case_that_expects_nothing_covers_nothing(tmp_path):
    path = single_case_file(tmp_path, """\
  - name: generated, not yet filled
    cite: p.33
    evaluation: annual
    input: {quarterly_scores: [131], plan_scores: [5]}
    expect: {}
""")
    c = coverage_of("wko-maslikhat@2017", path)
    assert c.cases == 0 and all(c.covered(cat) == [] for cat in CATEGORIES)


def test_eligibility_rules_count_holding_and_failing(tmp_path):
    path = single_case_file(tmp_path, """\
  - name: two months in the post
    cite: p.3
    evaluation: eligibility
    input: {position_start: 2017-04-01, reference_date: 2017-06-30}
    expect: {eligible: false, unmet: [min_tenure]}
""")
    c = coverage_of("wko-maslikhat@2017", path)
    assert c.covered("eligibility rules") == ["min_tenure: fails", "not_on_probation: holds"]
    assert "min_tenure: holds" in c.missing("eligibility rules")


def test_input_errors_count_by_input(tmp_path):
    path = single_case_file(tmp_path, """\
  - name: six is beyond +5
    cite: p.18
    evaluation: quarterly
    input: {incentive_points: [6]}
    expect_errors: [{field: incentive_points, contains: maximum}]
""")
    c = coverage_of("wko-maslikhat@2017", path)
    assert c.covered("input errors") == ["incentive_points"]


def test_cli_reports_coverage_in_text_and_json():
    r = invoke("test", "--coverage", TESTS["wko-maslikhat@2017"])
    assert r.exit_code == 0, r.output[-2000:]
    assert "coverage" in r.stdout and "wko-maslikhat@2017" in r.stdout and "bands              12/12" in r.stdout
    j = invoke("test", "--coverage", "--format", "json", TESTS["mne@2017"])
    data = json.loads(j.stdout)
    cov = data["coverage"]["mne@2017"]["categories"]
    assert cov["bands"]["missing"] == [] and len(cov["bands"]["covered"]) == 12
    assert set(data["coverage"]) == {"mne@2017"}


def test_coverage_without_paths_lists_every_edition():
    r = invoke("test", "--coverage", "--format", "json")
    data = json.loads(r.stdout)
    assert {"wko-maslikhat@2017", "mne@2017"} <= set(data["coverage"])


TABLE_FILE = act_head("tfam") + """parameters: {}
inputs:
  code:
    cite: p.2
    label: {kk: код, en: code}
    type: string
tables:
  categories:
    cite: Annex 1
    label: {kk: санаттар, en: categories}
    columns: {}
    rows:
      - {id: A-1, cite: "Annex 1, row 1", label: {kk: А-1, en: category A-1}}
      - {id: B-2, cite: "Annex 1, row 2", label: {kk: Б-2, en: category B-2}}
formulas:
  name_kk:
    cite: p.3
    label: {kk: атауы, en: the category's name}
    expr: lookup(categories, code, 'kk')
evaluations:
  check:
    cite: p.4
    label: {kk: тексеру, en: check}
    inputs: [code]
    outputs: [name_kk]
interpretations: {}
"""


def test_table_rows_count_when_looked_up(tmp_path):
    folder = tmp_path / "tfam"
    folder.mkdir()
    (folder / "1.yaml").write_text(TABLE_FILE, encoding="utf-8")
    (folder / "1.tests.yaml").write_text("""\
methodology: tfam@1
cases:
  - name: the Kazakh name of A-1
    cite: Annex 1
    evaluation: check
    input: {code: A-1}
    expect: {name_kk: А-1}
""", encoding="utf-8")
    r = invoke("-M", tmp_path, "test", "--coverage", "--format", "json", folder / "1.tests.yaml")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["coverage"]["tfam@1"]["categories"]["table rows"]
    assert rows["covered"] == ["categories.A-1"] and rows["missing"] == ["categories.B-2"]
    # the watch on the table functions ends with the run
    from engine.language import watch
    assert not watch.watched()
