"""Reasoning over values: which values each formula can take, over every record the inputs admit.

From the inputs' declared types and bounds (integer or decimal, `min`/`max`, a list's item bounds
and `min_items`/`max_items`) the analysis works out, through the formulas (`+ - * /`, `sum`,
`mean`, `count`, `min`, `max`, `abs`, `round`, `points()` of a scale, constant weights), the set of
values a result can take:

- the **exact set** of values when it is small enough to enumerate (the annual score of the
  order-110 acts: points 2..5 of the converted average, times 0,4, plus 0,6 times the mean of one
  to four whole plan scores from 2 to 5: 49 values, all multiples of 0.05 from 2 to 5, but not 4.9
  or 4.95, among others); each value keeps an example record that produces it;
- otherwise an **interval with a granularity**: every value is a multiple of a step (whole numbers
  stay whole; integer inputs and fixed weights make multiples of 0.05), or any number at all. An
  example record for a chosen value is then built backwards through the formulas.

The sets are over-approximations (two uses of one input are taken as independent), so "no record
reaches it" is always true; "a record reaches it" is claimed only with an example record that the
engine itself has been run on.

With that, `analyse` reports, located at the element:

| code | severity | what |
|---|---|---|
| `gap-reachable` | note (a lower/upper policy covers it), warning (no policy, or `resolve: error`) | a gap between bands that real records reach, with one |
| `gap-unreachable` | note | a gap no record can reach, and why (the values nearest to it) |
| `band-unreachable` | warning | a band no record can reach |
| `empty-list` | warning | `mean`/`min`/`max` of a list input that may be empty (`min_items` 0 or absent) |
| `division-by-zero` | warning | a divisor whose values include 0 (not one a guard in scope rules out: `x / d if d > 0 else y`, or a for_each's `when: d > 0`) |
| `deadline-before-anchor` | note | a deadline counted `direction: before` its event: the event must be known that far ahead |
| `deadline-crosses-anchor` | warning | rolling off a non-working day can move the deadline to the other side of its event |
"""
from __future__ import annotations

import ast
import datetime as dt
import math
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Callable, Iterable, Optional

from ..methodology import dependencies
from ..language import functions
from ..language.findings import Finding
from ..language.functions import BUILTINS
from ..methodology.model import Methodology
from ..elements.scales import Gap, Scale
from ..language.source import Document
from ..language.values import number, text

F = Fraction
LIMIT = 20_000  # the largest set of values enumerated exactly
SMALL_INPUT = 1_000  # an integer input with at most this many values is enumerated
MAX_ITEMS_ENUM = 8  # a list of at most this many items (with enumerable items) is enumerated
Witness = Optional[dict]  # input id -> value (Decimal, or a list of Decimals) that produces a value


# -- numbers ---------------------------------------------------------------------------------------
def fgcd(a: F, b: F) -> F:
    """The greatest common divisor of two rationals (every multiple of either is one of it)."""
    a, b = abs(F(a)), abs(F(b))
    if a == 0:
        return b
    if b == 0:
        return a
    return F(math.gcd(a.numerator * b.denominator, b.numerator * a.denominator), a.denominator * b.denominator)


def to_decimal(x: F) -> Optional[Decimal]:
    """The exact Decimal of a rational, or None when its decimal expansion does not terminate."""
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return None
    with localcontext() as ctx:
        ctx.prec = 200
        value = Decimal(x.numerator) / Decimal(x.denominator)
    return value


