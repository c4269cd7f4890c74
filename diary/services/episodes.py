"""Logging, reading, changing and deleting episodes, each with its label and the flags it
is evidence for."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from diary import storage
from diary.analysis.classify import Classifier, classify, classify_all
from diary.analysis.flags import LOOKBACK_TRIGGER, evaluate_flags, full_days, merged_by_rule
from diary.domain import (
    Classification,
    Episode,
    Flag,
    NewEpisode,
    last_days,
)
from diary.errors import BadInput
from diary.services.periods import day_after, day_start, flag_window
from diary.storage import Database
from diary.thresholds import Thresholds

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from diary.entries import LogInput


@dataclass(frozen=True)
class LoggedEpisode:
    """An episode with its label and the flags active with it (as `diary log` and the page
    confirm it)."""

    episode: Episode
    classification: Classification
    active_flags: list[Flag]
    calm: bool = False  # calm mode is on: "Noted." and only urgent or doctor flags
    stop: str | None = None  # a running experiment to stop (an urgent or doctor flag)

    @property
    def flags_of_episode(self) -> list[Flag]:
        """The active flags this episode is evidence for, raised now or before: an urgent
        sign is shown in full every time it is logged."""
        return [f for f in self.active_flags if self.episode.id in f.episode_ids]


def flag_evidence(connection: Connection, as_of: date, thresholds: Thresholds) -> list[Episode]:
    """What the flags as of `as_of` can rest on, read in the caller's transaction: every
    episode of the days the rules read in full, and from the rest of their lookback only the
    episodes logged with a medication, all that the one rule looking further back reads
    (on bench/run.py's diary: about half the episodes a `diary log` reads)."""
    start, end = flag_window(as_of, thresholds)
    full = day_start(last_days(as_of, full_days(thresholds))[0])
    older = []
    if start < full:
        older = storage.episodes_between(
            start, full, connection=connection, with_trigger=LOOKBACK_TRIGGER
        )
    return older + storage.episodes_between(max(start, full), end, connection=connection)


def active_flags(db: Database, as_of: date, thresholds: Thresholds) -> list[Flag]:
    """Flags as of the end of `as_of`, reading only what the rules look at."""
    with db.reading() as connection:
        episodes = flag_evidence(connection, as_of, thresholds)
    return evaluate_flags(episodes, as_of, thresholds)


def add_episode(db: Database, episode: NewEpisode, *, now: datetime) -> int:
    """Store the episode, nothing more (the web page shows its label and flags on the page
    it redirects to); returns its id."""
    with db.writing() as connection:
        return storage.add_episode(episode, connection=connection, logged_at=now)


def log_episode(
    db: Database, episode: NewEpisode, *, now: datetime, thresholds: Thresholds
) -> LoggedEpisode:
    """Store the episode; return it with its label and the flags active as of today. One
    transaction: the write, then the flags' window read back in it (with calm mode and
    whether any experiment was planned)."""
    from diary.services import calm

    with db.writing() as connection:
        episode_id = storage.add_episode(episode, connection=connection, logged_at=now)
        window = flag_evidence(connection, now.date(), thresholds)
        stored = next((e for e in reversed(window) if e.id == episode_id), None)
        if stored is None:  # logged for a day before the flags' window
            stored = storage.get_episode(episode_id, connection=connection)
        quiet = calm.calm_state_in(connection).calm
        planned = storage.has_experiments(connection=connection)
    labels = classify_all(window, thresholds)
    active = evaluate_flags(window, now.date(), thresholds, labels)
    # An episode from before the flags' window is labelled on its own.
    label = labels.get(episode_id) or classify(stored, thresholds)
    stop = None
    # A diary that never planned an experiment has none to stop: the experiment modules
    # stay unimported (their import: ~0.03 s of CPU by -X importtime).
    if planned:
        from diary.services.experiments import stop_line

        stop = stop_line(db, active, now.date())
    return LoggedEpisode(stored, label, active, calm=quiet, stop=stop)


def flags_of_episode(
    db: Database, episode_id: int, *, as_of: date, thresholds: Thresholds
) -> list[Flag]:
    """The flags active as of `as_of` that this episode is evidence for."""
    episode = get_episode(db, episode_id)
    return [f for f in active_flags(db, as_of, thresholds) if episode.id in f.episode_ids]


def flag_entries(
    db: Database,
    code: str,
    key: str,
    *,
    as_of: date,
    thresholds: Thresholds,
    severity: str = "",
) -> tuple[Flag | None, Labelled]:
    """The active flag `code` at `key` (without a key: the rule at every site it was raised
    at, as one flag; `severity` tells apart a rule raised at doctor level at some sites and
    at watch level at others) and the entries it rests on, labelled: one read of what the
    flags rest on. (None, no entries) when no such flag is active."""
    with db.reading() as connection:
        window = flag_evidence(connection, as_of, thresholds)
    labels = classify_all(window, thresholds)
    flags = evaluate_flags(window, as_of, thresholds, labels)
    if not key:
        flags = merged_by_rule(flags)
    flag = next(
        (f for f in flags if f.code == code and f.key == key and severity in ("", f.severity)),
        None,
    )
    evidence = set(flag.episode_ids) if flag else set()
    listed = [e for e in window if e.id in evidence]
    return flag, Labelled(listed, {e.id: labels[e.id] for e in listed})


@dataclass(frozen=True)
class Labelled:
    """Episodes, oldest first, with the label of each (by id)."""

    episodes: list[Episode]
    labels: dict[int, Classification]

    def __iter__(self) -> Iterator[tuple[Episode, Classification]]:
        return iter([(e, self.labels[e.id]) for e in self.episodes])


def labelled_episodes(
    db: Database,
    since: date | None,
    until: date | None,
    *,
    thresholds: Thresholds,
    last: int | None = None,
) -> Labelled:
    """The period's episodes (`last`: only the latest so many, read with a LIMIT query),
    each with its label."""
    start = day_start(since) if since else None
    end = day_after(until) if until else None
    with db.reading() as connection:
        if last is None:
            episodes = storage.episodes_between(start, end, connection=connection)
        else:
            episodes = storage.latest_episodes(last, start, end, connection=connection)
    return Labelled(episodes, classify_all(episodes, thresholds))


class LabelledStream:
    """The period's episodes, oldest first, each with its label, read a page at a time each
    time it is iterated: memory stays flat however long the diary. Every pass runs in the
    same read of the diary, so it sees the same rows (a table can measure, then print)."""

    def __init__(
        self,
        connection: Connection,
        period: tuple[datetime | None, datetime | None],
        thresholds: Thresholds,
        last: int | None,
    ) -> None:
        self._connection = connection
        self._period = period
        self._classifier = Classifier(thresholds)  # each kind of episode weighed once
        self._last = last

    def __iter__(self) -> Iterator[tuple[Episode, Classification]]:
        classifier = self._classifier
        for episode in storage.iter_episodes_between(
            *self._period, connection=self._connection, last=self._last
        ):
            yield episode, classifier(episode)


@contextmanager
def labelled_stream(
    db: Database,
    since: date | None,
    until: date | None,
    *,
    thresholds: Thresholds,
    last: int | None = None,
) -> Iterator[LabelledStream]:
    """`labelled_episodes` as a stream (`diary list` of a whole diary), open while the
    `with` block runs."""
    period = (day_start(since) if since else None, day_after(until) if until else None)
    with db.reading() as connection:
        yield LabelledStream(connection, period, thresholds, last)


def labelled_episode(db: Database, episode_id: int, *, thresholds: Thresholds) -> Labelled:
    """One episode and its label (`diary show`)."""
    episode = get_episode(db, episode_id)
    return Labelled([episode], {episode.id: classify(episode, thresholds)})


def edit_episode(
    db: Database, episode_id: int, typed: LogInput, *, now: datetime, thresholds: Thresholds
) -> Labelled:
    """Change the fields typed (checked as `diary log` checks them) of a stored episode; its
    id and logging time stay. Returns it with its new label."""
    with db.writing() as connection:
        current = storage.get_episode(episode_id, connection=connection)
        changes = typed.changes(now=now, current=current)
        if not changes:
            raise BadInput("nothing to change; give at least one option, e.g. --pain 5")
        storage.replace_episode(dataclasses.replace(current, **changes), connection=connection)
    return labelled_episode(db, episode_id, thresholds=thresholds)


RECENT_SITES_DAYS = 30  # the page offers the sites and triggers of the last month first


def diary_state(db: Database) -> tuple[object, ...]:
    with db.reading() as connection:
        return storage.diary_state(connection=connection)


def get_episode(db: Database, episode_id: int) -> Episode:
    with db.reading() as connection:
        return storage.get_episode(episode_id, connection=connection)


def replace_episode(db: Database, episode: Episode) -> Episode:
    """Store a whole changed episode under its id (the page's edit form)."""
    with db.writing() as connection:
        storage.replace_episode(episode, connection=connection)
    return get_episode(db, episode.id)


def delete_episode(db: Database, episode_id: int) -> None:
    with db.writing() as connection:
        storage.delete_episode(episode_id, connection=connection)


def list_episodes(db: Database, since: date | None, until: date | None) -> list[Episode]:
    start = day_start(since) if since else None
    end = day_after(until) if until else None
    with db.reading() as connection:
        return storage.episodes_between(start, end, connection=connection)


def count_episodes(db: Database, since: date | None = None, until: date | None = None) -> int:
    """Entries in the period (both days included; open where not given)."""
    start = day_start(since) if since else None
    end = day_after(until) if until else None
    with db.reading() as connection:
        return storage.count_between(start, end, connection=connection)
