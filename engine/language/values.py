"""Values as text: a value for people (`text`) and a JSON writer that prints Decimals exactly as
numbers (2.6, never 2.5999999999999996).

Decimals are swapped for marked strings, the C encoder of the standard library does the rest,
and the marks are then replaced by the numbers' exact text.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\x00\x01"
_MARKED = re.compile(r'"\\u0000\\u0001([-0-9.]+)"')


def number(d: Decimal) -> str:
    """Exact text of a decimal, without exponent or trailing zeros: 3.150 -> 3.15, 1E+2 -> 100."""
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _prepare(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _MARK + number(value)
    if isinstance(value, dict):
        return {str(k): _prepare(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prepare(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and _MARK in value:
        return value.replace(_MARK, "")  # a user's text can never forge a number
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def dumps(value: Any, indent: int | None = 2) -> str:
    text = json.dumps(_prepare(value), ensure_ascii=False, indent=indent)
    return _MARKED.sub(r"\1", text)


def text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(c["id"] if isinstance(c, dict) and "id" in c else text(c) for c in value)
    if isinstance(value, dict) and "message" in value:  # a refusal or a tie: its message reads on its own
        return str(value["message"])
    if isinstance(value, dict):  # a map (a for_each formula, a map input): key: value | key: value
        return " | ".join(f"{k}: {text(v)}" for k, v in value.items())
    return str(value)