def show(x: Optional[F]) -> str:
    """A value as a drafter writes it: 3.95, 105.5, 317/3 (≈ 105.67)."""
    if x is None:
        return "∞"
    d = to_decimal(x)
    if d is not None:
        return number(d)
    approx = (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"))
    return f"{x.numerator}/{x.denominator} (≈ {approx})"


def show_record(record: dict) -> str:
    """An example record's inputs: `count: 3, marks: [4, 5]`."""
    return ", ".join(f"{k}: {text(v, brackets=True)}" for k, v in record.items()) or "no inputs at all"


def _merge(a: Witness, b: Witness) -> Witness:
    """Two examples together, or None when they give one input two different values."""
    if a is None or b is None:
        return None
    out = dict(a)
    for k, v in b.items():
        if k in out and out[k] != v:
            return None
        out[k] = v
    return out


def _ceil_to(x: F, step: F) -> F:
    return math.ceil(x / step) * step


def _floor_to(x: F, step: F) -> F:
    return math.floor(x / step) * step


# -- ranges ----------------------------------------------------------------------------------------
class Range:
    """The values a numeric expression can take: an exact set, or an interval with a granularity."""

    __slots__ = ("lo", "hi", "lo_in", "hi_in", "step", "exact", "solver")

    def __init__(self, lo: Optional[F] = None, hi: Optional[F] = None, *, lo_in: bool = True, hi_in: bool = True,
                 step: Optional[F] = None, exact: Optional[dict] = None, solver: Optional[Callable[[F], Witness]] = None):
        self.lo, self.hi, self.lo_in, self.hi_in = lo, hi, lo_in, hi_in
        self.step = step or None  # every value is a multiple of step; None: any number
        self.exact = exact  # {value: example} when the values are enumerated
        self.solver = solver  # value -> example, for a range that is not enumerated

    @staticmethod
    def of(values: dict) -> "Range":
        step = F(0)
        for v in values:
            step = fgcd(step, v)
        return Range(min(values) if values else None, max(values) if values else None, step=step or None, exact=dict(values))

    @staticmethod
    def const(c: Any) -> "Range":
        return Range.of({F(c): {}})

    @property
    def known(self) -> bool:
        """False for "any number at all" (nothing is known about the values)."""
        return self.exact is not None or self.lo is not None or self.hi is not None or self.step is not None

    def contains(self, x: F) -> bool:
        if self.exact is not None:
            return x in self.exact
        if self.lo is not None and (x < self.lo or (x == self.lo and not self.lo_in)):
            return False
        if self.hi is not None and (x > self.hi or (x == self.hi and not self.hi_in)):
            return False
        return self.step is None or (x / self.step).denominator == 1

    def solve(self, t: F) -> Witness:
        """An example (input values) that gives t, when one can be built."""
        if not self.contains(t):
            return None
        if self.exact is not None:
            return self.exact[t]
        try:
            return self.solver(t) if self.solver else None
        except (ZeroDivisionError, ArithmeticError, RecursionError):
            return None

    def inside(self, lo: Optional[F], lo_in: bool, hi: Optional[F], hi_in: bool, limit: int = 5) -> list[F]:
        """A few of this range's values within the interval (None = open end), simple ones first."""
        def within(x: F) -> bool:
            if lo is not None and (x < lo or (x == lo and not lo_in)):
                return False
            return not (hi is not None and (x > hi or (x == hi and not hi_in)))

        if self.exact is not None:
            found = sorted((v for v in self.exact if within(v)), key=lambda v: (self.exact[v] is None, v))
            return found[:limit]
        # the intersection of the two intervals
        a, a_in = lo, lo_in
        if self.lo is not None and (a is None or self.lo > a or (self.lo == a and not self.lo_in)):
            a, a_in = self.lo, self.lo_in
        b, b_in = hi, hi_in
        if self.hi is not None and (b is None or self.hi < b or (self.hi == b and not self.hi_in)):
            b, b_in = self.hi, self.hi_in
        if a is not None and b is not None and (a > b or (a == b and not (a_in and b_in))):
            return []
        if self.step is not None:
            s = self.step
            out: list[F] = []
            if a is None and b is None:
                x = F(0)
            elif a is not None:
                x = _ceil_to(a, s)
                if x == a and not a_in:
                    x += s
            else:
                x = _floor_to(b, s)
                if x == b and not b_in:
                    x -= s
                while len(out) < limit and (a is None or x > a or (x == a and a_in)):
                    out.append(x)
                    x -= s
                return out
            while len(out) < limit and (b is None or x < b or (x == b and b_in)):
                out.append(x)
                x += s
            return out
        return _nice(a, a_in, b, b_in, limit)

    def neighbours(self, x: F) -> tuple[Optional[F], Optional[F]]:
        """The nearest values of the range below and above x (None when there is none, or it is not known)."""
        if self.exact is not None:
            below = [v for v in self.exact if v < x]
            above = [v for v in self.exact if v > x]
            return (max(below) if below else None), (min(above) if above else None)
        if self.step is None:
            return None, None
        lo = _ceil_to(x, self.step) - self.step
        hi = _floor_to(x, self.step) + self.step
        return (lo if self.contains(lo) else None), (hi if self.contains(hi) else None)

    def describe(self, name: str) -> str:
        """In words: "annual_score takes 61 values from 2 to 5, all multiples of 0.05"."""
        if self.exact is not None:
            values = sorted(self.exact)
            if not values:
                return f"{name} takes no value at all"
            if len(values) <= 8:
                return f"{name} takes only the values {', '.join(show(v) for v in values)}"
            grain = f", all multiples of {show(self.step)}" if self.step and self.step != 1 else (", all whole numbers" if self.step == 1 else "")
            return f"{name} takes {len(values)} values from {show(values[0])} to {show(values[-1])}{grain}"
        if self.lo is None and self.hi is None:
            span = ""
        elif self.lo is None:
            span = f" {'at most' if self.hi_in else 'below'} {show(self.hi)}"
        elif self.hi is None:
            span = f" {'at least' if self.lo_in else 'above'} {show(self.lo)}"
        else:
            span = f" from {show(self.lo)} to {show(self.hi)}"
        if self.step == 1:
            return f"{name} is always a whole number{span}"
        if self.step is not None:
            return f"{name} is always a multiple of {show(self.step)}{span}"
        return f"{name} can be any number{span}" if span else f"{name} can be any number"


def _nice(a: Optional[F], a_in: bool, b: Optional[F], b_in: bool, limit: int) -> list[F]:
    """Simple numbers inside an interval: its closed ends, whole numbers near them, its midpoint, short decimals."""
    def ok(x: F) -> bool:
        if a is not None and (x < a or (x == a and not a_in)):
            return False
        return not (b is not None and (x > b or (x == b and not b_in)))

    cands: list[F] = []
    if a is None and b is None:
        cands = [F(0), F(1), F(-1)]
    elif a is None:
        cands = [b, F(math.floor(b)), F(math.floor(b)) - 1, b - 1]
    elif b is None:
        cands = [a, F(math.ceil(a)), F(math.ceil(a)) + 1, a + 1]
    else:
        cands = [a, b, F(math.ceil(a)), F(math.ceil(a)) + 1, F(math.floor(b)), (a + b) / 2]
        for k in range(1, 7):
            unit = F(1, 10 ** k)
            x = _ceil_to(a, unit)
            cands += [x, x + unit]
    out: list[F] = []
    for x in cands:
        if ok(x) and x not in out:
            out.append(x)
    return out[:limit]


@dataclass
class ListRange:
    """A list input: its items' values and how many there can be."""

    item: Range
    kmin: int
    kmax: Optional[int]
    name: Optional[str]  # the input it is, for examples
    boolean: bool = False  # yes/no items, counted as 1 and 0 (count_true, share_true)

    def make(self, items: Iterable[F]) -> Witness:
        if self.boolean:
            return None if self.name is None else {self.name: [bool(x) for x in items]}
        values = [to_decimal(F(x)) for x in items]
        if self.name is None or any(v is None for v in values):
            return None
        return {self.name: values}

    def sample(self) -> Optional[F]:
        got = self.item.inside(None, True, None, True, limit=1)
        return got[0] if got else None


def _sums_by_k(item: Range, k: int) -> Optional[dict[F, tuple]]:
    """Every sum of k items of an enumerated item range, each with one list of items that makes it."""
    values = sorted(item.exact or ())
    if not values:
        return {} if k else {F(0): ()}
    lo, hi, step = values[0], values[-1], item.step
    if step and len(values) == (hi - lo) / step + 1:  # a whole grid: balanced lists, e.g. 13 = 3 + 3 + 3 + 4
        out: dict[F, tuple] = {}
        total = k * lo
        while total <= k * hi:
            spread = _spread(total, k, item)
            if spread is not None:
                out[total] = tuple(spread)
            total += step
        return out
    reach: dict[F, tuple] = {F(0): ()}
    for _ in range(k):
        nxt: dict[F, tuple] = {}
        for s, items in reach.items():
            for v in values:
                nxt.setdefault(s + v, items + (v,))
        if len(nxt) > LIMIT:
            return None
        reach = nxt
    return reach


def _spread(total: F, k: int, item: Range) -> Optional[list[F]]:
    """k items of the range that add up to total, as equal as the granularity allows (ascending)."""
    if k <= 0:
        return [] if total == 0 else None
    q = total / k
    step = item.step
    if step is not None:
        base = _floor_to(q, step)
        rest = total - base * k
        n_up = rest / step
        if n_up.denominator != 1 or not 0 <= n_up < k:
            return None
        items = [base] * (k - int(n_up)) + [base + step] * int(n_up)
    elif to_decimal(q) is not None:
        items = [q] * k
    else:
        other = F(math.floor(q * 100), 100)
        items = [total - other * (k - 1)] + [other] * (k - 1)
        if any(to_decimal(x) is None for x in items):
            return None
    return items if all(item.contains(x) for x in items) else None


def _compose(total: F, lst: ListRange, k_lo: Optional[int] = None, k_hi: Optional[int] = None) -> Optional[list[F]]:
    """Items of the list (between k_lo and k_hi of them) that add up to total."""
    k_lo = max(lst.kmin if k_lo is None else k_lo, 0)
    k_hi = (lst.kmax if lst.kmax is not None else k_lo + 200) if k_hi is None else k_hi
    it = lst.item
    for k in range(k_lo, min(k_hi, k_lo + 200) + 1):
        spread = _spread(total, k, it)
        if spread is not None:
            return spread
        if it.exact is not None and k <= MAX_ITEMS_ENUM:
            sums = _sums_by_k(it, k)
            if sums and total in sums:
                return list(sums[total])
        if it.lo is not None and it.lo > 0 and k * it.lo > total:
            return None
    return None


# -- scales on exact numbers (the scale's own rule, engine/elements/scales.py) ------------------------
def _fractions(interval: tuple) -> tuple[Optional[F], bool, Optional[F], bool]:
    lo, lo_in, hi, hi_in = interval
    return (None if lo is None else F(lo)), lo_in, (None if hi is None else F(hi)), hi_in


def band_interval(band: Any) -> tuple[Optional[F], bool, Optional[F], bool]:
    return _fractions(band.interval())


def gap_interval(gap: Gap) -> tuple[Optional[F], bool, Optional[F], bool]:
    """The values of a gap: past the bound below it (the bound itself when that bound excludes it)."""
    return _fractions(gap.interval())


def classify(scale: Scale, x: F) -> tuple[Optional[str], Optional[Gap]]:
    """The band a value gets (None: an error) and the gap it fell in, if any."""
    placed = scale.place(x)
    return (None if placed.band is None else placed.band.id), placed.gap


# -- the analysis ----------------------------------------------------------------------------------
@dataclass
class Use:
    """A scale classifying the values of something: an evaluation's score, or the argument of points()/band()."""

    scale: str
    range: Range
    what: str  # the name of the value classified (a formula or input id), or the expression's text
    named: bool  # `what` is a formula or input whose value an evaluation reports in its steps
    evaluations: tuple[str, ...]  # evaluations in which it happens
    path: tuple  # where it is written
    kind: str  # "rating" | "points" | "band"


@dataclass
class Issue:
    path: tuple
    source: Optional[str]  # the expression's text, to locate offset in
    offset: int
    message: str
    code: str
    severity: str


class Analysis:
    """The value ranges of one methodology's formulas, the scales they meet, and what follows."""

    def __init__(self, m: Methodology):
        self.m = m
        self._values: dict[str, Any] = {}
        self._busy: set[str] = set()
        self._needed = {e: self._needed_by(e) for e in m.evaluations}
        self.uses: list[Use] = []
        self.issues: list[Issue] = []
        self._issue_keys: set[tuple] = set()
        self._nonzero: set[str] = set()  # divisors a guard in scope says are not 0 (ast.dump of the expression)
        for e in m.evaluations.values():
            if e.score and e.rating and e.rating in m.scales and e.score in m.formulas:
                r = self.value(e.score)
                if isinstance(r, Range):
                    self.uses.append(Use(e.rating, r, e.score, True, (e.id,), ("evaluations", e.id, "rating"), "rating"))
        for name in m.formulas:
            self.value(name)
        for name, rule in m.rules.items():
            self._scan(rule.require, ("eligibility", name, "require"))
        for name, c in m.consequences.items():
            if c.when is not None:
                self._scan(c.when, ("consequences", name, "when"))

    # -- what each evaluation needs --------------------------------------------------------------
    def _needed_by(self, eid: str) -> set[str]:
        return dependencies.needed(self.m, self.m.evaluations[eid])

    def evaluations_of(self, name: str) -> tuple[str, ...]:
        return tuple(e for e, need in self._needed.items() if name in need)

    # -- values of names and expressions ---------------------------------------------------------
    def value(self, name: str) -> Any:
        """The Range (or ListRange) of a parameter, input or formula; None when not a number or list."""
        m = self.m
        if name in self._values:
            return self._values[name]
        if name in m.parameters:
            v = m.parameters[name]
            out = Range.const(v) if isinstance(v, (int, Decimal)) and not isinstance(v, bool) else None
        elif name in m.inputs:
            out = self._input(m.inputs[name], name)
        elif name in m.formulas:
            if name in self._busy:
                return Range()  # a cycle, reported by the checker
            self._busy.add(name)
            f = m.formulas[name]
            try:
                if getattr(f, "each", None) is not None:
                    with self._guarded(f.each.when.tree.body if f.each.when is not None else None):
                        self._scan(f.expr, ("formulas", name, "expr"))
                    out = None  # a for_each formula's value is a map
                else:
                    out = self.expr(f.expr.tree.body, ("formulas", name, "expr"), f.expr.source)
            finally:
                self._busy.discard(name)
        else:
            out = None
        self._values[name] = out
        return out

    def _input(self, spec: Any, name: Optional[str]) -> Any:
        if spec.type in ("integer", "decimal"):
            lo = None if spec.min is None else F(spec.min)
            hi = None if spec.max is None else F(spec.max)
            whole = spec.type == "integer"
            if whole:
                lo = None if lo is None else F(math.ceil(lo))
                hi = None if hi is None else F(math.floor(hi))
                if lo is not None and hi is not None and hi - lo < SMALL_INPUT:
                    return Range.of({F(v): ({name: Decimal(v)} if name else {}) for v in range(int(lo), int(hi) + 1)})

            def solver(t: F, name: Optional[str] = name) -> Witness:
                d = to_decimal(t)
                return None if d is None else ({name: d} if name else {})

            return Range(lo, hi, step=F(1) if whole else None, solver=solver)
        if spec.type == "list" and spec.items is not None and spec.items.type == "boolean":
            kmin = spec.min_items if isinstance(spec.min_items, int) else 0
            kmax = spec.max_items if isinstance(spec.max_items, int) else None
            return ListRange(Range.of({F(0): {}, F(1): {}}), kmin, kmax, name, boolean=True)
        if spec.type == "list" and spec.items is not None:
            item = self._input(spec.items, None)
            if not isinstance(item, Range):
                return None
            kmin = spec.min_items if isinstance(spec.min_items, int) else 0
            kmax = spec.max_items if isinstance(spec.max_items, int) else None
            return ListRange(item, kmin, kmax, name)
        return None

    @contextmanager
    def _guarded(self, test: Optional[ast.AST]):
        """While analysing the branch a condition guards, the expressions it says are not 0 are not
        reported as divisors that can be 0: `d > 0`, `d != 0`, `0 < d`, `0 != d`, and each part of an `and`."""
        added = {g for g in _nonzero_guards(test) if g not in self._nonzero}
        self._nonzero |= added
        try:
            yield
        finally:
            self._nonzero -= added

    def issue(self, path: tuple, source: Optional[str], node: Optional[ast.AST], message: str, code: str, severity: str = "warning") -> None:
        offset = getattr(node, "col_offset", 0) if node is not None else 0
        key = (path, offset, code)
        if key not in self._issue_keys:
            self._issue_keys.add(key)
            self.issues.append(Issue(path, source, offset, message, code, severity))

    def _scan(self, expr: Any, path: tuple) -> None:
        """Look at a non-numeric expression only for the problems inside it."""
        try:
            self.expr(expr.tree.body, path, expr.source)
        except RecursionError:  # pragma: no cover - expressions are at most 200 nodes
            pass

    def expr(self, node: ast.AST, path: tuple, source: str) -> Any:
        rec = lambda n: self.expr(n, path, source)  # noqa: E731
        if isinstance(node, ast.Constant):
            v = node.value
            return Range.const(v) if isinstance(v, Decimal) else None
        if isinstance(node, ast.Name):
            return self.value(node.id)
        if isinstance(node, (ast.List, ast.Tuple)):
            parts = [rec(e) for e in node.elts]
            if parts and all(isinstance(p, Range) for p in parts):
                item = parts[0]
                for p in parts[1:]:
                    item = _union(item, p)
                return ListRange(item, len(parts), len(parts), None)
            return None
        if isinstance(node, ast.UnaryOp):
            inner = rec(node.operand)
            if isinstance(node.op, ast.USub):
                return _neg(_num(inner))
            if isinstance(node.op, ast.UAdd):
                return _num(inner)
            return None
        if isinstance(node, ast.BinOp):
            a, b = rec(node.left), rec(node.right)
            if isinstance(node.op, ast.Add):
                if isinstance(a, ListRange) or isinstance(b, ListRange):
                    return None  # list concatenation
                return _add(_num(a), _num(b))
            if isinstance(node.op, ast.Sub):
                return _add(_num(a), _neg(_num(b)))
            if isinstance(node.op, ast.Mult):
                return _mul(_num(a), _num(b))
            if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)):
                d = _num(b)
                guarded = ast.dump(node.right) in self._nonzero  # `x / d if d > 0 else y`, or a for_each's `when: d > 0`
                if not guarded and (d.contains(F(0)) or (d.exact is None and not d.known)):
                    what = ast.get_source_segment(source, node.right) or "the divisor"
                    self.issue(path, source, node.right, f"the divisor {what} can be 0 ({d.describe(what)}); a record where it is gets an error instead of a result", "division-by-zero")
                if isinstance(node.op, ast.Div):
                    return _div(_num(a), d)
                return Range(step=F(1)) if isinstance(node.op, ast.FloorDiv) else Range()
            if isinstance(node.op, ast.Pow):
                return _pow(_num(a), _num(b))
            return Range()
        if isinstance(node, ast.IfExp):
            rec(node.test)
            with self._guarded(node.test):
                a = rec(node.body)
            b = rec(node.orelse)
            if isinstance(a, Range) and isinstance(b, Range):
                return _union(a, b)
            return None
        if isinstance(node, (ast.Compare, ast.BoolOp)):
            for child in ([node.left] + list(node.comparators)) if isinstance(node, ast.Compare) else node.values:
                rec(child)
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node, node.func.id, path, source)
        return None

    def call(self, node: ast.Call, fn: str, path: tuple, source: str) -> Any:
        """The values of a builtin's call, by the value rule the registry declares for it
        (engine/language/functions.py); a scale's band() or points() also records the scale's use."""
        m = self.m
        args = node.args
        builtin = BUILTINS.get(fn)
        rule = builtin.values if builtin is not None else functions.OPAQUE
        if rule in (functions.POINTS, functions.BAND) and len(args) == 2 and isinstance(args[0], ast.Name) and args[0].id in m.scales:
            x = _num(self.expr(args[1], path, source))
            scale = m.scales[args[0].id]
            what = args[1].id if isinstance(args[1], ast.Name) else (ast.get_source_segment(source, args[1]) or "its argument")
            named = isinstance(args[1], ast.Name) and args[1].id in m.formulas
            formula = path[1] if path and path[0] == "formulas" else None
            self.uses.append(Use(scale.id, x, what, named, self.evaluations_of(formula) if formula else (), path, fn))
            return _points(scale, x) if rule == functions.POINTS else None
        values = [self.expr(a, path, source) for a in args]
        return VALUE_RULES[rule](self, node, fn, values, path, source)

    def empty_list(self, node: ast.Call, fn: str, lst: ListRange, path: tuple, source: str) -> None:
        """`fn` of a list that may be empty is an error for the record: say so, unless it has at least one item."""
        if lst.kmin >= 1:
            return
        m = self.m
        what = ast.get_source_segment(source, node.args[0]) or "the list"
        why = "has no min_items" if lst.name and m.inputs.get(lst.name) and m.inputs[lst.name].min_items is None else f"may have {lst.kmin} items"
        self.issue(path, source, node, f"{fn}({what}): the list {why}, and {fn}() of an empty list is an error for the record; "
                   f"require at least one item (min_items: 1) or say what the act does with none", "empty-list")


