"""adisteme: the command line. Parsing arguments and printing; the work is in the engine.

From a checkout the engine is the top-level package `engine`; installed, it is `adisteme.engine`, beside
this module (`adisteme.cli`). Either way it is imported by name, through `engine()`.
"""
from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import click

ENGINE = f"{__package__}.engine" if __package__ else "engine"


def engine(module: str) -> ModuleType:
    """The engine's module `module` ("history.storage"), imported when first asked for."""
    return importlib.import_module(f"{ENGINE}.{module}")


# Light modules only (no schemas, no calendar data): `adisteme --help` needs them and nothing more. The
# engine proper is imported by each command when it runs, so that --help answers without it (start-up time).
__version__ = engine("version").__version__
FORMATS = engine("formats.records").FORMATS  # the options below list the input formats
_errors = engine("errors")  # the one error type commands end with, and the exit codes
AdistemeError, EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = _errors.AdistemeError, _errors.EXIT_OK, _errors.EXIT_FINDINGS, _errors.EXIT_USAGE
ENV_VAR = "ADISTEME_METHODOLOGIES"  # engine.editions.registry.ENV_VAR, written here so that --help need not load the engine
DB_HELP = "History database (SQLite); default $ADISTEME_DB or ~/.local/share/adisteme/history.sqlite3."


# -- options several commands share -----------------------------------------------------------------
def format_option(*choices: str, help: str | None = None):
    """--format: one of `choices`, the first by default."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help=help)


db_option = click.option("--db", type=click.Path(dir_okay=False), metavar="FILE", help=DB_HELP)
output_option = click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here (whole or not at all) instead of stdout.")


def fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"adisteme: error: {message}", err=True)
    sys.exit(code)


def echo(s: str) -> None:
    """Output as it is (it carries its own line ends)."""
    click.echo(s, nl=False)


def note(s: str) -> None:
    click.echo(s, err=True)


def lines(texts: list[str], err: bool = False) -> None:
    """Each text on its own line, to stdout (or stderr)."""
    for line in texts:
        click.echo(line, err=err)


def dumps(value: Any) -> str:
    """JSON with exact decimals (engine/language/values.py)."""
    return engine("language.values").dumps(value)


def write(output: str | None, text: str) -> None:
    """To stdout, or to the file `output`, written whole or not at all (engine/atomic.py)."""
    with engine("atomic").Destination(output, echo) as out:
        out.write(text)


class Adisteme(click.Group):
    """The command group. An engine error raised by any command ends it with its message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AdistemeError as exc:
            fail(str(exc), exc.exit_code)


def registry() -> Any:
    """The methodologies: the bundled ones, then those of main's --methodologies (engine/editions/registry.py)."""
    return engine("editions.registry").Registry.default(click.get_current_context().obj.get("methodologies", ()))


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
    ctx.obj = {"methodologies": methodologies}


@main.command("list")
@format_option("table", "json")
def list_cmd(fmt: str) -> None:
    """List families and editions with their validity and status.

    \b
    Example:
      adisteme list --format json
    """
    reports = engine("formats.reports")
    rows = reports.methodology_rows(registry())
    lines([dumps(rows)] if fmt == "json" else reports.methodology_lines(rows))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@format_option("text", "json")
@click.option("--strict", is_flag=True, help="Warnings fail too (notes never do).")
def validate(paths: tuple[str, ...], fmt: str, strict: bool) -> None:
    """Check methodology files: schema and semantics, every finding at once.

    With no PATH, checks every bundled (and --methodologies) file. Exit 1 when there are errors.

    \b
    Example:
      adisteme validate methodologies/wko-maslikhat/2017.yaml
    """
    v = engine("editions.validation").validate_files(paths, registry())
    if fmt == "json":
        click.echo(dumps(v.as_dict()))
    else:
        lines([f.render() for f in v.findings])
        note(v.summary())
    sys.exit(EXIT_FINDINGS if v.fails(strict) else EXIT_OK)


@main.command()
@click.argument("methodology")
@click.argument("evaluation")
def schema(methodology: str, evaluation: str) -> None:
    """Print the JSON Schema of one input record of an evaluation.

    \b
    Example:
      adisteme schema wko-maslikhat@2017 annual
    """
    m = registry().get(methodology)
    if evaluation not in m.evaluations:
        fail(f"{m.id} has no evaluation '{evaluation}' (it has: {', '.join(m.evaluations)})")
    record_schema = engine("elements.inputs").record_schema
    click.echo(dumps(record_schema(f"{m.id} {evaluation} record", m.inputs, m.evaluations[evaluation].inputs)))


