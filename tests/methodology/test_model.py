"""The compiled model is complete (engine/methodology/model.py): once a file is compiled, checking it,
evaluating its test cases, measuring their coverage and generating boundary cases read the model
only, never the file as written (`Methodology.data`, kept for the diff, which compares files as written).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from engine.analysis.checks import check
from engine.editions.registry import RegistryError
from engine.elements.inputs import HistorySource
from engine.language.source import load_file
from engine.methodology.model import Methodology, compile_document
from engine.testing.coverage import measure, run_files
from engine.testing import testgen

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for p in (ROOT / "methodologies").glob("*/*.yaml") if not p.name.endswith(".tests.yaml") and p.name != "acts.yaml")


class _Sealed:
    """Stands for the file as written: any read of it fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"Methodology.data.{name} read after compiling")

    def __getitem__(self, key: Any) -> Any:
        raise AssertionError(f"Methodology.data[{key!r}] read after compiling")


class _One:
    """A registry of one methodology."""

    def __init__(self, m: Methodology):
        self.m = m

    def get(self, ref: str) -> Methodology:
        if ref != self.m.id:
            raise RegistryError(f"no {ref}")
        return self.m


def compiled(path: Path, sealed: bool) -> Methodology:
    m, findings = compile_document(load_file(path), path.parent.name, path.stem)
    assert findings == []
    if sealed:
        m.data = _Sealed()  # type: ignore[assignment]
    return m


def generated(m: Methodology) -> str:
    try:
        return testgen.generate(m, today=dt.date(2024, 1, 1))
    except testgen.TestgenError as exc:
        return f"error: {exc}"


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}@{p.stem}" for p in FILES])
def test_nothing_reads_the_file_as_written_after_compiling(path):
    doc = load_file(path)
    plain, sealed = compiled(path, False), compiled(path, True)
    assert [f.render() for f in check(sealed, doc)] == [f.render() for f in check(plain, doc)]
    tests = path.with_name(f"{path.stem}.tests.yaml")
    coverage = {}
    for name, m in (("plain", plain), ("sealed", sealed)):
        outcomes = [o for _, _, outs in run_files([tests], _One(m)) for o in outs]
        assert outcomes and all(not o.problems for o in outcomes), [o.problems for o in outcomes if o.problems]
        coverage[name] = measure({m.id: m}, outcomes)[m.id].as_dict()
    assert coverage["sealed"] == coverage["plain"]
    assert generated(sealed) == generated(plain)


def test_inputs_keep_their_table_and_their_history_source():
    wko = compiled(ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml", True)
    # p.32: the annual evaluation takes the year's quarterly scores; p.46: the previous annual rating
    assert wko.inputs["quarterly_scores"].from_history == HistorySource("quarterly", "score", "quarters")
    assert wko.inputs["previous_annual_rating"].from_history == HistorySource("annual", "rating", "previous_year")
    assert wko.inputs["execution_violations"].from_history is None
    zhanibek = compiled(ROOT / "methodologies" / "zhanibek" / "2023.yaml", True)
    enum_of_rows = [n for n, spec in zhanibek.inputs.items() if spec.type == "enum" and spec.table == "evaluated_persons"]
    assert len(enum_of_rows) == 1
    assert zhanibek.inputs[enum_of_rows[0]].values == tuple(r.id for r in zhanibek.tables["evaluated_persons"].rows)


def test_forms_keep_their_fields_and_every_entry_is_an_element():
    m = compiled(ROOT / "methodologies" / "almaty-teacher-awards" / "2020.yaml", True)
    assert m.documents, "the act's forms"
    for fid, form in m.documents.items():
        assert m.element("document", fid).cite
        assert len({f.id for f in form.fields}) == len(form.fields)
    for section in ("tables", "interpretations", "documents", "scales"):
        for name in {"tables": m.tables, "interpretations": m.interpretations, "documents": m.documents, "scales": m.scales}[section]:
            assert m.entry(section, name) is not None, (section, name)
    assert m.entry("structure", "paragraphs") is None


def test_interpretation_references_are_located():
    m = compiled(ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml", True)
    refs = dict(m.interpretation_refs)
    assert refs[("scales", "annual_rating", "gaps", 0, "interpretation")] == ("annual-gaps",)
    assert refs[("calendar", "interpretations")] == ("day-counting",)
    assert not any(path[0] == "interpretations" for path in refs), "the definitions are not references"
