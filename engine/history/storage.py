"""The history: saved evaluation runs with their receipts, and organisations' binding history.

`Storage` is the interface the rest of the engine uses; `SQLiteStorage` implements it on one SQLite
file (WAL mode, a busy timeout, one transaction per run), so a server database can replace it later by
implementing the same methods.

A run is stored whole or not at all: its results are spooled to a temporary file while the records are
evaluated, then written with the run in one short transaction. A process killed before or during that
transaction leaves the database as it was; two processes saving at once both land (the second waits
for the first's transaction, up to the busy timeout).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Optional, Protocol

from ..errors import AdistemeError
from ..language.values import dumps
from .organisations import Binding

DB_ENV_VAR = "ADISTEME_DB"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 60_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation  TEXT,
    period        TEXT,
    family        TEXT NOT NULL,
    edition       TEXT NOT NULL,
    methodology   TEXT NOT NULL,
    evaluation    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    record_count  INTEGER NOT NULL,
    error_count   INTEGER NOT NULL,
    resolution    TEXT NOT NULL,
    receipt       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_org_period ON runs (organisation, period, evaluation);
CREATE TABLE IF NOT EXISTS results (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    record_id     TEXT NOT NULL,
    inputs        TEXT NOT NULL,
    input_sha256  TEXT NOT NULL,
    outputs       TEXT NOT NULL,
    ok            INTEGER NOT NULL,
    provenance    TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
);
CREATE INDEX IF NOT EXISTS results_by_record ON results (record_id, run_id);
CREATE TABLE IF NOT EXISTS bindings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation  TEXT NOT NULL,
    family        TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    edition       TEXT,
    reason        TEXT NOT NULL,
    by_whom       TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
"""


class StorageError(AdistemeError):
    """The history database cannot be opened or used."""


