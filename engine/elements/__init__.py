"""The elements of a methodology, one kind per module: inputs, scales, bodies, deadlines, tables, maps, cohorts, applications, windows."""
from ..faces import lazy

_NAMES = {
    "InputSpec": ".inputs", "InputError": ".inputs", "record_schema": ".inputs",
    "Scale": ".scales", "Band": ".scales", "Bound": ".scales", "Gap": ".scales", "GapPolicy": ".scales", "Placement": ".scales",
    "Body": ".bodies",
    "Deadline": ".deadlines",
    "Table": ".tables", "Row": ".tables", "Column": ".tables",
    "ForEach": ".maps", "Constraint": ".maps",
    "Cohort": ".cohorts",
    "Application": ".applications",
    "Window": ".windows",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
