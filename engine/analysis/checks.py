"""Semantic checks: what the schema cannot say about a methodology.

Names in expressions must be defined and of the right type, formulas must not depend on each
other in a circle, evaluations must refer to elements that exist, bands must neither overlap nor
leave a gap without a declared policy, and every interpretation must exist and be used.
"""
from __future__ import annotations

import ast
from decimal import Decimal
from typing import Any, Optional

from ..errors import AdistemeError
from ..language.expressions import Expression
from ..language.findings import Finding
from ..language.functions import BUILTINS, OPERANDS, first_argument_of
from ..methodology.model import Methodology
from ..language.source import Document
from ..elements import maps
from ..elements import tables
from ..methodology import dependencies
from ..methodology import extensions
from ..elements.cohorts import OUTCOME_NAMES

_INPUT_TYPES = {"integer": "number", "decimal": "number", "boolean": "bool", "date": "date", "string": "string", "enum": "string", "list": "list", "map": "map"}
_ARITH = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)


def check(m: Methodology, doc: Document, expected: Optional[tuple[str, str]] = None) -> list[Finding]:
    return Checker(m, doc).run(expected)


class Checker:
    """Checks one compiled methodology against its document; every problem becomes a located finding.

    The element modules' checks take it as a `CheckContext` (elements/contexts.py), which it
    satisfies by its shape: `m`, `error`, `expr_error`, `expression` and `type_of`."""

    def __init__(self, m: Methodology, doc: Document):
        self.m, self.doc = m, doc
        self.findings: list[Finding] = []
        self._types: dict[str, str] = {}
        self._typing: set[str] = set()

    def error(self, path: tuple, message: str, code: str, severity: str = "error", *, key: bool = False) -> None:
        self.findings.append(self.doc.finding(path, message, code, severity, key=key))

    def expr_error(self, path: tuple, expr: Expression, node: Optional[ast.AST], message: str, code: str) -> None:
        offset = getattr(node, "col_offset", 0) if node is not None else 0
        line, col = self.doc.locate_in_value(path, expr.source, offset)
        text = self.doc.lines[line - 1] if 0 < line <= len(self.doc.lines) else ""
        self.findings.append(Finding(self.doc.path, line, col, message, code, "error", text))

    def run(self, expected: Optional[tuple[str, str]]) -> list[Finding]:
        m = self.m
        if expected and (m.family, m.edition) != expected:
            self.error(("family",), f"the file says {m.family}@{m.edition} but lives at {expected[0]}/{expected[1]}.yaml", "id-mismatch")
        self.names()
        for name, f in m.formulas.items():
            extra = maps.check_for_each(self, ("formulas", name, "for_each"), f.each) if f.each else None
            self.expression(("formulas", name, "expr"), f.expr, extra=extra)
        for name, r in m.rules.items():
            self.expression(("eligibility", name, "require"), r.require, want="bool")
        for name, c in m.consequences.items():
            if c.when:
                self.expression(("consequences", name, "when"), c.when, want="bool", extra={"rating": "string", "score": "number", **self.outcome_names()})
            if c.deadline and c.deadline not in m.deadlines:
                self.error(("consequences", name, "deadline"), f"consequence '{name}' names deadline '{c.deadline}', which is not defined", "ref-undefined")
        for name, d in m.deadlines.items():
            if d.year:
                self.expression(("deadlines", name, "year"), d.year, want="number")
            if d.anchor:
                kind = m.kind_of(d.anchor)
                if kind is None:
                    self.error(("deadlines", name, "from"), f"deadline '{name}' counts from '{d.anchor}', which is not defined", "ref-undefined")
                elif self.type_of(d.anchor) not in ("date", "any"):
                    self.error(("deadlines", name, "from"), f"deadline '{name}' counts from '{d.anchor}', which is not a date", "type-mismatch")
        tables.check_tables(m, self.doc, self.error)
        maps.check_constraints(self)
        extensions.check_all(self)  # cohorts, applications, windows
        self.cycles()
        self.evaluations()
        self.history_sources()
        self.scales()
        self.interpretations()
        return self.findings

    # -- names ---------------------------------------------------------------------------------
    def names(self) -> None:
        seen: dict[str, str] = {}
        for section, table in (("parameters", self.m.parameters), ("inputs", self.m.inputs), ("formulas", self.m.formulas),
                               ("deadlines", self.m.deadlines), ("scales", self.m.scales), ("bodies", self.m.bodies)):
            for name in table:
                if name in seen:
                    self.error((section, name), f"'{name}' is defined both in {seen[name]} and in {section}; expressions could not tell them apart", "name-clash", key=True)
                elif name in ("rating", "score") or name in self.outcome_names():
                    self.error((section, name), f"'{name}' is reserved for an evaluation's result", "name-reserved", key=True)
                seen[name] = section

    def outcome_names(self) -> dict[str, str]:
        """In a file with cohorts, a consequence may read a record's place, advances and rank."""
        return dict(OUTCOME_NAMES) if self.m.cohorts else {}

    def type_of(self, name: str) -> str:
        m = self.m
        if name in self._types:
            return self._types[name]
        if name in m.parameters:
            v = m.parameters[name]
            return "bool" if isinstance(v, bool) else "number" if isinstance(v, (int, Decimal)) else "string" if isinstance(v, str) else "any"
        if name in m.inputs:
            return _INPUT_TYPES.get(m.inputs[name].type, "any")
        if name in m.deadlines:
            return "date"
        if name in m.scales:
            return "scale"
        if name in m.tables:
            return "table"
        if name in m.formulas and m.formulas[name].each is not None:
            return "map"
        if name in m.bodies:
            return "body"
        if name in m.formulas:
            if name in self._typing:
                return "any"  # a cycle, reported elsewhere
            self._typing.add(name)
            try:
                t = self.infer(m.formulas[name].expr.tree.body, {})
            except _TypeProblem:
                t = "any"  # reported once, at the faulty formula itself
            self._typing.discard(name)
            self._types[name] = t
            return t
        return "any"

    def expression(self, path: tuple, expr: Expression, want: Optional[str] = None, extra: Optional[dict] = None) -> None:
        extra = extra or {}
        ok = True
        function_nodes = {id(n.func) for n in ast.walk(expr.tree) if isinstance(n, ast.Call)}
        for node in ast.walk(expr.tree):
            if isinstance(node, ast.Call):
                fname = node.func.id  # type: ignore[attr-defined]
                builtin = BUILTINS.get(fname)
                if builtin is None:
                    self.expr_error(path, expr, node, f"unknown function '{fname}' (known: {', '.join(sorted(BUILTINS))})", "function-undefined")
                    ok = False
                    continue
                if not builtin.takes(len(node.args)):
                    takes = " or ".join(map(str, builtin.allowed))
                    self.expr_error(path, expr, node, f"{fname}() takes {takes} arguments, got {len(node.args)}", "function-arity")
                    ok = False
            elif isinstance(node, ast.Name) and id(node) not in function_nodes:
                if self.m.kind_of(node.id) is None and node.id not in extra:
                    self.expr_error(path, expr, node, f"'{node.id}' is not defined (not a parameter, input, formula or deadline)", "name-undefined")
                    ok = False
        if not ok:
            return
        try:
            t = self.infer(expr.tree.body, extra, path=path, expr=expr)
        except _TypeProblem as problem:
            self.expr_error(path, expr, problem.node, problem.message, "type-mismatch")
            return
        tables.check_calls(self, path, expr)
        if want and t not in (want, "any"):
            self.expr_error(path, expr, None, f"this expression gives a {t}, but a {want} is needed here", "type-mismatch")

    def infer(self, node: ast.AST, extra: dict, path: tuple = (), expr: Optional[Expression] = None) -> str:
        rec = lambda n: self.infer(n, extra, path, expr)  # noqa: E731
        if isinstance(node, ast.Constant):
            v = node.value
            return "bool" if isinstance(v, bool) else "number" if isinstance(v, Decimal) else "string" if isinstance(v, str) else "none"
        if isinstance(node, ast.Name):
            if node.id in extra:
                return extra[node.id]
            t = self.type_of(node.id)
            if t in OPERANDS:
                uses = _alternatives([f"{fn}()" for fn in first_argument_of(t)])
                raise _TypeProblem(node, f"'{node.id}' is a {t}; use it only as the first argument of {uses}")
            return t
        if isinstance(node, (ast.List, ast.Tuple)):
            for e in node.elts:
                rec(e)
            return "list"
        if isinstance(node, ast.BinOp):
            a, b = rec(node.left), rec(node.right)
            if isinstance(node.op, ast.Add) and a == b == "list":
                return "list"
            for t in (a, b):
                if t not in ("number", "any"):
                    raise _TypeProblem(node, f"arithmetic on a {t}")
            return "number"
        if isinstance(node, ast.UnaryOp):
            t = rec(node.operand)
            if isinstance(node.op, ast.Not):
                return "bool"
            if t not in ("number", "any"):
                raise _TypeProblem(node, f"a sign on a {t}")
            return "number"
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                rec(v)
            return "bool"
        if isinstance(node, ast.Compare):
            left = rec(node.left)
            for op_, right_node in zip(node.ops, node.comparators):
                right = rec(right_node)
                if isinstance(op_, (ast.In, ast.NotIn)):
                    if right not in ("list", "any", "string", "map"):
                        raise _TypeProblem(node, f"'in' needs a list on its right, got a {right}")
                elif isinstance(op_, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
                    if "any" not in (left, right) and (left != right or left not in ("number", "date", "string")):
                        raise _TypeProblem(node, f"cannot order a {left} against a {right}")
                elif "any" not in (left, right) and "none" not in (left, right) and left != right:
                    raise _TypeProblem(node, f"comparing a {left} with a {right} is always false")
                left = right
            return "bool"
        if isinstance(node, ast.IfExp):
            rec(node.test)
            a, b = rec(node.body), rec(node.orelse)
            return a if a == b else "any"
        if isinstance(node, ast.Call):
            fname = node.func.id  # type: ignore[attr-defined]
            builtin = BUILTINS.get(fname)
            if builtin is None:
                return "any"  # reported as function-undefined where it is written
            params, result = builtin.params, builtin.result
            if not builtin.takes(len(node.args)):
                return result  # reported as function-arity where it is written
            for i, arg in enumerate(node.args):
                want = params[0] if builtin.variadic else params[i]
                if want in OPERANDS:
                    if not (isinstance(arg, ast.Name) and self.type_of(arg.id) == want):
                        raise _TypeProblem(arg, f"{fname}() needs a {want} id as argument {i + 1}")
                    continue
                got = rec(arg)
                if want not in ("any", "*") and got not in (want, "any"):
                    raise _TypeProblem(arg, f"{fname}() needs a {want} as argument {i + 1}, got a {got}")
            return result
        return "any"

    # -- structure -----------------------------------------------------------------------------
    def cycles(self) -> None:
        m = self.m
        deps = {n: [d for d in f.names if d in m.formulas or d in m.deadlines] for n, f in m.formulas.items()}
        for n, d in m.deadlines.items():
            deps[n] = [x for x in ([d.anchor] if d.anchor else []) + (list(d.year.names) if d.year else []) if x in m.formulas or x in m.deadlines]
        state: dict[str, int] = {}
        reported: set[frozenset] = set()

        def visit(n: str, trail: list[str]) -> None:
            state[n] = 1
            for d in deps.get(n, ()):
                if state.get(d) == 1:
                    loop = trail[trail.index(d):] + [d] if d in trail else [n, d]
                    key = frozenset(loop)
                    if key not in reported:
                        reported.add(key)
                        section = "formulas" if loop[0] in m.formulas else "deadlines"
                        self.error((section, loop[0]), f"circular definition: {' -> '.join(loop)}", "cycle", key=True)
                elif state.get(d) is None:
                    visit(d, trail + [d])
            state[n] = 2

        for n in deps:
            if n not in state:
                visit(n, [n])

    def evaluations(self) -> None:
        m = self.m
        for name, e in m.evaluations.items():
            p = ("evaluations", name)
            for i, inp in enumerate(e.inputs):
                if inp not in m.inputs:
                    self.error(p + ("inputs", i), f"evaluation '{name}' lists input '{inp}', which is not defined", "ref-undefined")
            for i, out in enumerate(e.outputs):
                if out not in m.formulas and out not in m.deadlines:
                    self.error(p + ("outputs", i), f"evaluation '{name}' outputs '{out}', which is not a formula or deadline", "ref-undefined")
            if e.score and e.score not in m.formulas:
                self.error(p + ("score",), f"evaluation '{name}' scores with '{e.score}', which is not a formula", "ref-undefined")
            elif e.score and self.type_of(e.score) not in ("number", "any"):
                self.error(p + ("score",), f"the score '{e.score}' is a {self.type_of(e.score)}, not a number", "type-mismatch")
            if e.rating and e.rating not in m.scales:
                self.error(p + ("rating",), f"evaluation '{name}' rates on '{e.rating}', which is not a scale", "ref-undefined")
            if e.rating and not e.score:
                self.error(p + ("rating",), f"evaluation '{name}' has a rating but no score to rate", "ref-undefined")
            for i, r in enumerate(e.eligibility):
                if r not in m.rules:
                    self.error(p + ("eligibility", i), f"evaluation '{name}' lists eligibility rule '{r}', which is not defined", "ref-undefined")
            bands = {b.id for b in m.scales[e.rating].bands} if e.rating in m.scales else set()
            for i, c in enumerate(e.consequences):
                if c not in m.consequences:
                    self.error(p + ("consequences", i), f"evaluation '{name}' lists consequence '{c}', which is not defined", "ref-undefined")
                    continue
                when = m.consequences[c].when
                if when and "rating" in when.names and not e.rating:
                    self.error(p + ("consequences", i), f"consequence '{c}' depends on a rating, but evaluation '{name}' has none", "ref-undefined")
                if when and bands:
                    places = {pl.id for pl in m.cohorts[e.cohort].places} if e.cohort in m.cohorts else set()
                    self.band_literals(c, when, bands | places, name)
            self.needed_inputs(name, e)

    def history_sources(self) -> None:
        """An input's `from_history` must name an evaluation and a value it reports, of the input's kind."""
        m = self.m
        for name, spec in m.inputs.items():
            src = spec.from_history
            if src is None:
                continue
            p = ("inputs", name, "from_history")
            e = m.evaluations.get(src.evaluation)
            if e is None:
                self.error(p + ("evaluation",), f"input '{name}' is taken from evaluation '{src.evaluation}', which is not defined", "ref-undefined")
                continue
            reported = set(e.outputs) | ({"score"} if e.score else set()) | ({"rating"} if e.rating else set())
            if src.output not in reported:
                self.error(p + ("output",), f"evaluation '{e.id}' does not report '{src.output}' (it reports: {', '.join(sorted(reported))})", "ref-undefined")
            want_list = src.periods == "quarters"
            if (spec.type == "list") != want_list:
                kind = "a list" if want_list else "a single value"
                self.error(p + ("periods",), f"periods '{src.periods}' gives {kind}, but input '{name}' is of type {spec.type}", "type-mismatch")

    def band_literals(self, cid: str, when: Expression, bands: set[str], evaluation: str) -> None:
        enum_values: set[str] = set()
        for n in when.names:
            spec = self.m.inputs.get(n)
            if spec and spec.type == "enum":
                enum_values |= set(spec.values)
        for node in ast.walk(when.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value not in bands | enum_values:
                self.expr_error(("consequences", cid, "when"), when, node,
                                f"'{node.value}' is not a band of the rating scale of evaluation '{evaluation}' ({', '.join(sorted(bands))})", "band-unknown")

    def needed_inputs(self, name: str, e: Any) -> None:
        """Every input the evaluation's formulas read must be among its inputs."""
        m = self.m
        for n in sorted(dependencies.needed(m, e)):
            if n in m.inputs and n not in e.inputs:
                self.error(("evaluations", name, "inputs"), f"evaluation '{name}' needs input '{n}' but does not list it", "input-not-listed")

    def scales(self) -> None:
        for name, s in self.m.scales.items():
            p = ("scales", name)
            ids = [b.id for b in s.bands]
            for dup in {i for i in ids if ids.count(i) > 1}:
                self.error(p + ("bands",), f"scale '{name}' has two bands with id '{dup}'", "band-duplicate")
            for a, b in s.overlaps():
                self.error(s.band_path(ids.index(b)), f"bands '{a}' and '{b}' of scale '{name}' overlap or are out of order", "band-overlap")
            gaps = s.gaps()
            for gap in gaps:
                if s.policy_for(gap) is None:
                    where = f"between '{gap.below}' and '{gap.above}'" if gap.below and gap.above else (f"above '{gap.below}'" if gap.below else f"below '{gap.above}'")
                    self.error(s.band_path(ids.index(gap.above or gap.below)),
                               f"scale '{name}': values {gap.describe()} ({where}) belong to no band; declare a gap policy (gaps: resolve lower/upper/error) citing the act",
                               "band-gap")
            declared = {(g.below, g.above) for g in gaps}
            for i, policy in enumerate(s.policies):
                if policy.between not in declared:
                    self.error(p + ("gaps", i), f"scale '{name}' declares a gap policy between {policy.between[0]} and {policy.between[1]}, but the bands leave no gap there", "gap-policy-unused")
                elif policy.resolve == "lower" and policy.between[0] is None or policy.resolve == "upper" and policy.between[1] is None:
                    self.error(p + ("gaps", i, "resolve"), f"resolve '{policy.resolve}' has no band on that side of the gap", "gap-policy-invalid")

    def interpretations(self) -> None:
        defined = self.m.interpretations
        used: set[str] = set()
        for path, ids in self.m.interpretation_refs:
            for i, ref in enumerate(ids):
                used.add(ref)
                if ref not in defined:
                    self.error(path + ((i,) if path[-1] == "interpretations" else ()), f"interpretation '{ref}' is not defined", "interpretation-undefined")
        for name in defined:
            if name not in used:
                self.error(("interpretations", name), f"interpretation '{name}' is not referenced by any element, so no result will report it", "interpretation-unused", "warning", key=True)


def _alternatives(items: list[str]) -> str:
    """a, b or c"""
    return " or ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


class _TypeProblem(AdistemeError):
    def __init__(self, node: ast.AST, message: str):
        super().__init__(message)
        self.node, self.message = node, message
