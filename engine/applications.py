"""Applications: the documents (and the fields of forms) an act requires, and what a record lacks.

An application lists its `items` (the act's documents, each with its paragraph). A record names
the items it supplies in a list input (`given`); an item that is a form of the file (`form`, an
entry of `documents`) may also name a list input of the form's fields that were filled in
(`fields_given`): every field of the form not marked `optional` must be among them. The record's
result reports `complete` and `missing` (each missing item or field with its citation and label),
and an incomplete application is a refusal that lists what is missing. An id the application does
not know is an error for the record, never ignored.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .citations import cites


@dataclass(frozen=True)
class Item:
    id: str
    cite: tuple[str, ...]
    label: dict
    optional: bool = False
    form: Optional[str] = None  # a `documents` id
    fields_given: Optional[str] = None  # a list input: the form's fields filled in
    interpretations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Application:
    id: str
    cite: tuple[str, ...]
    label: dict
    interpretations: tuple[str, ...]
    given: str  # a list input: the ids of the items supplied
    items: tuple[Item, ...]

    def names(self) -> list[str]:
        return [self.given] + [i.fields_given for i in self.items if i.fields_given]


def compile_application(c: Any, name: str, raw: dict, path: tuple) -> Application:
    items = tuple(
        Item(id=str(i.get("id")), cite=cites(i.get("cite")), label=i.get("label") or {}, optional=bool(i.get("optional", False)),
             form=i.get("form"), fields_given=i.get("fields_given"), interpretations=tuple(i.get("interpretations", ())))
        for i in raw.get("items", []) if isinstance(i, dict)
    )
    return Application(id=name, cite=cites(raw.get("cite")), label=raw.get("label") or {},
                       interpretations=tuple(raw.get("interpretations", ())), given=str(raw.get("given", "")), items=items)


def form_fields(m: Any, form: str) -> list[dict]:
    """The fields of a `documents` entry, as written (id, label, optional)."""
    doc = (m.data.get("documents") or {}).get(form)
    return [f for f in (doc or {}).get("fields", []) if isinstance(f, dict)]


# -- semantic checks ---------------------------------------------------------------------------------
def check(ck: Any) -> None:
    m = ck.m
    for name, a in m.applications.items():
        p = ("applications", name)
        _list_input(ck, p + ("given",), name, a.given)
        ids = [i.id for i in a.items]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            ck.error(p + ("items", ids.index(dup), "id"), f"application '{name}' lists item '{dup}' twice", "item-duplicate")
        for n, item in enumerate(a.items):
            if item.form and item.form not in (m.data.get("documents") or {}):
                ck.error(p + ("items", n, "form"), f"item '{item.id}' is the form '{item.form}', which is not in documents", "ref-undefined")
            if item.fields_given:
                _list_input(ck, p + ("items", n, "fields_given"), name, item.fields_given)
    for name, e in m.evaluations.items():
        for i, aid in enumerate(e.applications):
            if aid not in m.applications:
                ck.error(("evaluations", name, "applications", i), f"evaluation '{name}' lists application '{aid}', which is not defined", "ref-undefined")


def _list_input(ck: Any, path: tuple, name: str, input_id: str) -> None:
    spec = ck.m.inputs.get(input_id)
    if spec is None:
        ck.error(path, f"application '{name}' reads '{input_id}', which is not an input", "ref-undefined")
    elif spec.type != "list" or spec.items is None or spec.items.type not in ("string", "enum"):
        ck.error(path, f"application '{name}' reads '{input_id}', which must be a list of strings (ids), not {spec.type}", "type-mismatch")


# -- a record ----------------------------------------------------------------------------------------
def check_record(ev: Any, names: dict, failed: set, result: Any) -> list[dict]:
    """Report `complete` and `missing` for the evaluation's applications; return a refusal for each incomplete one.

    `ev` is the record's `engine.evaluate.Evaluator` (its `_rely` and `_step` record what was used)."""
    from .evaluate import RecordError  # here: engine.evaluate imports this module

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
                fields = form_fields(m, item.form)
                filled = _ids(names.get(item.fields_given))
                bad = [f for f in filled if f not in {str(x.get("id")) for x in fields}]
                if bad:
                    result.errors.append(RecordError(item.fields_given, f"{item.fields_given}: {', '.join(map(repr, bad))} is not a field of "
                                                                        f"form '{item.form}' [{', '.join(m.element('document', item.form).cite)}]"))
                    continue
                form_cite = list(m.element("document", item.form).cite)
                form_interps = m.element("document", item.form).interpretations
                ev._rely(form_interps)
                for f in fields:
                    if not f.get("optional", False) and str(f.get("id")) not in filled:
                        missing.append({"id": f"{item.form}.{f.get('id')}", "cite": form_cite, "label": f.get("label") or {}})
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
