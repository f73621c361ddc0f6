"""Test coverage: which parts of each edition its YAML test cases exercise.

The cases are run with explanations on (every value keeps its step), and each result is read for
what it went through, without touching the engine: the rating's band, the band of every value
classified by `points()`/`band()` (the value is re-classified on the scale), the gap policies that
placed a value between bands, the table rows looked up or selected (`lookup`, `lookup_all`, `rows`,
`rows_in`; `run_files` watches them while each case runs, engine/language/watch.py, and every value a
scale classifies, also inside a `for_each` formula) or chosen by an enum input, the consequences that applied, each
eligibility rule both holding and failing, the deadlines computed, the interpretations reported,
and the inputs that got an input error. Only cases that expect something count: a generated case
whose `expect` is still empty checks nothing.

Bands and gaps that the value analysis (engine/analysis.py) proves no record can reach, and
interpretations that no result can report (those of the act, its validity, forms and evaluations),
are listed apart and not counted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional

from ..analysis.ranges import Analysis, band_interval, classify, gap_interval
from ..language import watch
from ..methodology.model import Methodology

if TYPE_CHECKING:
    from ..editions.registry import Registry
    from ..elements.scales import Gap, Scale
    from ..evaluation.results import Result

CATEGORIES = ("bands", "gap policies", "table rows", "consequences", "eligibility rules", "deadlines", "interpretations", "input errors")
# sections whose elements' interpretations a result can report
_REPORTING = ("parameters", "inputs", "scales", "formulas", "eligibility", "deadlines", "bodies", "consequences", "calendar", "tables")


@dataclass
class Coverage:
    """The coverage of one edition: per category, the items, those exercised, and those not counted."""

    methodology: str
    items: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CATEGORIES})
    hit: dict[str, set[str]] = field(default_factory=lambda: {c: set() for c in CATEGORIES})
    not_counted: dict[str, dict[str, str]] = field(default_factory=lambda: {c: {} for c in CATEGORIES})
    cases: int = 0

    def counted(self, category: str) -> list[str]:
        return [i for i in self.items[category] if i not in self.not_counted[category]]

    def missing(self, category: str) -> list[str]:
        return [i for i in self.counted(category) if i not in self.hit[category]]

    def covered(self, category: str) -> list[str]:
        return [i for i in self.counted(category) if i in self.hit[category]]

    def full(self, category: str) -> bool:
        return not self.missing(category)

    def as_dict(self) -> dict:
        return {
            "methodology": self.methodology, "cases": self.cases,
            "categories": {c: {"covered": self.covered(c), "missing": self.missing(c), "not_counted": self.not_counted[c]} for c in CATEGORIES},
        }


class Tracker:
    """Collects coverage of one methodology from the results of its test cases."""

    def __init__(self, m: Methodology):
        self.m = m
        self.a = Analysis(m)
        self.cov = Coverage(m.id)
        self._items()

    # -- what there is to cover --------------------------------------------------------------------
    def _items(self) -> None:
        m, cov, a = self.m, self.cov, self.a
        used_scales: dict[str, list] = {}
        for use in a.uses:
            if use.evaluations:
                used_scales.setdefault(use.scale, []).append(use)
        for sid, uses in used_scales.items():
            scale = m.scales[sid]
            for band in scale.bands:
                key = f"{sid}.{band.id}"
                cov.items["bands"].append(key)
                if not any(u.range.inside(*band_interval(band), limit=1) for u in uses) and not self._reached_through_gap(scale, band.id, uses):
                    cov.not_counted["bands"][key] = "no record can reach it (value analysis)"
            for gap in scale.gaps():
                policy = scale.policy_for(gap)
                if policy is None:
                    continue
                key = _gap_key(sid, gap)
                cov.items["gap policies"].append(key)
                if not any(u.range.inside(*gap_interval(gap), limit=1) for u in uses):
                    cov.not_counted["gap policies"][key] = "no record can reach the gap (value analysis)"
        for tid, table in (getattr(m, "tables", None) or {}).items():
            cov.items["table rows"] += [f"{tid}.{row.id}" for row in table.rows]
        evaluations = list(m.evaluations.values())
        cov.items["consequences"] = _unique(c for e in evaluations for c in e.consequences if c in m.consequences)
        cov.items["eligibility rules"] = _unique(f"{r}: {way}" for e in evaluations for r in e.eligibility if r in m.rules for way in ("holds", "fails"))
        deadlines = [o for e in evaluations for o in e.outputs if o in m.deadlines]
        deadlines += [m.consequences[c].deadline for e in evaluations for c in e.consequences if c in m.consequences and m.consequences[c].deadline]
        cov.items["deadlines"] = _unique(deadlines)
        unreachable = {(sid, i) for sid, scale in m.scales.items() for i, pol in enumerate(scale.policies)
                       if _gap_key(sid, next((g for g in scale.gaps() if (g.below, g.above) == pol.between), None)) in cov.not_counted["gap policies"]}
        reportable = _reportable_interpretations(m, unreachable)
        cov.items["interpretations"] = list(m.interpretations)
        for iid in m.interpretations:
            if iid not in reportable:
                cov.not_counted["interpretations"][iid] = "no result can report it: it is on the act, its validity, a form, an evaluation, or a gap no record reaches"
        cov.items["input errors"] = _unique(i for e in evaluations for i in e.inputs if i in m.inputs)

    def _reached_through_gap(self, scale: Scale, band_id: str, uses: list) -> bool:
        for gap in scale.gaps():
            policy = scale.policy_for(gap)
            if policy and policy.resolve in ("lower", "upper") and (gap.below if policy.resolve == "lower" else gap.above) == band_id:
                if any(u.range.inside(*gap_interval(gap), limit=1) for u in uses):
                    return True
        return False

    # -- what a result went through ------------------------------------------------------------------
    def add(self, result: Result, evaluation: str) -> None:
        m, hit = self.m, self.cov.hit
        e = m.evaluations.get(evaluation)
        if e is None:
            return
        out = result.outputs
        steps = {s.name: s for s in getattr(result, "steps", ())}
        if e.rating and e.rating in m.scales and isinstance(out.get("score"), Decimal):
            self._classified(m.scales[e.rating], out["score"])
        for use in self.a.uses:
            if evaluation not in use.evaluations:
                continue
            step = steps.get(use.what)
            if step is not None and isinstance(step.value, Decimal):
                self._classified(m.scales[use.scale], step.value)
            elif use.kind == "band" and use.path and use.path[0] == "formulas" and use.path[1] in steps:
                ids = {b.id for b in m.scales[use.scale].bands}
                for s in _strings(steps[use.path[1]].value):
                    if s in ids:
                        hit["bands"].add(f"{use.scale}.{s}")
        for c in out.get("consequences") or []:
            hit["consequences"].add(c["id"] if isinstance(c, dict) else str(c))
        if "unmet" in out:
            for r in e.eligibility:
                hit["eligibility rules"].add(f"{r}: {'fails' if r in out['unmet'] else 'holds'}")
        for name, value in out.items():
            if name in m.deadlines and isinstance(value, dt.date):
                hit["deadlines"].add(name)
        for c in out.get("consequences") or []:
            if isinstance(c, dict) and isinstance(c.get("deadline"), dt.date):
                d = m.consequences.get(c["id"])
                if d is not None and d.deadline:
                    hit["deadlines"].add(d.deadline)
        hit["interpretations"].update(result.interpretations)
        for err in result.errors:
            name = str(err.field).split("[", 1)[0]
            if name in m.inputs:
                hit["input errors"].add(name)
        self._rows(steps)

    def _classified(self, scale: Scale, value: Decimal) -> None:
        band, gap = classify(scale, Fraction(value))
        if gap is not None and scale.policy_for(gap) is not None:
            self.cov.hit["gap policies"].add(_gap_key(scale.id, gap))
        if band is not None and gap is None:
            self.cov.hit["bands"].add(f"{scale.id}.{band}")

    def _rows(self, steps: dict) -> None:
        """Rows an enum input selects (its value is the row's id)."""
        tables = getattr(self.m, "tables", None) or {}
        for name, step in steps.items():
            spec = self.m.inputs.get(name)
            if step.kind == "input" and spec is not None and spec.table in tables and isinstance(step.value, str):
                if any(row.id == step.value for row in tables[spec.table].rows):
                    self.cov.hit["table rows"].add(f"{spec.table}.{step.value}")


def _gap_key(scale: str, gap: Optional[Gap]) -> str:
    if gap is None:
        return ""
    return f"{scale}: {gap.below or '(below)'}–{gap.above or '(above)'}"


def _strings(value: Any) -> Iterable[str]:
    """The strings in a value: itself, a list's items, a map's values (its keys are what it was computed for)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for i in items:
        if i not in out:
            out.append(i)
    return out


def _reportable_interpretations(m: Methodology, unreachable: set[tuple[str, int]]) -> set[str]:
    """Interpretations of elements a result can use (not those of gap policies no record reaches)."""
    found: set[str] = set()
    for path, ids in m.interpretation_refs:
        if path[0] not in _REPORTING:
            continue
        if len(path) > 4 and path[0] == "scales" and path[2] == "gaps" and (path[1], path[3]) in unreachable:
            continue  # a gap policy no record reaches
        found.update(ids)
    return found


def _reads(rows: set) -> Any:
    """A watcher (engine/language/watch.py) that keeps what a case's evaluations read in `rows`:
    (table, row) of every table row looked up or selected, ("band", scale, band) of every value a
    scale placed in a band, ("gap", scale, gap key) of every value a gap policy placed."""
    def seen(kind: str, element: Any, part: Any) -> None:
        if kind == "row":
            rows.add((element.id, str(part.id)))
        elif kind == "band":
            rows.add(("band", element.id, part.id))
        elif kind == "gap":
            rows.add(("gap", element.id, _gap_key(element.id, part)))
    return seen


def run_files(paths: list, registry: Registry) -> Iterator[tuple[Any, list, list]]:
    """engine.testing.run_files with explanations on and the table rows each case reads (`table_rows`)."""
    from .cases import load_cases, run_case

    evaluators: dict = {}
    for path in paths:
        cases, findings = load_cases(path)
        outcomes = []
        for case in cases:
            rows: set = set()
            with watch.watching(_reads(rows)):
                outcome = run_case(case, registry, evaluators, explain=True)
            outcome.table_rows = rows
            outcomes.append(outcome)
        yield path, findings, outcomes


def measure(methodologies: dict[str, Methodology], outcomes: Iterable[Any]) -> dict[str, Coverage]:
    """Coverage per edition from test outcomes (engine/testing.Outcome with results)."""
    trackers = {mid: Tracker(m) for mid, m in methodologies.items()}
    for o in outcomes:
        case = o.case
        t = trackers.get(case.methodology)
        if t is None:
            continue
        if not (case.expect or case.expect_errors or getattr(case, "expect_records", None)):
            continue  # a case that expects nothing checks nothing
        t.cov.cases += 1
        for r in o.results:
            t.add(r, case.evaluation)
        for seen in getattr(o, "table_rows", ()):
            if len(seen) == 3 and seen[0] == "band":
                t.cov.hit["bands"].add(f"{seen[1]}.{seen[2]}")
            elif len(seen) == 3 and seen[0] == "gap":
                t.cov.hit["gap policies"].add(seen[2])
            else:
                t.cov.hit["table rows"].add(f"{seen[0]}.{seen[1]}")
    return {mid: t.cov for mid, t in trackers.items()}


def render(cov: dict[str, Coverage]) -> str:
    lines = ["coverage (items the test cases exercise; bands and gaps no record can reach are not counted)"]
    for mid, c in cov.items():
        lines.append(f"  {mid}  ({c.cases} case(s) with expectations)")
        for cat in CATEGORIES:
            total = len(c.counted(cat))
            if not c.items[cat]:
                lines.append(f"    {cat:<18} —")
                continue
            mark = "" if c.full(cat) else "  missing: " + ", ".join(c.missing(cat))
            lines.append(f"    {cat:<18} {len(c.covered(cat))}/{total}{mark}")
            reasons: dict[str, list[str]] = {}
            for k, why in c.not_counted[cat].items():
                reasons.setdefault(why, []).append(k)
            for why, keys in reasons.items():
                lines.append(f"    {'':<18} not counted ({why}): " + ", ".join(keys))
    return "\n".join(lines)
