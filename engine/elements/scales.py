"""Scales: ordered bands with bounds exactly as the act writes them, and declared gap policies."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from ..language.expressions import EvaluationError

Label = dict  # {"kk": ..., "en": ...}


@dataclass(frozen=True)
class Bound:
    value: Decimal
    inclusive: bool

    def admits_below(self, x: Decimal) -> bool:  # as an upper bound
        return x < self.value or (self.inclusive and x == self.value)

    def admits_above(self, x: Decimal) -> bool:  # as a lower bound
        return x > self.value or (self.inclusive and x == self.value)

    def words(self, upper: bool) -> str:
        if upper:
            return f"{'at most' if self.inclusive else 'less than'} {self.value}"
        return f"{'at least' if self.inclusive else 'more than'} {self.value}"


@dataclass(frozen=True)
class Band:
    id: str
    label: Label
    lower: Optional[Bound]
    upper: Optional[Bound]
    points: Optional[Decimal] = None
    interpretations: tuple[str, ...] = ()
    cite: tuple[str, ...] = ()

    def contains(self, x: Decimal) -> bool:
        return (self.lower is None or self.lower.admits_above(x)) and (self.upper is None or self.upper.admits_below(x))

    def describe(self) -> str:
        if self.lower and self.upper and self.lower.value == self.upper.value:
            return f"equals {self.lower.value}"
        parts = [b.words(upper) for b, upper in ((self.lower, False), (self.upper, True)) if b]
        return " and ".join(parts) or "any value"


@dataclass(frozen=True)
class Gap:
    """Values between two neighbouring bands (or beyond the first/last) that no band covers."""

    below: Optional[str]  # band id under the gap, None below the first band
    above: Optional[str]  # band id over the gap, None above the last band
    low: Optional[Bound]  # the gap's lower edge: the bound of `below` (exclusive side)
    high: Optional[Bound]

    def contains(self, x: Decimal) -> bool:
        after_low = self.low is None or (x > self.low.value or (not self.low.inclusive and x == self.low.value))
        before_high = self.high is None or (x < self.high.value or (not self.high.inclusive and x == self.high.value))
        return after_low and before_high

    def describe(self) -> str:
        lo = "" if self.low is None else f"{'above' if self.low.inclusive else 'from'} {self.low.value}"
        hi = "" if self.high is None else f"{'below' if self.high.inclusive else 'up to'} {self.high.value}"
        return " and ".join(p for p in (lo, hi) if p)


@dataclass(frozen=True)
class GapPolicy:
    between: tuple[Optional[str], Optional[str]]
    resolve: str  # lower | upper | error
    cite: tuple[str, ...]
    interpretation: Optional[str]


@dataclass
class Scale:
    id: str
    label: Label
    cite: tuple[str, ...]
    bands: list[Band]
    policies: list[GapPolicy] = field(default_factory=list)
    domain_low: Optional[Decimal] = None
    domain_high: Optional[Decimal] = None
    integer_domain: bool = False
    interpretations: tuple[str, ...] = ()
    step: Optional[Decimal] = None  # domain: multiples of step only (integer_domain is step 1)
    band_paths: tuple = ()  # where each band is written: ("scales", id, "bands", i), or a table row for `table:`
    table: Optional[str] = None  # the table whose rows are the bands, if any

    @property
    def grain(self) -> Optional[Decimal]:
        """The step of the domain's values: `step`, 1 for an integer domain, None for any number."""
        if self.step is not None:
            return self.step
        return Decimal(1) if self.integer_domain else None

    def band_path(self, i: int) -> tuple:
        return self.band_paths[i] if i < len(self.band_paths) else ("scales", self.id, "bands", i)

    def band(self, band_id: str) -> Band:
        return next(b for b in self.bands if b.id == band_id)

    def gaps(self) -> list[Gap]:
        """Uncovered stretches of the domain, neighbours in listed order."""
        out: list[Gap] = []
        if not self.bands:
            return out
        first, last = self.bands[0], self.bands[-1]
        if first.lower is not None:
            low = None if self.domain_low is None else Bound(self.domain_low, False)
            gap = Gap(None, first.id, low, first.lower)
            if self._reachable(gap):
                out.append(gap)
        for a, b in zip(self.bands, self.bands[1:]):
            if a.upper is None or b.lower is None:
                continue
            hole = a.upper.value < b.lower.value or (
                a.upper.value == b.lower.value and not a.upper.inclusive and not b.lower.inclusive
            )
            if hole:
                gap = Gap(a.id, b.id, a.upper, b.lower)
                if self._reachable(gap):
                    out.append(gap)
        if last.upper is not None:
            high = None if self.domain_high is None else Bound(self.domain_high, False)
            gap = Gap(last.id, None, last.upper, high)
            if self._reachable(gap):
                out.append(gap)
        return out

    def overlaps(self) -> list[tuple[str, str]]:
        out = []
        for a, b in zip(self.bands, self.bands[1:]):
            if a.upper is None or b.lower is None:
                out.append((a.id, b.id))
                continue
            if a.upper.value > b.lower.value or (a.upper.value == b.lower.value and a.upper.inclusive and b.lower.inclusive):
                out.append((a.id, b.id))
        return out

    def _reachable(self, gap: Gap) -> bool:
        """False when the domain excludes the whole gap (e.g. an integer domain and 105 < x < 106)."""
        # A gap starts just past a band's bound: at the bound itself when that bound is exclusive.
        if gap.low is not None and self.domain_high is not None and (
            gap.low.value > self.domain_high or (gap.low.value == self.domain_high and gap.low.inclusive)
        ):
            return False
        if gap.high is not None and self.domain_low is not None and (
            gap.high.value < self.domain_low or (gap.high.value == self.domain_low and gap.high.inclusive)
        ):
            return False
        grain = self.grain
        if grain is not None and gap.low is not None and gap.high is not None:
            # An interval holds a multiple of the step iff it holds one of the two just above its lower edge.
            n = (gap.low.value / grain).to_integral_value(rounding="ROUND_FLOOR") * grain
            return gap.contains(n) or gap.contains(n + grain)
        return True

    def policy_for(self, gap: Gap) -> Optional[GapPolicy]:
        return next((p for p in self.policies if p.between == (gap.below, gap.above)), None)

    def classify(self, x: Decimal) -> tuple[Band, Optional[GapPolicy]]:
        """The band of `x`, and the gap policy that placed it there if it fell between bands."""
        if (self.domain_low is not None and x < self.domain_low) or (self.domain_high is not None and x > self.domain_high):
            raise EvaluationError(f"{x} is outside the values scale '{self.id}' is meant for ({self._domain_words()}) [{', '.join(self.cite)}]")
        if self.step is not None and x % self.step != 0:
            raise EvaluationError(f"{x} is outside the values scale '{self.id}' is meant for (multiples of {self.step}) [{', '.join(self.cite)}]")
        for band in self.bands:
            if band.contains(x):
                return band, None
        for gap in self.gaps():
            if gap.contains(x):
                policy = self.policy_for(gap)
                if policy is None or policy.resolve == "error":
                    raise EvaluationError(self._gap_message(x, gap, policy))
                chosen = gap.below if policy.resolve == "lower" else gap.above
                if chosen is None:
                    raise EvaluationError(self._gap_message(x, gap, policy))
                return self.band(chosen), policy
        raise EvaluationError(f"{x} falls in no band of scale '{self.id}' [{', '.join(self.cite)}]")

    def _gap_message(self, x: Decimal, gap: Gap, policy: Optional[GapPolicy]) -> str:
        sides = []
        if gap.below:
            sides.append(f"'{gap.below}' ({self.band(gap.below).describe()})")
        if gap.above:
            sides.append(f"'{gap.above}' ({self.band(gap.above).describe()})")
        where = "between bands " + " and ".join(sides) if len(sides) == 2 else ("above band " if gap.below else "below band ") + sides[0]
        cites = ", ".join(policy.cite if policy and policy.cite else self.cite)
        tail = f"; interpretation {policy.interpretation}" if policy and policy.interpretation else "; no gap policy is declared"
        return f"{x} falls {where} of scale '{self.id}', which the act leaves uncovered [{cites}]{tail}"

    def _domain_words(self) -> str:
        parts = []
        if self.domain_low is not None:
            parts.append(f"at least {self.domain_low}")
        if self.domain_high is not None:
            parts.append(f"at most {self.domain_high}")
        return " and ".join(parts)
