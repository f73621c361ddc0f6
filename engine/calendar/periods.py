"""Evaluated periods: a year (`2017`) or a quarter (`2017-Q2`), with their first and last days."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterator, Optional

from ..errors import AdistemeError

_PERIOD = re.compile(r"^(?P<year>[0-9]{4})(-[Qq](?P<quarter>[1-4]))?$")


class PeriodError(AdistemeError, ValueError):
    """Text that is not a period."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: Optional[int] = None  # None: the whole year

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = _PERIOD.match(str(text).strip())
        if not match or not 1 <= int(match["year"]) <= 9999:
            raise PeriodError(f"{text!r} is not a period (expected a year such as 2017 or a quarter such as 2017-Q2)")
        return cls(int(match["year"]), int(match["quarter"]) if match["quarter"] else None)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.quarter is None or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    def quarters(self) -> list["Period"]:
        return [Period(self.year, q) for q in (1, 2, 3, 4)]

    def previous_year(self) -> "Period":
        return Period(self.year - 1)

    def days(self) -> Iterator[dt.date]:
        day, end = self.start, self.end
        while day <= end:
            yield day
            day += dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}-Q{self.quarter}"


def parse_date(text: str, what: str = "date") -> dt.date:
    """A YYYY-MM-DD date, or ValueError with a message naming `what`."""
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date (expected YYYY-MM-DD)") from None
