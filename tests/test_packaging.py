"""The installed distribution: everything under the one name `adisteme`, every engine package in it.

The checkout's top level (cli.py, engine/, methodologies/ ...) is installed as the package `adisteme`
(pyproject.toml). These tests read that configuration, and build the package tree with setuptools
(`build_py`, what a wheel holds besides its metadata) from a copy of the checkout, then run it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = CONFIG["tool"]["setuptools"]
DATA = {"methodologies": "*/*.yaml", "schemas": "*.json", "organisations": "*.yaml"}  # what the engine reads (engine/paths.py)


def engine_packages() -> set[str]:
    """Every package of the checkout's engine, by its installed name."""
    return {".".join(("adisteme", *p.parent.relative_to(ROOT).parts)) for p in (ROOT / "engine").rglob("__init__.py")}


def test_every_engine_package_is_listed():
    assert engine_packages() - set(SETUPTOOLS["packages"]) == set()
    assert {"adisteme.engine", "adisteme.engine.formats", "adisteme.engine.evaluation"} <= engine_packages()


def test_every_listed_package_is_a_folder_of_the_checkout():
    assert SETUPTOOLS["package-dir"] == {"adisteme": "."}
    for name in SETUPTOOLS["packages"]:
        assert name == "adisteme" or name.startswith("adisteme."), name
        assert ROOT.joinpath(*name.split(".")[1:]).is_dir(), name


def test_the_command_is_adisteme_cli_main():
    assert CONFIG["project"]["scripts"] == {"adisteme": "adisteme.cli:main"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    pytest.importorskip("setuptools")
    src, lib = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("lib")
    for name in ("pyproject.toml", "README.md", "cli.py"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("engine", *DATA):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "--build-lib", str(lib)],
                   cwd=src, check=True, capture_output=True, text=True)
    return lib


def files_of(lib: Path) -> set[str]:
    return {p.relative_to(lib).as_posix() for p in lib.rglob("*") if p.is_file()}


def test_the_build_holds_every_engine_module_and_the_bundled_data(built):
    files = files_of(built)
    expected = {"adisteme/cli.py"} | {f"adisteme/{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "engine").rglob("*.py")}
    for folder, pattern in DATA.items():
        found = {f"adisteme/{p.relative_to(ROOT).as_posix()}" for p in (ROOT / folder).glob(pattern)}
        assert found, folder
        expected |= found
    assert expected - files == set()
    # every engine package, with its __init__.py
    assert {f"{name.replace('.', '/')}/__init__.py" for name in engine_packages()} <= files


def test_the_build_claims_no_other_top_level_name(built):
    assert {f.split("/")[0] for f in files_of(built)} == {"adisteme"}


def run_installed(lib: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(lib), "ADISTEME_DB": str(cwd / "h.sqlite3")}
    env.pop("ADISTEME_METHODOLOGIES", None)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_installed_there_is_no_top_level_engine_or_cli(built, tmp_path):
    for name in ("engine", "cli", "methodologies"):
        r = run_installed(built, tmp_path, "-c", f"import {name}")
        assert f"No module named '{name}'" in r.stderr


def test_installed_the_command_line_runs_from_anywhere(built, tmp_path):
    # quarterly-2017.csv: WKO-01-2017Q1 has 2 incentive points and no violations, 100 + 2 = 102 (p.24),
    # «қанағаттанарлық» (satisfactory: 80 to 105, p.27)
    data = ROOT / "examples" / "wko-maslikhat" / "quarterly-2017.csv"
    r = run_installed(built, tmp_path, "-c", "import sys; sys.argv[0] = 'adisteme'; from adisteme.cli import main; main()",
                      "evaluate", "wko-maslikhat@2017", "quarterly", "-i", str(data), "--format", "csv")
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[1].split(",")
    assert first[0] == "WKO-01-2017Q1" and "102" in first and "satisfactory" in first
    paths = run_installed(built, tmp_path, "-c", "from adisteme.engine import paths; print(paths.methodologies_dir(), paths.schemas_dir())")
    assert paths.stdout.split() == [str(built / "adisteme" / "methodologies"), str(built / "adisteme" / "schemas")]
