"""Amendments: a new edition's file made from the old one, ready for the drafter to edit.

`amend` copies the old edition's text line for line, so every comment, citation and the layout the
drafter knows survive, and changes only what makes it a new edition: `edition`, `validity` (`from`
the given date, `to` unknown, no repeal, a note naming the amending act), `supersedes` (the old
edition is added) and, when given, the act's `number` and `date`. It refuses to overwrite a file,
and it checks the new text as `adisteme validate` would before writing it. After the drafter's edits,
`adisteme diff FAMILY@OLD NEW-FILE` shows what changed, in the act's terms.

With `act_name` (and `act_source`, the text it comes from), the family's `acts.yaml` (when there is
one in the folder written to) gets the new act appended to its list of known acts; with `tests`, `<edition>.tests.yaml` is copied too, naming
the new edition.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..atomic import atomic_path
from ..errors import AdistemeError
from .acts import check_acts_file
from .registry import ACTS_FILE, Registry, RegistryError, check_document
from ..language.source import Document, SourceError, load_text

_EDITION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class AmendError(AdistemeError):
    """The new edition cannot be made (it exists already, a bad edition name, ...)."""


@dataclass
class Amended:
    path: Path
    methodology_id: str
    supersedes: str
    tests_path: Optional[Path] = None
    acts_path: Optional[Path] = None
    notes: list[str] = field(default_factory=list)

    def also_written(self) -> list[str]:
        """The other files written: the copied tests (created), the family's acts.yaml (updated)."""
        written = [f"created {self.tests_path}"] if self.tests_path else []
        return written + ([f"updated {self.acts_path}"] if self.acts_path else [])


def amend(registry: Registry, ref: str, edition: str, valid_from: dt.date, *, act_name: Optional[str] = None,
          act_number: Optional[str] = None, act_date: Optional[dt.date] = None, act_source: Optional[str] = None,
          directory: Optional[Path] = None,
          tests: bool = False, today: Optional[dt.date] = None) -> Amended:
    try:
        old_id = registry.resolve_id(ref)
    except RegistryError as exc:
        raise AmendError(str(exc)) from None
    family, old_edition = old_id.split("@", 1)
    old_path = registry.files()[old_id]
    if not _EDITION.match(edition):
        raise AmendError(f"{edition!r} is not an edition name (letters, digits, '.', '_' or '-', e.g. 2018)")
    if edition == old_edition:
        raise AmendError(f"the new edition must differ from {old_edition}")
    new_id = f"{family}@{edition}"
    if new_id in registry.files():
        raise AmendError(f"{new_id} exists already: {registry.files()[new_id]}")
    folder = (Path(directory) / family) if directory is not None else old_path.parent
    new_path = folder / f"{edition}.yaml"
    if new_path.exists():
        raise AmendError(f"{new_path} exists already; amend never overwrites a file")
    text = old_path.read_text(encoding="utf-8")
    try:
        doc = load_text(text, str(old_path))
    except SourceError as exc:
        raise AmendError(f"{old_path} is not readable YAML: {exc}") from None
    note = f"In force from {valid_from.isoformat()}" + (f" under {act_name}" if act_name else "") + f"; supersedes {old_id}."
    edits = _Edits(doc)
    edits.scalar(("edition",), json.dumps(edition))
    edits.scalar(("validity", "from"), valid_from.isoformat())
    if ("validity", "to") in doc.value_at:
        edits.scalar(("validity", "to"), "null")
    edits.remove(("validity", "repealed_by"))
    if ("validity", "note") in doc.value_at:
        edits.scalar(("validity", "note"), json.dumps(note, ensure_ascii=False))
    supersedes = list((doc.data or {}).get("supersedes") or [])
    if old_id not in supersedes:
        edits.supersedes(old_id, supersedes)
    if act_number is not None:
        edits.scalar(("act", "number"), json.dumps(act_number, ensure_ascii=False))
    if act_date is not None:
        edits.scalar(("act", "date"), act_date.isoformat())
    stamp = (today or dt.date.today()).isoformat()
    edits.comment(f"# {new_id}: made from {old_id} by `adisteme amend` on {stamp}; edit it to the amending act, then "
                  f"`adisteme diff {old_id} {new_path}` shows the change.")
    new_text = edits.apply()
    try:
        new_doc = load_text(new_text, str(new_path))
    except SourceError as exc:  # pragma: no cover - the edits keep the YAML well formed
        raise AmendError(f"the new text does not parse: {exc}") from None
    errors = [f for f in check_document(new_doc, new_path, family, edition).findings if f.severity == "error"]
    if errors:
        raise AmendError("the new edition would not validate: " + "; ".join(f.render(with_source=False) for f in errors[:3]))
    folder.mkdir(parents=True, exist_ok=True)
    with open(new_path, "x", encoding="utf-8") as fh:  # "x": never overwrite, even in a race
        fh.write(new_text)
    out = Amended(new_path, new_id, old_id)
    if tests:
        out.tests_path = _copy_tests(old_path.parent / f"{old_edition}.tests.yaml", folder / f"{edition}.tests.yaml", old_id, new_id, out.notes)
    if act_name:
        out.acts_path = _record_act(folder / ACTS_FILE, edition, old_edition, act_name, act_source, new_id, out.notes)
        if out.acts_path is None and not (folder / ACTS_FILE).exists():
            out.notes.append(f"{folder / ACTS_FILE} does not exist: the amending act is named in the new file's validity note only")
    return out


