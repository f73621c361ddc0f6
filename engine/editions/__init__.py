"""Methodology files and editions: the registry, loading by id/file/PATH@REV, acts.yaml, the edition in force on a date, amend, the year's calendar."""
from ..faces import lazy

_NAMES = {
    "Registry": ".registry", "RegistryError": ".registry", "Loaded": ".registry", "load_methodology": ".registry",
    "LoadError": ".loading", "load_named": ".loading",
    "FamilyActs": ".acts", "check_acts_file": ".acts",
    "Editions": ".in_time", "EditionError": ".in_time", "Resolution": ".in_time",
    "amend": ".amend", "AmendError": ".amend",
    "YearCalendar": ".yearcal", "CalendarError": ".yearcal", "build": ".yearcal",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
