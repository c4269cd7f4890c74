"""Which triggers matter: kept days with an exposure against kept days without it.

Pure: takes the kept days of a period (what was had, contractions by kind) and returns
every comparison with its uncertainty. The method, with its sources, is in
docs/clinical-rules.md ("Trigger statistics"); the exact distributions in `exact.py`.

For each exposure, lag (0: the same day, 1: the day after) and kind of episode (all;
twitches and spasms apart when the period holds both):

- the rate ratio of contractions per kept day, with its exact conditional 95% interval
  and two-sided exact p-value;
- the day-level comparison (days with any episode, Fisher's exact test), so that one bout
  of forty twitches cannot carry a result;
- a permutation test over the kept days (difference in mean contractions a day), which
  holds its level when bad weeks and quiet weeks make the days more variable than Poisson;
- the dispersion of the daily counts: above 1, the interval is widened by its square root
  on the log scale (quasi-Poisson).

- when the exposure comes in runs of days (a stress week), a permutation test over whole
  weeks of kept days, since bad and quiet spells last days too.

The verdict takes the most conservative of the count test, the permutation test and (in
runs) the test over whole weeks, adjusted over every test made (Benjamini-Hochberg q), and
the widened interval must exclude 1 too. The day-level test is reported beside them (see
`_compare`). A result in runs that stays unclear says why and points to a planned
experiment (`runs_note`).
"""

from __future__ import annotations

import itertools
import random
import shlex
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from math import ceil, comb, erfc, exp, log, sqrt

from diary.analysis.exact import (
    benjamini_hochberg,
    conditional_test_power,
    fisher_exact,
    poisson_interval,
    rate_ratio_interval,
    rate_ratio_p_value,
    runs_test_z,
)
from diary.thresholds import DEFAULTS, Thresholds

KINDS = ("all", "twitch", "spasm")
LAGS = (0, 1)
LINKED, PROTECTIVE, NO_CLEAR_LINK, NOT_ENOUGH_DATA = (
    "linked",
    "protective",
    "no clear link",
    "not enough data",
)
_RUNS_Z = -1.96  # two-sided 5%: the exposure clusters in runs more than chance would
_MOST_DAYS = 100_000  # days_needed searches no further than this


@dataclass(frozen=True, slots=True)
class TriggerDay:
    """One kept day: what was had (name -> amount or None) and contractions by kind."""

    day: date
    had: Mapping[str, float | None]
    contractions: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class DoseLevel:
    amount: float  # 0: kept days without it
    days: int
    contractions: int
    rate: float
    ci95: tuple[float, float]


@dataclass(frozen=True, slots=True)
class DoseResponse:
    trigger: str
    levels: tuple[DoseLevel, ...]
    slope_z: float  # score test for a trend in the rate with the amount
    p: float  # one-sided: the rate rises with the amount
    rises: bool


@dataclass(frozen=True, slots=True)
class TriggerResult:
    trigger: str
    kind: str
    lag_days: int
    exposed_days: int
    unexposed_days: int
    episodes_exposed: int  # contractions on those days
    episodes_unexposed: int
    days_with_episodes_exposed: int
    days_with_episodes_unexposed: int
    rate_ratio: float | None
    ci95: tuple[float | None, float | None] | None
    ci95_exact: tuple[float | None, float | None] | None
    dispersion: float | None
    p: float | None  # exact conditional test of rate ratio 1
    p_days: float | None  # Fisher's exact test on days with any episode
    p_permutation: float | None
    p_verdict: float | None  # the largest of p, p_permutation and p_runs: what q adjusts
    q: float | None
    verdict: str
    days_needed: int | None
    missing: str | None  # why not enough data
    in_runs: bool  # the exposure came in runs of days: also tested by shuffling whole weeks
    members: tuple[str, ...] = ()  # for exposures that cannot be told apart: each one
    p_runs: float | None = None  # whole weeks shuffled, when the exposure came in runs
    runs_note: str | None = None  # why a result in runs stays uncertain, and the way out


