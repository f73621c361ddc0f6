"""A methodology named on the command line: an id, a file, or a file as of a git revision.

- `family@edition` (or `family`): from the registry;
- a path to a methodology file;
- `PATH@REV`: the file as it was at git revision REV (`git show REV:PATH` in the file's repository),
  e.g. `methodologies/wko-maslikhat/2017.yaml@HEAD~1`.

A file is read, schema-checked, compiled and checked exactly as `registry.load_methodology` does;
the family and edition it is expected to declare come from its path (`<family>/<edition>.yaml`).
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import AdistemeError
from ..language.findings import Finding
from ..methodology.model import Methodology
from .registry import Loaded, Registry, RegistryError, check_document
from ..language.source import SourceError, load_text

_REV = re.compile(r"^(?P<path>.*?\.ya?ml)@(?P<rev>.+)$")


class LoadError(AdistemeError):
    """The methodology asked for cannot be read or used."""


@dataclass
class Named:
    """A methodology with the name it was asked for by and where it came from."""

    spec: str
    methodology: Methodology
    source: str  # the file, or PATH@REV
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def load_methodology_text(text: str, path: str, family: Optional[str] = None, edition: Optional[str] = None) -> Loaded:
    """`registry.load_methodology` for text that is not (or no longer) a file on disk."""
    p = Path(path)
    family = family if family is not None else p.parent.name
    edition = edition if edition is not None else p.stem
    try:
        doc = load_text(text, str(path))
    except SourceError as exc:
        return Loaded(p, None, [exc.finding])
    return check_document(doc, p, family, edition)


def split_revision(spec: str) -> Optional[tuple[str, str]]:
    """`PATH@REV` -> (PATH, REV); None when `spec` does not name a file at a revision."""
    match = _REV.match(spec)
    if match:
        return match["path"], match["rev"]
    slash = max(spec.rfind("/"), spec.rfind("\\"))
    if slash >= 0:
        at = spec.find("@", slash)
        if at > slash + 1 and at < len(spec) - 1:
            return spec[:at], spec[at + 1:]
    return None


def git_show(path: str | Path, rev: str) -> str:
    """The text of `path` at git revision `rev`, from the repository the file's folder is in."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise LoadError(f"{path}@{rev}: the folder {folder} does not exist")
    try:
        proc = subprocess.run(["git", "-C", str(folder), "show", f"{rev}:./{path.name}"],
                              capture_output=True, timeout=60, check=False)
    except FileNotFoundError:
        raise LoadError(f"{path}@{rev}: git is not installed") from None
    except subprocess.TimeoutExpired:
        raise LoadError(f"{path}@{rev}: git did not answer") from None
    if proc.returncode != 0:
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LoadError(f"{path}@{rev}: {why[-1] if why else 'git show failed'}")
    try:
        return proc.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise LoadError(f"{path}@{rev}: not UTF-8 text") from None


def load_named(spec: str, registry: Registry) -> Named:
    """Load what `spec` names. A file with schema errors cannot be used; other findings are kept
    (a diff can still compare a file with semantic errors, and says so)."""
    path = Path(spec)
    if path.is_file():
        loaded = _from_text(_read(path), str(path))
        source = str(path)
    elif (parts := split_revision(spec)) is not None:
        file, rev = parts
        loaded = _from_text(git_show(file, rev), f"{file}@{rev}", Path(file))
        source = f"{file}@{rev}"
    elif "/" in spec or "\\" in spec or spec.endswith((".yaml", ".yml")):
        raise LoadError(f"{spec}: no such file")
    else:
        try:
            loaded = registry.load(spec)
        except RegistryError as exc:
            raise LoadError(str(exc)) from None
        source = str(loaded.path)
    if loaded.methodology is None:
        first = "; ".join(f.render(with_source=False) for f in loaded.errors[:3])
        raise LoadError(f"{spec} cannot be read as a methodology ({len(loaded.errors)} errors): {first}")
    return Named(spec, loaded.methodology, source, loaded.findings)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"{path}: cannot read: {exc}") from None


def _from_text(text: str, name: str, path: Optional[Path] = None) -> Loaded:
    path = path or Path(name)
    return load_methodology_text(text, name, path.parent.name, path.stem)
