"""Values as text: a value for people (`text`), a raw value in a message (`quoted`), and a JSON
writer that prints Decimals exactly as numbers (2.6, never 2.5999999999999996).

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


def text(value: Any, *, brackets: bool = False, words: bool = False) -> str:
    """A value for people, the one way the engine writes a value as text.

    Plainly (a result's values, messages): — for none, true / false, 3.15, 2024-01-31, a list as
    `a; b` (an entry with an id by its id), a refusal or a tie by its message, a map (a for_each
    formula, a map input) as `key: value | key: value`.

    - `brackets`: a list in brackets, `[a, b]`, its items written plainly, so that `a; b → b`
      cannot mislead (the values of a diff's impact report, the example records of the analysis).
    - `words`: as a reader of the act writes the act's own data (the changes of a diff): none,
      yes / no, a label as «kk» / en, lists as `[a, b]` and maps as `{key: value}`, nested alike.
    """
    if words:
        return _words(value)
    if isinstance(value, list) and brackets:
        return "[" + ", ".join(text(v) for v in value) + "]"
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


def _words(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        if value and set(value) <= {"kk", "en"}:  # a label
            kk, en = value.get("kk"), value.get("en")
            return " / ".join(p for p in (f"«{kk}»" if kk else "", str(en) if en else "") if p)
        return "{" + ", ".join(f"{k}: {_words(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_words(v) for v in value) + "]"
    return str(value)


def quoted(raw: Any, limit: int = 40) -> str:
    """A raw value quoted in a message about it: text in quotes, anything else as Python prints it,
    cut to `limit` characters."""
    shown = repr(raw) if isinstance(raw, str) else str(raw)
    return shown if len(shown) <= limit else shown[:limit - 3] + "..."
