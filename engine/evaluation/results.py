"""What evaluating a record gives: a result with its outputs, errors, steps and relied-on interpretations."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import AdistemeError


@dataclass(frozen=True)
class RecordError:
    field: str
    message: str


@dataclass(frozen=True)
class Step:
    """One value of a result and what made it."""

    name: str
    kind: str  # input | parameter | formula | deadline | rating | eligibility | consequence
    value: Any
    rule: str
    cite: tuple[str, ...]
    label: dict
    uses: tuple[str, ...] = ()
    interpretations: tuple[str, ...] = ()


@dataclass
class Result:
    id: str
    evaluation: str
    outputs: dict[str, Any] = field(default_factory=dict)
    errors: list[RecordError] = field(default_factory=list)
    interpretations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    descriptive: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class UnknownEvaluation(AdistemeError, LookupError):
    pass
