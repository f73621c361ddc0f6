"""Builtins that read the act's elements: a scale's bands, a body's rules, a table's rows.

An expression names a scale, a body or a table only as the first argument of these builtins. The
element classes (engine/elements/) derive from `Operand` and say which of the three they are, so
these functions, below the elements in the engine's layers, can tell a table from any other value
while the rules themselves stay with the elements: `Table.row`/`value`/`matches`, `Body.quorate`/
`vote`, and the scale's classification, which the evaluation does (`Context.classify`) because it
records the readings a band relies on.

The scale and table functions take the evaluation's `Context` as their first argument
(engine/language/functions.py binds it). A table function relies on the interpretations of the
table and of every row it read, and tells a watcher (engine/language/watch.py) which rows those were.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterable

from . import watch
from .expressions import EvaluationError

OPERANDS = ("scale", "body", "table")  # the elements an expression can hand to a builtin


class Operand:
    """An element an expression names only as a builtin's first argument: a scale, a body or a table."""

    operand: ClassVar[str] = ""  # one of OPERANDS


@dataclass(frozen=True)
class Context:
    """What the builtins that read the act's elements need from the evaluation running them."""

    rely: Callable[[Iterable[str]], None]  # records the interpretations a value relied on
    classify: Callable[[Any, Any], Any]  # (scale, value) -> the band, recording the readings it relied on


def _operand(value: Any, kind: str, fn: str) -> Any:
    if not (isinstance(value, Operand) and value.operand == kind):
        raise EvaluationError(f"{fn}() needs a {kind} as its first argument")
    return value


# -- scales ----------------------------------------------------------------------------------------
def band(ctx: Context, scale: Any, x: Any) -> str:
    return ctx.classify(_operand(scale, "scale", "band"), x).id


def points(ctx: Context, scale: Any, x: Any) -> Any:
    got = ctx.classify(_operand(scale, "scale", "points"), x)
    if got.points is None:
        raise EvaluationError(f"band '{got.id}' of scale '{scale.id}' has no points")
    return got.points


# -- bodies ----------------------------------------------------------------------------------------
def quorate(body: Any, members: Any, present: Any) -> bool:
    return _operand(body, "body", "quorate").quorate(int(members), int(present))


def vote(body: Any, votes_for: Any, votes_against: Any, chair_for: Any) -> str:
    return _operand(body, "body", "vote").vote(int(votes_for), int(votes_against), chair_for)


# -- tables ----------------------------------------------------------------------------------------
def _rely(ctx: Context, table: Any, rows: Iterable[Any]) -> None:
    """A value read from these rows relies on the table's interpretations and on the rows'."""
    ctx.rely(table.interpretations)
    for row in rows:
        ctx.rely(row.interpretations)


def _seen(table: Any, rows: Iterable[Any]) -> None:
    """Tell a watcher the rows a call read, once it has given its value."""
    for row in rows:
        watch.seen("row", table, row)


def row_ids(ctx: Context, table: Any) -> list:
    """The ids of every row, in order (listing the rows reads none of them)."""
    t = _operand(table, "table", "row_ids")
    _rely(ctx, t, t.rows)
    return [r.id for r in t.rows]


def rows(ctx: Context, table: Any, column: Any, value: Any, column2: Any = None, value2: Any = None) -> list:
    """The ids of the rows whose column equals value (contains it, for a list column), and column2 value2."""
    t = _operand(table, "table", "rows")
    hit = [r for r in t.rows if t.matches(r, column, value) and (column2 is None or t.matches(r, column2, value2))]
    _rely(ctx, t, hit)
    _seen(t, hit)
    return [r.id for r in hit]


def rows_in(ctx: Context, table: Any, column: Any, values: Any) -> list:
    """The ids of the rows whose column is one of values."""
    t = _operand(table, "table", "rows_in")
    if not isinstance(values, list):
        raise EvaluationError(f"rows_in() needs a list of values, got {values!r}")
    hit = [r for r in t.rows if t.value(r, column) in values]
    _rely(ctx, t, hit)
    _seen(t, hit)
    return [r.id for r in hit]


def lookup(ctx: Context, table: Any, key: Any, column: Any) -> Any:
    """The column's value in the row `key` ('kk' / 'en': the row's label)."""
    t = _operand(table, "table", "lookup")
    row = t.row(key)
    _rely(ctx, t, (row,))
    value = t.value(row, column)
    _seen(t, (row,))
    return value


def lookup_all(ctx: Context, table: Any, keys: Any, column: Any) -> list:
    """lookup() for each row id of a list."""
    t = _operand(table, "table", "lookup_all")
    if not isinstance(keys, list):
        raise EvaluationError(f"lookup_all() needs a list of row ids, got {keys!r}")
    hit = [t.row(k) for k in keys]
    _rely(ctx, t, hit)
    values = [t.value(r, column) for r in hit]
    _seen(t, hit)
    return values
