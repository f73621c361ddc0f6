"""A methodology: one edition of one act, compiled from its YAML file.

`compile_document` turns a located YAML document into a `Methodology` whose expressions are parsed
and checked once; every problem it meets becomes a located finding instead of an exception.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Optional

from ..elements.applications import Application
from ..elements.bodies import Body
from ..elements.cohorts import Cohort
from ..language.citations import cites
from ..elements.deadlines import Deadline
from ..language.expressions import Expression, ExpressionError, compile_expression
from ..language.findings import Finding
from ..elements.inputs import MISSING, HistorySource, InputSpec
from ..elements.maps import Constraint, ForEach, compile_constraints, compile_for_each
from ..elements.scales import Band, Bound, GapPolicy, Scale
from ..language.source import Document
from .extensions import SECTIONS as EXTENSION_SECTIONS
from ..elements.tables import Table, compile_tables
from ..elements.windows import Window


@dataclass(frozen=True)
class Element:
    """What every named element shares: where it comes from in the act and what it is called."""

    id: str
    kind: str  # parameter | input | scale | formula | eligibility | deadline | body | consequence | evaluation | document
    #            | cohort | application | window | table | interpretation: every named entry of the file
    cite: tuple[str, ...]
    label: dict
    interpretations: tuple[str, ...]


@dataclass(frozen=True)
class Formula:
    id: str
    expr: Expression
    each: Optional[ForEach] = None  # a for_each formula: expr once per item, the value a map item -> value

    @property
    def names(self) -> frozenset[str]:
        """Every name the formula reads (for a for_each formula: of `in`, `when` and `expr`, not the item)."""
        return self.each.names(self.expr) if self.each else self.expr.names


@dataclass(frozen=True)
class Rule:
    id: str
    require: Expression


@dataclass(frozen=True)
class Consequence:
    id: str
    when: Optional[Expression]
    deadline: Optional[str]
    amount: Optional[Decimal]
    amount_note: Optional[str]


@dataclass(frozen=True)
class Evaluation:
    id: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    score: Optional[str]
    rating: Optional[str]
    eligibility: tuple[str, ...]
    consequences: tuple[str, ...]
    cohort: Optional[str] = None  # a cohort id: the evaluation runs over all records at once
    applications: tuple[str, ...] = ()
    windows: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormField:
    id: str
    label: dict
    optional: bool = False  # the form asks for it only where it exists: never reported missing


@dataclass(frozen=True)
class Form:
    """A form of the act (an entry of `documents`); its citation and label are its `Element`'s."""

    id: str
    fields: tuple[FormField, ...] = ()  # none when the act gives only the form's title (`content_note`)


@dataclass(frozen=True)
class Interpretation:
    id: str
    cite: tuple[str, ...]
    says: str
    does: str
    why: str


@dataclass
class Methodology:
    """One edition, compiled: everything the engine reads of the file after compiling is here.

    The element modules read it through protocols of their own (`CohortsModel`, `TablesModel`, ...,
    and `ExtensionsModel` of methodology/extensions.py), which it satisfies by its shape."""

    family: str
    edition: str
    path: str
    sha256: str
    data: dict  # the file as written, for the diff, which compares two files as written; nothing else in the engine reads it
    act: dict
    validity: dict
    elements: dict[tuple[str, str], Element] = field(default_factory=dict)  # (kind, id) -> Element
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, InputSpec] = field(default_factory=dict)
    scales: dict[str, Scale] = field(default_factory=dict)
    formulas: dict[str, Formula] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    consequences: dict[str, Consequence] = field(default_factory=dict)
    evaluations: dict[str, Evaluation] = field(default_factory=dict)
    interpretations: dict[str, Interpretation] = field(default_factory=dict)
    calendar_interpretations: tuple[str, ...] = ()
    tables: dict[str, Table] = field(default_factory=dict)
    constraints: dict[str, list[Constraint]] = field(default_factory=dict)  # input id -> its constraints
    cohorts: dict[str, Cohort] = field(default_factory=dict)  # elements/cohorts.py
    applications: dict[str, Application] = field(default_factory=dict)  # elements/applications.py
    windows: dict[str, Window] = field(default_factory=dict)  # elements/windows.py
    documents: dict[str, Form] = field(default_factory=dict)
    # every place the file names interpretations: (path of the `interpretations` list, or of a gap
    # policy's `interpretation`, the ids named there), in the order of the file
    interpretation_refs: tuple[tuple[tuple, tuple[str, ...]], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.family}@{self.edition}"

    def element(self, kind: str, name: str) -> Element:
        return self.elements[(kind, name)]

    def entry(self, section: str, name: str) -> Optional[Element]:
        """The element `name` of a section of the file (`scales`, `tables`, ...), or None."""
        kind = KIND_OF_SECTION.get(section)
        return self.elements.get((kind, name)) if kind else None

    def kind_of(self, name: str) -> Optional[str]:
        """Which kind of value a bare name in an expression refers to."""
        for kind, table in (
            ("parameter", self.parameters), ("input", self.inputs), ("formula", self.formulas),
            ("deadline", self.deadlines), ("scale", self.scales), ("body", self.bodies), ("table", self.tables),
        ):
            if name in table:
                return kind
        return None


