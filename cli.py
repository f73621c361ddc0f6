"""adisteme: the command line. Parsing arguments and printing; the work is in `engine`."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engine.version import __version__
from engine.formats.records import FORMATS  # light (YAML only): the options below list the input formats

# The engine is imported when a command runs (`_load_engine`, from `main`), not when this module is:
# `adisteme --help` runs no command and answers without loading it. The names stay module names.
_ENGINE = {
    "engine.evaluation.cohorts": ("make_evaluator",),
    "engine.evaluation.evaluator": ("UnknownEvaluation",),
    "engine.language.findings": ("sort_findings",),
    "engine.language.values": ("dumps",),
    "engine.formats.output": ("Destination", "columns", "csv_rows", "explanation", "result_dict", "result_to_json", "table", "text", "write_xlsx"),
    "engine.formats.records": ("RecordsError", "read_records"),
    "engine.editions.registry": ("ACTS_FILE", "Registry", "RegistryError", "load_methodology"),
    "engine.testing.cases": ("run_files", "test_files"),
}
if TYPE_CHECKING:
    from engine.evaluation.cohorts import make_evaluator
    from engine.evaluation.evaluator import UnknownEvaluation
    from engine.language.findings import sort_findings
    from engine.language.values import dumps
    from engine.formats.output import Destination, columns, csv_rows, explanation, result_dict, result_to_json, table, text, write_xlsx
    from engine.formats.records import RecordsError, read_records
    from engine.editions.registry import ACTS_FILE, Registry, RegistryError, load_methodology
    from engine.testing.cases import run_files, test_files

ENV_VAR = "ADISTEME_METHODOLOGIES"  # engine.editions.registry.ENV_VAR, written here so that --help need not load the engine
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _load_engine() -> None:
    names = globals()
    for module, attributes in _ENGINE.items():
        loaded = importlib.import_module(module)
        for attribute in attributes:
            names[attribute] = getattr(loaded, attribute)


def fail(message: str) -> None:
    click.echo(f"adisteme: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def registry(ctx: click.Context) -> Registry:
    try:
        return Registry.default(ctx.obj.get("methodologies", ()))
    except RegistryError as exc:
        fail(str(exc))
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="adisteme")
@click.option("--methodologies", "-M", multiple=True, type=click.Path(file_okay=False), metavar="DIR",
              help=f"Add a folder of methodology files (<family>/<edition>.yaml); also ${ENV_VAR}.")
@click.pass_context
def main(ctx: click.Context, methodologies: tuple[str, ...]) -> None:
    """Evaluate public servants under Kazakhstan's methodologies, encoded as YAML.

    \b
    Example:
      adisteme evaluate wko-maslikhat@2017 quarterly --input examples/wko-maslikhat/quarterly-2017.csv
    """
    _load_engine()
    ctx.obj = {"methodologies": methodologies}


@main.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def list_cmd(ctx: click.Context, fmt: str) -> None:
    """List families and editions with their validity and status.

    \b
    Example:
      adisteme list --format json
    """
    reg = registry(ctx)
    rows = []
    for mid, path in sorted(reg.files().items()):
        loaded = reg.load(mid)
        m = loaded.methodology
        act = (m.act if m else {}) or {}
        validity = (m.validity if m else {}) or {}
        rows.append({
            "id": mid, "status": act.get("status", "?"), "valid_from": validity.get("from"), "valid_to": validity.get("to"),
            "title_kk": (act.get("title") or {}).get("kk", ""), "title_en": (act.get("title") or {}).get("en", ""),
            "evaluations": list(m.evaluations) if m else [], "errors": len(loaded.errors), "path": str(path),
        })
    if fmt == "json":
        click.echo(dumps(rows))
        return
    for r in rows:
        valid = f"{text(r['valid_from'])} … {text(r['valid_to'])}"
        flag = f"  ({r['errors']} errors: run adisteme validate)" if r["errors"] else ""
        click.echo(f"{r['id']:<28} {r['status']:<9} valid {valid:<25} evaluations: {', '.join(r['evaluations'])}{flag}")
        click.echo(f"    {r['title_kk']}")
        click.echo(f"    {r['title_en']}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Warnings fail too (notes never do).")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], fmt: str, strict: bool) -> None:
    """Check methodology files: schema and semantics, every finding at once.

    With no PATH, checks every bundled (and --methodologies) file. Exit 1 when there are errors.

    \b
    Example:
      adisteme validate methodologies/wko-maslikhat/2017.yaml
    """
    if paths:
        files = [Path(p) for p in paths]
    else:
        reg = registry(ctx)
        files = list(reg.files().values()) + sorted({p for d in reg.dirs for p in d.glob(f"*/{ACTS_FILE}")})
    findings = []
    for path in files:
        if path.is_dir():
            files += sorted(p for p in path.glob("**/*.yaml") if not p.name.endswith(".tests.yaml"))
            continue
        if not path.exists():
            fail(f"{path}: no such file")
        findings += load_methodology(path, analyse=True).findings  # with the value analysis (engine/analysis.py)
    findings = sort_findings(findings)
    failing = [f for f in findings if f.severity == "error" or (strict and f.severity == "warning")]  # notes never fail
    if fmt == "json":
        click.echo(dumps({"files": [str(p) for p in files if not p.is_dir()], "findings": [f.as_dict() for f in findings]}))
    else:
        for f in findings:
            click.echo(f.render())
        n_files = len([p for p in files if not p.is_dir()])
        click.echo(f"{n_files} file(s) checked: {len([f for f in findings if f.severity == 'error'])} error(s), "
                   f"{len([f for f in findings if f.severity == 'warning'])} warning(s), "
                   f"{len([f for f in findings if f.severity == 'note'])} note(s)", err=True)
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


@main.command()
@click.argument("methodology")
@click.argument("evaluation")
@click.pass_context
def schema(ctx: click.Context, methodology: str, evaluation: str) -> None:
    """Print the JSON Schema of one input record of an evaluation.

    \b
    Example:
      adisteme schema wko-maslikhat@2017 annual
    """
    m = _methodology(ctx, methodology)
    if evaluation not in m.evaluations:
        fail(f"{m.id} has no evaluation '{evaluation}' (it has: {', '.join(m.evaluations)})")
    spec = m.evaluations[evaluation]
    props = {"id": {"type": "string", "description": "the record's identifier"}}
    props.update({name: m.inputs[name].json_schema() for name in spec.inputs})
    required = ["id"] + [n for n in spec.inputs if m.inputs[n].required]
    click.echo(dumps({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"{m.id} {evaluation} record",
        "type": "object", "properties": props, "required": required,
    }))


@main.command()
@click.argument("methodology", metavar="[METHODOLOGY]")
@click.argument("evaluation", required=False, metavar="EVALUATION")
@click.option("--input", "-i", "input_path", required=True, type=click.Path(dir_okay=False), help="Records: .csv, .json, .jsonl or .yaml.")
@click.option("--input-format", type=click.Choice(FORMATS), help="Override the format guessed from the extension.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv", "xlsx"]), default="table", show_default=True,
              help="xlsx needs --output.")
@click.option("--explain", is_flag=True, help="Show each value's rule, citation, inputs and interpretations.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here (whole or not at all) instead of stdout.")
@click.option("--org", "org_id", metavar="ORG", help="Evaluate for this organisation: the edition in force for --period comes from its bindings (METHODOLOGY may then be left out).")
@click.option("--period", metavar="PERIOD", help="The evaluated period: a year (2017) or a quarter (2017-Q2).")
@click.option("--save", is_flag=True, help="Store the run (inputs, outputs, receipt) in the history database; needs --org and --period.")
@click.option("--from-history", is_flag=True, help="Take inputs that declare from_history (the year's quarterly scores, last year's annual rating) from stored results.")
@click.option("--db", type=click.Path(dir_okay=False), metavar="FILE", help="History database (SQLite); default $ADISTEME_DB or ~/.local/share/adisteme/history.sqlite3.")
@click.pass_context
def evaluate(ctx: click.Context, methodology: str, evaluation: str | None, input_path: str, input_format: str | None,
             fmt: str, explain: bool, output: str | None, org_id: str | None, period: str | None, save: bool,
             from_history: bool, db: str | None) -> None:
    """Evaluate every record of a data file. A bad record is reported; the others still run.

    Exit 1 when any record has errors.

    \b
    Examples:
      adisteme evaluate wko-maslikhat@2017 quarterly -i examples/wko-maslikhat/quarterly-2017.csv
      adisteme evaluate mne annual -i examples/mne/annual-2017.yaml --format json --explain
      adisteme evaluate --org wko-maslikhat-apparatus --period 2017-Q2 quarterly -i examples/wko-maslikhat/history/quarterly-2017-Q2.csv --save
      adisteme evaluate --org wko-maslikhat-apparatus --period 2017 annual -i examples/wko-maslikhat/history/plans-2017.csv --from-history
    """
    if evaluation is None:  # `evaluate [METHODOLOGY] EVALUATION`: one argument is the evaluation
        methodology, evaluation = None, methodology
    _run(ctx, methodology, evaluation, input_path, input_format, fmt, explain, output,
         org_id=org_id, period=period, save=save, from_history=from_history, db=db)


@main.command()
@click.argument("methodology")
@click.argument("evaluation")
@click.option("--input", "-i", "input_path", required=True, type=click.Path(dir_okay=False))
@click.option("--input-format", type=click.Choice(FORMATS))
@click.option("--id", "record_id", help="Explain only this record.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def explain(ctx: click.Context, methodology: str, evaluation: str, input_path: str, input_format: str | None,
            record_id: str | None, fmt: str) -> None:
    """Explain results step by step: value, rule, paragraph, inputs, interpretations.

    \b
    Example:
      adisteme explain wko-maslikhat@2017 annual -i examples/wko-maslikhat/annual-2017.yaml --id WKO-03
    """
    _run(ctx, methodology, evaluation, input_path, input_format, "json" if fmt == "json" else "explain", True, None, record_id)


def _methodology(ctx: click.Context, ref: str):
    try:
        return registry(ctx).get(ref)
    except RegistryError as exc:
        fail(str(exc))


def _run(ctx, methodology, evaluation, input_path, input_format, fmt, explain, output, only=None, **run_options) -> None:
    plan = session = None
    if any(run_options.values()):  # --org / --period / --save / --from-history (see _plan_run below)
        m, plan = _plan_run(ctx, methodology, run_options)
    else:
        m = _methodology(ctx, methodology)
    try:
        evaluator = make_evaluator(m, evaluation, explain=explain)
    except UnknownEvaluation as exc:
        fail(str(exc))
    cohort = getattr(evaluator, "cohort_evaluation", False)  # ranks all records at once (engine/cohort_eval.py)
    if cohort and (run_options.get("save") or run_options.get("from_history")):
        fail(f"{evaluation} ranks a cohort (its results depend on every record), which --save and --from-history do not support yet")
    if plan is not None:
        session = _session(ctx, plan, m, evaluation, run_options)
    if not Path(input_path).exists():
        fail(f"{input_path}: no such file")
    status = m.act.get("status")
    if status != "in_force":
        why = "; ".join(m.interpretations[i].does for i in m.act.get("interpretations", ()) if i in m.interpretations)
        click.echo(f"note: {m.id} has status '{status}'{': ' + why if why else ''}", err=True)
    records = read_records(input_path, input_format)
    if session is not None:
        records = session.records(records)
    if only is not None and not cohort:  # a cohort is ranked whole; its other results are dropped below
        records = (r for r in records if str(r.get("id")) == only)
    if fmt == "xlsx" and not output:
        fail("--format xlsx writes a workbook: give --output FILE.xlsx")
    if output and not Path(output).resolve().parent.is_dir():
        fail(f"{output}: the folder {Path(output).resolve().parent} does not exist")
    failed = 0
    count = 0
    streaming = fmt in ("jsonl", "csv")
    out = Destination(output if fmt != "xlsx" else None, lambda text: click.echo(text, nl=False))
    try:
        results = []
        for result in evaluator.evaluate_many(records):
            if only is not None and cohort and result.id != only:
                continue
            count += 1
            for note in session.result(result) if session is not None else ():  # inputs taken from the history
                click.echo(f"{input_path}: record {result.id}: {note}", err=True)
            failed += bool(result.errors)
            for e in result.errors:
                click.echo(f"{input_path}: record {result.id}: {e.message}", err=True)
            if fmt == "jsonl":
                out.write(result_to_json(result, m, explain=explain) + "\n")
            elif fmt == "csv" and count == 1:
                cols = columns(m, evaluation)
                header, first = list(csv_rows([result], cols))
                out.write(header + first)
            elif fmt == "csv":
                out.write(list(csv_rows([result], cols))[1])
            else:
                results.append(result)
            if count % 10000 == 0 and sys.stderr.isatty():
                click.echo(f"\r{count} records…", err=True, nl=False)
        run_id = _save(session)
        if not streaming:
            if fmt == "json":
                out.write(dumps({"methodology": m.id, "evaluation": evaluation, "status": status, "sha256": m.sha256,
                                 **_run_json(plan, run_id), **({"ties": evaluator.ties} if cohort else {}),
                                 "results": [result_dict(r, m, explain=explain) for r in results]}) + "\n")
            elif fmt == "xlsx":
                write_xlsx(output, results, m, evaluation)
            elif fmt == "explain":
                out.write("\n\n".join(explanation(r, m) for r in results) + "\n")
            else:
                out.write(table(results, m) + "\n")
                if cohort and evaluator.ties:
                    out.write("\nties needing a decision (never broken by the engine):\n" + "".join(f"  {t['message']}\n" for t in evaluator.ties))
                if explain:
                    out.write("\n" + "\n\n".join(explanation(r, m) for r in results) + "\n")
        out.commit()
    except RecordsError as exc:
        out.discard()
        fail(str(exc))
    except BaseException:
        out.discard()  # interrupted: no half-written file
        raise
    if only is not None and count == 0:
        fail(f"no record with id {only!r} in {input_path}")
    click.echo(f"{count} record(s) evaluated with {m.id} {evaluation}; {failed} with errors"
               + (f"; ranked together as cohort {m.evaluations[evaluation].cohort}, {len(evaluator.ties)} tie(s) needing a decision" if cohort else ""), err=True)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="List every case, not only failures.")
@click.option("--coverage", "with_coverage", is_flag=True,
              help="Also report, per edition, the bands, gap policies, table rows, consequences, eligibility rules, deadlines, "
                   "interpretations and input errors the cases exercise.")
@click.pass_context
def test_cmd(ctx: click.Context, paths: tuple[str, ...], fmt: str, verbose: bool, with_coverage: bool) -> None:
    """Run the methodologies' YAML test cases (<edition>.tests.yaml).

    \b
    Examples:
      adisteme test methodologies/mne/2017.tests.yaml
      adisteme test --coverage
    """
    reg = registry(ctx)
    files = [Path(p) for p in paths] or test_files(reg)
    passed = failed = 0
    report = []
    every: list = []  # every outcome, for --coverage
    if with_coverage:
        from engine.testing.coverage import run_files as runner  # with every value's step and the table rows read
    else:
        runner = run_files
    for path, findings, outcomes in runner(files, reg):
        every += outcomes if with_coverage else []
        for f in findings:
            click.echo(f.render(), err=True)
            failed += 1
        for o in outcomes:
            passed += o.passed
            failed += not o.passed
            report.append({"file": str(path), "line": o.case.line, "name": o.case.name, "passed": o.passed, "problems": o.problems})
            if fmt == "text" and (verbose or not o.passed):
                mark = "ok  " if o.passed else "FAIL"
                click.echo(f"{mark} {path}:{o.case.line}: {o.case.name}")
                for p in o.problems:
                    click.echo(f"       {p}")
    cov = _coverage(reg, every, bool(paths)) if with_coverage else None
    if fmt == "json":
        extra = {"coverage": {mid: c.as_dict() for mid, c in cov.items()}} if cov is not None else {}
        click.echo(dumps({"passed": passed, "failed": failed, "cases": report, **extra}))
    else:
        click.echo(f"{passed} passed, {failed} failed")
        if cov is not None:
            from engine.testing.coverage import render

            click.echo(render(cov))
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


def _coverage(reg, outcomes: list, only_named: bool) -> dict:
    """Coverage per edition (engine/coverage.py): of the editions the cases name, or every edition."""
    from engine.testing.coverage import measure

    ids = sorted({o.case.methodology for o in outcomes} if only_named else set(reg.files()))
    editions = {}
    for mid in ids:
        try:
            editions[mid] = reg.get(mid)
        except RegistryError as exc:
            click.echo(f"adisteme: no coverage for {mid}: {exc}", err=True)
    return measure(editions, outcomes)


@main.command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]), default="text", show_default=True)
@click.option("--impact", "impact_path", type=click.Path(dir_okay=False), metavar="DATA",
              help="Evaluate these records under A and B; report every record whose results differ.")
@click.option("--evaluation", "-e", help="The evaluation --impact runs (e.g. quarterly).")
@click.option("--input-format", type=click.Choice(FORMATS), help="Format of DATA, if not given by its extension.")
@click.option("--no-wording", is_flag=True, help="Show rule changes only, not citation and wording changes.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here (whole or not at all) instead of stdout.")
@click.pass_context
def diff_cmd(ctx: click.Context, a: str, b: str, fmt: str, impact_path: str | None, evaluation: str | None,
             input_format: str | None, no_wording: bool, output: str | None) -> None:
    """Compare two methodologies in the act's terms: elements by id, scales band by band.

    A and B are each family@edition, a methodology file, or PATH@REV (the file at a git
    revision). Rule changes are listed apart from citation and wording changes. Exit 0 when
    there is no difference, 1 when there are differences, 2 on error.

    \b
    Examples:
      adisteme diff wko-maslikhat@2017 mne@2017
      adisteme diff methodologies/wko-maslikhat/2017.yaml@HEAD~1 methodologies/wko-maslikhat/2017.yaml
      adisteme diff wko-maslikhat@2017 mine/wko-maslikhat/2018.yaml --impact examples/wko-maslikhat/quarterly-2017.csv -e quarterly
      adisteme diff wko-maslikhat@2017 mne@2017 --format html -o diff.html
    """
    from engine.diff.compare import compare
    from engine.diff.render import Report, render
    from engine.diff.impact import ImpactError, impact
    from engine.editions.loading import LoadError, load_named

    if bool(impact_path) != bool(evaluation):
        fail("--impact DATA and --evaluation E go together")
    if impact_path and not Path(impact_path).exists():
        fail(f"{impact_path}: no such file")
    if output and not Path(output).resolve().parent.is_dir():
        fail(f"{output}: the folder {Path(output).resolve().parent} does not exist")
    reg = registry(ctx)
    try:
        sides = [load_named(spec, reg) for spec in (a, b)]
    except LoadError as exc:
        fail(str(exc))
    for side in sides:
        if side.errors:
            why = f"{side.spec} has {len(side.errors)} error(s) (run `adisteme validate`)"
            if impact_path:
                fail(f"{why}; it cannot evaluate records")
            click.echo(f"note: {why}; the diff compares what the file says", err=True)
    report = Report(compare(sides[0].methodology, sides[1].methodology), a, b, sides[0].source, sides[1].source,
                    wording=not no_wording)
    if impact_path:
        try:
            report.impact = impact(report.comparison, evaluation, read_records(impact_path, input_format), impact_path)
        except (ImpactError, RecordsError) as exc:
            fail(str(exc))
    out = Destination(output, lambda s: click.echo(s, nl=False))
    try:
        out.write(render(report, fmt, color=fmt == "text" and not output and sys.stdout.isatty()))
        out.commit()
    except BaseException:
        out.discard()
        raise
    changed = bool(report.shown) or bool(report.impact and report.impact.changes)
    sys.exit(EXIT_FINDINGS if changed else EXIT_OK)


# -- drafter tooling: amendments and generated boundary tests (issue 8) -------------------------------------
@main.command("amend")
@click.argument("methodology", metavar="FAMILY@EDITION")
@click.option("--edition", "new_edition", required=True, metavar="NEW", help="The new edition's name (e.g. 2018).")
@click.option("--valid-from", required=True, metavar="DATE", help="First day the new edition is in force (YYYY-MM-DD).")
@click.option("--act", "act_name", metavar="TEXT", help="The amending act, e.g. \"decision No. 12-3 of 14.02.2018\" (validity note; acts.yaml).")
@click.option("--act-source", metavar="TEXT", help="Where the amending act's text is (recorded in acts.yaml with --act).")
@click.option("--act-number", metavar="TEXT", help="Set act.number of the new edition.")
@click.option("--act-date", metavar="DATE", help="Set act.date of the new edition (YYYY-MM-DD).")
@click.option("--dir", "directory", type=click.Path(file_okay=False), metavar="DIR",
              help="Write DIR/<family>/<NEW>.yaml instead of beside the old edition.")
@click.option("--with-tests", is_flag=True, help="Copy <edition>.tests.yaml too, naming the new edition.")
@click.pass_context
def amend_cmd(ctx: click.Context, methodology: str, new_edition: str, valid_from: str, act_name: str | None, act_source: str | None,
              act_number: str | None, act_date: str | None, directory: str | None, with_tests: bool) -> None:
    """Create a new edition's file from an old one, linked by supersedes, ready to edit.

    The copy keeps every line, comment and citation of the old file; only edition, validity
    (from DATE, to unknown), supersedes and, if given, the act's number and date change. It never
    overwrites a file. After editing, `adisteme diff FAMILY@EDITION NEW-FILE` shows the change.

    \b
    Examples:
      adisteme amend wko-maslikhat@2017 --edition 2018 --valid-from 2018-03-01 --act "decision No. 12-3 of 14.02.2018"
      adisteme amend mne@2017 --edition 2019 --valid-from 2019-01-01 --dir mine --with-tests
    """
    from engine.editions.amend import AmendError, amend

    try:
        done = amend(registry(ctx), methodology, new_edition, _date(valid_from, "--valid-from"), act_name=act_name,
                     act_number=act_number, act_date=_date(act_date, "--act-date") if act_date else None, act_source=act_source,
                     directory=Path(directory) if directory else None, tests=with_tests)
    except AmendError as exc:
        fail(str(exc))
    click.echo(f"created {done.path}: {done.methodology_id}, supersedes {done.supersedes}, valid from {valid_from}")
    for extra in (done.tests_path, done.acts_path):
        if extra is not None:
            click.echo(f"updated {extra}" if extra.name == "acts.yaml" else f"created {extra}")
    for note in done.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"next: edit it to the amending act, then `adisteme diff {done.supersedes} {done.path}`", err=True)


@main.command("testgen")
@click.argument("methodology", metavar="FAMILY@EDITION")
@click.argument("evaluation", required=False)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the cases to this new file instead of stdout.")
@click.pass_context
def testgen_cmd(ctx: click.Context, methodology: str, evaluation: str | None, output: str | None) -> None:
    """Write YAML test cases at and around every band bound and table row, expected results left empty.

    Inputs are derived by the value analysis so that each case hits its bound exactly; where none
    can be derived the case says so. Every case has `expect: {}` to be filled from the act (never
    from the engine's output): until it is filled, the case fails in `adisteme test`.

    \b
    Examples:
      adisteme testgen wko-maslikhat@2017 annual
      adisteme testgen mne@2017 -o mne-boundaries.tests.yaml
    """
    from engine.testing.testgen import TestgenError, generate

    m = _methodology(ctx, methodology)
    try:
        text = generate(m, evaluation)
    except TestgenError as exc:
        fail(str(exc))
    if output is None:
        click.echo(text, nl=False)
        return
    if Path(output).exists():
        fail(f"{output} exists already; testgen never overwrites a file")
    if not Path(output).resolve().parent.is_dir():
        fail(f"{output}: the folder {Path(output).resolve().parent} does not exist")
    with open(output, "x", encoding="utf-8") as fh:
        fh.write(text)
    click.echo(f"wrote {text.count(chr(10) + '  - name:')} case(s) to {output}; fill each `expect` from the act", err=True)


@main.command("git-diff-driver", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def git_diff_driver(args: tuple[str, ...]) -> None:
    """Git's external diff driver: `git diff` on methodology files shows the adisteme diff.

    Git calls it with PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE. Files that are
    not methodologies (tests, added or deleted files) get an ordinary unified diff. Always
    exits 0, as git requires. `git log -p` needs --ext-diff to use it.

    \b
    Example (once per clone; .gitattributes marks methodologies/*/*.yaml diff=adisteme):
      git config diff.adisteme.command 'adisteme git-diff-driver'
      git diff HEAD~1 -- methodologies/
    """
    from engine.diff.git import driver_output

    click.echo(driver_output(list(args)), nl=False)


# -- organisations, editions in time, history and the year's calendar ---------------------------------
DB_HELP = "History database (SQLite); default $ADISTEME_DB or ~/.local/share/adisteme/history.sqlite3."


def _store(db: str | None):
    from engine.history.storage import StorageError, open_storage

    try:
        return open_storage(db)
    except StorageError as exc:
        fail(str(exc))


def _date(text: str, what: str):
    from engine.calendar.periods import parse_date

    try:
        return parse_date(text, what)
    except ValueError as exc:
        fail(str(exc))


def _org(oid: str, store):
    from engine.history.organisations import OrgError
    from engine.history.runs import load_org
    from engine.history.storage import StorageError

    try:
        return load_org(oid, store)
    except (OrgError, StorageError) as exc:
        fail(str(exc))


def _echo_resolution(r, prefix: str = "") -> None:
    """A resolution's edition and reasons, for stderr notes."""
    click.echo(f"note: {prefix}{r.methodology_id} ({r.how}: {r.act})", err=True)
    for w in r.why:
        click.echo(f"      {w}", err=True)
    for x in r.readings:
        click.echo(f"      interpretation {x.id} [{x.source}]: {x.does}", err=True)


def _plan_run(ctx, methodology, options):
    """evaluate --org/--period: which edition applies, said on stderr (engine/runs.py does the work)."""
    from engine.history.runs import plan_run
    from engine.history.storage import StorageError

    store = ctx.obj["store"] = _store(options.get("db"))
    try:
        plan = plan_run(registry(ctx), methodology, options.get("org_id"), options.get("period"), store)
    except (RegistryError, StorageError) as exc:
        fail(str(exc))
    if plan.resolution is not None:
        who = f"{plan.organisation.id} " if plan.organisation else ""
        _echo_resolution(plan.resolution, f"{who}{plan.period}: evaluated with ")
    return _methodology(ctx, plan.methodology_id), plan


def _session(ctx, plan, m, evaluation, options):
    from engine.history.runs import RunError, Session

    if options.get("save") and (plan.organisation is None or plan.period is None):
        fail("--save needs --org ORG and --period PERIOD (the history is kept per organisation and period)")
    try:
        return Session(plan, m, evaluation, ctx.obj.get("store"), save=bool(options.get("save")), from_history=bool(options.get("from_history")))
    except RunError as exc:
        fail(str(exc))


def _save(session):
    from engine.history.storage import StorageError

    if session is None or session.writer is None:
        return None
    try:
        run_id = session.commit()
    except StorageError as exc:
        fail(str(exc))
    click.echo(f"saved as run {run_id} in {session.store.path} (check it with `adisteme verify {run_id}`)", err=True)
    return run_id


def _run_json(plan, run_id) -> dict:
    if plan is None:
        return {}
    return {"organisation": plan.organisation.id if plan.organisation else None, "period": str(plan.period) if plan.period else None,
            "resolution": plan.resolution.as_dict() if plan.resolution else None, "run": run_id}


@main.command("acts")
@click.argument("family", required=False)
@click.option("--as-of", metavar="DATE", help="Also say which edition is in force on this date (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def acts_cmd(ctx: click.Context, family: str | None, as_of: str | None, fmt: str) -> None:
    """List the known acts of each family (or one), with their dates and whether they are encoded.

    With --as-of, resolve the edition in force on that date; exit 1 when none can be used.

    \b
    Examples:
      adisteme acts
      adisteme acts zhanibek --as-of 2022-06-30
    """
    from engine.editions.in_time import EditionError, Editions

    eds = Editions(registry(ctx))
    day = _date(as_of, "--as-of") if as_of else None
    try:
        families = [family] if family else eds.families()
        rows = []
        for fam in families:
            for e in eds.timeline(fam):
                rows.append({"family": fam, "edition": e.edition, "act": e.name, "encoded": e.encoded, "valid_from": e.start,
                             "valid_to": e.effective_end, "repealed_by": (e.repealed_by or {}).get("name"),
                             "interpretations": [r.as_dict() for r in e.readings]})
    except EditionError as exc:
        fail(str(exc))
    answer, code = None, EXIT_OK
    if day is not None:
        if not family:
            fail("--as-of needs a FAMILY")
        try:
            answer = eds.resolve(family, day).as_dict()
        except EditionError as exc:
            answer, code = {"error": str(exc), "kind": exc.kind, "act": exc.act}, EXIT_FINDINGS
    if fmt == "json":
        click.echo(dumps({"acts": rows, **({"as_of": day, "resolution": answer} if day else {})}))
    else:
        for r in rows:
            mark = "encoded" if r["encoded"] else "not encoded"
            dates = f"{text(r['valid_from']) if r['valid_from'] else 'unknown'} … {text(r['valid_to']) if r['valid_to'] else ('unknown' if not r['valid_from'] else 'no known end')}"
            click.echo(f"{r['family'] + '@' + r['edition']:<30} {mark:<12} {dates:<26} {r['act']}")
            if r["repealed_by"]:
                click.echo(f"{'':<30} repealed by {r['repealed_by']}")
        if day is not None:
            click.echo(f"\non {day}: " + (answer["error"] if "error" in answer else f"{answer['methodology']} — {'; '.join(answer['why'])}"))
    sys.exit(code)


@main.group("org")
def org_group() -> None:
    """Organisations and the methodology that applies to each, from which date.

    \b
    Examples:
      adisteme org list
      adisteme org show zhanibek-akim-apparatus --as-of 2022-06-30
      adisteme org bind wko-maslikhat-apparatus wko-maslikhat --from 2018-01-01 --edition 2017 --reason "no later act known" --by "A. Seitkali, HR"
    """


@org_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--db", type=click.Path(dir_okay=False), metavar="FILE", help=DB_HELP)
def org_list(fmt: str, db: str | None) -> None:
    """List the organisations of the registry and their current binding.

    \b
    Example:
      adisteme org list --format json
    """
    import datetime as dt

    from engine.history.organisations import OrgError, load_organisations
    from engine.history.storage import StorageError

    store = _store(db)
    try:
        recorded = store.bindings()
        orgs = [o.with_history(recorded) for o in load_organisations().values()]
    except (OrgError, StorageError) as exc:
        fail(str(exc))
    today = dt.date.today()
    if fmt == "json":
        click.echo(dumps([o.as_dict() for o in orgs]))
        return
    for o in orgs:
        b = o.binding_on(today) or (max(o.bindings, key=lambda x: (x.valid_from, x.seq)) if o.bindings else None)
        bound = f"{b.family}{'@' + b.edition if b.edition else ''} from {b.valid_from}" if b else "no binding"
        click.echo(f"{o.id:<30} {o.kind:<22} {o.region.get('en', ''):<40} {bound}")
        click.echo(f"    {o.name.get('kk', '')}")
        click.echo(f"    {o.name.get('en', '')}")


@org_group.command("show")
@click.argument("org")
@click.option("--as-of", metavar="DATE", help="The date to resolve (YYYY-MM-DD); default today.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--db", type=click.Path(dir_okay=False), metavar="FILE", help=DB_HELP)
@click.pass_context
def org_show(ctx: click.Context, org: str, as_of: str | None, fmt: str, db: str | None) -> None:
    """Show an organisation, its bindings (the whole history), and which edition applies on a date and why.

    Exit 1 when no encoded edition applies on that date (the message says what governed it).

    \b
    Example:
      adisteme org show wko-maslikhat-apparatus --as-of 2017-05-15
    """
    import datetime as dt

    from engine.editions.in_time import EditionError, Editions
    from engine.history.organisations import resolve_on

    store = _store(db)
    o = _org(org, store)
    day = _date(as_of, "--as-of") if as_of else dt.date.today()
    try:
        r = resolve_on(o, day, Editions(registry(ctx)))
        applies, code = r.as_dict(), EXIT_OK
    except EditionError as exc:
        applies, code = {"error": str(exc), "kind": exc.kind, "act": exc.act, "interpretations": [x.as_dict() for x in exc.readings]}, EXIT_FINDINGS
    if fmt == "json":
        click.echo(dumps({**o.as_dict(), "as_of": day, "applies": applies}))
        sys.exit(code)
    click.echo(f"{o.id}: {o.name.get('en', '')}")
    click.echo(f"    {o.name.get('kk', '')}")
    click.echo(f"  region: {o.region.get('en', '')} ({o.region.get('kk', '')}); kind: {o.kind}")
    click.echo(f"  named in: {o.source}")
    if o.note:
        click.echo(f"  note: {o.note}")
    click.echo("  bindings (oldest first; on a date the latest `from` on or before it applies):")
    for b in sorted(o.bindings, key=lambda x: (x.valid_from, x.seq)):
        pin = f"@{b.edition} (pinned)" if b.edition else " (edition by date)"
        when = f" on {b.recorded_at}" if b.recorded_at else ""
        click.echo(f"    from {b.valid_from}: {b.family}{pin}, by {b.by}{when} [{b.source}]")
        click.echo(f"        why: {b.reason}")
    if not o.bindings:
        click.echo("    none")
    click.echo(f"  on {day}:")
    if "error" in applies:
        click.echo(f"    no edition applies: {applies['error']}")
    else:
        click.echo(f"    {applies['methodology']} ({applies['how']}: {applies['act']})")
        for w in applies["why"]:
            click.echo(f"    because {w}")
        for x in applies["interpretations"]:
            click.echo(f"    interpretation {x['id']} [{x['source']}]: {x['does']}")
    sys.exit(code)


@org_group.command("bind")
@click.argument("org")
@click.argument("family")
@click.option("--from", "valid_from", required=True, metavar="DATE", help="First day the binding applies (YYYY-MM-DD).")
@click.option("--edition", metavar="E", help="Pin this edition instead of resolving it by date.")
@click.option("--reason", required=True, metavar="TEXT", help="Why (kept in the history and reported with every result).")
@click.option("--by", "by", required=True, metavar="WHO", help="Who records the binding.")
@click.option("--db", type=click.Path(dir_okay=False), metavar="FILE", help=DB_HELP)
@click.pass_context
def org_bind(ctx: click.Context, org: str, family: str, valid_from: str, edition: str | None, reason: str, by: str, db: str | None) -> None:
    """Bind an organisation to a family from a date, optionally pinned to an edition.

    The binding is added to the history database; earlier bindings stay (org show lists them all).

    \b
    Example:
      adisteme org bind zhanibek-akim-apparatus zhanibek --from 2023-04-13 --reason "No. 42 restated the methodology" --by "HR, A. Nurlanova"
    """
    from engine.editions.in_time import EditionError, Editions
    from engine.history.organisations import resolve_on
    from engine.history.storage import StorageError

    store = _store(db)
    o = _org(org, store)
    day = _date(valid_from, "--from")
    if not reason.strip() or not by.strip():
        fail("--reason and --by must not be empty")
    reg = registry(ctx)
    eds = Editions(reg)
    try:
        if family not in eds.families():
            fail(f"no methodology family '{family}' (known: {', '.join(eds.families())})")
        if edition is not None:
            entry = eds.entry(family, edition)
            if not entry.encoded:
                fail(f"{family}@{edition} ({entry.name}) is not encoded; only an encoded edition can be pinned")
            reg.get(f"{family}@{edition}")
    except RegistryError as exc:
        fail(str(exc))
    try:
        b = store.add_binding(o.id, family, day, edition, reason.strip(), by.strip())
    except StorageError as exc:
        fail(str(exc))
    click.echo(f"{o.id}: {b.describe()}")
    try:
        r = resolve_on(o.with_history([b]), day, eds)
        click.echo(f"on {day}: {r.methodology_id} ({r.how})")
    except EditionError as exc:
        click.echo(f"warning: recorded, but on {day} no encoded edition applies: {exc}", err=True)


@main.command("history")
@click.option("--org", "org_id", metavar="ORG", help="Only this organisation's runs.")
@click.option("--period", metavar="PERIOD", help="Only runs of this period (2017, 2017-Q2).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--db", type=click.Path(dir_okay=False), metavar="FILE", help=DB_HELP)
def history_cmd(org_id: str | None, period: str | None, fmt: str, db: str | None) -> None:
    """List the saved runs of the history database.

    \b
    Example:
      adisteme history --org wko-maslikhat-apparatus --period 2017
    """
    from engine.history.storage import StorageError

    try:
        runs = _store(db).runs(org_id, period)
    except StorageError as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(dumps([r.as_dict() for r in runs]))
        return
    for r in runs:
        click.echo(f"run {r.id:<5} {r.created_at}  {r.organisation or '—':<28} {r.period or '—':<8} {r.methodology:<22} "
                   f"{r.evaluation:<12} {r.record_count} record(s), {r.error_count} with errors")
    if not runs:
        click.echo("no saved runs", err=True)


@main.command("verify")
@click.argument("run_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--db", type=click.Path(dir_okay=False), metavar="FILE", help=DB_HELP)
@click.pass_context
def verify_cmd(ctx: click.Context, run_id: int, fmt: str, db: str | None) -> None:
    """Re-run a saved run from its receipt and say whether it reproduces.

    Checks the methodology file's SHA-256, each input record's SHA-256 and every output.
    Exit 0 when it reproduces, 1 when it does not, 2 when there is no such run.

    \b
    Example:
      adisteme verify 12
    """
    from engine.history.runs import RunError, verify
    from engine.history.storage import StorageError

    try:
        v = verify(_store(db), registry(ctx), run_id)
    except (RunError, StorageError) as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(dumps(v.as_dict()))
    else:
        r = v.run
        click.echo(f"run {r['id']}: {r['organisation']} {r['period']} {r['methodology']} {r['evaluation']}, saved {r['created_at']}")
        click.echo(f"  receipt: {r['receipt'].get('engine')}, {r['receipt'].get('calendar_data')}, methodology SHA-256 {r['receipt'].get('methodology_sha256')}")
        click.echo(f"  results: {v.reproduced} of {v.total} reproduce")
        for d in v.differing:
            click.echo(f"    {d['id']}: {d['problem']}")
            if "stored" in d:
                before, now = d["stored"].get("outputs", {}), d["now"].get("outputs", {})
                for k in sorted(set(before) | set(now)):
                    if before.get(k) != now.get(k):
                        click.echo(f"      {k}: {text(before.get(k))} then, {text(now.get(k))} now")
        for n in v.notes:
            click.echo(f"  note: {n}")
        for p in v.problems:
            click.echo(f"  problem: {p}")
        click.echo("reproduces" if v.reproduces else "does NOT reproduce")
    sys.exit(EXIT_OK if v.reproduces else EXIT_FINDINGS)


@main.command("calendar")
@click.argument("target", metavar="ORG|METHODOLOGY")
@click.argument("year", type=int)
@click.option("--event", "events", multiple=True, metavar="NAME=DATE",
              help="A date that deadlines count from, e.g. decision_date=2017-03-17 (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "ics"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here (whole or not at all) instead of stdout.")
@click.option("--db", type=click.Path(dir_okay=False), metavar="FILE", help=DB_HELP)
@click.pass_context
def calendar_cmd(ctx: click.Context, target: str, year: int, events: tuple[str, ...], fmt: str, output: str | None, db: str | None) -> None:
    """Every deadline of a year under the edition(s) in force, on the Kazakhstan working-day calendar.

    TARGET is an organisation (its bindings say which edition applies on each day) or a methodology
    (family@edition). Deadlines that count from an event are computed when --event gives its date.
    Exit 1 when part of the year has no encoded edition or a deadline cannot be computed.

    \b
    Examples:
      adisteme calendar wko-maslikhat-apparatus 2017
      adisteme calendar wko-maslikhat@2017 2017 --event decision_date=2017-03-17 --format ics -o deadlines-2017.ics
    """
    from engine.editions.in_time import Editions
    from engine.formats.ics import to_ics
    from engine.history.organisations import load_organisations, resolve_on
    from engine.editions.yearcal import CalendarError, build

    if not 1 <= year <= 9998:
        fail(f"year {year} is out of range")
    given = {}
    for item in events:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"--event {item!r}: expected NAME=DATE, e.g. decision_date=2017-03-17")
        given[name.strip()] = _date(value, f"--event {name.strip()}")
    reg = registry(ctx)
    eds = Editions(reg)
    try:
        orgs = load_organisations() if "@" not in target else {}
    except RegistryError as exc:
        fail(str(exc))
    if target in orgs:
        o = _org(target, _store(db))
        resolve_day = lambda day: resolve_on(o, day, eds)  # noqa: E731
    else:
        try:
            mid = reg.resolve_id(target)
        except RegistryError as exc:
            fail(f"{exc}; and no organisation '{target}' (see `adisteme org list`)")
        resolve_day = lambda day: eds.named(mid, day)  # noqa: E731
    if output and not Path(output).resolve().parent.is_dir():
        fail(f"{output}: the folder {Path(output).resolve().parent} does not exist")
    try:
        cal = build(target, year, given, reg, resolve_day)
    except (CalendarError, RegistryError) as exc:
        fail(str(exc))
    for p in cal.problems:
        click.echo(f"adisteme: {p}", err=True)
    for s in cal.spans:
        if s.get("methodology"):
            click.echo(f"note: {s['from']} … {s['to']}: {s['methodology']} ({s['how']}): {'; '.join(s['why'])}", err=True)
    out = Destination(output, lambda t: click.echo(t, nl=False))
    try:
        if fmt == "json":
            out.write(dumps(cal.as_dict()) + "\n")
        elif fmt == "ics":
            out.write(to_ics(cal))
        else:
            out.write(_calendar_table(cal) + "\n")
        out.commit()
    except BaseException:
        out.discard()
        raise
    sys.exit(EXIT_FINDINGS if cal.problems else EXIT_OK)


def _calendar_table(cal) -> str:
    lines = [f"Deadlines of {cal.year} — {cal.target}"]
    for s in cal.spans:
        lines.append(f"  {s['from']} … {s['to']}: {s.get('methodology') or 'no encoded edition'}")
    lines.append("")
    rows = [(text(e.date), e.weekday, e.deadline, (e.label or {}).get("en", ""), ", ".join(e.cite), e) for e in cal.entries]
    w = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(("date", "day", "deadline", "what", "cite"))]
    lines.append("  ".join(h.ljust(w[i]) for i, h in enumerate(("date", "day", "deadline", "what", "cite"))).rstrip())
    lines.append("  ".join("-" * x for x in w))
    for r in rows:
        lines.append("  ".join(str(c).ljust(w[i]) for i, c in enumerate(r[:5])).rstrip())
        if len({e.methodology for e in cal.entries}) > 1:
            lines.append(f"      under {r[5].methodology}")
        for n in r[5].notes:
            lines.append(f"      note: {n}")
    pending = {(p["deadline"], p["needs"], p["rule"], ", ".join(p["cite"])): p for p in cal.pending}
    if pending:
        lines.append("")
        lines.append("Not computed (give --event NAME=DATE):")
        for deadline, needs, rule, cite in pending:
            lines.append(f"  {deadline:<22} needs {needs:<24} {rule}  [{cite}]")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
