"""Writing a run's results: what each format writes, and when."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from engine.editions.registry import Registry
from engine.evaluation.cohorts import make_evaluator
from engine.atomic import OutputError
from engine.formats.output import columns
from engine.formats.writers import WRITERS, CsvWriter, result_writer, run_facts

WKO = Registry.default().get("wko-maslikhat@2017")
# p.32: a quarterly mean of 79 converts to 2 points, of 100 to 3; p.31: 0.4 × points + 0.6 × plan mean;
# p.33: below 3 is unsatisfactory, 3 to 3.9 satisfactory.
ANNUAL = [
    {"id": "A1", "quarterly_scores": "79", "plan_scores": "3"},                  # 0.4·2 + 0.6·3 = 2.6
    {"id": "A2", "quarterly_scores": "100;100;100;100", "plan_scores": "4;4;4;4"},  # 0.4·3 + 0.6·4 = 3.6
]


def results(records=ANNUAL, evaluation="annual"):
    return list(make_evaluator(WKO, evaluation).evaluate_many(records))


def test_every_output_format_of_evaluate_has_a_writer():
    assert {"table", "json", "jsonl", "csv", "xlsx", "explain"} == set(WRITERS)


def test_csv_streams_a_header_then_a_line_per_result():
    told: list[str] = []
    a1, a2 = results()
    with result_writer("csv", WKO, "annual", None, told.append) as w:
        assert isinstance(w, CsvWriter)
        w.add(a1)
        first = "".join(told)  # written before the second result comes
        w.add(a2)
        w.finish({}, None)
    assert first.count("\r\n") == 2
    rows = list(csv.DictReader(io.StringIO("".join(told))))
    assert list(rows[0]) == ["id", *columns(WKO, "annual"), "errors", "interpretations"]
    assert [(r["id"], r["score"], r["rating"], r["errors"]) for r in rows] == [
        ("A1", "2.6", "unsatisfactory", ""), ("A2", "3.6", "satisfactory", "")]


def test_csv_of_no_result_is_empty():
    told: list[str] = []
    with result_writer("csv", WKO, "annual", None, told.append) as w:
        w.finish({}, None)
    assert told == []


def test_jsonl_writes_each_result_as_it_comes():
    told: list[str] = []
    a1, _ = results()
    with result_writer("jsonl", WKO, "annual", None, told.append) as w:
        w.add(a1)
        assert len(told) == 1 and told[0].endswith("\n")
    assert json.loads(told[0], parse_float=Decimal)["outputs"]["score"] == Decimal("2.6")


def test_json_waits_for_the_run_and_says_its_facts():
    told: list[str] = []
    with result_writer("json", WKO, "annual", None, told.append) as w:
        for r in results():
            w.add(r)
        assert told == []
        w.finish({"run": 7}, None)
    doc = json.loads("".join(told))
    assert (doc["methodology"], doc["evaluation"], doc["run"], doc["sha256"]) == ("wko-maslikhat@2017", "annual", 7, WKO.sha256)
    assert "ties" not in doc  # no cohort: no ties key
    assert [r["id"] for r in doc["results"]] == ["A1", "A2"]


def test_the_table_lists_the_open_ties_below_it():
    told: list[str] = []
    with result_writer("table", WKO, "annual", None, told.append) as w:
        w.add(results()[0])
        w.finish({}, [{"message": "A1 and A9 tie for place 1"}])
    text = "".join(told)
    assert text.endswith("\nties needing a decision (never broken by the engine):\n  A1 and A9 tie for place 1\n")


def test_a_failed_run_leaves_no_file(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        with result_writer("csv", WKO, "annual", str(target), print) as w:
            w.add(results()[0])
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_workbook_is_saved_whole_at_the_end(tmp_path):
    target = tmp_path / "out.xlsx"
    with result_writer("xlsx", WKO, "annual", str(target), print) as w:
        for r in results():
            w.add(r)
        assert not target.exists()
        w.finish({}, None)
    header, a1, a2 = load_workbook(target).active.iter_rows(values_only=True)
    assert header[:2] == ("id", "name") and header[-3:] == ("rating (kk)", "errors", "interpretations")
    assert dict(zip(header, a1))["rating (kk)"] == "қанағаттанарлықсыз" and dict(zip(header, a2))["score"] == "3.6"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_a_workbook_needs_a_file():
    with pytest.raises(OutputError):
        result_writer("xlsx", WKO, "annual", None, print)


def test_a_plain_run_has_no_run_facts():
    assert run_facts(None, None) == {}
