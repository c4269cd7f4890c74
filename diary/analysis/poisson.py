"""One-sided exact test that a count rose, given the total (conditional binomial)."""

from __future__ import annotations

from math import comb


def rate_increase_p_value(
    recent: int, earlier: int, recent_days: float = 1.0, earlier_days: float = 1.0
) -> float:
    """P(X >= recent) for X ~ Binomial(recent + earlier, recent_days / (both)).

    Under equal Poisson rates, the split of the total count between two windows is binomial;
    a small p says the recent window holds more than chance would put there.
    """
    total = recent + earlier
    if total == 0 or recent == 0:
        return 1.0
    share = recent_days / (recent_days + earlier_days)
    tail = sum(
        comb(total, k) * share**k * (1 - share) ** (total - k) for k in range(recent, total + 1)
    )
    return min(1.0, tail)
