"""Presenting a diff: text for the terminal, Markdown, a self-contained HTML page, and JSON.

Rule changes come first, then citation changes, then wording changes (which never change a
result), each grouped by section and element in the order of the file. With an impact report,
the matrix of rating transitions and every changed record with the rules behind it follow.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Callable, Optional

import click

from .compare import CATEGORIES, CITATION, RULE, WORDING, Comparison, Difference
from .impact import Impact
from ..language.values import dumps
from ..methodology.model import cites
from ..language.values import text

FORMATS = ("text", "markdown", "html", "json")

SECTION_TITLES = {
    "act": "Identity of the act", "validity": "Validity", "language": "Language version",
    "supersedes": "Editions superseded", "calendar": "Calendar", "parameters": "Parameters", "inputs": "Inputs",
    "scales": "Scales", "formulas": "Formulas", "eligibility": "Eligibility", "deadlines": "Deadlines",
    "bodies": "Bodies", "consequences": "Consequences", "evaluations": "Evaluations", "documents": "Documents (forms)",
    "interpretations": "Interpretations", "tables": "Tables (the act's data)",
    "windows": "Windows (date periods)", "applications": "Applications (required documents)", "cohorts": "Cohorts (ranking, quotas, places)",
}
CATEGORY_TITLES = {
    RULE: "Rule changes",
    CITATION: "Citation changes (the same rule cited to another paragraph)",
    WORDING: "Wording changes (labels, notes, quoted text: no effect on any result)",
}
KIND_COLOURS = {"added": "green", "removed": "red", "changed": "yellow", "renamed": "cyan", "citation": "blue", "wording": "magenta"}


def _change(out: str, before: dict, after: dict) -> str:
    """An output's value before and after, each list in brackets (so "a; b → b" cannot mislead)."""
    return f"{out}: {text(before.get(out), brackets=True)} → {text(after.get(out), brackets=True)}"


@dataclass
class Report:
    comparison: Comparison
    a_name: str
    b_name: str
    a_source: str
    b_source: str
    impact: Optional[Impact] = None
    wording: bool = True  # show citation and wording changes
    title: str = "adisteme diff"

    @property
    def shown(self) -> list[Difference]:
        return [d for d in self.comparison.differences if self.wording or d.category == RULE]

    def side(self, which: str) -> dict:
        m = self.comparison.a if which == "a" else self.comparison.b
        return {
            "name": self.a_name if which == "a" else self.b_name, "id": m.id,
            "source": self.a_source if which == "a" else self.b_source, "sha256": m.sha256,
            "status": (m.act or {}).get("status"),
        }


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    return render_text(report, color=color)


def nothing_words(report: Report) -> str:
    hidden = len(report.comparison.differences) - len(report.shown)
    if hidden:
        return f"No rule changes ({hidden} citation and wording change{'s' if hidden != 1 else ''} not shown)."
    return "No differences."


def counts_words(report: Report) -> str:
    counts = {c: len([d for d in report.shown if d.category == c]) for c in CATEGORIES}
    parts = [f"{counts[RULE]} rule change{'s' if counts[RULE] != 1 else ''}"]
    if report.wording:
        parts.append(f"{counts[CITATION]} citation change{'s' if counts[CITATION] != 1 else ''}")
        parts.append(f"{counts[WORDING]} wording change{'s' if counts[WORDING] != 1 else ''}")
    return ", ".join(parts)


def _groups(diffs: list[Difference]) -> list[tuple[str, list[tuple[str, list[Difference]]]]]:
    """[(section, [(element id, [differences])])] in first-seen order."""
    out: dict[str, dict[str, list[Difference]]] = {}
    for d in diffs:
        out.setdefault(d.section, {}).setdefault(d.id, []).append(d)
    return [(s, list(ids.items())) for s, ids in out.items()]


def _cites(a: tuple, b: tuple) -> str:
    ca, cb = ", ".join(a), ", ".join(b)
    if not ca and not cb:
        return ""
    if ca == cb or not cb:
        return f"[{ca}]"
    if not ca:
        return f"[{cb}]"
    return f"[{ca} → {cb}]"


