"""A year's calendar of deadlines (editions.yearcal) as a table for people, JSON, or iCalendar (ics.py)."""
from __future__ import annotations

from ..editions.yearcal import YearCalendar
from ..language.values import dumps, text
from .ics import to_ics

CALENDAR_FORMATS = ("table", "json", "ics")


def render_calendar(cal: YearCalendar, fmt: str) -> str:
    """The whole calendar in format `fmt` (one of CALENDAR_FORMATS), ending with a line end."""
    if fmt == "json":
        return dumps(cal.as_dict()) + "\n"
    if fmt == "ics":
        return to_ics(cal)
    return calendar_table(cal) + "\n"


def calendar_notes(cal: YearCalendar) -> list[str]:
    """What people are told beside the calendar: each problem, then each edition in force and why."""
    return ([f"adisteme: {p}" for p in cal.problems]
            + [f"note: {s['from']} … {s['to']}: {s['methodology']} ({s['how']}): {'; '.join(s['why'])}" for s in cal.spans if s.get("methodology")])


def calendar_table(cal: YearCalendar) -> str:
    """The editions in force over the year, then one row per deadline by date, then what was not computed."""
    lines = [f"Deadlines of {cal.year} — {cal.target}"]
    for s in cal.spans:
        lines.append(f"  {s['from']} … {s['to']}: {s.get('methodology') or 'no encoded edition'}")
    lines.append("")
    heads = ("date", "day", "deadline", "what", "cite")
    rows = [(text(e.date), e.weekday, e.deadline, (e.label or {}).get("en", ""), ", ".join(e.cite), e) for e in cal.entries]
    w = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(heads)]
    lines.append("  ".join(h.ljust(w[i]) for i, h in enumerate(heads)).rstrip())
    lines.append("  ".join("-" * x for x in w))
    several = len({e.methodology for e in cal.entries}) > 1
    for r in rows:
        lines.append("  ".join(str(c).ljust(w[i]) for i, c in enumerate(r[:5])).rstrip())
        if several:
            lines.append(f"      under {r[5].methodology}")
        for n in r[5].notes:
            lines.append(f"      note: {n}")
    pending = {(p["deadline"], p["needs"], p["rule"], ", ".join(p["cite"])): p for p in cal.pending}
    if pending:
        lines.append("")
        lines.append("Not computed (give --event NAME=DATE):")
        for deadline, needs, rule, cite in pending:
            lines.append(f"  {deadline:<22} needs {needs:<24} {rule}  [{cite}]")
    return "\n".join(lines)
