"""A test run added up (engine/testing/suite.py)."""
from __future__ import annotations

from engine.editions.registry import Registry
from engine.testing.suite import Suite

# mne@2017 quarterly: 100 base points with no incentives and no breaches (p.16), «қанағаттанарлық» (p.27: 80-105)
CASES = """\
methodology: mne@2017
cases:
  - name: base points
    evaluation: quarterly
    input: {}
    expect: {score: 100, rating: satisfactory}
  - name: a wrong expectation
    evaluation: quarterly
    input: {}
    expect: {score: 101}
  - name: a table
    evaluation: quarterly
    columns: {given: [incentive_points], expect: [score]}
    rows:
      - [[], 100, 1]
"""


def test_cases_and_unreadable_rows_are_added_up(tmp_path):
    path = tmp_path / "mine.tests.yaml"
    path.write_text(CASES, encoding="utf-8")
    suite = Suite(Registry.default(), [path])
    (done,) = list(suite.run())
    assert [f.code for f in done.findings] == ["test-row-width"]  # the row has 3 cells for 2 columns
    assert (suite.passed, suite.failed) == (1, 2)  # the wrong expectation and the unreadable row
    assert done.lines() == [f"FAIL {path}:7: a wrong expectation", "       score: expected 101, got 100"]
    assert done.lines(every=True)[0] == f"ok   {path}:3: base points"
    assert suite.text() == "1 passed, 2 failed"
    assert [(c["name"], c["passed"]) for c in suite.as_dict()["cases"]] == [("base points", True), ("a wrong expectation", False)]
    assert "coverage" not in suite.as_dict()


def test_coverage_is_measured_for_the_editions_the_named_files_use(tmp_path):
    path = tmp_path / "mine.tests.yaml"
    path.write_text(CASES, encoding="utf-8")
    suite = Suite(Registry.default(), [path], with_coverage=True)
    list(suite.run())
    measured, problems = suite.coverage()
    assert list(measured) == ["mne@2017"] and problems == []
    assert measured["mne@2017"].cases == 2  # both cases expect something
    assert suite.text(measured).startswith("1 passed, 2 failed\ncoverage ")
