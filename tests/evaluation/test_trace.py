"""The evaluator keeps nothing of a record (engine/evaluation/trace.py): records evaluated interleaved
on one evaluator, one inside another, from two threads or two generators, get the results they get
alone.

The records are wko-maslikhat@2017 annual ones with different readings: A's quarterly mean
(105 + 106) / 2 = 105.5 falls in the 105–106 gap of the p.32 conversion (reading mean-gap-105-106),
its score 0,4·3 + 0,6·3 = 3 in the «қанағаттанарлық» band; B's mean 131 converts to 5 points and
0,4·5 + 0,6·3,25 = 3.95 falls between the p.33 bands 3.9 and 4 (reading annual-gaps).
"""
from __future__ import annotations

import sys
import threading
from decimal import Decimal as D
from typing import Any, Iterator, Mapping

import pytest

from engine.editions.registry import Registry
from engine.evaluation.evaluator import Evaluator
from engine.evaluation.trace import Trace

A = {"id": "A", "quarterly_scores": [105, 106], "plan_scores": [3]}
B = {"id": "B", "quarterly_scores": [131], "plan_scores": [3, 3, 3, 4]}


@pytest.fixture(scope="module")
def wko():
    return Registry.default().get("wko-maslikhat@2017")


@pytest.fixture(scope="module")
def annual(wko):
    return Evaluator(wko, "annual", explain=True)


def same(r, s) -> bool:
    return (r.id, r.outputs, r.errors, r.interpretations, r.steps, r.notes) == (s.id, s.outputs, s.errors, s.interpretations, s.steps, s.notes)


def test_the_two_records_rely_on_different_readings(annual):
    a, b = annual.evaluate(A), annual.evaluate(B)
    assert (a.outputs["quarterly_mean"], a.outputs["score"], a.outputs["rating"]) == (D("105.5"), D(3), "satisfactory")
    assert (b.outputs["score"], b.outputs["rating"]) == (D("3.95"), "satisfactory")
    assert "mean-gap-105-106" in a.interpretations and "annual-gaps" not in a.interpretations
    assert "annual-gaps" in b.interpretations and "mean-gap-105-106" not in b.interpretations


class _Inside(Mapping):
    """A record that, when its `plan_scores` is read, has the evaluator evaluate another record first:
    B runs from start to end in the middle of A's evaluation, after A's first input was read."""

    def __init__(self, record: dict, evaluator: Evaluator, other: dict):
        self.record, self.evaluator, self.other = record, evaluator, other
        self.inner: Any = None

    def __getitem__(self, key: str) -> Any:
        if key == "plan_scores" and self.inner is None:
            self.inner = self.evaluator.evaluate(self.other)
        return self.record[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.record)

    def __len__(self) -> int:
        return len(self.record)


def test_a_record_evaluated_inside_another_changes_neither(annual):
    alone_a, alone_b = annual.evaluate(A), annual.evaluate(B)
    outer = _Inside(A, annual, B)
    a = annual.evaluate(outer)
    assert outer.inner is not None, "B was evaluated while A was"
    assert same(a, alone_a) and same(outer.inner, alone_b)
    assert "annual-gaps" not in a.interpretations  # B's reading does not leak into A


def test_two_generators_interleaved_on_one_evaluator(annual):
    xs, ys = [A, B, A], [B, A, B]
    alone = {r["id"]: annual.evaluate(r) for r in (A, B)}
    for r, s in zip(annual.evaluate_many(xs), annual.evaluate_many(ys)):
        assert same(r, alone[r.id]) and same(s, alone[s.id])


def test_two_threads_on_one_evaluator_get_the_sequential_results(annual):
    work = {"first": [A, B] * 40, "second": [B, A] * 40}
    sequential = {name: [annual.evaluate(r, i) for i, r in enumerate(records)] for name, records in work.items()}
    got: dict[str, list] = {}
    start = threading.Barrier(len(work))

    def run(name: str) -> None:
        start.wait()
        got[name] = [annual.evaluate(r, i) for i, r in enumerate(work[name])]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so their records interleave
    try:
        threads = [threading.Thread(target=run, args=(name,)) for name in work]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    for name in work:
        assert len(got[name]) == len(sequential[name])
        assert all(same(r, s) for r, s in zip(got[name], sequential[name])), name


# ---------------------------------------------------------------------------------- the trace itself
def test_a_kept_scope_holds_the_records_values_and_keeps_its_interpreter(annual):
    r, scope = annual.evaluate_keeping_scope(A, 0)
    assert same(r, annual.evaluate(A)) and not hasattr(r, "scope")  # the result is the same plain value
    assert scope is not None and scope.names["quarterly_mean"] == D("105.5")
    annual.evaluate(B)  # evaluated meanwhile, B may not be lent A's interpreter
    assert all(i is not scope.interpreter for i in annual._idle)


def test_a_record_stopped_by_an_input_error_keeps_no_scope(annual):
    r, scope = annual.evaluate_keeping_scope({"id": "C", "plan_scores": [3]}, 2)
    assert scope is None and [e.field for e in r.errors] == ["quarterly_scores"]


def test_interpretations_are_reported_in_the_files_order(wko):
    trace = Trace(wko)
    order = list(wko.interpretations)
    trace.rely([order[3], order[0], order[2]])
    trace.rely([order[0]])
    assert trace.relied_on() == [order[0], order[2], order[3]]


def test_a_step_takes_the_citation_of_its_element(wko):
    trace = Trace(wko, explain=True)
    trace.step("quarterly_score", "formula", D(98), "…", ("base_points",))
    trace.step("rating", "rating", "satisfactory", "…", of=("scale", "quarterly_rating"))
    assert trace.steps[0].cite == ("p.26",)
    assert "p.27" in trace.steps[1].cite


def test_expression_functions_record_into_the_active_trace_only(wko, annual):
    first, second = Trace(wko), Trace(wko)
    scale = wko.scales["annual_rating"]
    band = annual.functions["band"]  # as an expression calls it: with its arguments only
    with first.active():
        with second.active():
            assert band(scale, D("3.95")) == "satisfactory"
        assert band(scale, D(3)) == "satisfactory"
    assert "annual-gaps" in second.relied and "annual-gaps" not in first.relied
    assert "annual-upper-bounds" in first.relied


def test_no_trace_outside_an_evaluation():
    with pytest.raises(RuntimeError):
        Trace.current()
