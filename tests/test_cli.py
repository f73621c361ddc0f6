"""The command line (cli.py), run in-process with click's CliRunner.

Exit codes: 0 all well, 1 findings or record errors, 2 usage (unknown methodology, evaluation,
missing or unreadable file). Results go to stdout, diagnostics to stderr; no traceback ever.
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from engine.editions.registry import ENV_VAR

ROOT = Path(__file__).resolve().parent.parent
WKO = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"
WKO_TESTS = ROOT / "methodologies" / "wko-maslikhat" / "2017.tests.yaml"
WKO_ID = "wko-maslikhat@2017"
COMMANDS = ["list", "validate", "schema", "evaluate", "explain", "test"]


@pytest.fixture(autouse=True)
def no_extra_methodologies(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def invoke(*args: str):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def as_json(text: str):
    return json.loads(text, parse_float=Decimal)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


ANNUAL_CSV = (
    "id,quarterly_scores,plan_scores\n"
    "A1,79,3\n"                      # mean 79 → 2 points; 0,4·2 + 0,6·3 = 2.6
    "A2,100;100;100;100,4;4;4;4\n"   # mean 100 → 3 points; 0,4·3 + 0,6·4 = 3.6
)
QUARTERLY_CSV = (
    "id,incentive_points,execution_violations,labour_violations\n"
    "Q1,,0,0\n"      # 100: «қанағаттанарлық»
    "Q2,5;1,0,0\n"   # 106: «тиімді»
    "Q3,,11,0\n"     # 78: «қанағаттанарлықсыз»
)


# ---------------------------------------------------------------------------------- help
def test_main_help_has_an_example():
    r = invoke("--help")
    assert r.exit_code == 0
    assert "Example" in r.stdout
    for command in COMMANDS:
        assert command in r.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_has_an_example(command):
    r = invoke(command, "--help")
    assert r.exit_code == 0, r.output
    assert "Example" in r.stdout


def test_every_command_help_has_an_example():
    def commands(group, path=()):
        for name, command in group.commands.items():
            yield (*path, name)
            if hasattr(command, "commands"):
                yield from commands(command, (*path, name))

    every = list(commands(cli.main))
    assert {"evaluate", "calendar", "verify", "org"} <= {c[0] for c in every} and ("org", "bind") in every
    for command in every:
        r = invoke(*command, "--help")
        assert r.exit_code == 0 and "Example" in r.stdout, command


def test_from_a_checkout_the_engine_is_the_top_level_package():
    # installed, the same module is adisteme.cli and its engine adisteme.engine (tests/test_packaging.py)
    assert cli.ENGINE == "engine"
    assert cli.engine("formats.writers").__name__ == "engine.formats.writers"


def test_version():
    r = invoke("--version")
    assert r.exit_code == 0
    assert "0.1.0" in r.stdout


# ---------------------------------------------------------------------------------- list
def test_list_shows_both_ids():
    r = invoke("list")
    assert r.exit_code == 0, r.output
    assert "wko-maslikhat@2017" in r.stdout
    assert "mne@2017" in r.stdout


def test_list_json():
    r = invoke("list", "--format", "json")
    assert r.exit_code == 0
    ids = {row["id"] for row in as_json(r.stdout)}
    assert {"wko-maslikhat@2017", "mne@2017"} <= ids


# ---------------------------------------------------------------------------------- validate
def test_validate_bundled_files():
    r = invoke("validate")
    assert r.exit_code == 0, r.output


def test_validate_wko():
    r = invoke("validate", WKO)
    assert r.exit_code == 0, r.output
    assert "0 error(s)" in r.stderr


def faulty(tmp_path: Path) -> tuple[Path, int, int]:
    text = WKO.read_text(encoding="utf-8").replace("expr: sum(incentive_points)", "expr: sum(incentive_pointz)")
    path = tmp_path / "wko-maslikhat" / "2017.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    start = text.index("incentive_pointz")
    line = text.count("\n", 0, start) + 1
    col = start - text.rfind("\n", 0, start)
    return path, line, col


def test_validate_faulty_file(tmp_path):
    path, line, col = faulty(tmp_path)
    r = invoke("validate", path)
    assert r.exit_code == 1
    assert f"{path}:{line}:{col}: error:" in r.stdout
    assert "[name-undefined]" in r.stdout
    assert "1 error(s)" in r.stderr
    no_traceback(r)


def test_validate_json(tmp_path):
    path, line, col = faulty(tmp_path)
    r = invoke("validate", "--format", "json", path)
    assert r.exit_code == 1
    data = as_json(r.stdout)
    assert data["files"] == [str(path)]
    (f,) = data["findings"]
    assert (f["file"], f["line"], f["col"], f["code"], f["severity"]) == (str(path), line, col, "name-undefined", "error")


def test_validate_json_of_a_clean_file():
    r = invoke("validate", "--format", "json", WKO)
    assert r.exit_code == 0
    # the value analysis adds notes (reachable gaps a policy covers, unreachable gaps); nothing worse
    assert [f for f in as_json(r.stdout)["findings"] if f["severity"] != "note"] == []


def test_validate_strict_fails_on_warnings(tmp_path):
    text = WKO.read_text(encoding="utf-8").replace("    interpretations: [annex-3-layout]\n", "")
    path = tmp_path / "wko-maslikhat" / "2017.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    assert invoke("validate", path).exit_code == 0
    r = invoke("validate", "--strict", path)
    assert r.exit_code == 1
    assert "warning" in r.stdout


def test_validate_missing_file(tmp_path):
    r = invoke("validate", tmp_path / "nope.yaml")
    assert r.exit_code == 2
    assert "no such file" in r.stderr
    no_traceback(r)


# ---------------------------------------------------------------------------------- schema
def test_schema_of_the_annual_record():
    r = invoke("schema", WKO_ID, "annual")
    assert r.exit_code == 0, r.output
    schema = as_json(r.stdout)
    assert "quarterly_scores" in schema["required"]
    assert "plan_scores" in schema["required"]
    assert "id" in schema["required"]
    assert "previous_annual_rating" not in schema["required"]  # optional (p.46)
    plan = schema["properties"]["plan_scores"]
    assert plan["type"] == "array" and plan["maxItems"] == 4 and plan["minItems"] == 1
    assert (plan["items"]["minimum"], plan["items"]["maximum"]) == (2, 5)


def test_schema_validates_a_record():
    from jsonschema import Draft7Validator

    schema = json.loads(invoke("schema", WKO_ID, "annual").stdout)
    Draft7Validator.check_schema(schema)
    v = Draft7Validator(schema)
    assert v.is_valid({"id": "A", "quarterly_scores": [100], "plan_scores": [3]})
    assert not v.is_valid({"id": "A", "quarterly_scores": [100], "plan_scores": [3, 3, 3, 3, 3]})


def test_schema_unknown_evaluation():
    r = invoke("schema", WKO_ID, "monthly")
    assert r.exit_code == 2
    no_traceback(r)


# ---------------------------------------------------------------------------------- evaluate
def test_evaluate_table_shows_both_labels(tmp_path):
    data = write(tmp_path, "q.csv", QUARTERLY_CSV)
    r = invoke("evaluate", WKO_ID, "quarterly", "-i", data)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    row = {line.split()[0]: line for line in lines if line.strip() and line.split()[0] in ("Q1", "Q2", "Q3")}
    assert "қанағаттанарлық" in row["Q1"] and "satisfactory" in row["Q1"]
    assert "тиімді" in row["Q2"] and "effective" in row["Q2"]
    assert "қанағаттанарлықсыз" in row["Q3"] and "unsatisfactory" in row["Q3"]
    assert "3 record(s)" in r.stderr


def test_evaluate_json_is_exact(tmp_path):
    data = write(tmp_path, "a.csv", ANNUAL_CSV)
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "--format", "json")
    assert r.exit_code == 0, r.output
    assert "2.5999" not in r.stdout and "2.6000" not in r.stdout
    assert '"score": 2.6' in r.stdout
    doc = as_json(r.stdout)
    assert doc["methodology"] == WKO_ID and doc["evaluation"] == "annual"
    a1, a2 = doc["results"]
    for res in (a1, a2):
        assert {"id", "outputs", "errors", "interpretations"} <= set(res)
    assert a1["id"] == "A1"
    assert a1["outputs"]["score"] == Decimal("2.6")
    assert a1["outputs"]["rating"] == "unsatisfactory"
    assert a1["errors"] == []
    assert a2["outputs"]["score"] == Decimal("3.6")
    assert a2["outputs"]["rating"] == "satisfactory"
    assert all(isinstance(i["id"], str) for i in a1["interpretations"])


def test_evaluate_json_input(tmp_path):
    data = write(tmp_path, "a.json", json.dumps([{"id": "J1", "quarterly_scores": [79], "plan_scores": [3]}]))
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "--format", "json")
    assert r.exit_code == 0, r.output
    assert as_json(r.stdout)["results"][0]["outputs"]["score"] == Decimal("2.6")


def test_evaluate_yaml_input_with_decimal_scores(tmp_path):
    # quarterly mean (105 + 106) / 2 = 105.5 → 3 points (mean-gap-105-106); 0,4·3 + 0,6·3 = 3
    data = write(tmp_path, "a.yaml", "- {id: Y1, quarterly_scores: [105, 106], plan_scores: [3]}\n")
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "--format", "json")
    assert r.exit_code == 0, r.output
    res = as_json(r.stdout)["results"][0]
    assert res["outputs"]["quarterly_mean"] == Decimal("105.5")
    assert res["outputs"]["score"] == Decimal("3")
    assert "mean-gap-105-106" in {i["id"] for i in res["interpretations"]}


def test_bad_record_is_reported_and_the_others_run(tmp_path):
    data = write(tmp_path, "q.csv", "id,execution_violations\nA,1\nB,many\nC,2\n")
    r = invoke("evaluate", WKO_ID, "quarterly", "-i", data, "--format", "json")
    assert r.exit_code == 1
    no_traceback(r)
    err_lines = [line for line in r.stderr.splitlines() if "record B" in line]
    assert err_lines and "execution_violations" in err_lines[0]
    assert "record A" not in r.stderr and "record C" not in r.stderr
    results = {res["id"]: res for res in as_json(r.stdout)["results"]}
    assert results["A"]["outputs"]["score"] == Decimal(98)
    assert results["C"]["outputs"]["score"] == Decimal(96)
    assert results["B"]["errors"] and results["B"]["errors"][0]["field"] == "execution_violations"
    assert "1 with errors" in r.stderr


def test_bad_record_in_the_table(tmp_path):
    data = write(tmp_path, "q.csv", "id,execution_violations\nA,1\nB,-1\n")
    r = invoke("evaluate", WKO_ID, "quarterly", "-i", data)
    assert r.exit_code == 1
    assert "A" in r.stdout and "B" in r.stdout


def test_evaluate_csv_output(tmp_path):
    data = write(tmp_path, "a.csv", ANNUAL_CSV)
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["id"] for row in rows] == ["A1", "A2"]
    assert rows[0]["score"] == "2.6" and rows[1]["score"] == "3.6"
    assert rows[0]["rating"] == "unsatisfactory"
    assert rows[0]["errors"] == ""
    assert "errors" in rows[0] and "interpretations" in rows[0]


def test_evaluate_jsonl_output(tmp_path):
    data = write(tmp_path, "a.csv", ANNUAL_CSV)
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "--format", "jsonl")
    assert r.exit_code == 0, r.output
    lines = [as_json(line) for line in r.stdout.splitlines() if line.strip()]
    assert [x["id"] for x in lines] == ["A1", "A2"]
    assert lines[0]["outputs"]["score"] == Decimal("2.6")


def test_evaluate_output_file(tmp_path):
    data = write(tmp_path, "a.csv", ANNUAL_CSV)
    out = tmp_path / "out.json"
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "--format", "json", "-o", out)
    assert r.exit_code == 0, r.output
    assert '"results"' not in r.stdout
    doc = as_json(out.read_text(encoding="utf-8"))
    assert [x["id"] for x in doc["results"]] == ["A1", "A2"]
    assert not list(tmp_path.glob(".*partial"))


def test_csv_output_keeps_outputs_when_the_first_record_is_bad(tmp_path):
    data = write(tmp_path, "a.csv", "id,quarterly_scores,plan_scores\nBAD,79,9\nA1,79,3\n")
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "--format", "csv")
    assert r.exit_code == 1
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    assert rows["BAD"]["errors"]
    assert rows["A1"].get("score") == "2.6"
    assert rows["A1"].get("rating") == "unsatisfactory"


def test_output_into_a_missing_folder(tmp_path):
    data = write(tmp_path, "a.csv", ANNUAL_CSV)
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "-o", tmp_path / "no" / "such" / "out.json")
    no_traceback(r)
    assert r.exit_code == 2
    assert "out.json" in r.stderr


def test_unknown_methodology(tmp_path):
    data = write(tmp_path, "a.csv", ANNUAL_CSV)
    r = invoke("evaluate", "nosuch@2017", "annual", "-i", data)
    assert r.exit_code == 2
    assert "adisteme: error:" in r.stderr and "nosuch" in r.stderr
    no_traceback(r)


def test_unknown_edition(tmp_path):
    data = write(tmp_path, "a.csv", ANNUAL_CSV)
    r = invoke("evaluate", "wko-maslikhat@1999", "annual", "-i", data)
    assert r.exit_code == 2
    assert "1999" in r.stderr
    no_traceback(r)


def test_malformed_methodology_id(tmp_path):
    data = write(tmp_path, "a.csv", ANNUAL_CSV)
    r = invoke("evaluate", "WKO!!", "annual", "-i", data)
    assert r.exit_code == 2
    no_traceback(r)


def test_unknown_evaluation(tmp_path):
    data = write(tmp_path, "a.csv", ANNUAL_CSV)
    r = invoke("evaluate", WKO_ID, "monthly", "-i", data)
    assert r.exit_code == 2
    assert "monthly" in r.stderr and "annual" in r.stderr
    no_traceback(r)


def test_missing_input_file(tmp_path):
    r = invoke("evaluate", WKO_ID, "annual", "-i", tmp_path / "nope.csv")
    assert r.exit_code == 2
    assert "nope.csv" in r.stderr
    no_traceback(r)


def test_unreadable_json(tmp_path):
    data = write(tmp_path, "bad.json", '[{"id": "A", "quarterly_scores": [79],')
    out = tmp_path / "out.json"
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "--format", "json", "-o", out)
    assert r.exit_code == 2
    assert "JSON" in r.stderr
    no_traceback(r)
    assert not out.exists()  # written whole or not at all


def test_unknown_input_format(tmp_path):
    data = write(tmp_path, "a.txt", "x")
    r = invoke("evaluate", WKO_ID, "annual", "-i", data)
    assert r.exit_code == 2
    no_traceback(r)


def test_huge_decimal_value_is_printed(tmp_path):
    # regression: jsonout.number quantized 1E+30 to exponent 0 and raised decimal.InvalidOperation
    data = write(tmp_path, "a.csv", "id,quarterly_scores,plan_scores\nH,1e30,3\n")
    r = invoke("evaluate", WKO_ID, "annual", "-i", data, "--format", "json")
    no_traceback(r)
    res = as_json(r.stdout)["results"][0]
    assert res["outputs"]["quarterly_mean"] == Decimal("1e30")


def test_huge_integer_cell_does_not_crash(tmp_path):
    # regression: InputSpec.coerce raised decimal.InvalidOperation
    data = write(tmp_path, "q.csv", "id,execution_violations\nH,1e30\nOK,1\n")
    r = invoke("evaluate", WKO_ID, "quarterly", "-i", data, "--format", "json")
    no_traceback(r)
    ids = [res["id"] for res in as_json(r.stdout)["results"]]
    assert ids == ["H", "OK"]


# ---------------------------------------------------------------------------------- explain
def test_explain_one_record(tmp_path):
    data = write(tmp_path, "q.csv", QUARTERLY_CSV)
    r = invoke("explain", WKO_ID, "quarterly", "-i", data, "--id", "Q2")
    assert r.exit_code == 0, r.output
    assert "Q2" in r.stdout
    assert "Q1" not in r.stdout and "Q3" not in r.stdout
    assert "quarterly_score = 106" in r.stdout
    assert "[p.26]" in r.stdout and "p.27" in r.stdout
    assert "тиімді" in r.stdout


def test_explain_json(tmp_path):
    data = write(tmp_path, "q.csv", QUARTERLY_CSV)
    r = invoke("explain", WKO_ID, "quarterly", "-i", data, "--id", "Q1", "--format", "json")
    assert r.exit_code == 0, r.output
    (res,) = as_json(r.stdout)["results"]
    steps = {s["name"]: s for s in res["steps"]}
    assert steps["quarterly_score"]["cite"] == ["p.26"]
    assert steps["quarterly_score"]["value"] == Decimal(100)


def test_explain_unknown_id(tmp_path):
    data = write(tmp_path, "q.csv", QUARTERLY_CSV)
    r = invoke("explain", WKO_ID, "quarterly", "-i", data, "--id", "Q9")
    assert r.exit_code == 2
    assert "Q9" in r.stderr
    no_traceback(r)


# ---------------------------------------------------------------------------------- test
def test_test_command_on_the_wko_cases():
    r = invoke("test", WKO_TESTS)
    assert r.exit_code == 0, r.output
    assert "passed" in r.stdout
    assert ", 0 failed" in r.stdout


def test_test_command_reports_a_failing_case(tmp_path):
    text = (
        "methodology: wko-maslikhat@2017\n"
        "cases:\n"
        "  - name: a wrong expectation\n"
        "    cite: p.26\n"
        "    evaluation: quarterly\n"
        "    input: {execution_violations: 1}\n"
        "    expect: {score: 99}\n"
    )
    path = write(tmp_path, "x.tests.yaml", text)
    r = invoke("test", path)
    assert r.exit_code == 1
    assert "FAIL" in r.stdout and f"{path}:3:" in r.stdout
    assert "0 passed, 1 failed" in r.stdout
