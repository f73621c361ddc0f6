"""Date arithmetic for expressions: whole years between two dates, the year of a date.

`years_between(a, b)` counts anniversaries, as a person's length of service is counted: 2017-04-15
to 2020-04-15 is three whole years, to 2020-04-14 two. An anniversary of 29 February falls on
28 February in a common year (the month-end clamp of `months_between`).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable

from ..calendar.workdays import months_between
from .expressions import EvaluationError

# function -> (argument types, result type), merged into engine.checks.SIGNATURES
SIGNATURES: dict[str, tuple[tuple[str, ...], str]] = {
    "years_between": (("date", "date"), "number"),
    "year_of": (("date",), "number"),
}


def years_between(a: Any, b: Any) -> Decimal:
    """Whole years y with a + y years <= b (negative, towards zero, when b is before a)."""
    if not isinstance(a, dt.date) or not isinstance(b, dt.date):
        raise EvaluationError("years_between() needs two dates")
    months = months_between(a, b)
    return Decimal(months // 12 if months >= 0 else -((-months) // 12))


def year_of(d: Any) -> Decimal:
    if not isinstance(d, dt.date):
        raise EvaluationError("year_of() needs a date")
    return Decimal(d.year)


FUNCTIONS: dict[str, Callable] = {"years_between": years_between, "year_of": year_of}
