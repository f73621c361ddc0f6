"""Reading records from data files: CSV, JSON, JSON Lines and YAML, streamed where the format allows.

Numbers are never read as binary floats: JSON uses Decimal for every fraction, YAML uses the
project's exact loader, CSV cells stay text until the input's declared type reads them.
"""
from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from ..errors import AdistemeError
from ..language.source import SourceError, load_text

FORMATS = ("csv", "json", "jsonl", "yaml", "xlsx")


class RecordsError(AdistemeError):
    """The data file as a whole cannot be read (not a single bad record)."""


def detect_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"yml": "yaml", "ndjson": "jsonl"}.get(suffix, suffix)


def read_records(path: str | Path, fmt: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield one dict per record. Raises RecordsError if the file as a whole is unreadable."""
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise RecordsError(f"{path}: unknown data format '{fmt}' (use one of {', '.join(FORMATS)}, or --input-format)")
    try:
        if fmt == "csv":
            yield from _csv(path)
        elif fmt == "xlsx":
            yield from _xlsx(path)
        elif fmt == "jsonl":
            yield from _jsonl(path)
        else:
            text = Path(path).read_text(encoding="utf-8-sig")
            data = _json(text, path) if fmt == "json" else _yaml(text, path)
            yield from _records_of(data, path)
    except OSError as exc:
        raise RecordsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RecordsError(f"{path}: not UTF-8 text") from None


def _csv(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        header = fh.readline()
        fh.seek(0)
        # The header alone decides: ';' also separates list items inside cells.
        delimiter = max(("\t", ";", ","), key=header.count) if any(c in header for c in "\t;,") else ","
        reader = csv.DictReader(fh, delimiter=delimiter)
        if not reader.fieldnames:
            return
        for row in reader:
            yield {k.strip(): v for k, v in row.items() if k is not None and v is not None and v.strip() != ""}


def _xlsx(path: str | Path) -> Iterator[dict[str, Any]]:
    """The first sheet: a header row of field names, then one record per row (streamed)."""
    import datetime as dt

    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RecordsError(f"{path}: not an Excel .xlsx workbook ({exc})") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        for row in rows:
            record = {}
            for name, cell in zip(header, row):
                if not name or cell is None or (isinstance(cell, str) and not cell.strip()):
                    continue
                if isinstance(cell, float):
                    # Excel keeps binary doubles; the shortest text that reads back is what Excel shows.
                    cell = Decimal(repr(cell))
                elif isinstance(cell, dt.datetime):
                    cell = cell.date() if cell.time() == dt.time() else cell
                record[name] = cell
            if record:
                yield record
    finally:
        book.close()


def _jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line, parse_float=Decimal)
                except ValueError as exc:
                    yield {"id": f"line {n}", "__error__": f"line {n} is not JSON: {exc}"}


def _json(text: str, path: str | Path) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise RecordsError(f"{path}: not valid JSON: {exc}") from None


def _yaml(text: str, path: str | Path) -> Any:
    try:
        return load_text(text, str(path)).data
    except SourceError as exc:
        raise RecordsError(exc.finding.render(with_source=False)) from None


def _records_of(data: Any, path: str | Path) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if not isinstance(data, list):
        raise RecordsError(f"{path}: expected a list of records (or a mapping with 'records')")
    yield from data
