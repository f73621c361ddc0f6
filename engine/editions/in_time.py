"""Editions in time: which edition of a family's methodology was in force on a date.

What is known about a family's acts is data, never code: `methodologies/<family>/acts.yaml` lists every
known act (encoded or not) with the dates it is taken to be in force, what it supersedes and what
repealed it, and the interpretations those dates rest on. For an encoded edition the methodology file's
own `validity` is used instead (one source of truth per fact).

Resolution never falls back silently. A date before the first known act, in a gap, after a repeal, under
an act that is not encoded, or in a family where an edition's dates are unknown fails with an
`EditionError` that names the act that governed the date when it is known.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from ..language.findings import Finding
from ..calendar.periods import Period
from .registry import ACTS_FILE, Registry, RegistryError
from .acts import FamilyActs, KnownAct, Reading, check_acts_file

STRADDLE_RULES = ("end", "start", "error")


class EditionError(RegistryError):
    """No encoded edition can be used for a date; the message says why and names the act when known."""

    def __init__(self, message: str, kind: str, family: str = "", act: str = "", readings: Iterable["Reading"] = ()):
        super().__init__(message)
        self.kind = kind  # unknown-family | unknown-dates | before-first | gap | repealed | ended | not-encoded | not-in-force | unbound | straddle | data
        self.family = family
        self.act = act
        self.readings = list(readings)

    @property
    def key(self) -> tuple:
        return ("error", self.kind, self.family, self.act)

    def as_dict(self, readings: bool = True) -> dict:
        """The error as an answer (no edition applies): message, kind, act and, with `readings`, the
        interpretations it rests on."""
        out: dict[str, Any] = {"error": str(self), "kind": self.kind, "act": self.act}
        if readings:
            out["interpretations"] = [r.as_dict() for r in self.readings]
        return out


@dataclass
class Entry:
    """One act on a family's time line: from acts.yaml, from an encoded methodology, or both."""

    family: str
    edition: str
    name: str
    encoded: bool
    start: Optional[dt.date]
    end: Optional[dt.date]  # as written; None = no known end
    repealed_by: Optional[dict]
    readings: list[Reading]
    effective_end: Optional[dt.date] = None  # end, or the day before the next act starts

    @property
    def methodology_id(self) -> str:
        return f"{self.family}@{self.edition}"

    def span(self) -> str:
        return f"{_d(self.start)} to {_d(self.effective_end) if self.effective_end else 'no known end'}"


@dataclass
class Resolution:
    """The edition that applies on a date (or for a period), and why."""

    family: str
    on: dt.date
    edition: str
    act: str
    how: str  # date | pinned | named
    valid_from: Optional[dt.date]
    valid_to: Optional[dt.date]
    why: list[str] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    binding: Optional[Any] = None  # engine.orgs.Binding when an organisation's binding chose it
    period: Optional[str] = None
    segments: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # visible remarks: a straddled period, unknown dates

    @property
    def methodology_id(self) -> str:
        return f"{self.family}@{self.edition}"

    @property
    def key(self) -> tuple:
        b = self.binding
        return ("ok", self.methodology_id, self.how, (b.family, b.valid_from, b.edition, b.seq) if b is not None else None)

    def as_dict(self) -> dict:
        out = {
            "methodology": self.methodology_id, "family": self.family, "edition": self.edition, "act": self.act,
            "how": self.how, "on": self.on, "valid_from": self.valid_from, "valid_to": self.valid_to,
            "why": list(self.why), "interpretations": [r.as_dict() for r in self.readings],
        }
        if self.binding is not None:
            out["binding"] = self.binding.as_dict()
        if self.period is not None:
            out["period"] = self.period
            out["segments"] = list(self.segments)
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def acts_files(registry: Registry) -> dict[str, Path]:
    """family -> its acts.yaml, later methodology folders overriding earlier ones."""
    found: dict[str, Path] = {}
    for base in registry.dirs:
        if base.is_dir():
            for path in sorted(base.glob(f"*/{ACTS_FILE}")):
                found[path.parent.name] = path
    return found


