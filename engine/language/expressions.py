"""The expression language: Python-like syntax, checked once, evaluated by simpleeval.

An expression is parsed with `ast`, checked against a whitelist of node types, and its numeric
literals are replaced by `Decimal`s built from their source text. Evaluation goes through
`simpleeval`, which has no access to attributes, builtins, imports or files; the whitelist also
forbids subscripts, comprehensions and lambdas, so an expression's cost is bounded by its size
and the length of the lists it is given.
"""
from __future__ import annotations

import ast
import operator as op
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Mapping

import simpleeval
from ..errors import AdistemeError

MAX_LENGTH = 1000
MAX_NODES = 200
MAX_EXPONENT = 100

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.Name,
    ast.Load, ast.Constant, ast.List, ast.Tuple,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.USub, ast.UAdd, ast.Not,
    ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
)

_NODE_WORDS = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "subscripts (a[i])",
    ast.Lambda: "lambda functions",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "assignment (:=)",
    ast.Starred: "starred arguments",
    ast.keyword: "keyword arguments",
    ast.Await: "await",
    ast.Yield: "yield",
}


class ExpressionError(AdistemeError):
    """An expression is not allowed or not well formed. `col` is 1-based within the expression."""

    def __init__(self, message: str, col: int = 1):
        super().__init__(message)
        self.col = col


class EvaluationError(AdistemeError):
    """An expression failed on a record's values (division by zero, a gap, a tie, ...)."""


@dataclass(frozen=True)
class Expression:
    source: str
    tree: ast.Expression
    names: frozenset[str]  # every bare name read, except function names
    calls: tuple[tuple[str, int, tuple[ast.expr, ...]], ...]  # (function, column, args)


def compile_expression(source: Any) -> Expression:
    """Parse and check an expression. Raises ExpressionError with the column of the problem."""
    if isinstance(source, bool):
        source = "True" if source else "False"
    elif isinstance(source, (int, Decimal)):
        source = str(source)
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("an expression must be a non-empty string")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    text = source.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error: {exc.msg}", exc.offset or 1) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"expression has more than {MAX_NODES} parts")
    names: set[str] = set()
    calls: list[tuple[str, int, tuple[ast.expr, ...]]] = []
    function_names: set[int] = set()
    for node in nodes:
        if not isinstance(node, _ALLOWED_NODES):
            what = _NODE_WORDS.get(type(node), type(node).__name__)
            raise ExpressionError(f"{what} not allowed in expressions", getattr(node, "col_offset", 0) + 1)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise ExpressionError("only named functions can be called", node.col_offset + 1)
            if node.keywords:
                raise ExpressionError("keyword arguments not allowed in expressions", node.col_offset + 1)
            function_names.add(id(node.func))
            calls.append((node.func.id, node.col_offset + 1, tuple(node.args)))
        elif isinstance(node, ast.Name) and id(node) not in function_names:
            if node.id.startswith("_"):
                raise ExpressionError(f"name {node.id!r} not allowed", node.col_offset + 1)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bytes) or node.value is Ellipsis or isinstance(node.value, complex):
                raise ExpressionError("only numbers, strings, True, False and None are literals", node.col_offset + 1)
            if isinstance(node.value, int) and not isinstance(node.value, bool):
                node.value = Decimal(node.value)  # exact for any base: 0x10 is 16
            elif isinstance(node.value, float):
                segment = (ast.get_source_segment(text, node) or "").replace("_", "")
                try:
                    node.value = Decimal(segment)
                except ArithmeticError:
                    raise ExpressionError(f"{segment!r} is not a decimal number", node.col_offset + 1) from None
    for node in nodes:
        if isinstance(node, ast.Name) and id(node) not in function_names:
            names.add(node.id)
    return Expression(text, tree, frozenset(names), tuple(calls))


def _safe_power(base: Any, exponent: Any) -> Any:
    if isinstance(exponent, Decimal) and abs(exponent) > MAX_EXPONENT:
        raise EvaluationError(f"exponent {exponent} is larger than {MAX_EXPONENT}")
    return base ** exponent


_OPERATORS: dict[type, Callable] = {
    ast.Add: op.add, ast.Sub: op.sub, ast.Mult: op.mul, ast.Div: op.truediv, ast.FloorDiv: op.floordiv,
    ast.Mod: op.mod, ast.Pow: _safe_power, ast.USub: op.neg, ast.UAdd: op.pos, ast.Not: op.not_,
    ast.Eq: op.eq, ast.NotEq: op.ne, ast.Lt: op.lt, ast.LtE: op.le, ast.Gt: op.gt, ast.GtE: op.ge,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


class Interpreter(simpleeval.EvalWithCompoundTypes):
    """simpleeval with our operators and functions; names are swapped per record."""

    def __init__(self, functions: Mapping[str, Callable]):
        super().__init__(operators=dict(_OPERATORS), functions=dict(functions), names={})

    def run(self, expression: Expression, names: Mapping[str, Any]) -> Any:
        self.names = names
        try:
            return self.eval(expression.source, previously_parsed=expression.tree.body)
        except EvaluationError:
            raise
        except ZeroDivisionError:
            raise EvaluationError("division by zero") from None
        except simpleeval.NameNotDefined as exc:
            raise EvaluationError(f"name {exc.name!r} has no value") from None
        except simpleeval.InvalidExpression as exc:
            raise EvaluationError(str(exc)) from None
        except TypeError as exc:
            raise EvaluationError(_type_message(exc)) from None
        except ArithmeticError as exc:
            raise EvaluationError(f"arithmetic error: {type(exc).__name__}") from None


def _type_message(exc: TypeError) -> str:
    text = str(exc)
    if "NoneType" in text:
        return "a value it needs is missing (null)"
    return f"values of the wrong type: {text}"
