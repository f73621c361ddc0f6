"""Cohorts: rules over a whole set of records (a competition stage, a round of nominations).

A cohort groups the records of an evaluation by an input (`group_by`: school, district; none = one
group), ranks each group by a value (`rank_by`, highest first unless `order: ascending`, then the
`tie_break` values, if the act gives any), and says who advances (`advance: {top: N}`) and who wins
which prize place (`places`). `limits` cap how many records one group (`per` an input) may bring at
all: every record of a group over its limit is refused, since the act does not say which to drop.

Ties are never broken silently. Records with equal keys share a rank; when such a block straddles
the last advancing position, or spans more than one prize place, none of them is given the outcome:
each is reported as a tie needing the decision of the body the cohort names (`ties.decided_by`).

This module is the language (definitions, compiling, checks) and the ranking itself, which is pure;
`engine.cohort_eval` runs an evaluation over all its records and applies it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping, Optional, Protocol, Union

from ..language.citations import cites
from .contexts import CheckContext, CompileContext, ConsequenceRefs, EvaluationRefs

if TYPE_CHECKING:
    from ..language.expressions import Expression

# Names a cohort's evaluation gives its consequences (`when: place == 'grand_prix'`), with their types.
OUTCOME_NAMES = {"place": "string", "advances": "bool", "rank": "number"}


@dataclass(frozen=True)
class Rule:
    """A part of a cohort with its own citation (advance, a limit, the tie rule)."""

    cite: tuple[str, ...]
    label: dict
    interpretations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Advance(Rule):
    top: Union[int, str] = 0  # a number, or a parameter id


@dataclass(frozen=True)
class Place(Rule):
    id: str = ""
    count: int = 1  # how many records the place takes


@dataclass(frozen=True)
class Limit(Rule):
    id: str = ""
    per: str = ""  # the input whose value forms the groups the limit counts
    at_most: Union[int, str] = 0  # a number, or a parameter id


@dataclass(frozen=True)
class Ties(Rule):
    decided_by: Optional[str] = None  # a body id


@dataclass(frozen=True)
class Cohort:
    id: str
    cite: tuple[str, ...]
    label: dict
    interpretations: tuple[str, ...]
    group_by: Optional[str] = None
    rank_by: Optional[str] = None
    order: str = "descending"
    tie_break: tuple[str, ...] = ()
    advance: Optional[Advance] = None
    places: tuple[Place, ...] = ()
    limits: tuple[Limit, ...] = ()
    ties: Optional[Ties] = None

    def names(self) -> list[str]:
        """The elements the cohort reads from each record."""
        out = [n for n in (self.group_by, self.rank_by) if n] + list(self.tie_break)
        return out + [lim.per for lim in self.limits if lim.per]


def compile_cohort(c: CompileContext, name: str, raw: dict, path: tuple) -> Cohort:
    def rule(cls, part: Any, **extra) -> Any:
        part = part if isinstance(part, dict) else {}
        return cls(cite=cites(part.get("cite")), label=part.get("label") or {},
                   interpretations=tuple(part.get("interpretations", ())), **extra)

    adv = raw.get("advance")
    places = tuple(rule(Place, p, id=str(p.get("id")), count=int(p.get("count", 1))) for p in raw.get("places", []) if isinstance(p, dict))
    limits = tuple(rule(Limit, lim, id=str(lim.get("id", "")), per=str(lim.get("per", "")), at_most=lim.get("at_most", 0)) for lim in raw.get("limits", []) if isinstance(lim, dict))
    ties = raw.get("ties")
    return Cohort(
        id=name, cite=cites(raw.get("cite")), label=raw.get("label") or {}, interpretations=tuple(raw.get("interpretations", ())),
        group_by=raw.get("group_by"), rank_by=raw.get("rank_by"), order=raw.get("order", "descending"),
        tie_break=tuple(raw.get("tie_break", ())),
        advance=rule(Advance, adv, top=adv.get("top", 0)) if isinstance(adv, dict) else None,
        places=places, limits=limits,
        ties=rule(Ties, ties, decided_by=ties.get("decided_by")) if isinstance(ties, dict) else None,
    )


def quota(parameters: Mapping[str, Any], value: Union[int, str]) -> int:
    """A cohort number: written as a number or as the id of one of the `parameters` that holds one."""
    if isinstance(value, str):
        return int(parameters[value])
    return int(value)


# -- semantic checks ---------------------------------------------------------------------------------
class CohortsModel(Protocol):
    """What the checks of cohorts read of the methodology."""

    @property
    def cohorts(self) -> Mapping[str, Cohort]: ...

    @property
    def parameters(self) -> Mapping[str, Any]: ...

    @property
    def bodies(self) -> Mapping[str, object]: ...

    @property
    def evaluations(self) -> Mapping[str, EvaluationRefs]: ...

    @property
    def consequences(self) -> Mapping[str, ConsequenceRefs]: ...

    def kind_of(self, name: str) -> Optional[str]: ...


def check(ck: CheckContext[CohortsModel]) -> None:
    m = ck.m
    for name, co in m.cohorts.items():
        p = ("cohorts", name)
        if co.group_by:
            _value(ck, p + ("group_by",), name, co.group_by, ("string", "number", "any"), inputs_only=True)
        if co.rank_by:
            _value(ck, p + ("rank_by",), name, co.rank_by, ("number", "any"))
        for i, t in enumerate(co.tie_break):
            _value(ck, p + ("tie_break", i), name, t, ("number", "any"))
        if (co.advance or co.places) and not co.rank_by:
            ck.error(p, f"cohort '{name}' has {'advance' if co.advance else 'places'} but nothing to rank by (rank_by)", "ref-undefined", key=True)
        if co.advance:
            _number(ck, p + ("advance", "top"), name, co.advance.top)
        ids = [pl.id for pl in co.places]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            ck.error(p + ("places", ids.index(dup), "id"), f"cohort '{name}' has two places with id '{dup}'", "place-duplicate")
        lids = [lim.id for lim in co.limits]
        for dup in sorted({i for i in lids if lids.count(i) > 1}):
            ck.error(p + ("limits", lids.index(dup), "id"), f"cohort '{name}' has two limits with id '{dup}'", "limit-duplicate")
        for i, lim in enumerate(co.limits):
            _value(ck, p + ("limits", i, "per"), name, lim.per, ("string", "number", "any"), inputs_only=True)
            _number(ck, p + ("limits", i, "at_most"), name, lim.at_most)
        if co.ties and co.ties.decided_by and co.ties.decided_by not in m.bodies:
            ck.error(p + ("ties", "decided_by"), f"cohort '{name}': ties are decided by '{co.ties.decided_by}', which is not a body", "ref-undefined")
    for name, e in m.evaluations.items():
        if e.cohort and e.cohort not in m.cohorts:
            ck.error(("evaluations", name, "cohort"), f"evaluation '{name}' ranks cohort '{e.cohort}', which is not defined", "ref-undefined")
        co = m.cohorts.get(e.cohort) if e.cohort else None
        for i, cid in enumerate(e.consequences):
            c = m.consequences.get(cid)
            if c is None or c.when is None:
                continue
            used = sorted(set(c.when.names) & set(OUTCOME_NAMES))
            if used and co is None:
                ck.error(("evaluations", name, "consequences", i),
                         f"consequence '{cid}' depends on a cohort's outcome ({', '.join(used)}), but evaluation '{name}' ranks no cohort", "ref-undefined")
            elif "place" in used and co is not None:
                _place_literals(ck, cid, c.when, {pl.id for pl in co.places}, name)


def _value(ck: CheckContext[CohortsModel], path: tuple, name: str, ref: str, types: tuple, inputs_only: bool = False) -> None:
    kind = ck.m.kind_of(ref)
    allowed = ("input",) if inputs_only else ("input", "formula", "parameter")
    if kind not in allowed:
        what = "an input" if inputs_only else "an input, formula or parameter"
        ck.error(path, f"cohort '{name}' reads '{ref}', which is not {what}", "ref-undefined")
    elif ck.type_of(ref) not in types:
        ck.error(path, f"cohort '{name}' reads '{ref}', a {ck.type_of(ref)}; it needs a {types[0]}", "type-mismatch")


def _number(ck: CheckContext[CohortsModel], path: tuple, name: str, value: Any) -> None:
    if isinstance(value, str):
        v = ck.m.parameters.get(value)
        if value not in ck.m.parameters:
            ck.error(path, f"cohort '{name}': '{value}' is not a parameter", "ref-undefined")
        elif not isinstance(v, Decimal) or v != v.to_integral_value() or v < 1:
            ck.error(path, f"cohort '{name}': parameter '{value}' is {v!r}, not a whole number of at least 1", "type-mismatch")


def _place_literals(ck: CheckContext[CohortsModel], cid: str, when: Expression, places: set, evaluation: str) -> None:
    """Every string compared with `place` (==, !=, in [...]) must be a place of the cohort."""
    import ast

    for node in ast.walk(when.tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        if not any(isinstance(o, ast.Name) and o.id == "place" for o in operands):
            continue
        for o in operands:
            for const in (o.elts if isinstance(o, (ast.List, ast.Tuple)) else [o]):
                if isinstance(const, ast.Constant) and isinstance(const.value, str) and const.value not in places:
                    ck.expr_error(("consequences", cid, "when"), when, const,
                                  f"'{const.value}' is not a place of the cohort of evaluation '{evaluation}' ({', '.join(sorted(places)) or 'it has none'})",
                                  "place-unknown")


# -- ranking -----------------------------------------------------------------------------------------
@dataclass
class Entry:
    """One ranked record: its id, its position in the input, and its sort key (rank_by, then tie_break)."""

    id: str
    index: int
    key: tuple


@dataclass
class Outcome:
    rank: int
    advances: Optional[bool] = None  # None: tied at the cut-off
    place: Optional[str] = None  # None: no place, or tied (see tie)
    tie: Optional[dict] = None


@dataclass
class TieBlock:
    positions: tuple[int, int]
    ids: list[str]
    indices: list[int] = field(default_factory=list)
    advance_slots: Optional[int] = None  # how many of the block would advance
    places: list[str] = field(default_factory=list)  # the places at stake ("" = no place)


def rank_group(entries: list[Entry], order: str, top: Optional[int], places: list[tuple[str, int]]) -> tuple[dict[int, Outcome], list[TieBlock]]:
    """Outcomes of one group's records (by their index), and the ties that need a decision.

    `top`: how many advance (None: no advance rule); `places`: (place id, how many) from the first.
    Equal keys share a rank (1, 2, 2, 4); a block of equal keys is a tie needing a decision when it
    straddles the last advancing position or covers more than one place (or a place and no place).
    """
    desc = order != "ascending"
    ordered = sorted(entries, key=lambda e: (_sort_key(e.key, desc), e.index))
    slots: list[str] = [pid for pid, n in places for _ in range(n)]
    outcomes: dict[int, Outcome] = {}
    ties: list[TieBlock] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1].key == ordered[i].key:
            j += 1
        block = ordered[i: j + 1]
        first, last = i + 1, j + 1
        ids = [e.id for e in block]
        indices = [e.index for e in block]
        tie: Optional[TieBlock] = None
        advances: Optional[bool] = None
        if top is not None:
            if last <= top:
                advances = True
            elif first > top:
                advances = False
            else:
                tie = TieBlock((first, last), ids, indices, advance_slots=top - first + 1)
        place: Optional[str] = None
        if slots and first <= len(slots):
            at_stake = [slots[k - 1] if k <= len(slots) else "" for k in range(first, last + 1)]
            if len(set(at_stake)) == 1:
                place = at_stake[0] or None
            else:
                tie = tie or TieBlock((first, last), ids, indices)
                tie.places = list(dict.fromkeys(at_stake))
        if tie is not None:
            ties.append(tie)
        for e in block:
            outcomes[e.index] = Outcome(rank=first, advances=advances, place=None if tie and tie.places else place)
        i = j + 1
    return outcomes, ties


def _sort_key(key: tuple, desc: bool) -> tuple:
    return tuple(-v if desc else v for v in key)
