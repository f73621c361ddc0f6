"""Reading records and writing results: CSV, XLSX, JSON, JSONL, YAML in; table, JSON, JSONL, CSV, XLSX, calendars out; output written whole or not at all."""
from ..faces import lazy

_NAMES = {
    "read_records": ".records", "RecordsError": ".records", "detect_format": ".records",
    "result_dict": ".output", "result_to_json": ".output", "table": ".output", "explanation": ".output",
    "result_writer": ".writers", "ResultWriter": ".writers",
    "to_ics": ".ics",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
