"""Kazakhstan working-day calendar for legal deadlines.

Data comes from the `holidays` package (country "KZ"): public holidays, holidays moved off a
weekend ("observed"), the government's substituted days off, and the weekend days made working
days (`weekend_workdays`). Years outside the package's range count weekends only.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

__all__ = ["DayOff", "WorkCalendar", "default_calendar", "months_between", "shift_months"]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ROLLS = ("auto", "forward", "backward", "none")
_SUBSTITUTED_PREFIX = "Day off (substituted from"



@cache
def _package() -> tuple:
    """(holidays module, KZ class or None, first year, last year, has Kazakh names), loaded on first use:
    importing the package costs a tenth of a second that commands without deadlines need not pay."""
    import holidays as _holidays

    try:
        kz = _holidays.country_holidays("KZ").__class__
    except Exception:  # pragma: no cover - package without Kazakhstan
        kz = None
    return (_holidays, kz, getattr(kz, "start_year", 1) or 1, getattr(kz, "end_year", 9999) or 9999,
            "kk" in getattr(kz, "supported_languages", ()))


@dataclass(frozen=True, slots=True)
class DayOff:
    """Why a day is not a working day.

    kind: "weekend", "holiday" (public holiday, incl. "observed" transfers), "substituted"
    (government transfer of a day off) or "extra" (given to the calendar).
    """

    day: date
    kind: str
    name: str  # English holiday name, weekday name, or the extra reason
    name_kk: str | None  # Kazakh holiday name from the package, when it has one

    @property
    def reason(self) -> str:
        if self.kind == "weekend":
            return self.name
        if self.kind == "holiday":
            return f"public holiday: {self.name}"
        if self.kind == "substituted":
            return self.name[:1].lower() + self.name[1:]
        return self.name


@cache
def _package_year(year: int) -> tuple[dict[date, tuple[str, str | None]], frozenset[date]]:
    """Holidays (date -> (English, Kazakh)) and weekend workdays of one package year."""
    _holidays, kz_class, first, last, has_kk = _package()
    if kz_class is None or not first <= year <= last:
        return {}, frozenset()
    try:
        en = _holidays.country_holidays("KZ", years=year, language="en_US")
        kk = _holidays.country_holidays("KZ", years=year, language="kk") if has_kk else {}
    except Exception:  # pragma: no cover - defensive: never fail a deadline on package data
        return {}, frozenset()
    names = {d: (n, kk.get(d)) for d, n in en.items()}
    # The package can report weekend workdays of other years too; keep the ones it defines
    # for this year (a substitution may take a Saturday of the year before, e.g. 2013-12-28).
    workdays = frozenset(
        d for d in getattr(en, "weekend_workdays", ()) if d.year in (year - 1, year) and d.weekday() >= 5
    )
    return names, workdays


@dataclass(slots=True)
class _Year:
    """One calendar year: working flag per day, prefix counts, working-day ordinals."""

    base: int  # ordinal of 1 January
    flags: bytes  # 1 = working day, indexed by ordinal - base
    cum: list[int]  # cum[i] = working days among the first i days of the year
    work: list[int]  # ordinals of the working days, ascending


class WorkCalendar:
    """Working days of Kazakhstan: weekends, public holidays, transferred days off."""

    def __init__(
        self,
        extra_days_off: Mapping[date, str] | None = None,
        extra_working_days: Iterable[date] = (),
    ) -> None:
        self._extra_off: dict[date, str] = dict(extra_days_off or {})
        self._extra_work: frozenset[date] = frozenset(extra_working_days)
        both = self._extra_off.keys() & self._extra_work
        if both:
            raise ValueError(f"dates both extra days off and extra working days: {sorted(both)}")
        self._flag: dict[date, bool] = {}
        self._years: dict[int, _Year] = {}
        self._names: dict[date, tuple[str, str | None]] = {}
        self._weekend_work: set[date] = set()

    # -- loading -------------------------------------------------------------------------
    def _year(self, year: int) -> _Year:
        t = self._years.get(year)
        if t is None:
            t = self._load(year)
        return t

    def _load(self, year: int) -> _Year:
        if not 1 <= year <= 9999:
            raise OverflowError(f"year {year} is out of range")
        # Neighbouring package years can define days of this one (cross-year substitutions).
        for y in (year - 1, year, year + 1):
            names, workdays = _package_year(y)
            self._names.update((d, n) for d, n in names.items() if d.year == year)
            self._weekend_work.update(d for d in workdays if d.year == year)
        base = date(year, 1, 1).toordinal()
        ndays = date(year, 12, 31).toordinal() - base + 1
        flags = bytearray(ndays)
        cum = [0] * (ndays + 1)
        work: list[int] = []
        for i in range(ndays):
            d = date.fromordinal(base + i)
            ok = self._off(d) is None
            self._flag[d] = ok
            if ok:
                flags[i] = 1
                work.append(base + i)
            cum[i + 1] = cum[i] + ok
        t = _Year(base, bytes(flags), cum, work)
        self._years[year] = t
        return t

    def _off(self, d: date) -> DayOff | None:
        """Why d is off, from the loaded data (no cache)."""
        if d in self._extra_work:
            return None
        if d in self._extra_off:
            return DayOff(d, "extra", self._extra_off[d], None)
        named = self._names.get(d)
        if named is not None:
            en, kk = named
            kind = "substituted" if en.startswith(_SUBSTITUTED_PREFIX) else "holiday"
            return DayOff(d, kind, en, kk)
        if d.weekday() >= 5 and d not in self._weekend_work:
            return DayOff(d, "weekend", _WEEKDAYS[d.weekday()], None)
        return None

    @staticmethod
    def _check(d: date) -> None:
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(f"expected a date, got {type(d).__name__}")

    # -- queries -------------------------------------------------------------------------
    def is_working_day(self, d: date) -> bool:
        try:
            return self._flag[d]
        except KeyError:
            self._check(d)
            self._load(d.year)
            return self._flag[d]

    def day_off(self, d: date) -> DayOff | None:
        """Why d is not a working day (with the Kazakh holiday name), or None if it is one."""
        if self.is_working_day(d):
            return None
        return self._off(d)

    def why_not_working(self, d: date) -> str | None:
        off = self.day_off(d)
        return None if off is None else off.reason

    # -- arithmetic ----------------------------------------------------------------------
    def add_working_days(self, d: date, n: int) -> date:
        """n > 0: the n-th working day after d (d not counted); n < 0: before d; 0: d."""
        if n == 0:
            return d
        self._check(d)
        year = d.year
        t = self._year(year)
        i = d.toordinal() - t.base
        if n > 0:
            k = t.cum[i + 1] + n - 1  # index into t.work of the answer
            while k >= len(t.work):
                k -= len(t.work)
                year += 1
                t = self._year(year)
        else:
            k = t.cum[i] + n
            while k < 0:
                year -= 1
                t = self._year(year)
                k += len(t.work)
        return date.fromordinal(t.work[k])

    def roll(self, d: date, direction: str) -> date:
        """forward: d or the next working day; backward: d or the previous one; none: d."""
        if direction == "none":
            return d
        if direction not in ("forward", "backward"):
            raise ValueError(f"roll direction must be forward, backward or none, not {direction!r}")
        if self.is_working_day(d):
            return d
        return self.add_working_days(d, 1 if direction == "forward" else -1)

    def _roll_auto(self, d: date, n: int, roll: str) -> date:
        if roll not in _ROLLS:
            raise ValueError(f"roll must be one of {', '.join(_ROLLS)}, not {roll!r}")
        if roll == "auto":
            roll = "forward" if n >= 0 else "backward"
        return self.roll(d, roll)

    def add_calendar_days(self, d: date, n: int, roll: str = "auto") -> date:
        return self._roll_auto(d + timedelta(days=n), n, roll)

    def add_weeks(self, d: date, n: int, roll: str = "auto") -> date:
        return self._roll_auto(d + timedelta(weeks=n), n, roll)

    def add_months(self, d: date, n: int, roll: str = "auto") -> date:
        """d + n months (a month end clamps: 31 Jan + 1 month = 28/29 Feb), then rolled."""
        return self._roll_auto(shift_months(d, n), n, roll)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative of (end, start] when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        self._check(start)
        self._check(end)
        ts, te = self._year(start.year), self._year(end.year)
        before_start = ts.cum[start.toordinal() - ts.base + 1]
        upto_end = te.cum[end.toordinal() - te.base + 1]
        if start.year == end.year:
            return upto_end - before_start
        middle = sum(len(self._year(y).work) for y in range(start.year + 1, end.year))
        return len(ts.work) - before_start + middle + upto_end

    def working_days_in(self, year: int) -> list[date]:
        """All working days of a year, ascending."""
        return [date.fromordinal(o) for o in self._year(year).work]


def shift_months(d: date, n: int) -> date:
    """d + n calendar months, the day clamped to the month's last day."""
    m = d.year * 12 + (d.month - 1) + n
    year, month = divmod(m, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError(f"year {year} is out of range")
    return date(year, month, min(d.day, _month_length(year, month)))


def _month_length(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def months_between(start: date, end: date) -> int:
    """Whole months m with start + m months <= end (clamped); negative if end < start."""
    m = (end.year - start.year) * 12 + (end.month - start.month)
    if end >= start:
        if shift_months(start, m) > end:
            m -= 1
    elif shift_months(start, m) < end:
        m += 1
    return m


@cache
def default_calendar() -> WorkCalendar:
    """The shared calendar without overrides."""
    return WorkCalendar()

