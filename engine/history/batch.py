"""A batch: every record of a data file evaluated and written in one format, for an organisation and a
period when asked (the edition chosen by its bindings, inputs taken from the history, the run saved).
What `adisteme evaluate` and `adisteme explain` run.

A bad record is reported and the others still run. The results go to the writer (stdout through
`echo`, or a file written whole or not at all); what people are told on the way (the edition chosen
and why, a record's errors, where the run was saved, the summary) goes to `tell`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from ..atomic import check_folder
from ..editions.registry import Registry
from ..errors import AdistemeError
from ..evaluation.cohorts import make_evaluator
from ..formats.records import read_records
from ..formats.writers import result_writer, run_facts
from ..methodology.model import Methodology
from .runs import NO_METHODOLOGY, Plan, RunError, Session, plan_run
from .storage import open_storage

Tell = Callable[[str], None]


class BatchError(AdistemeError):
    """The batch cannot run as asked (no data file, a workbook without a file, no such record, ...)."""


@dataclass
class Batch:
    """What to evaluate, from where, and how to write it."""

    methodology: Optional[str]  # family@edition; None: the one an organisation's bindings choose
    evaluation: str
    input_path: str
    input_format: Optional[str] = None
    fmt: str = "table"  # a key of engine.formats.writers.WRITERS
    explain: bool = False
    output: Optional[str] = None  # a file instead of stdout
    only: Optional[str] = None  # the id of the one record to write
    org_id: Optional[str] = None
    period: Optional[str] = None
    save: bool = False
    from_history: bool = False
    db: Optional[str] = None  # the history database

    @property
    def planned(self) -> bool:
        """Whether the run goes through the history: an organisation, a period, saving, inputs from it, or a database."""
        return bool(self.org_id or self.period or self.save or self.from_history or self.db)


@dataclass
class Done:
    records: int = 0  # the records evaluated (written)
    failed: int = 0  # of them, those with errors


def run(batch: Batch, registry: Registry, echo: Callable[[str], None], tell: Tell,
        progress: Optional[Callable[[int], None]] = None) -> Done:
    """Evaluate and write every record of the batch; `progress` is told the count every 10000 records."""
    plan = session = store = None
    if batch.planned:
        store = open_storage(batch.db)
        plan = plan_run(registry, batch.methodology, batch.org_id, batch.period, store)
        for line in _chosen(plan):
            tell(line)
        m = registry.get(plan.methodology_id)
    elif batch.methodology is None:
        raise RunError(NO_METHODOLOGY)
    else:
        m = registry.get(batch.methodology)
    evaluator = make_evaluator(m, batch.evaluation, explain=batch.explain)
    cohort = getattr(evaluator, "cohort_evaluation", False)  # ranks all records at once (engine/evaluation/cohorts.py)
    if cohort and (batch.save or batch.from_history):
        raise BatchError(f"{batch.evaluation} ranks a cohort (its results depend on every record), which --save and --from-history do not support yet")
    if plan is not None:
        if batch.save and (plan.organisation is None or plan.period is None):
            raise BatchError("--save needs --org ORG and --period PERIOD (the history is kept per organisation and period)")
        session = Session(plan, m, batch.evaluation, store, save=batch.save, from_history=batch.from_history)
    if not Path(batch.input_path).exists():
        raise BatchError(f"{batch.input_path}: no such file")
    status_note = _status(m)
    if status_note:
        tell(status_note)
    records: Iterator[dict] = read_records(batch.input_path, batch.input_format)
    if session is not None:
        records = session.records(records)
    only = batch.only
    if only is not None and not cohort:  # a cohort is ranked whole; its other results are dropped below
        records = (r for r in records if str(r.get("id")) == only)
    if batch.fmt == "xlsx" and not batch.output:
        raise BatchError("--format xlsx writes a workbook: give --output FILE.xlsx")
    if batch.output:
        check_folder(batch.output)
    done = Done()
    where = batch.input_path
    with result_writer(batch.fmt, m, batch.evaluation, batch.output, echo, explain=batch.explain) as writer:  # a file: whole or not at all
        for result in evaluator.evaluate_many(records):
            if only is not None and cohort and result.id != only:
                continue
            done.records += 1
            for told in session.result(result) if session is not None else ():  # inputs taken from the history
                tell(f"{where}: record {result.id}: {told}")
            done.failed += bool(result.errors)
            for e in result.errors:
                tell(f"{where}: record {result.id}: {e.message}")
            writer.add(result)
            if progress is not None and done.records % 10000 == 0:
                progress(done.records)
        writer.finish(run_facts(plan, _save(session, tell)), evaluator.ties if cohort else None)
    if only is not None and done.records == 0:
        raise BatchError(f"no record with id {only!r} in {where}")
    ranked = f"; ranked together as cohort {m.evaluations[batch.evaluation].cohort}, {len(evaluator.ties)} tie(s) needing a decision" if cohort else ""
    tell(f"{done.records} record(s) evaluated with {m.id} {batch.evaluation}; {done.failed} with errors{ranked}")
    return done


def _chosen(plan: Plan) -> list[str]:
    """Which edition a run for an organisation or a period uses, and why."""
    r = plan.resolution
    if r is None:
        return []
    who = f"{plan.organisation.id} " if plan.organisation else ""
    return ([f"note: {who}{plan.period}: evaluated with {r.methodology_id} ({r.how}: {r.act})"]
            + [f"      {w}" for w in r.why] + [f"      interpretation {x.id} [{x.source}]: {x.does}" for x in r.readings])


def _status(m: Methodology) -> Optional[str]:
    """A note when the edition is not in force (a draft, repealed, ...), with the interpretations saying why."""
    status = m.act.get("status")
    if status == "in_force":
        return None
    why = "; ".join(m.interpretations[i].does for i in m.act.get("interpretations", ()) if i in m.interpretations)
    return f"note: {m.id} has status '{status}'{': ' + why if why else ''}"


def _save(session: Optional[Session], tell: Tell) -> Optional[int]:
    """Commit a run being saved; its id (None when nothing is saved)."""
    if session is None or session.writer is None:
        return None
    run_id = session.commit()
    tell(f"saved as run {run_id} in {session.store.path} (check it with `adisteme verify {run_id}`)")
    return run_id
