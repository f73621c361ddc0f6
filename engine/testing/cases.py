"""Tests as data: running a methodology's `<edition>.tests.yaml` cases against the engine.

A case gives inputs and the results the act requires; a table case gives many at once. Expected
values are written by the drafter from the act, so a failure means the file and the act disagree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Optional

from ..evaluation.cohorts import make_evaluator
from ..evaluation.evaluator import Result, UnknownEvaluation
from ..language.findings import Finding
from ..editions.registry import Registry, RegistryError
from ..language.schema import validate
from ..language.source import SourceError, load_file


@dataclass
class Case:
    file: str
    line: int
    name: str
    methodology: str
    evaluation: str
    input: dict
    expect: dict
    expect_errors: list[dict]
    cite: Any = None
    records: Optional[list] = None  # a cohort case: all the records of the evaluation's input
    expect_records: Optional[dict] = None  # record id -> expected outputs


@dataclass
class Outcome:
    case: Case
    problems: list[str] = field(default_factory=list)
    results: list = field(default_factory=list)  # the engine's results of the case (what `test --coverage` counts)

    @property
    def passed(self) -> bool:
        return not self.problems


def test_files(registry: Registry) -> list[Path]:
    files: dict[str, Path] = {}
    for base in registry.dirs:
        for path in sorted(base.glob("*/*.tests.yaml")):
            files[f"{path.parent.name}/{path.name}"] = path
    return list(files.values())


def load_cases(path: str | Path) -> tuple[list[Case], list[Finding]]:
    """The cases of one test file (tables expanded), or the findings that make it unreadable."""
    try:
        doc = load_file(path)
    except SourceError as exc:
        return [], [exc.finding]
    findings = list(doc.problems) + validate(doc, "tests.schema.json")
    if findings:
        return [], findings
    data = doc.data
    cases: list[Case] = []
    for i, raw in enumerate(data.get("cases", [])):
        line = doc.locate(("cases", i))[0]
        common = dict(file=str(path), methodology=str(data["methodology"]), evaluation=str(raw["evaluation"]), cite=raw.get("cite"))
        if "rows" in raw:
            given, wanted = raw["columns"]["given"], raw["columns"]["expect"]
            for j, row in enumerate(raw["rows"]):
                row_line = doc.locate(("cases", i, "rows", j))[0]
                if len(row) != len(given) + len(wanted):
                    findings.append(doc.finding(("cases", i, "rows", j), f"row has {len(row)} cells; the columns need {len(given) + len(wanted)}", "test-row-width"))
                    continue
                cases.append(Case(line=row_line, name=f"{raw['name']} [row {j + 1}]", input=dict(zip(given, row[: len(given)])),
                                  expect=dict(zip(wanted, row[len(given):])), expect_errors=[], **common))
        else:
            cases.append(Case(line=line, name=str(raw["name"]), input=dict(raw.get("input") or {}), expect=dict(raw.get("expect") or {}),
                              expect_errors=list(raw.get("expect_errors") or []), records=raw.get("records"),
                              expect_records=raw.get("expect_records"), **common))
    return cases, findings


def run_case(case: Case, registry: Registry, evaluators: Optional[dict] = None, explain: bool = False) -> Outcome:
    outcome = Outcome(case)
    key = (case.methodology, case.evaluation, explain)
    try:
        if evaluators is not None and key in evaluators:
            evaluator = evaluators[key]
        else:
            evaluator = make_evaluator(registry.get(case.methodology), case.evaluation, explain=explain)
            if evaluators is not None:
                evaluators[key] = evaluator
    except (RegistryError, UnknownEvaluation) as exc:
        outcome.problems.append(str(exc))
        return outcome
    if case.records is not None:
        outcome.results = list(evaluator.evaluate_many(case.records))
        outcome.problems.extend(compare_records(outcome.results, case))
        return outcome
    record = {"id": case.name, **case.input}
    result = evaluator.evaluate(record)
    outcome.results = [result]
    outcome.problems.extend(compare(result, case))
    return outcome


def compare_records(results: list[Result], case: Case) -> list[str]:
    """A cohort case: each record named in expect_records as expected; no record with unexpected errors."""
    problems: list[str] = []
    by_id = {}
    for r in results:
        by_id.setdefault(r.id, r)
    for rid, want in (case.expect_records or {}).items():
        r = by_id.get(str(rid))
        if r is None:
            problems.append(f"{rid}: no such record among the case's records")
            continue
        problems += [f"{rid}: {p}" for p in compare(r, replace(case, expect=dict(want or {}), expect_errors=[]))]
    for r in results:
        if r.errors and str(r.id) not in {str(k) for k in case.expect_records or {}}:
            problems.append(f"{r.id}: unexpected errors: " + "; ".join(e.message for e in r.errors))
    return problems


def compare(result: Result, case: Case) -> list[str]:
    problems: list[str] = []
    if not case.expect_errors and not case.expect:
        problems.append("the case expects nothing: fill in `expect` or `expect_errors` from the act")
    for want in case.expect_errors:
        matches = [e for e in result.errors if e.field == want["field"] and want["contains"] in e.message]
        if not matches:
            got = "; ".join(f"{e.field}: {e.message}" for e in result.errors) or "no errors"
            problems.append(f"expected an error on {want['field']} containing {want['contains']!r}; got {got}")
    if result.errors and not case.expect_errors:
        problems.append("unexpected errors: " + "; ".join(e.message for e in result.errors))
    for name, want in case.expect.items():
        if name == "consequences":
            got_ids = sorted(c["id"] for c in result.outputs.get("consequences", []))
            if "consequences" not in result.outputs and want:
                problems.append(f"consequences: expected {sorted(want)}, none were computed")
            elif got_ids != sorted(want or []):
                problems.append(f"consequences: expected {sorted(want or [])}, got {got_ids}")
        elif name == "interpretations":
            missing = [i for i in want or [] if i not in result.interpretations]
            if missing:
                problems.append(f"interpretations: expected {missing} among {result.interpretations}")
        elif name not in result.outputs:
            if want is not None:
                problems.append(f"{name}: expected {_show(want)}, but it was not computed")
        elif not same(result.outputs[name], want):
            problems.append(f"{name}: expected {_show(want)}, got {_show(result.outputs[name])}")
    return problems


def same(got: Any, want: Any) -> bool:
    if want is None:
        return got is None
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, (int, Decimal)) and isinstance(got, Decimal):
        return got == Decimal(want)
    if isinstance(want, dt.date) and isinstance(got, dt.date):
        return got == want
    if isinstance(want, str) and isinstance(got, dt.date):
        return got.isoformat() == want
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(same(g, w) for g, w in zip(got, want))
    if isinstance(want, str) and isinstance(got, dict):  # an entry of a result's list (missing, refusals): by its id
        return want in (got.get("id"), got.get("rule"))
    if isinstance(want, dict) and isinstance(got, dict) and "message" in got:  # a tie or a refusal: the keys given, each the same
        return all(str(k) in got and same(got[str(k)], w) for k, w in want.items())
    if isinstance(want, dict) and isinstance(got, dict):  # a map output: the same keys, each value the same
        return set(map(str, want)) == set(map(str, got)) and all(same(got[str(k)], w) for k, w in want.items())
    return got == want


def _show(v: Any) -> str:
    from ..language.values import text
    return text(v) if not isinstance(v, str) else repr(v)


def run_files(paths: list[Path], registry: Registry, explain: bool = False) -> Iterator[tuple[Path, list[Finding], list[Outcome]]]:
    """Run the cases of each file; `explain` keeps every value's step in the results (for coverage)."""
    evaluators: dict = {}
    for path in paths:
        cases, findings = load_cases(path)
        yield path, findings, [run_case(c, registry, evaluators, explain) for c in cases]
