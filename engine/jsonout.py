"""A JSON writer that prints Decimals exactly as numbers (2.6, never 2.5999999999999996)."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any


def number(d: Decimal) -> str:
    """Exact text of a decimal, without exponent or trailing zeros: 3.150 -> 3.15, 1E+2 -> 100."""
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def dumps(value: Any, indent: int | None = 2) -> str:
    return "".join(_encode(value, indent, 0))


def _encode(value: Any, indent: int | None, level: int):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, Decimal):
        yield number(value)
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        yield json.dumps(value.isoformat())
    elif isinstance(value, dict):
        if not value:
            yield "{}"
            return
        pad, inner = _pads(indent, level)
        yield "{"
        for i, (k, v) in enumerate(value.items()):
            yield ("," if i else "") + inner + json.dumps(str(k), ensure_ascii=False) + ": "
            yield from _encode(v, indent, level + 1)
        yield pad + "}"
    elif isinstance(value, (list, tuple)):
        if not value:
            yield "[]"
            return
        pad, inner = _pads(indent, level)
        yield "["
        for i, v in enumerate(value):
            yield ("," if i else "") + inner
            yield from _encode(v, indent, level + 1)
        yield pad + "]"
    else:
        yield json.dumps(str(value), ensure_ascii=False)


def _pads(indent: int | None, level: int) -> tuple[str, str]:
    if indent is None:
        return "", ""
    return "\n" + " " * (indent * level), "\n" + " " * (indent * (level + 1))
