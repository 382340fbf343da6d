"""Wilson interval and G² against values worked out by hand (and Newcombe's published table)."""

from __future__ import annotations

import math

import pytest

from imr_search.analysis.stats import chi2_1df_critical, chi2_1df_p, g2_2x2, wilson_interval

Z = 1.959963984540054  # the 0.975 normal quantile


def by_hand(x: int, n: int) -> tuple[float, float]:
    # (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), written out once more.
    p = x / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


def test_wilson_one_of_ten() -> None:
    # p = 0.1, z²/n = 0.38415: centre 0.29207/1.38415 = 0.21101, half 0.19314
    low, high = wilson_interval(1, 10)
    assert low == pytest.approx(0.0179, abs=5e-5)
    assert high == pytest.approx(0.4042, abs=5e-5)
    assert (low, high) == pytest.approx(by_hand(1, 10))


def test_wilson_none_of_five_starts_at_exactly_zero() -> None:
    # p = 0: centre = half = (z²/10) / (1 + z²/5) = 0.38415 / 1.76829 = 0.21724
    low, high = wilson_interval(0, 5)
    assert low == 0.0
    assert high == pytest.approx(0.4345, abs=5e-5)


def test_wilson_ten_of_ten_ends_at_exactly_one() -> None:
    low, high = wilson_interval(10, 10)
    assert low == pytest.approx(0.7225, abs=5e-5)
    assert high == 1.0


def test_wilson_of_nothing_is_the_whole_unit_interval() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998_table(x: int, n: int, low: float, high: float) -> None:
    # Newcombe, Statistics in Medicine 17:857-872 (1998), table I, method 3 (score interval).
    assert wilson_interval(x, n) == pytest.approx((low, high), abs=5e-5)


def test_wilson_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(3, 2)


def test_g2_of_a_hand_computed_table() -> None:
    # group 1: 10 of 100 have the term; group 2: 2 of 100. Expected counts: 6, 94, 6, 94.
    # G² = 2 (10 ln(10/6) + 90 ln(90/94) + 2 ln(2/6) + 98 ln(98/94))
    #    = 2 (5.10826 - 3.91369 - 2.19722 + 4.08388) = 2 (3.08123) = 6.1625
    assert g2_2x2(10, 90, 2, 98) == pytest.approx(6.1626, abs=1e-4)


def test_g2_is_zero_when_the_groups_do_not_differ() -> None:
    assert g2_2x2(5, 45, 10, 90) == pytest.approx(0.0, abs=1e-12)


def test_g2_counts_an_empty_cell_as_zero() -> None:
    # 0 ln 0 = 0: G² = 2 (5 ln(5/2.5) + 5 ln(5/7.5) + 0 + 10 ln(10/7.5))
    expected = 2 * (5 * math.log(2) + 5 * math.log(5 / 7.5) + 10 * math.log(10 / 7.5))
    assert g2_2x2(5, 5, 0, 10) == pytest.approx(expected)


def test_g2_of_an_empty_margin_is_zero() -> None:
    assert g2_2x2(0, 10, 0, 20) == 0.0


def test_chi2_one_df_critical_values_and_p() -> None:
    assert chi2_1df_critical(0.05) == pytest.approx(3.8415, abs=1e-4)
    assert chi2_1df_critical(0.001) == pytest.approx(10.8276, abs=1e-4)
    assert chi2_1df_p(3.841458820694124) == pytest.approx(0.05)
    assert chi2_1df_p(0.0) == 1.0
