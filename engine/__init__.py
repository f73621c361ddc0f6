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

from typing import TYPE_CHECKING

from .faces import lazy
from .version import __version__

_NAMES = {
    "load": ".api", "evaluator": ".api", "validate": ".api", "to_json": ".api",
    "Methodology": ".methodology.model", "Result": ".evaluation.results", "Finding": ".language.findings",
    "LoadError": ".editions.loading", "AdistemeError": ".errors",
}
__all__ = ["__version__", *_NAMES]
__getattr__, __dir__ = lazy(__name__, _NAMES)

if TYPE_CHECKING:
    from .api import evaluator, load, to_json, validate
    from .editions.loading import LoadError
    from .errors import AdistemeError
    from .evaluation.results import Result
    from .language.findings import Finding
    from .methodology.model import Methodology
