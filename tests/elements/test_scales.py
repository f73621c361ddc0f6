"""Scales (engine/scales.py), against docs/language.md "scales" and "Gaps".

Bounds are written as the act writes them: less_than (<), at_most (<=), at_least (>=),
more_than (>), equals (=). Uncovered stretches of the domain are gaps; each needs a policy
(lower / upper / error); a value in a gap is never classified silently; overlaps are errors.
"""
from __future__ import annotations

import textwrap
from dataclasses import replace
from decimal import Decimal as D
from fractions import Fraction

import pytest

from engine.language.expressions import EvaluationError
from engine.methodology.model import compile_document
from engine.editions.registry import Registry
from engine.elements.scales import Band, Bound, GapPolicy, Scale
from engine.language.source import load_text


def band(id_, *, less_than=None, at_most=None, at_least=None, more_than=None, equals=None, points=None, cite=()):
    lower = upper = None
    if equals is not None:
        lower = upper = Bound(D(equals), True)
    if at_least is not None:
        lower = Bound(D(at_least), True)
    if more_than is not None:
        lower = Bound(D(more_than), False)
    if at_most is not None:
        upper = Bound(D(at_most), True)
    if less_than is not None:
        upper = Bound(D(less_than), False)
    return Band(id_, {"kk": id_, "en": id_}, lower, upper, None if points is None else D(points), (), tuple(cite))


def scale(*bands, policies=(), low=None, high=None, integer=False, id_="s", cite=("p.27",)):
    return Scale(id_, {"kk": "", "en": ""}, tuple(cite), list(bands), list(policies),
                 None if low is None else D(low), None if high is None else D(high), integer)


def policy(below, above, resolve, interpretation="gap-interp", cite=("p.32",)):
    return GapPolicy((below, above), resolve, tuple(cite), interpretation)


def classify(s: Scale, x) -> str:
    return s.classify(D(str(x)))[0].id


def pairs(s: Scale):
    return [(g.below, g.above) for g in s.gaps()]


# ---------------------------------------------------------------------------------- single bounds
EPS = D("0.001")


@pytest.mark.parametrize("kind, at, below, above", [
    ("less_than", False, True, False),
    ("at_most", True, True, False),
    ("at_least", True, False, True),
    ("more_than", False, False, True),
    ("equals", True, False, False),
])
def test_bound_kinds_at_below_and_above(kind, at, below, above):
    b = band("b", **{kind: 10})
    assert b.contains(D(10)) is at
    assert b.contains(D(10) - EPS) is below
    assert b.contains(D(10) + EPS) is above
    assert b.contains(D(9)) is below
    assert b.contains(D(11)) is above


def test_two_sided_band_edges():
    b = band("satisfactory", at_least=80, at_most=105)
    assert [b.contains(D(x)) for x in ("79.999", "80", "105", "105.001")] == [False, True, True, False]
    b = band("middle", more_than=80, less_than=105)
    assert [b.contains(D(x)) for x in ("80", "80.001", "104.999", "105")] == [False, True, True, False]


# ---------------------------------------------------------------------------------- p.27 classification
P27 = scale(
    band("unsatisfactory", less_than=80),
    band("satisfactory", at_least=80, at_most=105),
    band("effective", at_least=106, at_most=130),
    band("excellent", more_than=130),
    policies=[policy("satisfactory", "effective", "error", "quarterly-integer", ("p.27",))],
)


@pytest.mark.parametrize("x, want", [
    (0, "unsatisfactory"), (79, "unsatisfactory"), ("79.99", "unsatisfactory"),
    (80, "satisfactory"), (100, "satisfactory"), (105, "satisfactory"),
    (106, "effective"), (130, "effective"),
    ("130.01", "excellent"), (131, "excellent"), (500, "excellent"),
])
def test_p27_bands(x, want):
    assert classify(P27, x) == want


def test_classify_reports_no_policy_inside_a_band():
    b, p = P27.classify(D(105))
    assert b.id == "satisfactory" and p is None


# ---------------------------------------------------------------------------------- gaps
def test_gap_between_at_most_105_and_at_least_106():
    gaps = P27.gaps()
    assert pairs(P27) == [("satisfactory", "effective")]
    (g,) = gaps
    assert g.contains(D("105.5"))
    assert g.contains(D("105.0001")) and g.contains(D("105.9999"))
    assert not g.contains(D(105)) and not g.contains(D(106))


