"""Refusals: why a record is not admitted, each naming the act's paragraph and the unmet condition.

An evaluation with eligibility rules, windows or applications reports `refusals`: one entry per
failed eligibility rule, date outside a window, incomplete application (and, in a cohort, quota
exceeded). Each entry has `rule` (the element id), `kind`, `cite`, `label` and a `message` that reads
on its own; an eligibility refusal adds the rule's `condition` and the `values` it was decided on.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..language.values import text

if TYPE_CHECKING:
    from ..methodology.model import Methodology


def eligibility_refusal(m: Methodology, rid: str, names: dict) -> dict:
    rule = m.rules[rid]
    element = m.element("eligibility", rid)
    values = {n: names.get(n) for n in sorted(rule.require.names) if n not in m.scales and n not in m.bodies}
    shown = ", ".join(f"{k} = {text(v)}" for k, v in values.items())
    return {
        "rule": rid, "kind": "eligibility", "cite": list(element.cite), "label": element.label,
        "condition": rule.require.source, "values": values,
        "message": f"{', '.join(element.cite)}: {element.label.get('en', rid)}: not met "
                   f"(requires {rule.require.source}; {shown or 'no values'})",
    }
