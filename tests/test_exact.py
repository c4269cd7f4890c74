"""The exact statistics, checked against scipy.stats (a trusted implementation, used only
by the tests) on a grid of small and large counts, zeros on either side included."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from diary.analysis.exact import (
    binomial_two_sided_p,
    clopper_pearson,
    fisher_exact,
    rate_increase_p_value,
    rate_ratio_interval,
    rate_ratio_p_value,
    window_permutation_p_value,
    window_permutation_tail,
)

GRID = [
    (0, 1),
    (0, 10),
    (1, 1),
    (3, 10),
    (10, 10),
    (7, 40),
    (0, 200),
    (150, 300),
    (999, 1000),
    (30, 100_000),
    (52_000, 100_000),
    (0, 5000),
    (5000, 5000),
    (1234, 4000),
]


@pytest.mark.parametrize(("k", "n"), GRID)
def test_clopper_pearson_matches_scipy(k: int, n: int) -> None:
    expected = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    low, high = clopper_pearson(k, n)
    assert low == pytest.approx(expected.low, abs=1e-9)
    assert high == pytest.approx(expected.high, abs=1e-9)


@pytest.mark.parametrize(("k", "n"), GRID)
@pytest.mark.parametrize("p", [0.1, 0.5, 0.73])
def test_binomial_two_sided_p_matches_scipy(k: int, n: int, p: float) -> None:
    expected = stats.binomtest(k, n, p).pvalue
    assert binomial_two_sided_p(k, n, p) == pytest.approx(expected, rel=1e-6, abs=1e-12)


TABLES = [
    (0, 0, 0, 0),
    (0, 5, 0, 5),
    (3, 0, 0, 3),
    (8, 2, 1, 5),
    (1, 9, 11, 3),
    (9, 5, 3, 44),
    (0, 14, 6, 8),
    (40, 60, 10, 90),
]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_fisher_exact_matches_scipy(table: tuple[int, int, int, int], alternative: str) -> None:
    a, b, c, d = table
    expected = stats.fisher_exact([[a, b], [c, d]], alternative=alternative).pvalue
    assert fisher_exact(a, b, c, d, alternative) == pytest.approx(expected, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize(
    ("exposed", "unexposed", "t1", "t0"),
    [(45, 20, 30, 51), (0, 12, 10, 20), (12, 0, 10, 20), (3, 3, 3, 3), (200, 150, 400, 300)],
)
def test_rate_ratio_interval_is_the_conditional_binomial_interval(
    exposed: int, unexposed: int, t1: float, t0: float
) -> None:
    ci = stats.binomtest(exposed, exposed + unexposed).proportion_ci(method="exact")
    low, high = rate_ratio_interval(exposed, unexposed, t1, t0)
    scale = t0 / t1
    assert low == pytest.approx(ci.low / (1 - ci.low) * scale, rel=1e-7, abs=1e-12)
    if ci.high >= 1:
        assert high is None
    else:
        assert high == pytest.approx(ci.high / (1 - ci.high) * scale, rel=1e-7)
    share = t1 / (t1 + t0)
    expected_p = stats.binomtest(exposed, exposed + unexposed, share).pvalue
    assert rate_ratio_p_value(exposed, unexposed, t1, t0) == pytest.approx(expected_p, rel=1e-6)


@given(st.integers(0, 60), st.integers(1, 60))
def test_interval_contains_the_estimate_and_widens_as_data_shrink(k: int, extra: int) -> None:
    n = k + extra
    low, high = clopper_pearson(k, n)
    assert 0 <= low <= k / n <= high <= 1
    big_low, big_high = clopper_pearson(k * 2, n * 2)  # the same share from twice the data
    assert (big_high - big_low) <= (high - low) + 1e-12


@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
def test_p_values_lie_in_zero_one(a: int, b: int, c: int, d: int) -> None:
    for alternative in ("two-sided", "greater", "less"):
        assert 0.0 <= fisher_exact(a, b, c, d, alternative) <= 1.0
    p = rate_ratio_p_value(a, b, c + 1, d + 1)
    assert 0.0 <= p <= 1.0 and not math.isnan(p)


@pytest.mark.parametrize(
    ("recent", "earlier"), [(5, 0), (10, 2), (16, 7), (14, 2), (0, 7), (300, 250)]
)
def test_rate_increase_p_value_is_the_one_sided_binomial_test(recent: int, earlier: int) -> None:
    if recent == 0:
        assert rate_increase_p_value(recent, earlier) == 1.0
        return
    expected = stats.binomtest(recent, recent + earlier, 0.5, alternative="greater").pvalue
    assert rate_increase_p_value(recent, earlier) == pytest.approx(expected, rel=1e-9)


def _sum_of_second(x: Any, y: Any, axis: int) -> Any:
    return np.sum(y, axis=axis)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=2, max_size=6),
    st.lists(st.integers(0, 6), min_size=2, max_size=6),
)
def test_window_permutation_test_matches_scipy(earlier: list[int], recent: list[int]) -> None:
    # scipy enumerates every split of the days exactly when there are few of them.
    expected = stats.permutation_test(
        (earlier, recent),
        _sum_of_second,
        permutation_type="independent",
        alternative="greater",
        n_resamples=np.inf,
        vectorized=True,
    ).pvalue
    if sum(recent) == 0:
        assert window_permutation_p_value(earlier, recent) == 1.0
        return
    assert window_permutation_p_value(earlier, recent) == pytest.approx(expected, rel=1e-9)
    at_least, equal = window_permutation_tail(earlier, recent)
    mid = window_permutation_p_value(earlier, recent, mid=True)
    assert mid == pytest.approx(at_least - equal / 2) and 0 < mid <= at_least


def test_one_busy_day_lands_in_the_recent_window_in_half_the_splits() -> None:
    assert window_permutation_p_value([0] * 14, [30] + [0] * 13) == pytest.approx(0.5)
    # Twitching on 2 of the earlier 14 days, on 7 of the last 14 (2 a day): a rise over days.
    p = window_permutation_p_value([1, 1] + [0] * 12, [2] * 7 + [0] * 7)
    exact = (math.comb(21, 7) + 7 * math.comb(19, 6)) / math.comb(28, 14)
    assert p == pytest.approx(exact)
    assert p < 0.01