@dataclass(frozen=True, slots=True)
class TogetherGroup:
    """Exposures had on nearly the same days: tested as one, never credited one by one."""

    members: tuple[str, ...]
    share: float  # days with all of them / days with any of them


@dataclass(frozen=True)
class TriggerReport:
    since: date
    until: date
    period_days: int
    kept_days: int
    kinds: tuple[str, ...]
    results: list[TriggerResult]
    dose: list[DoseResponse] = field(default_factory=list)
    together: list[TogetherGroup] = field(default_factory=list)
    noted: dict[str, int] = field(default_factory=dict)  # trigger -> episodes noting it
    untested: list[str] = field(default_factory=list)  # noted on episodes, never checked in

    def linked(self, kind: str = "all") -> list[TriggerResult]:
        """Confirmed links of a kind, strongest first."""
        found = [r for r in self.results if r.kind == kind and r.verdict == LINKED]
        return sorted(found, key=lambda r: (r.q or 1.0, -(r.rate_ratio or 0.0)))


def group_name(members: Iterable[str]) -> str:
    return " + ".join(sorted(members))


def analyse_triggers(
    days: Sequence[TriggerDay],
    *,
    since: date,
    until: date,
    tested: Iterable[str],
    noted: Mapping[str, int] | None = None,
    thresholds: Thresholds = DEFAULTS,
    full_lags: Collection[int] = LAGS,
) -> TriggerReport:
    """Every exposure in `tested` (those named at a check-in), for both lags and each kind.

    A trigger only ever noted on episodes is not tested: only days with an episode could
    show it, so it would look linked whatever the truth.

    Every statistic for the lags in `full_lags` (all by default). At the other lags, what
    the verdicts need: the same q-values and verdicts, but the exact interval and the
    day-level test only for results whose q could make a link (the others keep None there)
    and no days needed; and no dose-response unless every lag is full. The weekly headline
    needs no lag in full, the forest plot the same day's."""
    kept = sorted(days, key=lambda d: d.day)
    noted = dict(noted or {})
    tested_names = sorted(set(tested))
    untested = sorted(name for name in noted if name not in tested_names)
    totals = {kind: sum(d.contractions.get(kind, 0) for d in kept) for kind in KINDS}
    kinds = ("all", "twitch", "spasm") if totals["twitch"] and totals["spasm"] else ("all",)
    together = _together(kept, tested_names, thresholds)
    exposures: dict[str, tuple[str, ...]] = {}
    grouped = {m for g in together for m in g.members}
    for name in tested_names:
        if name not in grouped:
            exposures[name] = (name,)
    for group in together:
        exposures[group_name(group.members)] = group.members

    by_day = {d.day: d for d in kept}
    unadjusted: list[TriggerResult] = []
    compared: list[tuple[str, tuple[str, ...], str, int, list[bool], list[int]]] = []
    for name, members in sorted(exposures.items()):
        for lag in LAGS:
            pairs = _pairs(kept, by_day, lag)
            exposed = [any(m in before.had for m in members) for before, _ in pairs]
            for kind in kinds:
                outcomes = [after.contractions.get(kind, 0) for _, after in pairs]
                compared.append((name, members, kind, lag, exposed, outcomes))
                full = lag in full_lags
                unadjusted.append(
                    _compare(name, members, kind, lag, exposed, outcomes, thresholds, full)
                )
    q_values = benjamini_hochberg([r.p_verdict for r in unadjusted if r.p_verdict is not None])
    adjusted = iter(q_values)
    results = []
    for result, args in zip(unadjusted, compared, strict=True):
        q = next(adjusted) if result.p_verdict is not None else None
        lag = args[3]
        if lag not in full_lags and q is not None and q < thresholds.trigger_alpha:
            result = _compare(*args, thresholds)  # a possible link: its interval decides
        results.append(_with_verdict(result, q, thresholds))
    dose = [
        found
        for name in tested_names
        if name not in grouped and set(LAGS) <= set(full_lags)
        if (found := _dose_response(name, kept, thresholds)) is not None
    ]
    return TriggerReport(
        since=since,
        until=until,
        period_days=(until - since).days + 1,
        kept_days=len(kept),
        kinds=kinds,
        results=results,
        dose=dose,
        together=together,
        noted=noted,
        untested=untested,
    )


