"""Does `diary triggers` find real links and keep quiet about absent ones? Seeded diaries.

    python bench/simulate_triggers.py [--seeds 200] [--days 120]

Scenarios, each over `--days` kept days with coffee on about half of them and stress on
about a third, independently:

- tripling: contractions a day are Poisson, three times the rate on coffee days; stress
  does nothing. Coffee must come out `linked` in at least 95% of seeds, stress `linked`
  in no more than 5%.
- no effect, Poisson days: no exposure does anything; at most 5% of diaries may show any
  `linked` after adjustment.
- no effect, bursty days: negative binomial daily counts (shape 1, so the variance is
  mean + mean^2) around a rate that drifts slowly (a random walk on the log scale), as bad
  weeks and quiet weeks make them; again at most 5% may show any `linked`.

Prints one line per scenario with the share and its exact 95% interval.

    python bench/simulate_triggers.py --runs [--seeds 1000]

The exposures-in-runs table (docs/clinical-rules.md, "Trigger statistics"): 120 kept days,
negative-binomial days (shape 3) around a rate that drifts (log-rate AR(1): standard
deviation 0.4, correlation 0.9 from one day to the next), no effect, and one exposure
either on 30% of whole weeks or on 30% of random days; 0.5, 1 and 3 contractions a day.
Share of diaries with any `linked` or `protective`, by the verdict before the whole-
weeks test (old) and with it (new). Goal: at most 5% with the exposure in weeks, and the
random-day case kept.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diary.analysis.exact import benjamini_hochberg, clopper_pearson
from diary.analysis.triggers import LINKED, PROTECTIVE, TriggerDay, analyse_triggers

START = date(2026, 1, 1)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's multiplication method (means here are small)."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def negative_binomial(rng: random.Random, mean: float, shape: float) -> int:
    """A Poisson draw around a gamma-distributed mean: variance mean + mean^2 / shape."""
    return poisson(rng, rng.gammavariate(shape, mean / shape))


def diary(
    seed: int, days: int, *, coffee_ratio: float, base: float, bursty: bool
) -> list[TriggerDay]:
    rng = random.Random(seed)
    drift = 0.0
    kept = []
    for offset in range(days):
        coffee = rng.random() < 0.5
        stress = rng.random() < 0.33
        drift += rng.gauss(0.0, 0.1)  # log-rate random walk: slow bad and quiet spells
        mean = base * (coffee_ratio if coffee else 1.0)
        count = (
            negative_binomial(rng, mean * math.exp(drift - 0.005 * offset), 1.0)
            if bursty
            else poisson(rng, mean)
        )
        had: dict[str, float | None] = {}
        if coffee:
            had["caffeine"] = None
        if stress:
            had["stress"] = None
        kept.append(TriggerDay(START + timedelta(days=offset), had, {"all": count}))
    return kept


def verdicts(kept: list[TriggerDay]) -> dict[str, bool]:
    """Whether each exposure came out linked at either lag."""
    report = analyse_triggers(
        kept,
        since=kept[0].day,
        until=kept[-1].day,
        tested=["caffeine", "stress"],
    )
    linked = {"caffeine": False, "stress": False}
    for r in report.results:
        if r.verdict == LINKED:
            linked[r.trigger] = True
    return linked


def share(hits: int, n: int) -> str:
    low, high = clopper_pearson(hits, n)
    return f"{hits}/{n} = {hits / n:.1%} (95% interval {low:.1%} to {high:.1%})"


def run(seeds: int, days: int, base: float) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    coffee_hits = stress_hits = null_hits = bursty_hits = 0
    for seed in range(seeds):
        tripled = verdicts(diary(seed, days, coffee_ratio=3.0, base=base, bursty=False))
        coffee_hits += tripled["caffeine"]
        stress_hits += tripled["stress"]
        null_hits += any(
            verdicts(diary(10_000 + seed, days, coffee_ratio=1.0, base=base, bursty=False)).values()
        )
        bursty_hits += any(
            verdicts(diary(20_000 + seed, days, coffee_ratio=1.0, base=base, bursty=True)).values()
        )
    found["coffee linked when it triples the rate"] = (coffee_hits, seeds)
    found["stress linked when it does nothing"] = (stress_hits, seeds)
    found["any linked, no effect, Poisson days"] = (null_hits, seeds)
    found["any linked, no effect, bursty drifting days"] = (bursty_hits, seeds)
    return found


def drifting_diary(seed: int, days: int, *, base: float, weekly: bool) -> list[TriggerDay]:
    """No effect; negative-binomial days (shape 3) around a stationary AR(1) log rate."""
    rng = random.Random(seed)
    sd, rho = 0.4, 0.9
    level = rng.gauss(0.0, sd)
    in_week = False
    kept = []
    for offset in range(days):
        if offset % 7 == 0:
            in_week = rng.random() < 0.3
        exposed = in_week if weekly else rng.random() < 0.3
        level = rho * level + rng.gauss(0.0, sd * math.sqrt(1 - rho * rho))
        count = negative_binomial(rng, base * math.exp(level), 3.0)
        had: dict[str, float | None] = {"stress": None} if exposed else {}
        kept.append(TriggerDay(START + timedelta(days=offset), had, {"all": count}))
    return kept


def old_and_new(kept: list[TriggerDay]) -> tuple[bool, bool]:
    """Any link (linked or protective): by the verdict without the whole-weeks test (q
    from max(p, p_permutation), as before) and by today's verdict."""
    report = analyse_triggers(kept, since=kept[0].day, until=kept[-1].day, tested=["stress"])
    new = any(r.verdict in (LINKED, PROTECTIVE) for r in report.results)
    tested = [r for r in report.results if r.p is not None and r.p_permutation is not None]
    old_q = benjamini_hochberg([max(r.p or 0.0, r.p_permutation or 0.0) for r in tested])
    old = False
    for r, q in zip(tested, old_q, strict=True):
        if q < 0.05 and r.ci95 is not None and r.rate_ratio is not None:
            low, high = r.ci95
            old |= (r.rate_ratio > 1 and low is not None and low > 1) or (
                r.rate_ratio < 1 and high is not None and high < 1
            )
    return old, new


def run_runs(seeds: int, days: int) -> None:
    print(
        f"exposures in runs: {seeds} no-effect diaries per row, {days} kept days, NB shape 3, "
        "AR(1) log-rate drift (sd 0.4, correlation 0.9); share with any linked or protective"
    )
    print(f"  {'exposure':<14}{'rate':>5}  {'old verdict':<34}{'new verdict':<34}")
    for weekly in (True, False):
        for index, base in enumerate((0.5, 1.0, 3.0)):
            old = new = 0
            for seed in range(seeds):
                o, n = old_and_new(
                    drifting_diary(
                        (30_000 if weekly else 40_000) + 1_000_000 * index + seed,
                        days,
                        base=base,
                        weekly=weekly,
                    )
                )
                old += o
                new += n
            where = "whole weeks" if weekly else "random days"
            print(f"  {where:<14}{base:>5g}  {share(old, seeds):<34}{share(new, seeds):<34}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--base", type=float, default=1.0, help="contractions a day without coffee")
    parser.add_argument("--runs", action="store_true", help="the exposures-in-runs table")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.runs:
        run_runs(args.seeds, args.days)
        print(f"  ({time.perf_counter() - started:.0f} s)")
        return
    found = run(args.seeds, args.days, args.base)
    print(f"{args.seeds} seeds, {args.days} kept days, base rate {args.base} a day")
    for name, (hits, n) in found.items():
        print(f"  {name:<46} {share(hits, n)}")
    print(f"  ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
