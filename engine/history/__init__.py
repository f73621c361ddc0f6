"""Organisations and the history database: saved runs with receipts, inputs from history, verify."""
from ..faces import lazy

_NAMES = {
    "Organisation": ".organisations", "OrgError": ".organisations", "load_organisations": ".organisations", "resolve_on": ".organisations",
    "Storage": ".storage", "StorageError": ".storage", "open_storage": ".storage",
    "Session": ".runs", "RunError": ".runs", "plan_run": ".runs", "verify": ".runs",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