def _pairs(
    kept: Sequence[TriggerDay], by_day: Mapping[date, TriggerDay], lag: int
) -> list[tuple[TriggerDay, TriggerDay]]:
    """(exposure day, outcome day) with both days kept."""
    if lag == 0:
        return [(d, d) for d in kept]
    return [
        (d, after) for d in kept if (after := by_day.get(d.day + timedelta(days=lag))) is not None
    ]


def _with_verdict(result: TriggerResult, q: float | None, thresholds: Thresholds) -> TriggerResult:
    """The result with its adjusted q and the verdict that follows: a link needs q below
    `trigger_alpha` and the (widened) interval clear of 1."""
    verdict = NOT_ENOUGH_DATA if result.missing else NO_CLEAR_LINK
    ratio = result.rate_ratio
    if q is not None and q < thresholds.trigger_alpha and result.ci95 is not None:
        low, high = result.ci95
        if ratio is not None and ratio > 1 and low is not None and low > 1:
            verdict = LINKED
        elif ratio is not None and ratio < 1 and high is not None and high < 1:
            verdict = PROTECTIVE
    note = result.runs_note if verdict == NO_CLEAR_LINK else None
    return replace(result, q=q, verdict=verdict, runs_note=note)


def _compare(
    name: str,
    members: tuple[str, ...],
    kind: str,
    lag: int,
    exposed: list[bool],
    outcomes: list[int],
    thresholds: Thresholds,
    full: bool = True,
) -> TriggerResult:
    """Every statistic of one comparison; q and the verdict come after adjustment. Not
    `full`: what q needs only (no exact interval, day-level test or days needed)."""
    e1 = sum(exposed)
    e0 = len(exposed) - e1
    x1 = sum(x for x, had in zip(outcomes, exposed, strict=True) if had)
    x0 = sum(outcomes) - x1
    z = runs_test_z(exposed)
    missing = _missing(name, lag, e1, e0, x1 + x0, thresholds)
    ci_exact = rate_ratio_interval(x1, x0, e1, e0) if full and e1 and e0 and x1 + x0 else None
    result = TriggerResult(
        trigger=name,
        kind=kind,
        lag_days=lag,
        exposed_days=e1,
        unexposed_days=e0,
        episodes_exposed=x1,
        episodes_unexposed=x0,
        days_with_episodes_exposed=sum(
            1 for x, had in zip(outcomes, exposed, strict=True) if had and x
        ),
        days_with_episodes_unexposed=sum(
            1 for x, had in zip(outcomes, exposed, strict=True) if not had and x
        ),
        rate_ratio=(x1 / e1) / (x0 / e0) if e1 and e0 and x0 else None,
        ci95=ci_exact,
        ci95_exact=ci_exact,
        dispersion=None,
        p=None,
        p_days=None,
        p_permutation=None,
        p_verdict=None,
        q=None,
        verdict=NOT_ENOUGH_DATA if missing else NO_CLEAR_LINK,
        days_needed=_days_needed(e1, e0, x1 + x0, thresholds) if missing and full else None,
        missing=missing,
        in_runs=z is not None and z < _RUNS_Z,
        members=members if len(members) > 1 else (),
    )
    if missing:
        return result
    days1, days0 = result.days_with_episodes_exposed, result.days_with_episodes_unexposed
    p = rate_ratio_p_value(x1, x0, e1, e0)
    seed = zlib.crc32(f"{name}|{kind}|{lag}".encode())
    p_permutation = permutation_p_value(
        outcomes, exposed, shuffles=thresholds.trigger_permutations, seed=seed
    )
    # Days next to each other are alike (bad weeks, quiet weeks); when the exposure comes in
    # runs too, shuffling single days overstates (11% false links at 3 a day in the
    # simulation of docs/clinical-rules.md): shuffle whole weeks instead.
    p_runs = (
        block_permutation_p_value(
            outcomes, exposed, shuffles=thresholds.trigger_permutations, seed=seed
        )
        if result.in_runs
        else None
    )
    dispersion = _dispersion(outcomes, exposed, x1 / e1, x0 / e0)
    # Not p_days: on dense diaries nearly every day has an episode and the day-level test
    # cannot reach significance whatever the truth (coffee tripling a rate of 3 a day was
    # found in 3% of simulated diaries). The permutation test over days already keeps one
    # bout from carrying a result; p_days stays reported beside it.
    return replace(
        result,
        p=p,
        p_days=fisher_exact(days1, e1 - days1, days0, e0 - days0) if full else None,
        p_permutation=p_permutation,
        p_runs=p_runs,
        p_verdict=max(p, p_permutation, p_runs or 0.0),
        dispersion=dispersion,
        ci95=_widened(result.rate_ratio, ci_exact, dispersion),
        runs_note=_runs_note(name, lag) if result.in_runs else None,
    )


