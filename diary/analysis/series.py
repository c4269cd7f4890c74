"""What the trend charts plot, computed in one pass over the episodes of a period."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from typing import TYPE_CHECKING, Any

from diary.domain import LABELS, Classification, Episode, Observation, where

if TYPE_CHECKING:
    from diary.analysis.triggers import Effects, TriggerReport

ROLLING_DAYS = 7
MEDIAN_MIN_EPISODES = 5  # a 7-day median of fewer episodes is noise, not a trend: not drawn


@dataclass(frozen=True)
class ChartData:
    start: date
    end: date
    total: int
    days: list[date]
    daily: dict[str, list[int]]  # label -> contractions per day (the sum of counts)
    rolling_mean: list[float | None]  # all labels, trailing 7-day mean
    pain_daily: dict[str, list[float | None]]  # label -> mean pain per day
    pain_rolling_median: dict[str, list[float | None]]  # label -> trailing 7-day median
    # label -> (moment, pain, id) of each episode worth a point: every spasm and unclear
    # episode, and the twitches that hurt (a painless twitch would be a flat line at 0)
    pain_points: dict[str, list[tuple[datetime, int, int]]]
    sites: dict[str, dict[str, int]]  # "left calf" -> label -> episodes, most frequent first
    triggers: list[tuple[str, int]]  # most frequent first
    hours: dict[str, list[int]]  # label -> episodes per hour of day
    durations: dict[str, list[float]]  # label -> seconds
    night_hours: tuple[int, int] = (22, 6)  # the configured night, shaded on the hour chart
    entries: list[int] | None = None  # entries logged per day, when some stand for several
    effects: Effects | None = None  # trigger rate ratios on kept days, for the forest plot
    severe_pain: int = 8  # the severe-pain flag's threshold, highlighted on the pain chart
    # per day: checked in as complete or holding an entry; None when check-ins were not read
    recorded: list[bool] | None = None
    # exposures the forest plot cannot show, with the reason ("had on every kept day")
    untested: tuple[tuple[str, str], ...] = ()

    @property
    def period(self) -> str:
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"


def chart_data(
    episodes: Iterable[Episode] | Iterable[Observation],
    label_of: Callable[[Any], Classification],
    start: date,
    end: date,
    night_hours: tuple[int, int] = (22, 6),
    severe_pain: int = 8,
    kept: Collection[date] | None = None,
) -> ChartData:
    """One pass over the episodes (a stream is fine: nothing is kept per episode but its
    duration, for the box plot). With `kept` (the days checked in), a day neither kept nor
    holding an entry is "not recorded": no average is drawn across it."""
    n_days = (end - start).days + 1
    days = [start + timedelta(days=i) for i in range(n_days)]
    daily: dict[str, list[int]] = {label: [0] * n_days for label in LABELS}
    pains: dict[str, list[list[int]]] = {label: [[] for _ in range(n_days)] for label in LABELS}
    sites: dict[str, Counter[str]] = defaultdict(Counter)
    triggers: Counter[str] = Counter()
    hours: dict[str, list[int]] = {label: [0] * 24 for label in LABELS}
    durations: dict[str, list[float]] = {label: [] for label in LABELS}
    points: dict[str, list[tuple[datetime, int, int]]] = {label: [] for label in LABELS}
    total = 0
    entries = [0] * n_days
    for e in episodes:
        index = (e.at.date() - start).days
        if not 0 <= index < n_days:
            continue
        label = label_of(e).label
        total += 1
        daily[label][index] += e.count
        entries[index] += 1
        pains[label][index].append(e.pain)
        if label != "twitch" or e.pain > 0:
            points[label].append((e.at, e.pain, e.id))
        sites[where(e.site, e.side)][label] += 1
        triggers.update(e.trigger_names)
        if e.time_known:  # a time never given is in no hour's bin
            hours[label][e.at.hour] += 1
        durations[label].append(e.duration_s)
    totals = [sum(daily[label][i] for label in LABELS) for i in range(n_days)]
    recorded = (
        None if kept is None else [d in kept or n > 0 for d, n in zip(days, entries, strict=True)]
    )
    return ChartData(
        start=start,
        end=end,
        total=total,
        days=days,
        daily=daily,
        rolling_mean=_rolling_mean(totals, recorded),
        pain_daily={
            label: [sum(p) / len(p) if p else None for p in pains[label]] for label in LABELS
        },
        pain_rolling_median={label: _rolling_median(pains[label]) for label in LABELS},
        pain_points=points,
        sites={
            site: {label: c.get(label, 0) for label in LABELS}
            for site, c in sorted(sites.items(), key=lambda kv: (-kv[1].total(), kv[0]))
        },
        triggers=sorted(triggers.items(), key=lambda kv: (-kv[1], kv[0])),
        hours=hours,
        durations=durations,
        night_hours=night_hours,
        entries=entries if entries != totals else None,
        severe_pain=severe_pain,
        recorded=recorded,
    )


def _rolling_mean(values: list[int], recorded: list[bool] | None = None) -> list[float | None]:
    """Trailing 7-day mean; None until the period holds a full 7 days (no partial spikes) and
    wherever the window holds a day not recorded (an unknown day is not a zero)."""
    result: list[float | None] = []
    window_sum = 0
    unknown = 0  # days not recorded in the window
    for i, value in enumerate(values):
        window_sum += value
        unknown += recorded is not None and not recorded[i]
        if i >= ROLLING_DAYS:
            window_sum -= values[i - ROLLING_DAYS]
            unknown -= recorded is not None and not recorded[i - ROLLING_DAYS]
        full = i >= ROLLING_DAYS - 1 and not unknown
        result.append(window_sum / ROLLING_DAYS if full else None)
    return result


def _rolling_median(per_day: list[list[int]]) -> list[float | None]:
    """Median pain of the episodes in the trailing 7 days; None (a gap) while the window holds
    fewer than MEDIAN_MIN_EPISODES, where one episode would make the "trend"."""
    result: list[float | None] = []
    for i in range(len(per_day)):
        window = [p for day in per_day[max(0, i - ROLLING_DAYS + 1) : i + 1] for p in day]
        result.append(float(median(window)) if len(window) >= MEDIAN_MIN_EPISODES else None)
    return result


def untested_exposures(report: TriggerReport) -> tuple[tuple[str, str], ...]:
    """Exposures checked in but not comparable on the same day, with the reason in words:
    the forest plot names them instead of leaving them out without a word."""
    reasons: dict[str, str] = {}
    for r in report.results:
        if r.kind != "all" or r.lag_days != 0:
            continue
        if r.rate_ratio is None or r.ci95 is None or r.verdict == "not enough data":
            reasons.setdefault(r.trigger, _reason(r.exposed_days, r.unexposed_days, r.missing))
    return tuple(sorted(reasons.items()))


def _reason(exposed: int, unexposed: int, missing: str | None) -> str:
    if unexposed == 0:
        return "had on every kept day: nothing to compare with"
    if exposed == 0:
        return "never had on a kept day"
    return missing or "not enough kept days"
