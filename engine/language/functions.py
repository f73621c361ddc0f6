"""The expression language's builtin functions: one declaration each, read by the checker, the
evaluator and the value analysis.

A `Builtin` says, once, everything the engine knows of a function:

- its argument types and result type in the checker's terms (engine/analysis/checks.py): number,
  bool, string, date, list, map, any; `scale`, `body`, `table` for an element named as the first
  argument; `("*",)` for any number of arguments of any type;
- how many arguments it takes, when trailing ones may be left out (`arities`);
- its implementation, in the modules of this package by domain: numbers (numfns), lists and maps
  (listfns), dates (datefns), and the act's elements (elementfns);
- its value rule: how the value analysis (engine/analysis/ranges.py) follows the values it gives,
  one of `VALUE_RULES`, on which the analysis dispatches.

The implementations live here, in the language layer, and not beside the elements they read
(engine/elements/ is above this package): a builtin that reads a scale, a body or a table works
through the element's own methods, and recognises the element by its `Operand` base class. So the
registry is complete on import, and every import points downwards.

Builtins that read the act's elements (`context=True`) need the evaluation that runs them: it
records the interpretations a value relies on, and classifies on a scale. Their implementation
takes a `Context` as its first argument; `bind(context)` gives every builtin by name, ready for the
interpreter, those bound to the context.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from . import datefns, elementfns, listfns, numfns
from .elementfns import OPERANDS, Context, Operand

__all__ = ["BUILTINS", "Builtin", "Context", "OPERANDS", "Operand", "VALUE_RULES", "bind", "first_argument_of"]

# -- value rules: how the value analysis follows a builtin's values ------------------------------
SUM = "sum"  # the sum of a list of numbers
MEAN = "mean"  # the mean of a list of numbers (an error for an empty list)
COUNT = "count"  # how many items a list has
EXTREME = "extreme"  # the least or greatest: one of a list's items (an error for an empty list), or of the arguments
COUNT_YES = "count_yes"  # how many items of a yes/no list are yes: the sum of 1s and 0s
SHARE_YES = "share_yes"  # the share of yes in a yes/no list: the mean of 1s and 0s
ABS = "abs"  # the absolute value of a number
ROUND = "round"  # a number rounded to fixed places by a named mode
WHOLE = "whole"  # some whole number, not bounded further
POINTS = "points"  # the points of the band a scale gives the second argument (each use of the scale is recorded)
BAND = "band"  # the band a scale gives the second argument: text (each use of the scale is recorded)
OPAQUE = "opaque"  # not followed: yes/no, text, a list, a map, or a number the analysis does not bound
VALUE_RULES = (SUM, MEAN, COUNT, EXTREME, COUNT_YES, SHARE_YES, ABS, ROUND, WHOLE, POINTS, BAND, OPAQUE)


@dataclass(frozen=True)
class Builtin:
    name: str
    params: tuple[str, ...]  # argument types in the checker's terms; ("*",): any number, of any type
    result: str  # the result type in the checker's terms
    impl: Callable[..., Any]
    values: str  # the value rule, one of VALUE_RULES
    arities: tuple[int, ...] = ()  # the numbers of arguments allowed; () for exactly len(params)
    context: bool = False  # impl takes the evaluation's Context as its first argument

    @property
    def variadic(self) -> bool:
        return self.params == ("*",)

    @property
    def allowed(self) -> tuple[int, ...]:
        """The numbers of arguments it takes (not said for a variadic builtin)."""
        return self.arities or (len(self.params),)

    def takes(self, n: int) -> bool:
        return self.variadic or n in self.allowed


_DECLARED = (
    # numbers
    Builtin("sum", ("list",), "number", numfns.sum_, SUM),
    Builtin("mean", ("list",), "number", numfns.mean, MEAN),
    Builtin("count", ("list",), "number", numfns.count, COUNT),
    Builtin("min", ("*",), "number", numfns.min_, EXTREME),
    Builtin("max", ("*",), "number", numfns.max_, EXTREME),
    Builtin("abs", ("number",), "number", numfns.abs_, ABS),
    Builtin("round", ("number", "number", "string"), "number", numfns.round_, ROUND),
    # lists
    Builtin("all", ("list",), "bool", listfns.all_, OPAQUE),
    Builtin("any", ("list",), "bool", listfns.any_, OPAQUE),
    Builtin("count_true", ("list",), "number", listfns.count_true, COUNT_YES),
    Builtin("share_true", ("list",), "number", listfns.share_true, SHARE_YES),
    Builtin("where", ("list", "list"), "list", listfns.where, OPAQUE),
    Builtin("where_not", ("list", "list"), "list", listfns.where_not, OPAQUE),
    Builtin("common", ("list", "list"), "list", listfns.common, OPAQUE),
    Builtin("flatten", ("list",), "list", listfns.flatten, OPAQUE),
    # maps
    Builtin("keys", ("map",), "list", listfns.keys, OPAQUE),
    Builtin("values", ("map",), "list", listfns.values, OPAQUE),
    Builtin("get", ("map", "any"), "any", listfns.get, OPAQUE),
    Builtin("get_all", ("map", "list"), "list", listfns.get_all, OPAQUE),
    # dates
    Builtin("months_between", ("date", "date"), "number", datefns.months_between, WHOLE),
    Builtin("days_between", ("date", "date"), "number", datefns.days_between, WHOLE),
    Builtin("years_between", ("date", "date"), "number", datefns.years_between, OPAQUE),
    Builtin("year_of", ("date",), "number", datefns.year_of, OPAQUE),
    # scales
    Builtin("band", ("scale", "number"), "string", elementfns.band, BAND, context=True),
    Builtin("points", ("scale", "number"), "number", elementfns.points, POINTS, context=True),
    # bodies
    Builtin("quorate", ("body", "number", "number"), "bool", elementfns.quorate, OPAQUE),
    Builtin("vote", ("body", "number", "number", "any"), "string", elementfns.vote, OPAQUE),
    # tables (columns are named by string literals, so the checker can verify them)
    Builtin("row_ids", ("table",), "list", elementfns.row_ids, OPAQUE, context=True),
    Builtin("rows", ("table", "string", "any", "string", "any"), "list", elementfns.rows, OPAQUE, (3, 5), context=True),
    Builtin("rows_in", ("table", "string", "list"), "list", elementfns.rows_in, OPAQUE, context=True),
    Builtin("lookup", ("table", "any", "string"), "any", elementfns.lookup, OPAQUE, context=True),
    Builtin("lookup_all", ("table", "list", "string"), "list", elementfns.lookup_all, OPAQUE, context=True),
)
BUILTINS: dict[str, Builtin] = {b.name: b for b in _DECLARED}


def bind(context: Context) -> dict[str, Callable[..., Any]]:
    """Every builtin by name, as the interpreter calls it: those that read the act's elements with
    `context` bound as their first argument."""
    return {b.name: partial(b.impl, context) if b.context else b.impl for b in BUILTINS.values()}


def first_argument_of(kind: str) -> list[str]:
    """The builtins that take an element of this kind (scale, body, table) as their first argument, in order."""
    return [b.name for b in BUILTINS.values() if b.params[:1] == (kind,)]
