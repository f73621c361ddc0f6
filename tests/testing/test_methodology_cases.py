"""The methodologies' own test cases (methodologies/*/*.tests.yaml) as pytest tests.

Every case (a table row counts as one) becomes a test with id "file:line name"; it passes when
the engine's result agrees with what the drafter worked out from the act.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.editions.registry import Registry
from engine.testing.cases import load_cases, run_case

ROOT = Path(__file__).resolve().parents[2]
TEST_FILES = sorted((ROOT / "methodologies").glob("*/*.tests.yaml"))
EDITIONS = sorted(p for p in (ROOT / "methodologies").glob("*/*.yaml") if not p.name.endswith(".tests.yaml") and p.name != "acts.yaml")
MIN_CASES = 30

REGISTRY = Registry.default()
EVALUATORS: dict = {}


def _short(path: str | Path) -> str:
    return str(Path(path).relative_to(ROOT / "methodologies"))


def _collect():
    params = []
    for path in TEST_FILES:
        cases, findings = load_cases(path)
        for f in findings:  # an unreadable test file must fail, not vanish
            params.append(pytest.param(None, f.render(with_source=False), id=f"{_short(path)}:{f.line} unreadable"))
        for case in cases:
            params.append(pytest.param(case, None, id=f"{_short(case.file)}:{case.line} {case.name}"))
    return params


@pytest.mark.parametrize("case, problem", _collect())
def test_case(case, problem):
    assert problem is None, problem
    outcome = run_case(case, REGISTRY, EVALUATORS)
    assert outcome.passed, "\n".join(outcome.problems)


def test_there_are_test_files():
    assert TEST_FILES, "no methodologies/*/*.tests.yaml found"


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda p: _short(p))
def test_each_edition_has_at_least_30_cases(edition):
    tests = edition.with_name(edition.stem + ".tests.yaml")
    assert tests.exists(), f"{_short(edition)} has no test file"
    cases, findings = load_cases(tests)
    assert not findings, [f.render(with_source=False) for f in findings]
    assert len(cases) >= MIN_CASES, f"{_short(tests)} has {len(cases)} cases"
