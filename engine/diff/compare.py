"""Comparing two methodologies in the act's terms: element by element, band by band.

Both files are walked as data (`Methodology.data`). Elements are matched by their stable id within
their section; the fields of an element are compared generically, except where the act's terms
need more than equality:

- scales: band by band (matched by band id), each bound as a value with its inclusivity, points,
  labels; gap policies matched by the bands they sit between;
- formulas and every other expression: compared as parsed expressions (the canonical dump of the
  tree `compile_expression` builds, numbers compared as decimals), so spacing and redundant
  brackets are not differences;
- bodies: the quorum as a fraction with its strictness ("more than" / "at least");
- deadlines: a fixed date as a day of the year;
- lists of ids (an evaluation's outputs, interpretations, ...): as sets (order is not a rule);
- lists of items with ids (document fields): matched by id.

An element (or band, or field) missing on one side whose content equals one missing on the other
side, apart from its id, is *renamed*; references to a renamed element (in expressions, evaluations,
deadlines, gap policies, interpretation lists) are followed, so a rename is one difference.

Each difference has a category:
- `rule`: kind `added`, `removed`, `changed` or `renamed` — what a result is, which interpretations
  it reports, or the identity and validity of the act;
- `citation`: kind `citation` — the same rule cited to another paragraph;
- `wording`: kind `wording` — labels (kk/en), notes, and what an interpretation quotes (`says`) or
  argues (`why`). A wording difference never changes a result.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Optional

from ..language.expressions import ExpressionError, compile_expression
from ..language import values
from ..language.values import number
from ..methodology.model import KIND_OF_SECTION, Methodology, cites

RULE, CITATION, WORDING = "rule", "citation", "wording"
CATEGORIES = (RULE, CITATION, WORDING)
KINDS = ("added", "removed", "changed", "renamed", "citation", "wording")

# Top-level keys: the file's own id (shown in the header, never a difference), single mappings, plain values.
IDENTITY_KEYS = ("family", "edition")
SINGLETONS = ("act", "validity", "calendar")
ORDER = ("act", "validity", "language", "supersedes", "calendar", "parameters", "inputs", "scales", "formulas",
         "eligibility", "deadlines", "bodies", "consequences", "evaluations", "documents", "interpretations")

# Keys whose value is an expression, per section.
EXPRESSIONS = {("formulas", "expr"), ("eligibility", "require"), ("consequences", "when"), ("deadlines", "year")}
# Sections whose ids an expression can name.
EXPRESSION_NAMES = ("parameters", "inputs", "formulas", "deadlines", "scales", "bodies")
# Keys that name other elements: (section, key) -> the sections the ids live in.
REFERENCES = {
    ("inputs", "scale"): ("scales",),
    ("deadlines", "from"): ("inputs", "formulas", "deadlines"),
    ("consequences", "deadline"): ("deadlines",),
    ("evaluations", "inputs"): ("inputs",),
    ("evaluations", "outputs"): ("formulas", "deadlines"),
    ("evaluations", "score"): ("formulas",),
    ("evaluations", "rating"): ("scales",),
    ("evaluations", "eligibility"): ("eligibility",),
    ("evaluations", "consequences"): ("consequences",),
    ("evaluations", "cohort"): ("cohorts",),
    ("evaluations", "windows"): ("windows",),
    ("evaluations", "applications"): ("applications",),
    ("windows", "opens"): ("deadlines",),
    ("windows", "closes"): ("deadlines",),
}
# What an absent key means, where the language gives it a meaning.
DEFAULTS = {
    ("deadlines", "direction"): "after",
    ("deadlines", "roll"): "auto",
    ("inputs", "optional"): False,
}
BOUND_KEYS = ("equals", "at_least", "more_than", "at_most", "less_than")
INTERPRETATION_TEXT = {"says": WORDING, "why": WORDING, "does": RULE}
_ABSENT = object()
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Difference:
    """One difference between A and B, located by section, element id and the part of the element."""

    section: str
    id: str
    part: str  # "" = the element as a whole; e.g. "bands.effective.lower", "fields.checked", "quorum", "label"
    kind: str  # added | removed | changed | renamed | citation | wording
    what: str  # in the act's terms, before → after
    before: Any = None
    after: Any = None
    cite_before: tuple[str, ...] = ()
    cite_after: tuple[str, ...] = ()

    @property
    def category(self) -> str:
        return WORDING if self.kind == "wording" else CITATION if self.kind == "citation" else RULE

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.section, self.id, self.part, self.kind)

    def as_dict(self) -> dict:
        return {
            "section": self.section, "id": self.id, "part": self.part, "kind": self.kind, "category": self.category,
            "what": self.what, "before": _plain(self.before), "after": _plain(self.after),
            "cite": {"before": list(self.cite_before), "after": list(self.cite_after)},
        }


@dataclass
class Comparison:
    a: Methodology
    b: Methodology
    differences: list[Difference]
    renames: dict[str, dict[str, str]] = field(default_factory=dict)  # section -> {id in A: id in B}

    def of(self, category: str) -> list[Difference]:
        return [d for d in self.differences if d.category == category]

    @property
    def rules(self) -> list[Difference]:
        return self.of(RULE)

    def counts(self) -> dict[str, int]:
        return {c: len(self.of(c)) for c in CATEGORIES}

    def touching(self, elements: Iterable[tuple[str, str]]) -> list[Difference]:
        """Rule differences of the given (section, id) elements, under either side's id."""
        wanted = set(elements)
        back = {(s, new): old for s, table in self.renames.items() for old, new in table.items()}
        out = []
        for d in self.rules:
            if (d.section, d.id) in wanted or ((d.section, d.id) in back and (d.section, back[(d.section, d.id)]) in wanted):
                out.append(d)
        return out


