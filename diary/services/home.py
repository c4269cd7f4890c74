"""What the page's home shows, read in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from diary.analysis.classify import classify
from diary.domain import Episode, Flag, last_days
from diary.errors import BadInput
from diary.services.episodes import (
    Labelled,
    LoggedEpisode,
    active_flags,
    get_episode,
    labelled_episodes,
    list_episodes,
)
from diary.storage import Database
from diary.thresholds import Thresholds

RECENT_SITES_DAYS = 30  # the page offers the sites and triggers of the last month first


@dataclass(frozen=True)
class HomePage:
    """What the page's home shows: urgent flags first, the episode just logged (with the
    flags it is evidence for), today's entries and the other active flags; `recent` (the
    last month's episodes) orders the form's choices."""

    urgent: list[Flag]
    flags: list[Flag]
    todays: Labelled
    recent: list[Episode]
    logged: LoggedEpisode | None


def home_page(
    db: Database, today: date, *, thresholds: Thresholds, logged_id: int | None = None
) -> HomePage:
    active = active_flags(db, today, thresholds)
    logged = None
    if logged_id is not None:
        try:
            episode = get_episode(db, logged_id)
        except BadInput:  # deleted since, or a stale link
            episode = None
        if episode is not None:
            logged = LoggedEpisode(episode, classify(episode, thresholds), active)
    return HomePage(
        urgent=[f for f in active if f.severity == "urgent"],
        flags=[f for f in active if f.severity != "urgent"],
        todays=labelled_episodes(db, today, today, thresholds=thresholds),
        recent=recent_episodes(db, today),
        logged=logged,
    )


def recent_episodes(db: Database, today: date) -> list[Episode]:
    """The last month's episodes: the page offers their sites and triggers first."""
    first, _ = last_days(today, RECENT_SITES_DAYS + 1)
    return list_episodes(db, first, today)
