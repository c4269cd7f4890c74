"""A realistic, seeded synthetic history so a newcomer can try every command."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from diary.domain import Exposure, KeptDay, NewEpisode, TriggerEntry

if TYPE_CHECKING:  # the experiment code loads with the demo, not with `diary report`
    from diary.analysis.experiment import Experiment

DEFAULT_SEED = 7
DEFAULT_DAYS = 120
CHECK_IN_DAYS = 90  # the demo person began the evening check-in three months ago


# The demo person's finished caffeine experiment on twitches.
DEMO_PAIRS = 6
DEMO_SEED = 2026
DEMO_ENDED_DAYS_AGO = 4


def demo_experiment(today: date, days: int) -> Experiment | None:
    """The demo person's caffeine experiment on twitches: 6 weekly pairs that ended a few
    days ago; None when a history of `days` is too short to hold it."""
    from diary.analysis.experiment import (
        DEFAULT_BLOCK_DAYS,
        DEFAULT_WASHOUT_DAYS,
        Experiment,
        draw_sequence,
    )

    length = 2 * DEMO_PAIRS * DEFAULT_BLOCK_DAYS
    if days < length + DEMO_ENDED_DAYS_AGO:
        return None
    start = today - timedelta(days=DEMO_ENDED_DAYS_AGO + length)
    return Experiment(
        id=0,
        exposure="caffeine",
        outcome="twitch",
        block_days=DEFAULT_BLOCK_DAYS,
        pairs=DEMO_PAIRS,
        washout_days=DEFAULT_WASHOUT_DAYS,
        seed=DEMO_SEED,
        sequence=draw_sequence(DEMO_SEED, DEMO_PAIRS),
        start=start,
    )


@dataclass(frozen=True)
class DemoDiary:
    episodes: list[NewEpisode]
    days: list[KeptDay]
    experiments: tuple[Experiment, ...] = ()  # a finished caffeine experiment


def _at(day: date, rng: random.Random, hours: tuple[int, int]) -> datetime:
    start, end = hours
    moment = datetime.combine(day, time(0, rng.randrange(60))) + timedelta(
        hours=rng.randrange(start, end)
    )
    return moment


def demo_history(today: date, *, days: int = DEFAULT_DAYS, seed: int = DEFAULT_SEED) -> DemoDiary:
    """A few months ending yesterday: eyelid twitching in bouts that follow the cups of
    coffee of the day (the demo's one real link), stressful spells that come with poor sleep,
    night calf cramps with dehydration, some logged the morning after with no hour, and a
    worsening stretch of cramps in the last three weeks. The last three months are checked
    in on most evenings."""
    rng = random.Random(seed)
    first = today - timedelta(days=days)
    episodes: list[NewEpisode] = []
    kept: list[KeptDay] = []
    worsening_from = today - timedelta(days=21)
    check_in_from = today - timedelta(days=CHECK_IN_DAYS)
    # The last weeks hold a finished caffeine experiment, lived as assigned but for a cup on
    # one day without, and checked in every evening but four.
    experiment = demo_experiment(today, days)
    if experiment is not None:
        from diary.analysis.experiment import schedule_of

        schedule = schedule_of(experiment)
    for offset in range(days):
        day = first + timedelta(days=offset)
        cups = rng.choice([0, 0, 0, 1, 1, 2, 3, 4])
        slot = schedule.slot(day) if experiment is not None else None
        if slot is not None:
            cups = (
                max(cups, 2)
                if slot.arm == "with"
                else int((slot.pair, slot.day_in_block) == (4, 5))
            )
        stressful = (offset // 9) % 3 == 0
        poor_sleep = (stressful and rng.random() < 0.9) or rng.random() < 0.05
        dehydrated = rng.random() < 0.25
        exercised = rng.random() < 0.3
        drank = rng.random() < 0.025
        had: list[Exposure] = []
        if cups:
            had.append(Exposure("caffeine", float(cups)))
        if drank:
            had.append(Exposure("alcohol", float(rng.randint(1, 3))))
        for name, yes in (
            ("stress", stressful),
            ("poor sleep", poor_sleep),
            ("exercise", exercised),
            ("dehydration", dehydrated),
        ):
            if yes:
                had.append(Exposure(name))
        # Eyelid twitching: a bout on most days with coffee, more cups more often.
        if rng.random() < 0.03 + 0.24 * cups:
            triggers = ["caffeine"] if cups and rng.random() < 0.6 else []
            if stressful and rng.random() < 0.5:
                triggers.append("stress")
            episodes.append(
                NewEpisode(
                    at=_at(day, rng, (8, 22)),
                    site="eyelid",
                    side=rng.choice(["left", "right"]),
                    duration_s=rng.choice([2, 3, 3, 4, 5]),
                    pain=rng.choice([0, 0, 0, 1]),
                    visible="flicker",
                    count=rng.choice([1, 2, 2, 3, 4, 6]),
                    triggers=tuple(TriggerEntry(t) for t in triggers),
                )
            )
        # Night calf cramps, after dehydrated days, and more often in the last three weeks.
        worse = day >= worsening_from
        chance = (0.45 if worse else 0.08) + (0.3 if dehydrated else 0.0)
        if rng.random() < chance:
            triggers = ["dehydration"] if dehydrated and rng.random() < 0.7 else []
            if exercised and rng.random() < 0.5:
                triggers.append("exercise")
            pain = min(10, rng.randint(4, 7) + (1 if worse and rng.random() < 0.5 else 0))
            morning_after = rng.random() < 0.25  # 'last night', hour not known
            episodes.append(
                NewEpisode(
                    at=(
                        datetime.combine(day, time()) if morning_after else _at(day, rng, (23, 29))
                    ),
                    time_known=not morning_after,
                    part_of_day="night" if morning_after else None,
                    count=rng.choice([1, 1, 1, 2]) if morning_after else 1,
                    site="calf",
                    side=rng.choice(["left", "left", "right"]),
                    duration_s=rng.choice([45, 60, 90, 120, 180, 240]),
                    pain=pain,
                    visible="bulge",
                    stiff=True,
                    limited_motion=rng.random() < 0.5,
                    soreness_hours=rng.choice([None, 2, 6, 12]),
                    triggers=tuple(TriggerEntry(t) for t in triggers),
                )
            )
        # Now and then: a thumb twitch, or a stiff lower back after a day at the desk.
        if rng.random() < 0.05:
            episodes.append(
                NewEpisode(
                    at=_at(day, rng, (9, 18)),
                    site="thumb",
                    side="right",
                    duration_s=2,
                    pain=0,
                    visible="flicker",
                    triggers=(TriggerEntry("fatigue"),),
                )
            )
        if rng.random() < 0.04:
            episodes.append(
                NewEpisode(
                    at=_at(day, rng, (17, 21)),
                    site="lower back",
                    duration_s=rng.choice([60, 300]),
                    pain=rng.randint(4, 6),
                    stiff=True,
                    limited_motion=True,
                    triggers=(TriggerEntry("prolonged sitting"), TriggerEntry("posture")),
                )
            )
        if slot is not None:  # every evening of the experiment but four
            checks_in = (slot.pair, slot.day_in_block) not in ((2, 1), (5, 4))
        else:
            checks_in = day >= check_in_from and rng.random() < 0.85
        if checks_in:
            kept.append(KeptDay(day, tuple(had), checked_in_at=datetime.combine(day, time(21, 30))))
    episodes.sort(key=lambda e: e.at)
    return DemoDiary(episodes, kept, (experiment,) if experiment else ())
