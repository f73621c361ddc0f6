"""Per-key values: map inputs, `for_each` formulas, input constraints, and list and map functions.

- A **map input** (`type: map`) gives one value per key: `{management: [true, true, false]}` in
  YAML or JSON; in a CSV cell `management=yes;yes;no | cooperation=yes;yes` (or the JSON text).
  `keys: [...]` or `keys: {table: t}` (the row ids of a table) lists the keys allowed. Its value is
  read with every other input's (elements/inputs.py).
- A **for_each formula** computes its `expr` once per item of a list (`in`), with the item bound
  to the name `as`, skipping the items for which `when` is false; its value is a map item -> value.
- A **constraint** on an input is a yes/no `require` checked after the record's inputs are read
  (and before anything else is computed), optionally once per item of a list; when it fails the
  record has an input error on that input, with the constraint's message and citation.
- The list and map builtins (count_true, share_true, where, where_not, common, flatten, keys,
  values, get, get_all) are declared with every other in engine/language/functions.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping, Optional, Protocol, Sequence

from ..language.expressions import EvaluationError, Expression, Interpreter
from ..language.values import quoted, text  # presentation of values, as in tables
from .contexts import CheckContext, CompileContext, EvaluationRefs


@dataclass(frozen=True)
class ForEach:
    source: Expression  # the list iterated over
    var: str  # the name each item is bound to
    when: Optional[Expression] = None

    def names(self, *more: Optional[Expression]) -> frozenset[str]:
        found: set[str] = set(self.source.names)
        for e in (self.when, *more):
            if e is not None:
                found |= e.names
        return frozenset(found - {self.var})


@dataclass(frozen=True)
class Constraint:
    input: str
    index: int
    require: Expression
    each: Optional[ForEach]
    message: tuple  # literal text and Expressions, in order
    cite: tuple[str, ...]
    interpretations: tuple[str, ...]

    @property
    def names(self) -> frozenset[str]:
        parts = [p for p in self.message if isinstance(p, Expression)]
        if self.each:
            return self.each.names(self.require, *parts)
        found = set(self.require.names)
        for p in parts:
            found |= p.names
        return frozenset(found)


# -- compiling ---------------------------------------------------------------------------------
def compile_for_each(c: CompileContext, path: tuple, raw: Any) -> Optional[ForEach]:
    """`for_each: {in, as, when?}` of a formula or constraint; problems become findings of compiler `c`."""
    if not isinstance(raw, dict):
        return None
    source = c.expression(path + ("in",), raw.get("in"))
    when = c.expression(path + ("when",), raw["when"]) if "when" in raw else None
    if source is None or ("when" in raw and when is None):
        return None
    return ForEach(source, str(raw.get("as")), when)


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def compile_message(c: CompileContext, path: tuple, text: str) -> Optional[tuple]:
    """'{competency}: {count(x)} given' -> ('', Expression, ': ', Expression, ' given'); {{ and }} are braces."""
    parts: list = []
    pos = 0
    ok = True
    for m in _PLACEHOLDER.finditer(text):
        parts.append(text[pos:m.start()])
        if m.group(0) in ("{{", "}}"):
            parts.append(m.group(0)[0])
        else:
            expr = c.expression(path, m.group(1))
            ok = ok and expr is not None
            parts.append(expr)
        pos = m.end()
    parts.append(text[pos:])
    return tuple(p for p in parts if p != "") if ok else None


def compile_constraints(c: CompileContext, data: dict, cites: Callable[[Any], tuple[str, ...]]) -> dict[str, list[Constraint]]:
    out: dict[str, list[Constraint]] = {}
    for name, raw in (data.get("inputs") or {}).items():
        if not isinstance(raw, dict) or not isinstance(raw.get("constraints"), list):
            continue
        for i, k in enumerate(raw["constraints"]):
            if not isinstance(k, dict):
                continue
            path = ("inputs", name, "constraints", i)
            require = c.expression(path + ("require",), k.get("require"))
            each = compile_for_each(c, path + ("for_each",), k["for_each"]) if "for_each" in k else None
            message = compile_message(c, path + ("message",), str(k.get("message", "")))
            if require is None or message is None or ("for_each" in k and each is None):
                continue
            out.setdefault(str(name), []).append(Constraint(
                str(name), i, require, each, message, cites(k.get("cite")), tuple(k.get("interpretations", ()))))
    return out


# -- evaluating --------------------------------------------------------------------------------
def run_for_each(interpreter: Interpreter, each: ForEach, expr: Expression, names: dict) -> dict:
    items = interpreter.run(each.source, names)
    if not isinstance(items, list):
        raise EvaluationError(f"for_each needs a list to go through, got {quoted(items)}")
    out: dict = {}
    scope = dict(names)
    for item in items:
        if not isinstance(item, (str, Decimal)) or isinstance(item, bool):
            raise EvaluationError(f"for_each: a key must be text or a number, got {quoted(item)}")
        key = str(item)
        if key in out:
            raise EvaluationError(f"for_each: '{key}' occurs twice in the list")
        scope[each.var] = item
        if each.when is not None and not interpreter.run(each.when, scope):
            continue
        out[key] = interpreter.run(expr, scope)
    return out


def constraint_failures(interpreter: Interpreter, k: Constraint, names: dict) -> list[str]:
    """The rendered messages of the items (or the one record) for which `require` does not hold."""
    if k.each is None:
        return [] if interpreter.run(k.require, names) else [_render(interpreter, k.message, names)]
    items = interpreter.run(k.each.source, names)
    if not isinstance(items, list):
        raise EvaluationError(f"for_each needs a list to go through, got {quoted(items)}")
    failed = []
    scope = dict(names)
    for item in items:
        scope[k.each.var] = item
        if k.each.when is not None and not interpreter.run(k.each.when, scope):
            continue
        if not interpreter.run(k.require, scope):
            failed.append(_render(interpreter, k.message, scope))
    return failed


def _render(interpreter: Interpreter, message: tuple, scope: dict) -> str:
    return "".join(text(interpreter.run(p, scope)) if isinstance(p, Expression) else p for p in message)


# -- checking ----------------------------------------------------------------------------------
class MapsModel(Protocol):
    """What the checks of for_each and of constraints read of the methodology."""

    @property
    def constraints(self) -> Mapping[str, Sequence[Constraint]]: ...

    @property
    def inputs(self) -> Mapping[str, object]: ...

    @property
    def evaluations(self) -> Mapping[str, EvaluationRefs]: ...

    def kind_of(self, name: str) -> Optional[str]: ...


def check_for_each(checker: CheckContext[MapsModel], path: tuple, each: ForEach) -> dict:
    """Check the `in` and `when` of a for_each; returns the extra names its body may use."""
    m = checker.m
    if m.kind_of(each.var) is not None or each.var in ("rating", "score"):
        checker.error(path + ("as",), f"for_each names its item '{each.var}', which is already defined; choose another name", "name-clash")
    checker.expression(path + ("in",), each.source, want="list")
    extra = {each.var: "any"}
    if each.when is not None:
        checker.expression(path + ("when",), each.when, want="bool", extra=extra)
    return extra


def check_constraints(checker: CheckContext[MapsModel]) -> None:
    m = checker.m
    for name, ks in m.constraints.items():
        for k in ks:
            path = ("inputs", name, "constraints", k.index)
            extra = check_for_each(checker, path + ("for_each",), k.each) if k.each else {}
            checker.expression(path + ("require",), k.require, want="bool", extra=extra)
            for part in k.message:
                if isinstance(part, Expression):
                    checker.expression(path + ("message",), part, extra=extra)
    for ename, e in m.evaluations.items():
        for inp in e.inputs:
            for k in m.constraints.get(inp, ()):
                missing = sorted(n for n in k.names if n in m.inputs and n not in e.inputs)
                for n in missing:
                    checker.error(("evaluations", ename, "inputs"), f"evaluation '{ename}' lists input '{inp}', whose constraint reads input '{n}', which it does not list", "input-not-listed")


def rely_all(rely: Callable[[Iterable[str]], None], constraints: Iterable[Constraint]) -> None:
    for k in constraints:
        rely(k.interpretations)
