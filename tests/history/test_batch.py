"""A batch of records evaluated and written (engine/history/batch.py), and `evaluate` without a methodology."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from editions_fixture import invoke
from engine.editions.registry import Registry
from engine.history.batch import Batch, BatchError, run
from engine.history.runs import RunError

ROOT = Path(__file__).resolve().parents[2]
QUARTERLY = ROOT / "examples" / "wko-maslikhat" / "quarterly-2017.csv"
ROWS = len(QUARTERLY.read_text(encoding="utf-8").strip().splitlines()) - 1  # less the header


def batch_run(**given) -> tuple[object, list[str], list[str]]:
    out: list[str] = []
    told: list[str] = []
    done = run(Batch(**{"methodology": "wko-maslikhat@2017", "evaluation": "quarterly", "input_path": str(QUARTERLY), **given}),
               Registry.default(), out.append, told.append)
    return done, out, told


def test_every_record_is_written_and_counted():
    done, out, told = batch_run(fmt="jsonl")
    assert (done.records, done.failed) == (ROWS, 0)
    lines = "".join(out).splitlines()
    assert len(lines) == ROWS and json.loads(lines[0])["id"] == "WKO-01-2017Q1"
    assert told[0].startswith("note: wko-maslikhat@2017 has status 'draft'")
    assert told[-1] == f"{ROWS} record(s) evaluated with wko-maslikhat@2017 quarterly; 0 with errors"


def test_one_record_by_its_id():
    done, out, _ = batch_run(fmt="jsonl", only="WKO-01-2017Q1")
    assert done.records == 1 and json.loads("".join(out))["id"] == "WKO-01-2017Q1"


@pytest.mark.parametrize("given, needle", [
    ({"only": "nobody"}, "no record with id 'nobody' in "),
    ({"fmt": "xlsx"}, "--format xlsx writes a workbook: give --output FILE.xlsx"),
    ({"input_path": "no-such.csv"}, "no-such.csv: no such file"),
    ({"save": True, "period": "2017-Q1"}, "--save needs --org ORG and --period PERIOD"),
])
def test_refused(tmp_path, monkeypatch, given, needle):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BatchError, match=needle):
        batch_run(**{"fmt": "jsonl", **given})


def test_no_methodology_and_no_organisation_says_what_to_name():
    with pytest.raises(RunError, match="name a METHODOLOGY, or an organisation with --org ORG --period PERIOD"):
        batch_run(methodology=None)
    result = invoke("evaluate", "quarterly", "-i", QUARTERLY)  # one argument: the evaluation
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "adisteme: error: name a METHODOLOGY" in result.output
