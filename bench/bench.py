"""End-to-end throughput and memory of the engine on synthetic records.

    python bench/bench.py [--records N] [--methodology wko-maslikhat@2017] [--explain]

From the repository root, without installing. The script:

1. Loads, checks and compiles the methodology (timed: "compile").
2. Generates N synthetic servant-quarter records from random.Random(seed), one at a time, and writes
   them to a temporary CSV. This setup is not part of the end-to-end figure.
3. Times the end-to-end path: stream the CSV with csv.DictReader, evaluate each row with
   Evaluator.evaluate, and write each result as one JSON line to a temporary file.
4. Runs the same path again under tracemalloc to get the peak of Python allocations. It is a
   separate pass because tracing slows the run down. It also reports the process's peak RSS
   (resource.getrusage).
5. Does the same for the annual evaluation on --annual-records records (20000 by default).

Records are never held in a list, so memory should stay flat as N grows. The figures are only
reported: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.evaluation.evaluator import Evaluator  # noqa: E402
from engine.editions.registry import Registry  # noqa: E402

try:  # the project's JSON writer (exact decimals, dates as ISO text)
    from engine.formats.output import result_to_json as _result_to_json
except ImportError:  # pragma: no cover - older checkouts
    _result_to_json = None

SURNAMES = ["Сәрсенбаев", "Жұмағалиев", "Қарабаев", "Мұхамбетов", "Ғабдуллин", "Есенов", "Тілеуов",
            "Нұрғалиев", "Дәулетов", "Омаров", "Ахметов", "Бекетов", "Смағұлов", "Қалиев", "Оспанов"]
NAMES = [("Бауыржан", "Айгүл"), ("Ерлан", "Гүлнар"), ("Нұрлан", "Динара"), ("Асхат", "Сәуле"),
         ("Мақсат", "Жанар"), ("Руслан", "Әсел"), ("Дәурен", "Ақмарал"), ("Талғат", "Мөлдір")]
FATHERS = ["Қайрат", "Серік", "Марат", "Төлеген", "Болат", "Ержан", "Нұрлан", "Асқар"]
POSITIONS = ["бөлім басшысы", "сектор меңгерушісі", "бас маман", "бас маман", "жетекші маман", "жетекші маман"]
UNITS = ["Ұйымдастыру-құқықтық бөлімі", "Ақпараттық-талдау бөлімі", "Қаржы-шаруашылық бөлімі",
         "Депутаттық комиссиялармен жұмыс бөлімі", "Құжаттамалық қамтамасыз ету бөлімі"]
RATINGS = ["", "", "satisfactory", "effective", "effective", "excellent", "unsatisfactory"]

QUARTERLY_FIELDS = ["id", "name", "position", "unit", "period", "incentive_points", "execution_violations", "labour_violations"]
ANNUAL_FIELDS = ["id", "name", "position", "unit", "quarterly_scores", "plan_scores", "previous_annual_rating", "annual_results_approved"]


# -- synthetic data (generators: one record at a time) ---------------------------------------------
def _person(rng: random.Random) -> tuple[str, str, str]:
    male = rng.random() < 0.5
    surname = rng.choice(SURNAMES) + ("" if male else "а")
    name = rng.choice(NAMES)[0 if male else 1]
    father = rng.choice(FATHERS) + ("ұлы" if male else "қызы")
    return f"{surname} {name} {father}", rng.choice(POSITIONS), rng.choice(UNITS)


def quarterly_records(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(n):
        servant, quarter = divmod(i, 4)
        if quarter == 0:
            name, position, unit = _person(rng)
        k = rng.choices(range(9), [8, 15, 22, 20, 14, 9, 6, 4, 2])[0]
        incentives = ";".join(str(rng.randint(1, 5)) for _ in range(k))
        yield {
            "id": f"S{servant + 1:06d}-2017Q{quarter + 1}", "name": name, "position": position, "unit": unit,
            "period": f"2017-Q{quarter + 1}", "incentive_points": incentives,
            "execution_violations": rng.choices(range(8), [70, 15, 6, 3, 2, 2, 1, 1])[0],
            "labour_violations": rng.choices(range(5), [85, 9, 3, 2, 1])[0],
        }


def annual_records(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed + 1)
    for i in range(n):
        name, position, unit = _person(rng)
        quarters = rng.choices([1, 2, 3, 4], [3, 5, 10, 82])[0]
        approved = dt.date(2017, 12, rng.randint(18, 29)).isoformat() if rng.random() < 0.1 else ""
        yield {
            "id": f"S{i + 1:06d}-2017", "name": name, "position": position, "unit": unit,
            "quarterly_scores": ";".join(str(rng.randint(74, 140)) for _ in range(quarters)),
            "plan_scores": ";".join(str(rng.choices([2, 3, 4, 5], [5, 25, 50, 20])[0]) for _ in range(rng.randint(1, 4))),
            "previous_annual_rating": rng.choice(RATINGS), "annual_results_approved": approved,
        }


def write_csv(path: Path, fields: list[str], records: Iterator[dict[str, Any]]) -> int:
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(record)
            n += 1
    return n


# -- the measured path -----------------------------------------------------------------------------
def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Stream the CSV. Empty cells are dropped, as engine.formats.records does for `adisteme evaluate`:
    Evaluator.evaluate reads "" for an input that has a default as a missing value (an error)."""
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield {k: v for k, v in row.items() if v != ""}