# -- resolution ------------------------------------------------------------------------------------
class Editions:
    """Resolves family + date to an encoded edition, from the registry's methodologies and acts files."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._acts: dict[str, Optional[FamilyActs]] = {}
        self._timelines: dict[str, list[Entry]] = {}
        self._acts_paths: Optional[dict[str, Path]] = None

    def families(self) -> list[str]:
        if self._acts_paths is None:
            self._acts_paths = acts_files(self.registry)
        return sorted(set(self.registry.families()) | set(self._acts_paths))

    def acts(self, family: str) -> Optional[FamilyActs]:
        if family not in self._acts:
            if self._acts_paths is None:
                self._acts_paths = acts_files(self.registry)
            path = self._acts_paths.get(family)
            fa = None
            if path is not None:
                fa, findings = check_acts_file(path)
                errors = [f for f in findings if f.severity == "error"]
                if errors or fa is None:
                    first = "; ".join(f.render(with_source=False) for f in errors[:3])
                    raise EditionError(f"{path} does not validate ({len(errors)} errors; run `adisteme validate {path}`): {first}", "data", family)
            self._acts[family] = fa
        return self._acts[family]

    def straddle_rule(self, family: str) -> tuple[str, Optional[Reading]]:
        fa = self.acts(family)
        if fa is None:
            return "error", None
        return fa.straddle, fa.reading(fa.straddle_interpretation) if fa.straddle_interpretation else None

    def timeline(self, family: str) -> list[Entry]:
        """Every known act of the family, dated ones in order, with effective ends."""
        if family in self._timelines:
            return self._timelines[family]
        fa = self.acts(family)
        encoded = self.registry.families().get(family, [])
        if fa is None and not encoded:
            known = ", ".join(self.families()) or "none"
            raise EditionError(f"no methodology family '{family}' and no known acts of it (known families: {known})", "unknown-family", family)
        entries: list[Entry] = []
        listed = set()
        for act in (fa.acts if fa else []):
            listed.add(act.edition)
            if act.edition in encoded:
                if act.gives_dates:
                    raise EditionError(
                        f"{fa.path}: act '{act.edition}' is encoded ({family}@{act.edition}), so its dates come from its methodology "
                        f"file's validity; remove valid_from / valid_to / repealed_by from acts.yaml", "data", family, act.name)
                entries.append(self._encoded_entry(family, act.edition, act.name))
            else:
                entries.append(Entry(family, act.edition, act.name, False, act.valid_from, act.valid_to, act.repealed_by,
                                     [fa.reading(i) for i in act.interpretations]))
        for edition in sorted(encoded):
            if edition not in listed:
                entries.append(self._encoded_entry(family, edition, None))
        dated = sorted((e for e in entries if e.start is not None), key=lambda e: e.start)
        for a, b in zip(dated, dated[1:]):
            if a.end is not None and b.start <= a.end or b.start == a.start:
                raise EditionError(f"{family}: {a.name} (to {_d(a.end)}) and {b.name} (from {b.start}) overlap", "data", family)
            a.effective_end = a.end if a.end is not None else b.start - dt.timedelta(days=1)
        if dated:
            dated[-1].effective_end = dated[-1].end
        ordered = dated + [e for e in entries if e.start is None]
        self._timelines[family] = ordered
        return ordered

    def _encoded_entry(self, family: str, edition: str, name: Optional[str]) -> Entry:
        m = self.registry.get(f"{family}@{edition}")
        validity = m.validity or {}
        readings = [Reading(i, ", ".join(m.interpretations[i].cite), m.interpretations[i].does)
                    for i in validity.get("interpretations", ()) if i in m.interpretations]
        title = name or f"{m.id} ({(m.act.get('title') or {}).get('en', 'the encoded edition')})"
        return Entry(family, edition, title, True, validity.get("from"), validity.get("to"), validity.get("repealed_by"), readings)

    def entry(self, family: str, edition: str) -> Entry:
        for e in self.timeline(family):
            if e.edition == edition:
                return e
        encoded = ", ".join(self.registry.families().get(family, [])) or "none"
        raise EditionError(f"family '{family}' has no edition '{edition}' (encoded: {encoded})", "unknown-edition", family)

    def resolve(self, family: str, on: dt.date) -> Resolution:
        """The encoded edition of `family` in force on `on`, or EditionError saying what governed that day."""
        entries = self.timeline(family)
        undated = [e for e in entries if e.start is None]
        if undated:
            names = ", ".join(e.methodology_id if e.encoded else e.name for e in undated)
            readings = [r for e in undated for r in e.readings]
            said = "; ".join(f"{r.id}: {r.does}" for r in readings)
            example = next((e.methodology_id for e in undated if e.encoded), f"{family}@EDITION")
            raise EditionError(
                f"{family}: on {on} no edition can be chosen by date: the validity dates of {names} are unknown"
                f"{' (' + said + ')' if said else ''}; name the edition explicitly (e.g. {example}) or pin it in the "
                f"organisation's binding (org bind ... --edition E --reason TEXT)", "unknown-dates", family, undated[0].name, readings)
        for e in entries:
            if e.start <= on and (e.effective_end is None or on <= e.effective_end):
                return self._use(e, on)
        first = entries[0]
        if on < first.start:
            raise EditionError(f"{family}: {on} is before the first known act, {first.name}, in force from {first.start}",
                               "before-first", family, first.name, first.readings)
        prev = [e for e in entries if e.start <= on][-1]
        later = [e for e in entries if e.start > on]
        via = _via(prev.readings)
        if later:
            nxt = later[0]
            both = prev.readings + [r for r in nxt.readings if r not in prev.readings]
            raise EditionError(f"{family}: on {on} no known act was in force: {prev.name} was in force to {prev.effective_end} "
                               f"and {nxt.name} from {nxt.start}{_via(both)}", "gap", family, prev.name, both)
        if prev.repealed_by:
            raise EditionError(f"{family}: on {on} no known act was in force: {prev.name} was repealed by {prev.repealed_by.get('name')} "
                               f"(in force to {prev.effective_end}{_per(prev.readings)}); no later act is known",
                               "repealed", family, prev.name, prev.readings)
        raise EditionError(f"{family}: on {on} no known act was in force: {prev.name} was in force to {prev.effective_end}{via}; "
                           f"no later act is known", "ended", family, prev.name, prev.readings)

    def _use(self, e: Entry, on: dt.date) -> Resolution:
        if not e.encoded:
            raise EditionError(f"{e.family}: on {on} {e.name} was in force; that edition is not encoded "
                               f"(in force {e.span()}{_per(e.readings)})",
                               "not-encoded", e.family, e.name, e.readings)
        why = [f"{e.name} is in force {e.span()}, which includes {on}"]
        return Resolution(e.family, on, e.edition, e.name, "date", e.start, e.effective_end, why, list(e.readings))

    def fixed(self, family: str, edition: str, on: dt.date, how: str, reason: str) -> Resolution:
        """A named or pinned edition, checked against its dates when they are known."""
        e = self.entry(family, edition)
        if not e.encoded:
            raise EditionError(f"{family}@{edition} ({e.name}) is not encoded", "not-encoded", family, e.name, e.readings)
        if e.start is not None and (on < e.start or (e.effective_end is not None and on > e.effective_end)):
            raise EditionError(f"{e.methodology_id} ({e.name}) was not in force on {on}: it is in force {e.span()}{_via(e.readings)}",
                               "not-in-force", family, e.name, e.readings)
        why = [reason]
        notes = []
        if e.start is None:
            known = f"its validity dates are unknown{_via(e.readings)}; it is used because it was {how}"
            why.append(known)
            notes.append(f"{e.methodology_id}: {known}")
        else:
            why.append(f"{e.name} is in force {e.span()}, which includes {on}")
        return Resolution(family, on, edition, e.name, how, e.start, e.effective_end, why, list(e.readings), notes=notes)

    def answer(self, family: str, on: dt.date) -> dict:
        """`resolve` as data: the resolution, or, when no edition applies (an answer, not a failure), the
        error with an "error" key."""
        try:
            return self.resolve(family, on).as_dict()
        except EditionError as exc:
            return exc.as_dict(readings=False)

    def named(self, methodology_id: str, on: dt.date) -> Resolution:
        family, edition = methodology_id.split("@", 1)
        return self.fixed(family, edition, on, "named", f"{methodology_id} was named explicitly")


def spans(resolve_day: Callable[[dt.date], Resolution], period: Period) -> list[tuple[dt.date, dt.date, Any]]:
    """The period cut into runs of days under one edition (or one error), first and last day of each."""
    out: list[tuple[dt.date, dt.date, Any]] = []
    for day in period.days():
        try:
            r: Any = resolve_day(day)
        except EditionError as exc:
            r = exc
        if out and out[-1][2].key == r.key:  # an error keeps its first day's wording
            out[-1] = (out[-1][0], day, out[-1][2] if isinstance(r, EditionError) else r)
        else:
            out.append((day, day, r))
    return out


def over_period(resolve_day: Callable[[dt.date], Resolution], period: Period, rules: Callable[[str], tuple[str, Optional[Reading]]]) -> Resolution:
    """Resolve every day of a period; a period during which the edition changed follows its family's
    straddle rule (acts.yaml `periods`), and says so in the result's notes."""
    segments = spans(resolve_day, period)
    described = [_segment(a, b, r) for a, b, r in segments]
    if len(segments) == 1:
        r = segments[0][2]
        if isinstance(r, EditionError):
            raise r
        return _for_period(r, period, described)
    last = segments[-1][2]
    family = last.family
    rule, reading = rules(family) if family else ("error", None)
    listing = "; ".join(f"{s['from']}…{s['to']}: {s.get('methodology') or 'none: ' + s['short']}" for s in described)
    if rule == "error":
        raise EditionError(f"the period {period} straddles more than one edition ({listing}); the family {family} declares no rule "
                           f"for such periods (acts.yaml periods.straddle), so evaluate each part by naming the edition", "straddle", family)
    chosen = segments[-1] if rule == "end" else segments[0]
    r = chosen[2]
    day_word = "last" if rule == "end" else "first"
    if isinstance(r, EditionError):
        raise EditionError(f"the period {period} straddles editions ({listing}); under the rule of {family} the edition in force on "
                           f"its {day_word} day applies, and there is none: {r}", "straddle", r.family, r.act, r.readings)
    out = _for_period(r, period, described)
    note = (f"the period {period} straddles editions ({listing}); it is evaluated under {r.methodology_id}, the edition in force "
            f"on its {day_word} day{' (' + reading.id + ': ' + reading.does + ')' if reading else ''}")
    out.notes.insert(0, note)
    out.why.insert(0, note)
    if reading and reading not in out.readings:
        out.readings.append(reading)
    return out


def _for_period(r: Resolution, period: Period, described: list[dict]) -> Resolution:
    r.period = str(period)
    r.segments = described
    return r


def _segment(a: dt.date, b: dt.date, r: Any) -> dict:
    if isinstance(r, EditionError):
        short = f"{r.act} ({r.kind.replace('-', ' ')})" if r.act else r.kind.replace("-", " ")
        return {"from": a, "to": b, "methodology": None, "error": str(r), "short": short}
    return {"from": a, "to": b, "methodology": r.methodology_id, "how": r.how}


def _via(readings: list[Reading]) -> str:
    return f" (per interpretation {', '.join(r.id for r in readings)})" if readings else ""


def _per(readings: list[Reading]) -> str:
    return f", per interpretation {', '.join(r.id for r in readings)}" if readings else ""


def _d(d: Optional[dt.date]) -> str:
    return d.isoformat() if d else "unknown"
