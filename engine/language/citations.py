"""Citations of the act: a `cite` value as written in a file, normalised to a tuple."""
from __future__ import annotations

from typing import Any


def cites(value: Any) -> tuple[str, ...]:
    """`p.27` -> ("p.27",); `[p.30, p.12]` -> ("p.30", "p.12"); absent -> ()."""
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
