"""examples/zhanibek/: every record evaluates without errors, and the cases examples/README.md names are there.

The facts checked are the ones the README states, worked by hand from the example data and the act.
"""
from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "zhanibek"
FILES = {
    "kpi": "kpi-2023-2024.csv", "ranking": "ranking-2023-2024.csv", "final": "final-2023.csv", "360": "360-2023.yaml",
    "calibration": "calibration-2023.yaml", "eligibility": "eligibility-2023.csv", "kpi_plan": "kpi-plan-2024.yaml",
    "deadlines": "deadlines.yaml",
}


def results(evaluation: str) -> dict:
    out = CliRunner().invoke(cli.main, ["evaluate", "zhanibek@2023", evaluation, "-i", str(EXAMPLES / FILES[evaluation]), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout, parse_float=D)
    return {r["id"]: r for r in data["results"]}


@pytest.mark.parametrize("evaluation", sorted(FILES))
def test_every_record_evaluates_without_errors(evaluation):
    rs = results(evaluation)
    assert rs and all(not r["errors"] for r in rs.values()), [r["errors"] for r in rs.values() if r["errors"]]


def test_the_kpi_cases_the_readme_names():
    rs = results("kpi")
    assert len(rs) == 20
    assert rs["ZHB-02-2023Q2"]["outputs"]["annex3_row"]["2"] == "p75"  # 199.975 of 250 = 79.99%
    assert rs["ZHB-01-2023Q3"]["outputs"]["rating"] == "proper"  # (3.99 + 3.99 + 4) / 3, in the gap 3.99-4
    unscored = rs["ZHB-03-2024Q1"]
    assert unscored["outputs"]["score"] is None and "rating" not in unscored["outputs"]
    assert unscored["outputs"]["unscored"]["1"] == [D(2), D("2.24")]
    assert "annex3-44-49" in [i["id"] for i in unscored["interpretations"]]


def test_the_final_scores_of_2023():
    rs = results("final")
    ratings = {rid[:6]: r["outputs"]["rating"] for rid, r in rs.items()}
    assert [k for k, v in ratings.items() if v == "unsatisfactory"] == ["ZHB-13"]
    assert all(ratings[f"ZHB-0{i}"] == "effective" for i in range(1, 6))
    assert rs["ZHB-08-2023"]["outputs"]["score"] == D(3)


def test_the_360_round_and_the_calibrations():
    rs = results("360")
    assert {rid: len(r["outputs"]["least_developed"]) for rid, r in rs.items() if len(r["outputs"]["least_developed"]) > 1} == \
        {"ZHB-01-2023": 2, "ZHB-10-2023": 2, "ZHB-13-2023": 2}
    cal = results("calibration")
    assert cal["ZHB-08-2023Q4"]["outputs"]["correction"] == "up"
    assert cal["ZHB-10-2023Q3"]["outputs"]["calibration_session_held"] == "2023-11-02"  # Republic Day, 25 October, off
    assert cal["ZHB-13-2023Q4"]["outputs"]["unmet"] == ["applied_in_time"]
