"""Use cases: each opens the transactions it needs and returns analysis results to render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from diary import storage
from diary.analysis.classify import classify
from diary.analysis.flags import evaluate_flags, lookback_days
from diary.model import Classification, Episode, Flag
from diary.storage import Database
from diary.thresholds import Thresholds


@dataclass(frozen=True)
class LoggedEpisode:
    episode: Episode
    classification: Classification
    new_flags: list[Flag]
    active_flags: list[Flag]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def flag_window(as_of: date, th: Thresholds) -> tuple[datetime, datetime]:
    return day_start(as_of - timedelta(days=lookback_days(th) - 1)), day_after(as_of)


def active_flags(db: Database, as_of: date, th: Thresholds) -> list[Flag]:
    """Flags as of the end of `as_of`, reading only the days the rules look at."""
    start, end = flag_window(as_of, th)
    with db.reading() as session:
        episodes = storage.episodes_between(start, end, session=session)
    return evaluate_flags(episodes, as_of, th)


def log_episode(db: Database, episode: Episode, *, now: datetime, th: Thresholds) -> LoggedEpisode:
    """Store the episode; report its label and the flags it newly raised (as of today)."""
    with db.writing() as session:
        episode_id = storage.add_episode(episode, session=session, logged_at=now)
    start, end = flag_window(now.date(), th)
    with db.reading() as session:
        stored = storage.get_episode(episode_id, session=session)
        window = storage.episodes_between(start, end, session=session)
    after = evaluate_flags(window, now.date(), th)
    before = evaluate_flags([e for e in window if e.id != episode_id], now.date(), th)
    known = {f.identity for f in before}
    new = [f for f in after if f.identity not in known]
    return LoggedEpisode(stored, classify(stored, th), new, after)


def get_episode(db: Database, episode_id: int) -> Episode:
    with db.reading() as session:
        return storage.get_episode(episode_id, session=session)


def replace_episode(db: Database, episode: Episode) -> Episode:
    assert episode.id is not None
    with db.writing() as session:
        storage.replace_episode(episode, session=session)
    return get_episode(db, episode.id)


def delete_episode(db: Database, episode_id: int) -> None:
    with db.writing() as session:
        storage.delete_episode(episode_id, session=session)


def list_episodes(db: Database, since: date | None, until: date | None) -> list[Episode]:
    start = day_start(since) if since else None
    end = day_after(until) if until else None
    with db.reading() as session:
        return storage.episodes_between(start, end, session=session)
