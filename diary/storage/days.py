"""Queries on kept days (the daily check-in). Functions take `connection` and never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from diary.domain import Exposure, KeptDay
from diary.storage import schema

_DAYS = schema.kept_days
_EXPOSURES = schema.day_exposures
_EPISODES = schema.episodes
_TRIGGERS = schema.episode_triggers


def put_day(day: KeptDay, *, connection: Connection) -> None:
    """Store a day's check-in, replacing any earlier one for that date."""
    connection.execute(delete(_DAYS).where(_DAYS.c.day == day.day))
    connection.execute(delete(_EXPOSURES).where(_EXPOSURES.c.day == day.day))
    add_days([day], connection=connection)


def add_days(days: Sequence[KeptDay], *, connection: Connection) -> None:
    """Insert check-ins for dates that hold none yet (imports)."""
    if not days:
        return
    connection.execute(
        insert(_DAYS),
        [
            {"day": d.day, "no_episodes": d.no_episodes, "checked_in_at": d.checked_in_at}
            for d in days
        ],
    )
    rows = [
        {"day": d.day, "name": x.name, "amount": x.amount, "position": i}
        for d in days
        for i, x in enumerate(d.exposures)
    ]
    if rows:
        connection.execute(insert(_EXPOSURES), rows)


def kept_days_between(
    first: date | None, last: date | None, *, connection: Connection
) -> list[KeptDay]:
    """The check-ins from `first` to `last` (both included, either open), oldest first."""
    d, x = _DAYS.c, _EXPOSURES.c
    conditions = _between(d.day, first, last)
    exposures: dict[date, list[Exposure]] = defaultdict(list)
    for day, name, amount in connection.execute(
        select(x.day, x.name, x.amount)
        .where(*_between(x.day, first, last))
        .order_by(x.day, x.position)
    ):
        exposures[day].append(Exposure(name, amount))
    return [
        KeptDay(day, tuple(exposures.get(day, ())), bool(none), checked)
        for day, none, checked in connection.execute(
            select(d.day, d.no_episodes, d.checked_in_at).where(*conditions).order_by(d.day)
        )
    ]


def kept_day_dates(*, connection: Connection) -> set[date]:
    return set(connection.execute(select(_DAYS.c.day)).scalars())


def episode_tallies(
    first: date, last: date, *, connection: Connection
) -> dict[date, tuple[int, int, tuple[str, ...]]]:
    """Per day from `first` to `last`: (entries, contractions, trigger names noted)."""
    e, t = _EPISODES.c, _TRIGGERS.c
    start = datetime.combine(first, time())
    end = datetime.combine(last + timedelta(days=1), time())
    entries: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for at, count in connection.execute(
        select(e.occurred_at, e.count).where(e.occurred_at >= start, e.occurred_at < end)
    ):
        tally = entries[at.date()]
        tally[0] += 1
        tally[1] += count
    names: dict[date, dict[str, None]] = defaultdict(dict)
    for at, name in connection.execute(
        select(e.occurred_at, t.name)
        .join(_TRIGGERS, t.episode_id == e.id)
        .where(e.occurred_at >= start, e.occurred_at < end)
    ):
        names[at.date()][name] = None
    return {day: (tally[0], tally[1], tuple(names.get(day, {}))) for day, tally in entries.items()}


def _between(column: Any, first: date | None, last: date | None) -> list[Any]:
    conditions = []
    if first is not None:
        conditions.append(column >= first)
    if last is not None:
        conditions.append(column <= last)
    return conditions
