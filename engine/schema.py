"""JSON Schema validation of methodology and test files, with findings located in the YAML."""
from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from .findings import Finding
from .paths import schemas_dir
from .source import Document


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    return json.loads((schemas_dir() / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.Draft7Validator:
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
        findings.extend(_to_findings(doc, error))
    return findings


def _to_findings(doc: Document, error: ValidationError) -> list[Finding]:
    if error.context:
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
    return [doc.finding(path, f"{where}: {_message(error)}", "schema")]


def _message(error: ValidationError) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "pattern":
        return f"{error.instance!r} does not have the expected form"
    return error.message
