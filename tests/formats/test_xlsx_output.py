"""Excel workbooks in and out: what HR admins keep their sheets in."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from cli import main
from engine.formats.records import RecordsError, read_records


def workbook(path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_xlsx_records_are_read_exactly(tmp_path):
    path = workbook(tmp_path / "a.xlsx", [
        ["id", "quarterly_scores", "plan_scores", "reference_date", "empty"],
        ["A", 105.5, "3;4", dt.datetime(2017, 4, 15), None],
    ])
    (record,) = list(read_records(path))
    # 105.5 comes back as the decimal Excel shows, a date cell as a date, an empty cell as absent
    assert record == {"id": "A", "quarterly_scores": D("105.5"), "plan_scores": "3;4", "reference_date": dt.date(2017, 4, 15)}


def test_a_file_that_is_not_a_workbook_is_a_whole_file_error(tmp_path):
    bad = tmp_path / "b.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(RecordsError, match="not an Excel"):
        list(read_records(bad))


def test_annual_sheet_evaluates_and_writes_a_workbook(tmp_path):
    # p.32: a quarterly mean of 79 converts to 2 points; plan 3; 0.4*2 + 0.6*3 = 2.6 < 3 (p.33) -> unsatisfactory;
    # unsatisfactory two years running -> demotion (p.46).
    data = workbook(tmp_path / "annual.xlsx", [
        ["id", "name", "quarterly_scores", "plan_scores", "previous_annual_rating"],
        ["X2", "Болат", 79, 3, "unsatisfactory"],
        ["X3", "Ерлан", 100, 7, None],
    ])
    out = tmp_path / "results.xlsx"
    result = CliRunner().invoke(main, ["evaluate", "wko-maslikhat@2017", "annual", "-i", str(data), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 1  # X3 has a plan score above 5
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header, x2, x3 = rows
    got = dict(zip(header, x2))
    assert got["score"] == "2.6" and got["rating"] == "unsatisfactory" and got["rating (kk)"] == "қанағаттанарлықсыз"
    assert "demotion" in got["consequences"]
    assert "above the maximum 5" in dict(zip(header, x3))["errors"]


def test_xlsx_output_needs_a_file():
    result = CliRunner().invoke(main, ["evaluate", "wko-maslikhat@2017", "annual", "-i", "x.xlsx", "--format", "xlsx"])
    assert result.exit_code == 2