SECTIONS = ("parameters", "inputs", "scales", "formulas", "eligibility", "deadlines", "bodies", "consequences", "evaluations", "documents")
KIND_OF_SECTION = {
    "parameters": "parameter", "inputs": "input", "scales": "scale", "formulas": "formula", "eligibility": "eligibility",
    "deadlines": "deadline", "bodies": "body", "consequences": "consequence", "evaluations": "evaluation", "documents": "document",
}
SECTIONS += tuple(EXTENSION_SECTIONS)  # cohorts, applications, windows (methodology/extensions.py)
KIND_OF_SECTION.update({section: kind for section, (kind, _) in EXTENSION_SECTIONS.items()})
KIND_OF_SECTION.update(tables="table", interpretations="interpretation")  # compiled apart from SECTIONS
_EXTENSION_COMPILERS = {kind: (section, compile_) for section, (kind, compile_) in EXTENSION_SECTIONS.items()}


class Compiler:
    """Compiles one document's sections; every problem becomes a located finding (`error`, `expression`).

    The element modules' `compile_*` functions take it as a `CompileContext` (elements/contexts.py)."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.findings: list[Finding] = []

    def error(self, path: tuple, message: str, code: str, severity: str = "error") -> None:
        self.findings.append(self.doc.finding(path, message, code, severity))

    def expression(self, path: tuple, source: Any) -> Optional[Expression]:
        try:
            return compile_expression(source)
        except ExpressionError as exc:
            text = source if isinstance(source, str) else str(source)
            line, col = self.doc.locate_in_value(path, text, exc.col - 1)
            src = self.doc.lines[line - 1] if 0 < line <= len(self.doc.lines) else ""
            self.findings.append(Finding(self.doc.path, line, col, f"in expression: {exc}", "expr-invalid", "error", src))
            return None

    def input_spec(self, name: str, raw: dict, path: tuple, scales: dict) -> InputSpec:
        kind = raw.get("type", "string")
        items = None
        if kind in ("list", "map") and isinstance(raw.get("items"), dict):
            items = self.input_spec(f"{name}[]", raw["items"], path + ("items",), scales)
        values = tuple(str(v) for v in raw.get("values", ()))
        if kind == "enum" and "scale" in raw:
            scale = self.doc.data.get("scales", {}).get(raw["scale"])
            if isinstance(scale, dict) and isinstance(scale.get("table"), dict):  # bands from a table: its row ids
                values = tuple(str(r.get("id")) for r in ((self.doc.data.get("tables") or {}).get(scale["table"].get("id")) or {}).get("rows") or []
                               if isinstance(r, dict))
            elif isinstance(scale, dict):
                values = tuple(str(b.get("id")) for b in scale.get("bands", []) if isinstance(b, dict))
            else:
                self.error(path + ("scale",), f"input '{name}' names scale '{raw['scale']}', which is not defined", "ref-undefined")
        if kind == "enum" and "table" in raw:
            values = self.table_keys(name, raw["table"], path + ("table",))
        keys: tuple[str, ...] = ()
        if kind == "map":
            spec_keys = raw.get("keys")
            keys = self.table_keys(name, spec_keys["table"], path + ("keys", "table")) if isinstance(spec_keys, dict) else tuple(str(k) for k in spec_keys or ())
        default = raw.get("default", MISSING)
        source = raw.get("from_history")
        return InputSpec(
            id=name, type=kind, cite=cites(raw.get("cite")), label=raw.get("label"),
            min=self.bound(raw, "min", path), max=self.bound(raw, "max", path), values=values, items=items,
            min_items=self.bound(raw, "min_items", path), max_items=self.bound(raw, "max_items", path), default=default,
            optional=bool(raw.get("optional", False)), interpretations=tuple(raw.get("interpretations", ())), keys=keys,
            table=raw.get("table") if isinstance(raw.get("table"), str) else None,
            from_history=HistorySource(source.get("evaluation"), source.get("output"), source.get("periods")) if isinstance(source, dict) else None,
        )

    def bound(self, raw: dict, key: str, path: tuple) -> Any:
        """An input bound: a number, or the id of a parameter holding it (`max: incentive_max`)."""
        value = raw.get(key)
        if isinstance(value, str):
            param = (self.doc.data.get("parameters") or {}).get(value)
            number = _dec(param.get("value")) if isinstance(param, dict) else None
            if number is None:
                self.error(path + (key,), f"{key}: '{value}' is not a parameter holding a number", "ref-undefined")
                return None
            value = number
        if key in ("min_items", "max_items"):
            return int(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else None
        return _dec(value)

    def table_keys(self, name: str, table: Any, path: tuple) -> tuple[str, ...]:
        """The row ids of a table an input names (its enum values or map keys)."""
        raw = (self.doc.data.get("tables") or {}).get(table)
        if not isinstance(raw, dict):
            self.error(path, f"input '{name}' names table '{table}', which is not defined", "ref-undefined")
            return ()
        return tuple(str(r.get("id")) for r in raw.get("rows") or [] if isinstance(r, dict))

    def scale(self, name: str, raw: dict, path: tuple) -> Scale:
        bands = []
        band_paths: list[tuple] = []
        entries = [(path + ("bands", i), b) for i, b in enumerate(raw.get("bands", []))]
        if isinstance(raw.get("table"), dict):
            entries = self.table_bands(name, raw["table"], path + ("table",))
        for bpath, b in entries:
            if not isinstance(b, dict):
                continue
            lower = upper = None
            if "equals" in b:
                lower = upper = Bound(_dec(b["equals"]), True)
            if "at_least" in b:
                lower = Bound(_dec(b["at_least"]), True)
            if "more_than" in b:
                lower = Bound(_dec(b["more_than"]), False)
            if "at_most" in b:
                upper = Bound(_dec(b["at_most"]), True)
            if "less_than" in b:
                upper = Bound(_dec(b["less_than"]), False)
            if lower and upper and (lower.value > upper.value or (lower.value == upper.value and not (lower.inclusive and upper.inclusive))):
                self.error(bpath, f"band '{b.get('id')}' of scale '{name}' is empty ({lower.value} to {upper.value})", "band-empty")
            band_paths.append(bpath)
            bands.append(Band(
                id=str(b.get("id")), label=b.get("label", {}), lower=lower, upper=upper,
                points=_dec(b.get("points")), interpretations=tuple(b.get("interpretations", ())), cite=cites(b.get("cite")),
            ))
        policies = [
            GapPolicy(
                between=tuple(g.get("between", (None, None))), resolve=g.get("resolve", "error"),
                cite=cites(g.get("cite")), interpretation=g.get("interpretation"),
            )
            for g in raw.get("gaps", []) if isinstance(g, dict)
        ]
        domain = raw.get("domain") or {}
        step = _dec(domain.get("step"))
        if step is not None and step <= 0:
            self.error(path + ("domain", "step"), f"the step of scale '{name}' must be more than 0", "schema")
            step = None
        return Scale(
            id=name, label=raw.get("label", {}), cite=cites(raw.get("cite")), bands=bands, policies=policies,
            domain_low=_dec(domain.get("at_least")), domain_high=_dec(domain.get("at_most")),
            integer_domain=bool(domain.get("integer", False)), interpretations=tuple(raw.get("interpretations", ())),
            step=step, band_paths=tuple(band_paths), table=(raw.get("table") or {}).get("id") if isinstance(raw.get("table"), dict) else None,
        )

    def table_bands(self, name: str, spec: dict, path: tuple) -> list[tuple[tuple, dict]]:
        """A scale's bands from the rows of a table (`table: {id, lower: {at_least: c}, upper: {at_most: c}, points: c}`),
        each as the band it would be if written out, ordered by lower bound (no lower bound first), with the row's path."""
        tid = spec.get("id")
        raw = (self.doc.data.get("tables") or {}).get(tid)
        if not isinstance(raw, dict):
            self.error(path + ("id",), f"scale '{name}' takes its bands from table '{tid}', which is not defined", "ref-undefined")
            return []
        columns = raw.get("columns") or {}
        keys: dict[str, tuple[str, str]] = {}  # band key -> (column, side)
        for side in ("lower", "upper"):
            for key, column in (spec.get(side) or {}).items():
                keys[key] = (str(column), side)
        if spec.get("points") is not None:
            keys["points"] = (str(spec["points"]), "points")
        ok = True
        for key, (column, side) in keys.items():
            where = path + ((side, key) if side != "points" else ("points",))
            if column not in columns:
                self.error(where, f"table '{tid}' has no column '{column}' (columns: {', '.join(map(str, columns)) or 'none'})", "table-column-unknown")
                ok = False
            elif (columns[column] or {}).get("type") not in ("decimal", "integer"):
                self.error(where, f"column '{column}' of table '{tid}' is of type {(columns[column] or {}).get('type')}; a bound needs a decimal or integer column", "type-mismatch")
                ok = False
        if not ok:
            return []
        out = []
        for i, row in enumerate(raw.get("rows") or []):
            if not isinstance(row, dict):
                continue
            band = {"id": row.get("id"), "label": row.get("label", {}), "cite": row.get("cite"), "interpretations": row.get("interpretations", [])}
            for key, (column, _) in keys.items():
                if row.get(column) is not None:
                    band[key] = row[column]
            out.append(((("tables", tid, "rows", i)), band))
        lows = [_dec(b.get("at_least", b.get("more_than"))) for _, b in out]
        order = sorted(range(len(out)), key=lambda i: (lows[i] is not None, lows[i] or 0, i))
        return [out[i] for i in order]

    def body(self, name: str, raw: dict) -> Body:
        quorum = raw.get("quorum") or {}
        fraction_text = quorum.get("more_than", quorum.get("at_least"))
        fraction = Fraction(str(fraction_text)) if fraction_text is not None else None
        tie = raw.get("tie") or {}
        members = raw.get("members") or {}
        return Body(
            id=name, label=raw.get("label", {}), cite=cites(raw.get("cite")), quorum=fraction,
            quorum_strict="more_than" in quorum, quorum_cite=cites(quorum.get("cite")),
            casting_vote=tie.get("casting_vote"), tie_cite=cites(tie.get("cite")),
            min_members=members.get("at_least"),
        )

    def form(self, name: str, raw: dict) -> Form:
        fields = tuple(FormField(str(f.get("id")), f.get("label") or {}, bool(f.get("optional", False)))
                       for f in raw.get("fields") or [] if isinstance(f, dict))
        return Form(name, fields)

    def deadline(self, name: str, raw: dict, path: tuple, interpretations: tuple) -> Deadline:
        fixed = raw.get("fixed")
        year = self.expression(path + ("year",), raw["year"]) if "year" in raw else None
        return Deadline(
            id=name, label=raw.get("label", {}), cite=cites(raw.get("cite")), interpretations=interpretations,
            fixed=(int(fixed["month"]), int(fixed["day"])) if isinstance(fixed, dict) else None, year=year,
            anchor=raw.get("from"), count=int(raw.get("count", 0)), unit=raw.get("unit", "calendar_days"),
            direction=raw.get("direction", "after"), roll=raw.get("roll", "auto"),
        )


