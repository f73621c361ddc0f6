"""Presenting results: JSON for machines, a table and explanations for people (writers.py writes them out)."""
from __future__ import annotations

from typing import Any

from ..evaluation.evaluator import Result
from ..language.values import dumps, number, text
from ..methodology.model import Methodology
from ..methodology.extensions import refuses


def result_dict(result: Result, m: Methodology, *, explain: bool = False) -> dict:
    out: dict[str, Any] = {"id": result.id}
    if result.descriptive:
        out.update({k: v for k, v in result.descriptive.items()})
    out["outputs"] = dict(result.outputs)
    if "rating" in result.outputs:
        scale = m.scales[m.evaluations[result.evaluation].rating]
        out["outputs"]["rating_label"] = scale.band(result.outputs["rating"]).label
    out["errors"] = [{"field": e.field, "message": e.message} for e in result.errors]
    out["interpretations"] = [
        {"id": i, "cite": list(m.interpretations[i].cite), "does": m.interpretations[i].does}
        for i in result.interpretations if i in m.interpretations
    ]
    if result.notes:
        out["notes"] = list(result.notes)
    if explain:
        out["steps"] = [
            {"name": s.name, "kind": s.kind, "value": s.value, "rule": s.rule, "cite": list(s.cite), "label": s.label,
             "uses": list(s.uses), "interpretations": list(s.interpretations)}
            for s in result.steps
        ]
    return out


def result_to_json(result: Result, m: Methodology, *, explain: bool = False, indent: int | None = None) -> str:
    return dumps(result_dict(result, m, explain=explain), indent)


def columns(m: Methodology, evaluation: str) -> list[str]:
    """The output columns an evaluation can produce, in a fixed order."""
    spec = m.evaluations[evaluation]
    cols = list(spec.outputs)
    if spec.eligibility:
        cols += ["eligible", "unmet"]
    cols += ["windows", "on_time"] if spec.windows else []
    cols += ["complete", "missing"] if spec.applications else []
    if refuses(m, spec) or (spec.cohort and m.cohorts[spec.cohort].limits):
        cols.append("refusals")
    if spec.score:
        cols.append("score")
    if spec.rating:
        cols.append("rating")
    if spec.cohort:
        co = m.cohorts[spec.cohort]
        cols += (["group"] if co.group_by else []) + (["rank"] if co.rank_by else [])
        cols += (["advances"] if co.advance else []) + (["place"] if co.places else []) + (["tie"] if co.rank_by else [])
    if spec.consequences:
        cols.append("consequences")
    return cols


def table(results: list[Result], m: Methodology) -> str:
    """A plain aligned table with Kazakh and English labels of the rating."""
    cols = columns(m, results[0].evaluation) if results else []
    named = any("name" in r.descriptive for r in results)
    head = ["id", *(["name"] if named else []), *cols]
    rows: list[list[str]] = []
    for r in results:
        row = [r.id, *([str(r.descriptive.get("name", ""))] if named else [])]
        for c in cols:
            v = r.outputs.get(c)
            if c == "rating" and v is not None:
                label = m.scales[m.evaluations[r.evaluation].rating].band(v).label
                row.append(f"{label.get('kk', v)} / {label.get('en', v)}")
            elif c in ("refusals", "tie", "missing"):  # told in full below the row
                row.append("; ".join(x.get("rule", "") for x in v) if c == "refusals" and v else ("yes" if c == "tie" and v else
                           f"{len(v)} item(s)" if c == "missing" and v else ""))
            else:
                row.append(text(v) if c in r.outputs else "")
        rows.append(row)
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    for r, row in zip(results, rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        for e in r.errors:
            lines.append(f"    error: {e.message}")
        for x in r.outputs.get("refusals") or ():
            lines.append(f"    refused: {x['message']}")
        if r.outputs.get("tie"):
            lines.append(f"    {r.outputs['tie']['message']}")
    unset = {c["id"]: c for r in results for c in r.outputs.get("consequences") or () if c.get("amount") is None and c.get("amount_note")}
    if unset:
        lines.append("")
        lines += [f"amount of {cid} [{', '.join(c['cite'])}]: not set by the act — {c['amount_note']}" for cid, c in unset.items()]
    return "\n".join(lines)


def explanation(result: Result, m: Methodology) -> str:
    """Why each value is what it is: value, rule, citation, inputs used, interpretations."""
    lines = [f"{result.id} — {m.id} {result.evaluation}"]
    for s in result.steps:
        label = s.label.get("kk", "") if s.label else ""
        en = s.label.get("en", "") if s.label else ""
        cite = ", ".join(s.cite) or "—"
        lines.append(f"  {s.name} = {text(s.value)}    [{cite}]")
        if label or en:
            lines.append(f"      {label}{' / ' if label and en else ''}{en}")
        if s.kind not in ("input",):
            lines.append(f"      rule: {s.rule}")
        if s.uses:
            lines.append(f"      uses: {', '.join(s.uses)}")
        for i in s.interpretations:
            if i in m.interpretations:
                lines.append(f"      interpretation {i} [{', '.join(m.interpretations[i].cite)}]: {m.interpretations[i].does}")
    for e in result.errors:
        lines.append(f"  error: {e.message}")
    for n in result.notes:
        lines.append(f"  note: {n}")
    if result.interpretations:
        lines.append("  relied on: " + ", ".join(result.interpretations))
    return "\n".join(lines)
