"""One-sided exact test that a count rose, given the total (conditional binomial)."""

from __future__ import annotations

from math import exp, lgamma, log


def rate_increase_p_value(
    recent: int, earlier: int, recent_days: float = 1.0, earlier_days: float = 1.0
) -> float:
    """P(X >= recent) for X ~ Binomial(recent + earlier, recent_days / (both)).

    Under equal Poisson rates, the split of the total count between two windows is binomial;
    a small p says the recent window holds more than chance would put there. Terms are summed
    in log space, so thousands of episodes neither overflow nor underflow.
    """
    total = recent + earlier
    if total == 0 or recent == 0:
        return 1.0
    share = recent_days / (recent_days + earlier_days)
    if share >= 1.0:
        return 1.0
    log_share, log_rest = log(share), log(1.0 - share)
    log_terms = [
        lgamma(total + 1)
        - lgamma(k + 1)
        - lgamma(total - k + 1)
        + k * log_share
        + (total - k) * log_rest
        for k in range(recent, total + 1)
    ]
    top = max(log_terms)
    return min(1.0, exp(top) * sum(exp(t - top) for t in log_terms))