class _Edits:
    """Line edits of a YAML text at located values, applied bottom-up so positions stay valid."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.lines = list(doc.lines)
        self.replace: list[tuple[int, int, int, list[str]]] = []  # (first line, last line, col, new lines) 0-based
        self.header: Optional[str] = None

    def _end_of_block(self, line: int, indent: int) -> int:
        """The last line (0-based) of a value that starts on `line` and continues on more-indented lines."""
        end = line
        for i in range(line + 1, len(self.lines)):
            text = self.lines[i]
            if text.strip() == "" or text.lstrip().startswith("#"):
                continue
            if len(text) - len(text.lstrip()) <= indent:
                break
            end = i
        return end

    def scalar(self, path: tuple, new: str) -> None:
        if path not in self.doc.value_at:
            return
        line, col = (x - 1 for x in self.doc.value_at[path])
        text = self.lines[line]
        key_line, key_col = (x - 1 for x in self.doc.key_at.get(path, (line + 1, 1)))
        end = self._end_of_block(key_line, key_col)
        if line == key_line and end == key_line and text[col:col + 1] not in ("|", ">"):
            stop = _scalar_end(text, col)
            self.replace.append((line, line, 0, [text[:col] + new + text[stop:]]))
            return
        # a block scalar, or a value on the lines below its key: the whole value becomes one line
        head = self.lines[key_line]
        colon = head.index(":", key_col)
        self.replace.append((key_line, end, 0, [head[:colon + 1] + " " + new]))

    def remove(self, path: tuple) -> None:
        if path not in self.doc.key_at:
            return
        line, col = (x - 1 for x in self.doc.key_at[path])
        if self.lines[line][:col].strip():  # inside a flow mapping: leave it to the drafter
            return
        self.replace.append((line, self._end_of_block(line, col), 0, []))

    def supersedes(self, old_id: str, current: list) -> None:
        ids = [str(x) for x in current] + [old_id]
        flow = "[" + ", ".join(json.dumps(i) for i in ids) + "]"
        if ("supersedes",) in self.doc.key_at:
            if self._flow(("supersedes",)):
                self.scalar(("supersedes",), flow)
            else:
                self._block_list(("supersedes",), ids)
            return
        # no supersedes key: put one after the validity block
        line, col = (x - 1 for x in self.doc.key_at.get(("validity",), (1, 1)))
        end = self._end_of_block(line, col)
        self.replace.append((end + 1, end, 0, ["", f"supersedes: {flow}"]))

    def _flow(self, path: tuple) -> bool:
        line, col = (x - 1 for x in self.doc.value_at[path])
        return self.lines[line][col:col + 1] == "["

    def _block_list(self, path: tuple, ids: list[str]) -> None:
        line, col = (x - 1 for x in self.doc.key_at[path])
        end = self._end_of_block(line, col)
        self.replace.append((line, end, 0, [self.lines[line][:col] + "supersedes: [" + ", ".join(json.dumps(i) for i in ids) + "]"]))

    def comment(self, text: str) -> None:
        self.header = text

    def apply(self) -> str:
        lines = list(self.lines)
        for first, last, _, new in sorted(self.replace, key=lambda r: (r[0], r[1]), reverse=True):
            lines[first:last + 1] = new
        if self.header:
            at = 1 if lines and lines[0].startswith("# yaml-language-server:") else 0
            lines.insert(at, self.header)
        return "\n".join(lines) + "\n"


def _scalar_end(text: str, col: int) -> int:
    """Where the scalar that starts at `col` ends on its line (quoted, or plain up to a comment or flow punctuation)."""
    q = text[col:col + 1]
    if q in ("'", '"'):
        i = col + 1
        while i < len(text):
            if text[i] == "\\" and q == '"':
                i += 2
                continue
            if text[i] == q:
                if q == "'" and text[i + 1:i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return len(text)
    if q == "[":
        depth, i = 0, col
        while i < len(text):
            depth += {"[": 1, "]": -1}.get(text[i], 0)
            if depth == 0:
                return i + 1
            i += 1
        return len(text)
    m = re.search(r"\s#|,|}|]", text[col:])
    return col + m.start() if m else len(text.rstrip())


def _copy_tests(old: Path, new: Path, old_id: str, new_id: str, notes: list[str]) -> Optional[Path]:
    if not old.exists():
        notes.append(f"{old.name} does not exist; no tests were copied")
        return None
    if new.exists():
        notes.append(f"{new} exists already; it was left as it is")
        return None
    text = old.read_text(encoding="utf-8")
    doc = load_text(text, str(old))
    edits = _Edits(doc)
    edits.scalar(("methodology",), new_id)
    edits.comment(f"# Copied from the tests of {old_id} by `adisteme amend`: check every case against the amending act.")
    with open(new, "x", encoding="utf-8") as fh:
        fh.write(edits.apply())
    return new


def _record_act(acts: Path, edition: str, old_edition: str, name: str, source: Optional[str], new_id: str,
                notes: list[str]) -> Optional[Path]:
    if not acts.exists():
        return None
    text = acts.read_text(encoding="utf-8")
    doc = load_text(text, str(acts))
    listed = [str(a.get("edition")) for a in (doc.data or {}).get("acts") or [] if isinstance(a, dict)]
    if edition in listed:
        notes.append(f"{acts} lists edition {edition} already; it was left as it is")
        return None
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("acts:"))
    end = start
    for i in range(start + 1, len(lines)):
        if lines[i] and not lines[i][0].isspace() and not lines[i].startswith("#"):
            break
        if lines[i].strip():
            end = i
    entry = [
        f"  - edition: {json.dumps(edition)}",
        f"    name: {json.dumps(name, ensure_ascii=False)}",
        f"    source: {json.dumps(source or 'not recorded yet: name the text of the amending act', ensure_ascii=False)}",
        f"    supersedes: [{json.dumps(old_edition)}]",
        f"    note: Encoded as {new_id} (made by adisteme amend); its validity is in that file.",
    ]
    lines[end + 1:end + 1] = entry
    try:
        with atomic_path(acts) as tmp:  # checked as written; put in place only when it validates
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
            _, findings = check_acts_file(tmp)
            errors = [f for f in findings if f.severity == "error" and f.code != "id-mismatch"]
            if errors:
                raise _Invalid(errors[0].message)
    except _Invalid as exc:
        notes.append(f"{acts} was not changed: the new entry would not validate ({exc})")
        return None
    return acts


class _Invalid(AmendError):
    """The amended acts.yaml would not validate: leaving the block by it keeps the old file."""