def serialiser(m, explain: bool) -> Callable:
    if _result_to_json is not None:
        return lambda result: _result_to_json(result, m, explain=explain)
    return lambda result: json.dumps({"id": result.id, "outputs": result.outputs, "errors": [e.__dict__ for e in result.errors],
                                      "interpretations": result.interpretations}, default=str, ensure_ascii=False)


def run_pass(evaluator: Evaluator, to_json: Callable, src: Path, dst: Path, breakdown: bool = True) -> dict[str, Any]:
    """One end-to-end pass. With breakdown, also the time spent in each stage (a few clock reads per record)."""
    clock = time.perf_counter
    t_read = t_eval = t_json = 0.0
    n = errors = 0
    start = clock()
    with open(dst, "w", encoding="utf-8") as out:
        rows = read_rows(src)
        while True:
            a = clock()
            row = next(rows, None)
            b = clock()
            if row is None:
                break
            result = evaluator.evaluate(row, n)
            c = clock()
            out.write(to_json(result))
            out.write("\n")
            d = clock()
            t_read += b - a
            t_eval += c - b
            t_json += d - c
            n += 1
            errors += bool(result.errors)
    total = clock() - start
    return {"records": n, "seconds": total, "read": t_read, "evaluate": t_eval, "serialise": t_json,
            "errors": errors, "output_bytes": os.path.getsize(dst)}


def traced_pass(evaluator: Evaluator, to_json: Callable, src: Path, dst: Path) -> dict[str, Any]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    stats = run_pass(evaluator, to_json, src, dst)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stats["traced_peak"] = peak - base
    return stats


def maxrss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB, macOS bytes


def mib(n: float) -> str:
    return f"{n / (1 << 20):.1f} MiB" if n >= 1 << 20 else f"{n / 1024:.0f} KiB"


