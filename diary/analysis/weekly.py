"""The weekly summary: counts, pain, durations, triggers and the change since last week."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import fmean, median
from typing import TYPE_CHECKING

from diary.analysis.advice import Advice, advice_for
from diary.analysis.classify import classify_all, is_night
from diary.analysis.relief import WhatHelped, what_helped
from diary.domain import LABELS, Classification, DayRecord, Episode, Flag
from diary.parsing import iso_week_name, part_of_day_of
from diary.thresholds import DEFAULTS, Thresholds

TIME_OF_DAY = ("night", "morning", "afternoon", "evening")
TIME_NOT_GIVEN = "time not given"


def slot_of(e: Episode, thresholds: Thresholds = DEFAULTS) -> str:
    """The part of the day an episode fell in; never guessed from a time not given."""
    if not e.time_known:  # a part given without its hour ('this afternoon') counts there
        return part_of_day_of(e.at, time_known=False, part_of_day=e.part_of_day) or TIME_NOT_GIVEN
    return time_of_day(e.at.hour, thresholds)


def time_of_day(hour: int, thresholds: Thresholds = DEFAULTS) -> str:
    if is_night(hour, thresholds):
        return "night"
    if hour < 12:
        return "morning"
    if hour < 18:
        return "afternoon"
    return "evening"


if TYPE_CHECKING:
    from diary.analysis.triggers import TriggerHeadline


@dataclass(frozen=True)
class WeekCounts:
    week: str
    start: date
    end: date
    episodes: int
    by_label: dict[str, int]
    pain_mean: float | None
    contractions: int = 0  # the sum of the entries' counts


@dataclass(frozen=True)
class WeeklySummary:
    this: WeekCounts
    previous: WeekCounts
    by_subtype: dict[str, int]
    by_site: dict[str, int]
    by_site_side: dict[str, dict[str, int]]
    pain_max: int | None
    total_duration_s: float
    longest: Episode | None
    triggers: dict[str, int]
    time_of_day: dict[str, int]
    night_cramps: int
    change: str
    flags: list[Flag] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)
    kept_days: int = 0  # days of the week checked in
    days_so_far: int = 7  # days of the week up to today
    exposures: dict[str, int] = field(default_factory=dict)  # exposure -> kept days with it
    triggers_found: TriggerHeadline | None = None  # `diary triggers` up to the week's end
    flags_as_of: date | None = None  # the day the flags were evaluated for
    chosen: str = ""  # why this week, when it was not asked for ('the last complete week')
    # label -> {"entries", "contractions", "painful", "median", "max"}: each type apart, so
    # cramp pain is never averaged with painless twitches
    pain_by_type: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    night_cramp_entries: int = 0
    windows: tuple[int, int] = (14, 28)  # the flags' rolling windows, in days (thresholds)
    relief: WhatHelped = field(default_factory=WhatHelped)  # what was tried, as reported


def _counts(start: date, episodes: list[Episode], labels: dict[int, Classification]) -> WeekCounts:
    by_label = Counter(labels[e.id].label for e in episodes if e.id is not None)
    return WeekCounts(
        week=iso_week_name(start),
        start=start,
        end=start + timedelta(days=6),
        episodes=len(episodes),
        by_label={label: by_label.get(label, 0) for label in LABELS},
        pain_mean=round(fmean(e.pain for e in episodes), 1) if episodes else None,
        contractions=sum(e.count for e in episodes),
    )


def describe_change(now: int, before: int) -> str:
    if now == before:
        return f"the same number of episodes as the week before ({now})"
    more = now > before
    difference = abs(now - before)
    words = f"{difference} {'more' if more else 'fewer'} episode{'s' if difference != 1 else ''}"
    if before:
        return f"{words} than the week before ({before} → {now}, {(now - before) / before:+.0%})"
    return f"{words} than the week before ({before} → {now})"


def ranked(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def weekly_summary(
    week_start: date,
    episodes: list[Episode],
    flags: list[Flag],
    thresholds: Thresholds = DEFAULTS,
    days: Sequence[DayRecord] = (),
) -> WeeklySummary:
    """Summarise the ISO week starting on `week_start`; `episodes` may include the week
    before it (for the comparison) and nothing else is read."""
    previous_start = week_start - timedelta(days=7)
    week_end = week_start + timedelta(days=7)
    this = [e for e in episodes if week_start <= e.at.date() < week_end]
    before = [e for e in episodes if previous_start <= e.at.date() < week_start]
    labels = classify_all(this + before, thresholds)
    sites = Counter(e.site for e in this)
    sides: dict[str, Counter[str]] = {}
    for e in this:
        sides.setdefault(e.site, Counter())[e.side or "unspecified"] += 1
    subtypes = Counter(labels[e.id].subtype or "unclear" for e in this if e.id is not None)
    times = Counter(slot_of(e, thresholds) for e in this)
    night = [e for e in this if labels[e.id].subtype == "nocturnal"]
    night_cramps = sum(e.count for e in night)
    kept = [d for d in days if d.kept]
    exposures = Counter(name for d in kept for name in d.exposures)
    this_counts = _counts(week_start, this, labels)
    doctor = any(f.severity in ("urgent", "doctor") for f in flags)
    return WeeklySummary(
        this=this_counts,
        previous=_counts(previous_start, before, labels),
        by_subtype=ranked(subtypes),
        by_site=ranked(sites),
        by_site_side={site: ranked(sides[site]) for site in ranked(sites)},
        pain_max=max((e.pain for e in this), default=None),
        total_duration_s=float(sum(e.duration_s for e in this)),
        longest=max(this, key=lambda e: e.duration_s, default=None),
        triggers=ranked(Counter(name for e in this for name in e.trigger_names)),
        time_of_day={
            slot: times.get(slot, 0)
            for slot in (*TIME_OF_DAY, TIME_NOT_GIVEN)
            if slot != TIME_NOT_GIVEN or times.get(slot)
        },
        night_cramps=night_cramps,
        change=describe_change(len(this), len(before)),
        flags=flags,
        advice=advice_for(
            (labels[e.id].label for e in this if e.id is not None),
            (name for e in this for name in e.trigger_names),
            doctor,
        ),
        kept_days=len(kept),
        days_so_far=len(days) if days else 7,
        exposures=ranked(exposures),
        pain_by_type=_pain_by_type(this, labels),
        night_cramp_entries=len(night),
        windows=(int(thresholds.worsening_window_days), int(thresholds.active_window_days)),
        relief=what_helped(this, labels),
    )


def _pain_by_type(
    episodes: list[Episode], labels: dict[int, Classification]
) -> dict[str, dict[str, float | int | None]]:
    result: dict[str, dict[str, float | int | None]] = {}
    for label in LABELS:
        mine = [e for e in episodes if labels[e.id].label == label]
        if not mine:
            continue
        pains = [e.pain for e in mine]
        result[label] = {
            "entries": len(mine),
            "contractions": sum(e.count for e in mine),
            "painful": sum(p > 0 for p in pains),
            "median": float(median(pains)),
            "max": max(pains),
        }
    return result
