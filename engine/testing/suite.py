"""A test run: the cases of many test files run and added up, and, when asked, the coverage of each
edition. What `adisteme test` reports.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from ..editions.registry import Registry, RegistryError
from ..language.findings import Finding
from .cases import Outcome, run_files, test_files
from .coverage import Coverage, measure, render
from .coverage import run_files as run_files_watched


@dataclass
class FileRun:
    """One test file: the findings that make it (or some of its rows) unreadable, and its cases' outcomes."""

    path: Path
    findings: list[Finding]
    outcomes: list[Outcome]

    def lines(self, every: bool = False) -> list[str]:
        """The failed cases (with `every`, all cases), each with its problems below it."""
        out = []
        for o in self.outcomes:
            if every or not o.passed:
                out.append(f"{'ok  ' if o.passed else 'FAIL'} {self.path}:{o.case.line}: {o.case.name}")
                out += [f"       {p}" for p in o.problems]
        return out


class Suite:
    """The cases of `paths` (or of every test file of the registry), run in order with `run()`.

    An unreadable file or row counts as a failure. With `with_coverage`, every value keeps its step
    and the table rows read are watched, for `coverage()`.
    """

    def __init__(self, registry: Registry, paths: Iterable[str | Path] = (), *, with_coverage: bool = False):
        self.registry = registry
        named = [Path(p) for p in paths]
        self.named = bool(named)
        self.files = named or test_files(registry)
        self.with_coverage = with_coverage
        self.passed = self.failed = 0
        self.cases: list[dict[str, Any]] = []
        self.outcomes: list[Outcome] = []  # every outcome, for the coverage

    def run(self) -> Iterator[FileRun]:
        """Run each file's cases and add them up, a file at a time."""
        runner = run_files_watched if self.with_coverage else run_files
        for path, findings, outcomes in runner(self.files, self.registry):
            self.failed += len(findings)
            for o in outcomes:
                self.passed += o.passed
                self.failed += not o.passed
                self.cases.append({"file": str(path), "line": o.case.line, "name": o.case.name, "passed": o.passed, "problems": o.problems})
            if self.with_coverage:
                self.outcomes += outcomes
            yield FileRun(path, findings, outcomes)

    def coverage(self) -> tuple[dict[str, Coverage], list[str]]:
        """Coverage per edition (engine/testing/coverage.py) of the editions the cases name when files were
        named, else of every edition; and why an edition could not be measured (the others still are)."""
        ids = sorted({o.case.methodology for o in self.outcomes} if self.named else set(self.registry.files()))
        editions, problems = {}, []
        for mid in ids:
            try:
                editions[mid] = self.registry.get(mid)
            except RegistryError as exc:
                problems.append(f"no coverage for {mid}: {exc}")
        return measure(editions, self.outcomes), problems

    def text(self, measured: Optional[dict[str, Coverage]] = None) -> str:
        """For people: how many cases passed and failed, then the coverage when it was measured."""
        summary = f"{self.passed} passed, {self.failed} failed"
        return summary if measured is None else f"{summary}\n{render(measured)}"

    def as_dict(self, measured: Optional[dict[str, Coverage]] = None) -> dict[str, Any]:
        extra = {"coverage": {mid: c.as_dict() for mid, c in measured.items()}} if measured is not None else {}
        return {"passed": self.passed, "failed": self.failed, "cases": self.cases, **extra}
