"""Typed inputs (engine/inputs.py), against docs/language.md "inputs".

A raw value (from YAML, JSON or a CSV cell) becomes an exact typed value or an InputError that
names the field and ends with the input's citation in brackets.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from engine.elements.inputs import InputError, InputSpec


def integer(**kw):
    return InputSpec("violations", "integer", cite=("p.20",), **kw)


def coerce_error(spec: InputSpec, raw) -> InputError:
    with pytest.raises(InputError) as info:
        spec.coerce(raw)
    return info.value


PLAN = InputSpec(
    "plan_scores", "list", cite=("p.30", "p.12"),
    items=InputSpec("plan_scores[]", "integer", min=D(2), max=D(5)), min_items=1, max_items=4,
)


# ---------------------------------------------------------------------------------- integer
@pytest.mark.parametrize("raw", ["5", 5, D("5"), " 5 ", "5.0", D("5.00")])
def test_integer_forms(raw):
    value = integer().coerce(raw)
    assert value == 5
    assert isinstance(value, D)


@pytest.mark.parametrize("raw", [D("1.5"), "1.5", "1,5"])
def test_integer_refuses_a_fraction(raw):
    exc = coerce_error(integer(), raw)
    assert "integer" in exc.message
    assert exc.field == "violations"


@pytest.mark.parametrize("raw", [True, False])
def test_boolean_is_not_a_number(raw):
    exc = coerce_error(integer(), raw)
    assert "number" in exc.message


@pytest.mark.parametrize("raw", ["many", "", "   ", [1], {"a": 1}])
def test_integer_refuses_non_numbers(raw):
    coerce_error(integer(), raw)


@pytest.mark.parametrize("raw", ["nan", "NaN", "Infinity", "-inf", "sNaN"])
def test_non_finite_refused(raw):
    coerce_error(integer(), raw)
    coerce_error(InputSpec("x", "decimal"), raw)


@pytest.mark.parametrize("raw", ["1e30", "12345678901234567890123456789"])
def test_huge_integer_is_an_input_error_or_exact(raw):
    # regression: quantize() to exponent 0 raised decimal.InvalidOperation beyond 28 digits
    try:
        value = integer().coerce(raw)
    except InputError:
        return
    assert value == D(raw)


def test_integer_bounds_inclusive():
    spec = integer(min=D(0), max=D(10))
    assert spec.coerce("0") == 0 and spec.coerce("10") == 10
    low = coerce_error(spec, "-1")
    high = coerce_error(spec, "11")
    assert "minimum 0" in low.message and "below" in low.message
    assert "maximum 10" in high.message and "above" in high.message


# ---------------------------------------------------------------------------------- decimal
@pytest.mark.parametrize("raw, want", [
    ("105,5", "105.5"), ("105.5", "105.5"), ("0,4", "0.4"), (D("0.1"), "0.1"), (3, "3"), ("-2,25", "-2.25"),
])
def test_decimal_forms(raw, want):
    value = InputSpec("q", "decimal").coerce(raw)
    assert value == D(want)
    assert isinstance(value, D)


@pytest.mark.parametrize("kind", ["decimal", "integer"])
def test_binary_floats_are_refused(kind):
    # 0.1 as a float is already 0.1000000000000000055511151231257827...: exactness is lost before we see it.
    exc = coerce_error(InputSpec("q", kind), 0.1)
    assert "binary float" in exc.message


def test_decimal_comma_is_exact():
    spec = InputSpec("q", "decimal")
    assert spec.coerce("0,1") + spec.coerce("0,2") == D("0.3")


def test_decimal_bounds():
    spec = InputSpec("q", "decimal", min=D("0.5"), max=D("5"))
    assert spec.coerce("0,5") == D("0.5")
    assert spec.coerce("5") == D(5)
    coerce_error(spec, "0.49")
    coerce_error(spec, "5.0001")


# ---------------------------------------------------------------------------------- boolean
@pytest.mark.parametrize("raw, want", [
    ("true", True), ("True", True), ("yes", True), ("иә", True), ("ИӘ", True), ("да", True), (True, True),
    ("false", False), ("no", False), ("жоқ", False), ("Жоқ", False), ("нет", False), (False, False),
])
def test_booleans(raw, want):
    assert InputSpec("b", "boolean").coerce(raw) is want


@pytest.mark.parametrize("raw", ["maybe", "2", D(2)])
def test_boolean_refuses_others(raw):
    exc = coerce_error(InputSpec("b", "boolean", cite=("p.3",)), raw)
    assert "true or false" in exc.message


# ---------------------------------------------------------------------------------- date
def test_iso_date_text():
    assert InputSpec("d", "date").coerce("2017-03-01") == dt.date(2017, 3, 1)


def test_date_object():
    assert InputSpec("d", "date").coerce(dt.date(2017, 3, 1)) == dt.date(2017, 3, 1)
    value = InputSpec("d", "date").coerce(dt.datetime(2017, 3, 1, 12, 0))
    assert value == dt.date(2017, 3, 1) and type(value) is dt.date


@pytest.mark.parametrize("raw", ["01.03.2017", "2017-02-30", "tomorrow", 20170301])
def test_bad_dates(raw):
    exc = coerce_error(InputSpec("d", "date", cite=("p.36",)), raw)
    assert "YYYY-MM-DD" in exc.message


# ---------------------------------------------------------------------------------- string / enum
def test_string():
    spec = InputSpec("s", "string")
    assert spec.coerce("abc") == "abc"
    assert spec.coerce("") == ""
    assert spec.coerce(D("1.50")) == "1.50"


ENUM = InputSpec("previous_annual_rating", "enum", cite=("p.46",),
                 values=("unsatisfactory", "satisfactory", "effective", "excellent"))


def test_enum_accepts_its_values():
    assert ENUM.coerce("effective") == "effective"
    assert ENUM.coerce(" effective ") == "effective"


@pytest.mark.parametrize("raw", ["excelent", "Effective", True, 3])
def test_enum_errors(raw):
    exc = coerce_error(ENUM, raw)
    assert "not one of" in exc.message
    assert "excellent" in exc.message  # the allowed values are listed
    assert exc.field == "previous_annual_rating"


# ---------------------------------------------------------------------------------- list
def test_list_from_semicolons():
    assert PLAN.coerce("3;4;5") == [D(3), D(4), D(5)]
    assert PLAN.coerce(" 3 ; 4 ") == [D(3), D(4)]


def test_list_from_json_text():
    value = PLAN.coerce("[3, 4]")
    assert value == [D(3), D(4)]
    assert all(isinstance(v, D) for v in value)


def test_list_of_decimals_from_json_text_is_exact():
    spec = InputSpec("q", "list", items=InputSpec("q[]", "decimal"))
    assert spec.coerce("[105.5, 0.1]") == [D("105.5"), D("0.1")]
    assert spec.coerce("105,5;0,1") == [D("105.5"), D("0.1")]


def test_list_from_a_list():
    assert PLAN.coerce([2, "5"]) == [D(2), D(5)]


def test_bad_list_text():
    exc = coerce_error(PLAN, "[3, 4")
    assert "list" in exc.message


def test_not_a_list():
    coerce_error(PLAN, {"a": 1})


def test_min_items():
    exc = coerce_error(PLAN, [])
    assert "at least 1 required" in exc.message
    assert exc.field == "plan_scores"


def test_max_items():
    exc = coerce_error(PLAN, "4;4;4;4;4")
    assert "at most 4 allowed" in exc.message
    assert "5 items" in exc.message


def test_item_limits_are_inclusive():
    assert PLAN.coerce([2, 5, 5, 5]) == [D(2), D(5), D(5), D(5)]


def test_item_out_of_range_mentions_the_index():
    exc = coerce_error(PLAN, [3, 4, 6])
    assert exc.field == "plan_scores"  # errors group by input
    assert "plan_scores[2]" in exc.message
    assert "maximum 5" in exc.message
    assert exc.message.endswith("[p.30, p.12]")


def test_item_of_the_wrong_type_mentions_the_index():
    exc = coerce_error(PLAN, "3;x")
    assert "plan_scores[1]" in exc.message


def test_item_citation_is_not_repeated():
    spec = InputSpec("l", "list", cite=("p.18",), items=InputSpec("l[]", "integer", cite=("p.18",), max=D(5)))
    exc = coerce_error(spec, [6])
    assert exc.message.count("[p.18]") == 1
    assert exc.message.endswith("[p.18]")


# ---------------------------------------------------------------------------------- presence
def test_required_by_default():
    spec = integer()
    assert spec.required
    with pytest.raises(InputError) as info:
        spec.absent()
    assert "required" in info.value.message
    assert info.value.field == "violations"
    assert info.value.message.endswith("[p.20]")


def test_default_applies_and_is_coerced():
    spec = integer(default=0)
    assert not spec.required
    assert spec.absent() == 0 and isinstance(spec.absent(), D)
    assert InputSpec("l", "list", items=InputSpec("l[]", "integer"), default=[]).absent() == []


def test_optional_is_null_when_absent():
    spec = InputSpec("d", "date", optional=True)
    assert not spec.required
    assert spec.absent() is None


def test_empty_cell_of_an_optional_input_is_null():
    assert InputSpec("d", "date", optional=True).coerce("") is None
    assert InputSpec("d", "date", optional=True).coerce(None) is None


def test_empty_cell_of_a_required_input_is_an_error():
    exc = coerce_error(integer(), "")
    assert "required" in exc.message
    exc = coerce_error(integer(), None)
    assert "required" in exc.message


# ---------------------------------------------------------------------------------- messages
@pytest.mark.parametrize("spec, raw", [
    (integer(), "x"),
    (integer(), "1.5"),
    (integer(min=D(0)), "-1"),
    (InputSpec("b", "boolean", cite=("p.20",)), "x"),
    (InputSpec("d", "date", cite=("p.20",)), "x"),
    (InputSpec("e", "enum", cite=("p.20",), values=("a",)), "x"),
    (InputSpec("l", "list", cite=("p.20",), items=InputSpec("l[]", "integer"), max_items=1), "1;2"),
])
def test_messages_end_with_the_citation(spec, raw):
    exc = coerce_error(spec, raw)
    assert exc.message.endswith(" [p.20]")
    assert exc.message.startswith(f"{spec.id}")


def test_no_citation_no_brackets():
    exc = coerce_error(InputSpec("x", "integer"), "y")
    assert "[" not in exc.message


def test_raw_value_is_shown():
    exc = coerce_error(integer(), "many")
    assert "'many'" in exc.message


# ---------------------------------------------------------------------------------- json schema
def test_json_schema_of_a_list():
    schema = PLAN.json_schema()
    assert schema["type"] == "array"
    assert (schema["minItems"], schema["maxItems"]) == (1, 4)
    assert schema["items"]["type"] == "integer"
    assert (schema["items"]["minimum"], schema["items"]["maximum"]) == (2, 5)


def test_json_schema_of_an_optional_enum():
    spec = InputSpec("r", "enum", values=("a", "b"), optional=True)
    schema = spec.json_schema()
    assert {"type": "null"} in schema["anyOf"]
    assert schema["anyOf"][0]["enum"] == ["a", "b"]
