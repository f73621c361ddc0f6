"""Evaluating records: an evaluation compiled once into a plan, then run on each record.

A plan is the evaluation's inputs followed by the formulas and deadlines it needs, in dependency
order. Running it on a record yields a `Result` (outputs, errors, interpretations relied on) and,
when asked, the steps that explain each value.

The evaluator keeps nothing of a record: each record gets its own `Scope` (its values, its
interpreter) and `Trace` (what it relied on, its steps), passed down through the evaluation
(engine/evaluation/trace.py). One evaluator may therefore evaluate records interleaved, from
several threads or one inside another, and give each the result it gives alone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from ..calendar.workdays import WorkCalendar, default_calendar
from ..language import functions
from ..language.expressions import EvaluationError, Expression, Interpreter
from ..elements.inputs import InputError
from ..methodology.model import Methodology
from ..elements.scales import Band, Scale
from ..elements import maps
from ..elements.tables import row_inputs
from . import admission
from ..methodology import dependencies
from ..methodology.extensions import refuses
from .refusals import eligibility_refusal
from .results import RecordError, Result, UnknownEvaluation
from .trace import Scope, Trace

DESCRIPTIVE_FIELDS = ("name", "position", "unit", "period", "note")  # carried through, never computed on


class Evaluator:
    """One evaluation of one methodology, compiled once and run on many records (reentrant: see the module)."""

    def __init__(self, methodology: Methodology, evaluation: str, *, calendar: Optional[WorkCalendar] = None, explain: bool = False):
        if evaluation not in methodology.evaluations:
            known = ", ".join(methodology.evaluations) or "none"
            raise UnknownEvaluation(f"{methodology.id} has no evaluation '{evaluation}' (it has: {known})")
        self.m = methodology
        self.spec = methodology.evaluations[evaluation]
        self.calendar = calendar or default_calendar()
        self.explain = explain
        self.plan = self._plan()
        self.functions = self._functions()  # built once; each record gets its own interpreter over them
        # interpreters no record is using: simpleeval keeps the names it runs on, so a record holds one
        # while it is evaluated and gives it back after (popped and appended whole: safe across threads)
        self._idle: list[Interpreter] = []
        self.base_names: dict[str, Any] = dict(methodology.parameters)
        self.base_names.update(methodology.scales)
        self.base_names.update(methodology.bodies)
        self.base_names.update(methodology.tables)
        self.constraints = [k for name in self.spec.inputs for k in methodology.constraints.get(name, ())]
        self.constraint_plan = self._plan_for([n for k in self.constraints for n in sorted(k.names)])
        self._order = {name: i for i, name in enumerate(methodology.interpretations)}
        self._row_inputs = row_inputs(methodology.inputs, methodology.tables, self.spec.inputs)

    # -- compile -------------------------------------------------------------------------------
    def _plan(self) -> list[str]:
        """Formulas and deadlines needed by this evaluation, dependencies first."""
        return self._plan_for(dependencies.roots(self.m, self.spec))

    def _plan_for(self, roots: list[str]) -> list[str]:
        """The formulas and deadlines `roots` need, dependencies first."""
        m = self.m
        order: list[str] = []
        seen: set[str] = set()

        def visit(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            for dep in self._deps(name):
                visit(dep)
            if name in m.formulas or name in m.deadlines:
                order.append(name)

        for root in roots:
            visit(root)
        return order

    def _deps(self, name: str) -> Iterable[str]:
        return sorted(dependencies.direct(self.m, name))

    # -- run -----------------------------------------------------------------------------------
    def scope(self) -> Scope:
        """A fresh scope for one record: the act's names, an empty trace, an interpreter no other record is using."""
        try:
            interpreter = self._idle.pop()
        except IndexError:
            interpreter = Interpreter(self.functions)
        return Scope(dict(self.base_names), Trace(self.m, self.explain, self._order), interpreter)

    def evaluate(self, record: Mapping[str, Any], index: int = 0) -> Result:
        """Evaluate one record. Never raises for bad data: problems become the result's errors."""
        return self._evaluate(record, index, keep_scope=False)[0]

    def evaluate_keeping_scope(self, record: Mapping[str, Any], index: int = 0) -> tuple[Result, Optional[Scope]]:
        """Evaluate one record and keep its `Scope` (its names and trace), for a cohort that ranks the
        records before it decides their consequences (`consequences`). The scope is None when the
        evaluation stopped before the end (a record that is not a mapping, an input or constraint error)."""
        return self._evaluate(record, index, keep_scope=True)

    def _evaluate(self, record: Mapping[str, Any], index: int, keep_scope: bool) -> tuple[Result, Optional[Scope]]:
        rid = record.get("id") if isinstance(record, Mapping) else None
        result = Result(id=str(rid) if rid not in (None, "") else f"#{index + 1}", evaluation=self.spec.id)
        if not isinstance(record, Mapping):
            result.errors.append(RecordError("id", "the record is not a mapping of fields"))
            return result, None
        if rid in (None, ""):
            result.errors.append(RecordError("id", "the record has no id"))
        scope = self.scope()
        kept = False
        try:
            with scope.trace.active():
                kept = self._run(record, scope, result) and keep_scope
        finally:
            if not kept:  # its interpreter serves another record
                scope.interpreter.names = {}
                self._idle.append(scope.interpreter)
        return result, scope if kept else None

    def _run(self, record: Mapping[str, Any], scope: Scope, result: Result) -> bool:
        """Read the inputs, check the constraints, compute the plan and finish the result; whether it got to the end."""
        trace = scope.trace
        self._read_inputs(record, scope, result)
        if result.errors:  # values that could not be read: no interpretation is reported
            trace.report(result, interpretations=False)
            return False
        if self.constraints:
            self._check_constraints(scope, result)
            if result.errors:
                trace.report(result)
                return False
        for name in self.plan:
            if name in self.constraint_plan and (name in scope.names or name in scope.failed):
                continue  # computed for a constraint already
            self._compute(name, scope, result)
        self._finish(scope, result)
        trace.report(result)
        return True

    def evaluate_many(self, records: Iterable[Mapping[str, Any]]) -> Iterator[Result]:
        for i, record in enumerate(records):
            yield self.evaluate(record, i)

    def consequences(self, scope: Scope, result: Result) -> list[dict]:
        """The evaluation's consequences that apply to a record evaluated with `keep_scope`, on its names
        as they are now (a cohort's, once the ranking has added `rank`, `advances` and `place`)."""
        with scope.trace.active():
            return self._consequences(scope, result)

    def _read_inputs(self, record: Mapping[str, Any], scope: Scope, result: Result) -> None:
        allowed, trace = self.spec.inputs, scope.trace
        for key, value in record.items():
            if key == "id":
                continue
            if key == "__error__":  # a reader could not parse this record
                result.errors.append(RecordError("record", str(value)))
                continue
            if key in DESCRIPTIVE_FIELDS:
                result.descriptive[key] = value
            elif key not in allowed:
                result.errors.append(RecordError(str(key), f"{key}: not an input of evaluation '{self.spec.id}' (inputs: {', '.join(allowed)})"))
        for name in allowed:
            spec = self.m.inputs[name]
            try:
                value = spec.coerce(record[name]) if name in record else spec.absent()
            except InputError as exc:
                result.errors.append(RecordError(exc.field, exc.message))
                continue
            scope.names[name] = value
            trace.rely(self.m.element("input", name).interpretations)
            if name in self._row_inputs:  # an enum of a table's rows: the chosen row's readings too
                trace.rely(self._row_inputs[name].row_interpretations(value))
            if trace.explain:
                trace.step(name, "input", value, "given" if name in record else "default")

    def _compute(self, name: str, scope: Scope, result: Result) -> None:
        names, failed, trace = scope.names, scope.failed, scope.trace
        if any(dep in failed for dep in self._deps(name)):
            failed.add(name)
            return
        m = self.m
        try:
            if name in m.formulas:
                formula = m.formulas[name]
                expr = formula.expr
                before = set(trace.relied)
                value = maps.run_for_each(scope.interpreter, formula.each, expr, names) if formula.each else scope.run(expr)
                names[name] = value
                trace.rely(m.element("formula", name).interpretations)
                for dep in sorted(formula.names):
                    if dep in m.parameters:
                        trace.rely(m.element("parameter", dep).interpretations)
                        if trace.explain and not trace.explains(dep):
                            trace.step(dep, "parameter", m.parameters[dep], "set by the act")
                    elif dep in m.bodies:
                        trace.rely(m.element("body", dep).interpretations)
                if trace.explain:
                    # interpretations met while computing this value (a gap policy, a band's reading)
                    met = tuple(i for i in sorted(trace.relied - before) if i not in m.element("formula", name).interpretations)
                    rule = f"for each {formula.each.var} in {formula.each.source.source}: {expr.source}" if formula.each else expr.source
                    trace.step(name, "formula", value, rule, tuple(sorted(formula.names)), also=met)
            else:
                names[name] = self._deadline(name, scope, result)
        except EvaluationError as exc:
            failed.add(name)
            names[name] = None
            result.errors.append(RecordError(name, f"{name}: {exc}{self._nulls(exc, self._deps(name), names)}"))

    def _check_constraints(self, scope: Scope, result: Result) -> None:
        """The evaluation's input constraints; each failure is an input error on the constrained input."""
        for name in self.constraint_plan:
            self._compute(name, scope, result)
        for k in self.constraints:
            where = f" [{', '.join(k.cite)}]" if k.cite else ""
            if any(n in scope.failed for n in k.names):
                continue  # the value it reads failed and is reported already
            try:
                for message in maps.constraint_failures(scope.interpreter, k, scope.names):
                    result.errors.append(RecordError(k.input, f"{k.input}: {message}{where}"))
            except EvaluationError as exc:
                result.errors.append(RecordError(k.input, f"{k.input}: {exc}{where}"))
            scope.trace.rely(k.interpretations)

    def _deadline(self, name: str, scope: Scope, result: Result) -> Optional[dt.date]:
        d, names, trace = self.m.deadlines[name], scope.names, scope.trace
        if d.anchor:
            event = names.get(d.anchor)
            if event is None:
                if trace.explain:
                    trace.step(name, "deadline", None, f"not computed: {d.anchor} not given", (d.anchor,))
                return None
            value = d.compute(self.calendar, event=event)
            uses: tuple[str, ...] = (d.anchor,)
        else:
            year = scope.run(d.year) if d.year else None
            if year is None:
                return None
            value = d.compute(self.calendar, year=int(year))
            uses = tuple(sorted(d.year.names)) if d.year else ()
            why = self.calendar.why_not_working(value)
            if why:
                result.notes.append(f"{name}: {value.isoformat()} is not a working day ({why}); the act's date is kept [{', '.join(d.cite)}]")
        trace.rely(d.interpretations)
        if d.anchor:
            trace.rely(self.m.calendar_interpretations)
        if trace.explain:
            trace.step(name, "deadline", value, d.rule_words(), uses)
        return value

    def _finish(self, scope: Scope, result: Result) -> None:
        spec, m, names, trace = self.spec, self.m, scope.names, scope.trace
        for out in spec.outputs:
            if out not in scope.failed:
                result.outputs[out] = names.get(out)
        if spec.eligibility:
            unmet = []
            for rid in spec.eligibility:
                rule = m.rules[rid]
                ok = self._holds(rid, rule.require, scope, result)
                if ok is None:
                    return
                trace.rely(m.element("eligibility", rid).interpretations)
                if not ok:
                    unmet.append(rid)
                if trace.explain:
                    trace.step(rid, "eligibility", ok, rule.require.source, tuple(sorted(rule.require.names)))
            result.outputs["eligible"] = not unmet
            result.outputs["unmet"] = unmet
        if spec.eligibility or spec.windows or spec.applications:  # refusals name the paragraph and the unmet condition
            refusals = [eligibility_refusal(m, rid, names) for rid in (unmet if spec.eligibility else ())]
            if spec.windows:
                refusals += admission.check_windows(m, spec, scope, result)
            if spec.applications:
                refusals += admission.check_applications(m, spec, scope, result)
            if refuses(m, spec):
                result.outputs["refusals"] = refusals
            if refusals:
                return
        if spec.score:
            if spec.score in scope.failed:
                return
            score = names[spec.score]
            result.outputs["score"] = score
            names["score"] = score
            if score is None:  # not computed: an optional input it needs was not given; no rating, no consequences
                result.notes.append(f"score: not computed, because {spec.score} has no value (a value it needs was not given) [{', '.join(m.element('formula', spec.score).cite)}]")
                return
            if spec.rating:
                try:
                    band = self._classify(m.scales[spec.rating], score, trace)
                except EvaluationError as exc:
                    result.errors.append(RecordError("rating", f"rating: {exc}"))
                    return
                result.outputs["rating"] = band.id
                names["rating"] = band.id
                if trace.explain:
                    trace.step("rating", "rating", band.id, f"band of {spec.score} on scale {spec.rating}: {band.describe()}", (spec.score,),
                               of=("scale", spec.rating), band=band)
        if spec.consequences and not spec.cohort:  # a cohort's consequences wait for its ranking
            result.outputs["consequences"] = self._consequences(scope, result)

    def _consequences(self, scope: Scope, result: Result) -> list[dict]:
        applied, trace = [], scope.trace
        for cid in self.spec.consequences:
            c = self.m.consequences[cid]
            if c.when is not None and not self._holds(cid, c.when, scope, result):
                continue
            element = self.m.element("consequence", cid)
            trace.rely(element.interpretations)
            entry: dict[str, Any] = {"id": cid, "label": element.label, "cite": list(element.cite)}
            if c.amount is not None:
                entry["amount"] = c.amount
            elif c.amount_note:
                entry["amount"] = None
                entry["amount_note"] = c.amount_note
            if c.deadline:
                entry["deadline"] = scope.names.get(c.deadline)
            applied.append(entry)
            if trace.explain:
                trace.step(cid, "consequence", True, c.when.source if c.when else "always", tuple(sorted(c.when.names)) if c.when else ())
        return applied

    def _holds(self, name: str, condition: Expression, scope: Scope, result: Result) -> Optional[bool]:
        """A condition's truth; None when it cannot be decided (it failed, or a value it needs did)."""
        if any(n in scope.failed for n in condition.names):
            return None
        try:
            return bool(scope.run(condition))
        except EvaluationError as exc:
            result.errors.append(RecordError(name, f"{name}: {exc}{self._nulls(exc, condition.names, scope.names)}"))
            return None

    def _nulls(self, exc: EvaluationError, used: Iterable[str], names: dict) -> str:
        """For a value that was missing: which of the names used are null, and a deadline's event not given."""
        if "missing (null)" not in str(exc):
            return ""
        parts = []
        for n in sorted(used):
            if n not in names or names[n] is not None:
                continue
            d = self.m.deadlines.get(n)
            parts.append(f"{n} counts from {d.anchor}, which is not given" if d and d.anchor and names.get(d.anchor) is None else f"{n} is not given")
        return f": {'; '.join(parts)}" if parts else ""

    def _classify(self, scale: Scale, x: Any, trace: Optional[Trace] = None) -> Band:
        """The band of `x` on `scale`, relied on in `trace` (by default the trace of the running evaluation)."""
        if not isinstance(x, Decimal):
            raise EvaluationError(f"scale '{scale.id}' needs a number, got {x!r}")
        trace = trace if trace is not None else Trace.current()
        band, policy = scale.classify(x)
        trace.rely(scale.interpretations)
        trace.rely(band.interpretations)
        if policy and policy.interpretation:
            trace.rely((policy.interpretation,))
        return band

    # -- helpers -------------------------------------------------------------------------------
    def _rely(self, ids: Iterable[str]) -> None:
        """For the expression functions (`_functions`), built once: record into the running record's trace."""
        Trace.current().rely(ids)

    def _functions(self) -> dict[str, Callable]:
        """The builtins (engine/language/functions.py); those reading the act's elements rely and classify through this evaluator."""
        return functions.bind(functions.Context(rely=self._rely, classify=self._classify))