def _runs_note(name: str, lag: int) -> str:
    when = "" if lag == 0 else " (the day after)"
    return (
        f"{name} came in runs of days{when}, and bad spells and quiet spells also last days: "
        "a link on such days is less certain. A planned experiment, with and without it in "
        f"blocks of days in random order, can tell: diary experiment plan "
        f"{shlex.quote(name.split(' + ')[0])}"
    )


def _missing(
    name: str, lag: int, e1: int, e0: int, total: int, thresholds: Thresholds
) -> str | None:
    need_days = int(thresholds.trigger_min_days)
    need_episodes = int(thresholds.trigger_min_episodes)
    span = "kept days" if lag == 0 else "kept days followed by a kept day"
    if e1 < need_days:
        return f"{e1} {span} with {name}; at least {need_days} needed"
    if e0 < need_days:
        return f"{e0} {span} without {name}; at least {need_days} needed"
    if total < need_episodes:
        return f"{total} episodes in all; at least {need_episodes} needed"
    return None


def _days_needed(e1: int, e0: int, total: int, thresholds: Thresholds) -> int | None:
    """More kept days, at the exposure's share of days and the episode rate seen so far,
    for the exact conditional test to detect a `trigger_detect_ratio`-fold rate with
    `trigger_power` power. None when the rates give nothing to go on (never exposed,
    never unexposed, or no episodes yet)."""
    n = e1 + e0
    if e1 == 0 or e0 == 0 or total == 0:
        return None
    share = e1 / n
    rate = total / n
    need_days = thresholds.trigger_min_days
    floor = max(n, ceil(need_days / share), ceil(need_days / (1 - share)))
    floor = max(floor, ceil(thresholds.trigger_min_episodes / rate))

    def powered(days: int) -> bool:
        power = conditional_test_power(
            share * days,
            (1 - share) * days,
            rate,
            thresholds.trigger_detect_ratio,
            thresholds.trigger_alpha,
        )
        return power >= thresholds.trigger_power

    high = floor
    while not powered(high):
        if high >= _MOST_DAYS:
            return None
        high = min(_MOST_DAYS, high * 2)
    low = floor
    while low < high:
        mid = (low + high) // 2
        low, high = (low, mid) if powered(mid) else (mid + 1, high)
    return max(0, low - n)


PERMUTATION_MOST_DAYS = 730  # beyond two years of kept days: the normal limit (Hajek 1960)


