"""Evaluating records: the evaluator compiled once, results, the per-record trace, admission and cohorts."""
from ..faces import lazy

_NAMES = {
    "Evaluator": ".evaluator",
    "Result": ".results", "RecordError": ".results", "Step": ".results", "UnknownEvaluation": ".results",
    "Trace": ".trace", "Scope": ".trace",
    "make_evaluator": ".cohorts", "is_cohort": ".cohorts", "CohortEvaluator": ".cohorts",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
