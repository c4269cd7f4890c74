"""Exact small-sample statistics, standard library only: binomial tails, the Clopper-Pearson
interval, Fisher's exact test, the conditional test of two Poisson rates (two-sided and the
one-sided test of a rise), and the exact permutation test of a rise between two windows.

References (checked against `scipy.stats` in tests/test_exact.py):
- Clopper & Pearson (1934), Biometrika 26:404-413: the exact binomial interval, the p with
  P(X >= k | n, p) = alpha/2 (lower) and P(X <= k | n, p) = alpha/2 (upper).
- Fisher's exact test: the hypergeometric distribution of a 2x2 table's top-left cell given
  its margins; two-sided p sums the tables no more probable than the one seen (the rule
  `scipy.stats.fisher_exact` uses).
- Two Poisson rates (Przyborowski & Wilenski 1940; Breslow & Day 1987, vol. II §2.4): given
  the total, the exposed count is binomial with p = r*t1 / (r*t1 + t0) for rate ratio r, so
  the exact interval for r follows from the Clopper-Pearson interval for p.
- Permutation test of two windows (Pitman 1937, J R Stat Soc Suppl 4:119-130; Good,
  Permutation Tests, 2nd ed. 2000, ch. 3): under no change the days of the two windows are
  exchangeable, so the recent window's total is that of a random half of the days.
All sums run in log space, so counts in the thousands neither overflow nor underflow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise
from math import comb, erfc, exp, inf, lgamma, log, log1p, sqrt

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


_NEGLIGIBLE = 45.0  # nats: terms this far below the largest add less than 1e-19 of it
_TINY = exp(-_NEGLIGIBLE)


def _binomial_log_range(lo: int, hi: int, n: int, p: float) -> float:
    """log of P(lo <= X <= hi), X ~ Binomial(n, p). The pmf is log-concave, so the sum walks
    out from its largest term and stops where terms become negligible: O(sqrt(n)) terms
    (by the ratio recurrence, no lgamma per term) instead of O(n)."""
    lo, hi = max(lo, 0), min(hi, n)
    if lo > hi:
        return -inf
    if p <= 0.0 or p >= 1.0:
        edge = 0 if p <= 0.0 else n
        return 0.0 if lo <= edge <= hi else -inf
    odds = p / (1.0 - p)
    top = min(max(int((n + 1) * p), lo), hi)
    top_log = binomial_log_pmf(top, n, p)
    total = 1.0  # in units of the top term; terms fall monotonically away from it
    term = 1.0
    for i in range(top, hi):  # upward: pmf(i+1) = pmf(i) * (n-i)/(i+1) * p/(1-p)
        term *= (n - i) / (i + 1) * odds
        if term < _TINY:
            break
        total += term
    term = 1.0
    for i in range(top, lo, -1):  # downward: pmf(i-1) = pmf(i) * i/(n-i+1) * (1-p)/p
        term *= i / ((n - i + 1) * odds)
        if term < _TINY:
            break
        total += term
    return top_log + log(total)


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return min(1.0, exp(_binomial_log_range(k, n, n, p)))


def binomial_lower_tail(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k >= n:
        return 1.0
    if k < 0:
        return 0.0
    return min(1.0, exp(_binomial_log_range(0, k, n, p)))


def binomial_two_sided_p(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial test of X = k against p: the probability of every outcome no
    more probable than k (the rule of `scipy.stats.binomtest`)."""
    if n == 0:
        return 1.0
    limit = binomial_log_pmf(k, n, p) + log1p(_RELATIVE)
    mode = min(int((n + 1) * p), n)  # the pmf rises up to here and falls after

    def below(i: int) -> bool:
        return binomial_log_pmf(i, n, p) <= limit

    # The last index of the rising side and the first of the falling side that are no more
    # probable than k (binary searches: each side is monotone).
    low, high = -1, mode  # below(low) holds (or low is -1); search the largest such index
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if below(mid) else (low, mid - 1)
    left_end = low
    low, high = mode, n + 1
    while low < high:
        mid = (low + high) // 2
        low, high = (low, mid) if below(mid) else (mid + 1, high)
    right_start = low
    if left_end >= right_start:
        return 1.0
    terms = [
        _binomial_log_range(0, left_end, n, p) if left_end >= 0 else -inf,
        _binomial_log_range(right_start, n, n, p) if right_start <= n else -inf,
    ]
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