def permutation_p_value(
    outcomes: Sequence[int], exposed: Sequence[bool], *, shuffles: int, seed: int
) -> float:
    """Two-sided permutation test over days: how often the exposure's days, dealt at random
    among the kept days, give a difference in mean contractions a day at least as large
    as the one seen.

    Exact enumeration when the arrangements number at most `shuffles`; else seeded
    shuffles with Besag & Clifford's (1991, Biometrika 78:301) sequential stopping: a
    clearly unremarkable difference stops after 50 exceedances, with p = 50 / shuffles
    drawn. Beyond `PERMUTATION_MOST_DAYS` kept days the shuffles would take seconds; the
    exposed sum of a random subset is then normal to high accuracy (Hajek 1960, Publ Math
    Inst Hung Acad Sci 5:361), with mean k*mean and variance k(n-k)/(n-1) * variance."""
    n = len(outcomes)
    k = sum(exposed)
    total = sum(outcomes)
    if k in (0, n):
        return 1.0
    seen = sum(x for x, had in zip(outcomes, exposed, strict=True) if had)

    def difference(exposed_sum: int) -> float:
        return abs(exposed_sum / k - (total - exposed_sum) / (n - k))

    target = difference(seen) - 1e-9
    if comb(n, k) <= shuffles:
        hits = sum(
            1 for chosen in itertools.combinations(outcomes, k) if difference(sum(chosen)) >= target
        )
        return hits / comb(n, k)
    if n > PERMUTATION_MOST_DAYS:
        mean = total / n
        variance = sum((x - mean) ** 2 for x in outcomes) / n
        spread = sqrt(k * (n - k) / (n - 1) * variance)
        if spread == 0:
            return 1.0
        return min(1.0, erfc(abs(seen - k * mean) / spread / sqrt(2.0)))
    rng = random.Random(seed)
    small = min(k, n - k)  # draw the smaller side; the other is the rest
    values = list(outcomes)
    uniform = rng.random
    enough = 50
    hits = 0
    for drawn in range(1, shuffles + 1):
        # A partial Fisher-Yates shuffle: the first `small` places become a random subset.
        picked = 0
        for i in range(small):
            j = i + int(uniform() * (n - i))
            values[i], values[j] = values[j], values[i]
            picked += values[i]
        exposed_sum = picked if small == k else total - picked
        if difference(exposed_sum) >= target:
            hits += 1
            if hits == enough:
                return hits / drawn
    return (hits + 1) / (shuffles + 1)


RUN_BLOCK_DAYS = 7  # exposures in runs: whole weeks are shuffled


def block_permutation_p_value(
    outcomes: Sequence[int],
    exposed: Sequence[bool],
    *,
    shuffles: int,
    seed: int,
    block: int = RUN_BLOCK_DAYS,
) -> float:
    """Two-sided permutation test over whole blocks of `block` consecutive kept days: the
    exposure's pattern of each block dealt at random among the blocks (the days after the
    last whole block stay as they are), against the same daily contractions. A run of
    exposure stays a run, so a stressful week that meets a bad week by chance is part of
    the reference (block resampling for dependent data: Kunsch 1989, Ann Stat 17:1217;
    Efron & Tibshirani 1993, ch. 8). p = (arrangements at least as far apart + 1) /
    (shuffles + 1), seeded, with Besag & Clifford's stopping after 50 exceedances."""
    n = len(outcomes)
    k = sum(exposed)
    if k in (0, n):
        return 1.0
    whole = n // block
    total = sum(outcomes)
    patterns = [tuple(exposed[i * block : (i + 1) * block]) for i in range(whole)]
    tail = zip(outcomes[whole * block :], exposed[whole * block :], strict=True)
    rest = sum(x for x, had in tail if had)
    sums = [
        [
            sum(x for x, had in zip(outcomes[j * block : (j + 1) * block], p, strict=True) if had)
            for j in range(whole)
        ]
        for p in patterns
    ]  # sums[i][j]: contractions on block j's days that pattern i marks exposed

    def difference(exposed_sum: int) -> float:
        return abs(exposed_sum / k - (total - exposed_sum) / (n - k))

    target = difference(rest + sum(sums[i][i] for i in range(whole))) - 1e-9
    rng = random.Random(seed)
    order = list(range(whole))
    hits = 0
    for drawn in range(1, shuffles + 1):
        rng.shuffle(order)
        if difference(rest + sum(sums[i][j] for j, i in enumerate(order))) >= target:
            hits += 1
            if hits == 50:
                return hits / drawn
    return (hits + 1) / (shuffles + 1)


def _dispersion(
    outcomes: Sequence[int], exposed: Sequence[bool], rate1: float, rate0: float
) -> float | None:
    """Pearson chi-square over the kept days / (days - 2): 1 for Poisson days, above 1 when
    bad weeks and quiet weeks spread the daily counts."""
    n = len(outcomes)
    if n <= 2:
        return None
    chi = 0.0
    for x, had in zip(outcomes, exposed, strict=True):
        mean = rate1 if had else rate0
        if mean > 0:
            chi += (x - mean) ** 2 / mean
    return chi / (n - 2)


