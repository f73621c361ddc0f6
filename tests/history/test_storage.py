"""The history (engine/storage.py, engine/runs.py): saved runs, receipts, verify, inputs from the history,
and a run stored whole or not at all (a process killed mid-save; two processes saving at once).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from editions_fixture import invoke
from engine.editions.registry import ENV_VAR
from engine.history.runs import canonical, sha256
from engine.history.storage import DB_ENV_VAR, SQLiteStorage, StorageError, open_storage

ROOT = Path(__file__).resolve().parents[2]
WKO = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"
ORG = "wko-maslikhat-apparatus"




def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Path, sql: str) -> list:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# -- canonical JSON and receipts ---------------------------------------------------------------------
def test_canonical_json_is_independent_of_key_order_and_decimal_spelling():
    a = canonical({"b": 1, "a": Decimal("2.50"), "c": [{"y": 1, "x": "ә"}]})
    b = canonical({"c": [{"x": "ә", "y": 1}], "a": Decimal("2.5"), "b": 1})
    assert a == b == '{"a": 2.5, "b": 1, "c": [{"x": "ә", "y": 1}]}'
    assert sha256(a) == sha256(b) and len(sha256(a)) == 64


def test_reading_a_missing_database_creates_nothing(tmp_path):
    store = open_storage(tmp_path / "none" / "h.sqlite3")
    assert store.runs() == [] and store.bindings() == [] and store.run(1) is None
    assert not (tmp_path / "none").exists()


def test_storage_locations(tmp_path):
    assert open_storage("sqlite:///relative/x.db").path == Path("relative/x.db")  # as SQLAlchemy spells them
    assert open_storage(f"sqlite:///{tmp_path}/x.db").path == tmp_path / "x.db"  # sqlite:////abs/path
    assert open_storage(tmp_path / "y.db").path == tmp_path / "y.db"
    with pytest.raises(StorageError):
        open_storage("postgresql://server/db")


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    bad = write(tmp_path / "bad.sqlite3", "this is not sqlite" * 100)
    result = invoke("verify", "1", "--db", bad)
    assert result.exit_code == 2 and "not a usable history database" in result.output


def test_a_newer_schema_is_refused(tmp_path):
    db = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(str(db))
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StorageError, match="newer adisteme"):
        SQLiteStorage(db).runs()


QUARTERLY = "id,execution_violations,incentive_points\nX1,11,\nX2,0,\nX3,0,5;5;5\n"  # 78 / 100 / 115


def save_quarterly(tmp_path, period="2017-Q1", *extra):
    data = write(tmp_path / "q.csv", QUARTERLY)
    return invoke("evaluate", "--org", ORG, "--period", period, "quarterly", "-i", data, "--save", *extra)


def test_save_stores_everything_and_verify_reproduces(tmp_path):
    result = save_quarterly(tmp_path, "2017-Q1", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout, parse_float=Decimal)
    assert out["run"] == 1 and out["organisation"] == ORG and out["period"] == "2017-Q1"
    assert "saved as run 1" in result.stderr
    run = open_storage().run(1)
    assert (run.organisation, run.period, run.methodology, run.edition, run.evaluation, run.record_count) == (ORG, "2017-Q1", "wko-maslikhat@2017", "2017", "quarterly", 3)
    r = run.receipt
    assert r["engine"] == "adisteme 0.1.0" and r["methodology"] == "wko-maslikhat@2017" and r["created_at"].endswith("Z")
    from engine.editions.registry import Registry

    assert r["methodology_sha256"] == Registry.default().get("wko-maslikhat@2017").sha256
    assert run.resolution["how"] == "pinned" and run.resolution["binding"]["edition"] == "2017"
    results = list(open_storage().results(1))
    assert [x.record_id for x in results] == ["X1", "X2", "X3"]
    assert results[0].inputs == {"id": "X1", "execution_violations": "11"}
    assert results[0].input_sha256 == sha256(canonical({"execution_violations": "11", "id": "X1"}))
    assert results[2].outputs["outputs"]["score"] == 115 and results[2].outputs["outputs"]["rating"] == "effective"
    v = invoke("verify", "1")
    assert v.exit_code == 0 and "3 of 3 reproduce" in v.output and v.output.strip().endswith("reproduces")
    assert invoke("history", "--org", ORG).output.startswith("run 1")


@pytest.fixture()
def own_copy(tmp_path, monkeypatch):
    """A drafter's copy of wko-maslikhat@2017 that replaces the bundled one."""
    folder = tmp_path / "mine" / "wko-maslikhat"
    folder.mkdir(parents=True)
    shutil.copy(WKO, folder / "2017.yaml")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "mine"))
    return folder / "2017.yaml"


