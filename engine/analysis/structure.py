"""The act's structure, and the file's bookkeeping: citations that exist, elements something uses.

A methodology file may declare the act's own numbering, as counted in the text:

    structure:
      paragraphs: 47              # points 1..47 of the methodology
      annexes: [1, 2, 3, 4]       # its annexes (N-қосымша)
      decision_points: 2          # points of the approving decision (Dec. p.N); 0 when the text has none
      subpoints: {p.3: 2, p.34: 3}  # the points that have sub-points, and how many (p.34(3))
      lines: 424                  # lines of the seed file (L.N)

Then every citation in the file (`cite` of any element, band, gap policy, interpretation or
validity) must name a point, sub-point, annex, decision point or line the act has: `cite-undefined`,
an error. When the act itself refers to something it does not have (the 000 act's p.34(3) asks for
a protocol "per Annex 5" and has four annexes), the file records that as an interpretation citing
the point that makes the reference (p.34(3)), never the missing annex.

And, with or without a declared structure:
- `parameter-unused` (warning): a constant of the act that nothing reads, so changing it would
  change nothing (an input bound can name it: `max: incentive_max`);
- `input-unused` (warning): an input no evaluation takes, or one evaluations take but nothing reads
  (its own constraints count as reading it: a value that fails one is an input error).
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from ..language.findings import Finding
from ..methodology.model import Methodology
from ..language.source import Document

_CITE = re.compile(r"^(?:(?P<dec>Dec\. )?p\.(?P<n>[0-9]+)(?:-(?P<m>[0-9]+))?(?P<subs>(?:\([0-9a-z]+\))*)"
                   r"|Annex (?P<annex>[0-9]+)|L\.(?P<l1>[0-9]+)(?:-(?P<l2>[0-9]+))?)")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# keys whose strings are words for people, never references to elements
_PROSE = {"label", "says", "does", "why", "note", "title", "legal_basis", "source", "cite", "interpretations",
          "interpretation", "issuer", "type", "number", "status"}


def check_structure(m: Methodology, doc: Document, unused: bool = True) -> list[Finding]:
    data = doc.data if isinstance(doc.data, dict) else {}
    out = citations(doc, data.get("structure"))
    if unused:
        out += unused_elements(m, doc)
    return out


# -- citations -------------------------------------------------------------------------------------
def cite_values(data: Any, path: tuple = ()) -> Iterable[tuple[tuple, str]]:
    """Every citation string in the document, with its path."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "cite" and isinstance(v, str):
                yield path + (k,), v
            elif k == "cite" and isinstance(v, list):
                for i, c in enumerate(v):
                    if isinstance(c, str):
                        yield path + (k, i), c
            elif not (path == () and k == "structure"):
                yield from cite_values(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from cite_values(v, path + (i,))


def citations(doc: Document, structure: Any) -> list[Finding]:
    if not isinstance(structure, dict):
        return []
    out: list[Finding] = []
    for path, cite in cite_values(doc.data):
        problem = cite_problem(cite, structure)
        if problem:
            out.append(doc.finding(path, problem, "cite-undefined"))
    return out


def cite_problem(cite: str, structure: dict) -> str | None:
    """What is wrong with one citation under the declared structure, or None."""
    match = _CITE.match(cite.strip())
    if not match:
        return None  # its form is the schema's business
    core = match.group(0)
    if match["annex"]:
        annexes = structure.get("annexes")
        n = int(match["annex"])
        if isinstance(annexes, list) and n not in annexes:
            have = f"its annexes are {', '.join(map(str, annexes))}" if annexes else "it has no annexes"
            return (f"{core}: the act has no Annex {n} ({have}; structure.annexes). If the act itself refers to an annex it "
                    "does not have, record that as an interpretation citing the point that makes the reference")
        return None
    if match["l1"]:
        lines = structure.get("lines")
        last = int(match["l2"] or match["l1"])
        if isinstance(lines, int) and last > lines:
            return f"{core}: the seed file has {lines} lines (structure.lines)"
        if match["l2"] and int(match["l2"]) < int(match["l1"]):
            return f"{core}: the range ends before it starts"
        return None
    n, m = int(match["n"]), int(match["m"]) if match["m"] else None
    if match["dec"]:
        points = structure.get("decision_points")
        if isinstance(points, int) and max(n, m or n) > points:
            have = f"has {points} point{'s' if points != 1 else ''}" if points else "is not in the text (structure.decision_points: 0)"
            return f"{core}: the approving decision {have}"
        return None
    paragraphs = structure.get("paragraphs")
    if isinstance(paragraphs, int):
        for k in (n, m):
            if k is not None and not 1 <= k <= paragraphs:
                return f"{core}: the act has no point {k} (its points are 1–{paragraphs}; structure.paragraphs)"
    if m is not None and m < n:
        return f"{core}: the range ends before it starts"
    subs = re.findall(r"\(([0-9a-z]+)\)", match["subs"] or "")
    table = structure.get("subpoints")
    if subs and isinstance(table, dict) and subs[0].isdigit():
        count = table.get(f"p.{n}", 0)
        k = int(subs[0])
        if not 1 <= k <= (count if isinstance(count, int) else 0):
            have = f"has {count} sub-point{'s' if count != 1 else ''}" if count else "has no sub-points"
            return f"{core}: point {n} {have} (structure.subpoints)"
    return None


# -- unused elements ---------------------------------------------------------------------------------
def _references(data: Any, path: tuple, skip: set[tuple], found: dict[str, set[tuple]]) -> None:
    """Identifiers in every non-prose string of the document, with where they occur (not under `skip`)."""
    if path in skip:
        return
    if isinstance(data, dict):
        for k, v in data.items():
            if k in _PROSE or str(k).endswith("_note"):
                continue
            _references(v, path + (k,), skip, found)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _references(v, path + (i,), skip, found)
    elif isinstance(data, str):
        for name in set(_IDENT.findall(data)):
            found.setdefault(name, set()).add(path)


def unused_elements(m: Methodology, doc: Document) -> list[Finding]:
    data = doc.data if isinstance(doc.data, dict) else {}
    out: list[Finding] = []
    params = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
    inputs = data.get("inputs") if isinstance(data.get("inputs"), dict) else {}
    found: dict[str, set[tuple]] = {}
    _references(data, (), {("parameters", p) for p in params} | {("inputs", i) for i in inputs}, found)
    # an input bound may name a parameter: max: incentive_max (read inside the inputs section)
    for name, raw in inputs.items():
        _references(raw, ("inputs", name), set(), found)
    for name in params:
        if name not in found:
            out.append(doc.finding(("parameters", name), f"parameter '{name}' is read by nothing (no expression, no input bound), "
                                   "so changing it would change no result", "parameter-unused", "warning", key=True))
    for name in inputs:
        # its own bounds are not a reading of it; its own constraints are (a value that fails one is an input error)
        where = {p for p in found.get(name, ()) if p[:2] != ("inputs", name) or (len(p) > 2 and p[2] == "constraints")}
        listed = sorted({p[1] for p in where if len(p) >= 3 and p[0] == "evaluations" and p[2] == "inputs"})
        read = [p for p in where if not (len(p) >= 3 and p[0] == "evaluations" and p[2] == "inputs")]
        if read:
            continue
        if listed:
            message = (f"input '{name}' is taken by evaluation{'s' if len(listed) > 1 else ''} {', '.join(repr(e) for e in listed)} "
                       "but nothing reads it, so its value changes no result")
        else:
            message = f"input '{name}' is taken by no evaluation and read by nothing"
        out.append(doc.finding(("inputs", name), message, "input-unused", "warning", key=True))
    return out
