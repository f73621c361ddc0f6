"""adisteme's engine: Kazakhstan's acts on evaluating public servants as checked YAML, and their evaluation.

The public API (stable)::

    import engine
    m = engine.load("wko-maslikhat@2017")          # an id, a file path, or PATH@REV
    ev = engine.evaluator(m, "quarterly")          # compiled once
    r = ev.evaluate({"id": "A1", "incentive_points": [3, 5]})   # one record -> Result
    r.outputs, r.errors, r.interpretations; engine.to_json(r, m)
    findings = engine.validate("methodologies/wko-maslikhat/2017.yaml")

The names load lazily, so importing a subpackage (or `adisteme --help`) does not load the whole engine.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = ["__version__", "load", "evaluator", "validate", "to_json", "Methodology", "Result", "Finding", "AdistemeError", "LoadError"]

_LAZY = {
    "load": ".api", "evaluator": ".api", "validate": ".api", "to_json": ".api",
    "Methodology": ".methodology.model", "Result": ".evaluation.results", "Finding": ".language.findings",
    "LoadError": ".editions.loading", "AdistemeError": ".errors",
}

if TYPE_CHECKING:
    from .api import evaluator, load, to_json, validate
    from .editions.loading import LoadError
    from .errors import AdistemeError
    from .evaluation.results import Result
    from .language.findings import Finding
    from .methodology.model import Methodology


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'engine' has no attribute '{name}'")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value
