"""A planned N-of-1 experiment: its schedule, the randomisation test and the verdict.

Pure functions over plain dataclasses (no I/O). The design follows CENT 2015 (Vohra et al.,
BMJ 2015;350:h1738; Shamseer et al., BMJ 2015;350:h1793): pairs of blocks, the order inside
each pair random; the first `washout` days of each block are lived but not analysed
(caffeine withdrawal peaks at 20-51 h and lasts 2-9 days: Juliano & Griffiths,
Psychopharmacology 2004;176:1-29). The primary test is a randomisation test over the 2^k
ways of swapping with and without inside the k pairs that count (Edgington & Onghena,
Randomization Tests, 4th ed. 2007), its interval found by inverting the test.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal


def _lazy_numpy() -> Any:
    """numpy, loaded at its first use. `diary log` and `diary flags` import this module to
    say whether an experiment runs, never for its statistics; importing numpy cost them
    ~0.3 s (more than the rest of `diary log`)."""
    import importlib.util
    import sys

    if "numpy" in sys.modules:
        return sys.modules["numpy"]
    spec = importlib.util.find_spec("numpy")
    assert spec is not None and spec.loader is not None
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["numpy"] = module
    loader.exec_module(module)
    return module


if TYPE_CHECKING:
    import numpy as np
else:
    np = _lazy_numpy()

Arm = Literal["with", "without"]
WITH_FIRST, WITHOUT_FIRST = "W", "O"
DEFAULT_BLOCK_DAYS = 7
DEFAULT_PAIRS = 12
DEFAULT_WASHOUT_DAYS = 2
MIN_ANALYSED_DAYS = 3  # a block with fewer analysed kept days voids its pair
MIN_PAIRS_FOR_5_PERCENT = 6  # smallest two-sided p is 2 / 2^k: 0.0625 at k = 5
MAX_EXACT_PAIRS = 20  # 2^20 arrangements enumerated; beyond, seeded draws
MONTE_CARLO_DRAWS = 100_000
ALPHA = 0.05
LARGE_EFFECT = 2.0  # "no large effect": the interval excludes a doubling and a halving
MAX_BLOCK_DAYS = 90
MAX_PAIRS = 100
MAX_EXPERIMENT_DAYS = 730  # two years: longer, and the person it describes has changed
SEED_LIMIT = 2**63  # the seed column is a signed 64-bit integer

LIKELY_RAISES = "likely raises"
LIKELY_LOWERS = "likely lowers"
NO_LARGE_EFFECT = "no large effect"
INCONCLUSIVE = "inconclusive"
EXPLORATORY = "exploratory"


def draw_sequence(seed: int, pairs: int) -> str:
    """The order inside each pair, one character a pair ('W': with first), from the seed."""
    rng = random.Random(seed)
    return "".join(rng.choice((WITH_FIRST, WITHOUT_FIRST)) for _ in range(pairs))


@dataclass(frozen=True)
class Pause:
    paused_on: date
    resumed_on: date | None = None


@dataclass(frozen=True)
class Experiment:
    """One planned experiment as stored."""

    id: int
    exposure: str
    outcome: str  # all | twitch | spasm
    block_days: int
    pairs: int
    washout_days: int
    seed: int
    sequence: str
    start: date
    status: str = "active"  # active | paused | abandoned
    ended_on: date | None = None
    blinded: bool = False
    pauses: tuple[Pause, ...] = ()

    def first_arm(self, pair: int) -> Arm:
        return "with" if self.sequence[pair] == WITH_FIRST else "without"


@dataclass(frozen=True)
class Slot:
    """A day of the schedule: its pair and block (both from 1), arm and washout."""

    day: date
    pair: int
    block: int
    arm: Arm
    day_in_block: int  # from 1
    washout: bool


@dataclass(frozen=True)
class Schedule:
    """Where each pair starts once pauses have moved the rest on by whole pairs."""

    experiment: Experiment
    pair_starts: tuple[date, ...]
    cut: Mapping[int, date]  # pair index -> first day no longer in it (a pause within it)
    paused: tuple[tuple[date, date], ...]  # [from, to) spans without an assignment

    @property
    def end(self) -> date:
        return self.pair_starts[-1] + timedelta(days=2 * self.experiment.block_days - 1)

    def slot(self, day: date) -> Slot | None:
        """The assignment of a day, or None (before the start, after the end, paused)."""
        x = self.experiment
        length = 2 * x.block_days
        for index, start in enumerate(self.pair_starts):
            offset = (day - start).days
            if 0 <= offset < length:
                cut = self.cut.get(index)
                if cut is not None and day >= cut:
                    return None
                second = offset >= x.block_days
                first = x.first_arm(index)
                arm: Arm = first if not second else ("without" if first == "with" else "with")
                in_block = offset - (x.block_days if second else 0)
                return Slot(
                    day,
                    index + 1,
                    2 * index + (2 if second else 1),
                    arm,
                    in_block + 1,
                    in_block < x.washout_days,
                )
        return None

    def block_span(self, block: int) -> tuple[date, date]:
        """First and last day of a block (numbered from 1), before any pause cut."""
        index, second = divmod(block - 1, 2)
        first = self.pair_starts[index] + timedelta(days=second * self.experiment.block_days)
        return first, first + timedelta(days=self.experiment.block_days - 1)


def schedule_of(experiment: Experiment, *, today: date | None = None) -> Schedule:
    """Pair starts after pauses. A pause on day P moves every pair that had not started by P
    on by the fewest whole pairs that put the next one on or after the resume day (while
    still paused: tomorrow); the days of the pair running at P from P on are not analysed."""
    length = 2 * experiment.block_days
    starts = [experiment.start + timedelta(days=length * i) for i in range(experiment.pairs)]
    cut: dict[int, date] = {}
    paused: list[tuple[date, date]] = []
    for pause in sorted(experiment.pauses, key=lambda p: p.paused_on):
        resumed = pause.resumed_on
        if resumed is None:
            resumed = max(pause.paused_on, today or pause.paused_on) + timedelta(days=1)
        following = next((i for i, s in enumerate(starts) if s > pause.paused_on), None)
        if following is None:  # paused in the last pair: the rest of it is not analysed
            last = len(starts) - 1
            if starts[last] <= pause.paused_on:
                cut.setdefault(last, pause.paused_on)
            paused.append((pause.paused_on, resumed))
            continue
        if following > 0:
            cut.setdefault(following - 1, pause.paused_on)
        gap = (resumed - starts[following]).days
        shift = max(0, math.ceil(gap / length)) * length
        starts[following:] = [s + timedelta(days=shift) for s in starts[following:]]
        paused.append((pause.paused_on, starts[following]))
    return Schedule(experiment, tuple(starts), cut, tuple(paused))


# --- the result -------------------------------------------------------------------------


@dataclass(frozen=True)
class DayObservation:
    """A kept day: whether the exposure was had and the outcome's contractions."""

    had: bool
    contractions: int


