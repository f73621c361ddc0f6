"""Files written whole or not at all: to a temporary name beside the target, renamed on success and
removed on failure, so that an interrupted or failed run never leaves half a file behind.

A bottom-layer module (it imports only the error root): results and calendars (engine/formats/) and
the drafter's files (engine/editions/amend.py) are all written through it."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterator, Optional

from .errors import AdistemeError


class OutputError(AdistemeError):
    """The output file cannot be written where it was asked for."""


def check_folder(path: str | Path) -> None:
    """Fail before any work when the folder a file is to be written into does not exist."""
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise OutputError(f"{path}: the folder {folder} does not exist")


def partial_path(path: str | Path) -> Path:
    """The temporary name a file is written under: hidden, beside it (so the rename stays on one file system)."""
    path = Path(path)
    return path.with_name(f".{path.name}.partial")


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write `path` through: renamed to `path` when the block ends normally,
    removed when it raises (or exits)."""
    tmp = partial_path(path)
    try:
        yield tmp
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


class Destination:
    """Where text output goes: a writer (stdout), or a file written through `atomic_path`.

    Use it as a context manager: the file is put in place when the block ends normally and never
    when it raises (SystemExit and KeyboardInterrupt included).
    """

    def __init__(self, path: Optional[str | Path], echo: Callable[[str], None]):
        self.path = Path(path) if path else None
        self.echo = echo
        self._atomic = atomic_path(self.path) if self.path else None
        self._fh: Optional[IO[str]] = None

    def __enter__(self) -> "Destination":
        if self._atomic is not None:
            tmp = self._atomic.__enter__()
            self._fh = open(tmp, "w", encoding="utf-8", newline="")  # newline="": CSV writes its own \r\n
        return self

    def __exit__(self, *exc_info) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._atomic is not None:
            self._atomic.__exit__(*exc_info)

    def write(self, s: str) -> None:
        if self._fh is not None:
            self._fh.write(s)
        else:
            self.echo(s)