def test_a_methodology_edited_after_the_run_does_not_reproduce(tmp_path, own_copy):
    assert save_quarterly(tmp_path).exit_code == 0
    assert invoke("verify", "1").exit_code == 0
    own_copy.write_text(own_copy.read_text(encoding="utf-8") + "# an edit after the run\n", encoding="utf-8")
    v = invoke("verify", "1")
    assert v.exit_code == 1 and "has changed since the run" in v.output and "3 of 3 reproduce" in v.output
    assert "does NOT reproduce" in v.output
    own_copy.write_text(own_copy.read_text(encoding="utf-8").replace("    value: 100\n", "    value: 101\n", 1), encoding="utf-8")
    v = invoke("verify", "1", "--format", "json")
    data = json.loads(v.output, parse_float=Decimal)
    assert v.exit_code == 1 and not data["reproduces"] and data["reproduced"] == 0
    assert data["differing"][0]["stored"]["outputs"]["score"] == 78 and data["differing"][0]["now"]["outputs"]["score"] == 79
    text = invoke("verify", "1").output
    assert "score: 78 then, 79 now" in text and "3 of 3 result(s) come out differently now" in text


def test_tampered_inputs_do_not_reproduce(tmp_path):
    assert save_quarterly(tmp_path).exit_code == 0
    conn = sqlite3.connect(os.environ[DB_ENV_VAR])
    conn.execute("UPDATE results SET inputs = replace(inputs, '11', '1') WHERE record_id = 'X1'")
    conn.commit()
    conn.close()
    v = invoke("verify", "1")
    assert v.exit_code == 1 and "do not match their SHA-256" in v.output


def test_verify_an_unknown_run():
    result = invoke("verify", "7")
    assert result.exit_code == 2 and "no run 7" in result.output


# -- inputs from the history: two years driving the demotion consequence ------------------------------
ANNUAL = "id,plan_scores\nX1,2;2\nX2,4;4\n"


def test_history_across_two_years_drives_demotion(tmp_path):
    for year in (2017, 2018):
        for q in (1, 2, 3, 4):
            assert save_quarterly(tmp_path, f"{year}-Q{q}").exit_code == 0
        annual = write(tmp_path / "a.csv", ANNUAL)
        result = invoke("evaluate", "--org", ORG, "--period", str(year), "annual", "-i", annual, "--from-history", "--save", "--format", "json")
        assert result.exit_code == 0, result.output
        out = {r["id"]: r for r in json.loads(result.stdout, parse_float=Decimal)["results"]}
        x1, x2 = out["X1"], out["X2"]
        assert x1["outputs"]["quarterly_mean"] == 78 and x1["outputs"]["rating"] == "unsatisfactory"
        assert x2["outputs"]["quarterly_mean"] == 100 and x2["outputs"]["rating"] == "satisfactory"
        consequences = {c["id"] for c in x1["outputs"]["consequences"]}
        if year == 2017:  # no annual result for 2016: no demotion
            assert "demotion" not in consequences
            assert any("no stored annual result of record X1 for 2016" in n for n in x1["notes"])
        else:  # two consecutive unsatisfactory years (p.46)
            assert "demotion" in consequences
            assert any("previous_annual_rating = unsatisfactory from the history: annual rating of 2017" in n for n in x1["notes"])
            assert "demotion" not in {c["id"] for c in x2["outputs"]["consequences"]}
        assert any(n.startswith(f"quarterly_scores = [78, 78, 78, 78] from the history: quarterly score of {year}-Q1: 78") for n in x1["notes"])
    runs = open_storage().runs(ORG)
    assert [(r.period, r.evaluation) for r in runs][-1] == ("2018", "annual")
    annual_run = runs[-1].id
    stored = {r.record_id: r for r in open_storage().results(annual_run)}
    assert stored["X1"].inputs["previous_annual_rating"] == "unsatisfactory"
    assert stored["X1"].inputs["quarterly_scores"] == [78, 78, 78, 78]
    assert any("from the history" in p for p in stored["X1"].provenance)
    assert invoke("verify", str(annual_run)).exit_code == 0  # the stored inputs are complete: no history needed


