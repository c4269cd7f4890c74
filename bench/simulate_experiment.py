"""Does `diary experiment result` keep quiet without an effect and find a real one? Seeded.

    python bench/simulate_experiment.py [--seeds 1000] [--power-seeds 1000]
        [--first-seed 0] [--shapes 1 3] [--rates 0.5 1 3]

Every diary is a planned experiment of 12 weekly pairs (washout 2 days) with its own
random order, analysed by `diary.analysis.experiment.analyse`, the function behind the
command. Days are negative binomial (shape 1 or 3: variance mean + mean^2 / shape)
around a rate that drifts slowly (log-rate AR(1), sd 0.4, correlation 0.9 from day to
day: bad weeks and quiet ones), and 90% of days are checked in (a block with fewer than
3 counted days voids its pair).

- no effect, at 0.5, 1 and 3 a day: the share called "likely raises" or "likely lowers"
  must stay at or under 5%. Beside it, the same diaries analysed with a pooled exact
  Poisson test (all counted days with against all without, conditional binomial): it
  treats days as independent, which bad weeks are not, and overstates. That is why the
  diary uses the randomisation test over pairs.
- a halving: the rate on days without is half the rate on days with (2 a day with,
  1 without; and 1 with, 0.5 without). Power is the share called "likely raises".

Each share is printed with its exact (Clopper-Pearson) 95% interval.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diary.analysis.exact import clopper_pearson, rate_ratio_p_value
from diary.analysis.experiment import (
    LIKELY_LOWERS,
    LIKELY_RAISES,
    DayObservation,
    Experiment,
    analyse,
    draw_sequence,
    schedule_of,
)

START = date(2026, 1, 5)
PAIRS, BLOCK, WASHOUT = 12, 7, 2
DRIFT_SD, DRIFT_RHO = 0.4, 0.9
KEPT_SHARE = 0.9


def diary(
    seed: int, *, rate_without: float, ratio: float, shape: float
) -> tuple[Experiment, dict[date, DayObservation]]:
    rng = np.random.default_rng(seed)
    x = Experiment(
        id=seed,
        exposure="caffeine",
        outcome="all",
        block_days=BLOCK,
        pairs=PAIRS,
        washout_days=WASHOUT,
        seed=seed,
        sequence=draw_sequence(seed, PAIRS),
        start=START,
    )
    schedule = schedule_of(x)
    n = (schedule.end - START).days + 1
    walk = np.empty(n)
    walk[0] = rng.normal(0.0, DRIFT_SD)
    innovation = DRIFT_SD * math.sqrt(1 - DRIFT_RHO**2)
    for t in range(1, n):
        walk[t] = DRIFT_RHO * walk[t - 1] + rng.normal(0.0, innovation)
    days: dict[date, DayObservation] = {}
    for t in range(n):
        day = START + timedelta(days=t)
        slot = schedule.slot(day)
        assert slot is not None
        mean = rate_without * math.exp(walk[t] - DRIFT_SD**2 / 2)
        if slot.arm == "with":
            mean *= ratio
        count = int(rng.poisson(rng.gamma(shape, mean / shape)))
        if rng.random() < KEPT_SHARE:
            days[day] = DayObservation(slot.arm == "with", count)
    return x, days


def pooled_poisson_p(x: Experiment, days: dict[date, DayObservation]) -> float:
    """All counted days with against all without, as if days were independent Poisson."""
    schedule = schedule_of(x)
    totals = {"with": [0, 0], "without": [0, 0]}
    for day, seen in days.items():
        slot = schedule.slot(day)
        if slot is None or slot.washout:
            continue
        totals[slot.arm][0] += seen.contractions
        totals[slot.arm][1] += 1
    (xw, dw), (xo, do) = totals["with"], totals["without"]
    return rate_ratio_p_value(xw, xo, dw, do)


def share(hits: int, n: int) -> str:
    low, high = clopper_pearson(hits, n)
    return f"{hits / n:6.1%} [{low:5.1%}, {high:5.1%}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--power-seeds", type=int, default=1000)
    parser.add_argument("--first-seed", type=int, default=0, help="start of the seed range")
    parser.add_argument("--shapes", type=float, nargs="+", default=[1.0, 3.0])
    parser.add_argument("--rates", type=float, nargs="+", default=[0.5, 1.0, 3.0])
    args = parser.parse_args()
    started = time.perf_counter()
    print(
        f"{PAIRS} weekly pairs, washout {WASHOUT} days, drift sd {DRIFT_SD} (correlation "
        f"{DRIFT_RHO}), {KEPT_SHARE:.0%} of days kept; share with 95% Clopper-Pearson interval"
    )
    print(f"{'scenario':<44} {'diary verdict':>24} {'pooled Poisson p<0.05':>26}")
    worst = 0.0
    for shape in args.shapes:
        for rate in args.rates:
            called = pooled = 0
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                x, days = diary(seed, rate_without=rate, ratio=1.0, shape=shape)
                result = analyse(x, days, today=date(2030, 1, 1))
                called += result.verdict in (LIKELY_RAISES, LIKELY_LOWERS)
                pooled += pooled_poisson_p(x, days) < 0.05
            worst = max(worst, called / args.seeds)
            name = f"no effect, shape {shape:g}, {rate:g} a day ({args.seeds})"
            print(f"{name:<44} {share(called, args.seeds):>24} {share(pooled, args.seeds):>26}")
    for rate_with, rate_without in ((2.0, 1.0), (1.0, 0.5)) if args.power_seeds else ():
        found = 0
        for seed in range(args.first_seed, args.first_seed + args.power_seeds):
            x, days = diary(
                100_000 + seed, rate_without=rate_without, ratio=rate_with / rate_without, shape=3
            )
            found += analyse(x, days, today=date(2030, 1, 1)).verdict == LIKELY_RAISES
        name = f"halving {rate_with:g} -> {rate_without:g} a day, shape 3 ({args.power_seeds})"
        print(f"{name:<44} {share(found, args.power_seeds):>24}")
    print(f"worst no-effect share: {worst:.1%}; {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
