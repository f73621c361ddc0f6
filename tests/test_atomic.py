"""Output written whole or not at all."""
from __future__ import annotations

import pytest

from engine.errors import EXIT_USAGE, AdistemeError
from engine.atomic import Destination, OutputError, atomic_path, check_folder


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


def test_a_completed_block_puts_the_file_in_place(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("whole", encoding="utf-8")
        assert not target.exists()  # not before the block ends
    assert target.read_text(encoding="utf-8") == "whole"
    assert leftovers(tmp_path) == []


def test_a_failed_block_leaves_nothing_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_an_exit_inside_the_block_leaves_nothing(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(SystemExit):
        with Destination(target, print) as out:
            out.write("half")
            raise SystemExit(2)
    assert not target.exists() and leftovers(tmp_path) == []


def test_a_destination_writes_text_as_given(tmp_path):
    target = tmp_path / "out.csv"
    with Destination(target, print) as out:
        out.write("a,b\r\n")
        out.write("1,2\r\n")
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"  # line ends kept: CSV writes its own


def test_without_a_path_a_destination_echoes():
    told: list[str] = []
    with Destination(None, told.append) as out:
        out.write("x\n")
        out.write("y")
    assert told == ["x\n", "y"]


def test_a_missing_folder_is_an_input_error(tmp_path):
    check_folder(tmp_path / "out.txt")
    with pytest.raises(OutputError, match="the folder .*no does not exist") as caught:
        check_folder(tmp_path / "no" / "out.txt")
    assert isinstance(caught.value, AdistemeError) and caught.value.exit_code == EXIT_USAGE
