"""The language's sections for competitions and applications, wired into the compiler, checker and planner.

`cohorts` (elements/cohorts.py), `applications` (elements/applications.py) and `windows`
(elements/windows.py) each compile into a table of `Methodology`, are checked by their own `check`,
and name the elements an evaluation that lists them reads (`extension_roots`).

This module sits below the compiled model (methodology/model.py imports its `SECTIONS`), so it
names the compiler, the checker and the methodology by the protocols of elements/contexts.py and
of the three element modules, never by their classes.
"""
from __future__ import annotations

from typing import Any, Callable, Protocol

from ..elements import applications
from ..elements import cohorts as cohort
from ..elements import windows
from ..elements.contexts import CheckContext, CompileContext, EvaluationRefs


class ExtensionsModel(cohort.CohortsModel, applications.ApplicationsModel, windows.WindowsModel, Protocol):
    """What the three sections' checks and roots read of the methodology (`Methodology` has it all)."""


# section -> (element kind, compile function)
SECTIONS: dict[str, tuple[str, Callable[[CompileContext, str, dict, tuple], Any]]] = {
    "cohorts": ("cohort", cohort.compile_cohort),
    "applications": ("application", applications.compile_application),
    "windows": ("window", windows.compile_window),
}
CHECKS: tuple[Callable[[CheckContext[ExtensionsModel]], None], ...] = (cohort.check, applications.check, windows.check)


def extension_roots(m: ExtensionsModel, spec: EvaluationRefs) -> list[str]:
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


def refuses(m: ExtensionsModel, spec: EvaluationRefs) -> bool:
    """Whether an evaluation reports refusals: it has eligibility rules, applications or a window that checks a date."""
    return bool(spec.eligibility or spec.applications or any(w in m.windows and m.windows[w].date for w in spec.windows))


def check_all(ck: CheckContext[ExtensionsModel]) -> None:
    for check in CHECKS:
        check(ck)
