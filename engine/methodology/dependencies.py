"""What an evaluation reads: every name reachable from its outputs, score, rules and consequences."""
from __future__ import annotations

from . import extensions
from .model import Evaluation, Methodology


def roots(m: Methodology, spec: Evaluation) -> list[str]:
    """The names an evaluation reads directly."""
    out = list(spec.outputs) + ([spec.score] if spec.score else [])
    out += [n for r in spec.eligibility if r in m.rules for n in m.rules[r].require.names]
    for cid in spec.consequences:
        c = m.consequences.get(cid)
        if c and c.when:
            out += list(c.when.names)
        if c and c.deadline:
            out.append(c.deadline)
    out += [n for i in spec.inputs for k in m.constraints.get(i, ()) for n in k.names]
    out += extensions.extension_roots(m, spec)
    return [r for r in out if r]


def direct(m: Methodology, name: str) -> list[str]:
    """The names one formula or deadline reads."""
    if name in m.formulas:
        return list(m.formulas[name].names)
    if name in m.deadlines:
        d = m.deadlines[name]
        return ([d.anchor] if d.anchor else []) + (list(d.year.names) if d.year else [])
    return []


def needed(m: Methodology, spec: Evaluation) -> set[str]:
    """Every name an evaluation reads, directly or through formulas and deadlines."""
    seen: set[str] = set()
    stack = roots(m, spec)
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack.extend(direct(m, n))
    return seen
