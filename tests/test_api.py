"""The public API at `engine/__init__.py`: load, evaluator, evaluate, evaluate_many, to_json, validate."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[1]


def test_load_evaluate_and_json_as_the_readme_shows():
    m = engine.load("wko-maslikhat@2017")
    ev = engine.evaluator(m, "quarterly")
    # p.22: 100 + incentive points (3 + 5) - 2 x violation facts (none) = 108; p.27: 106..130 is «тиімді»
    r = ev.evaluate({"id": "A1", "incentive_points": [3, 5]})
    assert r.errors == []
    assert r.outputs["score"] == Decimal(108)
    assert r.outputs["rating"] == "effective"
    doc = json.loads(engine.to_json(r, m))
    assert doc["id"] == "A1" and doc["outputs"]["rating_label"]["kk"] == "тиімді"
    assert [i["id"] for i in doc["interpretations"]] == r.interpretations


def test_evaluate_many_streams_and_keeps_bad_records_apart():
    ev = engine.evaluator(engine.load("wko-maslikhat"), "quarterly")
    # 100 - 2 x 11 facts = 78 < 80: «қанағаттанарлықсыз» (p.27)
    results = list(ev.evaluate_many([{"id": "a", "execution_violations": 11}, {"id": "b", "incentive_points": "x"}, {"id": "c"}]))
    assert [r.id for r in results] == ["a", "b", "c"]
    assert results[0].outputs["rating"] == "unsatisfactory"
    assert results[1].errors and results[1].outputs == {}
    assert results[2].outputs["score"] == Decimal(100)


def test_load_by_file_and_refusal_of_a_broken_file(tmp_path):
    path = ROOT / "methodologies" / "wko-maslikhat" / "2017.yaml"
    assert engine.load(path).id == "wko-maslikhat@2017"
    broken = tmp_path / "wko-maslikhat" / "2017.yaml"
    broken.parent.mkdir()
    text = path.read_text(encoding="utf-8")
    assert "expr: sum(incentive_points)" in text
    broken.write_text(text.replace("expr: sum(incentive_points)", "expr: sum(incentive_pointz)"), encoding="utf-8")
    with pytest.raises(engine.LoadError, match="incentive_pointz"):
        engine.load(broken)


def test_validate_gives_every_finding_located(tmp_path):
    assert all(f.severity != "error" for f in engine.validate(ROOT / "methodologies" / "mne" / "2017.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nnot: [closed\n", encoding="utf-8")
    findings = engine.validate(bad)
    assert findings and findings[0].file.endswith("bad.yaml") and findings[0].line >= 1 and findings[0].severity == "error"


def test_importing_the_engine_loads_nothing_until_used():
    code = "import sys, engine; print(sorted(m for m in sys.modules if m.startswith('engine.') and m not in ('engine.version', 'engine.faces')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"


PACKAGES = ["calendar", "language", "elements", "methodology", "evaluation", "analysis", "editions", "formats", "diff", "testing", "history"]


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_face_names_what_it_exports(package):
    import importlib
    face = importlib.import_module(f"engine.{package}")
    assert face.__doc__ and face.__all__
    for name in face.__all__:
        assert getattr(face, name) is not None, name
    with pytest.raises(AttributeError):
        getattr(face, "no_such_name")


def test_every_package_has_a_face():
    found = sorted(p.parent.name for p in (ROOT / "engine").glob("*/__init__.py"))
    assert found == sorted(PACKAGES)
