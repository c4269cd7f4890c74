"""How likely a planned experiment is to find an effect: the randomisation test of
`diary.analysis.experiment` on simulated experiments of the planned design, with the rate
and day-to-day variation of the person's own past kept days. Pure (no I/O)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from diary.analysis.experiment import ALPHA, MIN_ANALYSED_DAYS, random_signs, sign_table

if TYPE_CHECKING:
    import numpy as np
else:
    from diary.analysis.experiment import np  # loaded at its first use


@dataclass(frozen=True)
class History:
    """What past kept days say: mean contractions a day, dispersion, share of days kept."""

    rate: float
    shape: float | None  # negative-binomial shape; None: Poisson (no extra variation)
    kept_share: float
    kept_days: int
    assumed: str | None = None  # set when a default stands in for too little history


MIN_HISTORY_DAYS = 14
DEFAULT_HISTORY = History(
    rate=1.0,
    shape=3.0,
    kept_share=1.0,
    kept_days=0,
    assumed="1 contraction a day, varying from day to day like a negative binomial of "
    "shape 3, every day kept",
)


def history_of(counts: Sequence[int], period_days: int) -> History:
    """Rate and dispersion of past kept days (method of moments), or the default."""
    n = len(counts)
    if n < MIN_HISTORY_DAYS or sum(counts) == 0:
        why = f"fewer than {MIN_HISTORY_DAYS} kept days" if n < MIN_HISTORY_DAYS else "none"
        assumed = DEFAULT_HISTORY.assumed
        if n >= MIN_HISTORY_DAYS:
            why = "no contractions on the kept days"
        return History(1.0, 3.0, DEFAULT_HISTORY.kept_share, n, f"{assumed} ({why} to go by)")
    mean = sum(counts) / n
    variance = sum((c - mean) ** 2 for c in counts) / (n - 1)
    shape = mean * mean / (variance - mean) if variance > mean * 1.05 else None
    share = min(1.0, n / period_days) if period_days else 1.0
    return History(mean, shape, share, n)


def simulate_counts(rng: np.random.Generator, rate: np.ndarray, shape: float | None) -> np.ndarray:
    """Daily counts around `rate`: Poisson, or negative binomial with the given shape."""

    if shape is None:
        return rng.poisson(rate)
    return rng.poisson(rng.gamma(shape, rate / shape))


def simulated_power(
    history: History,
    *,
    block_days: int,
    pairs: int,
    washout_days: int,
    ratio: float,
    experiments: int = 2000,
    seed: int = 1,
    drift: tuple[float, float] | None = None,
) -> float:
    """Share of simulated experiments of this design whose randomisation test gives p < 0.05
    when the with-arm rate is `ratio` times the without-arm rate. Days are kept with the
    history's share; a block with too few kept days voids its pair (its difference is 0 in
    every arrangement, which leaves p as if the pair were dropped). `drift`: (sd, day-to-day
    correlation) of an AR(1) log-rate, for the bench's drifting diaries."""
    rng = np.random.default_rng(seed)
    exact = pairs <= EXACT_POWER_PAIRS
    signs = sign_table(pairs) if exact else random_signs(pairs, seed, POWER_DRAWS)
    rejected = 0
    done = 0
    while done < experiments:
        # about 2 million simulated days at a time: a few tens of MB, whatever the design
        per_batch = max(10, min(POWER_BATCH, 2_000_000 // (2 * pairs * block_days)))
        batch = min(per_batch, experiments - done)
        diffs = _simulated_differences(
            rng, history, batch, block_days, pairs, washout_days, ratio, drift
        )
        observed = np.abs(diffs.sum(axis=1))
        tolerance = 1e-9 * np.maximum(1.0, np.abs(diffs).sum(axis=1))
        p = (np.abs(diffs @ signs.T) >= (observed - tolerance)[:, None]).mean(axis=1)
        rejected += int(np.count_nonzero(p < ALPHA))
        done += batch
    return rejected / experiments


EXACT_POWER_PAIRS = 12  # 4,096 arrangements each; beyond, 4,096 random ones
POWER_DRAWS = 4096
POWER_BATCH = 250


def _simulated_differences(
    rng: np.random.Generator,
    history: History,
    n: int,
    block_days: int,
    pairs: int,
    washout_days: int,
    ratio: float,
    drift: tuple[float, float] | None,
) -> np.ndarray:
    """Per simulated experiment and pair: r_with - r_without (0 for a voided pair)."""
    n_days = 2 * pairs * block_days
    base = np.full((n, n_days), history.rate)
    if drift is not None:
        sd, rho = drift
        walk = np.empty((n, n_days))
        walk[:, 0] = rng.normal(0.0, sd, n)
        innovation = sd * math.sqrt(1 - rho * rho)
        for t in range(1, n_days):
            walk[:, t] = rho * walk[:, t - 1] + rng.normal(0.0, innovation, n)
        base = base * np.exp(walk - sd * sd / 2)  # the mean rate stays history.rate
    with_first = rng.random((n, pairs)) < 0.5
    block_of_day = np.arange(n_days) // block_days
    pair_of_day = block_of_day // 2
    second = (block_of_day % 2).astype(bool)
    first_is_with = with_first[:, pair_of_day]
    with_day = np.where(second[None, :], ~first_is_with, first_is_with)
    counts = simulate_counts(rng, base * np.where(with_day, ratio, 1.0), history.shape)
    kept = rng.random((n, n_days)) < history.kept_share
    in_analysis = (np.arange(n_days) % block_days) >= washout_days
    use = kept & in_analysis[None, :]
    shaped = (n, pairs, 2, block_days)
    days_used = use.reshape(shaped).sum(axis=3)
    rates = np.where(use, counts, 0).reshape(shaped).sum(axis=3) / np.maximum(days_used, 1)
    first_with = with_first
    r_with = np.where(first_with, rates[:, :, 0], rates[:, :, 1])
    r_without = np.where(first_with, rates[:, :, 1], rates[:, :, 0])
    valid = (days_used >= MIN_ANALYSED_DAYS).all(axis=2)
    return np.where(valid, r_with - r_without, 0.0)
