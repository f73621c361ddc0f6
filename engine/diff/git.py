"""Git's external diff driver: `git diff` and `git log -p --ext-diff` on methodology files show the
adisteme diff instead of changed YAML lines.

Set up once per clone (the repository's `.gitattributes` already marks the files):

    git config diff.adisteme.command 'adisteme git-diff-driver'

Git calls the driver with PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE (and, for a
renamed file, NEW-PATH and the rename's description). A side that does not exist is /dev/null. A
file that is not a methodology (a test file, a new or deleted file, a revision that does not
parse) is shown as an ordinary unified diff, so the driver never hides a change. It always ends
with exit status 0: git stops at the first driver that fails.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Optional

from .compare import compare
from .render import Report, render_text
from ..editions.loading import load_methodology_text

NULL = "/dev/null"


def driver_output(args: list[str]) -> str:
    if len(args) < 7:
        return f"{args[0] if args else '?'}: unmerged; resolve the conflict first\n"
    path, old_file, old_hex, _old_mode, new_file, new_hex, _new_mode = args[:7]
    new_path = args[7] if len(args) >= 9 else path
    old_text, new_text = _read(old_file), _read(new_file)
    head = f"adisteme diff a/{path} b/{new_path}\n"
    if old_text is None or new_text is None or not _is_methodology(path) or not _is_methodology(new_path):
        return head + _unified(path, new_path, old_text, new_text)
    la = load_methodology_text(old_text, f"{path}@{old_hex[:10]}", *_id_parts(path))
    lb = load_methodology_text(new_text, f"{new_path}@{new_hex[:10]}", *_id_parts(new_path))
    if la.methodology is None or lb.methodology is None:
        if not (_looks_like_methodology(old_text) and _looks_like_methodology(new_text)):
            return head + _unified(path, new_path, old_text, new_text)  # another YAML file kept beside them
        bad = "a" if la.methodology is None else "b"
        return head + f"({bad}/ does not read as a methodology; showing the lines)\n" + _unified(path, new_path, old_text, new_text)
    comparison = compare(la.methodology, lb.methodology)
    report = Report(comparison, f"a/{path}", f"b/{new_path}", f"a/{path} {old_hex[:10]}", f"b/{new_path} {new_hex[:10]}",
                    title=head.rstrip("\n"))
    return render_text(report, color=False)


def _read(name: str) -> Optional[str]:
    if name == NULL:
        return None
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _is_methodology(path: str) -> bool:
    p = Path(path)
    return p.suffix in (".yaml", ".yml") and not p.name.endswith((".tests.yaml", ".tests.yml"))


def _looks_like_methodology(text: str) -> bool:
    return any(line.startswith("language:") for line in text.splitlines())


def _id_parts(path: str) -> tuple[str, str]:
    p = Path(path)
    return p.parent.name, p.stem


def _unified(path: str, new_path: str, old: Optional[str], new: Optional[str]) -> str:
    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True),
        fromfile=f"a/{path}" if old is not None else NULL, tofile=f"b/{new_path}" if new is not None else NULL,
    )
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return text
