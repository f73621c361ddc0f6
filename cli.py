"""adisteme: the command line. Parsing arguments and printing; the work is in `engine`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from engine import __version__
from engine.evaluate import Evaluator, UnknownEvaluation
from engine.findings import sort_findings
from engine.jsonout import dumps
from engine.output import Destination, columns, csv_rows, explanation, result_dict, result_to_json, table, text, write_xlsx
from engine.records import FORMATS, RecordsError, read_records
from engine.registry import ENV_VAR, Registry, RegistryError, load_methodology
from engine.testing import run_files, test_files

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


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
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], fmt: str, strict: bool) -> None:
    """Check methodology files: schema and semantics, every finding at once.

    With no PATH, checks every bundled (and --methodologies) file. Exit 1 when there are errors.

    \b
    Example:
      adisteme validate methodologies/wko-maslikhat/2017.yaml
    """
    files = [Path(p) for p in paths] or list(registry(ctx).files().values())
    findings = []
    for path in files:
        if path.is_dir():
            files += sorted(p for p in path.glob("**/*.yaml") if not p.name.endswith(".tests.yaml"))
            continue
        if not path.exists():
            fail(f"{path}: no such file")
        findings += load_methodology(path).findings
    findings = sort_findings(findings)
    failing = [f for f in findings if f.severity == "error" or (strict and f.severity == "warning")]
    if fmt == "json":
        click.echo(dumps({"files": [str(p) for p in files if not p.is_dir()], "findings": [f.as_dict() for f in findings]}))
    else:
        for f in findings:
            click.echo(f.render())
        n_files = len([p for p in files if not p.is_dir()])
        click.echo(f"{n_files} file(s) checked: {len([f for f in findings if f.severity == 'error'])} error(s), "
                   f"{len([f for f in findings if f.severity == 'warning'])} warning(s)", err=True)
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
@click.argument("methodology")
@click.argument("evaluation")
@click.option("--input", "-i", "input_path", required=True, type=click.Path(dir_okay=False), help="Records: .csv, .json, .jsonl or .yaml.")
@click.option("--input-format", type=click.Choice(FORMATS), help="Override the format guessed from the extension.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv", "xlsx"]), default="table", show_default=True,
              help="xlsx needs --output.")
@click.option("--explain", is_flag=True, help="Show each value's rule, citation, inputs and interpretations.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here (whole or not at all) instead of stdout.")
@click.pass_context
def evaluate(ctx: click.Context, methodology: str, evaluation: str, input_path: str, input_format: str | None,
             fmt: str, explain: bool, output: str | None) -> None:
    """Evaluate every record of a data file. A bad record is reported; the others still run.

    Exit 1 when any record has errors.

    \b
    Examples:
      adisteme evaluate wko-maslikhat@2017 quarterly -i examples/wko-maslikhat/quarterly-2017.csv
      adisteme evaluate mne annual -i examples/mne/annual-2017.yaml --format json --explain
    """
    _run(ctx, methodology, evaluation, input_path, input_format, fmt, explain, output)


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


def _run(ctx, methodology, evaluation, input_path, input_format, fmt, explain, output, only=None) -> None:
    m = _methodology(ctx, methodology)
    try:
        evaluator = Evaluator(m, evaluation, explain=explain)
    except UnknownEvaluation as exc:
        fail(str(exc))
    if not Path(input_path).exists():
        fail(f"{input_path}: no such file")
    status = m.act.get("status")
    if status != "in_force":
        why = "; ".join(m.interpretations[i].does for i in m.act.get("interpretations", ()) if i in m.interpretations)
        click.echo(f"note: {m.id} has status '{status}'{': ' + why if why else ''}", err=True)
    records = read_records(input_path, input_format)
    if only is not None:
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
            count += 1
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
        if not streaming:
            if fmt == "json":
                out.write(dumps({"methodology": m.id, "evaluation": evaluation, "status": status, "sha256": m.sha256,
                                 "results": [result_dict(r, m, explain=explain) for r in results]}) + "\n")
            elif fmt == "xlsx":
                write_xlsx(output, results, m, evaluation)
            elif fmt == "explain":
                out.write("\n\n".join(explanation(r, m) for r in results) + "\n")
            else:
                out.write(table(results, m) + "\n")
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
    click.echo(f"{count} record(s) evaluated with {m.id} {evaluation}; {failed} with errors", err=True)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="List every case, not only failures.")
@click.pass_context
def test_cmd(ctx: click.Context, paths: tuple[str, ...], fmt: str, verbose: bool) -> None:
    """Run the methodologies' YAML test cases (<edition>.tests.yaml).

    \b
    Example:
      adisteme test methodologies/mne/2017.tests.yaml
    """
    reg = registry(ctx)
    files = [Path(p) for p in paths] or test_files(reg)
    passed = failed = 0
    report = []
    for path, findings, outcomes in run_files(files, reg):
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
    if fmt == "json":
        click.echo(dumps({"passed": passed, "failed": failed, "cases": report}))
    else:
        click.echo(f"{passed} passed, {failed} failed")
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


if __name__ == "__main__":
    main()
