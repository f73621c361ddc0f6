"""A diff asked for by name: its two sides loaded (an id, a file, or PATH@REV), compared, and, with
records, the impact on them. What `adisteme diff` reports.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from ..atomic import check_folder
from ..editions.loading import load_named
from ..editions.registry import Registry
from ..errors import AdistemeError
from ..formats.records import read_records
from .compare import compare
from .impact import impact as impact_on
from .render import Report


class DiffError(AdistemeError):
    """The diff cannot be made as asked (impact without an evaluation, a side that cannot evaluate)."""


def diff(a: str, b: str, registry: Registry, tell: Callable[[str], None], *, wording: bool = True,
         impact: Optional[str] = None, evaluation: Optional[str] = None, input_format: Optional[str] = None,
         output: Optional[str] = None) -> Report:
    """Compare the methodologies `a` and `b` names; with `impact` (a data file) and `evaluation`, evaluate
    its records under both. A side with errors is still compared (`tell` says so) but cannot evaluate.
    The usage, the data file and the folder of `output` are checked before any work."""
    if bool(impact) != bool(evaluation):
        raise DiffError("--impact DATA and --evaluation E go together")
    if impact and not Path(impact).exists():
        raise DiffError(f"{impact}: no such file")
    if output:
        check_folder(output)
    sides = [load_named(spec, registry) for spec in (a, b)]
    for side in sides:
        if side.errors:
            why = f"{side.spec} has {len(side.errors)} error(s) (run `adisteme validate`)"
            if impact:
                raise DiffError(f"{why}; it cannot evaluate records")
            tell(f"note: {why}; the diff compares what the file says")
    report = Report(compare(sides[0].methodology, sides[1].methodology), a, b, sides[0].source, sides[1].source, wording=wording)
    if impact and evaluation:
        report.impact = impact_on(report.comparison, evaluation, read_records(impact, input_format), impact)
    return report


def differs(report: Report) -> bool:
    """Whether anything shown differs: a difference listed, or a record whose results change."""
    return bool(report.shown) or bool(report.impact and report.impact.changes)
