"""Runs: evaluating for an organisation and a period, inputs taken from the history, saving with a
receipt, and verifying a stored run against its receipt.

A receipt says what produced a stored result: the engine (and calendar data) version, the methodology
id and the SHA-256 of its file, the SHA-256 of each input record (canonical JSON), and the time.
`verify` re-runs the stored inputs with the methodology as it is now and says whether the receipt and
the outputs reproduce.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Optional

from ..version import __version__
from ..editions.in_time import EditionError, Editions, Resolution, over_period
from ..evaluation.evaluator import Evaluator, Result
from ..elements.inputs import HistorySource, InputError
from ..language.values import dumps, number, text
from ..methodology.model import Methodology
from .organisations import Organisation, find, load_organisations, resolve_on, resolve_period
from ..formats.output import result_dict
from ..calendar.periods import Period
from ..editions.registry import Registry, RegistryError
from .storage import Storage, StorageError, now, open_storage


class RunError(RegistryError):
    """A run cannot be planned (a usage problem: missing --period, unknown organisation, ...)."""


def canonical(value: Any) -> str:
    """Canonical JSON text: keys sorted at every level, exact decimals, no spaces to vary."""
    return dumps(_sorted(value), None)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _sorted(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [_sorted(v) for v in value]
    return value


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _calendar_data_version() -> str:
    try:
        import holidays

        return f"holidays {holidays.__version__}"
    except Exception:  # pragma: no cover
        return "unknown"


# -- planning ---------------------------------------------------------------------------------------
@dataclass
class Plan:
    """Which methodology a run uses, for which organisation and period, and why."""

    methodology_id: str
    organisation: Optional[Organisation] = None
    period: Optional[Period] = None
    resolution: Optional[Resolution] = None


NO_METHODOLOGY = "name a METHODOLOGY, or an organisation with --org ORG --period PERIOD"


def load_org(oid: str, store: Optional[Storage]) -> Organisation:
    org = find(load_organisations(), oid)
    return org.with_history(store.bindings(oid)) if store is not None else org


def day_resolver(target: str, registry: Registry, db: Optional[str] = None) -> Callable[[dt.date], Resolution]:
    """What applies on a day to `target`: an organisation, by its bindings (the history database `db` is
    opened only then), or else a methodology named by id. RunError when it is neither."""
    editions = Editions(registry)
    orgs = load_organisations() if "@" not in target else {}
    if target in orgs:
        org = load_org(target, open_storage(db))
        return lambda day: resolve_on(org, day, editions)
    try:
        mid = registry.resolve_id(target)
    except RegistryError as exc:  # neither a methodology nor an organisation: say both
        raise RunError(f"{exc}; and no organisation '{target}' (see `adisteme org list`)") from None
    return lambda day: editions.named(mid, day)


def plan_run(registry: Registry, methodology: Optional[str], org_id: Optional[str], period_text: Optional[str],
             store: Optional[Storage]) -> Plan:
    """Resolve what a run evaluates with. Raises RunError (usage) or EditionError (no edition applies)."""
    period = None
    if period_text is not None:
        try:
            period = Period.parse(period_text)
        except ValueError as exc:
            raise RunError(str(exc)) from None
    if methodology is None and org_id is None:
        raise RunError(NO_METHODOLOGY)
    if org_id is not None and period is None:
        raise RunError("--org needs --period (a year such as 2017 or a quarter such as 2017-Q2) to know which edition applies")
    editions = Editions(registry)
    org = load_org(org_id, store) if org_id is not None else None
    if methodology is None:
        assert org is not None and period is not None
        resolution = resolve_period(org, period, editions)
        return Plan(resolution.methodology_id, org, period, resolution)
    mid = registry.resolve_id(methodology)
    if period is None:
        return Plan(mid, None, None, None)
    resolution = over_period(lambda day: editions.named(mid, day), period, editions.straddle_rule)
    if org is not None:
        binding = org.binding_on(period.end)
        family = mid.split("@", 1)[0]
        if binding is None:
            raise EditionError(f"{org.id}: no methodology family is bound on {period.end}", "unbound")
        if binding.family != family:
            raise RunError(f"{org.id} is bound to family '{binding.family}' on {period.end}, not '{family}': leave METHODOLOGY out, or name a {binding.family} edition")
        if binding.edition and f"{binding.family}@{binding.edition}" != mid:
            raise RunError(f"{org.id} is pinned to {binding.family}@{binding.edition} on {period.end} ({binding.reason}), not {mid}")
        try:
            own = resolve_period(org, period, editions)
        except EditionError as exc:
            if exc.kind != "unknown-dates":
                raise
        else:
            if own.methodology_id != mid:
                raise RunError(f"for {org.id} in {period}, {own.methodology_id} applies ({'; '.join(own.why)}), not {mid}")
        resolution.binding = binding
        resolution.why.insert(0, f"{org.id} is {binding.describe()}")
    return Plan(mid, org, period, resolution)


# -- a run ------------------------------------------------------------------------------------------
class Session:
    """One evaluation run: fills inputs from the history, collects results for saving.

    Use: `records = session.records(records)`, evaluate them, call `session.result(result)` after each
    result (results come in the order of the records), then `commit()` or `discard()`.
    """

    def __init__(self, plan: Plan, m: Methodology, evaluation: str, store: Optional[Storage], *, save: bool, from_history: bool):
        self.plan, self.m, self.evaluation = plan, m, evaluation
        self.store = store
        self.from_history = from_history
        self.sources = self._sources() if from_history else {}
        self.writer = store.begin_run(self._run_meta()) if save and store is not None else None
        self._pending: list[tuple[dict, list[str]]] = []
        self.saved: Optional[int] = None
        if from_history:
            if plan.organisation is None or plan.period is None:
                raise RunError("--from-history needs --org ORG and --period PERIOD")
            if not self.sources:
                raise RunError(f"no input of {m.id} {evaluation} is taken from the history (none declares from_history)")
            for name, src in self.sources.items():
                if not plan.period.is_year:
                    raise RunError(f"{name} is taken from the history per year (periods: {src.periods}); give --period as a year, not {plan.period}")

    def _sources(self) -> dict[str, HistorySource]:
        m = self.m
        spec = m.evaluations[self.evaluation]
        return {name: m.inputs[name].from_history for name in spec.inputs if name in m.inputs and m.inputs[name].from_history is not None}

    def _run_meta(self) -> dict:
        p, m = self.plan, self.m
        return {
            "organisation": p.organisation.id if p.organisation else None, "period": str(p.period) if p.period else None,
            "family": m.family, "edition": m.edition, "methodology": m.id, "evaluation": self.evaluation,
            "resolution": p.resolution.as_dict() if p.resolution else {},
            "receipt": {
                "engine": f"adisteme {__version__}", "calendar_data": _calendar_data_version(), "methodology": m.id,
                "methodology_sha256": m.sha256, "methodology_file": str(m.path), "evaluation": self.evaluation,
                "created_at": now(), "input_hash": "SHA-256 of each record's canonical JSON (sorted keys, exact decimals), per result",
            },
        }

    def records(self, records: Iterable[dict]) -> Iterator[dict]:
        for record in records:
            provenance: list[str] = []
            if self.sources and isinstance(record, dict):
                record = self._fill(dict(record), provenance)
            self._pending.append((record, provenance))
            yield record

    def _fill(self, record: dict, provenance: list[str]) -> dict:
        p = self.plan
        assert p.organisation is not None and p.period is not None and self.store is not None
        rid = str(record.get("id", ""))
        for name, src in self.sources.items():
            periods = p.period.quarters() if src.periods == "quarters" else [p.period.previous_year()]
            found = []
            for period in periods:
                hit = self.store.latest_result(p.organisation.id, self.m.family, str(period), src.evaluation, rid)
                if hit is None:
                    continue
                run, res = hit
                value = (res.outputs.get("outputs") or {}).get(src.output)
                if value is not None:
                    found.append((period, value, run.id, run.methodology))
            if src.periods == "quarters":
                value = [v for _, v, _, _ in found] if found else None
            else:
                value = found[0][1] if found else None
            where = ", ".join(f"{per}: {text(v, brackets=True)} (run {rid_}{'' if mid == self.m.id else ', ' + mid})" for per, v, rid_, mid in found)
            if name in record and record[name] not in (None, ""):
                if value is not None and not self._same(name, record[name], value):
                    record["__error__"] = (f"{name}: the record gives {text(record[name], brackets=True)} but the history has "
                                           f"{text(value, brackets=True)} ({where}); remove one of them")
                continue
            if value is None:
                looked = ", ".join(str(x) for x in periods)
                provenance.append(f"{name}: no stored {src.evaluation} result of record {rid} for {looked} (organisation {p.organisation.id})")
                continue
            record[name] = value
            provenance.append(f"{name} = {text(value, brackets=True)} from the history: {src.evaluation} {src.output} of {where}")
        return record

    def _same(self, name: str, given: Any, stored: Any) -> bool:
        spec = self.m.inputs[name]
        try:
            return spec.coerce(given) == spec.coerce(stored)
        except InputError:
            return False

    def result(self, result: Result) -> list[str]:
        """Pair the result with its record; save it (before history notes are added); add the notes and return them."""
        record, provenance = self._pending.pop(0)
        if self.writer is not None:
            inputs = canonical(record)
            self.writer.add(result.id, inputs, sha256(inputs), canonical(result_dict(result, self.m)), result.ok, provenance)
        result.notes.extend(provenance)
        return provenance

    def commit(self) -> Optional[int]:
        if self.writer is not None:
            self.saved = self.writer.commit()
            self.writer = None
        return self.saved

    def discard(self) -> None:
        if self.writer is not None:
            self.writer.discard()
            self.writer = None


# -- verify -----------------------------------------------------------------------------------------
@dataclass
class Verification:
    run: dict
    methodology_now: Optional[str] = None  # sha256 of the file as it is now
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total: int = 0
    reproduced: int = 0
    differing: list[dict] = field(default_factory=list)

    @property
    def reproduces(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"run": self.run, "reproduces": self.reproduces, "methodology_sha256_now": self.methodology_now,
                "results": self.total, "reproduced": self.reproduced, "differing": self.differing,
                "problems": self.problems, "notes": self.notes}


def verify(store: Storage, registry: Registry, run_id: int, limit: int = 20) -> Verification:
    """Re-run a stored run from its receipt. Raises RunError if there is no such run."""
    run = store.run(run_id)
    if run is None:
        raise RunError(f"no run {run_id} in the history database")
    receipt = run.receipt
    v = Verification(run={"id": run.id, "organisation": run.organisation, "period": run.period, "methodology": run.methodology,
                          "evaluation": run.evaluation, "created_at": run.created_at, "receipt": receipt})
    if receipt.get("engine") != f"adisteme {__version__}":
        v.notes.append(f"the run was made by {receipt.get('engine')}; this is adisteme {__version__}")
    if receipt.get("calendar_data") != _calendar_data_version():
        v.notes.append(f"the run used calendar data {receipt.get('calendar_data')}; this installation has {_calendar_data_version()}")
    try:
        m = registry.get(run.methodology)
    except RegistryError as exc:
        v.problems.append(f"the methodology {run.methodology} cannot be loaded now: {exc}")
        return v
    v.methodology_now = m.sha256
    if m.sha256 != receipt.get("methodology_sha256"):
        v.problems.append(f"the methodology file {m.path} has changed since the run: SHA-256 {receipt.get('methodology_sha256')} "
                          f"then, {m.sha256} now")
    try:
        evaluator = Evaluator(m, run.evaluation)
    except LookupError as exc:
        v.problems.append(str(exc))
        return v
    tampered = 0
    for stored in store.results(run.id):
        v.total += 1
        if sha256(canonical(stored.inputs)) != stored.input_sha256:
            tampered += 1
            if len(v.differing) < limit:
                v.differing.append({"id": stored.record_id, "problem": "the stored inputs no longer match their receipt hash"})
            continue
        again = canonical(result_dict(evaluator.evaluate(stored.inputs, stored.position), m))
        before = canonical(stored.outputs)
        if again == before:
            v.reproduced += 1
        elif len(v.differing) < limit:
            v.differing.append({"id": stored.record_id, "problem": "outputs differ", "stored": stored.outputs, "now": _loads(again)})
    if v.total != run.record_count:
        v.problems.append(f"the run should have {run.record_count} results; {v.total} are stored")
    if tampered:
        v.problems.append(f"{tampered} stored input record(s) do not match their SHA-256 in the receipt")
    if v.reproduced + tampered < v.total:
        v.problems.append(f"{v.total - v.reproduced - tampered} of {v.total} result(s) come out differently now")
    return v


def _loads(text: str) -> Any:
    import json

    return json.loads(text, parse_float=Decimal)


__all__ = ["Plan", "RunError", "Session", "StorageError", "Verification", "canonical", "day_resolver", "plan_run", "sha256", "verify"]
