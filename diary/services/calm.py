"""Calm mode: a diary that does not feed health worry (docs/calm-mode.md).

Opt-in. Logging answers "Noted."; the weekly summary is the one place to look, with days
rather than counts; the diary counts how often summaries, flags and charts are opened (when,
never what). Urgent and doctor flags are never hidden, delayed or softened, and JSON keeps
every number. Use-case functions take `db` like the other services; what calm mode shows and
says (pure) is in `diary.analysis.calm`, and is reached through this module.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

# What calm mode shows and says (pure), reached through this module: see `__all__`.
from diary.analysis.calm import (
    BASE_RATES,
    BASE_RATES_ONCE,
    BASE_RATES_TITLE,
    CHARTS_NOTE,
    CHECKS_ADVICE,
    CHECKS_LINE,
    FLAGS_ELSEWHERE,
    GP_LINE,
    LOUD,
    NO_LOUD_FLAGS,
    NOTED,
    OFF_TEXT,
    ON_TEXT,
    WEEKLY_ON_PAGE,
    CalmWeek,
    calm_week,
    charts_view,
    loud,
)
from diary.errors import BadInput, StorageError
from diary.storage import Database
from diary.storage import settings as stored

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from diary.analysis.series import ChartData
    from diary.thresholds import Thresholds

__all__ = [
    "BASE_RATES",
    "BASE_RATES_ONCE",
    "BASE_RATES_TITLE",
    "CALM_KEY",
    "CHARTS_NOTE",
    "CHECKS_ADVICE",
    "CHECKS_LINE",
    "CHECK_KINDS",
    "FLAGS_ELSEWHERE",
    "GP_LINE",
    "LOUD",
    "MAX_IMPORTED_CHECKS",
    "NOTED",
    "NO_LOUD_FLAGS",
    "OFF_TEXT",
    "ON_TEXT",
    "WEEKLY_ON_PAGE",
    "CalmRecord",
    "CalmState",
    "CalmWeek",
    "calm_since",
    "calm_state",
    "calm_state_in",
    "calm_week",
    "charts_view",
    "checks_note",
    "checks_this_and_last_week",
    "export_record",
    "import_record",
    "is_calm",
    "loud",
    "open_charts",
    "open_weekly",
    "opened",
    "record_check",
    "record_from_json",
    "set_calm",
]

CALM_KEY = "calm"
# What the diary counts as a check: opening the weekly summary, the flags or the charts.
CHECK_KINDS = ("weekly", "flags", "charts")

# --- the setting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalmState:
    calm: bool
    changed_at: datetime | None  # when it was last switched, None when never

    @property
    def since(self) -> date | None:
        return self.changed_at.date() if self.calm and self.changed_at else None

    def as_dict(self) -> dict[str, Any]:
        """`diary calm status --json`."""
        return {"calm": self.calm, "since": self.since.isoformat() if self.since else None}

    def as_export(self) -> dict[str, Any]:
        """The "calm" object of a JSON export: the status plus the moment it was switched."""
        changed = self.changed_at.isoformat(timespec="seconds") if self.changed_at else None
        return {**self.as_dict(), "changed_at": changed}


def calm_state(db: Database) -> CalmState:
    with db.reading() as connection:
        return calm_state_in(connection)


def calm_state_in(connection: Connection) -> CalmState:
    """Calm mode as stored, read in a transaction the caller holds."""
    found = stored.get_setting(CALM_KEY, connection=connection)
    if found is None:
        return CalmState(False, None)
    return CalmState(found[0] == "on", found[1])


def is_calm(db: Database) -> bool:
    return calm_state(db).calm


def calm_since(db: Database) -> date | None:
    return calm_state(db).since


def set_calm(db: Database, on: bool, *, now: datetime) -> tuple[CalmState, bool]:
    """Switch calm mode; returns the state and whether it changed (switching it on again
    keeps the day it was first switched on)."""
    with db.writing() as connection:
        found = stored.get_setting(CALM_KEY, connection=connection)
        if found is not None and (found[0] == "on") == on:
            return CalmState(on, found[1]), False
        stored.put_setting(CALM_KEY, "on" if on else "off", changed_at=now, connection=connection)
    return CalmState(on, now), True


# --- checks -----------------------------------------------------------------------------------


def _week_start(day: date) -> datetime:
    return datetime.combine(day - timedelta(days=day.weekday()), time())


def record_check(db: Database, what: str, now: datetime) -> None:
    """Count one opening of a summary, the flags or the charts (the moment and the kind)."""
    if what not in CHECK_KINDS:
        raise ValueError(f"unknown kind of check: {what!r}")
    with db.writing() as connection:
        stored.add_check(what, now, connection=connection)


def opened(db: Database, what: str, now: datetime) -> bool:
    """Whether calm mode is on; if it is, this opening is counted. What a command calls."""
    if not is_calm(db):
        return False
    with suppress(StorageError):  # busy or read-only: what was opened shows, uncounted
        record_check(db, what, now)
    return True


def checks_this_and_last_week(db: Database, today: date) -> tuple[int, int]:
    """Checks opened in this ISO week (Monday to today) and in the week before."""
    this = _week_start(today)
    before = this - timedelta(days=7)
    with db.reading() as connection:
        now_ = stored.count_checks(
            this, this + timedelta(days=7), CHECK_KINDS, connection=connection
        )
        last = stored.count_checks(before, this, CHECK_KINDS, connection=connection)
    return now_, last


def _weekly_opened_this_week(db: Database, today: date) -> int:
    this = _week_start(today)
    with db.reading() as connection:
        return stored.count_checks(
            this, this + timedelta(days=7), ("weekly",), connection=connection
        )


# --- what calm mode shows -----------------------------------------------------------------------


def open_weekly(
    db: Database,
    week_start: date,
    *,
    now: datetime,
    thresholds: Thresholds,
    days: int = 7,
) -> CalmWeek | None:
    """None outside calm mode. In calm mode: count this opening of the weekly summary and
    return what it shows instead of counts (the base rates on the first opening of the
    week)."""
    if not opened(db, "weekly", now):
        return None
    from diary import storage
    from diary.analysis.classify import classify_all

    start = datetime.combine(week_start, time())
    with db.reading() as connection:  # storage, not services: services call this module
        episodes = storage.episodes_between(start, start + timedelta(days=7), connection=connection)
    return calm_week(
        episodes,
        classify_all(episodes, thresholds),
        week_start=week_start,
        days=days,
        checks=checks_this_and_last_week(db, now.date()),
        base_rates=_weekly_opened_this_week(db, now.date()) == 1,
    )


def open_charts(db: Database, data: ChartData, *, now: datetime, counted: bool) -> ChartData:
    """Outside calm mode, `data` as it is; in calm mode, `charts_view(data)`, and the opening
    is counted when `counted` (not for scripts asking for JSON)."""
    if not (opened(db, "charts", now) if counted else is_calm(db)):
        return data
    return charts_view(data)


def checks_note(db: Database, today: date) -> str | None:
    """The line the doctor PDF adds in calm mode, or None outside it."""
    state = calm_state(db)
    if not state.calm:
        return None
    this, last = checks_this_and_last_week(db, today)
    since = f" since {state.since:%d %b %Y}" if state.since else ""
    return (
        f"Calm mode{since} (a setting for health worry that feeds on checking): the patient "
        f"opened the diary's summaries, flags or charts {this} times this week (from Monday), "
        f"{last} times last week."
    )


# --- export and import --------------------------------------------------------------------------


@dataclass(frozen=True)
class CalmRecord:
    """Calm mode and the checks as a JSON export carries them."""

    state: CalmState | None  # None: the file says nothing about calm mode
    checks: tuple[tuple[datetime, str], ...] = ()


def export_record(*, connection: Any) -> dict[str, Any]:
    """The "calm" and "checks" keys of a JSON export, read in the export's transaction."""
    found = stored.get_setting(CALM_KEY, connection=connection)
    state = CalmState(False, None) if found is None else CalmState(found[0] == "on", found[1])
    return {
        "calm": state.as_export(),
        "checks": [
            {"opened_at": at.isoformat(timespec="seconds"), "what": what}
            for at, what in stored.all_checks(connection=connection)
        ],
    }


