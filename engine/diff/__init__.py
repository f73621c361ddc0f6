"""Comparing two methodologies in the act's terms, rendering the comparison, and its impact on records."""
from ..faces import lazy

_NAMES = {
    "compare": ".compare", "Comparison": ".compare", "Difference": ".compare",
    "render": ".render", "Report": ".render",
    "impact": ".impact", "Impact": ".impact", "ImpactError": ".impact",
    "driver_output": ".git",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