@main.command()
@click.argument("methodology", metavar="[METHODOLOGY]")
@click.argument("evaluation", required=False, metavar="EVALUATION")
@click.option("--input", "-i", "input_path", required=True, type=click.Path(dir_okay=False), help="Records: .csv, .json, .jsonl or .yaml.")
@click.option("--input-format", type=click.Choice(FORMATS), help="Override the format guessed from the extension.")
@format_option("table", "json", "jsonl", "csv", "xlsx", help="xlsx needs --output.")
@click.option("--explain", is_flag=True, help="Show each value's rule, citation, inputs and interpretations.")
@output_option
@click.option("--org", "org_id", metavar="ORG", help="Evaluate for this organisation: the edition in force for --period comes from its bindings (METHODOLOGY may then be left out).")
@click.option("--period", metavar="PERIOD", help="The evaluated period: a year (2017) or a quarter (2017-Q2).")
@click.option("--save", is_flag=True, help="Store the run (inputs, outputs, receipt) in the history database; needs --org and --period.")
@click.option("--from-history", is_flag=True, help="Take inputs that declare from_history (the year's quarterly scores, last year's annual rating) from stored results.")
@db_option
def evaluate(methodology: str | None, evaluation: str | None, **options: Any) -> None:
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
    _run(methodology, evaluation, **options)  # options: the fields of engine.history.batch.Batch


@main.command()
@click.argument("methodology")
@click.argument("evaluation")
@click.option("--input", "-i", "input_path", required=True, type=click.Path(dir_okay=False))
@click.option("--input-format", type=click.Choice(FORMATS))
@click.option("--id", "record_id", help="Explain only this record.")
@format_option("text", "json")
def explain(methodology: str, evaluation: str, record_id: str | None, fmt: str, **options: Any) -> None:
    """Explain results step by step: value, rule, paragraph, inputs, interpretations.

    \b
    Example:
      adisteme explain wko-maslikhat@2017 annual -i examples/wko-maslikhat/annual-2017.yaml --id WKO-03
    """
    _run(methodology, evaluation, fmt="json" if fmt == "json" else "explain", explain=True, only=record_id, **options)


def _run(methodology: str | None, evaluation: str, **options: Any) -> None:
    """evaluate and explain: the batch runs in the engine (engine/history/batch.py); a count on a terminal."""
    batch = engine("history.batch")
    progress = (lambda n: click.echo(f"\r{n} records…", err=True, nl=False)) if sys.stderr.isatty() else None
    done = batch.run(batch.Batch(methodology, evaluation, **options), registry(), echo, note, progress)
    sys.exit(EXIT_FINDINGS if done.failed else EXIT_OK)


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@format_option("text", "json")
@click.option("--verbose", "-v", is_flag=True, help="List every case, not only failures.")
@click.option("--coverage", "with_coverage", is_flag=True,
              help="Also report, per edition, the bands, gap policies, table rows, consequences, eligibility rules, deadlines, "
                   "interpretations and input errors the cases exercise.")
def test_cmd(paths: tuple[str, ...], fmt: str, verbose: bool, with_coverage: bool) -> None:
    """Run the methodologies' YAML test cases (<edition>.tests.yaml).

    \b
    Examples:
      adisteme test methodologies/mne/2017.tests.yaml
      adisteme test --coverage
    """
    suite = engine("testing.suite").Suite(registry(), paths, with_coverage=with_coverage)
    for done in suite.run():
        lines([f.render() for f in done.findings], err=True)
        lines(done.lines(every=verbose) if fmt == "text" else [])
    measured, problems = suite.coverage() if with_coverage else (None, [])
    lines([f"adisteme: {problem}" for problem in problems], err=True)  # the other editions are still measured
    click.echo(dumps(suite.as_dict(measured)) if fmt == "json" else suite.text(measured))
    sys.exit(EXIT_FINDINGS if suite.failed else EXIT_OK)


@main.command("diff")
@click.argument("a")
@click.argument("b")
@format_option("text", "markdown", "html", "json")
@click.option("--impact", type=click.Path(dir_okay=False), metavar="DATA",
              help="Evaluate these records under A and B; report every record whose results differ.")
