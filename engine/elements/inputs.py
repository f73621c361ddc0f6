"""Typed inputs: what a record may carry, and how a raw value becomes an exact one."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping, Optional

from ..errors import AdistemeError
from ..language.values import quoted

_TRUE = {"true", "yes", "1", "иә", "ия", "да"}
_FALSE = {"false", "no", "0", "жоқ", "нет"}
MISSING = object()


class InputError(AdistemeError):
    """A record's value does not fit its declared input. `field` may carry an index: plan_scores[2]."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class HistorySource:
    """Where a run takes an input a record omits: `output` of the stored `evaluation` results
    (`periods`: quarters, the four quarters' values as a list; previous_year, the year before's value)."""

    evaluation: str
    output: str
    periods: str


@dataclass(frozen=True)
class InputSpec:
    id: str
    type: str  # integer | decimal | boolean | date | string | enum | list | map
    cite: tuple[str, ...] = ()
    label: Optional[dict] = None
    min: Optional[Decimal] = None
    max: Optional[Decimal] = None
    values: tuple[str, ...] = ()
    items: Optional["InputSpec"] = None
    min_items: Optional[int] = None
    max_items: Optional[int] = None
    default: Any = MISSING
    optional: bool = False
    interpretations: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # map: the keys allowed (empty = any)
    table: Optional[str] = None  # enum: the table whose row ids are its values
    from_history: Optional[HistorySource] = None

    @property
    def required(self) -> bool:
        return self.default is MISSING and not self.optional

    def where(self) -> str:
        return f" [{', '.join(self.cite)}]" if self.cite else ""

    def absent(self) -> Any:
        """The value of a field the record does not carry."""
        if self.default is not MISSING:
            return self.coerce(self.default)
        if self.optional:
            return None
        raise InputError(self.id, f"{self.id}: required input missing{self.where()}")

    def coerce(self, raw: Any, name: Optional[str] = None) -> Any:
        """Turn a raw value (from YAML, JSON or a CSV cell) into its exact typed value."""
        name = name or self.id
        if raw is None or (isinstance(raw, str) and raw.strip() == "" and self.type != "string"):
            if self.default is not MISSING and name == self.id:
                return self.coerce(self.default)
            if self.optional:
                return None
            raise InputError(name, f"{name}: a value is required{self.where()}")
        kind = self.type
        if kind == "integer":
            value = _number(raw, name, self.where())
            if value != value.to_integral_value():
                raise InputError(name, f"{name}: expected an integer, got {quoted(raw)}{self.where()}")
            return self._bounded(value, name)
        if kind == "decimal":
            return self._bounded(_number(raw, name, self.where()), name)
        if kind == "boolean":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
                return raw.strip().lower() in _TRUE
            raise InputError(name, f"{name}: expected true or false, got {quoted(raw)}{self.where()}")
        if kind == "date":
            if isinstance(raw, dt.datetime):
                return raw.date()
            if isinstance(raw, dt.date):
                return raw
            if isinstance(raw, str):
                try:
                    return dt.date.fromisoformat(raw.strip())
                except ValueError:
                    pass
            raise InputError(name, f"{name}: expected a date YYYY-MM-DD, got {quoted(raw)}{self.where()}")
        if kind == "string":
            if isinstance(raw, (str, int, Decimal)) and not isinstance(raw, bool):
                return str(raw)
            raise InputError(name, f"{name}: expected text, got {quoted(raw)}{self.where()}")
        if kind == "enum":
            text = str(raw).strip() if isinstance(raw, (str, int, Decimal)) and not isinstance(raw, bool) else None
            if text not in self.values:
                raise InputError(name, f"{name}: {quoted(raw)} is not one of {', '.join(self.values)}{self.where()}")
            return text
        if kind == "list":
            return self._list(raw, name)
        if kind == "map":
            return self._map(raw, name)
        raise InputError(name, f"{name}: unknown input type {kind!r}")

    def _bounded(self, value: Decimal, name: str) -> Decimal:
        if self.min is not None and value < self.min:
            raise InputError(name, f"{name}: {value} is below the minimum {self.min}{self.where()}")
        if self.max is not None and value > self.max:
            raise InputError(name, f"{name}: {value} is above the maximum {self.max}{self.where()}")
        return value

    def _list(self, raw: Any, name: str) -> list:
        if isinstance(raw, str):
            raw = _split_list(raw, name, self.where())
        elif isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
            raw = [raw]  # a spreadsheet cell holding one number is a one-item list
        if not isinstance(raw, (list, tuple)):
            raise InputError(name, f"{name}: expected a list, got {quoted(raw)}{self.where()}")
        if self.min_items is not None and len(raw) < self.min_items:
            raise InputError(name, f"{name}: {len(raw)} items, at least {self.min_items} required{self.where()}")
        if self.max_items is not None and len(raw) > self.max_items:
            raise InputError(name, f"{name}: {len(raw)} items, at most {self.max_items} allowed{self.where()}")
        assert self.items is not None
        item = self.items
        out = []
        for i, element in enumerate(raw):
            try:
                out.append(item.coerce(element, f"{name}[{i}]"))
            except InputError as exc:
                # The field stays the list's name so errors group by input; the index is in the text.
                raise InputError(name, exc.message.replace(item.where(), "") + self.where()) from None
        return out

    def _map(self, raw: Any, name: str) -> dict:
        """A map input's value (elements/maps.py): keys checked against `keys` (when given), values by `items`."""
        where = self.where()
        if isinstance(raw, str):
            raw = _split_map(raw, name, where)
        if not isinstance(raw, dict):
            raise InputError(name, f"{name}: expected a mapping of key to value (e.g. a=1;2 | b=3), got {quoted(raw)}{where}")
        allowed = tuple(self.keys)
        out: dict = {}
        for key, value in raw.items():
            k = str(key).strip()
            if allowed and k not in allowed:
                raise InputError(name, f"{name}: unknown key '{k}' (keys: {', '.join(allowed)}){where}")
            if k in out:
                raise InputError(name, f"{name}: key '{k}' given twice{where}")
            assert self.items is not None
            try:
                out[k] = self.items.coerce(value, f"{name}.{k}")
            except Exception as exc:  # InputError of the item: keep the field the map's name
                message = getattr(exc, "message", str(exc))
                item_where = self.items.where()
                raise InputError(name, (message.replace(item_where, "") if item_where else message) + where) from None
        if allowed:
            out = {k: out[k] for k in allowed if k in out}
        return out

    def json_schema(self) -> dict:
        """The JSON Schema of this input's value (for `adisteme schema`)."""
        out: dict[str, Any] = {}
        if self.label:
            out["title"] = self.label.get("en", self.id)
            out["description"] = f"{self.label.get('kk', '')} ({', '.join(self.cite)})".strip()
        t = self.type
        if t in ("integer", "decimal"):
            out["type"] = "integer" if t == "integer" else "number"
            if self.min is not None:
                out["minimum"] = _plain(self.min)
            if self.max is not None:
                out["maximum"] = _plain(self.max)
        elif t == "boolean":
            out["type"] = "boolean"
        elif t == "date":
            out.update(type="string", format="date")
        elif t == "string":
            out["type"] = "string"
        elif t == "enum":
            out.update(type="string", enum=list(self.values))
        elif t == "list":
            out["type"] = "array"
            assert self.items is not None
            out["items"] = self.items.json_schema()
            if self.min_items is not None:
                out["minItems"] = self.min_items
            if self.max_items is not None:
                out["maxItems"] = self.max_items
        elif t == "map":
            out.update(type="object", additionalProperties=self.items.json_schema() if self.items else {})
            if self.keys:
                out["propertyNames"] = {"enum": list(self.keys)}
        if self.default is not MISSING:
            out["default"] = _plain(self.default) if isinstance(self.default, Decimal) else self.default
        if self.optional:
            out = {"anyOf": [out, {"type": "null"}]}
        return out