@dataclass(frozen=True)
class Block:
    pair: int
    block: int
    arm: Arm
    start: date
    end: date
    analysed_days: int
    contractions: int
    adherent_days: int
    adherent_contractions: int
    scheduled_days: int  # days of the block after washout up to the cut-off

    @property
    def rate(self) -> float | None:
        return self.contractions / self.analysed_days if self.analysed_days else None


@dataclass(frozen=True)
class PairTest:
    """The randomisation test of k pairs: estimate, interval and two-sided p."""

    pairs_counted: int
    rate_with: float | None
    rate_without: float | None
    rate_ratio: float | None
    ci95: tuple[float | None, float | None]
    p: float | None
    exact: bool


@dataclass(frozen=True)
class ExperimentResult:
    experiment: Experiment
    end: date
    cutoff: date  # last day looked at
    early: bool
    blocks: tuple[Block, ...]
    voided_pairs: tuple[int, ...]
    by_assignment: PairTest
    per_protocol: PairTest
    kept_days: int
    missed_days: int
    adherent_days: int
    verdict: str
    reasons: tuple[str, ...] = field(default=())

    @property
    def adherence(self) -> float | None:
        return self.adherent_days / self.kept_days if self.kept_days else None


def adheres(arm: Arm, had: bool) -> bool:
    return had == (arm == "with")


def sign_sums(diffs: Sequence[float] | np.ndarray) -> np.ndarray:
    """Sum of +-d over every one of the 2^k sign arrangements (built by doubling)."""
    sums = np.zeros(1)
    for d in diffs:
        sums = np.concatenate((sums + d, sums - d))
    return sums