def _nonzero_guards(test: Optional[ast.AST]) -> set[str]:
    """The expressions a yes/no test says are not 0 when it holds (ast.dump of each)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return set().union(*(_nonzero_guards(v) for v in test.values))
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return set()
    left, op, right = test.left, test.ops[0], test.comparators[0]

    def zero(n: ast.AST) -> bool:
        return isinstance(n, ast.Constant) and isinstance(n.value, (Decimal, int)) and not isinstance(n.value, bool) and n.value == 0

    if zero(right) and isinstance(op, (ast.Gt, ast.NotEq, ast.Lt)):
        return {ast.dump(left)}
    if zero(left) and isinstance(op, (ast.Lt, ast.NotEq, ast.Gt)):
        return {ast.dump(right)}
    return set()


def _num(v: Any) -> Range:
    return v if isinstance(v, Range) else Range()


# -- arithmetic on ranges --------------------------------------------------------------------------
def _combine(a: Range, b: Range, fn: Callable[[F, F], F]) -> Optional[Range]:
    if a.exact is None or b.exact is None or len(a.exact) * len(b.exact) > LIMIT:
        return None
    out: dict[F, Witness] = {}
    for x, wx in a.exact.items():
        for y, wy in b.exact.items():
            try:
                v = fn(x, y)
            except ZeroDivisionError:
                continue
            w = _merge(wx, wy)
            if v not in out or (out[v] is None and w is not None):
                out[v] = w
    return Range.of(out)


def _add(a: Range, b: Range) -> Range:
    got = _combine(a, b, lambda x, y: x + y)
    if got is not None:
        return got
    lo = None if a.lo is None or b.lo is None else a.lo + b.lo
    hi = None if a.hi is None or b.hi is None else a.hi + b.hi
    step = None if a.step is None or b.step is None else fgcd(a.step, b.step)

    def solver(t: F) -> Witness:
        small, other, flip = (a, b, False) if a.exact is not None else ((b, a, True) if b.exact is not None else (None, None, False))
        if small is not None:
            for x in sorted(small.exact, key=lambda v: (abs(v), v)):
                y = t - x
                if other.contains(y):
                    w = _merge(small.exact[x], other.solve(y))
                    if w is not None:
                        return w
            return None
        seeds = [c for c in (a.lo, a.hi, None if b.lo is None else t - b.lo, None if b.hi is None else t - b.hi, F(0), t) if c is not None]
        tried: set[F] = set()
        for c in seeds:
            cands = [c]
            if a.step:
                cands += [_floor_to(c, a.step), _ceil_to(c, a.step)]
            if b.step:
                cands += [t - _floor_to(t - c, b.step), t - _ceil_to(t - c, b.step)]
            for x in cands:
                if x in tried:
                    continue
                tried.add(x)
                if a.contains(x) and b.contains(t - x):
                    w = _merge(a.solve(x), b.solve(t - x))
                    if w is not None:
                        return w
        return None

    return Range(lo, hi, lo_in=a.lo_in and b.lo_in, hi_in=a.hi_in and b.hi_in, step=step, solver=solver)


def _neg(a: Range) -> Range:
    if a.exact is not None:
        return Range.of({-x: w for x, w in a.exact.items()})
    return Range(None if a.hi is None else -a.hi, None if a.lo is None else -a.lo, lo_in=a.hi_in, hi_in=a.lo_in,
                 step=a.step, solver=lambda t: a.solve(-t))


def _scale(a: Range, c: F) -> Range:
    if a.exact is not None:
        return Range.of({x * c: w for x, w in a.exact.items()}) if c else Range.of({F(0): next(iter(a.exact.values()), {})})
    if c == 0:
        return Range.const(0)
    lo = None if a.lo is None else a.lo * c
    hi = None if a.hi is None else a.hi * c
    lo_in, hi_in = a.lo_in, a.hi_in
    if c < 0:
        lo, hi, lo_in, hi_in = hi, lo, hi_in, lo_in
    return Range(lo, hi, lo_in=lo_in, hi_in=hi_in, step=None if a.step is None else a.step * abs(c), solver=lambda t: a.solve(t / c))


def _single(a: Range) -> Optional[F]:
    return next(iter(a.exact)) if a.exact is not None and len(a.exact) == 1 else None


def _mul(a: Range, b: Range) -> Range:
    ca, cb = _single(a), _single(b)
    if ca is not None:
        return _scale(b, ca)
    if cb is not None:
        return _scale(a, cb)
    got = _combine(a, b, lambda x, y: x * y)
    if got is not None:
        return got
    step = None if a.step is None or b.step is None else a.step * b.step
    if None not in (a.lo, a.hi, b.lo, b.hi):
        corners = [x * y for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
        lo, hi = min(corners), max(corners)
    elif a.lo is not None and b.lo is not None and a.lo >= 0 and b.lo >= 0:
        lo, hi = a.lo * b.lo, None
    else:
        lo = hi = None

    def solver(t: F) -> Witness:
        small, other = (a, b) if a.exact is not None else ((b, a) if b.exact is not None else (None, None))
        if small is None:
            return None
        for x in sorted(small.exact, key=abs):
            if x and other.contains(t / x):
                w = _merge(small.exact[x], other.solve(t / x))
                if w is not None:
                    return w
        return None

    return Range(lo, hi, step=step, solver=solver)


def _div(a: Range, b: Range) -> Range:
    cb = _single(b)
    if cb is not None:
        return _scale(a, 1 / cb) if cb else Range()
    got = _combine(a, b, lambda x, y: x / y)
    if got is not None:
        return got
    if b.contains(F(0)) or None in (a.lo, a.hi, b.lo, b.hi) or (b.lo <= 0 <= b.hi):
        return Range()
    corners = [x / y for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    return Range(min(corners), max(corners))


def _pow(a: Range, b: Range) -> Range:
    cb = _single(b)
    if cb is not None and cb.denominator == 1 and 0 <= cb <= 100 and a.exact is not None and len(a.exact) <= LIMIT:
        return Range.of({x ** int(cb): w for x, w in a.exact.items()})
    return Range()


def _union(a: Range, b: Range) -> Range:
    if a.exact is not None and b.exact is not None and len(a.exact) + len(b.exact) <= LIMIT:
        merged = dict(b.exact)
        for x, w in a.exact.items():
            if merged.get(x) is None:
                merged[x] = w
        return Range.of(merged)
    lo = None if a.lo is None or b.lo is None else min(a.lo, b.lo)
    hi = None if a.hi is None or b.hi is None else max(a.hi, b.hi)
    step = None if a.step is None or b.step is None else fgcd(a.step, b.step)
    return Range(lo, hi, step=step, solver=lambda t: a.solve(t) or b.solve(t))


def _abs(a: Range) -> Range:
    if a.exact is not None:
        out: dict[F, Witness] = {}
        for x, w in a.exact.items():
            if out.get(abs(x)) is None:
                out[abs(x)] = w
        return Range.of(out)
    if a.lo is not None and a.lo >= 0:
        return a
    if a.hi is not None and a.hi <= 0:
        return _neg(a)
    hi = None if a.lo is None or a.hi is None else max(-a.lo, a.hi)
    return Range(F(0), hi, step=a.step, solver=lambda t: a.solve(t) or a.solve(-t))


def _minmax(a: Range, b: Range, fn: str) -> Range:
    pick = min if fn == "min" else max
    got = _combine(a, b, pick)
    if got is not None:
        return got
    lo = None if (a.lo is None or b.lo is None) and fn == "min" else (pick(a.lo, b.lo) if a.lo is not None and b.lo is not None else (a.lo if b.lo is None else b.lo))
    hi = None if (a.hi is None or b.hi is None) and fn == "max" else (pick(a.hi, b.hi) if a.hi is not None and b.hi is not None else (a.hi if b.hi is None else b.hi))
    step = None if a.step is None or b.step is None else fgcd(a.step, b.step)
    return Range(lo, hi, step=step)


def _round_to(x: F, places: int, mode: Optional[str]) -> F:
    """x rounded as Decimal.quantize rounds it: down/up toward/away from zero, halves even or away from zero."""
    unit = F(1, 10 ** places) if places >= 0 else F(10 ** -places)
    q = x / unit
    sign, a = (-1 if q < 0 else 1), abs(q)
    whole, frac = math.floor(a), abs(q) - math.floor(a)
    if mode == "down":
        n = whole
    elif mode == "up":
        n = math.ceil(a)
    elif mode == "half_even":
        n = whole + (1 if frac > F(1, 2) or (frac == F(1, 2) and whole % 2) else 0)
    else:  # half_up
        n = math.floor(a + F(1, 2))
    return sign * n * unit


def _round(a: Range, places: int, mode: Optional[str]) -> Range:
    if a.exact is not None:
        out: dict[F, Witness] = {}
        for x, w in a.exact.items():
            r = _round_to(x, places, mode)
            if out.get(r) is None:
                out[r] = w
        return Range.of(out)
    unit = F(1, 10 ** places) if places >= 0 else F(10 ** -places)
    lo = None if a.lo is None else _round_to(a.lo, places, mode)
    hi = None if a.hi is None else _round_to(a.hi, places, mode)
    return Range(lo, hi, step=unit, solver=lambda t: a.solve(t))


# -- list functions ----------------------------------------------------------------------------------
def _sum(lst: ListRange) -> Range:
    it = lst.item
    if it.exact is not None and lst.kmax is not None and lst.kmax <= MAX_ITEMS_ENUM:
        out: dict[F, Witness] = {}
        for k in range(lst.kmin, lst.kmax + 1):
            sums = _sums_by_k(it, k)
            if sums is None:
                break
            for s, items in sums.items():
                if out.get(s) is None:
                    out[s] = lst.make(items)
        else:
            return Range.of(out)
    lo = hi = None
    if it.lo is not None:
        lo = lst.kmin * it.lo if it.lo >= 0 else (None if lst.kmax is None else lst.kmax * it.lo)
    if it.hi is not None:
        hi = lst.kmin * it.hi if it.hi <= 0 else (None if lst.kmax is None else lst.kmax * it.hi)
    if lst.kmax == 0:
        lo = hi = F(0)
    return Range(lo, hi, step=it.step, solver=lambda t: _made(lst, _compose(t, lst)))


def _made(lst: ListRange, items: Optional[list[F]]) -> Witness:
    return None if items is None else lst.make(items)


def _mean(lst: ListRange) -> Range:
    it = lst.item
    k1 = max(lst.kmin, 1)
    if it.exact is not None and lst.kmax is not None and lst.kmax <= MAX_ITEMS_ENUM:
        out: dict[F, Witness] = {}
        for k in range(k1, lst.kmax + 1):
            sums = _sums_by_k(it, k)
            if sums is None:
                break
            for s, items in sums.items():
                if out.get(s / k) is None:
                    out[s / k] = lst.make(items)
        else:
            return Range.of(out)
    step = None
    if it.step is not None and lst.kmax is not None:
        step = it.step / math.lcm(*range(k1, lst.kmax + 1))

    def solver(t: F) -> Witness:
        last = min(lst.kmax if lst.kmax is not None else k1 + 24, k1 + 24)
        if it.step is None:  # any numbers: prefer whole ones, e.g. 105.5 as [105, 106]
            whole = Range(it.lo, it.hi, lo_in=it.lo_in, hi_in=it.hi_in, step=F(1))
            for k in range(k1, last + 1):
                items = _spread(t * k, k, whole) if (t * k).denominator == 1 else None
                if items is not None:
                    return lst.make(items)
        for k in range(k1, last + 1):
            items = _compose(t * k, lst, k, k)
            if items is not None:
                return lst.make(items)
        return None

    return Range(it.lo, it.hi, lo_in=it.lo_in, hi_in=it.hi_in, step=step, solver=solver)


def _count(lst: ListRange) -> Range:
    sample = lst.sample()
    make = (lambda k: lst.make([sample] * k)) if sample is not None else (lambda k: None)  # noqa: E731
    if lst.kmax is not None and lst.kmax - lst.kmin <= SMALL_INPUT:
        return Range.of({F(k): make(k) for k in range(lst.kmin, lst.kmax + 1)})
    return Range(F(lst.kmin), None, step=F(1), solver=lambda t: make(int(t)) if t <= SMALL_INPUT else None)


def _extreme(lst: ListRange) -> Range:
    it = lst.item
    k1 = max(lst.kmin, 1)
    if it.exact is not None:
        return Range.of({x: lst.make([x] * k1) for x in it.exact})
    return Range(it.lo, it.hi, lo_in=it.lo_in, hi_in=it.hi_in, step=it.step, solver=lambda t: lst.make([t] * k1))


def _points(scale: Scale, x: Range) -> Range:
    """The points of the bands (directly or through a gap policy) that x reaches, each with an example."""
    out: dict[F, Witness] = {}

    def add(band_id: Optional[str], w: Witness) -> None:
        band = next((b for b in scale.bands if b.id == band_id), None)
        if band is None or band.points is None:
            return
        p = F(band.points)
        if out.get(p) is None:
            out[p] = w

    if x.exact is not None:
        for v in sorted(x.exact):
            band, _ = classify(scale, v)
            add(band, x.exact[v])
        return Range.of(out)
    for band in scale.bands:
        if band.points is None:
            continue
        found = x.inside(*band_interval(band))
        example = next((w for w in (x.solve(v) for v in found) if w is not None), None)
        if found:
            add(band.id, example)
    for gap in scale.gaps():
        policy = scale.policy_for(gap)
        if policy is None or policy.resolve == "error":
            continue
        for v in x.inside(*gap_interval(gap), limit=1):
            add(gap.below if policy.resolve == "lower" else gap.above, x.solve(v))
    return Range.of(out)


# -- the value rules of the builtins (engine/language/functions.py) -----------------------------------
# Each takes (analysis, call, function name, the values of its arguments, path, source) and gives
# the Range or ListRange of the call's values, or None for values it does not follow.
def _numbers_list(values: list) -> Optional[ListRange]:
    """The one argument, when it is a list of numbers."""
    return values[0] if len(values) == 1 and isinstance(values[0], ListRange) and not values[0].boolean else None


def _yes_no_list(values: list) -> Optional[ListRange]:
    """The one argument, when it is a list of yes/no (counted as 1 and 0)."""
    return values[0] if len(values) == 1 and isinstance(values[0], ListRange) and values[0].boolean else None


def _of_list(follow: Callable[[ListRange], Range], may_be_empty: bool) -> Callable[..., Any]:
    """The rule of a builtin on a list of numbers (sum, mean, count)."""
    def rule(a: Analysis, node: ast.Call, fn: str, values: list, path: tuple, source: str) -> Any:
        lst = _numbers_list(values)
        if lst is not None:
            if may_be_empty:
                a.empty_list(node, fn, lst, path, source)
            return follow(lst)
        return Range() if len(values) == 1 else None
    return rule


def _extreme_rule(a: Analysis, node: ast.Call, fn: str, values: list, path: tuple, source: str) -> Any:
    """min and max: of a list's items, or of the arguments."""
    lst = _numbers_list(values)
    if lst is not None:
        a.empty_list(node, fn, lst, path, source)
        return _extreme(lst)
    if len(values) == 1:
        return Range()
    if not values:
        return None
    nums = [_num(v) for v in values]
    out = nums[0]
    for n in nums[1:]:
        out = _minmax(out, n, fn)
    return out


