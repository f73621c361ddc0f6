"""What the commands other than `evaluate` show: rows for JSON, and the lines people read."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from ..editions.in_time import Editions
from ..editions.registry import Registry
from ..language.values import text


def methodology_rows(registry: Registry) -> list[dict[str, Any]]:
    """Every methodology file the registry knows, by id: its act's status and titles, validity, evaluations,
    and how many errors it has (a file with errors is listed too, so that it can be found and fixed)."""
    rows = []
    for mid, path in sorted(registry.files().items()):
        loaded = registry.load(mid)
        m = loaded.methodology
        act = (m.act if m else {}) or {}
        validity = (m.validity if m else {}) or {}
        rows.append({
            "id": mid, "status": act.get("status", "?"), "valid_from": validity.get("from"), "valid_to": validity.get("to"),
            "title_kk": (act.get("title") or {}).get("kk", ""), "title_en": (act.get("title") or {}).get("en", ""),
            "evaluations": list(m.evaluations) if m else [], "errors": len(loaded.errors), "path": str(path),
        })
    return rows


def methodology_lines(rows: Iterable[dict[str, Any]]) -> list[str]:
    lines = []
    for r in rows:
        valid = f"{text(r['valid_from'])} … {text(r['valid_to'])}"
        flag = f"  ({r['errors']} errors: run adisteme validate)" if r["errors"] else ""
        lines.append(f"{r['id']:<28} {r['status']:<9} valid {valid:<25} evaluations: {', '.join(r['evaluations'])}{flag}")
        lines.append(f"    {r['title_kk']}")
        lines.append(f"    {r['title_en']}")
    return lines


def act_rows(editions: Editions, families: Iterable[str]) -> list[dict[str, Any]]:
    """Every known act of each family, in time order, encoded or not (raises EditionError when a
    family's acts cannot be put in order)."""
    rows = []
    for fam in families:
        for e in editions.timeline(fam):
            rows.append({"family": fam, "edition": e.edition, "act": e.name, "encoded": e.encoded, "valid_from": e.start,
                         "valid_to": e.effective_end, "repealed_by": (e.repealed_by or {}).get("name"),
                         "interpretations": [r.as_dict() for r in e.readings]})
    return rows


def act_lines(rows: Iterable[dict[str, Any]]) -> list[str]:
    lines = []
    for r in rows:
        mark = "encoded" if r["encoded"] else "not encoded"
        start = text(r["valid_from"]) if r["valid_from"] else "unknown"
        end = text(r["valid_to"]) if r["valid_to"] else ("unknown" if not r["valid_from"] else "no known end")
        lines.append(f"{r['family'] + '@' + r['edition']:<30} {mark:<12} {start + ' … ' + end:<26} {r['act']}")
        if r["repealed_by"]:
            lines.append(f"{'':<30} repealed by {r['repealed_by']}")
    return lines


def answer_line(day: dt.date, answer: dict[str, Any]) -> str:
    """`acts --as-of`: the edition in force on the day and why, or why none is (Editions.answer)."""
    said = answer["error"] if "error" in answer else f"{answer['methodology']} — {'; '.join(answer['why'])}"
    return f"\non {day}: {said}"


# -- the history's answers. They come as the history's objects and documents (history.organisations,
# history.runs), read by their attributes and keys: the history package is above this one and is not imported.
def organisation_lines(orgs: Iterable[Any], today: dt.date) -> list[str]:
    """`org list`: each organisation with the binding in force today (or else its latest)."""
    lines = []
    for o in orgs:
        b = o.binding_on(today) or (max(o.bindings, key=lambda x: (x.valid_from, x.seq)) if o.bindings else None)
        bound = f"{b.family}{'@' + b.edition if b.edition else ''} from {b.valid_from}" if b else "no binding"
        lines.append(f"{o.id:<30} {o.kind:<22} {o.region.get('en', ''):<40} {bound}")
        lines.append(f"    {o.name.get('kk', '')}")
        lines.append(f"    {o.name.get('en', '')}")
    return lines


def organisation_detail_lines(o: Any, day: dt.date, applies: dict[str, Any]) -> list[str]:
    """`org show`: the organisation, its every binding, and what applies on `day` (a resolution's as_dict,
    or {"error": ...} when no edition applies)."""
    lines = [f"{o.id}: {o.name.get('en', '')}", f"    {o.name.get('kk', '')}",
             f"  region: {o.region.get('en', '')} ({o.region.get('kk', '')}); kind: {o.kind}", f"  named in: {o.source}"]
    if o.note:
        lines.append(f"  note: {o.note}")
    lines.append("  bindings (oldest first; on a date the latest `from` on or before it applies):")
    for b in sorted(o.bindings, key=lambda x: (x.valid_from, x.seq)):
        pin = f"@{b.edition} (pinned)" if b.edition else " (edition by date)"
        when = f" on {b.recorded_at}" if b.recorded_at else ""
        lines.append(f"    from {b.valid_from}: {b.family}{pin}, by {b.by}{when} [{b.source}]")
        lines.append(f"        why: {b.reason}")
    if not o.bindings:
        lines.append("    none")
    lines.append(f"  on {day}:")
    if "error" in applies:
        lines.append(f"    no edition applies: {applies['error']}")
    else:
        lines.append(f"    {applies['methodology']} ({applies['how']}: {applies['act']})")
        lines += [f"    because {w}" for w in applies["why"]]
        lines += [f"    interpretation {x['id']} [{x['source']}]: {x['does']}" for x in applies["interpretations"]]
    return lines


def run_lines(runs: Iterable[dict[str, Any]]) -> list[str]:
    """`history`: one line per saved run (a stored run's as_dict)."""
    return [f"run {r['run']:<5} {r['created_at']}  {r['organisation'] or '—':<28} {r['period'] or '—':<8} {r['methodology']:<22} "
            f"{r['evaluation']:<12} {r['records']} record(s), {r['errors']} with errors" for r in runs]


def verification_lines(v: dict[str, Any]) -> list[str]:
    """`verify`: a verification's as_dict, told: the run, its receipt, what reproduces and what does not."""
    r = v["run"]
    lines = [f"run {r['id']}: {r['organisation']} {r['period']} {r['methodology']} {r['evaluation']}, saved {r['created_at']}",
             f"  receipt: {r['receipt'].get('engine')}, {r['receipt'].get('calendar_data')}, methodology SHA-256 {r['receipt'].get('methodology_sha256')}",
             f"  results: {v['reproduced']} of {v['results']} reproduce"]
    for d in v["differing"]:
        lines.append(f"    {d['id']}: {d['problem']}")
        if "stored" in d:
            before, now = d["stored"].get("outputs", {}), d["now"].get("outputs", {})
            lines += [f"      {k}: {text(before.get(k))} then, {text(now.get(k))} now"
                      for k in sorted(set(before) | set(now)) if before.get(k) != now.get(k)]
    lines += [f"  note: {n}" for n in v["notes"]] + [f"  problem: {p}" for p in v["problems"]]
    lines.append("reproduces" if v["reproduces"] else "does NOT reproduce")
    return lines
