"""Builtins on lists and maps: all, any, count_true, share_true, where, where_not, common, flatten,
keys, values, get, get_all.

Declared, with their types and what the value analysis makes of them, in engine/language/functions.py.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from .expressions import EvaluationError
from .values import quoted


def _list(v: Any, fn: str) -> list:
    if not isinstance(v, list):
        raise EvaluationError(f"{fn}() needs a list, got {quoted(v)}")
    return v


def _mask(values: Any, mask: Any, fn: str) -> tuple[list, list]:
    values, mask = _list(values, fn), _list(mask, fn)
    if len(values) != len(mask):
        raise EvaluationError(f"{fn}(): the list has {len(values)} items but the yes/no list {len(mask)}")
    if any(not isinstance(b, bool) for b in mask):
        raise EvaluationError(f"{fn}() needs a list of yes/no values as its second argument")
    return values, mask


def all_(values: Any) -> bool:
    if not isinstance(values, list):
        raise EvaluationError("all() needs a list")
    return all(values)


def any_(values: Any) -> bool:
    if not isinstance(values, list):
        raise EvaluationError("any() needs a list")
    return any(values)


def count_true(values: Any) -> Decimal:
    values = _list(values, "count_true")
    if any(not isinstance(b, bool) for b in values):
        raise EvaluationError("count_true() needs a list of yes/no values")
    return Decimal(sum(1 for b in values if b))


def share_true(values: Any) -> Decimal:
    """The share of yes in a list of yes/no: count_true / count, divided in decimal (28 digits), so
    equal fractions give equal values (2/3 = 4/6) and a share is never rounded onto a threshold."""
    values = _list(values, "share_true")
    if not values:
        raise EvaluationError("share_true() of an empty list")
    return count_true(values) / Decimal(len(values))


def where(values: Any, mask: Any) -> list:
    values, mask = _mask(values, mask, "where")
    return [v for v, b in zip(values, mask) if b]


def where_not(values: Any, mask: Any) -> list:
    values, mask = _mask(values, mask, "where_not")
    return [v for v, b in zip(values, mask) if not b]


def common(a: Any, b: Any) -> list:
    a, b = _list(a, "common"), _list(b, "common")
    return [x for x in a if x in b]


def flatten(values: Any) -> list:
    """The items of a list of lists, one list after another: [[1, 2], [3]] -> [1, 2, 3]."""
    out: list = []
    for v in _list(values, "flatten"):
        if not isinstance(v, list):
            raise EvaluationError(f"flatten() needs a list of lists, got an item {quoted(v)}")
        out.extend(v)
    return out


def _map(v: Any, fn: str) -> dict:
    if not isinstance(v, dict):
        raise EvaluationError(f"{fn}() needs a map, got {quoted(v)}")
    return v


def _key(key: Any) -> Any:
    """A map's keys are text: a number given as a key is looked up as its text."""
    return str(key) if isinstance(key, (str, Decimal)) and not isinstance(key, bool) else key


def keys(m: Any) -> list:
    return list(_map(m, "keys"))


def values(m: Any) -> list:
    return list(_map(m, "values").values())


def get(m: Any, key: Any) -> Any:
    m = _map(m, "get")
    k = _key(key)
    if k not in m:
        raise EvaluationError(f"get(): no entry '{key}' (entries: {', '.join(map(str, m)) or 'none'})")
    return m[k]


def get_all(m: Any, keys: Any) -> list:
    """The values of a map for each key of a list, in the list's order (an error when a key is absent)."""
    m = _map(m, "get_all")
    out = []
    for key in _list(keys, "get_all"):
        k = _key(key)
        if k not in m:
            raise EvaluationError(f"get_all(): no entry '{key}' (entries: {', '.join(map(str, m)) or 'none'})")
        out.append(m[k])
    return out
