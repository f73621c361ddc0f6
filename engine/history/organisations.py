"""Organisations and their bindings: which methodology family (and, when pinned, which edition) applies
to an organisation from which date.

The registry is data: the bundled `organisations/registry.yaml`, then any files named in the
ADISTEME_ORGANISATIONS environment variable (separated like PATH; an organisation with the same id
replaces the earlier one). Bindings recorded with `adisteme org bind` live in the history database
(engine/storage.py) and are added to the registry's, so a switch is kept with who, when, why and from
which date.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Protocol

from ..editions.in_time import EditionError, Editions, Resolution, over_period
from ..paths import organisations_dir
from ..calendar.periods import Period
from ..editions.registry import Registry, RegistryError
from ..language.schema import validate
from ..language.source import SourceError, load_file

ORG_ENV_VAR = "ADISTEME_ORGANISATIONS"
REGISTRY_FILE = "registry.yaml"


class OrgError(RegistryError):
    """An organisation that does not exist, or a registry file that does not validate."""


@dataclass(frozen=True)
class Binding:
    organisation: str
    family: str
    valid_from: dt.date
    edition: Optional[str]
    reason: str
    by: str
    recorded_at: Optional[str]  # when `org bind` recorded it (UTC, ISO); None for a registry file's binding
    source: str  # the registry file, or "history database"
    seq: int  # order of recording: registry files first, then the database in order

    def as_dict(self) -> dict:
        return {"family": self.family, "from": self.valid_from, "edition": self.edition, "reason": self.reason,
                "by": self.by, "recorded_at": self.recorded_at, "source": self.source}

    def describe(self) -> str:
        pin = f", pinned to {self.family}@{self.edition}" if self.edition else ""
        when = f" on {self.recorded_at}" if self.recorded_at else ""
        return f"bound to {self.family} from {self.valid_from}{pin} by {self.by}{when} ({self.source}): {self.reason}"


@dataclass
class Organisation:
    id: str
    name: dict
    region: dict
    kind: str
    source: str
    note: Optional[str]
    path: str
    bindings: list[Binding] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "region": self.region, "kind": self.kind, "source": self.source,
                "note": self.note, "registry": self.path, "bindings": [b.as_dict() for b in self.bindings]}

    def with_history(self, recorded: Iterable[Binding]) -> "Organisation":
        mine = [b for b in recorded if b.organisation == self.id]
        return Organisation(self.id, self.name, self.region, self.kind, self.source, self.note, self.path, self.bindings + mine)

    def binding_on(self, day: dt.date) -> Optional[Binding]:
        """The binding with the latest `from` on or before `day`; of two with the same `from`, the later recorded."""
        applicable = [b for b in self.bindings if b.valid_from <= day]
        return max(applicable, key=lambda b: (b.valid_from, b.seq)) if applicable else None


def registry_files(extra: Iterable[str | Path] = ()) -> list[Path]:
    files = [organisations_dir() / REGISTRY_FILE]
    files += [Path(p) for p in os.environ.get(ORG_ENV_VAR, "").split(os.pathsep) if p]
    files += [Path(p) for p in extra]
    return files


def load_organisations(files: Optional[Iterable[Path]] = None) -> dict[str, Organisation]:
    """id -> Organisation from the registry files (later files replace earlier organisations)."""
    orgs: dict[str, Organisation] = {}
    seq = 0
    for path in (list(files) if files is not None else registry_files()):
        if not path.is_file():
            raise OrgError(f"organisations registry {path} does not exist")
        try:
            doc = load_file(path)
        except SourceError as exc:
            raise OrgError(exc.finding.render(with_source=False)) from None
        findings = list(doc.problems) + validate(doc, "organisations.schema.json")
        if findings:
            first = "; ".join(f.render(with_source=False) for f in findings[:3])
            raise OrgError(f"{path} does not validate ({len(findings)} errors): {first}")
        for oid, raw in doc.data["organisations"].items():
            bindings = []
            for b in raw.get("bindings", []):
                if b.get("edition") is not None and not b.get("reason"):
                    raise OrgError(f"{path}: {oid}: a binding that pins an edition needs a reason")
                bindings.append(Binding(str(oid), str(b["family"]), b["from"], str(b["edition"]) if b.get("edition") is not None else None,
                                        str(b["reason"]), str(b.get("by", path.name)), None, f"registry {path.name}", seq))
                seq += 1
            orgs[str(oid)] = Organisation(str(oid), raw["name"], raw["region"], str(raw["kind"]), str(raw["source"]),
                                          raw.get("note"), str(path), bindings)
    return orgs


def registered(recorded: Iterable[Binding] = ()) -> list[Organisation]:
    """Every organisation of the registry files, each with its bindings `recorded` in the history database."""
    recorded = list(recorded)
    return [o.with_history(recorded) for o in load_organisations().values()]


def find(orgs: dict[str, Organisation], oid: str) -> Organisation:
    if oid not in orgs:
        raise OrgError(f"no organisation '{oid}' (known: {', '.join(sorted(orgs)) or 'none'}; see `adisteme org list`)")
    return orgs[oid]


def resolve_on(org: Organisation, day: dt.date, editions: Editions) -> Resolution:
    """The edition that applies to the organisation on a day, with the binding that chose it."""
    binding = org.binding_on(day)
    if binding is None:
        first = min((b.valid_from for b in org.bindings), default=None)
        after = f" (its first binding is from {first})" if first else " (it has no binding; record one with `adisteme org bind`)"
        raise EditionError(f"{org.id}: no methodology family is bound on {day}{after}", "unbound", "", "")
    if binding.edition:
        r = editions.fixed(binding.family, binding.edition, day, "pinned", f"{org.id} is {binding.describe()}")
    else:
        r = editions.resolve(binding.family, day)
        r.why.insert(0, f"{org.id} is {binding.describe()}")
    r.binding = binding
    return r


def resolve_period(org: Organisation, period: Period, editions: Editions) -> Resolution:
    return over_period(lambda day: resolve_on(org, day, editions), period, editions.straddle_rule)


def answer_on(org: Organisation, day: dt.date, editions: Editions) -> dict:
    """`resolve_on` as data: the resolution, or, when no edition applies (an answer, not a failure), the
    error with an "error" key and the interpretations it rests on."""
    try:
        return resolve_on(org, day, editions).as_dict()
    except EditionError as exc:
        return exc.as_dict()


# -- recording a binding ----------------------------------------------------------------------------
class BindingStore(Protocol):
    """Where a binding is recorded (the history database, engine/history/storage.py)."""

    def add_binding(self, organisation: str, family: str, valid_from: dt.date, edition: Optional[str], reason: str, by: str) -> Binding:
        ...


@dataclass
class Bound:
    """A recorded binding, and what it makes apply on its first day (or why nothing can be used yet)."""

    binding: Binding
    resolution: Optional[Resolution]
    problem: Optional[EditionError] = None


def bind(org: Organisation, family: str, day: dt.date, edition: Optional[str], reason: str, by: str,
         store: BindingStore, registry: Registry) -> Bound:
    """Record that `org` is bound to `family` from `day` (pinned to `edition` when given). The family must
    be known and a pinned edition encoded and valid; who and why must be said. A binding under which no
    encoded edition applies yet is still recorded (`Bound.problem` says why)."""
    if not reason.strip() or not by.strip():
        raise OrgError("--reason and --by must not be empty")
    editions = Editions(registry)
    if family not in editions.families():
        raise OrgError(f"no methodology family '{family}' (known: {', '.join(editions.families())})")
    if edition is not None:
        entry = editions.entry(family, edition)
        if not entry.encoded:
            raise OrgError(f"{family}@{edition} ({entry.name}) is not encoded; only an encoded edition can be pinned")
        registry.get(f"{family}@{edition}")  # a pinned file must validate
    b = store.add_binding(org.id, family, day, edition, reason.strip(), by.strip())
    try:
        return Bound(b, resolve_on(org.with_history([b]), day, editions))
    except EditionError as exc:  # the binding stands; it only cannot be used yet
        return Bound(b, None, exc)
