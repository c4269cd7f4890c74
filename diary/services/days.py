"""The daily check-in and the history of kept days."""

from __future__ import annotations

from datetime import date

from diary import storage
from diary.domain import DayRecord, KeptDay, counted
from diary.errors import BadInput
from diary.storage import Database


def kept_days_in(db: Database, since: date | None, until: date | None) -> int:
    with db.reading() as connection:
        return len(storage.kept_days_between(since, until, connection=connection))


def check_in(db: Database, day: KeptDay, *, today: date) -> DayRecord:
    """Keep a day (replacing its earlier check-in) and return it as `diary days` shows it."""
    if day.day > today:
        raise BadInput(f"date {day.day.isoformat()} is in the future; check in for today or before")
    with db.writing() as connection:
        tally = storage.episode_tallies(day.day, day.day, connection=connection).get(day.day)
        if day.no_episodes and tally:
            raise BadInput(
                f"--none: {day.day.isoformat()} holds {counted(tally[0], 'logged episode')}; "
                "check in without --none"
            )
        storage.put_day(day, connection=connection)
    return get_day(db, day.day)


def get_day(db: Database, day: date) -> DayRecord:
    return day_history(db, day, day)[0]


def day_history(db: Database, first: date, last: date) -> list[DayRecord]:
    """Every day of the period, kept or not, with its entries and exposures."""
    from diary.analysis.days import day_records

    with db.reading() as connection:
        kept = storage.kept_days_between(first, last, connection=connection)
        tallies = storage.episode_tallies(first, last, connection=connection)
    return day_records(first, last, kept, tallies)
