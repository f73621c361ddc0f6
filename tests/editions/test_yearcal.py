"""`adisteme calendar`: every deadline of a year, with citations, as a table, JSON or an .ics file.

The expected dates were worked out by hand from the acts' rules (wko-maslikhat@2017: p.3, p.10, p.11,
p.14, p.32, p.36, p.38, p.39, p.44) and the official Kazakhstan production calendars, not copied from
the program's output. The calendar facts used:

2017: holidays 1-3 Jan, 7 Jan (Sat), 8 Mar, 21-23 Mar, 1 May, 7 May (Sun) -> 8 May, 9 May, 6 Jul,
      30 Aug, 1 Sep (Kurban Ait), 1 Dec, 16-17 Dec (weekend) -> 18-19 Dec; days off moved: Sat 18 Mar
      worked, Mon 20 Mar off; Sat 1 Jul worked, Fri 7 Jul off.
2018: 1-2 Jan, 7 Jan (Sun, not moved), 8 Mar, Fri 9 Mar off (Sat 3 Mar worked), 21-23 Mar.
2023: 1-3 Jan, 7 Jan (Sat, not moved), 8 Mar, 21-23 Mar, 1 May, 7 May (Sun) -> 8 May, 9 May,
      28 Jun (Kurban Ait), 6 Jul, Fri 7 Jul off (Sat 1 Jul worked), 30 Aug, 25 Oct, 16 Dec (Sat) -> 18 Dec.
2024: 1-2 Jan, 7 Jan (Sun), 8 Mar, 21-23 Mar (23 Sat) -> 25 Mar, 1 May, 7 May, Wed 8 May off
      (Sat 4 May worked), 9 May, 16 Jun (Sun, Kurban Ait), 6 Jul (Sat) -> 8 Jul, 30 Aug, 25 Oct, 16 Dec.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from editions_fixture import invoke
from editions_fixture import make_orgs, make_testfam
from engine.history.organisations import ORG_ENV_VAR
from engine.editions.registry import ENV_VAR

ROOT = Path(__file__).resolve().parents[2]




def calendar(*args) -> dict:
    result = invoke("calendar", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)


def dates(data: dict) -> dict[str, str]:
    return {d["deadline"]: d["date"] for d in data["deadlines"]}


# -- 2017 ------------------------------------------------------------------------------------------------
FIXED_2017 = {
    "plan": "2017-01-10",            # p.10 (plan-following-year): 10 January, a Tuesday
    "q1_evaluation": "2017-04-10",   # p.3(1): Monday
    "q2_evaluation": "2017-07-10",   # Monday
    "q3_evaluation": "2017-10-10",   # Tuesday
    "q4_evaluation": "2017-12-10",   # a Sunday: the act's date is kept, and flagged
    "annual_evaluation": "2017-12-25",  # p.3(2): Monday
}

EVENTS_2017 = {
    # p.38: 10 working days after Fri 17 Mar: Sat 18 (worked) 1, Mon 20 (off), 21-23 Nauryz, Fri 24 2,
    # 27-31 Mar 3-7, 3 Apr 8, 4 Apr 9, Wed 5 Apr 10.
    ("decision_date", "2017-03-17"): ("appeal", "2017-04-05"),
    # p.14: 10 calendar days before Mon 17 Jul is Fri 7 Jul (day off, moved from 1 Jul); counted
    # backwards it moves to the previous working day: Thu 6 Jul is Capital Day, so Wed 5 Jul.
    ("evaluation_start", "2017-07-17"): ("notification", "2017-07-05"),
    # p.3: 5 working days after Fri 28 Apr: Mon 1 May off, 2-5 May 1-4, Mon 8 and Tue 9 May off, Wed 10 May 5.
    ("returned_on", "2017-04-28"): ("deferred_evaluation", "2017-05-10"),
    # p.32: 5 working days before Wed 20 Dec: Tue 19 and Mon 18 Dec off (Independence Day moved), Fri 15 1,
    # Thu 14 2, Wed 13 3, Tue 12 4, Mon 11 Dec 5.
    ("commission_meeting", "2017-12-20"): ("annual_score_computed", "2017-12-11"),
    # p.36: 2 working days after Tue 29 Aug: Wed 30 Aug off (Constitution Day), Thu 31 Aug 1,
    # Fri 1 Sep off (Kurban Ait), Mon 4 Sep 2.
    ("evaluation_completed", "2017-08-29"): ("acquaintance", "2017-09-04"),
    # p.39: 10 working days after Mon 27 Nov: 28-30 Nov 1-3, Fri 1 Dec off (First President Day),
    # 4-8 Dec 4-8, Mon 11 Dec 9, Tue 12 Dec 10.
    ("complaint_received", "2017-11-27"): ("appeal_review", "2017-12-12"),
    # p.11: 10 working days after Thu 28 Dec 2017: Fri 29 Dec 1, 1-2 Jan 2018 off, 3-5 Jan 2-4,
    # Mon 8 Jan 5 (7 Jan, a Sunday, is not moved), 9-12 Jan 6-9, Mon 15 Jan 10.
    ("appointed_on", "2017-12-28"): ("plan_late_appointee", "2018-01-15"),
    # p.44: 3 months after Fri 8 Dec 2017 is Thu 8 Mar 2018 (holiday); Fri 9 Mar off (moved from 3 Mar),
    # 10-11 Mar weekend: Mon 12 Mar 2018.
    ("annual_results_approved", "2017-12-08"): ("training", "2018-03-12"),
}


def test_2017_fixed_deadlines_by_methodology():
    data = calendar("wko-maslikhat@2017", "2017")
    assert dates(data) == FIXED_2017
    q4 = next(d for d in data["deadlines"] if d["deadline"] == "q4_evaluation")
    assert q4["weekday"] == "Sun" and q4["notes"] == ["2017-12-10 is not a working day (Sunday); the act's date is kept [p.3(1)]"]
    assert q4["cite"] == ["p.3(1)"] and q4["label"]["kk"].startswith("бағалануы оныншы желтоқсаннан")
    plan = next(d for d in data["deadlines"] if d["deadline"] == "plan")
    assert "plan-following-year" in [i["id"] for i in plan["interpretations"]]
    assert {p["deadline"]: p["needs"] for p in data["not_computed"]}["appeal"] == "decision_date"
    assert [d["date"] for d in data["deadlines"]] == sorted(d["date"] for d in data["deadlines"])


def test_2017_event_deadlines_by_methodology():
    args = [f"--event={name}={day}" for (name, day) in EVENTS_2017]
    data = calendar("wko-maslikhat@2017", "2017", *args)
    got = dates(data)
    for (_, _), (deadline, expected) in EVENTS_2017.items():
        assert got[deadline] == expected, deadline
    assert data["not_computed"] == []
    appeal = next(d for d in data["deadlines"] if d["deadline"] == "appeal")
    assert appeal["cite"] == ["p.38"] and appeal["from_event"] == "decision_date" and appeal["rule"] == "10 working days after decision_date"
    assert "day-counting" in [i["id"] for i in appeal["interpretations"]]


def test_2017_by_organisation_table():
    result = invoke("calendar", "wko-maslikhat-apparatus", "2017", "--event", "decision_date=2017-03-17")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Deadlines of 2017 — wko-maslikhat-apparatus" in out and "2017-01-01 … 2017-12-31: wko-maslikhat@2017" in out
    assert "2017-04-05  Wed  appeal" in out and "p.38" in out
    assert "note: 2017-12-10 is not a working day (Sunday)" in out
    assert "Not computed (give --event NAME=DATE):" in out and "needs evaluation_start" in out
    assert "(pinned)" in result.stderr


# -- 2023 and 2024 (the years; wko-maslikhat@2017 named explicitly) ------------------------------
CASES_2023 = {
    "plan": "2023-01-10", "q1_evaluation": "2023-04-10", "q2_evaluation": "2023-07-10", "q3_evaluation": "2023-10-10",
    "q4_evaluation": "2023-12-10",  # Sunday, flagged
    "annual_evaluation": "2023-12-25",
    # Fri 17 Mar: Mon 20 1, 21-23 Nauryz, Fri 24 2, 27-31 3-7, 3-5 Apr 8-10
    "appeal": "2023-04-05",
    # 10 days before Mon 17 Jul: Fri 7 Jul (off, moved from 1 Jul) -> Thu 6 Jul (Capital Day) -> Wed 5 Jul
    "notification": "2023-07-05",
    # after Tue 27 Jun: Wed 28 Jun Kurban Ait, Thu 29 1, Fri 30 2
    "acquaintance": "2023-06-30",
    # before Wed 20 Dec: Tue 19 1, Mon 18 off (16 Dec moved), Fri 15 2, 14 3, 13 4, Tue 12 Dec 5
    "annual_score_computed": "2023-12-12",
    # after Tue 24 Oct: Wed 25 Oct Republic Day, 26 1, 27 2, 30 3, 31 4, Wed 1 Nov 5
    "deferred_evaluation": "2023-11-01",
}
EVENTS_2023 = ["decision_date=2023-03-17", "evaluation_start=2023-07-17", "evaluation_completed=2023-06-27",
               "commission_meeting=2023-12-20", "returned_on=2023-10-24"]

CASES_2024 = {
    "plan": "2024-01-10", "q1_evaluation": "2024-04-10", "q2_evaluation": "2024-07-10", "q3_evaluation": "2024-10-10",
    "q4_evaluation": "2024-12-10", "annual_evaluation": "2024-12-25",
    # after Wed 20 Mar: 21-22 Nauryz, 23-24 weekend, Mon 25 off (23 Mar moved), 26-29 1-4, 1-5 Apr 5-9, Mon 8 Apr 10
    "appeal": "2024-04-08",
    # after Fri 3 May: Sat 4 May worked 1, Mon 6 2, Tue 7 Defender's Day, Wed 8 off (moved), Thu 9 Victory Day,
    # Fri 10 3, Mon 13 4, Tue 14 May 5
    "deferred_evaluation": "2024-05-14",
    # 10 days before Thu 18 Jul: Mon 8 Jul (off: Capital Day moved from Sat 6) -> Sun 7, Sat 6 -> Fri 5 Jul
    "notification": "2024-07-05",
    # 3 months after Thu 30 May: Fri 30 Aug (Constitution Day) -> weekend -> Mon 2 Sep
    "training": "2024-09-02",
    # after Mon 21 Oct: 22-24 1-3, Fri 25 Oct Republic Day, 28 Oct-1 Nov 4-8, Mon 4 Nov 9, Tue 5 Nov 10
    "appeal_review": "2024-11-05",
    # before Fri 20 Dec: 19 1, 18 2, 17 3, Mon 16 Independence Day, Fri 13 4, Thu 12 Dec 5
    "annual_score_computed": "2024-12-12",
}
EVENTS_2024 = ["decision_date=2024-03-20", "returned_on=2024-05-03", "evaluation_start=2024-07-18",
               "annual_results_approved=2024-05-30", "complaint_received=2024-10-21", "commission_meeting=2024-12-20"]


@pytest.mark.parametrize("year, events, expected", [(2023, EVENTS_2023, CASES_2023), (2024, EVENTS_2024, CASES_2024)])
def test_2023_and_2024(year, events, expected):
    data = calendar("wko-maslikhat@2017", str(year), *[x for e in events for x in ("--event", e)])
    got = dates(data)
    for deadline, day in expected.items():
        assert got[deadline] == day, deadline
    flagged = {d["deadline"] for d in data["deadlines"] if d["notes"]}
    assert flagged == ({"q4_evaluation"} if year == 2023 else set())
    assert any("validity dates are unknown" in w for w in data["editions"][0]["why"])


# -- editions in force during the year -------------------------------------------------------------------
def test_a_switch_mid_year_splits_the_calendar(tmp_path, monkeypatch):
    md = make_testfam(tmp_path)
    monkeypatch.setenv(ENV_VAR, str(md))
    monkeypatch.setenv(ORG_ENV_VAR, str(make_orgs(tmp_path, (
        "      - {family: wko-maslikhat, from: 2017-01-01, edition: \"2017\", reason: a test}\n"
        "      - {family: testfam, from: 2017-07-01, reason: the new order}\n"))))
    data = calendar("test-org", "2017")
    assert [(e["from"], e["to"], e["methodology"]) for e in data["editions"]] == [
        ("2017-01-01", "2017-06-30", "wko-maslikhat@2017"), ("2017-07-01", "2017-12-31", "testfam@2018")]
    under = {d["deadline"]: d["methodology"] for d in data["deadlines"]}
    assert under["plan"] == under["q1_evaluation"] == "wko-maslikhat@2017"  # 10 Jan, 10 Apr
    # 10 July (the second quarter's evaluation) is already under the new edition
    assert under["q2_evaluation"] == under["q3_evaluation"] == under["q4_evaluation"] == under["annual_evaluation"] == "testfam@2018"
    assert len(data["deadlines"]) == 6  # each deadline once, under the edition in force on its date


def test_part_of_the_year_without_an_edition_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(make_testfam(tmp_path)))
    result = invoke("calendar", "testfam@2017", "2017", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [e["methodology"] for e in data["editions"]] == ["testfam@2017", None]
    assert set(dates(data)) == {"plan", "q1_evaluation"}  # 10 Jan and 10 Apr fall before 1 Jul
    assert "was not in force on 2017-07-01" in result.stderr


def test_an_organisation_whose_act_is_not_encoded():
    result = invoke("calendar", "zhanibek-akim-apparatus", "2022")
    assert result.exit_code == 1 and "resolution No. 54 of 28.03.2018 was in force; that edition is not encoded" in result.stderr


@pytest.mark.parametrize("args, needle", [
    (["wko-maslikhat@2017", "2017", "--event", "decision_day=2017-03-17"], "unknown event(s) decision_day"),
    (["wko-maslikhat@2017", "2017", "--event", "decision_date"], "expected NAME=DATE"),
    (["wko-maslikhat@2017", "2017", "--event", "decision_date=17.03.2017"], "is not a date"),
    (["nobody", "2017"], "no organisation 'nobody'"),
    (["wko-maslikhat@2017", "0"], "out of range"),
])
def test_calendar_refuses(args, needle):
    result = invoke("calendar", *args)
    assert result.exit_code == 2 and needle in result.output


def test_help_has_an_example():
    assert "Example" in invoke("calendar", "--help").output


# -- the .ics file ----------------------------------------------------------------------------------------
def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines: list[str] = []
    for raw in text.split("\r\n")[:-1]:
        assert len(raw.encode("utf-8")) <= 75, raw
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def test_ics_is_rfc5545(tmp_path):
    out = tmp_path / "deadlines.ics"
    result = invoke("calendar", "wko-maslikhat@2017", "2017", "--event", "decision_date=2017-03-17", "--format", "ics", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    text = out.read_bytes().decode("utf-8")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            key, _, value = line.partition(":")
            current[key] = value
    assert len(events) == 7
    for e in events:
        assert {"UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"} <= set(e)
        start = dt.datetime.strptime(e["DTSTART;VALUE=DATE"], "%Y%m%d").date()
        assert dt.datetime.strptime(e["DTEND;VALUE=DATE"], "%Y%m%d").date() == start + dt.timedelta(days=1)
        assert len(e["DTSTAMP"]) == 16 and e["DTSTAMP"].endswith("Z")
    assert len({e["UID"] for e in events}) == 7
    appeal = next(e for e in events if "appeal" in e["UID"])
    assert appeal["DTSTART;VALUE=DATE"] == "20170405"
    assert appeal["SUMMARY"] == "appeal within ten working days of the decision [p.38]"
    assert "шешім шыққан күннен бастап он жұмыс күні ішінде" in appeal["DESCRIPTION"]  # folded and unfolded intact
    q4 = next(e for e in events if "q4_evaluation" in e["UID"])
    assert "not a working day (Sunday)\\; the act's date is kept" in q4["DESCRIPTION"]  # escaped ;


def test_ics_folding_never_splits_a_character():
    from engine.formats.ics import escape, fold

    line = "DESCRIPTION:" + escape("әдістеме; баға, мерзім\n" * 20)
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert "".join([pieces[0]] + [p[1:] for p in pieces[1:]]) == line
    assert "\\;" in line and "\\," in line and "\\n" in line
