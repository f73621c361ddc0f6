"""The public Python API: load a methodology, compile an evaluation once, evaluate records, validate files.

Stable from version 0.2 on; `engine/__init__.py` is its face. Everything else in the engine's
subpackages may change between versions.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

from .calendar.workdays import WorkCalendar
from .editions.loading import LoadError, load_named
from .editions.registry import Registry, load_methodology
from .evaluation.cohorts import make_evaluator
from .evaluation.results import Result
from .formats.output import result_to_json
from .language.findings import Finding, sort_findings
from .methodology.model import Methodology


def load(ref: str | Path, *, methodologies: Iterable[str | Path] = ()) -> Methodology:
    """The methodology `ref` names: `family@edition` (or `family` with one edition), a file, or `PATH@REV`.

    `methodologies` adds folders of `<family>/<edition>.yaml` before the bundled ones. A file with any
    error is refused with a `LoadError` whose message names the first errors; `validate` lists them all."""
    named = load_named(str(ref), Registry.default(methodologies))
    errors = named.errors
    if errors:
        first = "; ".join(f.render(with_source=False) for f in errors[:3])
        raise LoadError(f"{ref} has {len(errors)} error(s): {first}")
    return named.methodology


def evaluator(methodology: Methodology, evaluation: str, *, explain: bool = False, calendar: Optional[WorkCalendar] = None) -> Any:
    """One evaluation of `methodology`, compiled once: `.evaluate(record)` gives a `Result`,
    `.evaluate_many(records)` streams them (a cohort evaluation reads its records whole)."""
    return make_evaluator(methodology, evaluation, calendar=calendar, explain=explain)


def validate(path: str | Path) -> list[Finding]:
    """Every finding of one methodology (or acts.yaml) file: schema, semantic checks and value analysis,
    each with file, line, column, code, severity and message, sorted by position."""
    return sort_findings(load_methodology(path, analyse=True).findings)


def to_json(result: Result, methodology: Methodology, *, explain: bool = False, indent: Optional[int] = None) -> str:
    """A result as the JSON object `adisteme evaluate --format json` prints for it (exact decimals)."""
    return result_to_json(result, methodology, explain=explain, indent=indent)