def test_history_only_counts_the_quarters_found_and_the_latest_run(tmp_path):
    assert save_quarterly(tmp_path, "2017-Q1").exit_code == 0
    write(tmp_path / "q.csv", "id,execution_violations\nX1,0\n")  # a later corrected Q1 run: 100
    assert invoke("evaluate", "--org", ORG, "--period", "2017-Q1", "quarterly", "-i", tmp_path / "q.csv", "--save").exit_code == 0
    assert invoke("evaluate", "--org", ORG, "--period", "2017-Q3", "quarterly", "-i", tmp_path / "q.csv", "--save").exit_code == 0
    annual = write(tmp_path / "a.csv", "id,plan_scores\nX1,4\nX3,4\nNEW,4\n")
    result = invoke("evaluate", "--org", ORG, "--period", "2017", "annual", "-i", annual, "--from-history", "--format", "json")
    out = {r["id"]: r for r in json.loads(result.stdout, parse_float=Decimal)["results"]}
    assert out["X1"]["outputs"]["quarterly_mean"] == 100  # [100 (run 2), 100 (run 3)]: run 1's 78 was replaced
    assert out["X3"]["outputs"]["quarterly_mean"] == 115  # only Q1 stored
    assert out["NEW"]["errors"] and "quarterly_scores: required input missing" in out["NEW"]["errors"][0]["message"]
    assert result.exit_code == 1
    assert open_storage().runs(ORG, "2017") == []  # not saved: no --save


def test_a_record_that_contradicts_the_history_is_an_error(tmp_path):
    assert save_quarterly(tmp_path, "2017-Q1").exit_code == 0
    annual = write(tmp_path / "a.csv", "id,plan_scores,quarterly_scores\nX1,4,90\nX2,4,100\n")
    result = invoke("evaluate", "--org", ORG, "--period", "2017", "annual", "-i", annual, "--from-history", "--format", "json")
    out = {r["id"]: r for r in json.loads(result.stdout, parse_float=Decimal)["results"]}
    assert "the record gives 90 but the history has [78]" in out["X1"]["errors"][0]["message"]
    assert not out["X2"]["errors"]  # agrees with the history


@pytest.mark.parametrize("args, needle", [
    (["--period", "2017-Q1", "annual"], "give --period as a year"),
    (["--period", "2017", "quarterly"], "none declares from_history"),
])
def test_from_history_refuses(tmp_path, args, needle):
    data = write(tmp_path / "a.csv", ANNUAL)
    result = invoke("evaluate", "--org", ORG, *args, "-i", data, "--from-history")
    assert result.exit_code == 2 and needle in result.output


def test_from_history_is_declared_in_the_methodology_and_checked(tmp_path):
    bad = tmp_path / "wko-maslikhat" / "2017.yaml"
    bad.parent.mkdir()
    bad.write_text(WKO.read_text(encoding="utf-8").replace("from_history: {evaluation: quarterly, output: score", "from_history: {evaluation: quarterly, output: scor", 1), encoding="utf-8")
    result = invoke("validate", bad)
    assert result.exit_code == 1 and "does not report 'scor'" in result.output and "[ref-undefined]" in result.output


# -- whole or not at all ---------------------------------------------------------------------------------
SAVER = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from engine.history.storage import SQLiteStorage

store = SQLiteStorage(Path(sys.argv[1]))
n, mode = int(sys.argv[2]), sys.argv[3]
writer = store.begin_run({"organisation": "o", "period": "2017-Q1", "family": "f", "edition": "e", "methodology": "f@e",
                          "evaluation": "quarterly", "resolution": {}, "receipt": {"created_at": "2017-01-01T00:00:00Z"}})
for i in range(n):
    writer.add(f"R{i}", '{"id": "R%d"}' % i, "0" * 64, "{}", True, [])
rows = writer._rows

def paced(run_id):
    for i, row in enumerate(rows(run_id)):
        yield row
        if mode == "hang" and i == n // 2:
            print("inside the transaction", flush=True)
            time.sleep(600)
        if mode == "slow":
            time.sleep(0.02)

writer._rows = paced
if mode == "slow":
    print("ready", flush=True)
    go = Path(sys.argv[1] + ".go")
    while not go.exists():
        time.sleep(0.01)
