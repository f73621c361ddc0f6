"""A diff asked for by name (engine/diff/sides.py): usage checked first, sides loaded, differences said."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.atomic import OutputError
from engine.diff.sides import DiffError, diff, differs
from engine.editions.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
WKO = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"
QUARTERLY = ROOT / "examples" / "wko-maslikhat" / "quarterly-2017.csv"


@pytest.mark.parametrize("kwargs, needle", [
    ({"impact": str(QUARTERLY)}, "--impact DATA and --evaluation E go together"),
    ({"evaluation": "quarterly"}, "--impact DATA and --evaluation E go together"),
    ({"impact": "no-such.csv", "evaluation": "quarterly"}, "no-such.csv: no such file"),
])
def test_the_usage_is_checked_before_any_side_is_loaded(kwargs, needle):
    told: list[str] = []
    with pytest.raises(DiffError, match=needle):
        diff("no-such-family@1", "wko-maslikhat@2017", Registry.default(), told.append, **kwargs)  # the unknown side is never reached
    assert told == []


def test_a_missing_output_folder_is_refused_before_loading(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        diff("no-such-family@1", "wko-maslikhat@2017", Registry.default(), print, output=str(tmp_path / "no" / "d.html"))


def test_the_same_methodology_by_id_and_by_file_does_not_differ():
    report = diff("wko-maslikhat@2017", str(WKO), Registry.default(), print)
    assert (report.a_source, report.b_source) == (str(WKO), str(WKO))
    assert not differs(report)


def test_two_acts_differ_and_without_wording_only_rules_are_shown():
    report = diff("wko-maslikhat@2017", "mne@2017", Registry.default(), print, wording=False)
    assert differs(report) and all(d.category == "rule" for d in report.shown)


def test_an_impact_on_the_same_methodology_changes_no_record():
    report = diff("wko-maslikhat@2017", str(WKO), Registry.default(), print, impact=str(QUARTERLY), evaluation="quarterly")
    rows = len(QUARTERLY.read_text(encoding="utf-8").strip().splitlines()) - 1  # the header row
    assert report.impact.records == rows and report.impact.changes == [] and not differs(report)