def compile_document(doc: Document, family: str | None = None, edition: str | None = None) -> tuple[Methodology, list[Finding]]:
    """Build a Methodology from a (schema-valid) document; problems become findings."""
    data = doc.data if isinstance(doc.data, dict) else {}
    c = Compiler(doc)
    text = "\n".join(doc.lines)
    m = Methodology(
        family=str(data.get("family", family or "")), edition=str(data.get("edition", edition or "")), path=doc.path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), data=data,
        act=data.get("act") or {}, validity=data.get("validity") or {},
        calendar_interpretations=tuple((data.get("calendar") or {}).get("interpretations", ())),
    )
    for section in SECTIONS:
        table = data.get(section) or {}
        if not isinstance(table, dict):
            continue
        kind = KIND_OF_SECTION[section]
        for name, raw in table.items():
            if not isinstance(raw, dict):
                continue
            name = str(name)
            path = (section, name)
            interps = tuple(raw.get("interpretations", ()))
            if kind == "body":  # a body's rules (quorum, majority, ...) carry their own interpretations
                interps += tuple(i for part in raw.values() if isinstance(part, dict) for i in part.get("interpretations", ()))
            m.elements[(kind, name)] = Element(name, kind, cites(raw.get("cite")), raw.get("label") or {}, interps)
            if kind == "parameter":
                value = raw.get("value")
                m.parameters[name] = Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
            elif kind == "input":
                m.inputs[name] = c.input_spec(name, raw, path, data.get("scales", {}))
            elif kind == "scale":
                m.scales[name] = c.scale(name, raw, path)
            elif kind == "formula":
                expr = c.expression(path + ("expr",), raw.get("expr"))
                if expr:
                    each = compile_for_each(c, path + ("for_each",), raw["for_each"]) if "for_each" in raw else None
                    m.formulas[name] = Formula(name, expr, each)
            elif kind == "eligibility":
                expr = c.expression(path + ("require",), raw.get("require"))
                if expr:
                    m.rules[name] = Rule(name, expr)
            elif kind == "deadline":
                m.deadlines[name] = c.deadline(name, raw, path, interps)
            elif kind == "body":
                m.bodies[name] = c.body(name, raw)
            elif kind == "document":
                m.documents[name] = c.form(name, raw)
            elif kind == "consequence":
                when = c.expression(path + ("when",), raw["when"]) if "when" in raw else None
                m.consequences[name] = Consequence(name, when, raw.get("deadline"), _dec(raw.get("amount")), raw.get("amount_note"))
            elif kind == "evaluation":
                m.evaluations[name] = Evaluation(
                    id=name, inputs=tuple(raw.get("inputs", ())), outputs=tuple(raw.get("outputs", ())),
                    score=raw.get("score"), rating=raw.get("rating"), eligibility=tuple(raw.get("eligibility", ())),
                    consequences=tuple(raw.get("consequences", ())), cohort=raw.get("cohort"),
                    applications=tuple(raw.get("applications", ())), windows=tuple(raw.get("windows", ())),
                )
            elif kind in _EXTENSION_COMPILERS:
                section_of, compile_ = _EXTENSION_COMPILERS[kind]
                getattr(m, section_of)[name] = compile_(c, name, raw, path)
    for name, raw in (data.get("interpretations") or {}).items():
        if isinstance(raw, dict):
            m.interpretations[str(name)] = Interpretation(
                str(name), cites(raw.get("cite")), str(raw.get("says", "")), str(raw.get("does", "")), str(raw.get("why", ""))
            )
            m.elements[("interpretation", str(name))] = Element(str(name), "interpretation", m.interpretations[str(name)].cite, {}, ())
    m.tables = compile_tables(data, cites)
    for name, t in m.tables.items():
        m.elements[("table", name)] = Element(name, "table", t.cite, t.label, t.interpretations)
    m.constraints = compile_constraints(c, data, cites)
    m.interpretation_refs = tuple(interpretation_refs(data))
    return m, c.findings


def interpretation_refs(data: Any, path: tuple = ()) -> Iterable[tuple[tuple, tuple[str, ...]]]:
    """Every `interpretations: [...]` list and gap `interpretation:` in the document, with its path
    (the top-level `interpretations` section defines them, so it is not a reference)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "interpretations" and isinstance(v, list) and path != ():
                yield path + (k,), tuple(str(x) for x in v)
            elif k == "interpretation" and isinstance(v, str):
                yield path + (k,), (v,)
            elif not (path == () and k == "interpretations"):
                yield from interpretation_refs(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from interpretation_refs(v, path + (i,))


def _dec(value: Any) -> Optional[Decimal]:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None
