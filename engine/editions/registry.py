"""Finding methodology files and loading them by id (`family@edition`).

The bundled folder comes first, then any folders given with `--methodologies` or the
ADISTEME_METHODOLOGIES environment variable (separated like PATH). A drafter's file with the same
id as a bundled one replaces it, so an edited copy can be tried without touching the install.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..errors import AdistemeError
from ..analysis.checks import check
from ..language.findings import Finding
from ..methodology.model import Methodology, compile_document
from ..paths import methodologies_dir
from ..language.schema import validate
from ..language.source import Document, SourceError, load_file
from ..analysis.structure import check_structure
from .acts import check_acts_file

ENV_VAR = "ADISTEME_METHODOLOGIES"
ACTS_FILE = "acts.yaml"  # methodologies/<family>/acts.yaml: the family's known acts, not an edition
_ID = re.compile(r"^(?P<family>[a-z0-9][a-z0-9-]*)(@(?P<edition>[A-Za-z0-9._-]+))?$")


# errors that leave the formulas sound, so the value analysis can still run (and say, for a gap
# without a policy, whether records reach it)
_ANALYSABLE = {"band-gap", "gap-policy-unused", "cite-undefined", "interpretation-undefined", "band-unknown"}


class RegistryError(AdistemeError, LookupError):
    """A methodology asked for does not exist, or cannot be used."""


@dataclass
class Loaded:
    """A methodology file with everything its validation found."""

    path: Path
    methodology: Optional[Methodology]
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def load_methodology(path: str | Path, analyse: bool = False) -> Loaded:
    """Read, schema-check, compile and semantically check one methodology file.

    With `analyse`, a file without errors also gets the value analysis (engine/analysis.py)."""
    path = Path(path)
    if path.name == ACTS_FILE:  # a family's known acts (engine/editions.py), checked by its own schema
        return Loaded(path, None, check_acts_file(path)[1])
    try:
        doc = load_file(path)
    except SourceError as exc:
        return Loaded(path, None, [exc.finding])
    return check_document(doc, path, path.parent.name, path.stem, analyse=analyse)


def check_document(doc: Document, path: Path, family: str, edition: str, analyse: bool = False) -> Loaded:
    """Schema-check, compile and semantically check a loaded document expected to be family@edition."""
    findings = list(doc.problems)
    schema_findings = validate(doc)
    findings += schema_findings
    methodology, compile_findings = compile_document(doc, family, edition)
    findings += compile_findings
    if not schema_findings:
        findings += check(methodology, doc, expected=(family, edition))
        # citations against the act's structure; unused elements (only in a file without errors, whose
        # unused inputs would mostly be the echo of a misspelt name)
        findings += check_structure(methodology, doc, unused=not any(f.severity == "error" for f in findings))
        if analyse and not any(f.severity == "error" and f.code not in _ANALYSABLE for f in findings):
            from ..analysis.ranges import analyse as value_analysis

            try:
                findings += value_analysis(methodology, doc)
            except Exception as exc:  # noqa: BLE001 - a construct the analysis does not know must not stop validation
                findings.append(doc.finding((), f"the value analysis could not run on this file ({type(exc).__name__}: {exc}); "
                                            "the other checks are complete", "analysis-skipped", "note"))
    return Loaded(path, methodology if not schema_findings else None, findings)


@dataclass
class Registry:
    dirs: list[Path]
    _files: Optional[dict[str, Path]] = None
    _cache: dict[str, Loaded] = field(default_factory=dict)

    @classmethod
    def default(cls, extra: Iterable[str | Path] = ()) -> "Registry":
        dirs = [methodologies_dir()]
        env = os.environ.get(ENV_VAR, "")
        dirs += [Path(p) for p in env.split(os.pathsep) if p]
        dirs += [Path(p) for p in extra]
        return cls(dirs)

    def files(self) -> dict[str, Path]:
        """id -> file, later folders overriding earlier ones."""
        if self._files is None:
            found: dict[str, Path] = {}
            for base in self.dirs:
                if not base.is_dir():
                    raise RegistryError(f"methodology folder {base} does not exist")
                for path in sorted(base.glob("*/*.yaml")):
                    if path.name.endswith(".tests.yaml") or path.name == ACTS_FILE:
                        continue
                    found[f"{path.parent.name}@{path.stem}"] = path
            self._files = found
        return self._files

    def families(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for mid in self.files():
            family, edition = mid.split("@", 1)
            out.setdefault(family, []).append(edition)
        return out

    def resolve_id(self, ref: str) -> str:
        """`family` or `family@edition` -> a known id. A family with several editions must be named fully."""
        match = _ID.match(ref.strip())
        if not match:
            raise RegistryError(f"{ref!r} is not a methodology id (expected family or family@edition, e.g. wko-maslikhat@2017)")
        family, edition = match["family"], match["edition"]
        editions = self.families().get(family)
        if not editions:
            known = ", ".join(sorted(self.families())) or "none"
            raise RegistryError(f"no methodology family '{family}' (known: {known})")
        if edition is None:
            if len(editions) > 1:
                raise RegistryError(f"family '{family}' has several editions ({', '.join(sorted(editions))}); name one as {family}@EDITION")
            edition = editions[0]
        if edition not in editions:
            raise RegistryError(f"family '{family}' has no edition '{edition}' (encoded: {', '.join(sorted(editions))})")
        return f"{family}@{edition}"

    def load(self, ref: str) -> Loaded:
        mid = self.resolve_id(ref)
        if mid not in self._cache:
            self._cache[mid] = load_methodology(self.files()[mid])
        return self._cache[mid]

    def get(self, ref: str) -> Methodology:
        """A usable methodology, or RegistryError naming the first problems of its file."""
        loaded = self.load(ref)
        if loaded.methodology is None or loaded.errors:
            first = "; ".join(f.render(with_source=False) for f in loaded.errors[:3])
            raise RegistryError(f"{ref} does not validate ({len(loaded.errors)} errors; run `adisteme validate {loaded.path}`): {first}")
        return loaded.methodology
