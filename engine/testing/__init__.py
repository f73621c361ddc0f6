"""The YAML test cases beside each edition, their coverage, and generated boundary cases."""
from ..faces import lazy

_NAMES = {
    "run_files": ".cases", "test_files": ".cases", "load_cases": ".cases", "run_case": ".cases",
    "measure": ".coverage", "Coverage": ".coverage",
    "generate": ".testgen", "TestgenError": ".testgen",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
