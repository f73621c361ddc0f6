"""What an element needs of the compiler and of the checker, said as protocols.

The compiler (`Compiler`, methodology/model.py) and the checker (`Checker`, analysis/checks.py) sit
above the elements and hand themselves to an element's `compile_*` and `check*` functions. An
element names them only by these protocols, which they satisfy by their shape (nothing inherits or
registers), so no element imports a higher layer, not even for a type hint.

A check reads the compiled methodology through `ck.m`. Each element module says which of its tables
it reads, as a protocol of its own (`ApplicationsModel`, `CohortsModel`, ...), and checks with a
`CheckContext` of that model; `Methodology` satisfies them all. The few parts of an evaluation and
of a consequence that elements read are `EvaluationRefs` and `ConsequenceRefs`.
"""
from __future__ import annotations

import ast
from typing import Any, Optional, Protocol, TypeVar

from ..language.expressions import Expression


class CompileContext(Protocol):
    """The compiler, as an element's `compile_*` uses it."""

    def expression(self, path: tuple, source: Any) -> Optional[Expression]:
        """The compiled expression written at `path`, or None after reporting why it does not compile."""
        ...


ModelT = TypeVar("ModelT", covariant=True)


class CheckContext(Protocol[ModelT]):
    """The checker, as an element's `check*` uses it; `m` is the methodology being checked."""

    @property
    def m(self) -> ModelT: ...

    def error(self, path: tuple, message: str, code: str, severity: str = "error", *, key: bool = False) -> None:
        """A finding at `path` of the file (at the key itself, not its value, when `key`)."""
        ...

    def expr_error(self, path: tuple, expr: Expression, node: Optional[ast.AST], message: str, code: str) -> None:
        """An error at `node` of the expression written at `path`."""
        ...

    def expression(self, path: tuple, expr: Expression, want: Optional[str] = None, extra: Optional[dict] = None) -> None:
        """Check an expression: its names and functions exist, its types agree, and it gives a `want`."""
        ...

    def type_of(self, name: str) -> str:
        """The type of the value a bare name gives (number, bool, date, string, list, map, ..., any)."""
        ...


class EvaluationRefs(Protocol):
    """The elements an evaluation lists, as elements read them (`Evaluation`, methodology/model.py)."""

    @property
    def inputs(self) -> tuple[str, ...]: ...

    @property
    def eligibility(self) -> tuple[str, ...]: ...

    @property
    def consequences(self) -> tuple[str, ...]: ...

    @property
    def cohort(self) -> Optional[str]: ...

    @property
    def applications(self) -> tuple[str, ...]: ...

    @property
    def windows(self) -> tuple[str, ...]: ...


class ConsequenceRefs(Protocol):
    """A consequence, as elements read it (`Consequence`, methodology/model.py): when it applies."""

    @property
    def when(self) -> Optional[Expression]: ...