def compare(a: Methodology, b: Methodology) -> Comparison:
    """Every difference between A and B, in the order of the file (sections, then elements)."""
    differ = _Differ(a.data or {}, b.data or {})
    differ.run()
    return Comparison(a, b, differ.out, differ.renames)


# -- the walk --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Ctx:
    section: str
    id: str
    cite_a: tuple[str, ...]
    cite_b: tuple[str, ...]

    def cited(self, a: Any, b: Any) -> "_Ctx":
        """The same element, with the citations of a part that cites its own paragraph."""
        ca = cites(a.get("cite")) if isinstance(a, dict) and a.get("cite") else self.cite_a
        cb = cites(b.get("cite")) if isinstance(b, dict) and b.get("cite") else self.cite_b
        return _Ctx(self.section, self.id, ca, cb)


class _Differ:
    def __init__(self, a: dict, b: dict):
        self.a, self.b = a, b
        self.out: list[Difference] = []
        self.renames: dict[str, dict[str, str]] = {}

    # ---- entry -----------------------------------------------------------------------------------
    def run(self) -> None:
        keys = [k for k in ORDER if k in self.a or k in self.b]
        keys += sorted(k for k in {*self.a, *self.b} if k not in ORDER and k not in IDENTITY_KEYS)
        sections = [k for k in keys if k not in SINGLETONS and _is_table(self.a.get(k)) and _is_table(self.b.get(k))]
        self._detect_renames(sections)
        for key in keys:
            va, vb = self.a.get(key, _ABSENT), self.b.get(key, _ABSENT)
            if key in sections:
                self._section(key, va if va is not _ABSENT else {}, vb if vb is not _ABSENT else {})
            elif key in SINGLETONS or isinstance(va, dict) or isinstance(vb, dict):
                da, db = (va if isinstance(va, dict) else {}), (vb if isinstance(vb, dict) else {})
                self._dict(_Ctx(key, key, cites(da.get("cite")), cites(db.get("cite"))), (), da, db)
            elif not self._same(key, (key,), va, vb):
                self._value(_Ctx(key, key, (), ()), (), va, vb)

    # ---- renames ---------------------------------------------------------------------------------
    def _detect_renames(self, sections: list[str]) -> None:
        """Pair an id only in A with an id only in B when the contents match; repeat, since a
        rename can make the contents of elements that refer to it match too."""
        while True:
            found = False
            for section in sections:
                ta, tb = self.a.get(section) or {}, self.b.get(section) or {}
                done = self.renames.get(section, {})
                only_a = [k for k in ta if k not in tb and k not in done]
                only_b = [k for k in tb if k not in ta and k not in done.values()]
                if not only_a or not only_b:
                    continue
                canon_b: dict[Any, list[str]] = {}
                for k in only_b:
                    canon_b.setdefault(self._canon(section, (), tb[k], "b"), []).append(k)
                for k in only_a:
                    matches = [m for m in canon_b.get(self._canon(section, (), ta[k], "a"), []) if m not in done.values()]
                    if len(matches) == 1:
                        self.renames.setdefault(section, {})[k] = matches[0]
                        done = self.renames[section]
                        found = True
            if not found:
                return

    def _mapped(self, sections: Iterable[str], name: Any) -> Any:
        """A's name of an element as B calls it."""
        if not isinstance(name, str):
            return name
        for s in sections:
            if name in self.renames.get(s, {}):
                return self.renames[s][name]
        return name

    # ---- canonical values (for equality) ----------------------------------------------------------
    def _canon(self, section: str, path: tuple, value: Any, side: str) -> Any:
        key = path[-1] if path else None
        mapping = side == "a"
        if (section, key) in EXPRESSIONS and len(path) == 1:
            return ("expr", _expression_key(value, self._name_map() if mapping else {}))
        if key == "interpretations":
            items = value if isinstance(value, list) else []
            return frozenset(self._mapped(["interpretations"], i) if mapping else i for i in items)
        if key == "interpretation":
            return self._mapped(["interpretations"], value) if mapping else value
        if (section, key) in REFERENCES:
            targets = REFERENCES[(section, key)]
            if isinstance(value, list):
                return frozenset(self._mapped(targets, v) if mapping else v for v in value)
            return self._mapped(targets, value) if mapping else value
        if section == "bodies" and key == "quorum" and isinstance(value, dict):
            rest = {k: v for k, v in value.items() if k not in ("more_than", "at_least")}
            return ("quorum", _quorum(value), self._canon(section, path + ("*",), rest, side))
        if isinstance(value, dict):
            return tuple(sorted((str(k), self._canon(section, path + (k,), v, side)) for k, v in value.items()
                                if not (path == () and DEFAULTS.get((section, k), _ABSENT) == v)))
        if isinstance(value, list):
            if all(isinstance(i, dict) for i in value):
                return tuple(sorted((repr(self._canon(section, path + ("[]",), i, side)) for i in value)))
            if key == "between":
                return tuple(_scalar(v) for v in value)
            return frozenset(_scalar(v) for v in value)
        return _scalar(value)

    def _name_map(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for s in EXPRESSION_NAMES:
            out.update(self.renames.get(s, {}))
        return out

    def _same(self, section: str, path: tuple, va: Any, vb: Any) -> bool:
        if va is _ABSENT:
            va = DEFAULTS.get((section, path[-1]), None) if path else None
        if vb is _ABSENT:
            vb = DEFAULTS.get((section, path[-1]), None) if path else None
        return self._canon(section, path, va, "a") == self._canon(section, path, vb, "b")

    # ---- sections and elements ---------------------------------------------------------------------
    def _section(self, section: str, ta: dict, tb: dict) -> None:
        renamed = self.renames.get(section, {})
        back = {new: old for old, new in renamed.items()}
        noun = KIND_OF_SECTION.get(section, section.rstrip("s"))
        for name in list(ta) + [k for k in tb if k not in ta]:
            ea, eb = ta.get(name), tb.get(name)
            if name in renamed:
                continue  # reported under its new id
            if name in back:
                old = back[name]
                ea = ta[old]
                self.out.append(Difference(
                    section, str(name), "", "renamed", f"{noun} {old} renamed {name} (content unchanged)", old, name,
                    cites(_get(ea, "cite")), cites(_get(eb, "cite"))))
                continue
            if ea is None:
                self.out.append(Difference(section, str(name), "", "added", f"{noun} {name} added{_summary(section, eb)}",
                                           None, eb, (), cites(_get(eb, "cite"))))
            elif eb is None:
                self.out.append(Difference(section, str(name), "", "removed", f"{noun} {name} removed{_summary(section, ea)}",
                                           ea, None, cites(_get(ea, "cite")), ()))
            elif isinstance(ea, dict) and isinstance(eb, dict):
                ctx = _Ctx(section, str(name), cites(ea.get("cite")), cites(eb.get("cite")))
                self._dict(ctx, (), ea, eb)
            elif not self._same(section, (name,), ea, eb):
                self._value(_Ctx(section, str(name), (), ()), (), ea, eb)

    def _dict(self, ctx: _Ctx, path: tuple, da: dict, db: dict, skip: tuple = ()) -> None:
        for key in list(da) + [k for k in db if k not in da]:
            if key in skip:
                continue
            va, vb = da.get(key, _ABSENT), db.get(key, _ABSENT)
            self._field(ctx, path + (key,), va, vb)

    def _field(self, ctx: _Ctx, path: tuple, va: Any, vb: Any) -> None:
        section, key = ctx.section, path[-1]
        if self._same(section, path, va, vb):
            return
        a, b = _none(va), _none(vb)
        if key == "label" or _is_note(key) or (section == "interpretations" and INTERPRETATION_TEXT.get(key) == WORDING):
            if _label_like(a, b):
                changed = [f"{lang} «{a.get(lang, '')}» → «{b.get(lang, '')}»" for lang in ("kk", "en") if a.get(lang) != b.get(lang)]
                what = f"{_part_words(path)}: {'; '.join(changed)}"
            else:
                what = f"{_part_words(path)}: {_words(a)} → {_words(b)}"
            self._emit(ctx, path, "wording", what, a, b)
        elif key == "cite":
            self._emit(ctx, path, "citation", f"{_part_words(path)}: {_cite_words(a)} → {_cite_words(b)}", cites(a), cites(b))
        elif section == "scales" and path == ("bands",):
            self._bands(ctx, a or [], b or [])
        elif section == "scales" and path == ("gaps",):
            self._gaps(ctx, a or [], b or [])
        elif section == "bodies" and key == "quorum" and len(path) == 1:
            self._quorum(ctx.cited(a, b), path, a or {}, b or {})
        elif section == "deadlines" and key == "fixed":
            self._emit(ctx, path, "changed", f"fixed date: {_fixed_words(a)} → {_fixed_words(b)}", a, b)
        elif (section, key) in EXPRESSIONS and len(path) == 1:
            self._emit(ctx, path, "changed", f"{_part_words(path)}: {_words(a)} → {_words(b)}", a, b)
        elif isinstance(a, list) and isinstance(b, list) and (a + b) and all(isinstance(i, dict) and "id" in i for i in a + b):
            self._keyed(ctx, path, a, b)
        elif isinstance(a, dict) and isinstance(b, dict) and not _label_like(a, b):
            self._dict(ctx.cited(a, b), path, a, b)
        else:
            self._value(ctx, path, a, b)

    def _value(self, ctx: _Ctx, path: tuple, a: Any, b: Any) -> None:
        if a is _ABSENT:
            a = None
        if b is _ABSENT:
            b = None
        if isinstance(a, list) and b is None:
            b = []
        if isinstance(b, list) and a is None:
            a = []
        what = f"{_part_words(path) or ctx.section}: {_words(a)} → {_words(b)}"
        if isinstance(a, list) and isinstance(b, list) and not any(isinstance(i, (dict, list)) for i in a + b):
            key = path[-1] if path else None
            targets = REFERENCES.get((ctx.section, key)) or (("interpretations",) if key == "interpretations" else ())
            mapped = [self._mapped(targets, i) for i in a]  # A's ids as B calls them
            gone = [i for i, m in zip(a, mapped) if m not in b]
            new = [i for i in b if i not in mapped]
            bits = [f"+ {_words(i)}" for i in new] + [f"− {_words(i)}" for i in gone]
            what = f"{_part_words(path) or ctx.section}: {'; '.join(bits)}"
        if ctx.section == "deadlines" and path and path[-1] in ("from", "count", "unit", "direction", "roll"):
            ea, eb = (self.a.get("deadlines") or {}).get(ctx.id), (self.b.get("deadlines") or {}).get(ctx.id)
            what += f" ({_deadline_words(ea)} → {_deadline_words(eb)})"
        self._emit(ctx, path, "changed", what, a, b)

    def _emit(self, ctx: _Ctx, path: tuple, kind: str, what: str, before: Any, after: Any) -> None:
        self.out.append(Difference(ctx.section, ctx.id, _part(path), kind, what, before, after, ctx.cite_a, ctx.cite_b))

    # ---- lists of items with ids (document fields, ...) ---------------------------------------------
    def _keyed(self, ctx: _Ctx, path: tuple, la: list, lb: list) -> None:
        ia = {str(i["id"]): i for i in la}
        ib = {str(i["id"]): i for i in lb}
        renamed = self._pair(ctx.section, path, {k: v for k, v in ia.items() if k not in ib}, {k: v for k, v in ib.items() if k not in ia})
        back = {new: old for old, new in renamed.items()}
        what_item = {"fields": "field", "bands": "band"}.get(path[-1], "item")
        for name in list(ia) + [k for k in ib if k not in ia]:
            if name in renamed:
                continue
            sub = path + (name,)
            if name in back:
                self._emit(ctx, sub, "renamed", f"{what_item} {back[name]} renamed {name} (content unchanged)", back[name], name)
            elif name not in ib:
                self._emit(ctx, sub, "removed", f"{what_item} {name} removed{_label_words(ia[name])}", ia[name], None)
            elif name not in ia:
                self._emit(ctx, sub, "added", f"{what_item} {name} added{_label_words(ib[name])}", None, ib[name])
            else:
                self._dict(ctx.cited(ia[name], ib[name]), sub, ia[name], ib[name], skip=("id",))

    def _pair(self, section: str, path: tuple, only_a: dict, only_b: dict) -> dict[str, str]:
        """Items only in A and only in B with the same content apart from the id: renamed."""
        out: dict[str, str] = {}
        for ka, va in only_a.items():
            ca = self._canon(section, path + ("[]",), {k: v for k, v in va.items() if k != "id"}, "a")
            matches = [kb for kb, vb in only_b.items() if kb not in out.values()
                       and self._canon(section, path + ("[]",), {k: v for k, v in vb.items() if k != "id"}, "b") == ca]
            if len(matches) == 1:
                out[ka] = matches[0]
        return out

    # ---- scales: band by band, gap policies --------------------------------------------------------
    def _bands(self, ctx: _Ctx, la: list, lb: list) -> None:
        la = [b for b in la if isinstance(b, dict)]
        lb = [b for b in lb if isinstance(b, dict)]
        ia = {str(b.get("id")): b for b in la}
        ib = {str(b.get("id")): b for b in lb}
        renamed = self._band_renames(ctx.id)
        back = {new: old for old, new in renamed.items()}
        for name in list(ia) + [k for k in ib if k not in ia]:
            if name in renamed:
                continue
            path = ("bands", name)
            if name in back:
                self._emit(ctx, path, "renamed", f"band {back[name]} renamed {name} (content unchanged)", back[name], name)
                continue
            if name not in ib:
                self._emit(ctx, path, "removed", f"band {name} removed: {_band_words(ia[name])}{_label_words(ia[name])}", ia[name], None)
                continue
            if name not in ia:
                self._emit(ctx, path, "added", f"band {name} added: {_band_words(ib[name])}{_label_words(ib[name])}", None, ib[name])
                continue
            ba, bb = ia[name], ib[name]
            bctx = ctx.cited(ba, bb)
            for side, upper in (("lower", False), ("upper", True)):
                xa, xb = _bound(ba, upper), _bound(bb, upper)
                if xa == xb:
                    continue
                before, after = _bound_data(ba, upper), _bound_data(bb, upper)
                wa, wb = _bound_words(xa, upper), _bound_words(xb, upper)
                if xa and xb and xa[0] == xb[0]:
                    how = "now included" if xb[1] else "now excluded"
                    what = f"band {name}: {side} bound {number(xa[0])} {how} ({wa} → {wb})"
                else:
                    what = f"band {name}: {side} bound {wa} → {wb}"
                self._emit(bctx, ("bands", name, side), "changed", what, before, after)
            self._dict(bctx, path, ba, bb, skip=("id",) + BOUND_KEYS)

    def _band_renames(self, scale: str) -> dict[str, str]:
        """Bands of one scale renamed with their content unchanged (A's id -> B's id)."""
        old = {v: k for k, v in self.renames.get("scales", {}).items()}.get(scale, scale)
        la = _get((self.a.get("scales") or {}).get(old), "bands") or []
        lb = _get((self.b.get("scales") or {}).get(scale), "bands") or []
        ia = {str(b.get("id")): b for b in la if isinstance(b, dict)}
        ib = {str(b.get("id")): b for b in lb if isinstance(b, dict)}
        return self._pair("scales", ("bands",), {k: v for k, v in ia.items() if k not in ib}, {k: v for k, v in ib.items() if k not in ia})

    def _gaps(self, ctx: _Ctx, la: list, lb: list) -> None:
        renamed = self._band_renames(ctx.id)

        def key(g: dict, side: str) -> tuple:
            between = list(g.get("between") or [None, None]) + [None, None]
            pair = between[:2]
            if side == "a":
                pair = [renamed.get(x, x) for x in pair]
            return tuple(pair)

        ia = {key(g, "a"): g for g in la if isinstance(g, dict)}
        ib = {key(g, "b"): g for g in lb if isinstance(g, dict)}
        for k in list(ia) + [k for k in ib if k not in ia]:
            label = _gap_words(k)
            part = ("gaps", f"{'(start)' if k[0] is None else k[0]}/{'(end)' if k[1] is None else k[1]}")
            ga, gb = ia.get(k), ib.get(k)
            if gb is None:
                self._emit(ctx.cited(ga, {}), part, "removed", f"gap policy {label} removed (was: {_policy_words(ga)})", ga, None)
            elif ga is None:
                self._emit(ctx.cited({}, gb), part, "added", f"gap policy {label} added: {_policy_words(gb)}", None, gb)
            else:
                gctx = ctx.cited(ga, gb)
                for field_ in list(ga) + [f for f in gb if f not in ga]:
                    if field_ == "between":
                        continue
                    va, vb = ga.get(field_, _ABSENT), gb.get(field_, _ABSENT)
                    if self._same(ctx.section, part + (field_,), va, vb):
                        continue
                    a, b = _none(va), _none(vb)
                    if field_ == "cite":
                        self._emit(gctx, part + (field_,), "citation", f"gap policy {label}: cite {_cite_words(a)} → {_cite_words(b)}", cites(a), cites(b))
                    else:
                        words = {"resolve": "values in the gap go to"}.get(field_, field_)
                        self._emit(gctx, part + (field_,), "changed", f"gap policy {label}: {words} {_resolve_words(field_, a)} → {_resolve_words(field_, b)}", a, b)

    # ---- bodies ------------------------------------------------------------------------------------
    def _quorum(self, ctx: _Ctx, path: tuple, qa: dict, qb: dict) -> None:
        xa, xb = _quorum(qa), _quorum(qb)
        if xa != xb:
            before = {k: qa[k] for k in ("more_than", "at_least") if k in qa} or None
            after = {k: qb[k] for k in ("more_than", "at_least") if k in qb} or None
            self._emit(ctx, path, "changed", f"quorum: {_quorum_words(xa)} → {_quorum_words(xb)} of the voting membership present", before, after)
        self._dict(ctx, path, qa, qb, skip=("more_than", "at_least"))


# -- helpers ---------------------------------------------------------------------------------------

def _is_table(value: Any) -> bool:
    """A section of elements: a mapping of ids to mappings (or absent)."""
    return value is _ABSENT or value is None or (isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()))


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _none(value: Any) -> Any:
    return None if value is _ABSENT else value