def _widened(
    ratio: float | None,
    interval: tuple[float | None, float | None] | None,
    dispersion: float | None,
) -> tuple[float | None, float | None] | None:
    """The exact interval, widened on the log scale by sqrt(dispersion) around the
    estimate when the days vary more than Poisson (quasi-Poisson); as it is otherwise."""
    if interval is None or ratio is None or ratio <= 0 or dispersion is None or dispersion <= 1:
        return interval
    scale = sqrt(dispersion)
    low, high = interval
    centre = log(ratio)
    wide_low = (
        None if low is None else (0.0 if low <= 0 else exp(centre - scale * (centre - log(low))))
    )
    wide_high = None if high is None else exp(centre + scale * (log(high) - centre))
    return wide_low, wide_high


def _together(
    kept: Sequence[TriggerDay], names: Sequence[str], thresholds: Thresholds
) -> list[TogetherGroup]:
    """Exposures that share at least `trigger_together_share` of their days (days with
    both / days with either). A group holds only exposures that all pair up so (complete
    linkage): two exposures each close to a third need not be close to each other."""
    days_of = {name: {d.day for d in kept if name in d.had} for name in names}

    def share(a: str, b: str) -> float:
        either = days_of[a] | days_of[b]
        if len(either) < thresholds.trigger_min_days:
            return 0.0
        return len(days_of[a] & days_of[b]) / len(either)

    close = sorted(
        ((share(a, b), a, b) for a, b in itertools.combinations(names, 2)),
        reverse=True,
    )
    group_of: dict[str, set[str]] = {name: {name} for name in names}
    for value, a, b in close:
        if value < thresholds.trigger_together_share:
            break
        first, second = group_of[a], group_of[b]
        if first is second:
            continue
        if all(share(x, y) >= thresholds.trigger_together_share for x in first for y in second):
            merged = first | second
            for name in merged:
                group_of[name] = merged
    found, seen = [], set()
    for members in group_of.values():
        if len(members) < 2 or id(members) in seen:
            continue
        seen.add(id(members))
        every = set.intersection(*(days_of[m] for m in members))
        either = set.union(*(days_of[m] for m in members))
        found.append(TogetherGroup(tuple(sorted(members)), len(every) / len(either)))
    return sorted(found, key=lambda g: g.members)


def _dose_response(
    name: str, kept: Sequence[TriggerDay], thresholds: Thresholds
) -> DoseResponse | None:
    """Contractions a day (all kinds, same day) at each amount, 0 being the kept days
    without it; a trend when at least `trigger_dose_levels` distinct amounts were given.
    Days with the exposure but no amount are left out."""
    levels: dict[float, list[int]] = {}
    for d in kept:
        if name in d.had:
            amount = d.had[name]
            if amount is None:
                continue
        else:
            amount = 0.0
        levels.setdefault(float(amount), []).append(d.contractions.get("all", 0))
    amounts = sorted(a for a in levels if a > 0)
    if len(amounts) < thresholds.trigger_dose_levels or 0.0 not in levels:
        return None
    rows = []
    for amount in sorted(levels):
        counts = levels[amount]
        low, high = poisson_interval(sum(counts))
        rows.append(
            DoseLevel(
                amount=amount,
                days=len(counts),
                contractions=sum(counts),
                rate=sum(counts) / len(counts),
                ci95=(low / len(counts), high / len(counts)),
            )
        )
    z = _trend_z(rows)
    p = 0.5 * erfc(z / sqrt(2.0))  # one-sided, upper
    return DoseResponse(
        trigger=name,
        levels=tuple(rows),
        slope_z=z,
        p=p,
        rises=z > 0 and p < thresholds.trigger_alpha,
    )


