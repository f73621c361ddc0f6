"""The year's calendar: every deadline of a year under the edition(s) in force, with its citation.

Dates are not computed here: each edition's `deadlines` evaluation is run by `engine.evaluate.Evaluator`
with its `year` input set and the events given (`--event decision_date=2017-03-17`), exactly as
`adisteme evaluate M deadlines` would. When the edition changes during the year (an organisation's
binding, or a new edition in force), each part of the year lists the deadlines that fall in it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..errors import AdistemeError
from . import in_time as editions
from .in_time import EditionError, Resolution
from ..evaluation.evaluator import Evaluator
from ..methodology.model import Methodology
from ..calendar.periods import Period
from .registry import Registry

EVALUATION = "deadlines"  # the evaluation the calendar runs
YEAR_INPUT = "year"  # its input that takes the year; every other date input is an event
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class CalendarError(AdistemeError, LookupError):
    """The calendar cannot be made (an unknown event, a methodology without a deadlines evaluation)."""


@dataclass
class Entry:
    date: dt.date
    deadline: str
    methodology: str
    label: dict
    cite: tuple[str, ...]
    rule: str
    event: Optional[str]  # the event it counts from, if any
    notes: list[str] = field(default_factory=list)
    interpretations: list[dict] = field(default_factory=list)

    @property
    def weekday(self) -> str:
        return _WEEKDAYS[self.date.weekday()]

    def as_dict(self) -> dict:
        return {"date": self.date, "weekday": self.weekday, "deadline": self.deadline, "methodology": self.methodology,
                "label": self.label, "cite": list(self.cite), "rule": self.rule, "from_event": self.event,
                "notes": self.notes, "interpretations": self.interpretations}


@dataclass
class YearCalendar:
    target: str
    year: int
    events: dict[str, dt.date]
    spans: list[dict] = field(default_factory=list)  # {from, to, methodology | error, why}
    entries: list[Entry] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)  # deadlines that need an event not given
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"target": self.target, "year": self.year, "events": self.events, "editions": self.spans,
                "deadlines": [e.as_dict() for e in self.entries], "not_computed": self.pending, "problems": self.problems}


def build(target: str, year: int, events: dict[str, dt.date], registry: Registry,
          resolve_day: Callable[[dt.date], Resolution]) -> YearCalendar:
    """The calendar of `year`; `resolve_day` says which edition applies on a day (or raises EditionError)."""
    cal = YearCalendar(target, year, dict(events))
    spans = editions.spans(resolve_day, Period(year))
    usable = [(a, b, r) for a, b, r in spans if not isinstance(r, EditionError)]
    for a, b, r in spans:
        if isinstance(r, EditionError):
            cal.spans.append({"from": a, "to": b, "methodology": None, "error": str(r)})
            cal.problems.append(f"{a} to {b}: no encoded edition applies: {r}")
        else:
            cal.spans.append({"from": a, "to": b, "methodology": r.methodology_id, "how": r.how, "why": list(r.why),
                              "interpretations": [x.as_dict() for x in r.readings]})
    if not usable:
        return cal
    methodologies = {r.methodology_id: registry.get(r.methodology_id) for _, _, r in usable}
    known_events = set()
    for m in methodologies.values():
        if EVALUATION not in m.evaluations:
            raise CalendarError(f"{m.id} has no '{EVALUATION}' evaluation, so it has no calendar")
        known_events |= {n for n in m.evaluations[EVALUATION].inputs if n != YEAR_INPUT and m.inputs[n].type == "date"}
    unknown = sorted(set(events) - known_events)
    if unknown:
        raise CalendarError(f"unknown event(s) {', '.join(unknown)}; the events of {', '.join(methodologies)} are: {', '.join(sorted(known_events))}")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for a, b, r in usable:
        m = methodologies[r.methodology_id]
        for entry in _deadlines(m, year, events, cal):
            anchor = events.get(entry.event) if entry.event else None
            key = entry.date if first <= entry.date <= last else (anchor if anchor and first <= anchor <= last else entry.date)
            home = _span_of(key, spans)  # a date in a part of the year with no edition belongs to no edition
            if home[0] == a and not isinstance(home[2], EditionError):
                entry.interpretations = [x.as_dict() for x in r.readings] + entry.interpretations
                cal.entries.append(entry)
    cal.entries.sort(key=lambda e: (e.date, e.deadline))
    return cal


def _span_of(day: dt.date, spans: list[tuple[dt.date, dt.date, Any]]):
    for span in spans:
        if span[0] <= day <= span[1]:
            return span
    return spans[0] if day < spans[0][0] else spans[-1]


def _deadlines(m: Methodology, year: int, events: dict[str, dt.date], cal: YearCalendar) -> list[Entry]:
    spec = m.evaluations[EVALUATION]
    record: dict[str, Any] = {"id": f"{m.id} {year}", YEAR_INPUT: year}
    record.update({k: v for k, v in events.items() if k in spec.inputs})
    result = Evaluator(m, EVALUATION).evaluate(record)
    for e in result.errors:
        cal.problems.append(f"{m.id}: {e.message}")
    out = []
    for name in spec.outputs:
        if name not in m.deadlines:
            continue
        d = m.deadlines[name]
        element = m.element("deadline", name)
        value = result.outputs.get(name)
        if value is None:
            if d.anchor and d.anchor not in events:
                cal.pending.append({"deadline": name, "methodology": m.id, "needs": d.anchor, "label": element.label,
                                    "cite": list(element.cite), "rule": d.rule_words()})
            continue
        readings = list(element.interpretations) + (list(m.calendar_interpretations) if d.anchor else [])
        interps = [{"id": i, "cite": ", ".join(m.interpretations[i].cite), "does": m.interpretations[i].does}
                   for i in dict.fromkeys(readings) if i in m.interpretations]
        notes = [n.split(": ", 1)[1] for n in result.notes if n.startswith(f"{name}: ")]
        out.append(Entry(value, name, m.id, element.label, element.cite, d.rule_words(), d.anchor, notes, interps))
    for w in result.outputs.get("windows") or ():  # a window of the year (engine/windows.py): its first and last day
        element = m.element("window", w["id"])
        interps = [{"id": i, "cite": ", ".join(m.interpretations[i].cite), "does": m.interpretations[i].does}
                   for i in element.interpretations if i in m.interpretations]
        for key, rule in (("opens", "first day of the window"), ("closes", "last day of the window")):
            if w.get(key) is not None:
                out.append(Entry(w[key], f"{w['id']}.{key}", m.id, element.label, element.cite, rule, None, [], interps))
    return out
