"""What `validate` reports beyond the schema: semantic checks, value ranges, the act's structure."""
from ..faces import lazy

_NAMES = {
    "check": ".checks",
    "analyse": ".ranges", "Analysis": ".ranges",
    "check_structure": ".structure",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
