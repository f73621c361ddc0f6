"""What evaluating one record keeps while it runs: its trace and its scope.

A `Trace` records what the record's evaluation relied on (interpretations, reported in the
methodology's order) and, when explanations are asked for, the steps that explain each value. A
`Scope` holds the record's values (the names its expressions read, those that failed) and its own
interpreter. Both are made for each record and passed down through its evaluation; the evaluator
itself keeps nothing of a record, so one evaluator can evaluate records interleaved (from several
threads, or one record in the middle of another) and give each the result it gives alone.

The expression functions that record what they relied on (`band()`, `points()`, the table
functions) are built once per evaluator and called by the interpreter with their arguments only;
they reach the trace of the record being evaluated through `Trace.current()`, which
`Trace.active()` sets for the running thread (a context variable: each thread sees its own).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Optional

from .results import Result, Step

if TYPE_CHECKING:
    from ..elements.scales import Band
    from ..language.expressions import Expression, Interpreter
    from ..methodology.model import Methodology

_UNKNOWN = 1 << 30  # an interpretation the file does not define sorts after those it does
_CURRENT: ContextVar["Trace"] = ContextVar("adisteme_trace")


class Trace:
    """What one record's evaluation relied on and, when `explain`, the steps that explain it."""

    def __init__(self, methodology: Methodology, explain: bool = False, order: Optional[Mapping[str, int]] = None):
        self.m = methodology
        self.explain = explain
        self.order = order if order is not None else {name: i for i, name in enumerate(methodology.interpretations)}
        self.relied: set[str] = set()  # interpretation ids
        self.steps: list[Step] = []

    # -- reliance ----------------------------------------------------------------------------------
    def rely(self, ids: Iterable[str]) -> None:
        self.relied.update(ids)

    def relied_on(self) -> list[str]:
        """The interpretations relied on, in the order the methodology defines them."""
        return sorted(self.relied, key=lambda i: (self.order.get(i, _UNKNOWN), i))

    # -- explanation -------------------------------------------------------------------------------
    def step(self, name: str, kind: str, value: Any, rule: str, uses: tuple[str, ...] = (), *,
             of: Optional[tuple[str, str]] = None, band: Optional[Band] = None, also: tuple[str, ...] = ()) -> None:
        """Explain one value: `rule` made it from `uses`. The citation, label and interpretations are
        those of the element `of` (kind, id), by default the element `name` of kind `kind`; a rating
        takes its band's; `also` adds interpretations met while computing it (a gap policy, a band)."""
        element = self.m.elements.get(of or (kind, name))
        cite = element.cite if element else ()
        label = element.label if element else {}
        interps = element.interpretations if element else ()
        if band is not None:
            cite, label, interps = (band.cite or cite), band.label, interps + band.interpretations
        self.steps.append(Step(name, kind, value, rule, cite, label, uses, interps + also))

    def add(self, step: Step) -> None:
        self.steps.append(step)

    def explains(self, name: str) -> bool:
        """Whether a step already explains `name`."""
        return any(s.name == name for s in self.steps)

    # -- the result --------------------------------------------------------------------------------
    def report(self, result: Result, *, interpretations: bool = True) -> None:
        """Give the result its steps and (unless its inputs could not be read) its interpretations."""
        result.steps = self.steps
        if interpretations:
            result.interpretations = self.relied_on()

    # -- the trace of the running evaluation ---------------------------------------------------------
    @contextmanager
    def active(self) -> Iterator["Trace"]:
        """Make this the trace expression functions record into, for the running thread, while the block runs."""
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)

    @staticmethod
    def current() -> "Trace":
        """The trace of the record being evaluated in this thread (see `active`)."""
        trace = _CURRENT.get(None)
        if trace is None:
            raise RuntimeError("an expression function was called outside the evaluation of a record")
        return trace


@dataclass
class Scope:
    """One record's values while it is evaluated, with its trace and its own interpreter."""

    names: dict[str, Any]
    trace: Trace
    interpreter: Interpreter
    failed: set[str] = field(default_factory=set)  # names whose value could not be computed

    def run(self, expr: Expression, names: Optional[Mapping[str, Any]] = None) -> Any:
        """The value of an expression on the record's names (or on `names`)."""
        return self.interpreter.run(expr, self.names if names is None else names)