def _count_yes_rule(a: Analysis, node: ast.Call, fn: str, values: list, path: tuple, source: str) -> Any:
    lst = _yes_no_list(values)
    return _sum(lst) if lst is not None else Range(step=F(1))


def _share_yes_rule(a: Analysis, node: ast.Call, fn: str, values: list, path: tuple, source: str) -> Any:
    lst = _yes_no_list(values)
    return _mean(lst) if lst is not None else None


def _abs_rule(a: Analysis, node: ast.Call, fn: str, values: list, path: tuple, source: str) -> Any:
    return _abs(_num(values[0])) if len(values) == 1 else None


def _round_rule(a: Analysis, node: ast.Call, fn: str, values: list, path: tuple, source: str) -> Any:
    if len(values) != 3:
        return None
    places = values[1]
    mode = node.args[2].value if isinstance(node.args[2], ast.Constant) else None
    if isinstance(places, Range) and places.exact is not None and len(places.exact) == 1:
        return _round(_num(values[0]), int(next(iter(places.exact))), mode)
    return Range()


def _whole_rule(a: Analysis, node: ast.Call, fn: str, values: list, path: tuple, source: str) -> Any:
    return Range(step=F(1))


def _not_followed(a: Analysis, node: ast.Call, fn: str, values: list, path: tuple, source: str) -> Any:
    return None  # band()/points() without a scale named, yes/no, text, lists, maps, dates


