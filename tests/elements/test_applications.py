"""Applications, date windows, refusals and date arithmetic (engine/applications.py, engine/windows.py,
engine/refusals.py, engine/datefns.py), through `contest@1` (tests/comp_fixture.py).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from comp_fixture import load, mutate, write
from engine.language.datefns import year_of, years_between
from engine.evaluation.evaluator import Evaluator
from engine.language.expressions import EvaluationError
from engine.editions.registry import Registry
from engine.editions.yearcal import build

DAY = dt.date.fromisoformat
BASE = {"id": "A", "year": 2021, "member_since": "2018-03-10", "applied_on": "2021-03-10",
        "documents": ["form", "photo"], "form_fields": ["name", "phone"]}


@pytest.fixture()
def contest(tmp_path):
    loaded = load(tmp_path)
    assert not loaded.errors, [f.render(with_source=False) for f in loaded.errors]
    return loaded.methodology


def apply(m, **changes):
    return Evaluator(m, "apply").evaluate({**BASE, **changes})


def codes(loaded):
    return sorted(f.code for f in loaded.findings if f.severity == "error")


# ---------------------------------------------------------------------------------- date arithmetic
@pytest.mark.parametrize("a, b, years", [
    ("2018-01-20", "2021-01-20", 3), ("2018-01-20", "2021-01-19", 2), ("2016-02-29", "2021-02-28", 5),
    ("2016-02-29", "2021-02-27", 4), ("2016-02-29", "2020-02-29", 4), ("2021-01-20", "2018-01-21", -2),
    ("2020-05-25", "2020-05-25", 0),
])
def test_years_between_counts_whole_years_to_the_anniversary(a, b, years):
    assert years_between(DAY(a), DAY(b)) == D(years)


def test_year_of_and_type_errors():
    assert year_of(DAY("2021-04-10")) == D(2021)
    with pytest.raises(EvaluationError):
        years_between(D(1), DAY("2021-01-01"))
    with pytest.raises(EvaluationError):
        year_of("2021")


def test_years_between_is_type_checked(tmp_path):
    text = mutate('expr: "years_between(member_since, applied_on)"', 'expr: "years_between(year, applied_on)"')
    assert "type-mismatch" in codes(load(tmp_path, text))


# ---------------------------------------------------------------------------------- refusals: eligibility
def test_an_admitted_record_has_no_refusals(contest):
    r = apply(contest)
    assert r.ok and r.outputs["eligible"] is True and r.outputs["refusals"] == []
    assert r.outputs["membership_years"] == 3 and r.outputs["complete"] is True and r.outputs["on_time"] is True


def test_an_eligibility_refusal_names_the_paragraph_condition_and_values(contest):
    r = apply(contest, member_since="2018-03-11")
    (refusal,) = r.outputs["refusals"]
    assert refusal["rule"] == "member_three_years" and refusal["kind"] == "eligibility" and refusal["cite"] == ["p.3"]
    assert refusal["condition"] == "membership_years >= min_years"
    assert refusal["values"] == {"membership_years": D(2), "min_years": D(3)}
    assert refusal["message"] == "p.3: a member for three years: not met (requires membership_years >= min_years; membership_years = 2, min_years = 3)"
    assert r.outputs["unmet"] == ["member_three_years"]


def test_the_existing_eligibility_evaluations_report_refusals_too():
    wko = Registry.default().get("wko-maslikhat@2017")
    r = Evaluator(wko, "eligibility").evaluate({"id": "A", "position_start": "2017-01-10", "reference_date": "2017-03-31", "on_probation": True})
    assert [x["rule"] for x in r.outputs["refusals"]] == ["min_tenure", "not_on_probation"]
    assert r.outputs["refusals"][1]["message"].startswith("p.3: not evaluated during the probation period: not met (requires not on_probation")


# ---------------------------------------------------------------------------------- applications
def test_a_missing_document_and_a_missing_field_are_listed_with_their_citations(contest):
    r = apply(contest, documents=["form"], form_fields=["name"])
    assert r.outputs["complete"] is False
    assert [(m["id"], m["cite"]) for m in r.outputs["missing"]] == [("entry_form.phone", ["Annex 1"]), ("photo", ["p.5(2)"])]
    (refusal,) = r.outputs["refusals"]
    assert refusal["rule"] == "entry" and refusal["missing"] == ["entry_form.phone", "photo"]
    assert refusal["message"] == "p.5: the entry: incomplete, missing entry_form.phone (Annex 1), photo (p.5(2))"


def test_optional_items_and_fields_are_never_missing(contest):
    r = apply(contest, documents=["form", "photo", "references"], form_fields=["name", "phone", "awards"])
    assert r.outputs["complete"] is True and r.outputs["missing"] == []


def test_a_missing_form_is_listed_whole_not_field_by_field(contest):
    r = apply(contest, documents=["photo"], form_fields=[])
    assert [m["id"] for m in r.outputs["missing"]] == ["form"]


def test_an_unknown_document_or_field_is_an_error(contest):
    r = apply(contest, documents=["form", "photo", "cv"])
    assert [e.field for e in r.errors] == ["documents"] and "'cv' is not a document of 'entry'" in r.errors[0].message
    r = apply(contest, form_fields=["name", "phone", "email"])
    assert [e.field for e in r.errors] == ["form_fields"] and "'email' is not a field of form 'entry_form' [Annex 1]" in r.errors[0].message


@pytest.mark.parametrize("old, new, code", [
    ("given: documents", "given: documents_list", "ref-undefined"),
    ("given: documents", "given: year", "type-mismatch"),
    ("form: entry_form, fields_given", "form: entry_forms, fields_given", "ref-undefined"),
    ("      - {id: photo, cite: p.5(2)", "      - {id: form, cite: p.5(2)", "item-duplicate"),
    ("    applications: [entry]", "    applications: [entri]", "ref-undefined"),
])
def test_application_checks(tmp_path, old, new, code):
    assert code in codes(load(tmp_path, mutate(old, new)))


def test_a_document_without_fields_needs_a_content_note(tmp_path):
    text = mutate("content_note: the annex gives no description}", "interpretations: []}")
    assert "schema" in codes(load(tmp_path, text))


# ---------------------------------------------------------------------------------- windows
@pytest.mark.parametrize("day, on_time", [("2021-03-01", True), ("2021-03-15", True), ("2021-02-28", False), ("2021-03-16", False), ("2020-03-10", False)])
def test_window_edges_are_both_included(contest, day, on_time):
    r = apply(contest, applied_on=day, member_since="2010-01-01")
    assert r.outputs["on_time"] is on_time
    (w,) = r.outputs["windows"]
    assert (w["opens"], w["closes"], w["within"]) == (DAY("2021-03-01"), DAY("2021-03-15"), on_time)


def test_a_date_outside_the_window_is_refused_with_the_dates(contest):
    r = apply(contest, applied_on="2021-03-16", member_since="2010-01-01")
    (refusal,) = r.outputs["refusals"]
    assert refusal["kind"] == "window" and refusal["date"] == DAY("2021-03-16")
    assert refusal["message"] == "p.4: applications 1-15 March: applied_on 2021-03-16 is outside the window 2021-03-01 … 2021-03-15 (after it closes)"
    assert "both-ends" in r.interpretations


def test_refusals_come_in_order_eligibility_windows_applications(contest):
    r = apply(contest, applied_on="2021-02-01", documents=[])
    assert [x["kind"] for x in r.outputs["refusals"]] == ["eligibility", "window", "application"]


def test_a_window_of_months_runs_from_the_first_to_the_last_day(contest):
    r = Evaluator(contest, "deadlines").evaluate({"id": "y", "year": 2024})
    assert r.outputs["windows"] == [{"id": "heats", "opens": DAY("2024-04-01"), "closes": DAY("2024-05-31")}]
    assert "refusals" not in r.outputs and "on_time" not in r.outputs  # a window without a date checks nothing


def test_the_calendar_lists_the_first_and_last_day_of_a_window(tmp_path):
    write(tmp_path)
    reg = Registry.default([tmp_path])
    from engine.editions.in_time import Editions

    eds = Editions(reg)
    cal = build("contest@1", 2021, {}, reg, lambda day: eds.named("contest@1", day))
    names = [(e.date, e.deadline) for e in cal.entries]
    assert (DAY("2021-04-01"), "heats.opens") in names and (DAY("2021-05-31"), "heats.closes") in names


@pytest.mark.parametrize("old, new, code", [
    ("opens: opens, closes: closes, date: applied_on", "opens: openz, closes: closes, date: applied_on", "ref-undefined"),
    ("opens: opens, closes: closes, date: applied_on", "opens: opens, closes: closes, date: year", "type-mismatch"),
    ("months: {from: 4, to: 5}", "months: {from: 5, to: 4}", "window-empty"),
    ("months: {from: 4, to: 5}, year: year", "months: {from: 4, to: 5}, year: year, opens: opens", "schema"),
    ("    windows: [applications_window]", "    windows: [application_window]", "ref-undefined"),
    ("    inputs: [year, member_since, applied_on, documents, form_fields]", "    inputs: [year, member_since, documents, form_fields]", "input-not-listed"),
])
def test_window_checks(tmp_path, old, new, code):
    assert code in codes(load(tmp_path, mutate(old, new)))