def test_gap_at_equal_exclusive_bounds():
    s = scale(band("low", less_than=80), band("high", more_than=80))
    (g,) = s.gaps()
    assert (g.below, g.above) == ("low", "high")
    assert g.contains(D(80))
    assert not g.contains(D("79.999")) and not g.contains(D("80.001"))


@pytest.mark.parametrize("first, second", [
    ({"less_than": 80}, {"at_least": 80}),
    ({"at_most": 80}, {"more_than": 80}),
])
def test_no_gap_when_one_side_is_inclusive(first, second):
    s = scale(band("low", **first), band("high", **second))
    assert s.gaps() == []
    assert s.overlaps() == []
    assert classify(s, 80) == ("high" if "at_least" in second else "low")


def test_gap_above_a_last_equals_band():
    s = scale(band("low", less_than=3), band("mid", at_least=3, at_most=4), band("top", equals=5))
    assert pairs(s) == [("mid", "top"), ("top", None)]
    above = s.gaps()[1]
    assert above.contains(D("5.01")) and above.contains(D(1000))
    assert not above.contains(D(5))


def test_gap_below_a_first_band_with_a_lower_bound():
    s = scale(band("only", at_least=0, at_most=10))
    assert pairs(s) == [(None, "only"), ("only", None)]
    below = s.gaps()[0]
    assert below.contains(D("-0.001")) and not below.contains(D(0))


def test_domain_closes_the_ends():
    s = scale(band("only", at_least=0, at_most=10), low=0, high=10)
    assert s.gaps() == []


def test_no_gap_in_an_integer_domain_between_105_and_106():
    s = scale(band("satisfactory", at_least=80, at_most=105), band("effective", at_least=106, at_most=130),
              low=80, high=130, integer=True)
    assert s.gaps() == []


def test_integer_domain_still_finds_a_missing_integer():
    s = scale(band("a", at_least=80, at_most=105), band("b", at_least=107, at_most=130), low=80, high=130, integer=True)
    assert pairs(s) == [("a", "b")]
    assert s.gaps()[0].contains(D(106))


def test_integer_domain_keeps_an_exclusive_point_gap():
    s = scale(band("low", less_than=80), band("high", more_than=80), integer=True)
    assert pairs(s) == [("low", "high")]


def test_integer_domain_fractional_edges_without_an_integer_between():
    s = scale(band("a", at_most="3.5"), band("b", at_least=4), integer=True)
    assert s.gaps() == []


def test_equals_bands_of_an_integer_domain_2_to_5():
    s = scale(*(band(str(n), equals=n) for n in (2, 3, 4, 5)), low=2, high=5, integer=True)
    assert s.gaps() == []
    assert [classify(s, n) for n in (2, 3, 4, 5)] == ["2", "3", "4", "5"]


def test_gap_at_an_exclusive_last_bound_equal_to_the_domain_top():
    # regression: _reachable compared values only and dropped this gap
    s = scale(band("low", at_most=3), band("high", at_least=4, less_than=5), low=0, high=5)
    assert ("high", None) in pairs(s)  # the value 5 is in the domain and in no band


def test_gap_at_an_exclusive_first_bound_equal_to_the_domain_bottom():
    # regression: _reachable compared values only and dropped this gap
    s = scale(band("low", more_than=0, at_most=3), band("high", more_than=3), low=0)
    assert (None, "low") in pairs(s)  # the value 0 is in the domain and in no band


# ---------------------------------------------------------------------------------- overlaps
def test_overlap_at_a_shared_inclusive_edge():
    s = scale(band("a", at_most=80), band("b", at_least=80))
    assert s.overlaps() == [("a", "b")]


def test_overlap_of_ranges():
    s = scale(band("a", at_least=80, at_most=106), band("b", at_least=106, at_most=130), band("c", more_than=130))
    assert s.overlaps() == [("a", "b")]


def test_overlap_when_bands_are_out_of_order():
    s = scale(band("high", at_least=100), band("low", less_than=50))
    assert ("high", "low") in s.overlaps()


def test_equals_band_inside_its_neighbour_overlaps():
    s = scale(band("a", at_most=5), band("b", equals=5))
    assert s.overlaps() == [("a", "b")]


