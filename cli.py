"""adisteme: the command line. Parsing arguments and printing; the work is in the engine.

From a checkout the engine is the top-level package `engine`; installed, it is `adisteme.engine`, beside
this module (`adisteme.cli`). Either way it is imported by name, through `engine()`.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import click

ENGINE = f"{__package__}.engine" if __package__ else "engine"


def engine(module: str) -> ModuleType:
    """The engine's module `module` ("history.storage"), imported when first asked for."""
    return importlib.import_module(f"{ENGINE}.{module}")


# Light modules only (no schemas, no calendar data): `adisteme --help` needs them and nothing more.
__version__ = engine("version").__version__
FORMATS = engine("formats.records").FORMATS  # the options below list the input formats
_errors = engine("errors")  # the one error type commands end with, and the exit codes
AdistemeError, EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = _errors.AdistemeError, _errors.EXIT_OK, _errors.EXIT_FINDINGS, _errors.EXIT_USAGE

# The engine proper is imported when a command runs (`_load_engine`, from `main`), not when this module is:
# `adisteme --help` runs no command and answers without loading it. Other modules are imported by the
# commands that need them (start-up time).
_ENGINE = {
    "evaluation.cohorts": ("make_evaluator",),
    "language.findings": ("sort_findings",),
    "language.values": ("dumps", "text"),
    "atomic": ("Destination", "check_folder"),
    "formats.records": ("read_records",),
    "formats.writers": ("result_writer", "run_facts"),
    "editions.registry": ("ACTS_FILE", "Registry", "RegistryError", "load_methodology"),
    "testing.cases": ("run_files", "test_files"),
}
if TYPE_CHECKING:
    from engine.evaluation.cohorts import make_evaluator
    from engine.language.findings import sort_findings
    from engine.language.values import dumps, text
    from engine.atomic import Destination, check_folder
    from engine.formats.records import read_records
    from engine.formats.writers import result_writer, run_facts
    from engine.editions.registry import ACTS_FILE, Registry, RegistryError, load_methodology
    from engine.testing.cases import run_files, test_files

ENV_VAR = "ADISTEME_METHODOLOGIES"  # engine.editions.registry.ENV_VAR, written here so that --help need not load the engine
DB_HELP = "History database (SQLite); default $ADISTEME_DB or ~/.local/share/adisteme/history.sqlite3."


def _load_engine() -> None:
    names = globals()
    for module, attributes in _ENGINE.items():
        loaded = engine(module)
        for attribute in attributes:
            names[attribute] = getattr(loaded, attribute)


def fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"adisteme: error: {message}", err=True)
    sys.exit(code)


def echo(s: str) -> None:
    """Output as it is (it carries its own line ends)."""
    click.echo(s, nl=False)


def note(s: str) -> None:
    click.echo(s, err=True)


def lines(texts: list[str]) -> None:
    for line in texts:
        click.echo(line)


