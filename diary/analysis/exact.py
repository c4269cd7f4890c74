"""Exact small-sample statistics, standard library only: binomial tails, the Clopper-Pearson
interval, Fisher's exact test, and the conditional test of two Poisson rates.

References (checked against `scipy.stats` in tests/test_exact.py):
- Clopper & Pearson (1934), Biometrika 26:404-413: the exact binomial interval, the p with
  P(X >= k | n, p) = alpha/2 (lower) and P(X <= k | n, p) = alpha/2 (upper).
- Fisher's exact test: the hypergeometric distribution of a 2x2 table's top-left cell given
  its margins; two-sided p sums the tables no more probable than the one seen (the rule
  `scipy.stats.fisher_exact` uses).
- Two Poisson rates (Przyborowski & Wilenski 1940; Breslow & Day 1987, vol. II §2.4): given
  the total, the exposed count is binomial with p = r*t1 / (r*t1 + t0) for rate ratio r, so
  the exact interval for r follows from the Clopper-Pearson interval for p.
All sums run in log space, so counts in the thousands neither overflow nor underflow.
"""

from __future__ import annotations

from collections.abc import Callable
from math import exp, inf, lgamma, log, log1p

_RELATIVE = 1e-7  # lets p-values equal up to rounding count as ties (as scipy does)


def _log_choose(n: int, k: int) -> float:
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)


def _log_sum(terms: list[float]) -> float:
    if not terms:
        return -inf
    top = max(terms)
    if top == -inf:
        return -inf
    return top + log(sum(exp(t - top) for t in terms))


def binomial_log_pmf(k: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 0.0 if k == 0 else -inf
    if p >= 1.0:
        return 0.0 if k == n else -inf
    return _log_choose(n, k) + k * log(p) + (n - k) * log(1.0 - p)


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return min(1.0, exp(_log_sum([binomial_log_pmf(i, n, p) for i in range(k, n + 1)])))


def binomial_lower_tail(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k >= n:
        return 1.0
    if k < 0:
        return 0.0
    return min(1.0, exp(_log_sum([binomial_log_pmf(i, n, p) for i in range(0, k + 1)])))


def binomial_two_sided_p(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial test of X = k against p: the probability of every outcome no
    more probable than k (the rule of `scipy.stats.binomtest`)."""
    if n == 0:
        return 1.0
    seen = binomial_log_pmf(k, n, p)
    limit = seen + log1p(_RELATIVE)
    terms = [t for i in range(n + 1) if (t := binomial_log_pmf(i, n, p)) <= limit]
    return min(1.0, exp(_log_sum(terms)))


def _bisect(
    f: Callable[[float], float], target: float, low: float, high: float, *, rising: bool
) -> float:
    """The x in [low, high] where the monotone f(x) crosses target (60 halvings: ~1e-18)."""
    for _ in range(60):
        mid = (low + high) / 2
        value = f(mid)
        if (value < target) == rising:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval for a binomial proportion, k successes of n."""
    if n <= 0:
        return 0.0, 1.0
    alpha = 1.0 - confidence
    lower = (
        0.0
        if k == 0
        else _bisect(lambda p: binomial_upper_tail(k, n, p), alpha / 2, 0.0, 1.0, rising=True)
    )
    upper = (
        1.0
        if k == n
        else _bisect(lambda p: binomial_lower_tail(k, n, p), alpha / 2, 0.0, 1.0, rising=False)
    )
    return lower, upper


def _hypergeometric_log_pmf(x: int, row: int, column: int, total: int) -> float:
    return _log_choose(column, x) + _log_choose(total - column, row - x) - _log_choose(total, row)


def fisher_exact(a: int, b: int, c: int, d: int, alternative: str = "two-sided") -> float:
    """Fisher's exact test for the table [[a, b], [c, d]]; alternative 'greater' tests
    whether a is larger than chance would make it (odds ratio > 1)."""
    row, column, total = a + b, a + c, a + b + c + d
    low, high = max(0, row + column - total), min(row, column)
    if total == 0 or low == high:
        return 1.0
    logs = {x: _hypergeometric_log_pmf(x, row, column, total) for x in range(low, high + 1)}
    if alternative == "greater":
        return min(1.0, exp(_log_sum([logs[x] for x in range(a, high + 1)])))
    if alternative == "less":
        return min(1.0, exp(_log_sum([logs[x] for x in range(low, a + 1)])))
    limit = logs[a] + log1p(_RELATIVE)
    return min(1.0, exp(_log_sum([v for v in logs.values() if v <= limit])))


def rate_ratio_interval(
    exposed: int,
    unexposed: int,
    exposed_time: float,
    unexposed_time: float,
    confidence: float = 0.95,
) -> tuple[float | None, float | None]:
    """Exact interval for the ratio of two Poisson rates (counts over their times), from the
    Clopper-Pearson interval of exposed / (exposed + unexposed). None where unbounded."""
    total = exposed + unexposed
    if total == 0 or exposed_time <= 0 or unexposed_time <= 0:
        return None, None
    low_p, high_p = clopper_pearson(exposed, total, confidence)
    scale = unexposed_time / exposed_time

    def ratio(p: float) -> float | None:
        return None if p >= 1.0 else p / (1.0 - p) * scale

    return (ratio(low_p) if exposed > 0 else 0.0), ratio(high_p)


def rate_ratio_p_value(
    exposed: int, unexposed: int, exposed_time: float, unexposed_time: float
) -> float:
    """Two-sided exact test that two Poisson rates are equal (conditional binomial)."""
    share = exposed_time / (exposed_time + unexposed_time)
    return binomial_two_sided_p(exposed, exposed + unexposed, share)
