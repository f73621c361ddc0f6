"""The lines people read for list, acts, history, verify and beside a calendar."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.editions.yearcal import YearCalendar
from engine.formats.deadlines import calendar_notes
from engine.formats.reports import act_lines, answer_line, run_lines, verification_lines


def act(**given) -> dict:
    return {"family": "f", "edition": "2017", "act": "decision No. 1", "encoded": True, "valid_from": None, "valid_to": None,
            "repealed_by": None, **given}


def test_an_acts_dates_say_what_is_not_known():
    (unknown,) = act_lines([act()])
    assert unknown == f"{'f@2017':<30} {'encoded':<12} {'unknown … unknown':<26} decision No. 1"
    (open_ended,) = act_lines([act(valid_from=dt.date(2017, 1, 1), encoded=False)])
    assert "not encoded" in open_ended and "2017-01-01 … no known end" in open_ended
    closed, repealed = act_lines([act(valid_from=dt.date(2017, 1, 1), valid_to=dt.date(2018, 2, 28), repealed_by="No. 2")])
    assert "2017-01-01 … 2018-02-28" in closed and repealed == f"{'':<30} repealed by No. 2"


def test_a_run_line_marks_what_a_plain_run_has_not():
    (line,) = run_lines([{"run": 3, "created_at": "2024-01-02T03:04:05Z", "organisation": None, "period": None,
                          "methodology": "mne@2017", "evaluation": "annual", "records": 2, "errors": 1}])
    assert line.startswith("run 3     2024-01-02T03:04:05Z  —") and line.endswith("annual       2 record(s), 1 with errors")


def test_a_verification_tells_only_the_outputs_that_changed():
    v = {"run": {"id": 3, "organisation": "o", "period": "2017", "methodology": "mne@2017", "evaluation": "annual",
                 "created_at": "t", "receipt": {"engine": "adisteme 0.1.0", "calendar_data": "holidays 1", "methodology_sha256": "ab"}},
         "reproduces": False, "results": 2, "reproduced": 1, "notes": [], "problems": ["1 result differs"],
         "differing": [{"id": "X", "problem": "outputs differ",
                        "stored": {"outputs": {"score": Decimal("2.6"), "rating": "unsatisfactory"}},
                        "now": {"outputs": {"score": Decimal("3"), "rating": "unsatisfactory"}}}]}
    lines = verification_lines(v)
    assert lines[2] == "  results: 1 of 2 reproduce"
    assert lines[3:] == ["    X: outputs differ", "      score: 2.6 then, 3 now", "  problem: 1 result differs", "does NOT reproduce"]


def test_the_answer_of_acts_as_of_is_the_edition_and_why_or_the_error():
    day = dt.date(2023, 5, 1)
    found = {"methodology": "zhanibek@2023", "why": ["No. 42 is in force", "which includes 2023-05-01"]}
    assert answer_line(day, found) == "\non 2023-05-01: zhanibek@2023 — No. 42 is in force; which includes 2023-05-01"
    assert answer_line(day, {"error": "no act", "kind": "gap", "act": ""}) == "\non 2023-05-01: no act"


def test_beside_a_calendar_each_problem_then_each_edition_in_force():
    cal = YearCalendar("o", 2017, {}, spans=[
        {"from": dt.date(2017, 1, 1), "to": dt.date(2017, 6, 30), "methodology": "f@1", "how": "date", "why": ["a", "b"]},
        {"from": dt.date(2017, 7, 1), "to": dt.date(2017, 12, 31), "error": "nothing applies", "why": []}],
        problems=["2017-07-01 … 2017-12-31: nothing applies"])
    assert calendar_notes(cal) == ["adisteme: 2017-07-01 … 2017-12-31: nothing applies",
                                   "note: 2017-01-01 … 2017-06-30: f@1 (date): a; b"]