def default_path() -> Path:
    env = os.environ.get(DB_ENV_VAR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "adisteme" / "history.sqlite3"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class StoredRun:
    id: int
    organisation: Optional[str]
    period: Optional[str]
    family: str
    edition: str
    methodology: str
    evaluation: str
    created_at: str
    record_count: int
    error_count: int
    resolution: dict
    receipt: dict

    def as_dict(self) -> dict:
        return {"run": self.id, "organisation": self.organisation, "period": self.period, "methodology": self.methodology,
                "evaluation": self.evaluation, "created_at": self.created_at, "records": self.record_count,
                "errors": self.error_count, "resolution": self.resolution, "receipt": self.receipt}


@dataclass(frozen=True)
class StoredResult:
    run_id: int
    position: int
    record_id: str
    inputs: dict
    input_sha256: str
    outputs: dict  # the result as `engine.output.result_dict` gives it
    ok: bool
    provenance: list  # where inputs taken from the history came from


class RunWriter(Protocol):
    def add(self, record_id: str, inputs_json: str, input_sha256: str, outputs_json: str, ok: bool, provenance: list[str]) -> None: ...
    def commit(self) -> int: ...
    def discard(self) -> None: ...


class Storage(Protocol):
    """What the engine needs of a history store."""

    def begin_run(self, run: dict) -> RunWriter: ...
    def run(self, run_id: int) -> Optional[StoredRun]: ...
    def runs(self, organisation: Optional[str] = None, period: Optional[str] = None) -> list[StoredRun]: ...
    def results(self, run_id: int) -> Iterator[StoredResult]: ...
    def latest_result(self, organisation: str, family: str, period: str, evaluation: str, record_id: str) -> Optional[tuple[StoredRun, StoredResult]]: ...
    def add_binding(self, organisation: str, family: str, valid_from: dt.date, edition: Optional[str], reason: str, by: str) -> Binding: ...
    def bindings(self, organisation: Optional[str] = None) -> list[Binding]: ...


def open_storage(location: Optional[str | Path] = None) -> "SQLiteStorage":
    """The history store at a path (or `sqlite:///path`); default: $ADISTEME_DB or the user's data folder."""
    text = str(location) if location else str(default_path())
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme != "sqlite":
            raise StorageError(f"history database {text!r}: only sqlite:///PATH (or a plain path) is supported")
        text = rest[1:] if rest.startswith("/") else rest  # sqlite:///relative, sqlite:////absolute
    return SQLiteStorage(Path(text))


def _loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


class SQLiteStorage:
    """History in one SQLite file. Reads of a database that does not exist yet find nothing (and create nothing)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._conn: Optional[sqlite3.Connection] = None

    def __repr__(self) -> str:
        return f"SQLiteStorage({str(self.path)!r})"

    # -- connection ------------------------------------------------------------------------------
    def _connect(self, create: bool) -> Optional[sqlite3.Connection]:
        if self._conn is not None:
            return self._conn
        if not self.path.exists():
            if not create:
                return None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"cannot create the folder of the history database {self.path}: {exc.strerror or exc}") from None
        try:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StorageError(f"{self.path} was written by a newer adisteme (schema {version}; this one knows {SCHEMA_VERSION})")
            if version < SCHEMA_VERSION:
                self._retry(lambda: self._create(conn))
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{self.path} is not a usable history database: {exc}") from None
        self._conn = conn
        return conn

    @staticmethod
    def _create(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _retry(fn, attempts: int = 50):
        """Run fn, retrying while another process holds a lock the busy handler does not wait for."""
        for i in range(attempts):
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or i == attempts - 1:
                    raise
                time.sleep(0.1)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- runs ------------------------------------------------------------------------------------
    def begin_run(self, run: dict) -> "_SQLiteRunWriter":
        """Start saving a run: `run` has organisation, period, family, edition, methodology, evaluation,
        resolution (dict) and receipt (dict). Results are added, then committed in one transaction."""
        return _SQLiteRunWriter(self, run)

    def run(self, run_id: int) -> Optional[StoredRun]:
        conn = self._connect(create=False)
        if conn is None:
            return None
        row = conn.execute("SELECT * FROM runs WHERE id = ?", (int(run_id),)).fetchone()
        return self._run(conn, row) if row else None

    def runs(self, organisation: Optional[str] = None, period: Optional[str] = None) -> list[StoredRun]:
        conn = self._connect(create=False)
        if conn is None:
            return []
        sql, args = "SELECT * FROM runs WHERE 1 = 1", []
        if organisation is not None:
            sql, args = sql + " AND organisation = ?", args + [organisation]
        if period is not None:
            sql, args = sql + " AND period = ?", args + [period]
        return [self._run(conn, row) for row in conn.execute(sql + " ORDER BY id", args).fetchall()]

    def results(self, run_id: int) -> Iterator[StoredResult]:
        conn = self._connect(create=False)
        if conn is None:
            return
        for row in conn.execute("SELECT * FROM results WHERE run_id = ? ORDER BY position", (int(run_id),)):
            yield self._result(row)

    def latest_result(self, organisation: str, family: str, period: str, evaluation: str, record_id: str) -> Optional[tuple[StoredRun, StoredResult]]:
        """The newest error-free stored result of a record for an organisation, family, period and evaluation."""
        conn = self._connect(create=False)
        if conn is None:
            return None
        row = conn.execute(
            "SELECT r.run_id AS rid, r.position AS pos FROM results r JOIN runs u ON u.id = r.run_id "
            "WHERE r.record_id = ? AND r.ok = 1 AND u.organisation = ? AND u.family = ? AND u.period = ? AND u.evaluation = ? "
            "ORDER BY u.id DESC LIMIT 1", (record_id, organisation, family, period, evaluation)).fetchone()
        if row is None:
            return None
        run = self.run(row[0])
        res = conn.execute("SELECT * FROM results WHERE run_id = ? AND position = ?", (row[0], row[1])).fetchone()
        return run, self._result(res)  # type: ignore[return-value]

    def _run(self, conn: sqlite3.Connection, row: tuple) -> StoredRun:
        cols = [d[0] for d in conn.execute("SELECT * FROM runs LIMIT 0").description]
        r = dict(zip(cols, row))
        return StoredRun(r["id"], r["organisation"], r["period"], r["family"], r["edition"], r["methodology"], r["evaluation"],
                         r["created_at"], r["record_count"], r["error_count"], _loads(r["resolution"]), _loads(r["receipt"]))

    @staticmethod
    def _result(row: tuple) -> StoredResult:
        run_id, position, record_id, inputs, sha, outputs, ok, provenance = row
        return StoredResult(run_id, position, record_id, _loads(inputs), sha, _loads(outputs), bool(ok), json.loads(provenance))

    # -- bindings --------------------------------------------------------------------------------
    def add_binding(self, organisation: str, family: str, valid_from: dt.date, edition: Optional[str], reason: str, by: str) -> Binding:
        conn = self._connect(create=True)
        assert conn is not None
        recorded = now()
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                "INSERT INTO bindings (organisation, family, valid_from, edition, reason, by_whom, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (organisation, family, valid_from.isoformat(), edition, reason, by, recorded))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return Binding(organisation, family, valid_from, edition, reason, by, recorded, f"history database {self.path}", 1_000_000 + int(cur.lastrowid))

    def bindings(self, organisation: Optional[str] = None) -> list[Binding]:
        conn = self._connect(create=False)
        if conn is None:
            return []
        sql = "SELECT id, organisation, family, valid_from, edition, reason, by_whom, recorded_at FROM bindings"
        rows = conn.execute(sql + (" WHERE organisation = ?" if organisation else "") + " ORDER BY id",
                            (organisation,) if organisation else ()).fetchall()
        return [Binding(o, f, dt.date.fromisoformat(v), e, r, b, at, f"history database {self.path}", 1_000_000 + i)
                for i, o, f, v, e, r, b, at in rows]


class _SQLiteRunWriter:
    """Results spooled to a temporary file, then written with their run in one transaction."""

    def __init__(self, storage: SQLiteStorage, run: dict):
        self.storage = storage
        self.run = run
        self.spool = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.count = 0
        self.errors = 0

    def add(self, record_id: str, inputs_json: str, input_sha256: str, outputs_json: str, ok: bool, provenance: list[str] = ()) -> None:
        self.spool.write(json.dumps([record_id, inputs_json, input_sha256, outputs_json, bool(ok), list(provenance)], ensure_ascii=False) + "\n")
        self.count += 1
        self.errors += not ok

    def _rows(self, run_id: int) -> Iterator[tuple]:
        self.spool.seek(0)
        for position, line in enumerate(self.spool):
            record_id, inputs, sha, outputs, ok, provenance = json.loads(line)
            yield (run_id, position, record_id, inputs, sha, outputs, int(ok), json.dumps(provenance, ensure_ascii=False))

    def commit(self) -> int:
        """Write the run and all its results in one transaction; return the run's id."""
        conn = self.storage._connect(create=True)
        assert conn is not None
        r = self.run
        SQLiteStorage._retry(lambda: conn.execute("BEGIN IMMEDIATE"))
        try:
            cur = conn.execute(
                "INSERT INTO runs (organisation, period, family, edition, methodology, evaluation, created_at, record_count, error_count, resolution, receipt) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (r.get("organisation"), r.get("period"), r["family"], r["edition"], r["methodology"], r["evaluation"],
                 r["receipt"]["created_at"], self.count, self.errors, dumps(r.get("resolution") or {}, None), dumps(r["receipt"], None)))
            run_id = int(cur.lastrowid)
            conn.executemany("INSERT INTO results (run_id, position, record_id, inputs, input_sha256, outputs, ok, provenance) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             self._rows(run_id))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self.spool.close()
        return run_id

    def discard(self) -> None:
        self.spool.close()
