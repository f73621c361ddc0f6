"""Builtins on dates: whole months, days and years between two dates, the year of a date.

`years_between(a, b)` counts anniversaries, as a person's length of service is counted: 2017-04-15
to 2020-04-15 is three whole years, to 2020-04-14 two. An anniversary of 29 February falls on
28 February in a common year (the month-end clamp of `months_between`).

Declared, with their types and what the value analysis makes of them, in engine/language/functions.py.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..calendar import workdays
from .expressions import EvaluationError


def months_between(a: Any, b: Any) -> Decimal:
    """Whole months m with a + m months <= b (month ends clamped; negative when b is before a)."""
    if not isinstance(a, dt.date) or not isinstance(b, dt.date):
        raise EvaluationError("months_between() needs two dates")
    return Decimal(workdays.months_between(a, b))


def days_between(a: Any, b: Any) -> Decimal:
    if not isinstance(a, dt.date) or not isinstance(b, dt.date):
        raise EvaluationError("days_between() needs two dates")
    return Decimal((b - a).days)


def years_between(a: Any, b: Any) -> Decimal:
    """Whole years y with a + y years <= b (negative, towards zero, when b is before a)."""
    if not isinstance(a, dt.date) or not isinstance(b, dt.date):
        raise EvaluationError("years_between() needs two dates")
    months = workdays.months_between(a, b)
    return Decimal(months // 12 if months >= 0 else -((-months) // 12))


def year_of(d: Any) -> Decimal:
    if not isinstance(d, dt.date):
        raise EvaluationError("year_of() needs a date")
    return Decimal(d.year)
