"""A family's known acts (`methodologies/<family>/acts.yaml`): reading and checking the file.

Kept apart from the registry and from resolution in time, which both read it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..language.findings import Finding
from ..language.schema import validate
from ..language.source import SourceError, load_file


@dataclass(frozen=True)
class Reading:
    """An interpretation a resolution relied on: its id, where it comes from, and what it does."""

    id: str
    source: str
    does: str

    def as_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "does": self.does}


@dataclass(frozen=True)
class KnownAct:
    edition: str
    name: str
    valid_from: Optional[dt.date]
    valid_to: Optional[dt.date]
    supersedes: tuple[str, ...]
    repealed_by: Optional[dict]
    note: Optional[str]
    interpretations: tuple[str, ...]
    gives_dates: bool  # valid_from / valid_to / repealed_by written in acts.yaml
    raw: dict


@dataclass
class FamilyActs:
    """A family's acts.yaml."""

    family: str
    path: Path
    label: dict
    straddle: str
    straddle_interpretation: Optional[str]
    acts: list[KnownAct]
    interpretations: dict[str, dict]

    def reading(self, iid: str) -> Reading:
        raw = self.interpretations.get(iid) or {}
        return Reading(iid, str(raw.get("source", self.path.name)), str(raw.get("does", "")))



def check_acts_file(path: str | Path) -> tuple[Optional[FamilyActs], list[Finding]]:
    """Read and check one acts.yaml: schema, folder name, editions, dates in order, interpretations."""
    path = Path(path)
    try:
        doc = load_file(path)
    except SourceError as exc:
        return None, [exc.finding]
    findings = list(doc.problems) + validate(doc, "acts.schema.json")
    if findings:
        return None, findings
    data = doc.data
    family = str(data["family"])
    if family != path.parent.name:
        findings.append(doc.finding(("family",), f"the file says family '{family}' but lives in folder '{path.parent.name}'", "id-mismatch"))
    interps = {str(k): v for k, v in (data.get("interpretations") or {}).items()}
    used: set[str] = set()
    acts: list[KnownAct] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(data["acts"]):
        edition = str(raw["edition"])
        if edition in seen:
            findings.append(doc.finding(("acts", i, "edition"), f"edition '{edition}' is listed twice (first as act {seen[edition] + 1})", "duplicate-key"))
        seen[edition] = i
        start, end = raw.get("valid_from"), raw.get("valid_to")
        if start and end and end < start:
            findings.append(doc.finding(("acts", i, "valid_to"), f"act '{edition}' ends ({end}) before it starts ({start})", "dates-order"))
        for j, iid in enumerate(raw.get("interpretations", [])):
            used.add(iid)
            if iid not in interps:
                findings.append(doc.finding(("acts", i, "interpretations", j), f"interpretation '{iid}' is not defined", "interpretation-undefined"))
        acts.append(KnownAct(
            edition=edition, name=str(raw["name"]), valid_from=start, valid_to=end,
            supersedes=tuple(str(s) for s in raw.get("supersedes", ())), repealed_by=raw.get("repealed_by"),
            note=raw.get("note"), interpretations=tuple(raw.get("interpretations", ())),
            gives_dates=any(k in raw for k in ("valid_from", "valid_to", "repealed_by")), raw=raw,
        ))
    for i, act in enumerate(acts):
        for j, sup in enumerate(act.supersedes):
            if sup not in seen:
                findings.append(doc.finding(("acts", i, "supersedes", j), f"act '{act.edition}' supersedes '{sup}', which is not listed", "ref-undefined"))
    dated = [(a.valid_from, i, a) for i, a in enumerate(acts) if a.valid_from]
    for (_, _, a), (_, j, b) in zip(dated, dated[1:]):
        if b.valid_from <= a.valid_from:
            findings.append(doc.finding(("acts", j, "valid_from"), f"acts are listed oldest first: '{b.edition}' starts {b.valid_from}, not after '{a.edition}' ({a.valid_from})", "dates-order"))
        elif a.valid_to and b.valid_from <= a.valid_to:
            findings.append(doc.finding(("acts", j, "valid_from"), f"'{b.edition}' starts {b.valid_from} while '{a.edition}' is in force to {a.valid_to}", "dates-overlap"))
    periods = data.get("periods") or {}
    if periods.get("interpretation"):
        used.add(periods["interpretation"])
        if periods["interpretation"] not in interps:
            findings.append(doc.finding(("periods", "interpretation"), f"interpretation '{periods['interpretation']}' is not defined", "interpretation-undefined"))
    for iid in interps:
        if iid not in used:
            findings.append(doc.finding(("interpretations", iid), f"interpretation '{iid}' is not referenced, so no resolution would report it", "interpretation-unused", "warning", key=True))
    fa = FamilyActs(
        family=family, path=path, label=data.get("label") or {}, straddle=periods.get("straddle", "error"),
        straddle_interpretation=periods.get("interpretation"), acts=acts, interpretations=interps,
    )
    return fa, findings
