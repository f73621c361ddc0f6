"""The compiled model of a methodology file, its compiler and the dependencies between its names."""
from ..faces import lazy

_NAMES = {
    "Methodology": ".model", "Evaluation": ".model", "Element": ".model", "Formula": ".model", "Interpretation": ".model", "compile_document": ".model",
    "roots": ".dependencies", "direct": ".dependencies", "needed": ".dependencies",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
