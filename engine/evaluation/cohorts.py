"""Running an evaluation over a whole set of records: the cohort's ranking, quotas, places and ties.

Each record is first evaluated on its own (`evaluation.evaluator.Evaluator`: inputs, formulas,
eligibility, windows, applications, score), keeping its scope (names and trace). Then the cohort
(`elements.cohorts`) is applied to all of
them at once: records over a `limits` quota are refused; the admitted records are ranked within
their group; each gets `rank`, `advances` and/or `place`, or `tie` when the act leaves the decision
to a body; and only then are the evaluation's consequences decided, with `place`, `advances` and
`rank` among the names their `when` can use. Results come back in the order of the input.

`make_evaluator` gives the right evaluator for an evaluation: this one for an evaluation with a
`cohort`, the streaming per-record `Evaluator` otherwise.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Iterator, Mapping, Optional

from ..calendar.workdays import WorkCalendar
from ..elements.cohorts import Entry, Outcome, TieBlock, quota, rank_group
from .evaluator import Evaluator
from ..methodology.model import Methodology
from .results import RecordError, Result, Step
from .trace import Scope


def make_evaluator(methodology: Methodology, evaluation: str, *, calendar: Optional[WorkCalendar] = None, explain: bool = False):
    spec = methodology.evaluations.get(evaluation)
    if spec is not None and spec.cohort:
        return CohortEvaluator(methodology, evaluation, calendar=calendar, explain=explain)
    return Evaluator(methodology, evaluation, calendar=calendar, explain=explain)


def is_cohort(methodology: Methodology, evaluation: str) -> bool:
    spec = methodology.evaluations.get(evaluation)
    return bool(spec is not None and spec.cohort)


class CohortEvaluator:
    """An evaluation whose results depend on every record of the input (read whole, not streamed)."""

    cohort_evaluation = True

    def __init__(self, methodology: Methodology, evaluation: str, *, calendar: Optional[WorkCalendar] = None, explain: bool = False):
        self.inner = Evaluator(methodology, evaluation, calendar=calendar, explain=explain)
        self.m = methodology
        self.spec = self.inner.spec
        self.cohort = methodology.cohorts[self.spec.cohort]
        self.explain = explain
        self.ties: list[dict] = []  # of the last run: every tie needing a decision

    # the interface of Evaluator ----------------------------------------------------------------------
    def evaluate(self, record: Mapping[str, Any], index: int = 0) -> Result:
        """A cohort of one record."""
        return self.run([record])[0]

    def evaluate_many(self, records: Iterable[Mapping[str, Any]]) -> Iterator[Result]:
        yield from self.run(list(records))

    # the cohort --------------------------------------------------------------------------------------
    def run(self, records: list[Mapping[str, Any]]) -> list[Result]:
        needing: list[dict] = []  # every tie needing a decision
        evaluated = [self.inner.evaluate_keeping_scope(r, i) for i, r in enumerate(records)]
        results = [r for r, _ in evaluated]
        # the records evaluated to the end, by index: their names and traces, until their consequences are decided
        scopes: dict[int, Scope] = {i: scope for i, (r, scope) in enumerate(evaluated) if r.ok and scope is not None}
        co, m = self.cohort, self.m
        usable = list(scopes)
        for i in usable:
            if co.group_by:
                results[i].outputs["group"] = _plain(scopes[i].names.get(co.group_by))
        self._limits(results, scopes)
        if co.limits:
            for i in usable:
                results[i].outputs.setdefault("refusals", [])
        admitted = [i for i in usable if not results[i].outputs.get("refusals")]
        groups: dict[Any, list[int]] = {}
        for i in admitted:
            names = scopes[i].names
            key = tuple(names.get(n) for n in (co.rank_by, *co.tie_break)) if co.rank_by else ()
            if any(not isinstance(k, Decimal) for k in key):
                missing = [n for n, k in zip((co.rank_by, *co.tie_break), key) if not isinstance(k, Decimal)]
                results[i].errors.append(RecordError(missing[0], f"{missing[0]}: no value to rank by [{', '.join(m.element('cohort', co.id).cite)}]"))
                continue
            groups.setdefault(names.get(co.group_by) if co.group_by else None, []).append(i)
        top = quota(m.parameters, co.advance.top) if co.advance else None
        places = [(p.id, p.count) for p in co.places]
        for group, members in groups.items():
            entries = [Entry(results[i].id, i, tuple(scopes[i].names.get(n) for n in (co.rank_by, *co.tie_break)) if co.rank_by else ()) for i in members]
            if co.rank_by:
                outcomes, ties = rank_group(entries, co.order, top, places)
            else:
                outcomes, ties = {}, []
            tied = {}
            for t in ties:
                summary = self._tie(group, t, scopes)
                needing.append(summary)
                for i in t.indices:
                    tied[i] = summary
            for i in members:
                self._apply(results[i], scopes[i], outcomes.get(i), tied.get(i))
        for i, r in enumerate(results):
            if i in usable and r.ok and "rank" not in r.outputs and co.rank_by:
                r.outputs["rank"] = None  # not ranked: refused
                if co.advance:
                    r.outputs["advances"] = False
                if co.places:
                    r.outputs["place"] = None
                r.outputs["tie"] = None
        for i in usable:
            scopes[i].trace.report(results[i])
        self.ties = needing
        return results

    def _limits(self, results: list[Result], scopes: dict[int, Scope]) -> None:
        """Refuse every record of a group that brings more records than a limit allows (among those of `scopes`)."""
        m = self.m
        for lim in self.cohort.limits:
            at_most = quota(m.parameters, lim.at_most)
            counts: dict[Any, list[int]] = {}
            for i, scope in scopes.items():
                counts.setdefault(scope.names.get(lim.per), []).append(i)
            for value, members in counts.items():
                if value is None or len(members) <= at_most:
                    continue
                where = ", ".join(lim.cite)
                ids = [results[i].id for i in members]
                for i in members:
                    r = results[i]
                    refusal = {
                        "rule": lim.id, "kind": "limit", "cite": list(lim.cite), "label": lim.label,
                        "group": _plain(value), "count": len(members), "at_most": at_most, "records": ids,
                        "message": f"{where}: {lim.label.get('en', 'limit')}: {lim.per} {_plain(value)} brought {len(members)} "
                                   f"({', '.join(ids)}), at most {at_most}; the act does not say which to keep, so none is admitted",
                    }
                    r.outputs["refusals"] = list(r.outputs.get("refusals") or []) + [refusal]
                    scopes[i].trace.rely(lim.interpretations)

    def _tie(self, group: Any, t: TieBlock, scopes: dict[int, Scope]) -> dict:
        co, m = self.cohort, self.m
        a, b = t.positions
        body = co.ties.decided_by if co.ties else None
        who = (m.element("body", body).label.get("en", body) + f" [{', '.join(m.element('body', body).cite)}]") if body else "the act names no one"
        rule_cite = ", ".join((co.ties.cite if co.ties else ()) or co.cite)
        if t.places:
            stake = ", ".join(p or "no place" for p in t.places)
            what = f"places {stake}"
        else:
            top = quota(m.parameters, co.advance.top) if co.advance else 0
            what = f"{t.advance_slots} advancing place(s) (the top {top} advance, {', '.join(co.advance.cite) if co.advance else ''})"
        value = scopes[t.indices[0]].names.get(co.rank_by) if co.rank_by else None
        message = (f"tie{' in ' + str(_plain(group)) if group is not None else ''}: {', '.join(t.ids)} have {co.rank_by} = {_plain(value)}, "
                   f"positions {a}–{b}, for {what}; the act sets no tie-break [{rule_cite}]; decided by {who}")
        return {"cohort": co.id, "group": _plain(group), "positions": [a, b], "records": list(t.ids), "value": value,
                "for": "places" if t.places else "advance", "places": [p or None for p in t.places] if t.places else None,
                "slots": t.advance_slots, "decided_by": body, "message": message}

    def _apply(self, r: Result, scope: Scope, outcome: Optional[Outcome], tie: Optional[dict]) -> None:
        co, m = self.cohort, self.m
        names, trace = scope.names, scope.trace
        if co.rank_by:
            r.outputs["rank"] = Decimal(outcome.rank) if outcome else None
        if co.advance:
            r.outputs["advances"] = outcome.advances if outcome else None
        if co.places:
            r.outputs["place"] = outcome.place if outcome else None
        if co.rank_by:
            r.outputs["tie"] = tie
        trace.rely(co.interpretations)
        for part in (co.advance, *co.places):
            if part is not None:
                trace.rely(part.interpretations)
        if tie is not None and co.ties is not None:
            trace.rely(co.ties.interpretations)
            if co.ties.decided_by:
                trace.rely(m.element("body", co.ties.decided_by).interpretations)
        names.update(rank=r.outputs.get("rank"), advances=r.outputs.get("advances"), place=r.outputs.get("place"))
        if self.explain and co.rank_by:
            group = f" of {co.group_by} {_plain(names.get(co.group_by))}" if co.group_by else ""
            trace.step("rank", "cohort", r.outputs["rank"], f"position{group} by {co.rank_by} ({co.order})", tuple(co.names()), of=("cohort", co.id))
            if co.advance:
                trace.add(Step("advances", "cohort", r.outputs["advances"], f"the top {quota(m.parameters, co.advance.top)} of each group advance",
                                    co.advance.cite, co.advance.label, ("rank",), co.advance.interpretations))
            place = next((p for p in co.places if p.id == r.outputs.get("place")), None)
            if co.places:
                trace.add(Step("place", "cohort", r.outputs["place"], "places in order of rank: " + ", ".join(f"{p.id} ({p.count})" for p in co.places),
                                    place.cite if place else co.cite, place.label if place else {}, ("rank",), place.interpretations if place else ()))
            if tie is not None:
                trace.step("tie", "cohort", tie["message"], "ties are never broken silently", (co.rank_by,), of=("cohort", co.id))
        if self.spec.consequences:
            r.outputs["consequences"] = self.inner.consequences(scope, r)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value