def _trend_z(rows: Sequence[DoseLevel]) -> float:
    """Score test for a log-linear trend of a Poisson rate with the amount (Breslow & Day
    1987, vol. II, §3.6): given the total n, the contractions at each level are
    multinomial with shares proportional to its days; T = sum(amount * count) against
    its mean and variance under no trend."""
    n = sum(r.contractions for r in rows)
    days = sum(r.days for r in rows)
    if n == 0 or days == 0:
        return 0.0
    shares = [r.days / days for r in rows]
    mean_amount = sum(s * r.amount for s, r in zip(shares, rows, strict=True))
    mean_square = sum(s * r.amount**2 for s, r in zip(shares, rows, strict=True))
    variance = n * (mean_square - mean_amount**2)
    if variance <= 0:
        return 0.0
    seen = sum(r.amount * r.contractions for r in rows)
    return (seen - n * mean_amount) / sqrt(variance)


@dataclass(frozen=True, slots=True)
class Effect:
    """One row of the forest plot: an exposure's same-day rate ratio and its interval."""

    label: str
    rate_ratio: float
    low: float | None
    high: float | None  # None: no upper bound
    verdict: str


@dataclass(frozen=True, slots=True)
class Effects:
    since: date
    until: date
    rows: tuple[Effect, ...]


KIND_WORDS = {"all": "", "twitch": "twitches", "spasm": "spasms"}


def effects_of(report: TriggerReport) -> Effects:
    """The same-day comparisons that have a rate ratio and an interval, all episodes first,
    then twitches and spasms apart when the diary holds both."""
    rows = []
    for kind in report.kinds:
        for r in report.results:
            if r.kind != kind or r.lag_days != 0 or r.rate_ratio is None or r.ci95 is None:
                continue
            if r.verdict == NOT_ENOUGH_DATA:
                continue
            label = r.trigger if kind == "all" else f"{r.trigger} ({KIND_WORDS[kind]})"
            rows.append(Effect(label, r.rate_ratio, r.ci95[0], r.ci95[1], r.verdict))
    return Effects(report.since, report.until, tuple(rows))


@dataclass(frozen=True, slots=True)
class TriggerHeadline:
    """What the weekly report says of triggers: at most two confirmed links (strongest
    first) and the exposures without enough data yet."""

    since: date
    until: date
    links: tuple[TriggerResult, ...]
    not_enough_data: tuple[str, ...]
    tested: int  # exposures with a verdict other than not enough data
    # Of `not_enough_data`, those had on every kept day: more days of the same will not
    # tell, only days without it (a planned experiment makes them).
    every_day: tuple[str, ...] = ()

    @property
    def short_of_days(self) -> tuple[str, ...]:
        """Of `not_enough_data`, those more kept days can still test."""
        return tuple(n for n in self.not_enough_data if n not in self.every_day)


def had_every_day(results: Sequence[TriggerResult]) -> set[str]:
    """The exposures had on every kept day compared: nothing to compare them with."""
    by_name: dict[str, list[TriggerResult]] = {}
    for r in results:
        by_name.setdefault(r.trigger, []).append(r)
    return {name for name, rs in by_name.items() if all(r.unexposed_days == 0 for r in rs)}


def headline_of(report: TriggerReport, most: int = 2) -> TriggerHeadline:
    clear = [r for r in report.results if r.verdict in (LINKED, PROTECTIVE)]
    clear.sort(key=lambda r: (r.q if r.q is not None else 1.0, -abs(log(r.rate_ratio or 1.0))))
    links: list[TriggerResult] = []
    for r in clear:  # one line per exposure: its strongest comparison
        if all(r.trigger != seen.trigger for seen in links):
            links.append(r)
    by_name: dict[str, list[TriggerResult]] = {}
    for r in report.results:
        by_name.setdefault(r.trigger, []).append(r)
    thin = tuple(
        name
        for name, rs in sorted(by_name.items())
        if all(r.verdict == NOT_ENOUGH_DATA for r in rs)
    )
    always = had_every_day(report.results)
    return TriggerHeadline(
        since=report.since,
        until=report.until,
        links=tuple(links[:most]),
        not_enough_data=thin,
        tested=len(by_name) - len(thin),
        every_day=tuple(name for name in thin if name in always),
    )