def test_p27_has_no_overlap():
    assert P27.overlaps() == []


# ---------------------------------------------------------------------------------- gap policies
def mean_scale(resolve):
    return scale(
        band("unsatisfactory", less_than=80, points=2),
        band("satisfactory", at_least=80, at_most=105, points=3),
        band("effective", at_least=106, at_most=130, points=4),
        band("excellent", more_than=130, points=5),
        policies=[policy("satisfactory", "effective", resolve, "mean-gap-105-106")],
    )


def test_resolve_lower():
    b, p = mean_scale("lower").classify(D("105.5"))
    assert b.id == "satisfactory"
    assert p is not None and p.interpretation == "mean-gap-105-106"


def test_resolve_upper():
    b, p = mean_scale("upper").classify(D("105.5"))
    assert b.id == "effective"
    assert p.interpretation == "mean-gap-105-106"


def test_resolve_error_names_both_bands_and_the_interpretation():
    with pytest.raises(EvaluationError) as info:
        P27.classify(D("105.5"))
    msg = str(info.value)
    assert "105.5" in msg
    assert "'satisfactory'" in msg and "'effective'" in msg
    assert "quarterly-integer" in msg
    assert "p.27" in msg


def test_gap_without_a_policy_is_an_error_not_a_guess():
    s = scale(band("satisfactory", at_least=80, at_most=105), band("effective", at_least=106))
    with pytest.raises(EvaluationError) as info:
        s.classify(D("105.5"))
    assert "'satisfactory'" in str(info.value) and "'effective'" in str(info.value)
    assert "no gap policy" in str(info.value)


def test_policy_only_applies_to_its_own_gap():
    s = scale(band("a", at_most=1), band("b", at_least=2, at_most=3), band("c", at_least=4),
              policies=[policy("a", "b", "lower")])
    assert classify(s, "1.5") == "a"
    with pytest.raises(EvaluationError):
        s.classify(D("3.5"))


def test_above_last_band_with_error_policy():
    s = scale(band("low", less_than=3), band("top", equals=5), policies=[policy("low", "top", "lower"),
                                                                          policy("top", None, "error", "annual-above-five")])
    assert classify(s, 4) == "low"
    with pytest.raises(EvaluationError) as info:
        s.classify(D("5.1"))
    assert "'top'" in str(info.value) and "annual-above-five" in str(info.value)


def test_resolve_lower_below_the_first_band_has_no_band_to_use():
    s = scale(band("only", at_least=0), policies=[policy(None, "only", "lower")])
    with pytest.raises(EvaluationError):
        s.classify(D(-1))


def test_resolve_upper_below_the_first_band():
    s = scale(band("only", at_least=0), policies=[policy(None, "only", "upper")])
    assert classify(s, -1) == "only"


# ---------------------------------------------------------------------------------- domain
def test_values_outside_the_domain_are_refused():
    s = scale(*(band(str(n), equals=n) for n in (2, 3, 4, 5)), low=2, high=5, integer=True, cite=("p.30",))
    for x in ("1", "1.999", "5.001", "6"):
        with pytest.raises(EvaluationError) as info:
            s.classify(D(x))
        assert "outside" in str(info.value) and "p.30" in str(info.value)


def test_non_integer_in_an_integer_domain_is_not_classified():
    s = scale(*(band(str(n), equals=n) for n in (2, 3, 4, 5)), low=2, high=5, integer=True)
    with pytest.raises(EvaluationError):
        s.classify(D("2.5"))


def test_domain_edges_are_inside():
    s = scale(band("a", at_least=0, at_most=10), low=0, high=10)
    assert classify(s, 0) == "a" and classify(s, 10) == "a"


# ---------------------------------------------------------------------------------- from YAML
SCALE_YAML = textwrap.dedent(
    """\
    scales:
      annual:
        cite: p.33
        label: {kk: k, en: e}
        bands:
          - {id: unsatisfactory, label: {kk: k, en: e}, less_than: 3}
          - {id: satisfactory, label: {kk: k, en: e}, at_least: 3, at_most: 3.9}
          - {id: effective, label: {kk: k, en: e}, at_least: 4, at_most: 4.9}
          - {id: excellent, label: {kk: k, en: e}, equals: 5}
        gaps:
          - {between: [satisfactory, effective], resolve: lower, cite: p.33, interpretation: annual-gaps}
          - {between: [effective, excellent], resolve: lower, cite: p.33, interpretation: annual-gaps}
          - {between: [excellent, null], resolve: error, cite: p.32, interpretation: annual-above-five}
    """
)


