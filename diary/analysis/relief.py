"""What helped: the relief a person noted for their episodes, counted as they reported it.

Descriptive only. A measure that "helped 9 of 12 times" is what the person felt, not a
measured effect: spasms end by themselves, and nobody tries ice at random. So nothing here
recommends or ranks; durations with and without a measure are shown only beside their
numbers of episodes. For anything taken every day (magnesium), only a planned experiment
can tell (docs/experiments.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import median

from diary.domain import Classification, Episode

OUTCOMES: tuple[str, ...] = ("yes", "some", "no", "unknown")
MIN_EPISODES_FOR_DURATIONS = 3  # fewer on either side: no duration comparison at all
DAILY_SHARE = 0.8  # noted on this share of the days with an episode: "taken daily"
DAILY_MIN_DAYS = 5


@dataclass(frozen=True)
class ReliefTally:
    """One measure: how often it was tried and what the person said of it."""

    measure: str
    tried: int = 0
    yes: int = 0
    some: int = 0
    no: int = 0
    unknown: int = 0
    details: tuple[str, ...] = ()  # the medicines named, in first-seen order

    def as_dict(self) -> dict[str, int]:
        return {
            "tried": self.tried,
            "yes": self.yes,
            "some": self.some,
            "no": self.no,
            "unknown": self.unknown,
        }

    @property
    def words(self) -> str:
        """'stretch: tried 12 times, helped 9, some 2, no 1'."""
        times = "once" if self.tried == 1 else f"{self.tried} times"
        said = [f"helped {self.yes}", f"some {self.some}", f"no {self.no}"]
        if self.unknown:
            said.append(f"not known {self.unknown}")
        named = f" ({', '.join(self.details)})" if self.details else ""
        return f"{self.measure}{named}: tried {times}, {', '.join(said)}"


@dataclass(frozen=True)
class DurationsWith:
    """Median spasm duration with and without a measure, with both numbers of episodes."""

    measure: str
    median_with_s: float
    median_without_s: float
    n_with: int
    n_without: int


@dataclass(frozen=True)
class WhatHelped:
    tallies: tuple[ReliefTally, ...] = ()
    durations: tuple[DurationsWith, ...] = ()
    daily: tuple[str, ...] = ()  # measures noted on most days: an experiment's question
    episodes_with_relief: int = 0
    spasms: int = 0
    by_measure: Mapping[str, ReliefTally] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.tallies

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {t.measure: t.as_dict() for t in self.tallies}


def what_helped(episodes: Iterable[Episode], labels: Mapping[int, Classification]) -> WhatHelped:
    """Relief tried for the spasms and cramps (and unclear episodes) among `episodes`; twitches
    usually need nothing, so relief noted for a twitch is left out."""
    counted = [e for e in episodes if labels[e.id].label != "twitch"]
    tallies: dict[str, dict[str, int]] = {}
    details: dict[str, list[str]] = {}
    days_with: dict[str, set[object]] = {}
    for e in counted:
        outcome_of: dict[str, str] = {}  # one try per measure and episode (water + sports drink)
        for r in e.relief:
            if r.helped or r.measure not in outcome_of:
                outcome_of[r.measure] = r.helped or outcome_of.get(r.measure, "unknown")
            if r.detail and r.detail not in details.setdefault(r.measure, []):
                details[r.measure].append(r.detail)
        for measure, outcome in outcome_of.items():
            tally = tallies.setdefault(measure, dict.fromkeys(("tried", *OUTCOMES), 0))
            tally["tried"] += 1
            tally[outcome] += 1
            days_with.setdefault(measure, set()).add(e.at.date())
    ordered = sorted(tallies, key=lambda m: (-tallies[m]["tried"], m))
    result = tuple(ReliefTally(m, **tallies[m], details=tuple(details.get(m, ()))) for m in ordered)
    spasms = [e for e in counted if labels[e.id].label == "spasm"]
    episode_days = {e.at.date() for e in counted}
    daily = tuple(
        m
        for m in ordered
        if len(episode_days) >= DAILY_MIN_DAYS
        and len(days_with[m]) >= DAILY_SHARE * len(episode_days)
    )
    return WhatHelped(
        tallies=result,
        durations=tuple(_durations(spasms, ordered)),
        daily=daily,
        episodes_with_relief=sum(1 for e in counted if e.relief),
        spasms=len(spasms),
        by_measure={t.measure: t for t in result},
    )


def _durations(spasms: list[Episode], measures: list[str]) -> Iterable[DurationsWith]:
    for measure in measures:
        with_it = [e.duration_s for e in spasms if any(r.measure == measure for r in e.relief)]
        without = [e.duration_s for e in spasms if all(r.measure != measure for r in e.relief)]
        if min(len(with_it), len(without)) >= MIN_EPISODES_FOR_DURATIONS:
            yield DurationsWith(
                measure, median(with_it), median(without), len(with_it), len(without)
            )
