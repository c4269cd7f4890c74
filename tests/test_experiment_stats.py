"""The experiment's statistics: randomisation test, interval by inversion, schedule, verdict."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, timedelta

import pytest

from diary.analysis import experiment as stats
from diary.analysis import experiment_power as power
from diary.analysis.experiment import (
    DayObservation,
    Experiment,
    PairTest,
    Pause,
    analyse,
    draw_sequence,
    inverted_interval,
    randomisation_p,
    schedule_of,
    verdict_of,
)
from diary.analysis.experiment_power import History

START = date(2026, 1, 5)


def brute_force_p(diffs: list[float]) -> float:
    """Every one of the 2^k swaps, written out: share with |mean| >= |observed mean|."""
    observed = abs(sum(diffs)) / len(diffs)
    hits = 0
    arrangements = list(itertools.product((1, -1), repeat=len(diffs)))
    for signs in arrangements:
        if abs(sum(s * d for s, d in zip(signs, diffs, strict=True))) / len(diffs) >= (
            observed - 1e-12
        ):
            hits += 1
    return hits / len(arrangements)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 6, 8, 11])
def test_randomisation_p_equals_brute_force_enumeration(k: int) -> None:
    rng = random.Random(k)
    for _ in range(5):
        diffs = [round(rng.uniform(-2, 3), 2) for _ in range(k)]
        p, exact = randomisation_p(diffs)
        assert exact
        assert p == pytest.approx(brute_force_p(diffs), abs=1e-12)


def test_ties_count_as_extreme() -> None:
    # equal differences: the observed arrangement and its mirror are the two most extreme
    assert randomisation_p([1.0] * 6)[0] == pytest.approx(2 / 64)
    assert randomisation_p([0.0] * 6)[0] == 1.0
    # one pair at zero doubles the extreme arrangements
    assert randomisation_p([1.0] * 5 + [0.0])[0] == pytest.approx(4 / 64)


def exact_p_by_convolution(diffs: list[int]) -> float:
    """Integer differences: the exact distribution of the signed sum by dynamic programming
    (a method independent of the one under test)."""
    counts: dict[int, int] = {0: 1}
    for d in diffs:
        nxt: dict[int, int] = {}
        for total, n in counts.items():
            for s in (total + d, total - d):
                nxt[s] = nxt.get(s, 0) + n
        counts = nxt
    observed = abs(sum(diffs))
    extreme = sum(n for total, n in counts.items() if abs(total) >= observed)
    return extreme / (1 << len(diffs))


def test_monte_carlo_for_many_pairs_agrees_with_the_exact_p_within_its_error() -> None:
    rng = random.Random(3)
    for k in (24, 30):
        diffs = [rng.randint(-3, 6) for _ in range(k)]
        exact = exact_p_by_convolution(diffs)
        p, is_exact = randomisation_p([float(d) for d in diffs])
        assert not is_exact
        error = math.sqrt(exact * (1 - exact) / stats.MONTE_CARLO_DRAWS)
        assert abs(p - exact) <= 4 * error + 1e-5, (k, p, exact)


def test_exact_enumeration_reaches_twenty_pairs() -> None:
    diffs = [1, 2, -1, 3, 1, 0, 2, 2, -2, 1, 1, 3, 1, -1, 2, 1, 1, 2, 0, 1]
    p, exact = randomisation_p([float(d) for d in diffs])
    assert exact and len(diffs) == stats.MAX_EXACT_PAIRS
    assert p == pytest.approx(exact_p_by_convolution(diffs), abs=1e-12)


def test_interval_with_six_pairs_is_the_range_of_the_pair_ratios() -> None:
    # With 6 pairs a theta is rejected (p = 2/64) exactly when every with-rate / theta lies
    # on the same side of its without-rate: the interval runs from the smallest pair ratio
    # to the largest.
    with_rates = [2.0, 3.0, 1.2, 2.4, 1.6, 4.0]
    without_rates = [1.0, 1.0, 0.8, 1.2, 1.0, 2.0]
    low, high = inverted_interval(with_rates, without_rates)
    assert low == pytest.approx(1.5, rel=1e-3)  # 1.2 / 0.8
    assert high == pytest.approx(3.0, rel=1e-3)  # 3.0 / 1.0


def test_interval_collapses_when_every_pair_has_the_same_ratio() -> None:
    low, high = inverted_interval([2.0, 4.0, 1.0, 3.0, 2.0, 5.0], [1.0, 2.0, 0.5, 1.5, 1.0, 2.5])
    assert low == pytest.approx(2.0, rel=1e-3) and high == pytest.approx(2.0, rel=1e-3)


def test_interval_is_unbounded_with_fewer_than_six_pairs() -> None:
    # the smallest p of 5 pairs is 2/32 = 0.0625: no ratio can be rejected
    assert inverted_interval([3.0, 2.0, 4.0, 3.0, 5.0], [1.0, 1.0, 1.0, 1.0, 1.0]) == (None, None)


def test_interval_by_inversion_with_eight_pairs_checked_by_brute_force() -> None:
    w = [2.0, 1.4, 3.2, 2.2, 0.8, 2.6, 1.8, 3.0]
    o = [1.0, 1.2, 1.0, 0.8, 1.0, 1.4, 0.6, 1.6]
    low, high = inverted_interval(w, o)
    assert low is not None and high is not None

    def p(theta: float) -> float:
        return brute_force_p([a / theta - b for a, b in zip(w, o, strict=True)])

    assert p(low * 1.001) >= 0.05 and p(low * 0.99) < 0.05
    assert p(high * 0.999) >= 0.05 and p(high * 1.01) < 0.05


def test_sequence_comes_from_the_seed() -> None:
    assert draw_sequence(42, 12) == draw_sequence(42, 12)
    assert len(draw_sequence(42, 12)) == 12 and set(draw_sequence(42, 12)) <= {"W", "O"}
    assert len({draw_sequence(s, 12) for s in range(20)}) > 15


def experiment(**changes: object) -> Experiment:
    values: dict[str, object] = {
        "id": 1,
        "exposure": "caffeine",
        "outcome": "all",
        "block_days": 7,
        "pairs": 6,
        "washout_days": 2,
        "seed": 1,
        "sequence": "WOWOOW",
        "start": START,
    }
    values.update(changes)
    return Experiment(**values)  # type: ignore[arg-type]


def test_schedule_assigns_blocks_by_the_sequence_with_washout() -> None:
    s = schedule_of(experiment())
    assert s.end == START + timedelta(days=6 * 14 - 1)
    assert s.slot(START - timedelta(days=1)) is None
    assert s.slot(s.end + timedelta(days=1)) is None
    first = s.slot(START)
    assert first is not None and first.arm == "with" and first.washout and first.pair == 1
    third_day = s.slot(START + timedelta(days=2))
    assert third_day is not None and not third_day.washout and third_day.block == 1
    second_block = s.slot(START + timedelta(days=7))
    assert second_block is not None and second_block.arm == "without" and second_block.block == 2
    pair_two = s.slot(START + timedelta(days=14))  # sequence 'O': without first
    assert pair_two is not None and pair_two.arm == "without" and pair_two.pair == 2


def test_pause_moves_the_rest_on_by_whole_pairs() -> None:
    paused_on = START + timedelta(days=3)  # inside pair 1
    x = experiment(pauses=(Pause(paused_on, START + timedelta(days=20)),))
    s = schedule_of(x)
    assert s.pair_starts[1] == START + timedelta(days=28)  # was day 14: one whole pair later
    assert s.end == START + timedelta(days=7 * 14 - 1)
    assert s.slot(paused_on) is None and s.slot(START + timedelta(days=20)) is None
    assert s.slot(START + timedelta(days=2)) is not None  # before the pause: still counted
    resumed_at_boundary = experiment(pauses=(Pause(paused_on, START + timedelta(days=14)),))
    assert schedule_of(resumed_at_boundary).pair_starts[1] == START + timedelta(days=14)


def kept_days(
    x: Experiment,
    rate_with: float,
    rate_without: float,
    *,
    skip: frozenset[date] | set[date] = frozenset(),
) -> dict[date, DayObservation]:
    s = schedule_of(x)
    out = {}
    day = x.start
    while day <= s.end:
        slot = s.slot(day)
        if slot is not None and day not in skip:
            rate = rate_with if slot.arm == "with" else rate_without
            out[day] = DayObservation(slot.arm == "with", int(rate))
        day += timedelta(days=1)
    return out


def test_analysis_counts_days_after_washout_and_finds_a_consistent_rise() -> None:
    x = experiment()
    result = analyse(x, kept_days(x, 3, 1), today=date(2027, 1, 1))
    assert [b.analysed_days for b in result.blocks] == [5] * 12
    assert result.by_assignment.rate_ratio == pytest.approx(3.0)
    assert result.by_assignment.p == pytest.approx(2 / 64)
    assert result.verdict == stats.LIKELY_RAISES
    assert result.adherence == 1.0 and result.missed_days == 0


def test_a_block_with_fewer_than_three_counted_days_voids_its_pair() -> None:
    x = experiment()
    missing = {START + timedelta(days=d) for d in (2, 3, 4)}  # pair 1, first block, after washout
    result = analyse(x, kept_days(x, 3, 1, skip=missing), today=date(2027, 1, 1))
    assert result.voided_pairs == (1,)
    assert result.by_assignment.pairs_counted == 5
    assert result.missed_days == 3
    assert result.verdict == stats.EXPLORATORY


def test_per_protocol_leaves_out_days_not_lived_as_assigned() -> None:
    x = experiment()
    days = kept_days(x, 2, 2)
    # on 3 counted days of the first "without" block the person had coffee and 9 contractions
    for d in (9, 10, 11):
        days[START + timedelta(days=d)] = DayObservation(True, 9)
    result = analyse(x, days, today=date(2027, 1, 1))
    first_without = result.blocks[1]
    assert first_without.arm == "without" and first_without.adherent_days == 2
    assert result.adherent_days == result.kept_days - 3
    assert result.by_assignment.rate_ratio is not None and result.by_assignment.rate_ratio < 1
    assert result.per_protocol.pairs_counted == 5  # that block has 2 adherent days left


@pytest.mark.parametrize(
    ("p", "ci", "pairs", "early", "expected"),
    [
        (0.01, (1.5, 3.0), 12, False, stats.LIKELY_RAISES),
        (0.2, (0.7, 1.6), 12, False, stats.NO_LARGE_EFFECT),
        (0.2, (0.4, 2.5), 12, False, stats.INCONCLUSIVE),
        (0.01, (1.5, 3.0), 5, False, stats.EXPLORATORY),
        (0.01, (1.5, 3.0), 12, True, stats.EXPLORATORY),
    ],
)
def test_verdicts(
    p: float, ci: tuple[float, float], pairs: int, early: bool, expected: str
) -> None:
    test = PairTest(pairs, 2.0, 1.0, 2.0, ci, p, True)
    assert verdict_of(test, early=early) == expected
    lowered = PairTest(pairs, 0.5, 1.0, 0.5, ci, p, True)
    if expected == stats.LIKELY_RAISES:
        assert verdict_of(lowered, early=early) == stats.LIKELY_LOWERS


def test_history_falls_back_to_a_stated_default() -> None:
    few = power.history_of([1, 0, 2], 10)
    assert few.assumed is not None and "fewer than 14 kept days" in few.assumed
    steady = power.history_of([1] * 30, 30)
    assert steady.assumed is None and steady.shape is None and steady.rate == 1.0


def test_power_rises_with_pairs_and_is_nil_below_six_pairs() -> None:
    h = History(1.0, None, 1.0, 60)
    design = {"block_days": 7, "washout_days": 2, "ratio": 2.0, "experiments": 800}
    assert power.simulated_power(h, pairs=5, **design) == 0.0  # type: ignore[arg-type]
    six = power.simulated_power(h, pairs=6, **design)  # type: ignore[arg-type]
    twelve = power.simulated_power(h, pairs=12, **design)  # type: ignore[arg-type]
    assert 0.3 < six < twelve
    assert twelve > 0.9
