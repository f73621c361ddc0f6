"""The JSON Schemas of the methodology language (schemas/*.schema.json).

- both schemas are valid draft-07, and every object in them is closed and documented;
- every methodology file and every test file in methodologies/ validates;
- mutations of the worked example (wko-maslikhat@2017) are rejected at the expected place.

YAML is loaded with yaml.safe_load; dates become ISO strings and Decimals floats *only here*, for
validation (that is how an editor's yaml-language-server sees the file too).
"""
from __future__ import annotations

import copy
import datetime
import decimal
import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
METHODOLOGIES = ROOT / "methodologies"
WKO = METHODOLOGIES / "wko-maslikhat" / "2017.yaml"

MODELINE = "# yaml-language-server: $schema=../../schemas/{}.schema.json"


# ---------------------------------------------------------------------------------------- helpers
def load_schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def to_json(value):
    """YAML values -> the JSON data model: dates to ISO strings, Decimal to float."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def load_yaml(text: str):
    return to_json(yaml.safe_load(text))


def errors(schema_name: str, doc) -> list:
    return list(Draft7Validator(load_schema(schema_name)).iter_errors(doc))


def error_report(errs) -> str:
    return "\n".join(f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}" for e in errs)


def methodology_files() -> list[Path]:
    return sorted(p for p in METHODOLOGIES.glob("*/*.yaml") if not p.name.endswith(".tests.yaml") and p.name != "acts.yaml")


def yaml_test_files() -> list[Path]:
    return sorted(METHODOLOGIES.glob("*/*.tests.yaml"))


def _id(path: Path) -> str:
    return str(path.relative_to(METHODOLOGIES))


# ---------------------------------------------------------------------------------------- the schemas
@pytest.mark.parametrize("name", ["methodology", "tests"])
def test_schema_is_valid_draft07(name):
    schema = load_schema(name)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == f"https://adisteme.kz/schemas/{name}.schema.json"
    Draft7Validator.check_schema(schema)


def _subschemas(node, path=()):
    """Yield (path, schema) for every schema object inside a schema."""
    if not isinstance(node, dict):
        return
    yield path, node
    for key in ("properties", "patternProperties", "definitions", "dependencies"):
        for k, sub in node.get(key, {}).items():
            yield from _subschemas(sub, path + (key, k))
    for key in ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"):
        sub = node.get(key)
        if isinstance(sub, list):
            for i, s in enumerate(sub):
                yield from _subschemas(s, path + (key, i))
        else:
            yield from _subschemas(sub, path + (key,))
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(node.get(key, [])):
            yield from _subschemas(sub, path + (key, i))


@pytest.mark.parametrize("name", ["methodology", "tests"])
def test_every_object_is_closed(name):
    """additionalProperties: false on every object schema (the tests' `expect` is the one open map)."""
    open_objects = []
    for path, sub in _subschemas(load_schema(name)):
        types = sub.get("type")
        is_object = types == "object" or (isinstance(types, list) and "object" in types)
        if is_object and sub.get("additionalProperties", True) is not False:
            open_objects.append("/".join(map(str, path)))
    expected = ["definitions/expect"] if name == "tests" else []
    assert open_objects == expected


@pytest.mark.parametrize("name", ["methodology", "tests"])
def test_every_definition_and_property_is_documented(name):
    """title and description (the editor's hover help) on the root, every definition and every property."""
    schema = load_schema(name)
    missing = [] if schema.get("title") and schema.get("description") else ["(root)"]
    for path, sub in _subschemas(schema):
        if len(path) < 2 or path[-2] not in ("definitions", "properties"):
            continue
        if {"if", "then", "else", "dependencies"} & set(path):
            continue  # conditional fragments, e.g. `items: false` when the type is not list
        if not (sub.get("title") and sub.get("description")):
            missing.append("/".join(map(str, path)))
    assert missing == []


# ---------------------------------------------------------------------------------------- the files
@pytest.mark.parametrize("path", methodology_files(), ids=_id)
def test_methodology_file_validates(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE.format("methodology")
    doc = load_yaml(text)
    errs = errors("methodology", doc)
    assert not errs, f"{_id(path)} does not validate:\n{error_report(errs)}"
    assert doc["family"] == path.parent.name, "family must match the folder"
    assert doc["edition"] == path.stem, "edition must match the file name"


@pytest.mark.parametrize("path", yaml_test_files(), ids=_id)
def test_tests_file_validates(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE.format("tests")
    doc = load_yaml(text)
    errs = errors("tests", doc)
    assert not errs, f"{_id(path)} does not validate:\n{error_report(errs)}"
    family, edition = path.parent.name, path.name[: -len(".tests.yaml")]
    assert doc["methodology"] == f"{family}@{edition}"


# ---------------------------------------------------------------------------------------- citations
CITE_OK = ["p.27", "p.3(1)", "p.34(3)", "Annex 2", "Dec. p.2", "L.6", "L.10-12", "p.3-1", "p.3(1)(a)",
           "Annex 2, column 3", "p.27 table", "Dec. p.1(2)"]
CITE_BAD = ["paragraph 5", "p27", "p.", "p.27x", "annex 2", "Annex", "Dec.p.2", "L6", "p.3(", "p.3()", " p.27", "p.27,", ""]


@pytest.mark.parametrize("cite", CITE_OK)
def test_cite_pattern_admits(cite):
    schema = load_schema("methodology")
    assert re.search(schema["definitions"]["cite_string"]["pattern"], cite)


@pytest.mark.parametrize("cite", CITE_BAD)
def test_cite_pattern_rejects(cite):
    schema = load_schema("methodology")
    assert not re.search(schema["definitions"]["cite_string"]["pattern"], cite)


# ---------------------------------------------------------------------------------------- negative cases
@pytest.fixture(scope="module")
def wko():
    try:
        return load_yaml(WKO.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:  # reported by test_methodology_file_validates
        pytest.skip(f"{WKO.name} does not parse as YAML: {exc}")


def _set(doc, path, value):
    *parents, last = path
    for key in parents:
        doc = doc[key]
    doc[last] = value


def _del(doc, path):
    *parents, last = path
    for key in parents:
        doc = doc[key]
    del doc[last]


def _rename(doc, path, new_key):
    *parents, last = path
    for key in parents:
        doc = doc[key]
    doc[new_key] = doc.pop(last)


# (name, mutation, expected error path, text the message must contain)
NEGATIVE = [
    ("misspelled top-level key",
     lambda d: _rename(d, ["parameters"], "parametres"), (), "parametres"),
    ("misspelled key inside a band",
     lambda d: _rename(d, ["scales", "quarterly_rating", "bands", 1, "at_least"], "at_leats"),
     ("scales", "quarterly_rating", "bands", 1), "at_leats"),
    ("band with equals and at_least",
     lambda d: _set(d, ["scales", "plan_indicator", "bands", 0, "at_least"], 2),
     ("scales", "plan_indicator", "bands", 0, "at_least"), "should not be valid under"),
    ("band with two lower bounds",
     lambda d: _set(d, ["scales", "quarterly_rating", "bands", 1, "more_than"], 79),
     ("scales", "quarterly_rating", "bands", 1, "more_than"), "should not be valid under"),
    ("band with two upper bounds",
     lambda d: _set(d, ["scales", "quarterly_rating", "bands", 1, "less_than"], 106),
     ("scales", "quarterly_rating", "bands", 1, "less_than"), "should not be valid under"),
    ("band without any bound",
     lambda d: _del(d, ["scales", "quarterly_rating", "bands", 0, "less_than"]),
     ("scales", "quarterly_rating", "bands", 0), "is not valid under any"),
    ("gap without interpretation",
     lambda d: _del(d, ["scales", "quarterly_rating", "gaps", 0, "interpretation"]),
     ("scales", "quarterly_rating", "gaps", 0), "'interpretation' is a required property"),
    ("gap between null and null",
     lambda d: _set(d, ["scales", "annual_rating", "gaps", 2, "between"], [None, None]),
     ("scales", "annual_rating", "gaps", 2, "between"), "are valid under"),
    ("gap with an unknown resolution",
     lambda d: _set(d, ["scales", "annual_rating", "gaps", 0, "resolve"], "nearest"),
     ("scales", "annual_rating", "gaps", 0, "resolve"), "is not one of"),
    ("label missing kk",
     lambda d: _del(d, ["parameters", "base_points", "label", "kk"]),
     ("parameters", "base_points", "label"), "'kk' is a required property"),
    ("element without cite",
     lambda d: _del(d, ["formulas", "quarterly_score", "cite"]),
     ("formulas", "quarterly_score"), "'cite' is a required property"),
    ("element id not snake_case",
     lambda d: _rename(d, ["parameters", "base_points"], "Base-Points"), ("parameters",), "Base-Points"),
    ("unknown input type",
     lambda d: _set(d, ["inputs", "year", "type"], "number"), ("inputs", "year", "type"), "is not one of"),
    ("items on a non-list input",
     lambda d: _set(d, ["inputs", "execution_violations", "items"], {"type": "integer"}),
     ("inputs", "execution_violations", "items"), "should not be valid under"),
    ("min on a date input",
     lambda d: _set(d, ["inputs", "position_start", "min"], 0),
     ("inputs", "position_start", "min"), "should not be valid under"),
    ("list input without items",
     lambda d: _del(d, ["inputs", "plan_scores", "items"]),
     ("inputs", "plan_scores"), "'items' is a required property"),
    ("enum input with both values and scale",
     lambda d: _set(d, ["inputs", "previous_annual_rating", "values"], ["a", "b"]),
     ("inputs", "previous_annual_rating"), "is valid under each of"),
    ("default of the wrong type",
     lambda d: _set(d, ["inputs", "execution_violations", "default"], "none"),
     ("inputs", "execution_violations", "default"), "is not of type"),
    ("deadline with both fixed and from",
     lambda d: _set(d, ["deadlines", "plan", "from"], "appointed_on"),
     ("deadlines", "plan", "from"), "should not be valid under"),
    ("fixed deadline without year",
     lambda d: _del(d, ["deadlines", "q1_evaluation", "year"]),
     ("deadlines", "q1_evaluation"), "'year' is a required property"),
    ("unknown deadline unit",
     lambda d: _set(d, ["deadlines", "appeal", "unit"], "business_days"),
     ("deadlines", "appeal", "unit"), "is not one of"),
    ("month 13",
     lambda d: _set(d, ["deadlines", "plan", "fixed", "month"], 13),
     ("deadlines", "plan", "fixed", "month"), "maximum"),
    ("quorum that is not a fraction",
     lambda d: _set(d, ["bodies", "commission", "quorum", "more_than"], "two thirds"),
     ("bodies", "commission", "quorum", "more_than"), "does not match"),
    ("null amount without amount_note",
     lambda d: _del(d, ["consequences", "bonus", "amount_note"]),
     ("consequences", "bonus"), "'amount_note' is a required property"),
    ("unknown key in an evaluation",
     lambda d: _set(d, ["evaluations", "quarterly", "output"], ["quarterly_score"]),
     ("evaluations", "quarterly"), "output"),
    ("interpretation missing why",
     lambda d: _del(d, ["interpretations", "penalty-sign", "why"]),
     ("interpretations", "penalty-sign"), "'why' is a required property"),
    ("interpretation ref not kebab-case",
     lambda d: _set(d, ["parameters", "penalty_per_fact", "interpretations"], ["penalty_sign"]),
     ("parameters", "penalty_per_fact", "interpretations", 0), "does not match"),
    ("bad cite",
     lambda d: _set(d, ["parameters", "base_points", "cite"], "paragraph 5"),
     ("parameters", "base_points", "cite"), "is not valid under any"),
    ("status active",
     lambda d: _set(d, ["act", "status"], "active"), ("act", "status"), "is not one of"),
    ("validity date not ISO",
     lambda d: _set(d, ["validity", "from"], "21.05.2017"), ("validity", "from"), "is not valid under any"),
    ("registration without date",
     lambda d: _set(d, ["act", "registration"], {"number": "4701"}),
     ("act", "registration"), "is not valid under any"),
    ("edition not a string",
     lambda d: _set(d, ["edition"], 2017), ("edition",), "is not of type"),
    ("language 2",
     lambda d: _set(d, ["language"], 2), ("language",), "was expected"),
]


def _paths(errs):
    return {tuple(e.absolute_path) for e in errs}


@pytest.mark.parametrize("mutate, path, text", [n[1:] for n in NEGATIVE], ids=[n[0] for n in NEGATIVE])
def test_methodology_mutation_is_rejected(wko, mutate, path, text):
    assert path not in _paths(errors("methodology", wko)), "the unmutated example already fails here"
    doc = copy.deepcopy(wko)
    mutate(doc)
    errs = [e for e in errors("methodology", doc) if tuple(e.absolute_path) == path]
    assert errs, f"no error at {path}; errors:\n{error_report(errors('methodology', doc))}"
    assert any(text in e.message for e in errs), error_report(errs)


# ---------------------------------------------------------------------------------------- test files
DOC_EXAMPLE = """\
methodology: wko-maslikhat@2017
cases:
  - name: a score of exactly 80 is «қанағаттанарлық»
    cite: p.27
    evaluation: quarterly
    input: {execution_violations: 7, labour_violations: 3}
    expect: {score: 80, rating: satisfactory, consequences: [service_record]}
  - name: five plan indicators are refused
    cite: p.12
    evaluation: annual
    input: {quarterly_scores: [100], plan_scores: [4, 4, 4, 4, 4]}
    expect_errors: [{field: plan_scores, contains: at most 4}]
  - name: p.27 band edges
    cite: p.27
    evaluation: quarterly
    columns: {given: [execution_violations, incentive_points], expect: [score, rating]}
    rows:
      - [10, [], 80, satisfactory]
      - [11, [], 78, unsatisfactory]
  - name: a deadline and free output keys
    evaluation: deadlines
    input: {year: 2017, decision_date: 2017-05-05}
    expect: {appeal: 2017-05-19, plan: 2017-01-10, interpretations: [day-counting], quorate: null}
"""


def test_doc_example_tests_file_validates():
    errs = errors("tests", load_yaml(DOC_EXAMPLE))
    assert not errs, error_report(errs)


TEST_NEGATIVE = [
    ("table case with expect",
     lambda d: _set(d, ["cases", 2, "expect"], {"score": 80}), ("cases", 2, "expect"), "should not be valid under"),
    ("table case without rows",
     lambda d: _del(d, ["cases", 2, "rows"]), ("cases", 2), "'rows' is a required property"),
    ("rows without columns",
     lambda d: _set(d, ["cases", 0, "rows"], [[1]]), ("cases", 0, "rows"), "should not be valid under"),
    ("case with neither expect nor expect_errors",
     lambda d: _del(d, ["cases", 0, "expect"]), ("cases", 0), "is not valid under any"),
    ("expect_errors item without contains",
     lambda d: _del(d, ["cases", 1, "expect_errors", 0, "contains"]),
     ("cases", 1, "expect_errors", 0), "'contains' is a required property"),
    ("misspelled case key",
     lambda d: _rename(d, ["cases", 0, "expect"], "expected"), ("cases", 0), "expected"),
    ("bad methodology id",
     lambda d: _set(d, ["methodology"], "wko-maslikhat"), ("methodology",), "does not match"),
    ("expected consequences not a list",
     lambda d: _set(d, ["cases", 0, "expect", "consequences"], "service_record"),
     ("cases", 0, "expect", "consequences"), "is not of type"),
]


@pytest.mark.parametrize("mutate, path, text", [n[1:] for n in TEST_NEGATIVE], ids=[n[0] for n in TEST_NEGATIVE])
def test_tests_mutation_is_rejected(mutate, path, text):
    doc = load_yaml(DOC_EXAMPLE)
    mutate(doc)
    errs = [e for e in errors("tests", doc) if tuple(e.absolute_path) == path]
    assert errs, f"no error at {path}; errors:\n{error_report(errors('tests', doc))}"
    assert any(text in e.message for e in errs), error_report(errs)