def _is_note(key: Any) -> bool:
    return isinstance(key, str) and (key == "note" or key.endswith("_note"))


def _label_like(a: Any, b: Any) -> bool:
    return all(isinstance(x, dict) and x and set(x) <= {"kk", "en"} for x in (a, b))


def _scalar(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, Decimal)):
        return ("n", number(Decimal(value)))
    if isinstance(value, str):
        return value
    return ("v", repr(value))


def _expression_key(source: Any, names: dict[str, str]) -> Any:
    """A parsed expression in a canonical form: positions, spacing and brackets gone, numbers as
    decimals (0.40 = 0.4), renamed names under their new name."""
    try:
        tree = compile_expression(source).tree
    except ExpressionError:
        return ("text", " ".join(str(source).split()))
    return ast.dump(_Canonical(names).visit(tree), annotate_fields=False)


class _Canonical(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]):
        self.names = names

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.args = [self.visit(a) for a in node.args]  # the function's own name is not renamed
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(id=self.names.get(node.id, node.id), ctx=ast.Load())

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, Decimal):
            return ast.Constant(value=("decimal", number(node.value)))
        return node


def _bound(band: dict, upper: bool) -> Optional[tuple[Decimal, bool]]:
    """(value, inclusive) of a band's lower or upper bound, None when open."""
    if "equals" in band:
        return (Decimal(str(band["equals"])), True)
    keys = (("at_most", True), ("less_than", False)) if upper else (("at_least", True), ("more_than", False))
    for k, inclusive in keys:
        if k in band and band[k] is not None:
            return (Decimal(str(band[k])), inclusive)
    return None


