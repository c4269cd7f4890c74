"""Days as the diary counts them: a day's bounds, the flags' window, the period a report
covers when none is given, and the day the diary began."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from diary import storage
from diary.analysis.flags import lookback_days
from diary.domain import last_days
from diary.storage import Database
from diary.thresholds import Thresholds


def day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def flag_window(as_of: date, thresholds: Thresholds) -> tuple[datetime, datetime]:
    first, _ = last_days(as_of, lookback_days(thresholds))
    return day_start(first), day_after(as_of)


def period_or_default(
    db: Database, since: date | None, until: date | None, *, today: date, weeks: int | None
) -> tuple[date, date]:
    """The period asked for, never past today; without --since, the last `weeks` weeks or
    all of the diary."""
    end = min(until or today, today)
    begun = diary_start(db)  # days before the diary existed are not days without episodes
    if since is None and weeks is not None:
        return last_days(end, 7 * weeks, not_before=begun)
    start = since or begun or end
    if begun is not None:
        start = max(start, min(begun, end))
    return start, end


def diary_start(db: Database) -> date | None:
    """The first day the diary holds anything: an entry or a check-in (None when empty)."""
    with db.reading() as connection:
        span = storage.time_span(connection=connection)
        kept = storage.kept_day_dates(connection=connection)
    firsts = [d for d in (span[0].date() if span else None, min(kept, default=None)) if d]
    return min(firsts, default=None)
