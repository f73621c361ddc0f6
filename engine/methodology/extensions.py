"""The language's sections for competitions and applications, wired into the compiler, checker and planner.

`cohorts` (elements/cohorts.py), `applications` (elements/applications.py) and `windows`
(elements/windows.py) each compile into a table of `Methodology`, are checked by their own `check`,
and name the elements an evaluation that lists them reads (`extension_roots`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..elements import applications
from ..elements import cohorts as cohort
from ..elements import windows

if TYPE_CHECKING:
    from ..analysis.checks import _Checker as Checker
    from .model import Compiler, Evaluation, Methodology

# section -> (element kind, compile function)
SECTIONS: dict[str, tuple[str, Callable[[Compiler, str, dict, tuple], Any]]] = {
    "cohorts": ("cohort", cohort.compile_cohort),
    "applications": ("application", applications.compile_application),
    "windows": ("window", windows.compile_window),
}
CHECKS = (cohort.check, applications.check, windows.check)


def extension_roots(m: Methodology, spec: Evaluation) -> list[str]:
    """What an evaluation's windows, applications and cohort read from a record."""
    roots: list[str] = []
    for wid in spec.windows:
        if wid in m.windows:
            roots += m.windows[wid].names()
    for aid in spec.applications:
        if aid in m.applications:
            roots += m.applications[aid].names()
    if spec.cohort and spec.cohort in m.cohorts:
        roots += m.cohorts[spec.cohort].names()
    return roots


def refuses(m: Methodology, spec: Evaluation) -> bool:
    """Whether an evaluation reports refusals: it has eligibility rules, applications or a window that checks a date."""
    return bool(spec.eligibility or spec.applications or any(w in m.windows and m.windows[w].date for w in spec.windows))


def check_all(ck: Checker) -> None:
    for check in CHECKS:
        check(ck)
