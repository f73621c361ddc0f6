"""What a difference between two methodologies does to real people's results.

The same records are evaluated under A and under B. A record whose outputs (or errors) differ is
reported with its before and after values, and with the rule differences behind it: the rule
changes of the elements that record's evaluation used, under either side (every input, parameter,
formula, deadline, scale, body, eligibility rule, consequence and interpretation its explanation
steps name). Outcomes (the rating, or eligibility, or "error") are counted into a matrix of
transitions from A to B.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from ..errors import AdistemeError
from .compare import Comparison, Difference
from ..evaluation.evaluator import Evaluator, Result, UnknownEvaluation
from ..methodology.model import Methodology

ERROR = "error"
_SECTION_OF_STEP = {
    "input": "inputs", "parameter": "parameters", "formula": "formulas", "deadline": "deadlines",
    "eligibility": "eligibility", "consequence": "consequences",
}
_SECTION_OF_KIND = {
    "parameter": "parameters", "input": "inputs", "formula": "formulas", "deadline": "deadlines",
    "scale": "scales", "body": "bodies",
}


class ImpactError(AdistemeError):
    """The evaluation cannot be run under both methodologies."""


@dataclass
class RecordChange:
    id: str
    descriptive: dict[str, Any]
    changed: list[str]  # names of the outputs that differ ("errors" when the errors do)
    before: dict[str, Any]
    after: dict[str, Any]
    errors_before: list[str]
    errors_after: list[str]
    outcome_before: Optional[str]
    outcome_after: Optional[str]
    rules: list[Difference]


@dataclass
class Impact:
    evaluation: str
    data: str
    records: int = 0
    outcomes: list[str] = field(default_factory=list)  # row and column order of the matrix
    transitions: Counter = field(default_factory=Counter)  # (outcome under A, outcome under B) -> count
    changes: list[RecordChange] = field(default_factory=list)

    @property
    def has_matrix(self) -> bool:
        return bool(self.outcomes)

    def as_dict(self) -> dict:
        return {
            "evaluation": self.evaluation, "data": self.data, "records": self.records, "changed": len(self.changes),
            "outcomes": list(self.outcomes),
            "transitions": [{"from": a, "to": b, "count": n} for (a, b), n in sorted(
                self.transitions.items(), key=lambda kv: (self._rank(kv[0][0]), self._rank(kv[0][1])))],
            "records_changed": [
                {"id": c.id, **c.descriptive, "changed": c.changed, "before": c.before, "after": c.after,
                 "errors": {"before": c.errors_before, "after": c.errors_after},
                 "outcome": {"before": c.outcome_before, "after": c.outcome_after},
                 "rules": [{"section": d.section, "id": d.id, "part": d.part, "kind": d.kind, "what": d.what} for d in c.rules]}
                for c in self.changes
            ],
        }

    def _rank(self, outcome: Optional[str]) -> int:
        return self.outcomes.index(outcome) if outcome in self.outcomes else len(self.outcomes)


def impact(comparison: Comparison, evaluation: str, records: Iterable[Mapping[str, Any]], data: str = "") -> Impact:
    """Evaluate every record under A and B; report the records whose results differ."""
    a, b = comparison.a, comparison.b
    try:
        ev_a = Evaluator(a, evaluation, explain=True)
        ev_b = Evaluator(b, evaluation, explain=True)
    except UnknownEvaluation as exc:
        raise ImpactError(str(exc)) from None
    if ev_a.spec.cohort or ev_b.spec.cohort:
        raise ImpactError(f"{evaluation} ranks a cohort (each result depends on every record); --impact compares record by record and does not support it yet")
    out = Impact(evaluation, data, outcomes=_outcomes(a, b, evaluation))
    for i, record in enumerate(records):
        ra, rb = ev_a.evaluate(record, i), ev_b.evaluate(record, i)
        out.records += 1
        oa, ob = _outcome(a, ra), _outcome(b, rb)
        if out.outcomes:
            out.transitions[(oa, ob)] += 1
        va, vb = _comparable(ra), _comparable(rb)
        changed = [k for k in list(va) + [k for k in vb if k not in va] if va.get(k, _MISSING) != vb.get(k, _MISSING)]
        if not changed:
            continue
        used = _used(a, ra) | _used(b, rb) | {("evaluations", evaluation)}
        out.changes.append(RecordChange(
            id=ra.id, descriptive=dict(ra.descriptive), changed=changed,
            before={k: _shown(ra.outputs.get(k)) for k in changed if k != "errors"},
            after={k: _shown(rb.outputs.get(k)) for k in changed if k != "errors"},
            errors_before=[e.message for e in ra.errors], errors_after=[e.message for e in rb.errors],
            outcome_before=oa, outcome_after=ob, rules=comparison.touching(used),
        ))
    return out


_MISSING = object()


def _outcomes(a: Methodology, b: Methodology, evaluation: str) -> list[str]:
    """The outcomes a record can have, in order: not eligible, the rating's bands low to high (or
    eligible), no rating, error. Empty when the evaluation has neither a rating nor eligibility."""
    specs = [(m, m.evaluations[evaluation]) for m in (a, b)]
    if not any(s.rating or s.eligibility for _, s in specs):
        return []
    out: list[str] = ["not eligible"] if any(s.eligibility for _, s in specs) else []
    for m, s in specs:
        if s.rating and s.rating in m.scales:
            out += [band.id for band in m.scales[s.rating].bands if band.id not in out]
    if any(s.eligibility and not s.rating for _, s in specs):
        out.append("eligible")
    return out + ["—", ERROR]


def _outcome(m: Methodology, r: Result) -> Optional[str]:
    spec = m.evaluations[r.evaluation]
    if r.errors:
        return ERROR
    if spec.eligibility and r.outputs.get("eligible") is False:
        return "not eligible"
    if spec.rating:
        return r.outputs.get("rating", "—")
    if spec.eligibility:
        return "eligible"
    return None


def _comparable(r: Result) -> dict[str, Any]:
    """Outputs as compared: a consequence by what it decides (id, amount, deadline), not its label."""
    out: dict[str, Any] = {}
    for k, v in r.outputs.items():
        if k == "consequences" and isinstance(v, list):
            out[k] = sorted((c.get("id"), c.get("amount"), c.get("deadline")) for c in v if isinstance(c, dict))
        elif k == "unmet" and isinstance(v, list):
            out[k] = sorted(v)
        else:
            out[k] = v
    out["errors"] = sorted({e.field for e in r.errors})
    return out


def _shown(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(c, dict) and "id" in c for c in value):
        return [c["id"] for c in value]
    return value


def _used(m: Methodology, r: Result) -> set[tuple[str, str]]:
    """(section, id) of every element the result's explanation steps name."""
    used: set[tuple[str, str]] = set()
    spec = m.evaluations.get(r.evaluation)
    for s in r.steps:
        if s.kind == "rating" and spec and spec.rating:
            used.add(("scales", spec.rating))
        elif s.kind in _SECTION_OF_STEP:
            used.add((_SECTION_OF_STEP[s.kind], s.name))
        for name in s.uses:
            kind = m.kind_of(name)
            if kind in _SECTION_OF_KIND:
                used.add((_SECTION_OF_KIND[kind], name))
        used.update(("interpretations", i) for i in s.interpretations)
    used.update(("interpretations", i) for i in r.interpretations)
    if spec and spec.rating and "rating" in r.outputs:
        used.add(("scales", spec.rating))
    return used