def compiled_scale() -> Scale:
    m, findings = compile_document(load_text(SCALE_YAML), "f", "e")
    assert findings == []
    return m.scales["annual"]


def test_compiled_bounds_are_exact_decimals():
    s = compiled_scale()
    assert s.band("satisfactory").upper == Bound(D("3.9"), True)
    assert s.band("excellent").lower == s.band("excellent").upper == Bound(D(5), True)


@pytest.mark.parametrize("x, want", [
    ("2.99", "unsatisfactory"), ("3", "satisfactory"), ("3.9", "satisfactory"), ("3.95", "satisfactory"),
    ("4", "effective"), ("4.9", "effective"), ("4.95", "effective"), ("5", "excellent"),
])
def test_p33_annual_bands(x, want):
    assert classify(compiled_scale(), x) == want


def test_p33_gap_values_report_the_policy():
    _, p = compiled_scale().classify(D("3.95"))
    assert p.interpretation == "annual-gaps"


def test_p33_above_five_is_an_error():
    with pytest.raises(EvaluationError, match="annual-above-five"):
        compiled_scale().classify(D("5.2"))


def test_compiled_gaps_are_all_covered():
    s = compiled_scale()
    assert pairs(s) == [("satisfactory", "effective"), ("effective", "excellent"), ("excellent", None)]
    assert all(s.policy_for(g) is not None for g in s.gaps())


# ---------------------------------------------------------------------------------- the bundled act
@pytest.fixture(scope="module")
def wko():
    return Registry.default().get("wko-maslikhat@2017")


def test_bundled_quarterly_rating(wko):
    s = wko.scales["quarterly_rating"]
    assert [classify(s, x) for x in (79, 80, 105, 106, 130, 131)] == [
        "unsatisfactory", "satisfactory", "satisfactory", "effective", "effective", "excellent"]
    with pytest.raises(EvaluationError, match="quarterly-integer"):
        s.classify(D("105.5"))


def test_bundled_mean_points_gap_takes_the_lower_band(wko):
    b, p = wko.scales["quarterly_mean_points"].classify(D("105.5"))
    assert (b.id, b.points, p.interpretation) == ("satisfactory", D(3), "mean-gap-105-106")


def test_bundled_plan_indicator_has_no_gaps(wko):
    assert wko.scales["plan_indicator"].gaps() == []


# ---------------------------------------------------------------------------------- one rule, any exact number
@pytest.mark.parametrize("x, want", [
    (Fraction(239, 3), ("unsatisfactory", None)),  # 79.67: less than 80
    (Fraction(80), ("satisfactory", None)),
    (Fraction(211, 2), ("satisfactory", ("satisfactory", "effective"))),  # 105.5: the gap, resolved lower
    (Fraction(130), ("effective", None)),
    (Fraction(391, 3), ("excellent", None)),  # 130.33: more than 130
])
def test_the_rule_places_a_fraction_as_it_places_the_same_decimal(x, want):
    s = mean_scale("lower")
    placed = s.place(x)
    assert (placed.band.id, placed.gap and (placed.gap.below, placed.gap.above)) == want
    if x.denominator in (1, 2):  # the same number as a Decimal, through the evaluation's classify
        band_, policy_ = s.classify(D(x.numerator) / D(x.denominator))
        assert band_.id == want[0] and (policy_ is not None) == (want[1] is not None)


def test_the_rule_says_why_a_number_gets_no_band():
    s = replace(mean_scale("error"), step=D("0.5"), domain_low=D(0), domain_high=D(200))
    assert s.place(Fraction(1, 3)).outside == "step" and s.place(D("0.3")).outside == "step"
    assert s.place(Fraction(201)).outside == "domain" and s.place(Fraction(-1, 2)).outside == "domain"
    in_gap = s.place(Fraction(211, 2))
    assert in_gap.band is None and in_gap.outside is None and in_gap.policy.resolve == "error"
    assert (in_gap.gap.below, in_gap.gap.above) == ("satisfactory", "effective")
    assert s.place(Fraction(3, 2)).band.id == "unsatisfactory"