def _element_cites(report: Report, section: str, eid: str, items: list[Difference]) -> tuple:
    """The citations of the element itself (A's and B's), for its heading."""
    whole = next((d for d in items if not d.part), None)
    if whole is not None:
        return (whole.cite_before, whole.cite_after)
    old = {v: k for k, v in report.comparison.renames.get(section, {}).items()}.get(eid, eid)
    out = []
    for m, name in ((report.comparison.a, old), (report.comparison.b, eid)):
        element = m.entry(section, name)
        out.append(element.cite if element is not None else ())
    return tuple(out)


def _label_of(report: Report, section: str, eid: str) -> str:
    for m in (report.comparison.b, report.comparison.a):
        element = m.entry(section, eid)
        label = element.label if element is not None else None
        if isinstance(label, dict) and label.get("kk"):
            return f"«{label['kk']}»"
    return ""


# -- text ------------------------------------------------------------------------------------------

def render_text(report: Report, *, color: bool = False) -> str:
    def style(s: str, **kw: Any) -> str:
        return click.style(s, **kw) if color else s

    lines = [style(report.title, bold=True)]
    for which in ("a", "b"):
        side = report.side(which)
        lines.append(f"  {which.upper()}: {side['id']}  {side['source']}  (status {side['status']}, sha256 {side['sha256'][:12]})")
    shown = report.shown
    lines.append(counts_words(report) if shown else nothing_words(report))
    for category in CATEGORIES:
        diffs = [d for d in shown if d.category == category]
        if not diffs:
            continue
        lines += ["", style(CATEGORY_TITLES[category].upper(), bold=True)]
        for section, elements in _groups(diffs):
            lines.append(style(SECTION_TITLES.get(section, section), bold=True, underline=True))
            for eid, items in elements:
                indent = "  "
                head_cites = _element_cites(report, section, eid, items)
                if eid != section:
                    label = _label_of(report, section, eid)
                    lines.append(f"  {style(eid, bold=True)}{' ' + label if label else ''} {_cites(*head_cites)}".rstrip())
                    indent = "    "
                for d in items:
                    own = _cites(d.cite_before, d.cite_after) if (d.cite_before, d.cite_after) != head_cites or eid == section else ""
                    kind = style(f"{d.kind:<9}", fg=KIND_COLOURS.get(d.kind))
                    lines.append(f"{indent}{kind} {d.what}{' ' + own if own else ''}")
    if report.impact is not None:
        lines += ["", *_impact_text(report.impact, style)]
    return "\n".join(lines) + "\n"


def _impact_text(imp: Impact, style: Callable[..., str]) -> list[str]:
    lines = [style("IMPACT", bold=True),
             f"{imp.data}: evaluation {imp.evaluation}, {imp.records} record(s), {len(imp.changes)} with different results"]
    if imp.has_matrix:
        rows, cols = _matrix_axes(imp)
        lines.append("Outcomes (rows: under A, columns: under B)")
        width = max([len(r) for r in rows] + [4])
        cw = [max(len(c), 3) for c in cols]
        lines.append(" " * (width + 2) + "  ".join(c.rjust(w) for c, w in zip(cols, cw)))
        for r in rows:
            cells = [str(imp.transitions.get((r, c), 0) or ".").rjust(w) for c, w in zip(cols, cw)]
            lines.append(f"  {r.ljust(width)}" + "  ".join(cells))
    for c in imp.changes:
        name = c.descriptive.get("name")
        lines.append(style(f"  {c.id}{' ' + str(name) if name else ''}", bold=True))
        for out in (o for o in c.changed if o != "errors"):
            lines.append(f"    {_change(out, c.before, c.after)}")
        if "errors" in c.changed or c.errors_before != c.errors_after:
            for e in c.errors_before:
                lines.append(f"    error under A: {e}")
            for e in c.errors_after:
                lines.append(f"    error under B: {e}")
        if c.rules:
            lines.append("    rules behind it:")
            for d in c.rules:
                where = d.id if d.id == d.section else f"{d.section} {d.id}"
                lines.append(f"      {d.kind} {where}: {d.what} {_cites(d.cite_before, d.cite_after)}".rstrip())
        else:
            lines.append("    rules behind it: none found among the elements this record used")
    return lines


