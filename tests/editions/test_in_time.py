"""Editions in time (engine/editions.py): family + date -> the edition in force, or a loud error.

Every validity edge is tested on both sides, for the bundled families (whose dates come from the
acts.yaml files and their interpretations) and for a test family with encoded dated editions.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from editions_fixture import make_testfam
from engine.editions.in_time import EditionError, Editions, check_acts_file, over_period
from engine.calendar.periods import Period, PeriodError
from engine.editions.registry import ENV_VAR, Registry, load_methodology

ROOT = Path(__file__).resolve().parents[2]
D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def no_extra_methodologies(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def bundled() -> Editions:
    return Editions(Registry.default())


@pytest.fixture()
def testfam(tmp_path) -> Editions:
    return Editions(Registry.default([make_testfam(tmp_path)]))


def error(eds: Editions, family: str, day: str) -> EditionError:
    with pytest.raises(EditionError) as info:
        eds.resolve(family, D(day))
    return info.value


# -- the bundled acts files ---------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted((ROOT / "methodologies").glob("*/acts.yaml")), ids=lambda p: p.parent.name)
def test_bundled_acts_files_are_clean(path):
    fa, findings = check_acts_file(path)
    assert fa is not None and not findings, [f.render(with_source=False) for f in findings]
    assert path.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=../../schemas/acts.schema.json"


def test_every_act_of_the_five_seeds_is_known(bundled):
    assert set(bundled.families()) == {"wko-maslikhat", "mne", "zhualy", "zhanibek", "almaty-teacher-awards"}
    names = {e.name for f in bundled.families() for e in bundled.timeline(f)}
    for needle in ("No. 58 of 27.02.2017", "No. 128 of 20.04.2018", "No. 54 of 28.03.2018", "No. 42 of 13.04.2023", "No. 2/161 of 19.05.2020"):
        assert any(needle in n for n in names), needle


def test_acts_files_are_not_editions():
    assert all(not mid.endswith("@acts") for mid in Registry.default().files())


# -- zhanibek: No. 54 (2018-03-28 …), No. 42 (2023-04-13 … 2024-09-23), repealed by No. 126 ---------
def test_the_issue_example_message(bundled):
    e = error(bundled, "zhanibek", "2022-06-30")
    assert str(e).startswith("zhanibek: on 2022-06-30 resolution No. 54 of 28.03.2018 was in force; that edition is not encoded")
    assert e.kind == "not-encoded" and [r.id for r in e.readings] == ["earliest-dates"]


@pytest.mark.parametrize("day, kind, act", [
    ("2018-03-27", "before-first", "No. 54"),
    ("2018-03-28", "not-encoded", "No. 54"),
    ("2023-04-12", "not-encoded", "No. 54"),
    ("2024-09-24", "repealed", "No. 42"),
    ("2030-01-01", "repealed", "No. 42"),
])
def test_zhanibek_edges(bundled, day, kind, act):
    e = error(bundled, "zhanibek", day)
    assert e.kind == kind and act in e.act
    if kind == "repealed":
        assert "repealed by resolution No. 126 of 13.09.2024" in str(e) and "in force to 2024-09-23" in str(e)
        assert "repeal-ends-methodology" in [r.id for r in e.readings]


@pytest.mark.parametrize("day", ["2023-04-13", "2023-12-31", "2024-09-23"])
def test_zhanibek_2023_is_encoded_and_resolves_by_date(bundled, day):
    r = bundled.resolve("zhanibek", D(day))
    assert r.methodology_id == "zhanibek@2023"
    assert [x.id for x in r.readings] == ["earliest-dates", "repeal-ends-methodology"]  # the file's own validity


def test_the_edition_before_2023_is_not_a_fallback(bundled):
    # asking for the edition in force before No. 42 names resolution No. 54 and never falls back to 2023
    e = error(bundled, "zhanibek", "2020-01-01")
    assert e.kind == "not-encoded" and "resolution No. 54 of 28.03.2018" in str(e) and "zhanibek@2023" not in str(e)


# -- zhualy: No. 58 (2017-03-28 … 2018-05-08), No. 128 = zhualy@2018 (2018-05-09 … 2023-06-08), repealed by No. 142 --
@pytest.mark.parametrize("day, kind, act", [
    ("2017-03-27", "before-first", "No. 58"),
    ("2017-03-28", "not-encoded", "No. 58"),
    ("2018-05-08", "not-encoded", "No. 58"),
    ("2023-06-09", "repealed", "No. 128"),
])
def test_zhualy_edges(bundled, day, kind, act):
    e = error(bundled, "zhualy", day)
    assert e.kind == kind and act in e.act
    if kind == "repealed":
        assert "repealed by resolution No. 142 of 09.06.2023" in str(e)


@pytest.mark.parametrize("day", ["2018-05-09", "2020-12-31", "2023-06-08"])
def test_zhualy_2018_is_encoded_and_resolves_by_date(bundled, day):
    r = bundled.resolve("zhualy", D(day))
    assert r.methodology_id == "zhualy@2018"
    assert [x.id for x in r.readings] == ["earliest-dates"]  # the dates rest on the file's own interpretation


# -- almaty: No. 2/161 from 2020-05-25, no repeal known; encoded as almaty-teacher-awards@2020 -------
def test_almaty_before_the_first_act(bundled):
    e = error(bundled, "almaty-teacher-awards", "2020-05-24")
    assert e.kind == "before-first"


@pytest.mark.parametrize("day", ["2020-05-25", "2021-04-15", "2040-01-01"])
def test_almaty_2020_is_encoded_and_resolves_by_date(bundled, day):
    r = bundled.resolve("almaty-teacher-awards", D(day))
    assert r.methodology_id == "almaty-teacher-awards@2020"
    assert [x.id for x in r.readings] == ["earliest-dates"]  # the dates rest on the file's own interpretation


# -- wko and mne: validity unknown; never resolved by date ----------------------------------------
@pytest.mark.parametrize("family, interpretation", [("wko-maslikhat", "draft-status"), ("mne", "status-unknown")])
@pytest.mark.parametrize("day", ["2016-01-01", "2017-06-30", "2030-12-31"])
def test_unknown_dates_never_resolve_by_date(bundled, family, interpretation, day):
    e = error(bundled, family, day)
    assert e.kind == "unknown-dates"
    assert "validity dates of" in str(e) and "are unknown" in str(e)
    assert f"name the edition explicitly (e.g. {family}@2017)" in str(e) and "--edition" in str(e)
    assert [r.id for r in e.readings] == [interpretation]


def test_named_edition_with_unknown_dates_is_used_and_says_so(bundled):
    r = bundled.named("wko-maslikhat@2017", D("2017-05-15"))
    assert r.methodology_id == "wko-maslikhat@2017" and r.how == "named"
    assert any("validity dates are unknown" in n for n in r.notes)
    assert [x.id for x in r.readings] == ["draft-status"]


def test_unknown_family(bundled):
    e = error(bundled, "nowhere", "2020-01-01")
    assert e.kind == "unknown-family" and "zhanibek" in str(e)


# -- a family with encoded, dated editions ----------------------------------------------------------
@pytest.mark.parametrize("day, expected", [
    ("2017-01-01", "testfam@2017"),
    ("2017-06-30", "testfam@2017"),   # 2017 has no `to`: it ends the day before 2018 starts
    ("2017-07-01", "testfam@2018"),
    ("2018-12-31", "testfam@2018"),
])
def test_encoded_edges(testfam, day, expected):
    r = testfam.resolve("testfam", D(day))
    assert r.methodology_id == expected and r.how == "date"
    assert str(D(day)) in r.why[0]


@pytest.mark.parametrize("day, kind", [
    ("2015-12-31", "before-first"),
    ("2016-01-01", "not-encoded"),
    ("2016-12-31", "not-encoded"),
    ("2019-01-01", "gap"),
    ("2019-12-31", "gap"),
    ("2020-01-01", "not-encoded"),
    ("2020-12-31", "not-encoded"),
    ("2021-01-01", "repealed"),
])
def test_encoded_family_errors(testfam, day, kind):
    e = error(testfam, "testfam", day)
    assert e.kind == kind
    if kind == "gap":
        assert "order No. 3 of 01.07.2017 was in force to 2018-12-31 and order No. 8 of 01.01.2020 from 2020-01-01" in str(e)
    if kind == "repealed":
        assert "repealed by order No. 9 of 25.12.2020" in str(e)


def test_repealed_by_in_a_methodology_file_validates(tmp_path):
    md = make_testfam(tmp_path)
    loaded = load_methodology(md / "testfam" / "2018.yaml")
    assert not loaded.errors, [f.render(with_source=False) for f in loaded.errors]
    assert loaded.methodology.validity["repealed_by"]["name"] == "order No. 7 of 20.12.2018"


def test_named_edition_outside_its_dates_is_refused(testfam):
    with pytest.raises(EditionError) as info:
        testfam.named("testfam@2017", D("2017-07-01"))
    assert info.value.kind == "not-in-force" and "2017-01-01 to 2017-06-30" in str(info.value)
    assert testfam.named("testfam@2017", D("2017-06-30")).methodology_id == "testfam@2017"


def test_acts_file_must_not_repeat_dates_of_an_encoded_edition(tmp_path):
    md = make_testfam(tmp_path)
    acts = md / "testfam" / "acts.yaml"
    acts.write_text(acts.read_text(encoding="utf-8").replace(
        '    name: order No. 2 of 01.01.2017\n', '    name: order No. 2 of 01.01.2017\n    valid_from: 2017-01-01\n'), encoding="utf-8")
    with pytest.raises(EditionError) as info:
        Editions(Registry.default([md])).resolve("testfam", D("2017-03-01"))
    assert info.value.kind == "data" and "its dates come from its methodology" in str(info.value)


def test_overlapping_editions_are_refused(tmp_path):
    md = make_testfam(tmp_path)
    f = md / "testfam" / "2017.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("  from: 2017-01-01\n  to: null\n", "  from: 2017-01-01\n  to: 2017-12-31\n"), encoding="utf-8")
    with pytest.raises(EditionError) as info:
        Editions(Registry.default([md])).resolve("testfam", D("2017-03-01"))
    assert info.value.kind == "data" and "overlap" in str(info.value)


@pytest.mark.parametrize("change, code", [
    (lambda t: t.replace("family: testfam", "family: other"), "id-mismatch"),
    (lambda t: t.replace("interpretations: [test-dates]", "interpretations: [no-such]", 1), "interpretation-undefined"),
    (lambda t: t.replace("valid_to: 2016-12-31", "valid_to: 2015-12-31"), "dates-order"),
    (lambda t: t.replace('supersedes: ["2016"]', 'supersedes: ["1999"]'), "ref-undefined"),
    (lambda t: t.replace("    source: test\n    valid_from: 2016-01-01", "    source: test\n    valid_form: 2016-01-01"), "schema-unknown-key"),
])
def test_acts_file_checks(tmp_path, change, code):
    md = make_testfam(tmp_path)
    acts = md / "testfam" / "acts.yaml"
    acts.write_text(change(acts.read_text(encoding="utf-8")), encoding="utf-8")
    _, findings = check_acts_file(acts)
    assert code in {f.code for f in findings}, [f.render(with_source=False) for f in findings]
    result = CliRunner().invoke(cli.main, ["validate", str(acts)])  # `adisteme validate` checks acts files too
    assert result.exit_code == 1 and f"[{code}]" in result.output and f"{acts}:" in result.output


# -- periods -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, start, end", [
    ("2017", "2017-01-01", "2017-12-31"), ("2017-Q1", "2017-01-01", "2017-03-31"), ("2017-q2", "2017-04-01", "2017-06-30"),
    ("2017-Q3", "2017-07-01", "2017-09-30"), ("2017-Q4", "2017-10-01", "2017-12-31"), ("2020-Q1", "2020-01-01", "2020-03-31"),
])
def test_periods(text, start, end):
    p = Period.parse(text)
    assert (p.start, p.end) == (D(start), D(end))


@pytest.mark.parametrize("text", ["2017-Q5", "17", "2017-06", "Q1-2017", ""])
def test_bad_periods(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_a_quarter_inside_one_edition_has_one_segment(testfam):
    r = over_period(lambda d: testfam.resolve("testfam", d), Period.parse("2017-Q2"), testfam.straddle_rule)
    assert r.methodology_id == "testfam@2017" and len(r.segments) == 1 and not r.notes


def test_a_year_straddling_two_editions_uses_the_last_day_and_says_so(testfam):
    r = over_period(lambda d: testfam.resolve("testfam", d), Period.parse("2017"), testfam.straddle_rule)
    assert r.methodology_id == "testfam@2018"
    assert [(s["from"], s["to"], s["methodology"]) for s in r.segments] == [
        (D("2017-01-01"), D("2017-06-30"), "testfam@2017"), (D("2017-07-01"), D("2017-12-31"), "testfam@2018")]
    assert "straddles" in r.notes[0] and "last day" in r.notes[0]
    assert "straddle-rule" in [x.id for x in r.readings]


def test_a_family_may_refuse_straddling_periods(tmp_path):
    eds = Editions(Registry.default([make_testfam(tmp_path, straddle="error")]))
    with pytest.raises(EditionError) as info:
        over_period(lambda d: eds.resolve("testfam", d), Period.parse("2017"), eds.straddle_rule)
    assert info.value.kind == "straddle" and "testfam@2017" in str(info.value) and "testfam@2018" in str(info.value)


def test_a_straddling_period_whose_last_day_has_no_edition_fails(testfam):
    with pytest.raises(EditionError) as info:
        over_period(lambda d: testfam.resolve("testfam", d), Period.parse("2016"), testfam.straddle_rule)
    assert "not encoded" in str(info.value)


def test_acts_command(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli.main, ["acts"])
    assert result.exit_code == 0 and "zhanibek@2023" in result.output and "not encoded" in result.output
    result = runner.invoke(cli.main, ["acts", "zhanibek", "--as-of", "2022-06-30"])
    assert result.exit_code == 1 and "resolution No. 54 of 28.03.2018 was in force; that edition is not encoded" in result.output
    result = runner.invoke(cli.main, ["-M", str(make_testfam(tmp_path)), "acts", "testfam", "--as-of", "2017-07-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"methodology": "testfam@2018"' in result.output
    assert runner.invoke(cli.main, ["acts", "zhanibek", "--as-of", "30.06.2022"]).exit_code == 2
    assert "Example" in runner.invoke(cli.main, ["acts", "--help"]).output


def test_an_answer_is_the_resolution_or_the_error_as_data(testfam):
    assert testfam.answer("testfam", D("2017-07-01"))["methodology"] == "testfam@2018"
    # 2016 is listed in acts.yaml only: the day is governed by an act that is not encoded
    none = testfam.answer("testfam", D("2016-06-01"))
    assert set(none) == {"error", "kind", "act"}
    assert none["kind"] == "not-encoded" and none["act"] == "order No. 1 of 01.01.2016"
    assert none["error"].startswith("testfam: on 2016-06-01 order No. 1 of 01.01.2016 was in force; that edition is not encoded")
    with pytest.raises(EditionError) as caught:
        testfam.resolve("testfam", D("2016-06-01"))
    assert [r["id"] for r in caught.value.as_dict()["interpretations"]] == ["test-dates"]