VALUE_RULES: dict[str, Callable[..., Any]] = {
    functions.SUM: _of_list(_sum, may_be_empty=False),
    functions.MEAN: _of_list(_mean, may_be_empty=True),
    functions.COUNT: _of_list(_count, may_be_empty=False),
    functions.EXTREME: _extreme_rule,
    functions.COUNT_YES: _count_yes_rule,
    functions.SHARE_YES: _share_yes_rule,
    functions.ABS: _abs_rule,
    functions.ROUND: _round_rule,
    functions.WHOLE: _whole_rule,
    functions.POINTS: _not_followed,
    functions.BAND: _not_followed,
    functions.OPAQUE: _not_followed,
}


# -- records for examples ----------------------------------------------------------------------------
def filler(spec: Any) -> Any:
    """A simple valid value for a required input an example does not otherwise need."""
    t = spec.type
    if t in ("integer", "decimal"):
        v = Decimal(0)
        if spec.min is not None and v < spec.min:
            v = spec.min
        if spec.max is not None and v > spec.max:
            v = spec.max
        return Decimal(math.ceil(v)) if t == "integer" else v
    if t == "boolean":
        return False
    if t == "date":
        return dt.date(2017, 1, 9)
    if t == "enum":
        return spec.values[0] if spec.values else ""
    if t == "list" and spec.items is not None:
        return [filler(spec.items)] * (spec.min_items or 0)
    return "x"


