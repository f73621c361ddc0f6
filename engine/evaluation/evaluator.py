"""Evaluating records: an evaluation compiled once into a plan, then run on each record.

A plan is the evaluation's inputs followed by the formulas and deadlines it needs, in dependency
order. Running it on a record yields a `Result` (outputs, errors, interpretations relied on) and,
when asked, the steps that explain each value.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from ..calendar.workdays import WorkCalendar, default_calendar
from ..language import functions
from ..language.expressions import EvaluationError, Interpreter
from ..elements.inputs import InputError
from ..methodology.model import Methodology
from ..elements.scales import Scale
from ..elements import maps
from ..elements.tables import row_inputs
from . import admission
from ..methodology import dependencies
from ..methodology.extensions import refuses
from .refusals import eligibility_refusal
from .results import RecordError, Result, Step, UnknownEvaluation

DESCRIPTIVE_FIELDS = ("name", "position", "unit", "period", "note")  # carried through, never computed on


class Evaluator:
    """One evaluation of one methodology, compiled once and run on many records."""

    def __init__(self, methodology: Methodology, evaluation: str, *, calendar: Optional[WorkCalendar] = None, explain: bool = False):
        if evaluation not in methodology.evaluations:
            known = ", ".join(methodology.evaluations) or "none"
            raise UnknownEvaluation(f"{methodology.id} has no evaluation '{evaluation}' (it has: {known})")
        self.m = methodology
        self.spec = methodology.evaluations[evaluation]
        self.calendar = calendar or default_calendar()
        self.explain = explain
        self.plan = self._plan()
        self.interpreter = Interpreter(self._functions())
        self.base_names: dict[str, Any] = dict(methodology.parameters)
        self.base_names.update(methodology.scales)
        self.base_names.update(methodology.bodies)
        self.base_names.update(methodology.tables)
        self.constraints = [k for name in self.spec.inputs for k in methodology.constraints.get(name, ())]
        self.constraint_plan = self._plan_for([n for k in self.constraints for n in sorted(k.names)])
        self._order = {name: i for i, name in enumerate(methodology.interpretations)}
        self._row_inputs = row_inputs(methodology, self.spec.inputs)
        self._seen: set[str] = set()  # interpretations relied on by the record being evaluated
        self.keep_scope = False  # a cohort's evaluator keeps each record's names (engine/cohort_eval.py)

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
    def evaluate(self, record: Mapping[str, Any], index: int = 0) -> Result:
        """Evaluate one record. Never raises for bad data: problems become the result's errors."""
        rid = record.get("id") if isinstance(record, Mapping) else None
        result = Result(id=str(rid) if rid not in (None, "") else f"#{index + 1}", evaluation=self.spec.id)
        if not isinstance(record, Mapping):
            result.errors.append(RecordError("id", "the record is not a mapping of fields"))
            return result
        if rid in (None, ""):
            result.errors.append(RecordError("id", "the record has no id"))
        self._seen = set()
        names = dict(self.base_names)
        self._read_inputs(record, names, result)
        if result.errors:
            return result
        failed: set[str] = set()
        if self.constraints:
            self._check_constraints(names, failed, result)
            if result.errors:
                result.interpretations = sorted(self._seen, key=lambda i: self._order.get(i, 1 << 30))
                return result
        for name in self.plan:
            if name in self.constraint_plan and (name in names or name in failed):
                continue  # computed for a constraint already
            self._compute(name, names, failed, result)
        self._finish(names, failed, result)
        result.interpretations = sorted(self._seen, key=lambda i: self._order.get(i, 1 << 30))
        if self.keep_scope:
            result.scope = (names, failed)
        return result

    def evaluate_many(self, records: Iterable[Mapping[str, Any]]) -> Iterator[Result]:
        for i, record in enumerate(records):
            yield self.evaluate(record, i)

    def _read_inputs(self, record: Mapping[str, Any], names: dict, result: Result) -> None:
        allowed = self.spec.inputs
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
            names[name] = value
            self._rely(self.m.element("input", name).interpretations)
            if name in self._row_inputs:  # an enum of a table's rows: the chosen row's readings too
                self._rely(self._row_inputs[name].row_interpretations(value))
            if self.explain:
                self._step(result, name, "input", value, "given" if name in record else "default", "input")

    def _compute(self, name: str, names: dict, failed: set[str], result: Result) -> None:
        if any(dep in failed for dep in self._deps(name)):
            failed.add(name)
            return
        m = self.m
        try:
            if name in m.formulas:
                formula = m.formulas[name]
                expr = formula.expr
                before = set(self._seen)
                value = maps.run_for_each(self.interpreter, formula.each, expr, names) if formula.each else self.interpreter.run(expr, names)
                names[name] = value
                self._rely(m.element("formula", name).interpretations)
                for dep in sorted(formula.names):
                    if dep in m.parameters:
                        self._rely(m.element("parameter", dep).interpretations)
                        if self.explain and not any(s.name == dep for s in result.steps):
                            self._step(result, dep, "parameter", m.parameters[dep], "set by the act", "parameter")
                    elif dep in m.bodies:
                        self._rely(m.element("body", dep).interpretations)
                if self.explain:
                    # interpretations met while computing this value (a gap policy, a band's reading)
                    met = tuple(i for i in sorted(self._seen - before) if i not in m.element("formula", name).interpretations)
                    rule = f"for each {formula.each.var} in {formula.each.source.source}: {expr.source}" if formula.each else expr.source
                    self._step(result, name, "formula", value, rule, "formula", tuple(sorted(formula.names)), extra_interpretations=met)
            else:
                names[name] = self._deadline(name, names, result)
        except EvaluationError as exc:
            failed.add(name)
            names[name] = None
            result.errors.append(RecordError(name, f"{name}: {exc}{self._nulls(exc, self._deps(name), names)}"))

    def _check_constraints(self, names: dict, failed: set[str], result: Result) -> None:
        """The evaluation's input constraints; each failure is an input error on the constrained input."""
        for name in self.constraint_plan:
            self._compute(name, names, failed, result)
        for k in self.constraints:
            where = f" [{', '.join(k.cite)}]" if k.cite else ""
            if any(n in failed for n in k.names):
                continue  # the value it reads failed and is reported already
            try:
                for message in maps.constraint_failures(self.interpreter, k, names):
                    result.errors.append(RecordError(k.input, f"{k.input}: {message}{where}"))
            except EvaluationError as exc:
                result.errors.append(RecordError(k.input, f"{k.input}: {exc}{where}"))
            self._rely(k.interpretations)

    def _deadline(self, name: str, names: dict, result: Result) -> Optional[dt.date]:
        d = self.m.deadlines[name]
        if d.anchor:
            event = names.get(d.anchor)
            if event is None:
                if self.explain:
                    self._step(result, name, "deadline", None, f"not computed: {d.anchor} not given", "deadline", (d.anchor,))
                return None
            value = d.compute(self.calendar, event=event)
            uses: tuple[str, ...] = (d.anchor,)
        else:
            year = self.interpreter.run(d.year, names) if d.year else None
            if year is None:
                return None
            value = d.compute(self.calendar, year=int(year))
            uses = tuple(sorted(d.year.names)) if d.year else ()
            why = self.calendar.why_not_working(value)
            if why:
                result.notes.append(f"{name}: {value.isoformat()} is not a working day ({why}); the act's date is kept [{', '.join(d.cite)}]")
        self._rely(d.interpretations)
        if d.anchor:
            self._rely(self.m.calendar_interpretations)
        if self.explain:
            self._step(result, name, "deadline", value, d.rule_words(), "deadline", uses)
        return value

    def _finish(self, names: dict, failed: set[str], result: Result) -> None:
        spec, m = self.spec, self.m
        for out in spec.outputs:
            if out not in failed:
                result.outputs[out] = names.get(out)
        if spec.eligibility:
            unmet = []
            for rid in spec.eligibility:
                rule = m.rules[rid]
                ok = self._holds(rid, rule.require, names, failed, result)
                if ok is None:
                    return
                self._rely(m.element("eligibility", rid).interpretations)
                if not ok:
                    unmet.append(rid)
                if self.explain:
                    self._step(result, rid, "eligibility", ok, rule.require.source, "eligibility", tuple(sorted(rule.require.names)))
            result.outputs["eligible"] = not unmet
            result.outputs["unmet"] = unmet
        if spec.eligibility or spec.windows or spec.applications:  # refusals name the paragraph and the unmet condition
            refusals = [eligibility_refusal(m, rid, names) for rid in (unmet if spec.eligibility else ())]
            if spec.windows:
                refusals += admission.check_windows(self, names, failed, result)
            if spec.applications:
                refusals += admission.check_applications(self, names, failed, result)
            if refuses(m, spec):
                result.outputs["refusals"] = refusals
            if refusals:
                return
        if spec.score:
            if spec.score in failed:
                return
            score = names[spec.score]
            result.outputs["score"] = score
            names["score"] = score
            if score is None:  # not computed: an optional input it needs was not given; no rating, no consequences
                result.notes.append(f"score: not computed, because {spec.score} has no value (a value it needs was not given) [{', '.join(m.element('formula', spec.score).cite)}]")
                return
            if spec.rating:
                try:
                    band = self._classify(m.scales[spec.rating], score)
                except EvaluationError as exc:
                    result.errors.append(RecordError("rating", f"rating: {exc}"))
                    return
                result.outputs["rating"] = band.id
                names["rating"] = band.id
                if self.explain:
                    self._step(result, "rating", "rating", band.id, f"band of {spec.score} on scale {spec.rating}: {band.describe()}", "scale", (spec.score,), name_kind=("scale", spec.rating), band=band)
        if spec.consequences and not spec.cohort:  # a cohort's consequences wait for its ranking
            result.outputs["consequences"] = self._consequences(names, failed, result)

    def _consequences(self, names: dict, failed: set[str], result: Result) -> list[dict]:
        applied = []
        for cid in self.spec.consequences:
            c = self.m.consequences[cid]
            if c.when is not None and not self._holds(cid, c.when, names, failed, result):
                continue
            element = self.m.element("consequence", cid)
            self._rely(element.interpretations)
            entry: dict[str, Any] = {"id": cid, "label": element.label, "cite": list(element.cite)}
            if c.amount is not None:
                entry["amount"] = c.amount
            elif c.amount_note:
                entry["amount"] = None
                entry["amount_note"] = c.amount_note
            if c.deadline:
                entry["deadline"] = names.get(c.deadline)
            applied.append(entry)
            if self.explain:
                self._step(result, cid, "consequence", True, c.when.source if c.when else "always", "consequence", tuple(sorted(c.when.names)) if c.when else ())
        return applied

    def _holds(self, name: str, condition: Any, names: dict, failed: set[str], result: Result) -> Optional[bool]:
        """A condition's truth; None when it cannot be decided (it failed, or a value it needs did)."""
        if any(n in failed for n in condition.names):
            return None
        try:
            return bool(self.interpreter.run(condition, names))
        except EvaluationError as exc:
            result.errors.append(RecordError(name, f"{name}: {exc}{self._nulls(exc, condition.names, names)}"))
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

    def _classify(self, scale: Scale, x: Any):
        if not isinstance(x, Decimal):
            raise EvaluationError(f"scale '{scale.id}' needs a number, got {x!r}")
        band, policy = scale.classify(x)
        self._rely(scale.interpretations)
        self._rely(band.interpretations)
        if policy and policy.interpretation:
            self._seen.add(policy.interpretation)
        return band

    # -- helpers -------------------------------------------------------------------------------
    def _rely(self, ids: Iterable[str]) -> None:
        self._seen.update(ids)

    def _step(self, result: Result, name: str, kind: str, value: Any, rule: str, element_kind: str,
              uses: tuple[str, ...] = (), name_kind: Optional[tuple[str, str]] = None, band=None,
              extra_interpretations: tuple[str, ...] = ()) -> None:
        ek, eid = name_kind or (element_kind, name)
        element = self.m.elements.get((ek, eid))
        cite = element.cite if element else ()
        label = element.label if element else {}
        interps = element.interpretations if element else ()
        if band is not None:
            cite, label, interps = (band.cite or cite), band.label, interps + band.interpretations
        result.steps.append(Step(name, kind, value, rule, cite, label, uses, interps + extra_interpretations))

    def _functions(self) -> dict[str, Callable]:
        """The builtins (engine/language/functions.py); those reading the act's elements rely and classify through this evaluator."""
        return functions.bind(functions.Context(rely=self._rely, classify=self._classify))