def rate_increase_p_value(
    recent: int, earlier: int, recent_days: float = 1.0, earlier_days: float = 1.0
) -> float:
    """One-sided exact test that a count rose: P(X >= recent) for X ~ Binomial(recent +
    earlier, recent_days / (recent_days + earlier_days)). Under equal Poisson rates the
    split of the total between two windows is binomial; a small p says the recent window
    holds more than chance would put there."""
    if recent == 0:
        return 1.0
    share = recent_days / (recent_days + earlier_days)
    return binomial_upper_tail(recent, recent + earlier, share)


_MOST_STATES = 200_000  # beyond this the exact permutation walk is slow: the normal limit


def window_permutation_p_value(
    earlier: Sequence[int], recent: Sequence[int], *, mid: bool = False
) -> float:
    """One-sided exact permutation test that the recent window's days hold more than the
    earlier window's: the share of the ways of dealing all the days' counts into two
    windows of the given lengths whose recent total is at least the one seen. `mid`: the
    mid-p value (Lancaster 1961, J Am Stat Assoc 56:223), P(T > t) + P(T = t) / 2."""
    at_least, equal = window_permutation_tail(earlier, recent)
    return at_least - equal / 2 if mid else at_least


def window_permutation_tail(earlier: Sequence[int], recent: Sequence[int]) -> tuple[float, float]:
    """(P(T >= t), P(T = t)) for T the recent window's total when the days are dealt at random
    between the windows, t the total seen.

    Counted exactly, by the number of days taken of each distinct count (the arrangements
    are products of binomial coefficients), so one day of 30 entries weighs as one day:
    it lands in the recent window in about half of the arrangements. Beyond
    `_MOST_STATES` partial sums the total of a random subset is normal to high accuracy
    (Hajek 1960, Publ Math Inst Hung Acad Sci 5:361)."""
    days = [*earlier, *recent]
    n, k = len(days), len(recent)
    seen = sum(recent)
    if k == 0 or k == n or seen == 0:
        return 1.0, 0.0
    # ways[(chosen, sum)] over the distinct counts seen so far; sums above `seen` are
    # clamped to `seen + 1`, since only whether the total reaches or passes it matters.
    ways: dict[tuple[int, int], int] = {(0, 0): 1}
    for value, many in sorted(Counter(days).items()):
        following: dict[tuple[int, int], int] = {}
        for (chosen, partial), count in ways.items():
            for taken in range(min(many, k - chosen) + 1):
                key = (chosen + taken, min(seen + 1, partial + taken * value))
                following[key] = following.get(key, 0) + count * comb(many, taken)
        ways = following
        if len(ways) > _MOST_STATES:
            return _normal_upper(days, k, seen), 0.0
    equal, beyond = ways.get((k, seen), 0), ways.get((k, seen + 1), 0)
    arrangements = comb(n, k)
    return (equal + beyond) / arrangements, equal / arrangements


def _normal_upper(days: Sequence[int], k: int, seen: int) -> float:
    n = len(days)
    mean = sum(days) / n
    variance = sum((x - mean) ** 2 for x in days) / n
    spread = sqrt(k * (n - k) / (n - 1) * variance)
    if spread == 0:
        return 1.0
    return min(1.0, 0.5 * erfc((seen - 0.5 - k * mean) / spread / sqrt(2.0)))


def poisson_log_range(lo: int, hi: int, mean: float) -> float:
    """log of P(lo <= X <= hi), X ~ Poisson(mean), walking out from the mode as above."""
    lo = max(lo, 0)
    if lo > hi:
        return -inf
    if mean <= 0.0:
        return 0.0 if lo == 0 else -inf
    top = min(max(int(mean), lo), hi)
    top_log = top * log(mean) - mean - lgamma(top + 1)
    total, term, i = 1.0, 0.0, top
    while i < hi:  # pmf(i+1) = pmf(i) * mean / (i+1)
        term += log(mean) - log(i + 1)
        i += 1
        if term < -_NEGLIGIBLE:
            break
        total += exp(term)
    term = 0.0
    for i in range(top, lo, -1):  # pmf(i-1) = pmf(i) * i / mean
        term += log(i) - log(mean)
        if term < -_NEGLIGIBLE:
            break
        total += exp(term)
    return top_log + log(total)


def poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood 1936) interval for a Poisson mean from one count: the means with
    P(X >= count) = alpha/2 (lower) and P(X <= count) = alpha/2 (upper); the same as
    chi2.ppf(alpha/2, 2k)/2 and chi2.ppf(1 - alpha/2, 2k + 2)/2."""
    alpha = 1.0 - confidence
    high_end = count + 20.0 + 20.0 * count**0.5
    lower = (
        0.0
        if count == 0
        else _bisect(
            lambda m: exp(poisson_log_range(count, count + 100_000_000, m)),
            alpha / 2,
            0.0,
            high_end,
            rising=True,
        )
    )
    upper = _bisect(
        lambda m: exp(poisson_log_range(0, count, m)), alpha / 2, 0.0, high_end, rising=False
    )
    return lower, upper


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """q-values: Benjamini & Hochberg (1995), J R Stat Soc B 57:289-300, step-up adjusted
    p-values q(i) = min over j >= i of p(j) * m / j, in the order given."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * m / rank)
        q[index] = running
    return q


def runs_test_z(sequence: list[bool]) -> float | None:
    """Wald-Wolfowitz runs test: z of the number of runs against its expectation for a
    random order (negative: fewer runs than chance, the exposure comes in runs)."""
    n1 = sum(sequence)
    n0 = len(sequence) - n1
    n = n1 + n0
    if n1 == 0 or n0 == 0 or n < 3:
        return None
    runs = 1 + sum(1 for a, b in pairwise(sequence) if a != b)
    mean = 2.0 * n1 * n0 / n + 1.0
    variance = 2.0 * n1 * n0 * (2.0 * n1 * n0 - n) / (n * n * (n - 1.0))
    if variance <= 0:
        return None
    return float((runs - mean) / sqrt(variance))


def conditional_test_power(
    exposed_time: float,
    unexposed_time: float,
    base_rate: float,
    rate_ratio: float,
    alpha: float = 0.05,
) -> float:
    """Power of the two-sided exact conditional test of two Poisson rates (as
    `rate_ratio_p_value`) when the true ratio is `rate_ratio`: the sum over totals n of
    P(N = n) * P(reject | n), where the test rejects when its p-value is at most alpha."""
    share = exposed_time / (exposed_time + unexposed_time)
    share_alt = rate_ratio * exposed_time / (rate_ratio * exposed_time + unexposed_time)
    mean_total = base_rate * (rate_ratio * exposed_time + unexposed_time)
    if mean_total <= 0:
        return 0.0
    spread = 9.0 * mean_total**0.5 + 10.0
    first, last = max(0, int(mean_total - spread)), int(mean_total + spread) + 1
    # Every total when they are few; for large totals P(reject | n) is smooth: a grid.
    step = 1 if last - first <= 200 else (last - first) // 50
    power = 0.0
    for n in range(first, last + 1, step):
        weight = exp(poisson_log_range(n, n + step - 1, mean_total))
        if weight < 1e-12 or n == 0:
            continue
        power += weight * _rejection_probability(n, share, share_alt, alpha)
    return min(1.0, power)


def _rejection_probability(n: int, share: float, share_alt: float, alpha: float) -> float:
    """P(the two-sided exact test rejects | n) when the exposed share is `share_alt`. The
    test's p-value falls monotonically away from the mode on each side, so each side's
    rejection region ends where a binary search finds p crossing alpha."""
    sd = sqrt(n * share * (1.0 - share))
    mode = min(int((n + 1) * share), n)
    near_low, near_high = max(0, int(n * share - 12 * sd) - 1), min(n, int(n * share + 12 * sd) + 2)

    def rejects(k: int) -> bool:
        return binomial_two_sided_p(k, n, share) <= alpha

    low, high = mode, n + 1 if near_high >= n else near_high  # first rejected k above
    while low < high:
        mid = (low + high) // 2
        low, high = (low, mid) if rejects(mid) else (mid + 1, high)
    upper_start = low
    low, high = (-1 if near_low == 0 else near_low), mode  # last rejected k below
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if rejects(mid) else (low, mid - 1)
    lower_end = low
    reject = 0.0
    if upper_start <= n:
        reject += binomial_upper_tail(upper_start, n, share_alt)
    if lower_end >= 0:
        reject += binomial_lower_tail(lower_end, n, share_alt)
    return reject
