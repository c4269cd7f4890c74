"""Which test should raise `worsening`? Seeded 28-day diaries, one evaluation each.

    python bench/simulate_worsening.py [--diaries 1000] [--seed 2026]

Each diary is the two 14-day windows the flag compares (the earlier one, then the last
one), with entries a day drawn around a base rate of 0.2, 0.5, 1 or 3 a day:

- stable: no change. Poisson days, and negative-binomial days of shape 1, 2 and 3
  (variance mean + mean^2 / shape: bad days and quiet days). Goal: at most 5% raised.
- tripling: the rate three times as high in the last 14 days. Goal: at least 80% raised
  at 0.5 a day and more.
- one obsessive day: a stable diary plus one day in the last 14 holding 30 single
  entries. Goal: the day alone does not raise it (no more than the stable diary).

Every rule also needs the ratio of entries at least `worsening_rate_ratio` (1.5) and a
non-empty earlier window, as the flag does (the permutation rules on the days they keep).
The candidates:

- old: the one-sided exact Poisson test on entries and Fisher's exact test on days with
  any entry, both p < 0.05;
- mid-p: the same two tests with mid-p values (half the probability of the outcome
  seen; Lancaster 1961), both below 0.05;
- quasi-Poisson: the log rate ratio against its standard error widened by the
  dispersion of the daily counts (Pearson chi-square / (days - 2), at least 1),
  one-sided normal p < 0.05;
- permutation: the exact permutation test of the days between the two windows (the
  recent total against every way of dealing the 28 days' counts into two windows), one-
  sided p < 0.05, after setting aside a lone outlier day (more than twice the entries of
  any other day). This is the rule `diary flags` uses: the only candidate that held 5%
  in every stable row;
- permutation mid-p: the same with the mid-p value (more power, more false alarms).

Prints one table: the share raised in each cell, with its exact (Clopper-Pearson) 95%
interval, for each rule.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diary.analysis.exact import (
    binomial_log_pmf,
    clopper_pearson,
    fisher_exact,
    rate_increase_p_value,
    window_permutation_tail,
)
from diary.analysis.flags import set_aside_outlier_day, worsening_rate_test
from diary.thresholds import DEFAULTS

WINDOW = DEFAULTS.worsening_window_days
ALPHA = DEFAULTS.worsening_p_value
RATIO = DEFAULTS.worsening_rate_ratio
RATES = (0.2, 0.5, 1.0, 3.0)
DAYS = ("Poisson", "NB shape 1", "NB shape 2", "NB shape 3")
SHAPES: dict[str, float | None] = {
    "Poisson": None,
    "NB shape 1": 1.0,
    "NB shape 2": 2.0,
    "NB shape 3": 3.0,
}
CASES = ("stable", "tripling", "obsessive day")


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's multiplication method (means here are small)."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def draw(rng: random.Random, mean: float, shape: float | None) -> int:
    if shape is None:
        return poisson(rng, mean)
    return poisson(rng, rng.gammavariate(shape, mean / shape))  # variance m + m^2/shape


def diary(
    rng: random.Random, rate: float, shape: float | None, case: str
) -> tuple[list[int], list[int]]:
    """Entries a day: the earlier window, then the last one."""
    recent_rate = 3 * rate if case == "tripling" else rate
    earlier = [draw(rng, rate, shape) for _ in range(WINDOW)]
    recent = [draw(rng, recent_rate, shape) for _ in range(WINDOW)]
    if case == "obsessive day":
        recent[rng.randrange(WINDOW)] += 30
    return earlier, recent


def _upper_mid_p(k: int, n: int, p: float) -> float:
    """P(X > k) + P(X = k) / 2 for X ~ Binomial(n, p)."""
    return rate_increase_p_value(k, n - k) - 0.5 * math.exp(binomial_log_pmf(k, n, p))


def _fisher_mid_p(a: int, b: int, c: int, d: int) -> float:
    at_least = fisher_exact(a, b, c, d, "greater")
    beyond = fisher_exact(a + 1, b - 1, c - 1, d + 1, "greater") if b > 0 and c > 0 else 0.0
    return (at_least + beyond) / 2


def old_rule(earlier: Sequence[int], recent: Sequence[int]) -> bool:
    a, b = sum(recent), sum(earlier)
    days_a, days_b = sum(1 for x in recent if x), sum(1 for x in earlier if x)
    p = rate_increase_p_value(a, b)
    days_p = fisher_exact(days_a, WINDOW - days_a, days_b, WINDOW - days_b, "greater")
    return max(p, days_p) < ALPHA


def mid_p_rule(earlier: Sequence[int], recent: Sequence[int]) -> bool:
    a, b = sum(recent), sum(earlier)
    days_a, days_b = sum(1 for x in recent if x), sum(1 for x in earlier if x)
    p = _upper_mid_p(a, a + b, 0.5)
    days_p = _fisher_mid_p(days_a, WINDOW - days_a, days_b, WINDOW - days_b)
    return max(p, days_p) < ALPHA


def quasi_poisson_rule(earlier: Sequence[int], recent: Sequence[int]) -> bool:
    a, b = sum(recent), sum(earlier)
    if a == 0:
        return False
    chi = sum((x - b / WINDOW) ** 2 / (b / WINDOW) for x in earlier)
    chi += sum((x - a / WINDOW) ** 2 / (a / WINDOW) for x in recent)
    phi = max(1.0, chi / (2 * WINDOW - 2))
    z = math.log(a / b) / math.sqrt(phi * (1 / a + 1 / b))
    return 0.5 * math.erfc(z / math.sqrt(2.0)) < ALPHA


def permutation_rules(earlier: Sequence[int], recent: Sequence[int]) -> tuple[bool, bool]:
    """(permutation, permutation mid-p) from one exact walk, the lone outlier day set aside
    for the ratio and the test."""
    earlier, recent = set_aside_outlier_day(earlier, recent)
    a, b = sum(recent), sum(earlier)
    if b == 0 or a / b < RATIO:
        return False, False
    at_least, equal = window_permutation_tail(earlier, recent)
    return at_least < ALPHA, at_least - equal / 2 < ALPHA


def chosen_rule(earlier: Sequence[int], recent: Sequence[int]) -> bool:
    """What `diary flags` runs (must agree with the permutation rule)."""
    return worsening_rate_test(earlier, recent, DEFAULTS) is not None


RULES: dict[str, Callable[[Sequence[int], Sequence[int]], bool]] = {
    "old": old_rule,
    "mid-p": mid_p_rule,
    "quasi-Poisson": quasi_poisson_rule,
}
NAMES = (*RULES, "permutation", "permutation mid-p")


def raised(
    rule: Callable[[Sequence[int], Sequence[int]], bool], e: list[int], r: list[int]
) -> bool:
    a, b = sum(r), sum(e)
    return b > 0 and a / b >= RATIO and rule(e, r)


def run(diaries: int, seed: int) -> dict[tuple[str, str, float, str], int]:
    hits: dict[tuple[str, str, float, str], int] = {}
    for ci, case in enumerate(CASES):
        for di, days in enumerate(DAYS):
            for ri, rate in enumerate(RATES):
                rng = random.Random(seed * 1_000_003 + ci * 10_007 + di * 101 + ri)
                for drawn in range(diaries):
                    earlier, recent = diary(rng, rate, SHAPES[days], case)
                    found = {name: raised(rule, earlier, recent) for name, rule in RULES.items()}
                    plain, mid = permutation_rules(earlier, recent)
                    found["permutation"], found["permutation mid-p"] = plain, mid
                    for name, hit in found.items():
                        key = (case, days, rate, name)
                        hits[key] = hits.get(key, 0) + hit
                    if drawn < 50 and plain != chosen_rule(earlier, recent):
                        raise SystemExit("diary flags does not run the permutation rule")
    return hits


def share(hits: int, n: int) -> str:
    low, high = clopper_pearson(hits, n)
    return f"{hits / n:6.1%} [{low:5.1%}, {high:5.1%}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--diaries", type=int, default=1000, help="diaries per cell")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.perf_counter()
    hits = run(args.diaries, args.seed)
    print(
        f"worsening raised, share of {args.diaries} diaries per cell (seed {args.seed}), "
        "exact 95% intervals"
    )
    header = f"{'case':<14}{'days':<12}{'rate':>5}  " + "  ".join(f"{name:<22}" for name in NAMES)
    print(header)
    for case in CASES:
        for days in DAYS:
            for rate in RATES:
                cells = "  ".join(
                    f"{share(hits[(case, days, rate, name)], args.diaries):<22}" for name in NAMES
                )
                print(f"{case:<14}{days:<12}{rate:>5g}  {cells}")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