def _bound_data(band: dict, upper: bool) -> Optional[dict]:
    keys = ("at_most", "less_than") if upper else ("at_least", "more_than")
    out = {k: band[k] for k in ("equals", *keys) if k in band}
    return out or None


def _bound_words(bound: Optional[tuple[Decimal, bool]], upper: bool) -> str:
    if bound is None:
        return "none (open)"
    value, inclusive = bound
    if upper:
        return f"{'at most' if inclusive else 'less than'} {number(value)}"
    return f"{'at least' if inclusive else 'more than'} {number(value)}"


def _band_words(band: dict) -> str:
    lo, hi = _bound(band, False), _bound(band, True)
    if lo and hi and lo == hi and "equals" in band:
        text = f"equals {number(lo[0])}"
    else:
        text = " and ".join(_bound_words(b, up) for b, up in ((lo, False), (hi, True)) if b) or "any value"
    if band.get("points") is not None:
        text += f", {_words(band['points'])} points"
    return text


def _gap_words(key: tuple) -> str:
    below, above = key
    if below is None:
        return f"below {above}"
    if above is None:
        return f"above {below}"
    return f"between {below} and {above}"


def _policy_words(policy: dict) -> str:
    text = f"values go to {_resolve_words('resolve', policy.get('resolve'))}"
    if policy.get("interpretation"):
        text += f", interpretation {policy['interpretation']}"
    return text