class Examples:
    """Turns the analysis' examples into whole records, and checks them by running the engine."""

    def __init__(self, analysis: Analysis):
        self.a = analysis
        self._evaluators: dict[str, Any] = {}

    def record(self, evaluation: str, witness: dict) -> dict:
        m = self.a.m
        e = m.evaluations[evaluation]
        record = {k: v for k, v in witness.items() if k in e.inputs}
        for name in e.inputs:
            spec = m.inputs.get(name)
            if name not in record and spec is not None and spec.required:
                record[name] = filler(spec)
        return record

    def value_of(self, evaluation: str, name: str, record: dict) -> Any:
        """The engine's value of `name` (a formula, the score, or an input) for a record."""
        if name in self.a.m.inputs:
            return record.get(name)
        from ..evaluation.evaluator import Evaluator  # the engine itself, only when an example is to be checked

        if evaluation not in self._evaluators:
            self._evaluators[evaluation] = Evaluator(self.a.m, evaluation, explain=True)
        result = self._evaluators[evaluation].evaluate({"id": "example", **record})
        for step in result.steps:
            if step.name == name and step.kind == "formula":
                return step.value
        return None

    def check(self, use: Use, target: F) -> Optional[tuple[str, dict, dict]]:
        """(evaluation, record, the inputs that matter) of a checked example where use.what = target, or None."""
        w = use.range.solve(target)
        if w is None or not use.named and use.what not in self.a.m.inputs:
            return None
        for evaluation in use.evaluations:
            record = self.record(evaluation, w)
            got = self.value_of(evaluation, use.what, record)
            if isinstance(got, Decimal) and abs(F(got) - target) < F(1, 10 ** 20):
                return evaluation, record, {k: record[k] for k in w if k in record}
        return None