MAX_IMPORTED_CHECKS = 1_000_000


def record_from_json(calm: Any, checks: Any) -> CalmRecord:
    """Check the "calm" and "checks" values of an import (either may be absent: None)."""
    state = None
    if calm is not None:
        if not isinstance(calm, dict) or not isinstance(calm.get("calm"), bool):
            raise BadInput("'calm' in a JSON import must be an object with \"calm\": true|false")
        when = calm.get("changed_at") or calm.get("since")
        changed = _moment(when, "'calm' changed_at") if when is not None else None
        if calm["calm"] and changed is None:
            raise BadInput("'calm' in a JSON import is on but gives no changed_at or since")
        state = CalmState(calm["calm"], changed)
    found: list[tuple[datetime, str]] = []
    if checks is not None:
        if not isinstance(checks, list) or len(checks) > MAX_IMPORTED_CHECKS:
            raise BadInput("'checks' in a JSON import must be an array of {opened_at, what}")
        for number, item in enumerate(checks, start=1):
            if not isinstance(item, dict) or item.get("what") not in CHECK_KINDS:
                raise BadInput(
                    f"check {number} in a JSON import: 'what' must be one of "
                    f"{', '.join(CHECK_KINDS)}"
                )
            found.append(
                (_moment(item.get("opened_at"), f"check {number} opened_at"), item["what"])
            )
    return CalmRecord(state, tuple(found))


def _moment(value: Any, what: str) -> datetime:
    if isinstance(value, str) and value.isascii():
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is None and 1900 <= moment.year <= 9999:
                return moment
    raise BadInput(f"{what}: {str(value)[:40]!r} is not an ISO 8601 date-time")


def import_record(record: CalmRecord, *, connection: Any) -> int:
    """Inside the import's transaction: take the file's calm setting when the diary has
    never had one, and add the checks it does not hold yet; returns the checks added."""
    state = record.state
    if (
        state is not None
        and state.changed_at is not None
        and stored.get_setting(CALM_KEY, connection=connection) is None
    ):
        stored.put_setting(
            CALM_KEY,
            "on" if state.calm else "off",
            changed_at=state.changed_at,
            connection=connection,
        )
    if not record.checks:
        return 0
    held = Counter(stored.all_checks(connection=connection))
    fresh = []
    for check in record.checks:  # as many copies as the file has, less those held
        if held[check]:
            held[check] -= 1
        else:
            fresh.append(check)
    return stored.add_checks(fresh, connection=connection)