@click.option("--evaluation", "-e", help="The evaluation --impact runs (e.g. quarterly).")
@click.option("--input-format", type=click.Choice(FORMATS), help="Format of DATA, if not given by its extension.")
@click.option("--no-wording", is_flag=True, help="Show rule changes only, not citation and wording changes.")
@output_option
def diff_cmd(a: str, b: str, fmt: str, no_wording: bool, output: str | None, **impact: Any) -> None:
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
    sides = engine("diff.sides")
    report = sides.diff(a, b, registry(), note, wording=not no_wording, output=output, **impact)  # impact, evaluation, input_format
    write(output, engine("diff.render").render(report, fmt, color=fmt == "text" and not output and sys.stdout.isatty()))
    sys.exit(EXIT_FINDINGS if sides.differs(report) else EXIT_OK)


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
def amend_cmd(methodology: str, new_edition: str, valid_from: str, act_date: str | None, directory: str | None, with_tests: bool,
              **act: Any) -> None:
    """Create a new edition's file from an old one, linked by supersedes, ready to edit.

    The copy keeps every line, comment and citation of the old file; only edition, validity
    (from DATE, to unknown), supersedes and, if given, the act's number and date change. It never
    overwrites a file. After editing, `adisteme diff FAMILY@EDITION NEW-FILE` shows the change.

    \b
    Examples:
      adisteme amend wko-maslikhat@2017 --edition 2018 --valid-from 2018-03-01 --act "decision No. 12-3 of 14.02.2018"
      adisteme amend mne@2017 --edition 2019 --valid-from 2019-01-01 --dir mine --with-tests
    """
    done = engine("editions.amend").amend(  # act: act_name, act_source, act_number
        registry(), methodology, new_edition, _date(valid_from, "--valid-from"), act_date=_date(act_date, "--act-date") if act_date else None,
        directory=Path(directory) if directory else None, tests=with_tests, **act)
    click.echo(f"created {done.path}: {done.methodology_id}, supersedes {done.supersedes}, valid from {valid_from}")
    lines(done.also_written())
    lines([f"note: {told}" for told in done.notes], err=True)
    note(f"next: edit it to the amending act, then `adisteme diff {done.supersedes} {done.path}`")


@main.command("testgen")
@click.argument("methodology", metavar="FAMILY@EDITION")
@click.argument("evaluation", required=False)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the cases to this new file instead of stdout.")
def testgen_cmd(methodology: str, evaluation: str | None, output: str | None) -> None:
    """Write YAML test cases at and around every band bound and table row, expected results left empty.

    Inputs are derived by the value analysis so that each case hits its bound exactly; where none
    can be derived the case says so. Every case has `expect: {}` to be filled from the act (never
    from the engine's output): until it is filled, the case fails in `adisteme test`.

    \b
    Examples:
      adisteme testgen wko-maslikhat@2017 annual
      adisteme testgen mne@2017 -o mne-boundaries.tests.yaml
    """
    testgen = engine("testing.testgen")
    cases = testgen.generate(registry().get(methodology), evaluation)
    if output is None:
        echo(cases)
    else:
        note(f"wrote {testgen.write_new(cases, output)} case(s) to {output}; fill each `expect` from the act")


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


@main.command("acts")
@click.argument("family", required=False)
@click.option("--as-of", metavar="DATE", help="Also say which edition is in force on this date (YYYY-MM-DD).")
@format_option("table", "json")
def acts_cmd(family: str | None, as_of: str | None, fmt: str) -> None:
    """List the known acts of each family (or one), with their dates and whether they are encoded.

    With --as-of, resolve the edition in force on that date; exit 1 when none can be used.

    \b
    Examples:
      adisteme acts
      adisteme acts zhanibek --as-of 2022-06-30
    """
    reports = engine("formats.reports")
    eds = engine("editions.in_time").Editions(registry())
    day = _date(as_of, "--as-of") if as_of else None
    rows = reports.act_rows(eds, [family] if family else eds.families())
    if day is not None and not family:
        fail("--as-of needs a FAMILY")
    answer = eds.answer(family, day) if day is not None else {}  # no edition applies: that is an answer too
    lines([dumps({"acts": rows, **({"as_of": day, "resolution": answer} if day else {})})] if fmt == "json"
          else reports.act_lines(rows) + ([reports.answer_line(day, answer)] if day else []))
    sys.exit(EXIT_FINDINGS if "error" in answer else EXIT_OK)


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
@format_option("table", "json")
@db_option
def org_list(fmt: str, db: str | None) -> None:
    """List the organisations of the registry and their current binding.

    \b
    Example:
      adisteme org list --format json
    """
    orgs = engine("history.organisations").registered(_store(db).bindings())
    lines([dumps([o.as_dict() for o in orgs])] if fmt == "json" else engine("formats.reports").organisation_lines(orgs, dt.date.today()))


@org_group.command("show")
@click.argument("org")
@click.option("--as-of", metavar="DATE", help="The date to resolve (YYYY-MM-DD); default today.")
@format_option("text", "json")
@db_option
def org_show(org: str, as_of: str | None, fmt: str, db: str | None) -> None:
    """Show an organisation, its bindings (the whole history), and which edition applies on a date and why.

    Exit 1 when no encoded edition applies on that date (the message says what governed it).

    \b
    Example:
      adisteme org show wko-maslikhat-apparatus --as-of 2017-05-15
    """
    o = engine("history.runs").load_org(org, _store(db))
    day = _date(as_of, "--as-of") if as_of else dt.date.today()
    applies = engine("history.organisations").answer_on(o, day, engine("editions.in_time").Editions(registry()))
    lines([dumps({**o.as_dict(), "as_of": day, "applies": applies})] if fmt == "json"
          else engine("formats.reports").organisation_detail_lines(o, day, applies))
    sys.exit(EXIT_FINDINGS if "error" in applies else EXIT_OK)  # no edition applies: that is an answer too


