"""Package faces that load lazily: a package's `__init__` names its public API without importing it.

Importing one module of a package (or running `adisteme --help`) then does not load the whole package.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any, Callable


def lazy(package: str, names: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, where `names` maps each public name to its module."""
    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        return getattr(import_module(names[name], package), name)

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__
