"""Date windows: a period of the year within which something must happen (a submission, a stage).

A window is either bounded by two deadlines of the file (`opens`, `closes`: its first and last
day, both included) or made of whole calendar months of a year (`months: {from, to}` + `year`).
A window with a `date` checks that date: a date outside it is a refusal that names the window's
paragraph, the date and the window's first and last day.

The module knows nothing of evaluation: the evaluator's admission (evaluation/admission.py) reads a
window's `bounds`, and the checker (analysis/checks.py) calls `check`, known here only by the
protocols of elements/contexts.py, so there is no import upward.
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Protocol

from ..language.citations import cites
from ..language.expressions import EvaluationError, Expression
from .contexts import CheckContext, CompileContext, EvaluationRefs


@dataclass(frozen=True)
class Window:
    id: str
    cite: tuple[str, ...]
    label: dict
    interpretations: tuple[str, ...]
    opens: Optional[str] = None  # deadline id: the first day, included
    closes: Optional[str] = None  # deadline id: the last day, included
    months: Optional[tuple[int, int]] = None  # (first month, last month) of `year`
    year: Optional[Expression] = None
    date: Optional[str] = None  # the date input or formula that must fall in the window

    def names(self) -> list[str]:
        """The elements the window reads (for an evaluation's plan and its inputs)."""
        out = [n for n in (self.opens, self.closes, self.date) if n]
        if self.year is not None:
            out += sorted(self.year.names)
        return out

    def bounds(self, names: dict, run: Callable[[Expression, dict], Any]) -> tuple[Optional[dt.date], Optional[dt.date]]:
        """(first day, last day); None where a deadline it needs was not computed."""
        if self.months is not None:
            year = run(self.year, names) if self.year is not None else None
            if year is None:
                return None, None
            y = int(year)
            if not 1 <= y <= 9999:
                raise EvaluationError(f"window '{self.id}': no year {y}")
            first, last = self.months
            return dt.date(y, first, 1), dt.date(y, last, _calendar.monthrange(y, last)[1])
        return names.get(self.opens), names.get(self.closes)

    def describe(self, opens: Optional[dt.date], closes: Optional[dt.date]) -> str:
        return f"{iso_or_dash(opens)} … {iso_or_dash(closes)}"


def compile_window(c: CompileContext, name: str, raw: dict, path: tuple) -> Window:
    months = raw.get("months")
    year = c.expression(path + ("year",), raw["year"]) if "year" in raw else None
    return Window(
        id=name, cite=cites(raw.get("cite")), label=raw.get("label") or {}, interpretations=tuple(raw.get("interpretations", ())),
        opens=raw.get("opens"), closes=raw.get("closes"),
        months=(int(months["from"]), int(months["to"])) if isinstance(months, dict) else None,
        year=year, date=raw.get("date"),
    )


# -- semantic checks ---------------------------------------------------------------------------------
class WindowsModel(Protocol):
    """What the checks of windows read of the methodology."""

    @property
    def windows(self) -> Mapping[str, Window]: ...

    @property
    def deadlines(self) -> Mapping[str, object]: ...

    @property
    def evaluations(self) -> Mapping[str, EvaluationRefs]: ...

    def kind_of(self, name: str) -> Optional[str]: ...


def check(ck: CheckContext[WindowsModel]) -> None:
    """Windows refer to deadlines and a date that exist; evaluations to windows that exist."""
    m = ck.m
    for name, w in m.windows.items():
        p = ("windows", name)
        for key in ("opens", "closes"):
            ref = getattr(w, key)
            if ref and ref not in m.deadlines:
                ck.error(p + (key,), f"window '{name}' {key} on '{ref}', which is not a deadline", "ref-undefined")
        if w.months and w.months[0] > w.months[1]:
            ck.error(p + ("months",), f"window '{name}' runs from month {w.months[0]} to month {w.months[1]}: the first month is after the last", "window-empty")
        if w.year is not None:
            ck.expression(p + ("year",), w.year, want="number")
        if w.date:
            kind = m.kind_of(w.date)
            if kind not in ("input", "formula", "deadline"):
                ck.error(p + ("date",), f"window '{name}' checks '{w.date}', which is not a date input, formula or deadline", "ref-undefined")
            elif ck.type_of(w.date) not in ("date", "any"):
                ck.error(p + ("date",), f"window '{name}' checks '{w.date}', which is not a date", "type-mismatch")
    for name, e in m.evaluations.items():
        for i, wid in enumerate(e.windows):
            if wid not in m.windows:
                ck.error(("evaluations", name, "windows", i), f"evaluation '{name}' lists window '{wid}', which is not defined", "ref-undefined")


def iso_or_dash(d: Optional[dt.date]) -> str:
    return d.isoformat() if isinstance(d, dt.date) else "—"
