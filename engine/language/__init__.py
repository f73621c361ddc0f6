"""The methodology language: YAML source with positions, schema, findings, citations, expressions, builtin functions, values as text."""
from ..faces import lazy

_NAMES = {
    "Document": ".source", "SourceError": ".source", "load_file": ".source", "load_text": ".source",
    "validate": ".schema", "load_schema": ".schema",
    "Finding": ".findings", "sort_findings": ".findings",
    "cites": ".citations",
    "Expression": ".expressions", "ExpressionError": ".expressions", "EvaluationError": ".expressions", "Interpreter": ".expressions", "compile_expression": ".expressions",
    "Builtin": ".functions", "BUILTINS": ".functions", "bind": ".functions",
    "text": ".values", "number": ".values", "dumps": ".values", "quoted": ".values",
}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