# -- findings ----------------------------------------------------------------------------------------
def analyse(m: Methodology, doc: Document, calendar: Any = None) -> list[Finding]:
    """Findings of the value analysis and of the deadlines' relation to their events."""
    a = Analysis(m)
    out: list[Finding] = []
    for issue in a.issues:
        out.append(_expr_finding(doc, issue))
    out += _scale_findings(a, doc)
    out += _deadline_findings(m, doc, calendar)
    return out


def _expr_finding(doc: Document, issue: Issue) -> Finding:
    if issue.source is None:
        return doc.finding(issue.path, issue.message, issue.code, issue.severity)
    line, col = doc.locate_in_value(issue.path, issue.source, issue.offset)
    text = doc.lines[line - 1] if 0 < line <= len(doc.lines) else ""
    return Finding(doc.path, line, col, issue.message, issue.code, issue.severity, text)


def _gap_where(gap: Gap) -> str:
    if gap.below and gap.above:
        return f"between '{gap.below}' and '{gap.above}'"
    return f"above '{gap.below}'" if gap.below else f"below '{gap.above}'"


def _scale_findings(a: Analysis, doc: Document) -> list[Finding]:
    m, examples = a.m, Examples(a)
    out: list[Finding] = []
    by_scale: dict[str, list[Use]] = {}
    for use in a.uses:
        if use.evaluations:  # a use no evaluation reaches says nothing about real records
            by_scale.setdefault(use.scale, []).append(use)
    for sid, uses in by_scale.items():
        scale = m.scales[sid]
        ids = [b.id for b in scale.bands]
        reached_bands: set[str] = set()
        for gap in scale.gaps():
            policy = scale.policy_for(gap)
            pi = scale.policies.index(policy) if policy is not None else None
            where = ("scales", sid, "gaps", pi) if pi is not None else scale.band_path(ids.index(gap.above or gap.below))
            interval = gap_interval(gap)
            example = maybe = None
            for use in uses:
                for v in use.range.inside(*interval):
                    maybe = maybe or (use, v)
                    found = examples.check(use, v)
                    if found:
                        example = (use, v, found)
                        break
                if example:
                    break
            head = f"scale '{sid}': values {gap.describe()} ({_gap_where(gap)}) belong to no band"
            if example or maybe:
                use, v = (example or maybe)[:2]
                if policy is not None and policy.resolve in ("lower", "upper"):
                    target = gap.below if policy.resolve == "lower" else gap.above
                    reached_bands.add(target)
                    tail = f"; the gap policy puts them in '{target}' [{', '.join(policy.cite)}; interpretation {policy.interpretation}]"
                    severity = "note"
                elif policy is not None:
                    tail = f"; the gap policy makes them an error for the record [{', '.join(policy.cite)}; interpretation {policy.interpretation}]: real records will get no rating"
                    severity = "warning"
                else:
                    tail = "; declare a gap policy citing the act"
                    severity = "warning"
                if example:
                    evaluation, _, given = example[2]
                    body = f", and records reach them: e.g. {use.what} = {show(v)} with {show_record(given)} (evaluation '{evaluation}')"
                else:
                    body = f", and {use.range.describe(use.what)}, so records may reach them (e.g. {use.what} = {show(v)}; no example record could be built)"
                out.append(doc.finding(where, head + body + tail, "gap-reachable", severity))
            else:
                why = "; ".join(_why_not(use, interval) for use in uses)
                out.append(doc.finding(where, f"scale '{sid}': no record reaches the values {gap.describe()} ({_gap_where(gap)}): {why}", "gap-unreachable", "note"))
        for i, band in enumerate(scale.bands):
            if band.id in reached_bands or any(use.range.inside(*band_interval(band), limit=1) for use in uses):
                continue
            why = "; ".join(use.range.describe(use.what) for use in uses)
            out.append(doc.finding(scale.band_path(i), f"band '{band.id}' of scale '{sid}' ({band.describe()}) is reached by no record: {why}",
                                   "band-unreachable", "warning"))
    return out


