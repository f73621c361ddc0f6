"""Organisations (engine/orgs.py, `adisteme org ...`) and evaluating by organisation and period.

The history database is a temporary file in every test (ADISTEME_DB), never the user's.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from editions_fixture import invoke
from editions_fixture import make_orgs, make_testfam
from engine.editions.in_time import Editions
from engine.history.organisations import (ORG_ENV_VAR, OrgError, answer_on, bind, load_organisations, registered, resolve_on,
                                          resolve_period)
from engine.history.runs import load_org
from engine.history.storage import open_storage
from engine.calendar.periods import Period
from engine.editions.registry import ENV_VAR, Registry

ROOT = Path(__file__).resolve().parents[2]
QUARTERLY = ROOT / "examples" / "wko-maslikhat" / "quarterly-2017.csv"
D = dt.date.fromisoformat




# -- the bundled registry ---------------------------------------------------------------------------
def test_bundled_registry_names_the_organisations_of_the_five_acts():
    orgs = load_organisations()
    assert set(orgs) == {"wko-maslikhat-apparatus", "mne-rk", "zhualy-akim-apparatus", "zhanibek-akim-apparatus", "almaty-education-department"}
    eds = Editions(Registry.default())
    for o in orgs.values():
        assert o.name["kk"] and o.name["en"] and o.region["kk"] and o.region["en"] and o.kind and o.source
        assert o.bindings, o.id
        for b in o.bindings:
            assert b.family in eds.families() and b.reason
            if b.edition:
                assert f"{b.family}@{b.edition}" in Registry.default().files()


@pytest.mark.parametrize("org, day, methodology", [
    ("wko-maslikhat-apparatus", "2017-05-15", "wko-maslikhat@2017"),
    ("mne-rk", "2017-12-31", "mne@2017"),
])
def test_bundled_pins(org, day, methodology):
    r = resolve_on(load_organisations()[org], D(day), Editions(Registry.default()))
    assert r.methodology_id == methodology and r.how == "pinned"
    assert any("validity dates are unknown" in w for w in r.why)


def test_zhualy_apparatus_resolves_by_date_to_the_encoded_edition():
    r = resolve_on(load_organisations()["zhualy-akim-apparatus"], D("2019-01-01"), Editions(Registry.default()))
    assert r.methodology_id == "zhualy@2018" and r.how != "pinned"
    result = invoke("org", "show", "zhualy-akim-apparatus", "--as-of", "2019-01-01")
    assert result.exit_code == 0 and "zhualy@2018" in result.output and "earliest-dates" in result.output


@pytest.mark.parametrize("org, day, needle", [
    ("zhanibek-akim-apparatus", "2022-06-30", "zhanibek: on 2022-06-30 resolution No. 54 of 28.03.2018 was in force; that edition is not encoded"),
    ("zhualy-akim-apparatus", "2018-01-01", "zhualy: on 2018-01-01 resolution No. 58 of 27.02.2017 was in force; that edition is not encoded"),
    ("almaty-education-department", "2020-05-24", "almaty-education-department: no methodology family is bound on 2020-05-24"),
    ("wko-maslikhat-apparatus", "2016-12-31", "wko-maslikhat-apparatus: no methodology family is bound on 2016-12-31"),
])
def test_org_show_says_what_governed_the_date(org, day, needle):
    result = invoke("org", "show", org, "--as-of", day)
    assert result.exit_code == 1 and needle in result.output


def test_almaty_department_resolves_to_the_encoded_2020_edition():
    r = resolve_on(load_organisations()["almaty-education-department"], D("2021-04-15"), Editions(Registry.default()))
    assert r.methodology_id == "almaty-teacher-awards@2020" and r.how != "pinned"


def test_org_show_explains_a_pin():
    result = invoke("org", "show", "wko-maslikhat-apparatus", "--as-of", "2017-05-15")
    assert result.exit_code == 0, result.output
    assert "wko-maslikhat@2017 (pinned" in result.output and "interpretation draft-status" in result.output
    assert "from 2017-01-01: wko-maslikhat@2017 (pinned), by adisteme bundled registry" in result.output
    data = json.loads(invoke("org", "show", "wko-maslikhat-apparatus", "--as-of", "2017-05-15", "--format", "json").output)
    assert data["applies"]["methodology"] == "wko-maslikhat@2017" and data["applies"]["binding"]["edition"] == "2017"


def test_org_list():
    result = invoke("org", "list")
    assert result.exit_code == 0 and "zhanibek-akim-apparatus" in result.output and "Жуалы ауданы әкімінің аппараты" in result.output
    data = json.loads(invoke("org", "list", "--format", "json").output)
    assert {o["id"] for o in data} >= {"mne-rk", "almaty-education-department"}


def test_every_org_command_has_an_example():
    for args in (["org"], ["org", "list"], ["org", "show"], ["org", "bind"], ["evaluate"]):
        assert "Example" in invoke(*args, "--help").output, args


# -- bindings kept as history -------------------------------------------------------------------------
def test_bind_keeps_the_history_and_switches_from_its_date(tmp_path):
    result = invoke("org", "bind", "wko-maslikhat-apparatus", "wko-maslikhat", "--from", "2018-01-01",
                    "--reason", "still no later act", "--by", "A. Seitkali, HR")
    assert result.exit_code == 0, result.output
    assert "pinned" not in result.output.splitlines()[0]
    shown = invoke("org", "show", "wko-maslikhat-apparatus", "--as-of", "2018-03-01")
    # the new binding has no pin: the edition would be chosen by date, and wko's dates are unknown
    assert shown.exit_code == 1 and "validity dates of wko-maslikhat@2017 are unknown" in shown.output
    assert "name the edition explicitly" in shown.output
    assert "from 2018-01-01: wko-maslikhat (edition by date), by A. Seitkali, HR on " in shown.output
    assert "why: still no later act" in shown.output
    # before the switch the bundled pin still applies
    assert invoke("org", "show", "wko-maslikhat-apparatus", "--as-of", "2017-12-31").exit_code == 0
    # a second binding from the same day, pinned, wins over the first (recorded later)
    assert invoke("org", "bind", "wko-maslikhat-apparatus", "wko-maslikhat", "--from", "2018-01-01", "--edition", "2017",
                  "--reason", "pinned: dates unknown", "--by", "A. Seitkali, HR").exit_code == 0
    data = json.loads(invoke("org", "show", "wko-maslikhat-apparatus", "--as-of", "2018-03-01", "--format", "json").output)
    assert data["applies"]["methodology"] == "wko-maslikhat@2017" and data["applies"]["how"] == "pinned"
    history = [(b["from"], b["edition"], b["by"], b["reason"]) for b in data["bindings"]]
    assert history == [("2017-01-01", "2017", "adisteme bundled registry", history[0][3]),
                       ("2018-01-01", None, "A. Seitkali, HR", "still no later act"),
                       ("2018-01-01", "2017", "A. Seitkali, HR", "pinned: dates unknown")]
    assert all(b["recorded_at"] for b in data["bindings"][1:])


@pytest.mark.parametrize("args, needle", [
    (["nobody", "wko-maslikhat", "--from", "2018-01-01", "--reason", "r", "--by", "me"], "no organisation 'nobody'"),
    (["mne-rk", "nofamily", "--from", "2018-01-01", "--reason", "r", "--by", "me"], "no methodology family 'nofamily'"),
    (["mne-rk", "mne", "--from", "2018-01-01", "--edition", "2099", "--reason", "r", "--by", "me"], "no edition '2099'"),
    (["mne-rk", "zhanibek", "--from", "2018-01-01", "--edition", "2018", "--reason", "r", "--by", "me"], "zhanibek@2018 (resolution No. 54 of 28.03.2018) is not encoded"),
    (["mne-rk", "mne", "--from", "01.01.2018", "--reason", "r", "--by", "me"], "is not a date"),
    (["mne-rk", "mne", "--from", "2018-01-01", "--reason", " ", "--by", "me"], "must not be empty"),
    (["mne-rk", "mne", "--from", "2018-01-01", "--by", "me"], "--reason"),
    (["mne-rk", "mne", "--from", "2018-01-01", "--reason", "r"], "--by"),
])
def test_bind_refuses(args, needle):
    result = invoke("org", "bind", *args)
    assert result.exit_code == 2 and needle in result.output
    assert "Traceback" not in result.output


def test_bind_to_a_family_that_is_not_encoded_warns(tmp_path):
    result = invoke("org", "bind", "mne-rk", "zhanibek", "--from", "2022-05-01", "--reason", "test", "--by", "me")
    assert result.exit_code == 0 and "warning: recorded, but on 2022-05-01 no encoded edition applies" in result.output


def test_bind_to_a_family_whose_act_is_encoded_names_the_edition(tmp_path):
    result = invoke("org", "bind", "mne-rk", "zhanibek", "--from", "2023-05-01", "--reason", "test", "--by", "me")
    assert result.exit_code == 0 and "on 2023-05-01: zhanibek@2023 (date)" in result.output and "warning" not in result.output


# -- a switch mid-year between two encoded editions -----------------------------------------------------
@pytest.fixture()
def switching(tmp_path, monkeypatch):
    """test-org: wko-maslikhat@2017 (pinned) in the first half of 2017, testfam by date from 2017-07-01."""
    md = make_testfam(tmp_path)
    orgs = make_orgs(tmp_path, "      - {family: wko-maslikhat, from: 2017-01-01, edition: \"2017\", reason: 'dates unknown, pinned'}\n")
    monkeypatch.setenv(ORG_ENV_VAR, str(orgs))
    monkeypatch.setenv(ENV_VAR, str(md))
    assert invoke("org", "bind", "test-org", "testfam", "--from", "2017-07-01", "--reason", "moved to the new order", "--by", "HR").exit_code == 0
    return md


@pytest.mark.parametrize("period, methodology", [("2017-Q2", "wko-maslikhat@2017"), ("2017-Q3", "testfam@2018"), ("2018-Q4", "testfam@2018")])
def test_switch_mid_year_quarters(switching, period, methodology):
    result = invoke("evaluate", "--org", "test-org", "--period", period, "quarterly", "-i", QUARTERLY, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data["methodology"] == methodology and data["resolution"]["methodology"] == methodology
    assert data["organisation"] == "test-org" and data["period"] == period


def test_switch_mid_year_the_year_straddles_visibly(switching):
    result = invoke("evaluate", "--org", "test-org", "--period", "2017", "annual", "-i", ROOT / "examples" / "wko-maslikhat" / "annual-2017.yaml", "--format", "json")
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data["methodology"] == "testfam@2018"
    assert [s["methodology"] for s in data["resolution"]["segments"]] == ["wko-maslikhat@2017", "testfam@2018"]
    note = data["resolution"]["notes"][0]
    assert "the period 2017 straddles editions" in note and "2017-01-01…2017-06-30: wko-maslikhat@2017" in note and "last day" in note
    assert "the period 2017 straddles editions" in result.stderr


def test_resolve_period_api(switching):
    org = load_organisations()["test-org"]
    from engine.history.storage import open_storage

    org = org.with_history(open_storage().bindings("test-org"))
    eds = Editions(Registry.default())
    assert resolve_period(org, Period.parse("2017-Q1"), eds).methodology_id == "wko-maslikhat@2017"
    assert resolve_period(org, Period.parse("2017-Q3"), eds).binding.reason == "moved to the new order"


def test_pinned_edition_outside_its_dates_is_refused(switching):
    assert invoke("org", "bind", "test-org", "testfam", "--from", "2017-10-01", "--edition", "2017", "--reason", "keep old", "--by", "HR").exit_code == 0
    result = invoke("org", "show", "test-org", "--as-of", "2017-10-01")
    assert result.exit_code == 1 and "testfam@2017 (order No. 2 of 01.01.2017) was not in force on 2017-10-01" in result.output


# -- evaluate by organisation and period -----------------------------------------------------------------
def test_evaluate_by_org_and_period():
    result = invoke("evaluate", "--org", "wko-maslikhat-apparatus", "--period", "2017-Q2", "quarterly", "-i", QUARTERLY)
    assert result.exit_code == 0, result.output
    assert "evaluated with wko-maslikhat@2017 (pinned" in result.stderr and "interpretation draft-status" in result.stderr


def test_explicit_methodology_must_agree_with_the_org(switching):
    result = invoke("evaluate", "wko-maslikhat@2017", "quarterly", "--org", "test-org", "--period", "2017-Q3", "-i", QUARTERLY)
    assert result.exit_code == 2 and "bound to family 'testfam'" in result.output
    result = invoke("evaluate", "testfam@2017", "quarterly", "--org", "test-org", "--period", "2017-Q3", "-i", QUARTERLY)
    assert result.exit_code == 2 and "was not in force" in result.output
    ok = invoke("evaluate", "testfam@2018", "quarterly", "--org", "test-org", "--period", "2017-Q3", "-i", QUARTERLY)
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize("args, needle", [
    (["--org", "wko-maslikhat-apparatus", "quarterly"], "--org needs --period"),
    (["--org", "nobody", "--period", "2017-Q1", "quarterly"], "no organisation 'nobody'"),
    (["--org", "wko-maslikhat-apparatus", "--period", "2017-Q5", "quarterly"], "is not a period"),
    (["--org", "zhanibek-akim-apparatus", "--period", "2022-Q2", "quarterly"], "resolution No. 54 of 28.03.2018 was in force; that edition is not encoded"),
    (["--period", "2017-Q1", "quarterly"], "name a METHODOLOGY"),
    (["mne", "quarterly", "--save"], "--save needs --org"),
])
def test_evaluate_by_org_refuses(args, needle):
    result = invoke("evaluate", *args, "-i", QUARTERLY)
    assert result.exit_code == 2 and needle in result.output, result.output


def test_a_quarter_straddling_two_resolutions_is_evaluated_under_the_later_visibly():
    # Zhanibek No. 54 (not encoded) governed until 12.04.2023 and No. 42 from 13.04.2023: 2023-Q2 straddles them.
    # acts.yaml's straddle rule is the edition in force on the period's last day (30.06.2023), i.e. zhanibek@2023.
    result = invoke("evaluate", "--org", "zhanibek-akim-apparatus", "--period", "2023-Q2", "ranking",
                    "-i", ROOT / "examples" / "zhanibek" / "ranking-2023-2024.csv")
    assert result.exit_code == 0, result.output
    assert "evaluated with zhanibek@2023" in result.stderr
    assert "straddles editions" in result.stderr and "2023-04-13" in result.stderr and "No. 54" in result.stderr


def test_the_old_form_still_works_and_an_explicit_period_checks_nothing_it_cannot():
    assert invoke("evaluate", "wko-maslikhat@2017", "quarterly", "-i", QUARTERLY).exit_code == 0
    result = invoke("evaluate", "mne@2017", "quarterly", "--period", "2017-Q1", "-i", ROOT / "examples" / "mne" / "quarterly-2017.csv")
    assert result.exit_code == 0 and "its validity dates are unknown" in result.stderr


# -- the same, through the engine: bind, answer_on, registered --------------------------------------------
def test_bind_records_the_binding_and_says_what_applies_on_its_day(tmp_path):
    store = open_storage(tmp_path / "h.sqlite3")
    org = load_org("mne-rk", store)
    bound = bind(org, "zhanibek", D("2023-05-01"), None, "  test  ", " me ", store, Registry.default())
    assert (bound.binding.reason, bound.binding.by) == ("test", "me")  # said without the spaces around
    # No. 42 is in force from 13.04.2023 (zhanibek's acts.yaml and its edition's validity)
    assert bound.resolution.methodology_id == "zhanibek@2023" and bound.problem is None
    assert [b.family for b in store.bindings("mne-rk")] == ["zhanibek"]


def test_a_binding_no_encoded_edition_serves_yet_is_still_recorded(tmp_path):
    store = open_storage(tmp_path / "h.sqlite3")
    bound = bind(load_org("mne-rk", store), "zhanibek", D("2022-05-01"), None, "test", "me", store, Registry.default())
    assert bound.resolution is None and bound.problem.kind == "not-encoded"  # No. 54 governed 2022
    assert len(store.bindings("mne-rk")) == 1


@pytest.mark.parametrize("family, edition, reason, needle", [
    ("nofamily", None, "r", "no methodology family 'nofamily'"),
    ("mne", None, " ", "--reason and --by must not be empty"),
    ("zhanibek", "2018", "r", "zhanibek@2018 (resolution No. 54 of 28.03.2018) is not encoded"),
])
def test_a_refused_binding_is_not_recorded(tmp_path, family, edition, reason, needle):
    store = open_storage(tmp_path / "h.sqlite3")
    with pytest.raises(OrgError, match=re.escape(needle)):
        bind(load_org("mne-rk", store), family, D("2023-05-01"), edition, reason, "me", store, Registry.default())
    assert store.bindings("mne-rk") == []


def test_answer_on_gives_the_error_with_its_interpretations():
    org = load_organisations()["zhanibek-akim-apparatus"]
    eds = Editions(Registry.default())
    assert answer_on(org, D("2023-05-01"), eds)["methodology"] == "zhanibek@2023"
    none = answer_on(org, D("2022-06-30"), eds)
    assert none["kind"] == "not-encoded" and none["act"] == "resolution No. 54 of 28.03.2018"
    assert set(none) == {"error", "kind", "act", "interpretations"}


def test_registered_adds_each_recorded_binding_to_its_own_organisation(tmp_path):
    store = open_storage(tmp_path / "h.sqlite3")
    store.add_binding("mne-rk", "zhanibek", D("2023-05-01"), None, "test", "me")
    orgs = {o.id: o for o in registered(store.bindings())}
    assert set(orgs) == set(load_organisations())
    assert [b.family for b in orgs["mne-rk"].bindings][-1] == "zhanibek"
    assert all(b.organisation == o.id for o in orgs.values() for b in o.bindings)
    assert len(orgs["wko-maslikhat-apparatus"].bindings) == len(load_organisations()["wko-maslikhat-apparatus"].bindings)
