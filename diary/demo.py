"""A realistic, seeded synthetic history so a newcomer can try every command."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from diary.domain import NewEpisode, TriggerEntry

DEFAULT_SEED = 7
DEFAULT_DAYS = 120


def _at(day: date, rng: random.Random, hours: tuple[int, int]) -> datetime:
    start, end = hours
    hour = rng.randrange(start, end) % 24
    moment = datetime.combine(day, time(hour, rng.randrange(60)))
    return moment


def demo_history(
    today: date, *, days: int = DEFAULT_DAYS, seed: int = DEFAULT_SEED
) -> list[NewEpisode]:
    """A few months ending yesterday: benign eyelid twitching with caffeine and stress, night
    calf cramps with dehydration, and a worsening stretch of cramps in the last three weeks."""
    rng = random.Random(seed)
    first = today - timedelta(days=days)
    episodes: list[NewEpisode] = []
    worsening_from = today - timedelta(days=21)
    for offset in range(days):
        day = first + timedelta(days=offset)
        # Eyelid twitching comes in stressful spells of a few days.
        stressful = (offset // 9) % 3 == 0
        if rng.random() < (0.7 if stressful else 0.12):
            for _ in range(rng.randint(1, 3)):
                triggers = ["caffeine"] if rng.random() < 0.6 else []
                if stressful:
                    triggers.append(rng.choice(["stress", "poor sleep", "stress"]))
                episodes.append(
                    NewEpisode(
                        at=_at(day, rng, (8, 22)),
                        site="eyelid",
                        side=rng.choice(["left", "right"]),
                        duration_s=rng.choice([2, 3, 3, 4, 5]),
                        pain=rng.choice([0, 0, 0, 1]),
                        visible="flicker",
                        triggers=tuple(TriggerEntry(t) for t in triggers),
                    )
                )
        # Night calf cramps, more often and worse in the last three weeks.
        worse = day >= worsening_from
        if rng.random() < (0.55 if worse else 0.14):
            triggers = ["dehydration"] if rng.random() < 0.6 else []
            if rng.random() < 0.3:
                triggers.append("exercise" if rng.random() < 0.3 else "sweating")
            pain = min(10, rng.randint(4, 7) + (1 if worse and rng.random() < 0.5 else 0))
            episodes.append(
                NewEpisode(
                    at=_at(day, rng, (23, 29)),
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
    episodes.sort(key=lambda e: e.at)
    return episodes
