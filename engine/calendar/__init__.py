"""Working days and periods on the Kazakhstan calendar."""
from ..faces import lazy

_NAMES = {
    "WorkCalendar": ".workdays", "DayOff": ".workdays", "default_calendar": ".workdays", "months_between": ".workdays", "shift_months": ".workdays",
    "Period": ".periods", "PeriodError": ".periods", "parse_date": ".periods",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