def _why_not(use: Use, interval: tuple) -> str:
    text = use.range.describe(use.what)
    if use.range.exact is None:
        return text
    lo, _, hi, _ = interval
    below = None if lo is None else (lo if use.range.contains(lo) else use.range.neighbours(lo)[0])
    above = None if hi is None else (hi if use.range.contains(hi) else use.range.neighbours(hi)[1])
    near = [show(x) for x in (below, above) if x is not None]
    if near:
        text += f"; the nearest {'are' if len(near) > 1 else 'is'} {' and '.join(near)}"
    return text


def _deadline_findings(m: Methodology, doc: Document, calendar: Any) -> list[Finding]:
    out: list[Finding] = []
    for name, d in m.deadlines.items():
        if not d.anchor:
            continue
        unit = d.unit.replace("_", " ")
        if d.direction == "before":
            out.append(doc.finding(("deadlines", name, "direction"),
                                   f"deadline '{name}' falls {d.count} {unit} before its event '{d.anchor}': that date must be known at least "
                                   f"that far ahead, and a record that gives it later gets a deadline already past", "deadline-before-anchor", "note"))
        crossing = (d.direction == "after" and d.roll == "backward") or (d.direction == "before" and d.roll == "forward")
        if crossing and d.unit != "working_days":
            example = _crossing(d, calendar)
            if example:
                event, due = example
                side = "before" if d.direction == "after" else "after"
                out.append(doc.finding(("deadlines", name, "roll"),
                                       f"deadline '{name}' ({d.count} {unit} {d.direction} '{d.anchor}', roll {d.roll}) can fall {side} its own event: "
                                       f"for {d.anchor} = {event} ({event.strftime('%A')}) it is {due} ({due.strftime('%A')})", "deadline-crosses-anchor", "warning"))
    return out


def _crossing(d: Any, calendar: Any) -> Optional[tuple[dt.date, dt.date]]:
    """An event date for which the deadline lands on the wrong side of it (searched over 2017-2030)."""
    if calendar is None:
        from ..calendar.workdays import default_calendar

        calendar = default_calendar()
    day = dt.date(2017, 1, 1)
    while day.year <= 2030:
        try:
            due = d.compute(calendar, event=day)
        except Exception:  # noqa: BLE001 - a date the calendar cannot count is no example
            due = None
        if due is not None and ((d.direction == "after" and due < day) or (d.direction == "before" and due > day)):
            return day, due
        day += dt.timedelta(days=1)
    return None
