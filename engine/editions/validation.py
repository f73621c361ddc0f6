"""Validating methodology files: which files (those named, the files in the folders named, or every
file of the registry), and every finding of each, with the value analysis.

What `adisteme validate` reports; `engine.validate` (engine/api.py) is the same for one file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..errors import AdistemeError
from ..language.findings import Finding, sort_findings
from .registry import ACTS_FILE, Registry, load_methodology

SEVERITIES = ("error", "warning", "note")


class ValidationError(AdistemeError):
    """A path named for validation does not exist."""


@dataclass
class Validation:
    """The files checked and their findings, sorted by file and position."""

    files: list[Path]
    findings: list[Finding]

    def count(self, severity: str) -> int:
        return len([f for f in self.findings if f.severity == severity])

    def fails(self, strict: bool = False) -> bool:
        """Errors fail; with `strict`, warnings too. Notes never do."""
        return any(f.severity == "error" or (strict and f.severity == "warning") for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {"files": [str(p) for p in self.files], "findings": [f.as_dict() for f in self.findings]}

    def summary(self) -> str:
        errors, warnings, notes = (self.count(s) for s in SEVERITIES)
        return f"{len(self.files)} file(s) checked: {errors} error(s), {warnings} warning(s), {notes} note(s)"


def registry_files(registry: Registry) -> list[Path]:
    """Every edition file of the registry (by id), then every family's acts file."""
    acts = sorted({p for d in registry.dirs for p in d.glob(f"*/{ACTS_FILE}")})
    return list(registry.files().values()) + acts


def validate_files(paths: Iterable[str | Path], registry: Registry) -> Validation:
    """Check each file of `paths` (a folder: its methodology and acts files, at any depth; not its test
    files), or, with no paths, every file of `registry`. A path that does not exist is an error."""
    files = [Path(p) for p in paths] or registry_files(registry)
    checked: list[Path] = []
    findings: list[Finding] = []
    for path in files:  # a folder adds its files at the end, in order
        if path.is_dir():
            files += sorted(p for p in path.glob("**/*.yaml") if not p.name.endswith(".tests.yaml"))
            continue
        if not path.exists():
            raise ValidationError(f"{path}: no such file")
        findings += load_methodology(path, analyse=True).findings  # with the value analysis (engine/analysis/)
        checked.append(path)
    return Validation(checked, sort_findings(findings))
