"""JSON Schema validation of methodology and test files, with findings located in the YAML."""
from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .findings import Finding
from ..paths import schemas_dir
from .source import Document

if TYPE_CHECKING:  # jsonschema is imported on first validation: `adisteme --help` need not load it
    import jsonschema
    from jsonschema.exceptions import ValidationError


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    return json.loads((schemas_dir() / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(name: str) -> "jsonschema.Draft7Validator":
    import jsonschema

    return jsonschema.Draft7Validator(load_schema(name))


def _jsonable(value: Any) -> Any:
    """YAML dates become ISO strings, as an editor's language server sees them."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def validate(doc: Document, schema: str = "methodology.schema.json") -> list[Finding]:
    findings: list[Finding] = []
    for error in _validator(schema).iter_errors(_jsonable(doc.data)):
        for f in _to_findings(doc, error):
            if f not in findings:  # an empty label breaks two rules at one place: say it once
                findings.append(f)
    return findings


def _to_findings(doc: Document, error: ValidationError) -> list[Finding]:
    if error.context:
        from jsonschema.exceptions import best_match

        error = best_match(error.context) or error
        if error.context:
            return _to_findings(doc, error)
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
        extra = [k for k in error.instance if k not in known and not any(p.search(str(k)) for p in patterns)]
        if extra:
            allowed = ", ".join(sorted(known)) if known else "ids"
            return [doc.finding(path + (k,), f"unknown key {k!r} here (allowed: {allowed})", "schema-unknown-key", key=True) for k in extra]
    where = ".".join(str(p) for p in path) or "the document"
    missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance] if error.validator == "required" else []
    if "cite" in missing:  # every element cites the act
        return [doc.finding(path, f"{where}: no citation of the act ('cite' is required)", "cite-missing", key=True)]
    if set(missing) & {"label", "kk", "en"} or (len(path) >= 2 and path[-2] == "label" and path[-1] in ("kk", "en")):
        which = ", ".join(missing) or str(path[-1])
        return [doc.finding(path, f"{where}: the label needs both the act's Kazakh words (kk) and an English gloss (en); {which} is missing or empty", "label-missing")]
    return [doc.finding(path, f"{where}: {_message(error)}", "schema")]


def _message(error: ValidationError) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "pattern":
        return f"{error.instance!r} does not have the expected form"
    return error.message