def random_signs(k: int, seed: int, draws: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.choice(np.array([-1.0, 1.0]), size=(draws, k))


def randomisation_p(
    diffs: Sequence[float], *, seed: int = 0, draws: int = MONTE_CARLO_DRAWS
) -> tuple[float, bool]:
    """Two-sided p of D = mean(d): the share of sign arrangements with |D| >= |D observed|,
    the observed one included. Exact for k <= 20, else `draws` seeded arrangements plus the
    observed one. Returns (p, exact)."""
    k = len(diffs)
    if k == 0:
        return 1.0, True
    d = np.asarray(diffs, dtype=float)
    observed = abs(float(d.sum()))
    tolerance = 1e-9 * max(1.0, float(np.abs(d).sum()))
    if k <= MAX_EXACT_PAIRS:
        sums = sign_sums(d)
        return float(np.mean(np.abs(sums) >= observed - tolerance)), True
    sums = random_signs(k, seed, draws) @ d
    hits = int(np.count_nonzero(np.abs(sums) >= observed - tolerance))
    return (hits + 1) / (draws + 1), False


class _Tester:
    """p(theta) for many theta on the same pairs: the arrangements are drawn once."""

    def __init__(self, with_rates: np.ndarray, without_rates: np.ndarray, seed: int) -> None:
        self.w, self.o = with_rates, without_rates
        k = len(with_rates)
        self.exact = k <= MAX_EXACT_PAIRS
        self.signs: np.ndarray | None = None
        if k <= TABLE_PAIRS:  # one table for every theta: ~20 times faster than rebuilding
            self.signs = sign_table(k)
        elif not self.exact:
            self.signs = random_signs(k, seed, MONTE_CARLO_DRAWS)

    def p(self, theta: float) -> float:
        d = self.w / theta - self.o
        observed = abs(float(d.sum()))
        tolerance = 1e-9 * max(1.0, float(np.abs(d).sum()))
        if self.signs is None:
            sums = sign_sums(d)
            return float(np.mean(np.abs(sums) >= observed - tolerance))
        hits = int(np.count_nonzero(np.abs(self.signs @ d) >= observed - tolerance))
        if self.exact:
            return hits / len(self.signs)
        return (hits + 1) / (len(self.signs) + 1)


TABLE_PAIRS = 14  # 16,384 x 14 signs, 1.8 MB


GRID_POINTS = 121  # ratios from 1/1000 to 1000, 12% apart


def inverted_interval(
    with_rates: Sequence[float], without_rates: Sequence[float], *, seed: int = 0
) -> tuple[float | None, float | None]:
    """The ratios theta for which dividing the with-block rates by theta is not rejected at
    5%: their lowest and highest (None where the set reaches 1/1000 or 1000: unbounded)."""
    if not with_rates:
        return None, None
    tester = _Tester(np.asarray(with_rates, float), np.asarray(without_rates, float), seed)
    # the pair ratios join the grid: all pairs alike accept that one ratio and nothing else
    ratios = {w / o for w, o in zip(with_rates, without_rates, strict=True) if w > 0 and o > 0}
    base = [float(t) for t in np.exp(np.linspace(math.log(1e-3), math.log(1e3), GRID_POINTS))]
    grid = sorted(set(base) | {r for r in ratios if base[0] < r < base[-1]})
    accepted = [tester.p(t) >= ALPHA for t in grid]
    if not any(accepted):
        return None, None
    first = accepted.index(True)
    last = len(accepted) - 1 - accepted[::-1].index(True)

    def edge(inside: float, outside: float) -> float:
        for _ in range(24):  # on the log scale: the grid step of 12% to under 0.0001%
            middle = math.sqrt(inside * outside)
            if tester.p(middle) >= ALPHA:
                inside = middle
            else:
                outside = middle
        return inside

    low = None if first == 0 else edge(grid[first], grid[first - 1])
    high = None if last == len(grid) - 1 else edge(grid[last], grid[last + 1])
    return low, high


def pair_test(pairs: Sequence[tuple[Block, Block]], *, adherent_only: bool, seed: int) -> PairTest:
    """The randomisation test on pairs of (with, without) blocks that count."""
    rows = []
    for w, o in pairs:
        if adherent_only:
            wd, wc = w.adherent_days, w.adherent_contractions
            od, oc = o.adherent_days, o.adherent_contractions
        else:
            wd, wc, od, oc = w.analysed_days, w.contractions, o.analysed_days, o.contractions
        if wd >= MIN_ANALYSED_DAYS and od >= MIN_ANALYSED_DAYS:
            rows.append((wd, wc, od, oc))
    if not rows:
        return PairTest(0, None, None, None, (None, None), None, True)
    with_days = sum(r[0] for r in rows)
    without_days = sum(r[2] for r in rows)
    rate_with = sum(r[1] for r in rows) / with_days
    rate_without = sum(r[3] for r in rows) / without_days
    ratio = rate_with / rate_without if rate_without > 0 else None
    w_rates = [r[1] / r[0] for r in rows]
    o_rates = [r[3] / r[2] for r in rows]
    p, exact = randomisation_p([a - b for a, b in zip(w_rates, o_rates, strict=True)], seed=seed)
    ci = inverted_interval(w_rates, o_rates, seed=seed)
    return PairTest(len(rows), rate_with, rate_without, ratio, ci, p, exact)


def verdict_of(test: PairTest, *, early: bool) -> str:
    """'likely raises' / 'likely lowers' at p < 0.05, 'no large effect' when the interval
    excludes a doubling and a halving, else 'inconclusive'; ended early or fewer than 6
    pairs counted: 'exploratory'."""
    if early or test.pairs_counted < MIN_PAIRS_FOR_5_PERCENT or test.p is None:
        return EXPLORATORY
    if test.p < ALPHA and test.rate_with is not None and test.rate_without is not None:
        if test.rate_with > test.rate_without:
            return LIKELY_RAISES
        if test.rate_with < test.rate_without:
            return LIKELY_LOWERS
    low, high = test.ci95
    if low is not None and high is not None and low > 1 / LARGE_EFFECT and high < LARGE_EFFECT:
        return NO_LARGE_EFFECT
    return INCONCLUSIVE


def analyse(
    experiment: Experiment,
    days: Mapping[date, DayObservation],
    *,
    today: date,
    early: bool = False,
) -> ExperimentResult:
    """Blocks, pairs, the test by assignment and per protocol, adherence and the verdict,
    over the schedule's days up to the end (or, ended early, up to `today`; abandoned, up
    to the day before it was abandoned). `days` holds the kept days only."""
    schedule = schedule_of(experiment, today=today)
    cutoff = schedule.end
    abandoned = experiment.status == "abandoned" and experiment.ended_on is not None
    if abandoned:
        assert experiment.ended_on is not None
        cutoff = min(cutoff, experiment.ended_on - timedelta(days=1))
    if early:
        cutoff = min(cutoff, today)
    stopped_early = early or (abandoned and cutoff < schedule.end)
    blocks: list[Block] = []
    kept = missed = adherent = 0
    for block_number in range(1, 2 * experiment.pairs + 1):
        first, last = schedule.block_span(block_number)
        if first > cutoff:
            break
        analysed = contractions = good = good_contractions = scheduled = 0
        arm = _arm_of(experiment, block_number)
        pair = (block_number + 1) // 2
        day = first
        while day <= min(last, cutoff):
            slot = schedule.slot(day)
            day += timedelta(days=1)
            if slot is None:  # cut off by a pause
                continue
            seen = days.get(slot.day)
            if seen is None:
                missed += slot.day < today  # today is not missed yet
                scheduled += not slot.washout
                continue
            kept += 1
            followed = adheres(arm, seen.had)
            adherent += followed
            if slot.washout:
                continue
            scheduled += 1
            analysed += 1
            contractions += seen.contractions
            if followed:
                good += 1
                good_contractions += seen.contractions
        blocks.append(
            Block(
                pair,
                block_number,
                arm,
                first,
                last,
                analysed,
                contractions,
                good,
                good_contractions,
                scheduled,
            )
        )
    pairs: list[tuple[Block, Block]] = []
    voided: list[int] = []
    for index in range(experiment.pairs):
        two = [b for b in blocks if b.pair == index + 1]
        if len(two) < 2:
            continue
        w = next(b for b in two if b.arm == "with")
        o = next(b for b in two if b.arm == "without")
        pairs.append((w, o))
        if w.analysed_days < MIN_ANALYSED_DAYS or o.analysed_days < MIN_ANALYSED_DAYS:
            voided.append(index + 1)
    seed = experiment.seed % SEED_LIMIT
    by_assignment = pair_test(pairs, adherent_only=False, seed=seed)
    per_protocol = pair_test(pairs, adherent_only=True, seed=seed)
    reasons: list[str] = []
    if stopped_early:
        reasons.append("ended early")
    if by_assignment.pairs_counted < MIN_PAIRS_FOR_5_PERCENT:
        reasons.append(
            f"{by_assignment.pairs_counted} pair{'' if by_assignment.pairs_counted == 1 else 's'} "
            "counted: fewer than "
            f"{MIN_PAIRS_FOR_5_PERCENT} can never give p below 0.05"
        )
    return ExperimentResult(
        experiment=experiment,
        end=schedule.end,
        cutoff=cutoff,
        early=stopped_early,
        blocks=tuple(blocks),
        voided_pairs=tuple(voided),
        by_assignment=by_assignment,
        per_protocol=per_protocol,
        kept_days=kept,
        missed_days=missed,
        adherent_days=adherent,
        verdict=verdict_of(by_assignment, early=stopped_early),
        reasons=tuple(reasons),
    )


def _arm_of(experiment: Experiment, block: int) -> Arm:
    index, second = divmod(block - 1, 2)
    first = experiment.first_arm(index)
    if not second:
        return first
    return "without" if first == "with" else "with"


def sign_table(k: int) -> np.ndarray:
    """Every one of the 2^k sign arrangements, one per row."""
    rows = np.arange(2**k)[:, None] >> np.arange(k)[None, :]
    return np.where(rows & 1, 1.0, -1.0)
