"""Where the bundled methodologies and schemas are.

They sit beside the `engine` package both in a checkout and in an installed distribution
(pyproject.toml ships them as package data), so one rule finds them from any working directory.
"""
from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def methodologies_dir() -> Path:
    return _ROOT / "methodologies"


def schemas_dir() -> Path:
    return _ROOT / "schemas"


def organisations_dir() -> Path:
    return _ROOT / "organisations"