def _resolve_words(key: str, value: Any) -> str:
    if key == "resolve":
        return {"lower": "the band below", "upper": "the band above", "error": "an error"}.get(value, _words(value))
    return _words(value)


def _quorum(q: Any) -> Optional[tuple[bool, Fraction]]:
    if not isinstance(q, dict):
        return None
    for key, strict in (("more_than", True), ("at_least", False)):
        if q.get(key) is not None:
            try:
                return (strict, Fraction(str(q[key])))
            except (ValueError, ZeroDivisionError):
                return (strict, Fraction(0))
    return None


def _quorum_words(q: Optional[tuple[bool, Fraction]]) -> str:
    if q is None:
        return "none set"
    return f"{'more than' if q[0] else 'at least'} {q[1]}"


def _fixed_words(fixed: Any) -> str:
    if not isinstance(fixed, dict):
        return "none"
    try:
        return f"{int(fixed['day'])} {MONTHS[int(fixed['month']) - 1]}"
    except (KeyError, ValueError, IndexError, TypeError):
        return _words(fixed)


def _deadline_words(d: Any) -> str:
    if not isinstance(d, dict):
        return "none"
    if isinstance(d.get("fixed"), dict):
        return f"{_fixed_words(d['fixed'])} of {d.get('year', 'the year')}"
    unit = str(d.get("unit", "")).replace("_", " ")
    return f"{_words(d.get('count'))} {unit} {d.get('direction', 'after')} {d.get('from')}"


