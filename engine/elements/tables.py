"""Tables: named data of the act (an annex's rows), read by expressions.

A table has declared, typed columns and rows; every row has an `id`, a `label` (the act's Kazakh
words and an English gloss), a `cite` and optionally `interpretations`. Expressions read tables
only through the table builtins (engine/language/elementfns.py), always naming the table as the
first argument:

    row_ids(table)                  ids of every row, in order
    rows(table, column, value)      ids of the rows whose column equals value (contains it, for a list column)
    rows(table, c1, v1, c2, v2)     ids of the rows that match both
    rows_in(table, column, values)  ids of the rows whose column is one of values
    lookup(table, id, column)       the column's value in that row ('kk' / 'en': the row's label)
    lookup_all(table, ids, column)  the same for each id of a list

They read a table through its methods below (`row`, `value`, `matches`). A result relies on the
interpretations of the table and of every row a function matched. Columns are named by string
literals, so the checker can verify every column (and every literal row id) an expression names.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping, Optional, Protocol

from ..language.expressions import EvaluationError, Expression
from ..language.functions import BUILTINS, Operand
from .contexts import CheckContext
from .inputs import InputSpec

if TYPE_CHECKING:
    from ..language.source import Document

COLUMN_TYPES = ("integer", "decimal", "boolean", "string", "list", "label")
ROW_KEYS = ("id", "cite", "label", "interpretations")  # a row's own keys; the others are column values
LABEL_COLUMNS = ("kk", "en")  # pseudo-columns of lookup(): the row's label
RESERVED_COLUMNS = ROW_KEYS + LABEL_COLUMNS

_COLUMN_ARG = {"rows": 1, "rows_in": 1, "lookup": 2, "lookup_all": 2}  # which argument names a column


@dataclass(frozen=True)
class Column:
    id: str
    type: str
    label: dict
    ref: Optional[str] = None  # string / list columns: values are row ids of this table
    optional: bool = False


@dataclass(frozen=True)
class Row:
    id: str
    label: dict
    cite: tuple[str, ...]
    interpretations: tuple[str, ...]
    values: dict  # column id -> value (Decimal, bool, str, list, {kk, en} or None)


@dataclass
class Table(Operand):
    operand: ClassVar[str] = "table"
    id: str
    label: dict
    cite: tuple[str, ...]
    columns: dict[str, Column]
    rows: list[Row]
    interpretations: tuple[str, ...] = ()
    index: dict[str, Row] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            self.index.setdefault(row.id, row)

    def row(self, key: Any) -> Row:
        row = self.index.get(key) if isinstance(key, str) else None
        if row is None:
            raise EvaluationError(f"table '{self.id}' has no row '{key}' [{', '.join(self.cite)}]")
        return row

    def value(self, row: Row, column: Any) -> Any:
        if column in LABEL_COLUMNS:
            return row.label.get(column)
        if column not in self.columns:
            raise EvaluationError(f"table '{self.id}' has no column {column!r}")
        return row.values.get(column)

    def matches(self, row: Row, column: str, value: Any) -> bool:
        have = self.value(row, column)
        return value in have if isinstance(have, list) else have == value


    def row_interpretations(self, key: Any) -> tuple[str, ...]:
        """The readings a value naming a row relies on: the table's and the row's (none for another value)."""
        row = self.index.get(key) if isinstance(key, str) else None
        return self.interpretations + row.interpretations if row else ()


def row_inputs(inputs: Mapping[str, InputSpec], tables: Mapping[str, Table], names: Iterable[str]) -> dict[str, Table]:
    """The `inputs` among `names` whose values are rows of one of the `tables` (`type: enum, table: t`), with the table."""
    out: dict[str, Table] = {}
    for n in names:
        spec = inputs.get(n)
        if spec is not None and spec.type == "enum" and spec.table is not None and spec.table in tables:
            out[n] = tables[spec.table]
    return out


# -- compiling ---------------------------------------------------------------------------------
def compile_tables(data: dict, cites: Callable[[Any], tuple[str, ...]]) -> dict[str, Table]:
    """The `tables` section as Table objects (schema-valid input assumed; checks report the rest)."""
    out: dict[str, Table] = {}
    for name, raw in (data.get("tables") or {}).items():
        if not isinstance(raw, dict):
            continue
        columns = {
            str(cid): Column(str(cid), str(c.get("type", "string")), c.get("label") or {}, c.get("ref"), bool(c.get("optional", False)))
            for cid, c in (raw.get("columns") or {}).items() if isinstance(c, dict)
        }
        rows = []
        for r in raw.get("rows") or []:
            if not isinstance(r, dict):
                continue
            values = {str(k): _value(v, columns.get(str(k))) for k, v in r.items() if k not in ROW_KEYS}
            for cid in columns:
                values.setdefault(cid, None)
            rows.append(Row(str(r.get("id")), r.get("label") or {}, cites(r.get("cite")), tuple(r.get("interpretations", ())), values))
        out[str(name)] = Table(str(name), raw.get("label") or {}, cites(raw.get("cite")), columns, rows, tuple(raw.get("interpretations", ())))
    return out


def _value(v: Any, column: Optional[Column]) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, list):
        return [_value(x, None) for x in v]
    if isinstance(v, (Decimal, str, dict)):
        return v
    return str(v)


# -- checking ----------------------------------------------------------------------------------
class TablesModel(Protocol):
    """What the checks of tables read of the methodology: its tables, and the other named values
    (a table's id must not be one of theirs)."""

    @property
    def tables(self) -> Mapping[str, Table]: ...

    @property
    def parameters(self) -> Mapping[str, object]: ...

    @property
    def inputs(self) -> Mapping[str, object]: ...

    @property
    def formulas(self) -> Mapping[str, object]: ...

    @property
    def deadlines(self) -> Mapping[str, object]: ...

    @property
    def scales(self) -> Mapping[str, object]: ...

    @property
    def bodies(self) -> Mapping[str, object]: ...


def check_tables(m: TablesModel, doc: Document, error: Callable[..., None]) -> None:
    """Columns, rows and references of every table. `error(path, message, code, severity="error", key=False)`.
    A row's cells are checked as written in `doc` (compiling turns them into values)."""
    others: dict[str, str] = {}
    for section, named in (("parameters", m.parameters), ("inputs", m.inputs), ("formulas", m.formulas),
                           ("deadlines", m.deadlines), ("scales", m.scales), ("bodies", m.bodies)):
        for name in named:
            others.setdefault(name, section)
    for name, t in m.tables.items():
        p = ("tables", name)
        if name in others:
            error(p, f"'{name}' is defined both in {others[name]} and in tables; expressions could not tell them apart", "name-clash", key=True)
        for cid, col in t.columns.items():
            if cid in RESERVED_COLUMNS:
                error(p + ("columns", cid), f"column '{cid}' of table '{name}' is reserved (a row's {', '.join(RESERVED_COLUMNS)})", "table-column-reserved", key=True)
            if col.ref is not None:
                if col.ref not in m.tables:
                    error(p + ("columns", cid, "ref"), f"column '{cid}' of table '{name}' refers to table '{col.ref}', which is not defined", "ref-undefined")
                if col.type not in ("string", "list"):
                    error(p + ("columns", cid, "ref"), f"column '{cid}' is of type {col.type}; only string and list columns can refer to rows", "type-mismatch")
        seen: set[str] = set()
        for i, row in enumerate(t.rows):
            rp = p + ("rows", i)
            if row.id in seen:
                error(rp + ("id",), f"table '{name}' has two rows with id '{row.id}'", "table-row-duplicate")
            seen.add(row.id)
            if not row.cite:
                error(rp, f"row '{row.id}' of table '{name}' has no citation; every row of the act's data cites where the act says it", "table-row-uncited")
            raw = _raw_row(doc, name, i)
            for key in raw:
                if key not in ROW_KEYS and key not in t.columns:
                    error(rp + (key,), f"table '{name}' has no column '{key}' (columns: {', '.join(t.columns) or 'none'})", "table-column-unknown", key=True)
            for cid, col in t.columns.items():
                v = raw.get(cid)
                if v is None:
                    if not col.optional:
                        error(rp, f"row '{row.id}' of table '{name}' gives no '{cid}' (the column is not optional)", "table-value-missing")
                    continue
                problem = _type_problem(v, col)
                if problem:
                    error(rp + (cid,), f"row '{row.id}', column '{cid}': {problem}", "type-mismatch")
                    continue
                target = m.tables.get(col.ref) if col.ref else None
                if target is not None:
                    for ref in (v if isinstance(v, list) else [v]):
                        if str(ref) not in target.index:
                            error(rp + (cid,), f"row '{row.id}', column '{cid}': '{ref}' is not a row of table '{col.ref}'", "table-key-undefined")


def _raw_row(doc: Document, table: str, i: int) -> dict:
    data = doc.data if isinstance(doc.data, dict) else {}
    rows = ((data.get("tables") or {}).get(table) or {}).get("rows") or []
    return rows[i] if i < len(rows) and isinstance(rows[i], dict) else {}


def _type_problem(v: Any, col: Column) -> Optional[str]:
    t = col.type
    ok = {
        "integer": isinstance(v, int) and not isinstance(v, bool) or isinstance(v, Decimal) and v == v.to_integral_value(),
        "decimal": isinstance(v, (int, Decimal)) and not isinstance(v, bool),
        "boolean": isinstance(v, bool),
        "string": isinstance(v, str),
        "list": isinstance(v, list),
        "label": isinstance(v, dict),
    }.get(t, True)
    return None if ok else f"expected a value of type {t}, got {v!r}"


def check_calls(checker: CheckContext[TablesModel], path: tuple, expr: Expression) -> None:
    """Columns named by the table functions exist; literal row ids and reference values do too."""
    m = checker.m
    for node in ast.walk(expr.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _COLUMN_ARG):
            continue
        fname, args = node.func.id, node.args
        if not BUILTINS[fname].takes(len(args)) or not (isinstance(args[0], ast.Name) and args[0].id in m.tables):
            continue  # arity and the table argument are reported by the type checker
        t = m.tables[args[0].id]
        conditions = [(args[i], args[i + 1]) for i in range(1, len(args), 2)] if fname == "rows" else [(args[_COLUMN_ARG[fname]], None)]
        for col_node, value_node in conditions:
            _check_column(checker, path, expr, fname, t, args, col_node, value_node)


def _check_column(checker: CheckContext[TablesModel], path: tuple, expr: Expression, fname: str, t: Table, args: list, col_node: Any, value_node: Any) -> None:
    m = checker.m
    if not (isinstance(col_node, ast.Constant) and isinstance(col_node.value, str)):
        checker.expr_error(path, expr, col_node, f"{fname}(): write the column of table '{t.id}' as a quoted name, e.g. '{next(iter(t.columns), 'kk')}'", "table-column-unknown")
        return
    column = col_node.value
    allowed = list(t.columns) + (list(LABEL_COLUMNS) if fname in ("lookup", "lookup_all") else [])
    if column not in allowed:
        checker.expr_error(path, expr, col_node, f"table '{t.id}' has no column '{column}' (columns: {', '.join(allowed)})", "table-column-unknown")
        return
    if fname == "lookup" and isinstance(args[1], ast.Constant) and args[1].value not in t.index:
        checker.expr_error(path, expr, args[1], f"table '{t.id}' has no row {args[1].value!r}", "table-key-undefined")
    if fname == "rows" and isinstance(value_node, ast.Constant) and column in t.columns:
        value, col = value_node.value, t.columns[column]
        if col.ref and col.ref in m.tables:
            if value not in m.tables[col.ref].index:
                checker.expr_error(path, expr, value_node, f"{value!r} is not a row of table '{col.ref}' (column '{column}' refers to it)", "table-key-undefined")
        elif not any(t.matches(r, column, value) for r in t.rows):
            checker.expr_error(path, expr, value_node, f"no row of table '{t.id}' has {value!r} in column '{column}'", "table-key-undefined")
