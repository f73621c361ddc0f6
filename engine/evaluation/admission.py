"""Admission of a record: the documents its applications need and the date windows it must fall within.

Each check reads the record's scope, records what it relied on (and its steps) in the record's
trace, reports on the result and returns the refusals it gives, naming the paragraph.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..elements.windows import iso_or_dash
from ..language.expressions import EvaluationError
from .results import RecordError, Result

if TYPE_CHECKING:
    from ..methodology.model import Evaluation, Methodology
    from .trace import Scope


def check_applications(m: Methodology, spec: Evaluation, scope: Scope, result: Result) -> list[dict]:
    """Report `complete` and `missing` for the evaluation's applications; return a refusal for each incomplete one."""
    names, trace = scope.names, scope.trace
    missing_all: list[dict] = []
    refusals: list[dict] = []
    complete = True
    for aid in spec.applications:
        a = m.applications[aid]
        element = m.element("application", aid)
        trace.rely(element.interpretations)
        given = _ids(names.get(a.given))
        known = {i.id for i in a.items}
        unknown = [g for g in given if g not in known]
        if unknown:
            result.errors.append(RecordError(a.given, f"{a.given}: {', '.join(map(repr, unknown))} is not a document of "
                                                      f"'{aid}' (its documents: {', '.join(i.id for i in a.items)}) [{', '.join(element.cite)}]"))
            continue
        missing: list[dict] = []
        for item in a.items:
            present = item.id in given
            if not present:
                if not item.optional:
                    missing.append({"id": item.id, "cite": list(item.cite), "label": item.label})
                    trace.rely(item.interpretations)
                continue
            if item.form and item.fields_given:
                form = m.documents.get(item.form)
                fields = form.fields if form is not None else ()
                filled = _ids(names.get(item.fields_given))
                bad = [f for f in filled if f not in {x.id for x in fields}]
                if bad:
                    result.errors.append(RecordError(item.fields_given, f"{item.fields_given}: {', '.join(map(repr, bad))} is not a field of "
                                                                        f"form '{item.form}' [{', '.join(m.element('document', item.form).cite)}]"))
                    continue
                form_cite = list(m.element("document", item.form).cite)
                form_interps = m.element("document", item.form).interpretations
                trace.rely(form_interps)
                for f in fields:
                    if not f.optional and f.id not in filled:
                        missing.append({"id": f"{item.form}.{f.id}", "cite": form_cite, "label": f.label})
        if missing:
            complete = False
            where = ", ".join(element.cite)
            refusals.append({
                "rule": aid, "kind": "application", "cite": list(element.cite), "label": element.label,
                "missing": [x["id"] for x in missing],
                "message": f"{where}: {element.label.get('en', aid)}: incomplete, missing "
                           + ", ".join(f"{x['id']} ({', '.join(x['cite'])})" for x in missing),
            })
        missing_all += missing
        if trace.explain:
            trace.step(aid, "application", [x["id"] for x in missing], f"documents supplied: {', '.join(given) or 'none'}", tuple(a.names()))
    result.outputs["complete"] = complete
    result.outputs["missing"] = missing_all
    return refusals


def _ids(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def check_windows(m: Methodology, spec: Evaluation, scope: Scope, result: Result) -> list[dict]:
    """Report the evaluation's windows on a record; return a refusal for each date outside its window."""
    names, trace = scope.names, scope.trace
    reported, refusals = [], []
    verdicts = []
    for wid in spec.windows:
        w = m.windows[wid]
        if any(n in scope.failed for n in w.names()):
            continue
        try:
            opens, closes = w.bounds(names, scope.run)
        except EvaluationError as exc:
            result.errors.append(RecordError(wid, f"{wid}: {exc}"))
            continue
        entry: dict[str, Any] = {"id": wid, "opens": opens, "closes": closes}
        trace.rely(m.element("window", wid).interpretations)
        if w.date:
            day = names.get(w.date)
            within = None if day is None or opens is None or closes is None else opens <= day <= closes
            entry.update(date=day, within=within)
            verdicts.append(within)
            if within is False:
                element = m.element("window", wid)
                where = ", ".join(element.cite)
                refusals.append({
                    "rule": wid, "kind": "window", "cite": list(element.cite), "label": element.label,
                    "date": day, "opens": opens, "closes": closes,
                    "message": f"{where}: {element.label.get('en', wid)}: {w.date} {iso_or_dash(day)} is outside the window "
                               f"{w.describe(opens, closes)} ({'before it opens' if day < opens else 'after it closes'})",
                })
        reported.append(entry)
        if trace.explain:
            trace.step(wid, "window", entry, f"{w.describe(opens, closes)}" + (f"; {w.date} must fall within" if w.date else ""), tuple(w.names()))
    result.outputs["windows"] = reported
    if verdicts:
        result.outputs["on_time"] = False if False in verdicts else (None if None in verdicts else True)
    return refusals
