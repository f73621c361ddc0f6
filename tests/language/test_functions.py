"""The registry of builtin functions (engine/language/functions.py): one declaration per builtin,
read by the checker, the evaluator and the value analysis.

- the names declared are the names implemented, and the names the value analysis follows;
- every function of the implementation modules is declared, with the arity its signature has;
- builtins that read the act's elements get the evaluation's context, rely on what they read, and
  tell a watcher (engine/language/watch.py) the table rows they read.
"""
from __future__ import annotations

import inspect
from decimal import Decimal as D

import pytest

from engine.analysis import ranges
from engine.elements.bodies import Body
from engine.elements.scales import Scale
from engine.elements.tables import Column, Row, Table
from engine.language import datefns, elementfns, functions, listfns, numfns, watch
from engine.language.expressions import EvaluationError
from engine.language.functions import BUILTINS, OPERANDS, Context, Operand, bind

CHECKER_TYPES = {"number", "bool", "string", "date", "list", "map", "any", "*", *OPERANDS}


def context(seen: set | None = None) -> Context:
    def classify(scale, x):
        raise AssertionError("no scale is classified here")
    return Context(rely=(seen if seen is not None else set()).update, classify=classify)


def test_declared_names_are_the_implemented_names_and_the_analysed_names():
    implemented = bind(context())
    assert set(implemented) == set(BUILTINS)
    assert all(callable(fn) for fn in implemented.values())
    analysed = {name for name, b in BUILTINS.items() if b.values in ranges.VALUE_RULES}
    assert analysed == set(BUILTINS)
    assert set(ranges.VALUE_RULES) == set(functions.VALUE_RULES)


def test_every_function_of_the_implementation_modules_is_declared_once():
    public = {fn for module in (numfns, listfns, datefns, elementfns)
              for name, fn in vars(module).items()
              if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")}
    declared = [b.impl for b in BUILTINS.values()]
    assert len(declared) == len(set(declared))
    assert public == set(declared)


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_a_declaration_matches_its_implementation(name):
    b = BUILTINS[name]
    assert b.name == name and b.result in CHECKER_TYPES and set(b.params) <= CHECKER_TYPES
    params = list(inspect.signature(b.impl).parameters.values())
    assert (params[0].name == "ctx") is b.context
    if b.context:
        params = params[1:]
    if b.variadic:
        assert [p.kind for p in params] == [inspect.Parameter.VAR_POSITIONAL]
        return
    required = [p for p in params if p.default is inspect.Parameter.empty]
    assert (len(required), len(params)) == (min(b.allowed), max(b.allowed)) and len(params) == len(b.params)


def test_only_rows_leaves_out_trailing_arguments():
    assert {n: b.allowed for n, b in BUILTINS.items() if b.arities} == {"rows": (3, 5)}
    assert BUILTINS["rows"].takes(3) and not BUILTINS["rows"].takes(4) and BUILTINS["rows"].takes(5)
    assert BUILTINS["min"].takes(1) and BUILTINS["max"].takes(7)


def test_elements_are_the_operands_the_builtins_take():
    assert {Scale.operand, Body.operand, Table.operand} == set(OPERANDS)
    assert all(issubclass(cls, Operand) for cls in (Scale, Body, Table))
    assert functions.first_argument_of("scale") == ["band", "points"]
    assert functions.first_argument_of("body") == ["quorate", "vote"]
    assert functions.first_argument_of("table") == ["row_ids", "rows", "rows_in", "lookup", "lookup_all"]


def grades() -> Table:
    """Two rows of an annex: a (level 1, reading r-a) and b (level 2)."""
    columns = {"level": Column("level", "integer", {})}
    rows = [Row("a", {"kk": "А", "en": "A"}, ("L.1",), ("r-a",), {"level": D(1)}),
            Row("b", {"kk": "Б", "en": "B"}, ("L.2",), (), {"level": D(2)})]
    return Table("grades", {}, ("Annex 1",), columns, rows, ("r-table",))


def test_table_builtins_rely_on_the_table_and_the_rows_they_read():
    seen: set = set()
    fns = bind(context(seen))
    assert fns["lookup"](grades(), "a", "level") == D(1)
    assert seen == {"r-table", "r-a"}
    seen.clear()
    assert fns["rows"](grades(), "level", D(2)) == ["b"]
    assert seen == {"r-table"}
    assert fns["lookup"](grades(), "b", "en") == "B"


def test_a_watcher_hears_the_rows_read_and_only_inside_its_block():
    heard: list = []
    fns = bind(context())
    with watch.watching(lambda kind, table, row: heard.append((kind, table.id, row.id))):
        assert watch.watched()
        fns["lookup_all"](grades(), ["b", "a"], "level")
        fns["row_ids"](grades())  # lists the rows, reads none
        fns["rows_in"](grades(), "level", [D(1)])
    fns["lookup"](grades(), "a", "level")
    assert not watch.watched()
    assert heard == [("row", "grades", "b"), ("row", "grades", "a"), ("row", "grades", "a")]


def test_an_element_builtin_refuses_another_value():
    fns = bind(context())
    with pytest.raises(EvaluationError, match=r"^lookup\(\) needs a table as its first argument$"):
        fns["lookup"]({"a": 1}, "a", "level")
    with pytest.raises(EvaluationError, match=r"^quorate\(\) needs a body as its first argument$"):
        fns["quorate"](grades(), D(5), D(3))
    with pytest.raises(EvaluationError, match=r"^band\(\) needs a scale as its first argument$"):
        fns["band"](grades(), D(3))
