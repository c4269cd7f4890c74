"""Queries on the diary's own settings and on the checks it counts (calm mode), and whether
any experiment was ever planned (what `diary log` must know, without loading experiments).

Functions take `connection` and never commit. A check is a moment and a kind ("weekly",
"flags", "charts"): what was shown is never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from diary.storage import schema

_SETTINGS = schema.settings
_CHECKS = schema.checks_opened


def get_setting(key: str, *, connection: Connection) -> tuple[str, datetime] | None:
    """A setting's value and when it was last changed, or None when never set."""
    row = connection.execute(
        select(_SETTINGS.c.value, _SETTINGS.c.changed_at).where(_SETTINGS.c.key == key)
    ).first()
    return None if row is None else (str(row[0]), row[1])


def has_experiments(*, connection: Connection) -> bool:
    return connection.execute(select(schema.experiments.c.id).limit(1)).first() is not None


def put_setting(key: str, value: str, *, changed_at: datetime, connection: Connection) -> None:
    """Store a setting, replacing its earlier value (one statement either way)."""
    changed = connection.execute(
        update(_SETTINGS).where(_SETTINGS.c.key == key).values(value=value, changed_at=changed_at)
    ).rowcount
    if not changed:
        connection.execute(insert(_SETTINGS).values(key=key, value=value, changed_at=changed_at))


def delete_setting(key: str, *, connection: Connection) -> None:
    connection.execute(delete(_SETTINGS).where(_SETTINGS.c.key == key))


def add_check(what: str, opened_at: datetime, *, connection: Connection) -> None:
    connection.execute(insert(_CHECKS).values(opened_at=opened_at, what=what))


def add_checks(checks: Iterable[tuple[datetime, str]], *, connection: Connection) -> int:
    """Insert (opened_at, what) rows (imports); returns how many."""
    rows = [{"opened_at": at, "what": what} for at, what in checks]
    if rows:
        connection.execute(insert(_CHECKS), rows)
    return len(rows)


def count_checks(
    start: datetime, end: datetime, kinds: Iterable[str], *, connection: Connection
) -> int:
    """Checks of the given kinds opened from `start` up to (not including) `end`."""
    c = _CHECKS.c
    return int(
        connection.execute(
            select(func.count())
            .select_from(_CHECKS)
            .where(c.opened_at >= start, c.opened_at < end, c.what.in_(list(kinds)))
        ).scalar_one()
    )


def all_checks(*, connection: Connection) -> list[tuple[datetime, str]]:
    """Every check, oldest first: (opened_at, what)."""
    c = _CHECKS.c
    return [
        (at, str(what))
        for at, what in connection.execute(select(c.opened_at, c.what).order_by(c.opened_at, c.id))
    ]
