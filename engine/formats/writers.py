"""Writing a run's results, one writer per output format.

A writer receives the results one by one as they are evaluated (`add`), then the run's own facts
(`finish`). JSON Lines and CSV stream each result as it comes; the table, JSON, explanations and the
workbook need every result first. Output goes to stdout or to a file written whole or not at all: use a
writer as a context manager, and its file is put in place only when the block ends normally.
"""
from __future__ import annotations

import csv
from typing import Any, Callable, Optional

from ..atomic import Destination, OutputError, atomic_path
from ..evaluation.results import Result
from ..language.values import dumps, text
from ..methodology.model import Methodology
from .output import columns, explanation, result_dict, result_to_json, table

Echo = Callable[[str], None]


class ResultWriter:
    """The results of one run of `evaluation` under `m`, to `path` (or `echo`, for stdout)."""

    def __init__(self, m: Methodology, evaluation: str, path: Optional[str], echo: Echo, *, explain: bool = False):
        self.m = m
        self.evaluation = evaluation
        self.explain = explain
        self.out = Destination(path, echo)
        self.results: list[Result] = []

    def __enter__(self) -> "ResultWriter":
        self.out.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self.out.__exit__(*exc_info)

    def add(self, result: Result) -> None:
        self.results.append(result)

    def finish(self, run: dict[str, Any], ties: Optional[list[dict]]) -> None:
        """The run is complete. `run`: where it was saved and for whom (run_facts); `ties`: the cohort's
        ties needing a decision, None when the evaluation ranks no cohort."""


class TableWriter(ResultWriter):
    """An aligned table for people, the cohort's open ties below it, then the explanations if asked."""

    def finish(self, run: dict[str, Any], ties: Optional[list[dict]]) -> None:
        self.out.write(table(self.results, self.m) + "\n")
        if ties:
            self.out.write("\nties needing a decision (never broken by the engine):\n" + "".join(f"  {t['message']}\n" for t in ties))
        if self.explain:
            self.out.write("\n" + "\n\n".join(explanation(r, self.m) for r in self.results) + "\n")


class ExplainWriter(ResultWriter):
    """Each result's explanation: value, rule, paragraph, inputs, interpretations."""

    def finish(self, run: dict[str, Any], ties: Optional[list[dict]]) -> None:
        self.out.write("\n\n".join(explanation(r, self.m) for r in self.results) + "\n")


class JsonWriter(ResultWriter):
    """One JSON document: the methodology, its status and SHA-256, the run's facts, then every result."""

    def finish(self, run: dict[str, Any], ties: Optional[list[dict]]) -> None:
        self.out.write(dumps({"methodology": self.m.id, "evaluation": self.evaluation, "status": self.m.act.get("status"),
                              "sha256": self.m.sha256, **run, **({"ties": ties} if ties is not None else {}),
                              "results": [result_dict(r, self.m, explain=self.explain) for r in self.results]}) + "\n")


class JsonLinesWriter(ResultWriter):
    """One JSON object a line, written as each result comes."""

    def add(self, result: Result) -> None:
        self.out.write(result_to_json(result, self.m, explain=self.explain) + "\n")


class CsvWriter(ResultWriter):
    """One CSV line a result, written as each comes, after a header (written with the first result)."""

    def __init__(self, m: Methodology, evaluation: str, path: Optional[str], echo: Echo, *, explain: bool = False):
        super().__init__(m, evaluation, path, echo, explain=explain)
        self.cols = columns(m, evaluation)  # from the evaluation, not from a first result that may have failed
        self.csv = csv.writer(self.out)  # one writer for the run: it writes each row straight to the destination
        self.started = False

    def add(self, result: Result) -> None:
        if not self.started:
            self.csv.writerow(["id", *self.cols, "errors", "interpretations"])
            self.started = True
        self.csv.writerow([result.id, *(text(result.outputs.get(c)) if c in result.outputs else "" for c in self.cols),
                           " | ".join(e.message for e in result.errors), "; ".join(result.interpretations)])


class XlsxWriter(ResultWriter):
    """An Excel sheet named after the evaluation, with the rating's Kazakh label; saved whole at the end."""

    def __init__(self, m: Methodology, evaluation: str, path: Optional[str], echo: Echo, *, explain: bool = False):
        if not path:
            raise OutputError("an Excel workbook is written to a file, not to stdout")
        super().__init__(m, evaluation, None, echo, explain=explain)  # nothing goes to stdout
        from openpyxl import Workbook  # here, not at the top: only a workbook needs openpyxl (start-up time)

        self.path = path
        self.cols = columns(m, evaluation)
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(evaluation)
        self.sheet.append(["id", "name", *self.cols, "rating (kk)", "errors", "interpretations"])
        rating = m.evaluations[evaluation].rating
        self.rating_scale = m.scales[rating] if rating else None

    def add(self, r: Result) -> None:
        kk = self.rating_scale.band(r.outputs["rating"]).label.get("kk", "") if self.rating_scale and "rating" in r.outputs else ""
        self.sheet.append([r.id, str(r.descriptive.get("name", "")), *(text(r.outputs.get(c)) if c in r.outputs else "" for c in self.cols),
                           kk, " | ".join(e.message for e in r.errors), "; ".join(r.interpretations)])

    def finish(self, run: dict[str, Any], ties: Optional[list[dict]]) -> None:
        with atomic_path(self.path) as tmp:
            self.book.save(tmp)


WRITERS: dict[str, type[ResultWriter]] = {
    "table": TableWriter, "json": JsonWriter, "jsonl": JsonLinesWriter, "csv": CsvWriter, "xlsx": XlsxWriter,
    "explain": ExplainWriter,
}


def result_writer(fmt: str, m: Methodology, evaluation: str, path: Optional[str], echo: Echo, *, explain: bool = False) -> ResultWriter:
    """The writer of format `fmt` (a key of WRITERS)."""
    return WRITERS[fmt](m, evaluation, path, echo, explain=explain)


def run_facts(plan: Any, run_id: Optional[int]) -> dict[str, Any]:
    """What a JSON result document says of a run for an organisation and a period (history.runs.Plan):
    nothing for a plain run."""
    if plan is None:
        return {}
    return {"organisation": plan.organisation.id if plan.organisation else None, "period": str(plan.period) if plan.period else None,
            "resolution": plan.resolution.as_dict() if plan.resolution else None, "run": run_id}
