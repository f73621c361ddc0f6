"""Admission of a record: the documents its applications need and the date windows it must fall within.

Each check reports on the record and returns the refusals it gives, naming the paragraph.
"""
from __future__ import annotations

from typing import Any

from ..elements.windows import iso_or_dash
from ..language.expressions import EvaluationError
from .results import RecordError


def check_applications(ev: Any, names: dict, failed: set, result: Any) -> list[dict]:
    """Report `complete` and `missing` for the evaluation's applications; return a refusal for each incomplete one.

    `ev` is the record's evaluator (its `_rely` and `_step` record what was used)."""
    m = ev.m
    missing_all: list[dict] = []
    refusals: list[dict] = []
    complete = True
    for aid in ev.spec.applications:
        a = m.applications[aid]
        element = m.element("application", aid)
        ev._rely(element.interpretations)
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
                    ev._rely(item.interpretations)
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
                ev._rely(form_interps)
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
        if ev.explain:
            ev._step(result, aid, "application", [x["id"] for x in missing], f"documents supplied: {', '.join(given) or 'none'}",
                     "application", tuple(a.names()))
    result.outputs["complete"] = complete
    result.outputs["missing"] = missing_all
    return refusals


def _ids(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def check_windows(ev: Any, names: dict, failed: set, result: Any) -> list[dict]:
    """Report the evaluation's windows on a record; return a refusal for each date outside its window.

    `ev` is the record's evaluator (its `_rely` and `_step` record what was used)."""
    m = ev.m
    reported, refusals = [], []
    verdicts = []
    for wid in ev.spec.windows:
        w = m.windows[wid]
        if any(n in failed for n in w.names()):
            continue
        try:
            opens, closes = w.bounds(names, ev.interpreter.run)
        except EvaluationError as exc:
            result.errors.append(RecordError(wid, f"{wid}: {exc}"))
            continue
        entry: dict[str, Any] = {"id": wid, "opens": opens, "closes": closes}
        ev._rely(m.element("window", wid).interpretations)
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
        if ev.explain:
            ev._step(result, wid, "window", entry, f"{w.describe(opens, closes)}" + (f"; {w.date} must fall within" if w.date else ""),
                    "window", tuple(w.names()))
    result.outputs["windows"] = reported
    if verdicts:
        result.outputs["on_time"] = False if False in verdicts else (None if None in verdicts else True)
    return refusals
