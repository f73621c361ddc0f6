"""Watching what evaluations read, for tools that measure what test cases exercise (coverage).

While a `watching(callback)` block runs, the engine tells `callback(kind, element, part)`:

- `("row", table, row)`: a table function looked up or selected this row of the act's data
  (`lookup`, `lookup_all`, `rows`, `rows_in`; `row_ids()` lists the rows but reads none of them);
- `("band", scale, band)`: a scale placed a value in this band (a rating, or `band()`/`points()`
  anywhere, `for_each` formulas too);
- `("gap", scale, gap)`: a scale placed a value in this gap, and its gap policy chose the band.

No result depends on it: outside such a block nothing is told, and inside it only the callback
hears. The watchers are a context variable, so a block watches the evaluations it runs itself.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

Watcher = Callable[[str, Any, Any], None]

_WATCHERS: ContextVar[tuple[Watcher, ...]] = ContextVar("watchers", default=())


@contextmanager
def watching(callback: Watcher) -> Iterator[None]:
    """Tell `callback` what the evaluations run inside the block read."""
    token = _WATCHERS.set(_WATCHERS.get() + (callback,))
    try:
        yield
    finally:
        _WATCHERS.reset(token)


def watched() -> bool:
    """Whether a `watching` block is running."""
    return bool(_WATCHERS.get())


def seen(kind: str, element: Any, part: Any) -> None:
    """Tell the watchers (if any) that an evaluation read `part` of `element`."""
    for callback in _WATCHERS.get():
        callback(kind, element, part)
