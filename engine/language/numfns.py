"""Builtins on numbers: sum, mean, count, min, max, abs and round, in exact decimal arithmetic.

Declared, with their types and what the value analysis makes of them, in engine/language/functions.py.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from .expressions import EvaluationError

ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN, "up": ROUND_UP}


def _numbers(values: Any, fn: str) -> list[Decimal]:
    if not isinstance(values, list):
        raise EvaluationError(f"{fn}() needs a list, got {values!r}")
    for v in values:
        if not isinstance(v, Decimal):
            raise EvaluationError(f"{fn}() needs numbers, got {v!r}")
    return values


def sum_(values: Any) -> Decimal:
    return sum(_numbers(values, "sum"), Decimal(0))


def mean(values: Any) -> Decimal:
    values = _numbers(values, "mean")
    if not values:
        raise EvaluationError("mean() of an empty list")
    return sum(values, Decimal(0)) / Decimal(len(values))


def count(values: Any) -> Decimal:
    if not isinstance(values, list):
        raise EvaluationError(f"count() needs a list, got {values!r}")
    return Decimal(len(values))


def min_(*args: Any) -> Any:
    """The least of a list (one argument) or of the arguments."""
    values = _numbers(args[0], "min") if len(args) == 1 else list(args)
    if not values:
        raise EvaluationError("min() of an empty list")
    return min(values)


def max_(*args: Any) -> Any:
    """The greatest of a list (one argument) or of the arguments."""
    values = _numbers(args[0], "max") if len(args) == 1 else list(args)
    if not values:
        raise EvaluationError("max() of an empty list")
    return max(values)


def abs_(x: Any) -> Decimal:
    if not isinstance(x, Decimal):
        raise EvaluationError(f"abs() needs a number, got {x!r}")
    return abs(x)


def round_(x: Any, places: Any, mode: Any) -> Decimal:
    """x to `places` decimals, rounded as the act says: half_up, half_even, down (toward zero) or up."""
    if not isinstance(x, Decimal) or not isinstance(places, Decimal) or mode not in ROUNDING:
        raise EvaluationError(f"round() needs (number, places, mode) with mode one of {', '.join(ROUNDING)}")
    return x.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUNDING[mode])