def record_schema(title: str, inputs: Mapping[str, InputSpec], names: Iterable[str]) -> dict:
    """The JSON Schema (draft 7) of one input record: its `id`, then the inputs `names` (of `inputs`)."""
    names = list(names)
    props: dict[str, Any] = {"id": {"type": "string", "description": "the record's identifier"}}
    props.update({name: inputs[name].json_schema() for name in names})
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": title,
        "type": "object", "properties": props, "required": ["id"] + [n for n in names if inputs[n].required],
    }


def _plain(value: Decimal) -> Any:
    return int(value) if value == value.to_integral_value() else value  # Decimal kept exact for our JSON writer


def _number(raw: Any, name: str, where: str) -> Decimal:
    if isinstance(raw, bool):
        raise InputError(name, f"{name}: expected a number, got {quoted(raw)}{where}")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        # Our readers never make floats; a caller that did has already lost exactness.
        raise InputError(name, f"{name}: got a binary float {raw!r}; pass the number as text or Decimal{where}")
    elif isinstance(raw, str):
        text = raw.strip().replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw.strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InputError(name, f"{name}: expected a number, got {quoted(raw)}{where}") from None
    else:
        raise InputError(name, f"{name}: expected a number, got {quoted(raw)}{where}")
    if not value.is_finite():
        raise InputError(name, f"{name}: expected a finite number, got {quoted(raw)}{where}")
    return value


def _split_list(text: str, name: str, where: str) -> list:
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            return json.loads(text, parse_float=Decimal)
        except ValueError:
            raise InputError(name, f"{name}: expected a list like [3, 4] or 3;4, got {quoted(text)}{where}") from None
    return [part.strip() for part in text.split(";") if part.strip()]


def _split_map(text: str, name: str, where: str) -> Any:
    """A map from a CSV cell: `a=1;2 | b=3`, or the JSON text of an object."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            return json.loads(text, parse_float=Decimal)
        except ValueError:
            raise InputError(name, f"{name}: expected a JSON object, got {quoted(text)}{where}") from None
    out: dict = {}
    for part in text.split("|"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise InputError(name, f"{name}: expected key=value entries separated by '|', got {quoted(part.strip())}{where}")
        if key.strip() in out:
            raise InputError(name, f"{name}: key '{key.strip()}' given twice{where}")
        out[key.strip()] = value.strip()
    return out