def _matrix_axes(imp: Impact) -> tuple[list[str], list[str]]:
    """Rows (outcomes under A) and columns (under B): every band, plus the extra outcomes that occur."""
    extra = {"—", "error", "not eligible", "eligible"}
    used_a = {a for (a, _), n in imp.transitions.items() if n}
    used_b = {b for (_, b), n in imp.transitions.items() if n}
    rows = [o for o in imp.outcomes if o not in extra or o in used_a]
    cols = [o for o in imp.outcomes if o not in extra or o in used_b]
    return rows, cols


# -- Markdown --------------------------------------------------------------------------------------

def _md(value: Any) -> str:
    s = str(value)
    return (s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", " ").replace("\n", " "))


def render_markdown(report: Report) -> str:
    a, b = report.side("a"), report.side("b")
    out = [f"# Methodology diff: {_md(a['id'])} → {_md(b['id'])}", "",
           "| | A | B |", "|---|---|---|",
           f"| methodology | `{_md(a['id'])}` | `{_md(b['id'])}` |",
           f"| source | {_md(a['source'])} | {_md(b['source'])} |",
           f"| status | {_md(a['status'])} | {_md(b['status'])} |",
           f"| SHA-256 | `{a['sha256']}` | `{b['sha256']}` |", ""]
    out.append(f"**{_md(counts_words(report))}.**" if report.shown else f"**{_md(nothing_words(report))}**")
    for category in CATEGORIES:
        diffs = [d for d in report.shown if d.category == category]
        if not diffs:
            continue
        out += ["", f"## {CATEGORY_TITLES[category]}", "",
                "| section | element | change | what | cite A | cite B |", "|---|---|---|---|---|---|"]
        for d in diffs:
            element = "" if d.id == d.section else f"`{_md(d.id)}`"
            out.append(f"| {_md(SECTION_TITLES.get(d.section, d.section))} | {element} | {d.kind} | {_md(d.what)} "
                       f"| {_md(', '.join(d.cite_before))} | {_md(', '.join(d.cite_after))} |")
    if report.impact is not None:
        imp = report.impact
        out += ["", "## Impact", "",
                f"{_md(imp.data)}: evaluation `{_md(imp.evaluation)}`, {imp.records} record(s), "
                f"{len(imp.changes)} with different results."]
        if imp.has_matrix:
            rows, cols = _matrix_axes(imp)
            out += ["", "Outcomes (rows: under A, columns: under B):", "",
                    "| A \\ B | " + " | ".join(_md(x) for x in cols) + " |", "|---|" + "---|" * len(cols)]
            for r in rows:
                out.append(f"| {_md(r)} | " + " | ".join(str(imp.transitions.get((r, x), 0)) for x in cols) + " |")
        if imp.changes:
            out += ["", "| record | name | changes | rules behind it |", "|---|---|---|---|"]
            for ch in imp.changes:
                changes = "; ".join(_change(o, ch.before, ch.after) for o in ch.changed if o != "errors")
                if "errors" in ch.changed:
                    changes = "; ".join(p for p in (changes, "errors: " + " / ".join(ch.errors_before or ["none"]) + " → " + " / ".join(ch.errors_after or ["none"])) if p)
                rules = "; ".join(f"{d.section} {d.id}: {d.what}" for d in ch.rules) or "none found"
                out.append(f"| {_md(ch.id)} | {_md(ch.descriptive.get('name', ''))} | {_md(changes)} | {_md(rules)} |")
    return "\n".join(out) + "\n"


# -- HTML ------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:2rem;color:#1b1b1b;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d0d0d0;padding:.3rem .5rem;vertical-align:top;text-align:left;font-size:.9rem}
th{background:#f2f2f2}td.n{text-align:right}code{font-size:.85rem}
.kind{font-weight:600;white-space:nowrap}.added{color:#17692b}.removed{color:#a11b1b}.changed{color:#8a5a00}
.renamed{color:#0b6479}.citation{color:#2b4aa0}.wording{color:#6b2f86}
.summary{font-weight:600}.meta td:first-child{font-weight:600;width:9rem}
@media print{body{margin:0}}
"""


def _h(value: Any) -> str:
    return html.escape(str(value), quote=True)


def render_html(report: Report) -> str:
    a, b = report.side("a"), report.side("b")
    title = f"Methodology diff: {a['id']} → {b['id']}"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{_h(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           f"<h1>{_h(title)}</h1>", '<table class="meta">',
           "<tr><th></th><th>A</th><th>B</th></tr>"]
    for key, words in (("id", "methodology"), ("source", "source"), ("status", "status"), ("sha256", "SHA-256")):
        out.append(f"<tr><td>{_h(words)}</td><td><code>{_h(a[key])}</code></td><td><code>{_h(b[key])}</code></td></tr>")
    out.append("</table>")
    out.append(f'<p class="summary">{_h(counts_words(report) if report.shown else nothing_words(report))}</p>')
    for category in CATEGORIES:
        diffs = [d for d in report.shown if d.category == category]
        if not diffs:
            continue
        out += [f"<h2>{_h(CATEGORY_TITLES[category])}</h2>", "<table>",
                "<tr><th>section</th><th>element</th><th>change</th><th>what</th><th>cite A</th><th>cite B</th></tr>"]
        for d in diffs:
            element = "" if d.id == d.section else f"<code>{_h(d.id)}</code>"
            out.append(f"<tr><td>{_h(SECTION_TITLES.get(d.section, d.section))}</td><td>{element}</td>"
                       f'<td class="kind {_h(d.kind)}">{_h(d.kind)}</td><td>{_h(d.what)}</td>'
                       f"<td>{_h(', '.join(d.cite_before))}</td><td>{_h(', '.join(d.cite_after))}</td></tr>")
        out.append("</table>")
    if report.impact is not None:
        imp = report.impact
        out += ["<h2>Impact</h2>",
                f"<p>{_h(imp.data)}: evaluation <code>{_h(imp.evaluation)}</code>, {imp.records} record(s), "
                f"{len(imp.changes)} with different results.</p>"]
        if imp.has_matrix:
            rows, cols = _matrix_axes(imp)
            out += ["<p>Outcomes (rows: under A, columns: under B)</p>", "<table>",
                    "<tr><th>A \\ B</th>" + "".join(f"<th>{_h(x)}</th>" for x in cols) + "</tr>"]
            for r in rows:
                out.append(f"<tr><th>{_h(r)}</th>" + "".join(f'<td class="n">{imp.transitions.get((r, x), 0)}</td>' for x in cols) + "</tr>")
            out.append("</table>")
        if imp.changes:
            out += ["<table>", "<tr><th>record</th><th>name</th><th>changes</th><th>rules behind it</th></tr>"]
            for ch in imp.changes:
                changes = [_change(o, ch.before, ch.after) for o in ch.changed if o != "errors"]
                changes += [f"error under A: {e}" for e in ch.errors_before] + [f"error under B: {e}" for e in ch.errors_after] if "errors" in ch.changed else []
                rules = [f"{d.section} {d.id}: {d.what}" for d in ch.rules] or ["none found"]
                out.append(f"<tr><td><code>{_h(ch.id)}</code></td><td>{_h(ch.descriptive.get('name', ''))}</td>"
                           f"<td>{'<br>'.join(_h(x) for x in changes)}</td><td>{'<br>'.join(_h(x) for x in rules)}</td></tr>")
            out.append("</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# -- JSON ------------------------------------------------------------------------------------------

def render_json(report: Report) -> str:
    counts = {c: len([d for d in report.shown if d.category == c]) for c in CATEGORIES}
    body: dict[str, Any] = {
        "a": report.side("a"), "b": report.side("b"), "counts": counts,
        "differences": [d.as_dict() for d in report.shown],
        "renamed": {s: dict(t) for s, t in report.comparison.renames.items() if t},
    }
    if report.impact is not None:
        body["impact"] = report.impact.as_dict()
    return dumps(body) + "\n"
