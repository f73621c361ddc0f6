"""Scales: ordered bands with bounds exactly as the act writes them, and declared gap policies.

The rule that places a value on a scale (`Scale.place`) is written once and holds for any exact
number: the evaluation places Decimals (`Scale.classify`), the value analysis Fractions
(engine/analysis/ranges.py). Bounds compare with either, since Decimal and Fraction compare exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Optional

from ..language import watch
from ..language.expressions import EvaluationError
from ..language.functions import Operand

Label = dict  # {"kk": ..., "en": ...}
# (lower, lower included, upper, upper included); a None end is open
Interval = tuple[Optional[Decimal], bool, Optional[Decimal], bool]


def within(x: Any, interval: Interval) -> bool:
    """Whether the number x (a Decimal or a Fraction) lies in the interval."""
    lo, lo_in, hi, hi_in = interval
    if lo is not None and (x < lo or (x == lo and not lo_in)):
        return False
    return not (hi is not None and (x > hi or (x == hi and not hi_in)))


@dataclass(frozen=True)
class Bound:
    value: Decimal
    inclusive: bool

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

    def interval(self) -> Interval:
        """The values of the band: between its bounds, each included as the act says."""
        lo, hi = self.lower, self.upper
        return (None if lo is None else lo.value, True if lo is None else lo.inclusive,
                None if hi is None else hi.value, True if hi is None else hi.inclusive)

    def contains(self, x: Any) -> bool:
        return within(x, self.interval())

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

    def interval(self) -> Interval:
        """The values of the gap: past the bound below it (the bound itself when that bound excludes it)."""
        lo, hi = self.low, self.high
        return (None if lo is None else lo.value, lo is not None and not lo.inclusive,
                None if hi is None else hi.value, hi is not None and not hi.inclusive)

    def contains(self, x: Any) -> bool:
        return within(x, self.interval())

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


@dataclass(frozen=True)
class Placement:
    """Where a scale's rule puts a value: a band, directly or through a gap and its policy, or none."""

    band: Optional[Band]  # None: the value gets no band
    gap: Optional[Gap] = None  # the gap the value fell in, if it fell in one
    policy: Optional[GapPolicy] = None  # that gap's policy, if one is declared
    outside: Optional[str] = None  # "domain" | "step": not a value the scale is meant for


@dataclass
class Scale(Operand):
    operand: ClassVar[str] = "scale"
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

    def place(self, x: Any) -> Placement:
        """The scale's rule, for any exact number x (a Decimal or a Fraction): outside the domain or
        off its step no band; else the band that contains x; else, in a gap, the band its policy
        chooses (none without a policy, or when it says error or chooses a side with no band)."""
        if (self.domain_low is not None and x < self.domain_low) or (self.domain_high is not None and x > self.domain_high):
            return Placement(None, outside="domain")
        if self.step is not None and x % type(x)(self.step) != 0:  # the step as x's own kind of number
            return Placement(None, outside="step")
        for band in self.bands:
            if band.contains(x):
                return Placement(band)
        for gap in self.gaps():
            if gap.contains(x):
                policy = self.policy_for(gap)
                chosen = None if policy is None or policy.resolve == "error" else (gap.below if policy.resolve == "lower" else gap.above)
                return Placement(None if chosen is None else self.band(chosen), gap, policy)
        return Placement(None)

    def classify(self, x: Decimal) -> tuple[Band, Optional[GapPolicy]]:
        """The band of `x`, and the gap policy that placed it there if it fell between bands."""
        p = self.place(x)
        if p.outside == "domain":
            raise EvaluationError(f"{x} is outside the values scale '{self.id}' is meant for ({self._domain_words()}) [{', '.join(self.cite)}]")
        if p.outside == "step":
            raise EvaluationError(f"{x} is outside the values scale '{self.id}' is meant for (multiples of {self.step}) [{', '.join(self.cite)}]")
        if p.gap is not None and p.band is None:
            raise EvaluationError(self._gap_message(x, p.gap, p.policy))
        if p.band is None:
            raise EvaluationError(f"{x} falls in no band of scale '{self.id}' [{', '.join(self.cite)}]")
        if p.gap is None:
            watch.seen("band", self, p.band)
            return p.band, None
        watch.seen("gap", self, p.gap)  # a value a gap policy placed covers the policy, not the band
        return p.band, p.policy

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