def _summary(section: str, element: Any) -> str:
    """What an added or removed element says, in a few words."""
    if not isinstance(element, dict):
        return f": {_words(element)}"
    if section == "interpretations":
        return f": {element.get('does', '')}" if element.get("does") else ""
    text = _label_words(element)
    for key in ("value", "expr", "require", "when"):
        if key in element:
            text += f"; {key} {_words(element[key])}"
    if section == "deadlines":
        text += f"; {_deadline_words(element)}"
    return text


def _label_words(element: Any) -> str:
    label = _get(element, "label")
    if isinstance(label, dict) and label:
        return f" ({_words(label)})"
    return ""


def _cite_words(value: Any) -> str:
    return ", ".join(cites(value)) or "none"


def _part(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def _part_words(path: tuple) -> str:
    if not path:
        return ""
    if path[0] == "fields" and len(path) >= 2:
        rest = " ".join(str(p) for p in path[2:])
        return f"field {path[1]}" + (f" {rest}" if rest else "")
    if path[0] == "bands" and len(path) >= 2:
        rest = " ".join(str(p) for p in path[2:])
        return f"band {path[1]}" + (f" {rest}" if rest else "")
    return " ".join(str(p) for p in path)


def _words(value: Any) -> str:
    """A value as a reader of the act would write it."""
    return values.text(None if value is _ABSENT else value, words=True)


def _plain(value: Any) -> Any:
    """A value for JSON: the data as written (decimals stay decimals for the exact writer)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value