@org_group.command("bind")
@click.argument("org")
@click.argument("family")
@click.option("--from", "valid_from", required=True, metavar="DATE", help="First day the binding applies (YYYY-MM-DD).")
@click.option("--edition", metavar="E", help="Pin this edition instead of resolving it by date.")
@click.option("--reason", required=True, metavar="TEXT", help="Why (kept in the history and reported with every result).")
@click.option("--by", "by", required=True, metavar="WHO", help="Who records the binding.")
@db_option
def org_bind(org: str, family: str, valid_from: str, edition: str | None, reason: str, by: str, db: str | None) -> None:
    """Bind an organisation to a family from a date, optionally pinned to an edition.

    The binding is added to the history database; earlier bindings stay (org show lists them all).

    \b
    Example:
      adisteme org bind zhanibek-akim-apparatus zhanibek --from 2023-04-13 --reason "No. 42 restated the methodology" --by "HR, A. Nurlanova"
    """
    store = _store(db)
    o = engine("history.runs").load_org(org, store)
    day = _date(valid_from, "--from")
    bound = engine("history.organisations").bind(o, family, day, edition, reason, by, store, registry())
    click.echo(f"{o.id}: {bound.binding.describe()}")
    if bound.resolution is not None:
        click.echo(f"on {day}: {bound.resolution.methodology_id} ({bound.resolution.how})")
    else:  # the binding stands; it only cannot be used yet
        note(f"warning: recorded, but on {day} no encoded edition applies: {bound.problem}")


@main.command("history")
@click.option("--org", "org_id", metavar="ORG", help="Only this organisation's runs.")
@click.option("--period", metavar="PERIOD", help="Only runs of this period (2017, 2017-Q2).")
@format_option("table", "json")
@db_option
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
@format_option("text", "json")
@db_option
def verify_cmd(run_id: int, fmt: str, db: str | None) -> None:
    """Re-run a saved run from its receipt and say whether it reproduces.

    Checks the methodology file's SHA-256, each input record's SHA-256 and every output.
    Exit 0 when it reproduces, 1 when it does not, 2 when there is no such run.

    \b
    Example:
      adisteme verify 12
    """
    v = engine("history.runs").verify(_store(db), registry(), run_id).as_dict()
    lines([dumps(v)] if fmt == "json" else engine("formats.reports").verification_lines(v))
    sys.exit(EXIT_OK if v["reproduces"] else EXIT_FINDINGS)


@main.command("calendar")
@click.argument("target", metavar="ORG|METHODOLOGY")
@click.argument("year", type=int)
@click.option("--event", "events", multiple=True, metavar="NAME=DATE",
              help="A date that deadlines count from, e.g. decision_date=2017-03-17 (repeatable).")
@format_option("table", "json", "ics")
@output_option
@db_option
def calendar_cmd(target: str, year: int, events: tuple[str, ...], fmt: str, output: str | None, db: str | None) -> None:
    """Every deadline of a year under the edition(s) in force, on the Kazakhstan working-day calendar.

    TARGET is an organisation (its bindings say which edition applies on each day) or a methodology
    (family@edition). Deadlines that count from an event are computed when --event gives its date.
    Exit 1 when part of the year has no encoded edition or a deadline cannot be computed.

    \b
    Examples:
      adisteme calendar wko-maslikhat-apparatus 2017
      adisteme calendar wko-maslikhat@2017 2017 --event decision_date=2017-03-17 --format ics -o deadlines-2017.ics
    """
    if not 1 <= year <= 9998:
        fail(f"year {year} is out of range")
    given = dict(_event(item) for item in events)
    reg, deadlines = registry(), engine("formats.deadlines")
    resolve_day = engine("history.runs").day_resolver(target, reg, db)  # an organisation, else a methodology
    if output:
        engine("atomic").check_folder(output)
    cal = engine("editions.yearcal").build(target, year, given, reg, resolve_day)
    lines(deadlines.calendar_notes(cal), err=True)
    write(output, deadlines.render_calendar(cal, fmt))
    sys.exit(EXIT_FINDINGS if cal.problems else EXIT_OK)


def _event(item: str) -> tuple[str, Any]:
    """--event NAME=DATE."""
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        fail(f"--event {item!r}: expected NAME=DATE, e.g. decision_date=2017-03-17")
    return name.strip(), _date(value, f"--event {name.strip()}")


if __name__ == "__main__":
    main()