# -- main -------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=100_000, help="quarterly records (default 100000)")
    ap.add_argument("--annual-records", type=int, default=20_000, help="annual records (default 20000)")
    ap.add_argument("--methodology", default="wko-maslikhat@2017", help="methodology id (default wko-maslikhat@2017)")
    ap.add_argument("--explain", action="store_true", help="evaluate and serialise with explanations (steps)")
    ap.add_argument("--seed", type=int, default=2017)
    ap.add_argument("--no-trace", action="store_true", help="skip the tracemalloc passes")
    args = ap.parse_args(argv)

    print(f"adisteme bench: {args.methodology}, explain {'on' if args.explain else 'off'}, "
          f"Python {platform.python_version()} on {platform.machine()} {platform.system()}")
    rows: list[tuple[str, str, str, str, str]] = []  # (what, records, seconds, records/s, note)

    # compile: the first load in the process (cold), then fresh registries in the warm process
    times = []
    for _ in range(3):
        t = time.perf_counter()
        m = Registry.default().get(args.methodology)
        times.append(time.perf_counter() - t)
    rows.append(("compile methodology (load+schema+check)", "-", f"{times[0]:.3f}", "-", f"cold; warm {min(times[1:]):.3f} s"))
    compile_peak = None
    if not args.no_trace:
        tracemalloc.start()
        Registry.default().get(args.methodology)
        compile_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    t = time.perf_counter()
    q_eval = Evaluator(m, "quarterly", explain=args.explain)
    a_eval = Evaluator(m, "annual", explain=args.explain)
    rows.append(("compile evaluators (quarterly+annual)", "-", f"{time.perf_counter() - t:.4f}", "-", ""))
    to_json = serialiser(m, args.explain)
    rss_after_compile = maxrss_bytes()

    with tempfile.TemporaryDirectory(prefix="adisteme-bench-") as tmp:
        tmp = Path(tmp)
        q_csv, a_csv, out = tmp / "quarterly.csv", tmp / "annual.csv", tmp / "results.jsonl"

        t = time.perf_counter()
        n = write_csv(q_csv, QUARTERLY_FIELDS, quarterly_records(args.records, args.seed))
        dt_gen = time.perf_counter() - t
        rows.append(("generate + write quarterly CSV (setup)", str(n), f"{dt_gen:.2f}", f"{n / dt_gen:,.0f}", mib(q_csv.stat().st_size)))

        q = run_pass(q_eval, to_json, q_csv, out)
        rss_after_quarterly = maxrss_bytes()
        rows.append(("quarterly end-to-end (read+evaluate+JSON)", str(q["records"]), f"{q['seconds']:.2f}",
                     f"{q['records'] / q['seconds']:,.0f}", f"{q['errors']} with errors; output {mib(q['output_bytes'])}"))
        for stage in ("read", "evaluate", "serialise"):
            rows.append((f"  of which {stage}", "", f"{q[stage]:.2f}", f"{q['records'] / q[stage]:,.0f}" if q[stage] else "-",
                         f"{100 * q[stage] / q['seconds']:.0f}%"))

        n_a = write_csv(a_csv, ANNUAL_FIELDS, annual_records(args.annual_records, args.seed))
        a = run_pass(a_eval, to_json, a_csv, out)
        rows.append(("annual end-to-end (read+evaluate+JSON)", str(a["records"]), f"{a['seconds']:.2f}",
                     f"{a['records'] / a['seconds']:,.0f}", f"{a['errors']} with errors"))
        for stage in ("read", "evaluate", "serialise"):
            rows.append((f"  of which {stage}", "", f"{a[stage]:.2f}", f"{a['records'] / a[stage]:,.0f}" if a[stage] else "-",
                         f"{100 * a[stage] / a['seconds']:.0f}%"))

        if not args.no_trace:
            qt = traced_pass(q_eval, to_json, q_csv, out)
            at = traced_pass(a_eval, to_json, a_csv, out)

    widths = [max(len(r[i]) for r in rows + [("step", "records", "seconds", "records/s", "note")]) for i in range(5)]
    header = ("step", "records", "seconds", "records/s", "note")
    fmt = lambda r: f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}  {r[4]}"
    print(fmt(header))
    print("-" * (sum(widths) + 10))
    for r in rows:
        print(fmt(r))
    print()
    print("memory")
    if compile_peak is not None:
        print(f"  tracemalloc peak, compiling the methodology once: {mib(compile_peak)}")
    if not args.no_trace:
        print(f"  tracemalloc peak, quarterly pass ({qt['records']} records, traced run {qt['seconds']:.1f} s): {mib(qt['traced_peak'])}")
        print(f"  tracemalloc peak, annual pass    ({at['records']} records, traced run {at['seconds']:.1f} s): {mib(at['traced_peak'])}")
    print(f"  maxrss after compile:        {mib(rss_after_compile)}")
    print(f"  maxrss after quarterly pass: {mib(rss_after_quarterly)}")
    print(f"  maxrss at the end:           {mib(maxrss_bytes())}")
    if _result_to_json is None:
        print("note: engine.formats.output.result_to_json not found; results were serialised with json.dumps(default=str)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