class Adisteme(click.Group):
    """The command group. An engine error raised by any command ends it with its message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AdistemeError as exc:
            fail(str(exc), exc.exit_code)


def registry(ctx: click.Context) -> Registry:
    return Registry.default(ctx.obj.get("methodologies", ()))


def _methodology(ctx: click.Context, ref: str):
    return registry(ctx).get(ref)


@click.group(cls=Adisteme, context_settings={"help_option_names": ["-h", "--help"]})
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
    reports = engine("formats.reports")
    rows = reports.methodology_rows(registry(ctx))
    lines([dumps(rows)] if fmt == "json" else reports.methodology_lines(rows))


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
        findings += load_methodology(path, analyse=True).findings  # with the value analysis (engine/analysis/)
    findings = sort_findings(findings)
    failing = [f for f in findings if f.severity == "error" or (strict and f.severity == "warning")]  # notes never fail
    checked = [p for p in files if not p.is_dir()]
    if fmt == "json":
        click.echo(dumps({"files": [str(p) for p in checked], "findings": [f.as_dict() for f in findings]}))
    else:
        for f in findings:
            click.echo(f.render())
        count = {s: len([f for f in findings if f.severity == s]) for s in ("error", "warning", "note")}
        note(f"{len(checked)} file(s) checked: {count['error']} error(s), {count['warning']} warning(s), {count['note']} note(s)")
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
    record_schema = engine("elements.inputs").record_schema
    click.echo(dumps(record_schema(f"{m.id} {evaluation} record", m.inputs, m.evaluations[evaluation].inputs)))


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
@click.option("--db", type=click.Path(dir_okay=False), metavar="FILE", help=DB_HELP)
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


def _run(ctx, methodology, evaluation, input_path, input_format, fmt, explain, output, only=None, **run_options) -> None:
    plan = session = None
    if any(run_options.values()):  # --org / --period / --save / --from-history (see _plan_run below)
        m, plan = _plan_run(ctx, methodology, run_options)
    else:
        m = _methodology(ctx, methodology)
    evaluator = make_evaluator(m, evaluation, explain=explain)
    cohort = getattr(evaluator, "cohort_evaluation", False)  # ranks all records at once (engine/evaluation/cohorts.py)
    if cohort and (run_options.get("save") or run_options.get("from_history")):
        fail(f"{evaluation} ranks a cohort (its results depend on every record), which --save and --from-history do not support yet")
    if plan is not None:
        session = _session(ctx, plan, m, evaluation, run_options)
    if not Path(input_path).exists():
        fail(f"{input_path}: no such file")
    status = m.act.get("status")
    if status != "in_force":
        why = "; ".join(m.interpretations[i].does for i in m.act.get("interpretations", ()) if i in m.interpretations)
        note(f"note: {m.id} has status '{status}'{': ' + why if why else ''}")
    records = read_records(input_path, input_format)
    if session is not None:
        records = session.records(records)
    if only is not None and not cohort:  # a cohort is ranked whole; its other results are dropped below
        records = (r for r in records if str(r.get("id")) == only)
    if fmt == "xlsx" and not output:
        fail("--format xlsx writes a workbook: give --output FILE.xlsx")
    if output:
        check_folder(output)
    failed = count = 0
    with result_writer(fmt, m, evaluation, output, echo, explain=explain) as writer:  # a file: whole or not at all
        for result in evaluator.evaluate_many(records):
            if only is not None and cohort and result.id != only:
                continue
            count += 1
            for told in session.result(result) if session is not None else ():  # inputs taken from the history
                note(f"{input_path}: record {result.id}: {told}")
            failed += bool(result.errors)
            for e in result.errors:
                note(f"{input_path}: record {result.id}: {e.message}")
            writer.add(result)
            if count % 10000 == 0 and sys.stderr.isatty():
                click.echo(f"\r{count} records…", err=True, nl=False)
        writer.finish(run_facts(plan, _save(session)), evaluator.ties if cohort else None)
    if only is not None and count == 0:
        fail(f"no record with id {only!r} in {input_path}")
    note(f"{count} record(s) evaluated with {m.id} {evaluation}; {failed} with errors"
         + (f"; ranked together as cohort {m.evaluations[evaluation].cohort}, {len(evaluator.ties)} tie(s) needing a decision" if cohort else ""))
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


def _plan_run(ctx, methodology, options):
    """evaluate --org/--period: which edition applies, said on stderr (engine/history/runs.py does the work)."""
    store = ctx.obj["store"] = _store(options.get("db"))
    plan = engine("history.runs").plan_run(registry(ctx), methodology, options.get("org_id"), options.get("period"), store)
    if plan.resolution is not None:
        r, who = plan.resolution, f"{plan.organisation.id} " if plan.organisation else ""
        note(f"note: {who}{plan.period}: evaluated with {r.methodology_id} ({r.how}: {r.act})")
        for w in r.why:
            note(f"      {w}")
        for x in r.readings:
            note(f"      interpretation {x.id} [{x.source}]: {x.does}")
    return _methodology(ctx, plan.methodology_id), plan


def _session(ctx, plan, m, evaluation, options):
    if options.get("save") and (plan.organisation is None or plan.period is None):
        fail("--save needs --org ORG and --period PERIOD (the history is kept per organisation and period)")
    return engine("history.runs").Session(plan, m, evaluation, ctx.obj.get("store"), save=bool(options.get("save")),
                                          from_history=bool(options.get("from_history")))


def _save(session) -> int | None:
    if session is None or session.writer is None:
        return None
    run_id = session.commit()
    note(f"saved as run {run_id} in {session.store.path} (check it with `adisteme verify {run_id}`)")
    return run_id


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
    # --coverage: with every value's step and the table rows read
    runner = engine("testing.coverage").run_files if with_coverage else run_files
    for path, findings, outcomes in runner(files, reg):
        every += outcomes if with_coverage else []
        for f in findings:
            note(f.render())
            failed += 1
        for o in outcomes:
            passed += o.passed
            failed += not o.passed
            report.append({"file": str(path), "line": o.case.line, "name": o.case.name, "passed": o.passed, "problems": o.problems})
            if fmt == "text" and (verbose or not o.passed):
                click.echo(f"{'ok  ' if o.passed else 'FAIL'} {path}:{o.case.line}: {o.case.name}")
                for p in o.problems:
                    click.echo(f"       {p}")
    cov = _coverage(reg, every, bool(paths)) if with_coverage else None
    if fmt == "json":
        extra = {"coverage": {mid: c.as_dict() for mid, c in cov.items()}} if cov is not None else {}
        click.echo(dumps({"passed": passed, "failed": failed, "cases": report, **extra}))
    else:
        click.echo(f"{passed} passed, {failed} failed")
        if cov is not None:
            click.echo(engine("testing.coverage").render(cov))
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


def _coverage(reg, outcomes: list, only_named: bool) -> dict:
    """Coverage per edition (engine/testing/coverage.py): of the editions the cases name, or every edition."""
    ids = sorted({o.case.methodology for o in outcomes} if only_named else set(reg.files()))
    editions = {}
    for mid in ids:
        try:
            editions[mid] = reg.get(mid)
        except RegistryError as exc:  # the other editions are still measured
            note(f"adisteme: no coverage for {mid}: {exc}")
    return engine("testing.coverage").measure(editions, outcomes)


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
    render = engine("diff.render")
    if bool(impact_path) != bool(evaluation):
        fail("--impact DATA and --evaluation E go together")
    if impact_path and not Path(impact_path).exists():
        fail(f"{impact_path}: no such file")
    if output:
        check_folder(output)
    reg = registry(ctx)
    sides = [engine("editions.loading").load_named(spec, reg) for spec in (a, b)]
    for side in sides:
        if side.errors:
            why = f"{side.spec} has {len(side.errors)} error(s) (run `adisteme validate`)"
            if impact_path:
                fail(f"{why}; it cannot evaluate records")
            note(f"note: {why}; the diff compares what the file says")
    report = render.Report(engine("diff.compare").compare(sides[0].methodology, sides[1].methodology), a, b,
                           sides[0].source, sides[1].source, wording=not no_wording)
    if impact_path:
        records = read_records(impact_path, input_format)
        report.impact = engine("diff.impact").impact(report.comparison, evaluation, records, impact_path)
    with Destination(output, echo) as out:  # a file: whole or not at all
        out.write(render.render(report, fmt, color=fmt == "text" and not output and sys.stdout.isatty()))
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
    done = engine("editions.amend").amend(
        registry(ctx), methodology, new_edition, _date(valid_from, "--valid-from"), act_name=act_name, act_number=act_number,
        act_date=_date(act_date, "--act-date") if act_date else None, act_source=act_source,
        directory=Path(directory) if directory else None, tests=with_tests)
    click.echo(f"created {done.path}: {done.methodology_id}, supersedes {done.supersedes}, valid from {valid_from}")
    for extra in (done.tests_path, done.acts_path):
        if extra is not None:
            click.echo(f"updated {extra}" if extra.name == "acts.yaml" else f"created {extra}")
    for told in done.notes:
        note(f"note: {told}")
    note(f"next: edit it to the amending act, then `adisteme diff {done.supersedes} {done.path}`")


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
    cases = engine("testing.testgen").generate(_methodology(ctx, methodology), evaluation)
    if output is None:
        echo(cases)
        return
    if Path(output).exists():
        fail(f"{output} exists already; testgen never overwrites a file")
    check_folder(output)
    with open(output, "x", encoding="utf-8") as fh:  # "x": never overwrite, even in a race
        fh.write(cases)
    note(f"wrote {cases.count(chr(10) + '  - name:')} case(s) to {output}; fill each `expect` from the act")


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
    echo(engine("diff.git").driver_output(list(args)))


# -- organisations, editions in time, history and the year's calendar ---------------------------------
def _store(db: str | None):
    return engine("history.storage").open_storage(db)


def _date(value: str, what: str):
    try:
        return engine("calendar.periods").parse_date(value, what)
    except ValueError as exc:
        fail(str(exc))


def _org(oid: str, store):
    return engine("history.runs").load_org(oid, store)


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
    in_time, reports = engine("editions.in_time"), engine("formats.reports")
    eds = in_time.Editions(registry(ctx))
    day = _date(as_of, "--as-of") if as_of else None
    rows = reports.act_rows(eds, [family] if family else eds.families())
    answer, code = None, EXIT_OK
    if day is not None:
        if not family:
            fail("--as-of needs a FAMILY")
        try:
            answer = eds.resolve(family, day).as_dict()
        except in_time.EditionError as exc:  # no edition applies: that is the answer
            answer, code = {"error": str(exc), "kind": exc.kind, "act": exc.act}, EXIT_FINDINGS
    if fmt == "json":
        click.echo(dumps({"acts": rows, **({"as_of": day, "resolution": answer} if day else {})}))
    else:
        lines(reports.act_lines(rows))
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

    recorded = _store(db).bindings()
    orgs = [o.with_history(recorded) for o in engine("history.organisations").load_organisations().values()]
    lines([dumps([o.as_dict() for o in orgs])] if fmt == "json" else engine("formats.reports").organisation_lines(orgs, dt.date.today()))


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

    in_time = engine("editions.in_time")
    o = _org(org, _store(db))
    day = _date(as_of, "--as-of") if as_of else dt.date.today()
    try:
        applies, code = engine("history.organisations").resolve_on(o, day, in_time.Editions(registry(ctx))).as_dict(), EXIT_OK
    except in_time.EditionError as exc:  # no edition applies: that is the answer
        applies, code = {"error": str(exc), "kind": exc.kind, "act": exc.act, "interpretations": [x.as_dict() for x in exc.readings]}, EXIT_FINDINGS
    if fmt == "json":
        click.echo(dumps({**o.as_dict(), "as_of": day, "applies": applies}))
    else:
        lines(engine("formats.reports").organisation_detail_lines(o, day, applies))
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
    in_time = engine("editions.in_time")
    store = _store(db)
    o = _org(org, store)
    day = _date(valid_from, "--from")
    if not reason.strip() or not by.strip():
        fail("--reason and --by must not be empty")
    reg = registry(ctx)
    eds = in_time.Editions(reg)
    if family not in eds.families():
        fail(f"no methodology family '{family}' (known: {', '.join(eds.families())})")
    if edition is not None:
        entry = eds.entry(family, edition)
        if not entry.encoded:
            fail(f"{family}@{edition} ({entry.name}) is not encoded; only an encoded edition can be pinned")
        reg.get(f"{family}@{edition}")
    b = store.add_binding(o.id, family, day, edition, reason.strip(), by.strip())
    click.echo(f"{o.id}: {b.describe()}")
    try:
        r = engine("history.organisations").resolve_on(o.with_history([b]), day, eds)
        click.echo(f"on {day}: {r.methodology_id} ({r.how})")
    except in_time.EditionError as exc:  # the binding stands; it only cannot be used yet
        note(f"warning: recorded, but on {day} no encoded edition applies: {exc}")


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
    runs = [r.as_dict() for r in _store(db).runs(org_id, period)]
    lines([dumps(runs)] if fmt == "json" else engine("formats.reports").run_lines(runs))
    if not runs and fmt != "json":
        note("no saved runs")


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
    v = engine("history.runs").verify(_store(db), registry(ctx), run_id).as_dict()
    lines([dumps(v)] if fmt == "json" else engine("formats.reports").verification_lines(v))
    sys.exit(EXIT_OK if v["reproduces"] else EXIT_FINDINGS)


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
    organisations = engine("history.organisations")
    if not 1 <= year <= 9998:
        fail(f"year {year} is out of range")
    given = {}
    for item in events:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"--event {item!r}: expected NAME=DATE, e.g. decision_date=2017-03-17")
        given[name.strip()] = _date(value, f"--event {name.strip()}")
    reg = registry(ctx)
    eds = engine("editions.in_time").Editions(reg)
    orgs = organisations.load_organisations() if "@" not in target else {}
    if target in orgs:
        o = _org(target, _store(db))
        resolve_day = lambda day: organisations.resolve_on(o, day, eds)  # noqa: E731
    else:
        try:
            mid = reg.resolve_id(target)
        except RegistryError as exc:  # neither a methodology nor an organisation: say both
            fail(f"{exc}; and no organisation '{target}' (see `adisteme org list`)")
        resolve_day = lambda day: eds.named(mid, day)  # noqa: E731
    if output:
        check_folder(output)
    cal = engine("editions.yearcal").build(target, year, given, reg, resolve_day)
    for p in cal.problems:
        note(f"adisteme: {p}")
    for s in cal.spans:
        if s.get("methodology"):
            note(f"note: {s['from']} … {s['to']}: {s['methodology']} ({s['how']}): {'; '.join(s['why'])}")
    with Destination(output, echo) as out:  # a file: whole or not at all
        out.write(engine("formats.deadlines").render_calendar(cal, fmt))
    sys.exit(EXIT_FINDINGS if cal.problems else EXIT_OK)


if __name__ == "__main__":
    main()