print("saved", writer.commit(), flush=True)
"""


def saver(tmp_path, db, n, mode):
    script = write(tmp_path / "saver.py", SAVER)
    return subprocess.Popen([sys.executable, str(script), str(db), str(n), mode, str(ROOT)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_process_killed_mid_save_leaves_the_database_consistent_and_the_run_absent(tmp_path):
    db = tmp_path / "h.sqlite3"
    assert subprocess.run([sys.executable, str(write(tmp_path / "saver.py", SAVER)), str(db), "10", "fast", str(ROOT)],
                          capture_output=True, text=True).returncode == 0  # an earlier run that completed
    p = saver(tmp_path, db, 200, "hang")
    try:
        line = p.stdout.readline()
        assert line.strip() == "inside the transaction", p.stderr.read()
        assert rows(db, "SELECT count(*) FROM runs") == [(1,)]  # a reader does not see the run being saved
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == -signal.SIGKILL
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT id, record_count FROM runs") == [(1, 10)]
    assert rows(db, "SELECT count(*) FROM results") == [(10,)]
    store = SQLiteStorage(db)  # the database is still usable for saving
    w = store.begin_run({"family": "f", "edition": "e", "methodology": "f@e", "evaluation": "q", "receipt": {"created_at": "x"}})
    w.add("A", "{}", "0" * 64, "{}", True)
    assert w.commit() == 2


def test_two_runs_saving_at_once_both_land(tmp_path):
    db = tmp_path / "h.sqlite3"
    SQLiteStorage(db).runs()  # nothing; then two writers race on a fresh file
    a, b = saver(tmp_path, db, 40, "slow"), saver(tmp_path, db, 40, "slow")
    try:
        assert a.stdout.readline().strip() == "ready" and b.stdout.readline().strip() == "ready"
        write(Path(str(db) + ".go"), "")
        outs = [p.communicate(timeout=120) for p in (a, b)]
    finally:
        for p in (a, b):
            if p.poll() is None:
                p.kill()
    assert a.returncode == 0 and b.returncode == 0, outs
    ids = sorted(int(o[0].split()[-1]) for o in outs)
    assert ids == [1, 2]
    assert rows(db, "SELECT run_id, count(*) FROM results GROUP BY run_id") == [(1, 40), (2, 40)]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]


def cli_process(tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", *map(str, args)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_cli_saves_at_once_both_land(tmp_path):
    data = write(tmp_path / "q.csv", QUARTERLY)
    procs = [cli_process(tmp_path, "evaluate", "--org", ORG, "--period", f"2017-Q{q}", "quarterly", "-i", data, "--save") for q in (1, 2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(r.period for r in open_storage().runs(ORG)) == ["2017-Q1", "2017-Q2"]


def test_a_cli_save_killed_at_any_moment_leaves_no_partial_run(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("id,execution_violations\n")
        for i in range(40000):
            fh.write(f"R{i},{i % 12}\n")
    p = cli_process(tmp_path, "evaluate", "--org", ORG, "--period", "2017-Q1", "quarterly", "-i", big, "--save", "--format", "csv", "-o", tmp_path / "out.csv")
    time.sleep(1.0)
    p.kill()
    p.wait(timeout=10)
    db = Path(os.environ[DB_ENV_VAR])
    if db.exists():
        assert rows(db, "PRAGMA integrity_check") == [("ok",)]
        for run_id, count in rows(db, "SELECT id, record_count FROM runs"):  # a run is there whole, or not at all
            assert rows(db, f"SELECT count(*) FROM results WHERE run_id = {run_id}") == [(count,)] and count == 40000
    assert not (tmp_path / "out.csv").exists() or p.returncode == 0


def test_the_example_history_gives_the_example_annual_scores():
    folder = ROOT / "examples" / "wko-maslikhat" / "history"
    for q in (1, 2, 3, 4):
        assert invoke("evaluate", "--org", ORG, "--period", f"2017-Q{q}", "quarterly", "-i", folder / f"quarterly-2017-Q{q}.csv", "--save").exit_code == 0
    from_history = invoke("evaluate", "--org", ORG, "--period", "2017", "annual", "-i", folder / "plans-2017.csv", "--from-history", "--format", "json")
    by_hand = invoke("evaluate", "wko-maslikhat@2017", "annual", "-i", ROOT / "examples" / "wko-maslikhat" / "annual-2017.yaml", "--format", "json")
    assert from_history.exit_code == 0 and by_hand.exit_code == 0
    h = {r["id"]: r["outputs"] for r in json.loads(from_history.stdout, parse_float=Decimal)["results"]}
    a = {r["id"].removesuffix("-2017"): r["outputs"] for r in json.loads(by_hand.stdout, parse_float=Decimal)["results"]}
    assert len(h) == len(a) == 20
    for rid in a:
        assert (h[rid]["quarterly_mean"], h[rid]["score"], h[rid]["rating"]) == (a[rid]["quarterly_mean"], a[rid]["score"], a[rid]["rating"]), rid
