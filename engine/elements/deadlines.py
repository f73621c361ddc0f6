"""Deadlines: dates computed from a year or an event on the Kazakhstan working-day calendar."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from ..calendar.workdays import WorkCalendar
from ..language.expressions import EvaluationError, Expression


@dataclass(frozen=True)
class Deadline:
    id: str
    label: dict
    cite: tuple[str, ...]
    interpretations: tuple[str, ...]
    fixed: Optional[tuple[int, int]] = None  # (month, day)
    year: Optional[Expression] = None
    anchor: Optional[str] = None  # name of the event (a date input or formula)
    count: int = 0
    unit: str = "calendar_days"  # working_days | calendar_days | weeks | months
    direction: str = "after"  # after | before
    roll: str = "auto"  # auto | forward | backward | none

    def compute(self, calendar: WorkCalendar, *, year: Optional[int] = None, event: Optional[dt.date] = None) -> dt.date:
        if self.fixed is not None:
            month, day = self.fixed
            if year is None:
                raise EvaluationError("the year is missing")
            try:
                date = dt.date(int(year), month, day)
            except ValueError as exc:
                raise EvaluationError(f"no such date: {exc}") from None
            return date if self.roll in ("auto", "none") else calendar.roll(date, self.roll)
        if not isinstance(event, dt.date):
            raise EvaluationError(f"the event date '{self.anchor}' is not a date")
        n = self.count if self.direction == "after" else -self.count
        if self.unit == "working_days":
            return calendar.add_working_days(event, n)
        if self.unit == "calendar_days":
            return calendar.add_calendar_days(event, n, self.roll)
        if self.unit == "weeks":
            return calendar.add_weeks(event, n, self.roll)
        return calendar.add_months(event, n, self.roll)

    def rule_words(self) -> str:
        if self.fixed is not None:
            return f"{self.fixed[1]:02d}.{self.fixed[0]:02d} of the year"
        unit = self.unit.replace("_", " ")
        return f"{self.count} {unit} {self.direction} {self.anchor}"
