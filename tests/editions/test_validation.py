"""Validating files (engine/editions/validation.py): which files a path stands for, and the verdict."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.editions.registry import Registry
from engine.editions.validation import Validation, ValidationError, registry_files, validate_files
from engine.errors import EXIT_USAGE
from engine.language.findings import Finding

ROOT = Path(__file__).resolve().parents[2]
WKO = ROOT / "methodologies" / "wko-maslikhat"


def test_a_folder_stands_for_its_methodology_and_acts_files_not_its_tests(tmp_path):
    folder = tmp_path / "mine" / "wko-maslikhat"
    shutil.copytree(WKO, folder)
    v = validate_files([tmp_path / "mine"], Registry.default())
    assert [p.name for p in v.files] == ["2017.yaml", "acts.yaml"]  # sorted; 2017.tests.yaml left out
    assert v.count("error") == 0 and not v.fails()


def test_a_path_that_does_not_exist_is_a_usage_error(tmp_path):
    with pytest.raises(ValidationError, match="no-such.yaml: no such file") as caught:
        validate_files([WKO / "2017.yaml", tmp_path / "no-such.yaml"], Registry.default())
    assert caught.value.exit_code == EXIT_USAGE


def test_with_no_path_every_edition_then_every_acts_file_of_the_registry():
    reg = Registry.default()
    files = registry_files(reg)
    editions = list(reg.files().values())
    assert files[:len(editions)] == editions
    assert files[len(editions):] and all(p.name == "acts.yaml" for p in files[len(editions):])


def finding(severity: str, line: int) -> Finding:
    return Finding("f.yaml", line, 1, f"a {severity}", "test", severity)


def test_errors_fail_warnings_only_when_strict_notes_never():
    assert Validation([Path("f.yaml")], [finding("error", 1)]).fails()
    warned = Validation([Path("f.yaml")], [finding("warning", 1), finding("note", 2)])
    assert not warned.fails() and warned.fails(strict=True)
    assert not Validation([Path("f.yaml")], [finding("note", 1)]).fails(strict=True)


def test_the_summary_counts_each_severity():
    v = Validation([Path("a.yaml"), Path("b.yaml")], [finding("error", 1), finding("note", 2), finding("note", 3)])
    assert v.summary() == "2 file(s) checked: 1 error(s), 0 warning(s), 2 note(s)"
    assert v.as_dict()["files"] == ["a.yaml", "b.yaml"] and len(v.as_dict()["findings"]) == 3
