"""Tests of the Kazakhstan working-day calendar (engine/calendar.py).

Every expected date below was counted by hand on the official calendar (holiday list of the
`holidays` package, KZ, checked against the government's transfer resolutions); the count is in
the comment next to each case.

Weekdays used (from a printed calendar):
  2013-12: Fri 27, Sat 28, Sun 29, Mon 30, Tue 31;  2014-01: Wed 1, Thu 2, Fri 3, Sat 4, Sun 5,
           Mon 6, Tue 7, Wed 8
  2017-02: Tue 28.   2017-03: Mon 6, Fri 10, Mon 13, Thu 16, Fri 17, Sat 18, Sun 19, Mon 20,
           Tue 21, Wed 22, Thu 23, Fri 24, Sat 25, Sun 26, Mon 27, Thu 30
  2017-06/07: Fri 30 Jun, Sat 1 Jul, Sun 2, Mon 3, Tue 4, Wed 5, Thu 6, Fri 7, Sat 8, Sun 9, Mon 10
  2017-09: Fri 1, Fri 29, Sat 30; 2017-10: Sun 1, Mon 2
  2017-12: Fri 15, Sat 16, Sun 17, Mon 18, Tue 19, Wed 20
  2023-03: Mon 20, Tue 21, Wed 22, Thu 23, Fri 24, Sat 25, Sun 26, Mon 27
  2023-12: Fri 15, Sat 16, Sun 17, Mon 18, Tue 19
  2024-01: Sun 7, Mon 8.  2024-02: Thu 29.  2024-03: Wed 20, Thu 21, Fri 22, Sat 23, Sun 24,
           Mon 25, Tue 26
Days off used: 2014-01-01/02 New Year, 2014-01-03 (substituted from Sat 2013-12-28, worked),
2014-01-07 Orthodox Christmas; 2017-03-08; 2017 Nauryz: Sat 18 Mar worked, 20 Mar substituted
off, 21-23 Mar Nauryz; 2017-07-06 Capital Day, Fri 2017-07-07 off (substituted from Sat 1 Jul,
worked); 2017-09-01 Kurban Ait; 2017-12-16..19 Independence Day (18, 19 observed); 2023 Nauryz
21-23 Mar; 2023-12-16 (Sat) with 18 Dec observed; 2024 Nauryz 21-23 Mar with 25 Mar observed;
2024-01-07 Orthodox Christmas on a Sunday (religious holidays are not moved).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from engine.calendar.workdays import (
    DayOff,
    WorkCalendar,
    default_calendar,
    months_between,
)

D = date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


# --- which days are working ------------------------------------------------------------------

@pytest.mark.parametrize(
    "day, working",
    [
        (D(2017, 3, 17), True),   # Fri, ordinary
        (D(2017, 3, 18), True),   # Sat, worked (transfer to 20 Mar)
        (D(2017, 3, 19), False),  # Sun
        (D(2017, 3, 20), False),  # Mon, substituted day off
        (D(2017, 3, 21), False),  # Nauryz
        (D(2017, 3, 22), False),  # Nauryz
        (D(2017, 3, 23), False),  # Nauryz
        (D(2017, 3, 24), True),   # Fri
        (D(2023, 3, 20), True),
        (D(2023, 3, 21), False),
        (D(2023, 3, 23), False),
        (D(2023, 3, 24), True),
        (D(2024, 3, 21), False),
        (D(2024, 3, 22), False),
        (D(2024, 3, 23), False),  # Saturday and Nauryz
        (D(2024, 3, 25), False),  # Nauryz observed
        (D(2024, 3, 26), True),
        (D(2017, 12, 15), True),
        (D(2017, 12, 16), False),
        (D(2017, 12, 17), False),
        (D(2017, 12, 18), False),
        (D(2017, 12, 19), False),
        (D(2017, 12, 20), True),
        (D(2023, 12, 16), False),
        (D(2023, 12, 18), False),
        (D(2023, 12, 19), True),
        (D(2017, 7, 1), True),    # Sat, worked
        (D(2017, 7, 6), False),   # Capital Day
        (D(2017, 7, 7), False),   # Fri, substituted from 1 Jul
        (D(2023, 7, 1), True),    # Sat, worked
        (D(2023, 7, 7), False),
        (D(2024, 5, 4), True),    # Sat, worked
        (D(2024, 5, 8), False),   # substituted from 4 May
        (D(2013, 12, 28), True),  # Sat, worked, transfer defined in the 2014 resolution
        (D(2014, 1, 3), False),
        (D(2017, 9, 1), False),   # Kurban Ait is a day off
        (D(2024, 1, 7), False),   # Orthodox Christmas (Sunday)
        (D(2024, 1, 8), True),    # ... not moved to Monday
    ],
)
def test_is_working_day(cal: WorkCalendar, day: date, working: bool) -> None:
    assert cal.is_working_day(day) is working


@pytest.mark.parametrize(
    "day, why",
    [
        (D(2017, 3, 25), "Saturday"),
        (D(2017, 3, 26), "Sunday"),
        (D(2017, 3, 21), "public holiday: Nowruz Holiday"),
        (D(2017, 3, 20), "day off (substituted from 03/18/2017)"),
        (D(2017, 7, 7), "day off (substituted from 07/01/2017)"),
        (D(2017, 12, 16), "public holiday: Independence Day"),  # a Saturday: the holiday is named
        (D(2017, 12, 18), "public holiday: Independence Day (observed)"),
        (D(2023, 12, 17), "Sunday"),
        (D(2024, 3, 25), "public holiday: Nowruz Holiday (observed)"),
        (D(2017, 3, 18), None),
        (D(2017, 3, 24), None),
    ],
)
def test_why_not_working(cal: WorkCalendar, day: date, why: str | None) -> None:
    assert cal.why_not_working(day) == why


def test_kazakh_names(cal: WorkCalendar) -> None:
    off = cal.day_off(D(2017, 3, 21))
    assert isinstance(off, DayOff)
    assert off.kind == "holiday" and off.name == "Nowruz Holiday"
    assert off.name_kk == "Наурыз мейрамы"
    sub = cal.day_off(D(2017, 3, 20))
    assert sub is not None and sub.kind == "substituted"
    assert sub.name_kk is not None and "18.03.2017" in sub.name_kk
    sat = cal.day_off(D(2017, 3, 25))
    assert sat is not None and sat.kind == "weekend" and sat.name_kk is None
    assert cal.day_off(D(2017, 3, 18)) is None


# --- working days ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "start, n, expected",
    [
        (D(2017, 3, 16), 1, D(2017, 3, 17)),  # Thu -> Fri 17 (1)
        (D(2017, 3, 17), 1, D(2017, 3, 18)),  # Fri -> Sat 18 worked (1)
        (D(2017, 3, 17), 2, D(2017, 3, 24)),  # Sat 18 (1), 19-23 off, Fri 24 (2)
        (D(2017, 3, 17), 3, D(2017, 3, 27)),  # 18 (1), 24 (2), 25-26 weekend, Mon 27 (3)
        (D(2017, 3, 19), 1, D(2017, 3, 24)),  # from Sun: 20-23 off, Fri 24 (1)
        (D(2017, 3, 24), -1, D(2017, 3, 18)),  # back: 23, 22, 21, 20, 19 off, Sat 18 (1)
        (D(2017, 3, 24), -2, D(2017, 3, 17)),  # 18 (1), Fri 17 (2)
        (D(2017, 3, 19), -1, D(2017, 3, 18)),  # from Sun back: Sat 18 (1)
        (D(2023, 3, 20), 1, D(2023, 3, 24)),  # 21-23 Nauryz, Fri 24 (1)
        (D(2023, 3, 20), 2, D(2023, 3, 27)),  # 24 (1), 25-26 weekend, Mon 27 (2)
        (D(2023, 3, 24), -1, D(2023, 3, 20)),  # 23, 22, 21 off, Mon 20 (1)
        (D(2024, 3, 20), 1, D(2024, 3, 26)),  # 21, 22, 23, 24, 25 (observed) off, Tue 26 (1)
        (D(2024, 3, 26), -1, D(2024, 3, 20)),  # 25..21 off, Wed 20 (1)
        (D(2017, 12, 15), 1, D(2017, 12, 20)),  # 16-19 off, Wed 20 (1)
        (D(2017, 12, 20), -1, D(2017, 12, 15)),  # 19..16 off, Fri 15 (1)
        (D(2023, 12, 15), 1, D(2023, 12, 19)),  # Sat 16, Sun 17, Mon 18 observed, Tue 19 (1)
        (D(2017, 6, 30), 1, D(2017, 7, 1)),  # Fri -> Sat 1 Jul worked (1)
        (D(2017, 7, 5), 1, D(2017, 7, 10)),  # Thu 6, Fri 7, Sat 8, Sun 9 off, Mon 10 (1)
        (D(2017, 7, 3), -1, D(2017, 7, 1)),  # Sun 2 off, Sat 1 worked (1)
        (D(2017, 7, 10), -2, D(2017, 7, 4)),  # 9, 8, 7, 6 off, Wed 5 (1), Tue 4 (2)
        (D(2013, 12, 27), 1, D(2013, 12, 28)),  # Fri -> Sat 28 worked (1)
        (D(2013, 12, 31), 1, D(2014, 1, 6)),  # 1, 2, 3 (subst.), 4, 5 off, Mon 6 (1)
        (D(2013, 12, 31), 2, D(2014, 1, 8)),  # 6 (1), 7 Orthodox Christmas, Wed 8 (2)
        (D(2014, 1, 6), -2, D(2013, 12, 30)),  # 5..1 off, Tue 31 (1), Mon 30 (2)
        (D(2017, 3, 20), 0, D(2017, 3, 20)),  # n = 0: the day itself, even when off
    ],
)
def test_add_working_days(cal: WorkCalendar, start: date, n: int, expected: date) -> None:
    assert cal.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D(2017, 3, 17), D(2017, 3, 27), 3),  # (17, 27]: 18, 24, 27
        (D(2017, 6, 30), D(2017, 7, 10), 5),  # (30 Jun, 10 Jul]: 1, 3, 4, 5, 10
        (D(2017, 12, 15), D(2017, 12, 20), 1),  # 20 only
        (D(2013, 12, 27), D(2014, 1, 8), 5),  # 28, 30, 31, 6 Jan, 8 Jan
        (D(2017, 3, 20), D(2017, 3, 20), 0),
        (D(2017, 3, 27), D(2017, 3, 17), -3),  # reversed: minus the count of (17, 27]
    ],
)
def test_working_days_between(cal: WorkCalendar, start: date, end: date, expected: int) -> None:
    assert cal.working_days_between(start, end) == expected


def test_working_days_roundtrip(cal: WorkCalendar) -> None:
    # add_working_days and working_days_between agree across 2016-2025 (cross-check, both ways)
    d = D(2016, 1, 1)
    while d < D(2025, 12, 1):
        for n in (1, 5, 23):
            assert cal.working_days_between(d, cal.add_working_days(d, n)) == n
        d += timedelta(days=11)


# --- calendar days, weeks, months ------------------------------------------------------------

@pytest.mark.parametrize(
    "start, n, roll, expected",
    [
        (D(2017, 3, 10), 10, "auto", D(2017, 3, 24)),  # -> Mon 20 off; 21-23 off -> Fri 24
        (D(2017, 3, 10), 10, "forward", D(2017, 3, 24)),
        (D(2017, 3, 10), 10, "backward", D(2017, 3, 18)),  # 20 off, 19 Sun, Sat 18 worked
        (D(2017, 3, 10), 10, "none", D(2017, 3, 20)),
        (D(2017, 3, 30), -10, "auto", D(2017, 3, 18)),  # -> 20; before: back to Sat 18
        (D(2017, 3, 30), -10, "forward", D(2017, 3, 24)),
        (D(2017, 3, 30), -10, "none", D(2017, 3, 20)),
        (D(2017, 3, 21), 0, "auto", D(2017, 3, 24)),  # n = 0 rolls forward
        (D(2017, 3, 17), 0, "auto", D(2017, 3, 17)),  # working day stays
        (D(2017, 12, 6), 10, "auto", D(2017, 12, 20)),  # -> Sat 16; 16-19 off -> Wed 20
    ],
)
def test_add_calendar_days(cal: WorkCalendar, start: date, n: int, roll: str, expected: date) -> None:
    assert cal.add_calendar_days(start, n, roll=roll) == expected


@pytest.mark.parametrize(
    "start, n, roll, expected",
    [
        (D(2017, 3, 13), 1, "auto", D(2017, 3, 24)),  # -> Mon 20 -> Fri 24
        (D(2017, 3, 27), -1, "auto", D(2017, 3, 18)),  # -> Mon 20 -> back to Sat 18
        (D(2017, 3, 6), 2, "none", D(2017, 3, 20)),
        (D(2017, 6, 30), 1, "auto", D(2017, 7, 10)),  # -> Fri 7 Jul off, 8-9 weekend -> Mon 10
    ],
)
def test_add_weeks(cal: WorkCalendar, start: date, n: int, roll: str, expected: date) -> None:
    assert cal.add_weeks(start, n, roll=roll) == expected


@pytest.mark.parametrize(
    "start, n, roll, expected",
    [
        (D(2017, 1, 31), 1, "none", D(2017, 2, 28)),  # clamps to 28 Feb
        (D(2017, 1, 31), 1, "auto", D(2017, 2, 28)),  # Tue, working
        (D(2024, 1, 31), 1, "none", D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 1, "none", D(2024, 3, 29)),
        (D(2024, 2, 29), 12, "none", D(2025, 2, 28)),
        (D(2017, 8, 31), 1, "none", D(2017, 9, 30)),  # clamps to 30 Sep (Sat)
        (D(2017, 8, 31), 1, "auto", D(2017, 10, 2)),  # Sat 30, Sun 1 Oct -> Mon 2 Oct
        (D(2017, 8, 31), 1, "backward", D(2017, 9, 29)),  # Fri 29
        (D(2017, 3, 31), -1, "none", D(2017, 2, 28)),
        (D(2016, 12, 31), 2, "none", D(2017, 2, 28)),  # across the year end
        (D(2017, 1, 15), -1, "none", D(2016, 12, 15)),
        (D(2017, 2, 20), 1, "auto", D(2017, 3, 24)),  # -> Mon 20 Mar off -> Fri 24
        (D(2017, 8, 1), 1, "auto", D(2017, 9, 4)),  # -> Fri 1 Sep Kurban Ait, 2-3 weekend -> Mon 4
    ],
)
def test_add_months(cal: WorkCalendar, start: date, n: int, roll: str, expected: date) -> None:
    assert cal.add_months(start, n, roll=roll) == expected


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D(2017, 1, 15), D(2017, 4, 15), 3),  # exactly 3 months
        (D(2017, 1, 15), D(2017, 4, 14), 2),  # one day short
        (D(2017, 1, 31), D(2017, 4, 30), 3),  # month-end start: 31 Jan + 3 months = 30 Apr
        (D(2017, 1, 31), D(2017, 4, 29), 2),
        (D(2017, 1, 31), D(2017, 2, 28), 1),
        (D(2024, 2, 29), D(2025, 2, 28), 12),
        (D(2017, 1, 15), D(2017, 1, 31), 0),
        (D(2017, 1, 15), D(2017, 1, 15), 0),
        (D(2017, 4, 15), D(2017, 1, 15), -3),
        (D(2017, 4, 15), D(2017, 1, 16), -2),
        (D(2016, 11, 30), D(2017, 2, 28), 3),  # 30 Nov + 3 months clamps to 28 Feb
    ],
)
def test_months_between(start: date, end: date, expected: int) -> None:
    assert months_between(start, end) == expected


# --- roll ------------------------------------------------------------------------------------

def test_roll(cal: WorkCalendar) -> None:
    assert cal.roll(D(2017, 3, 20), "forward") == D(2017, 3, 24)
    assert cal.roll(D(2017, 3, 20), "backward") == D(2017, 3, 18)
    assert cal.roll(D(2017, 3, 20), "none") == D(2017, 3, 20)
    assert cal.roll(D(2017, 3, 17), "forward") == D(2017, 3, 17)
    assert cal.roll(D(2017, 3, 17), "backward") == D(2017, 3, 17)


def test_bad_arguments(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        cal.roll(D(2017, 3, 20), "sideways")
    with pytest.raises(ValueError):
        cal.add_calendar_days(D(2017, 3, 20), 1, roll="later")
    with pytest.raises(TypeError):
        cal.is_working_day(datetime(2017, 3, 20, 12, 0))  # type: ignore[arg-type]


# --- overrides -------------------------------------------------------------------------------

def test_extra_days_off() -> None:
    c = WorkCalendar(extra_days_off={D(2017, 3, 17): "regional day off"})
    assert not c.is_working_day(D(2017, 3, 17))
    assert c.why_not_working(D(2017, 3, 17)) == "regional day off"
    # from Thu 16: Fri 17 now off, Sat 18 worked (1)
    assert c.add_working_days(D(2017, 3, 16), 1) == D(2017, 3, 18)
    # the shared calendar is not affected
    assert default_calendar().is_working_day(D(2017, 3, 17))


def test_extra_working_days() -> None:
    c = WorkCalendar(extra_working_days=[D(2017, 3, 20), D(2017, 3, 25)])
    assert c.is_working_day(D(2017, 3, 20)) and c.why_not_working(D(2017, 3, 20)) is None
    # from Fri 17: Sat 18 (1), Mon 20 made working (2)
    assert c.add_working_days(D(2017, 3, 17), 2) == D(2017, 3, 20)
    # from Thu 23: Fri 24 (1), Sat 25 made working (2)
    assert c.add_working_days(D(2017, 3, 23), 2) == D(2017, 3, 25)


def test_override_conflict() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(extra_days_off={D(2017, 3, 20): "x"}, extra_working_days=[D(2017, 3, 20)])


# --- years out of the package's data ---------------------------------------------------------

def test_far_years_do_not_raise(cal: WorkCalendar) -> None:
    # 2099 is still in the package's range: Independence Day is there
    assert cal.why_not_working(D(2099, 12, 16)) == "public holiday: Independence Day"
    for year in (1900, 2101, 3000):
        start = D(year, 6, 1)
        # weekends only: any 7 consecutive days hold 5 working days
        assert cal.working_days_between(start, start + timedelta(days=7)) == 5
        for i in range(31):
            assert cal.why_not_working(start + timedelta(days=i)) in (None, "Saturday", "Sunday")
        # 10 working days = two whole weeks, from a working day
        while not cal.is_working_day(start):
            start += timedelta(days=1)
        assert cal.add_working_days(start, 10) == start + timedelta(days=14)
        assert cal.add_working_days(start, -10) == start - timedelta(days=14)


def test_default_calendar_cached() -> None:
    assert default_calendar() is default_calendar()
    assert not default_calendar().is_working_day(D(2017, 3, 20))
