"""iCalendar (RFC 5545) output of a year's calendar: one all-day event per deadline.

Written by hand: CRLF line ends, text escaped (backslash, semicolon, comma, newline), lines folded at
75 octets without splitting a UTF-8 character, a stable UID per deadline so that importing the file
again updates the events instead of doubling them.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from ..editions.yearcal import YearCalendar

PRODID = "-//adisteme//deadlines calendar//EN"


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, continuation lines starting with a space."""
    out: list[str] = []
    current, size, limit = [], 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n".join(out)


def _uid(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", "-".join(parts)) + "@adisteme"


def to_ics(cal: YearCalendar, stamp: Optional[dt.datetime] = None) -> str:
    stamp = stamp or dt.datetime.now(dt.timezone.utc)
    dtstamp = stamp.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(f'adisteme {cal.target} {cal.year}')}",
    ]
    for e in cal.entries:
        en, kk = (e.label or {}).get("en", e.deadline), (e.label or {}).get("kk", "")
        cite = ", ".join(e.cite)
        description = [f"{kk}" if kk else "", f"{e.methodology}, {e.deadline} [{cite}]", f"rule: {e.rule}"]
        description += [f"note: {n}" for n in e.notes]
        description += [f"interpretation {i['id']} [{i.get('cite') or i.get('source', '')}]: {i['does']}" for i in e.interpretations]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(cal.target, str(cal.year), e.methodology, e.deadline)}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{e.date.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(e.date + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{escape(f'{en} [{cite}]')}",
            f"DESCRIPTION:{escape(chr(10).join(d for d in description if d))}",
            f"CATEGORIES:{escape(e.methodology)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
