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
from typing import Mapping, Optional, Protocol

from ..language.citations import cites
from .contexts import CheckContext, CompileContext, EvaluationRefs
from .inputs import InputSpec


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


def compile_application(c: CompileContext, name: str, raw: dict, path: tuple) -> Application:
    items = tuple(
        Item(id=str(i.get("id")), cite=cites(i.get("cite")), label=i.get("label") or {}, optional=bool(i.get("optional", False)),
             form=i.get("form"), fields_given=i.get("fields_given"), interpretations=tuple(i.get("interpretations", ())))
        for i in raw.get("items", []) if isinstance(i, dict)
    )
    return Application(id=name, cite=cites(raw.get("cite")), label=raw.get("label") or {},
                       interpretations=tuple(raw.get("interpretations", ())), given=str(raw.get("given", "")), items=items)


# -- semantic checks ---------------------------------------------------------------------------------
class ApplicationsModel(Protocol):
    """What the checks of applications read of the methodology."""

    @property
    def applications(self) -> Mapping[str, Application]: ...

    @property
    def documents(self) -> Mapping[str, object]: ...

    @property
    def inputs(self) -> Mapping[str, InputSpec]: ...

    @property
    def evaluations(self) -> Mapping[str, EvaluationRefs]: ...


def check(ck: CheckContext[ApplicationsModel]) -> None:
    m = ck.m
    for name, a in m.applications.items():
        p = ("applications", name)
        _list_input(ck, p + ("given",), name, a.given)
        ids = [i.id for i in a.items]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            ck.error(p + ("items", ids.index(dup), "id"), f"application '{name}' lists item '{dup}' twice", "item-duplicate")
        for n, item in enumerate(a.items):
            if item.form and item.form not in m.documents:
                ck.error(p + ("items", n, "form"), f"item '{item.id}' is the form '{item.form}', which is not in documents", "ref-undefined")
            if item.fields_given:
                _list_input(ck, p + ("items", n, "fields_given"), name, item.fields_given)
    for name, e in m.evaluations.items():
        for i, aid in enumerate(e.applications):
            if aid not in m.applications:
                ck.error(("evaluations", name, "applications", i), f"evaluation '{name}' lists application '{aid}', which is not defined", "ref-undefined")


def _list_input(ck: CheckContext[ApplicationsModel], path: tuple, name: str, input_id: str) -> None:
    spec = ck.m.inputs.get(input_id)
    if spec is None:
        ck.error(path, f"application '{name}' reads '{input_id}', which is not an input", "ref-undefined")
    elif spec.type != "list" or spec.items is None or spec.items.type not in ("string", "enum"):
        ck.error(path, f"application '{name}' reads '{input_id}', which must be a list of strings (ids), not {spec.type}", "type-mismatch")
