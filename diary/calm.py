"""Calm mode: a diary that does not feed health worry (docs/calm-mode.md).

Opt-in. Logging answers "Noted."; the weekly summary is the one place to look, with days
rather than counts; the diary counts how often summaries, flags and charts are opened (when,
never what). Urgent and doctor flags are never hidden, delayed or softened, and JSON keeps
every number. Use-case functions take `db` like `diary.services`; every calm text lives here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import fmean
from typing import TYPE_CHECKING, Any

from diary.errors import BadInput, StorageError
from diary.storage import Database
from diary.storage import settings as stored

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from diary.analysis.series import ChartData
    from diary.domain import Classification, Episode, Flag
    from diary.thresholds import Thresholds

CALM_KEY = "calm"
# What the diary counts as a check: opening the weekly summary, the flags or the charts.
CHECK_KINDS = ("weekly", "flags", "charts")
LOUD = ("urgent", "doctor")  # severities calm mode never touches

# --- wording: every calm text in one place ------------------------------------------------

NOTED = "Noted."

ON_TEXT = """\
Calm mode is on. What changes:
- `diary log` answers "Noted." and nothing more, unless an entry needs a doctor.
- The weekly summary (`diary report weekly`) is the place to look: days with
  twitching rather than counts, and how often summaries were opened.
- `diary flags`, the charts and the page leave out twitch counts and watch-level
  notes; those notes are in the weekly summary.
- The diary counts when summaries, flags and charts are opened (never what was shown).
What never changes:
- Urgent and doctor flags (breathing, speech, swallowing, weakness...) show at once
  and in full, on the command line, on the page and in every report.
- Every entry is kept; JSON, exports and the doctor PDF keep every number.
`diary calm off` brings everything back."""

OFF_TEXT = (
    "Calm mode is off: labels, counts and charts are back as before. "
    "The count of opened summaries is kept."
)

FLAGS_ELSEWHERE = "Calm mode: watch-level notes are in the weekly summary (`diary report weekly`)."
NO_LOUD_FLAGS = "No flags that need a doctor as of {day:%a %d %b %Y}."

BASE_RATES_TITLE = "Twitching: what is known"
BASE_RATES = (
    "Twitching is common: about 70% of healthy people notice it (Reed & Kurland 1963, as "
    "cited by Blexrud 1993).",
    "Of 121 Mayo Clinic patients with benign fasciculations followed for 2 to 32 years, none "
    "developed motor neuron disease (Blexrud, Windebank & Daube, Ann Neurol 1993;34:622-5); "
    "a 2024 review of 180 patients found the same (Mattiuzzi & Lippi, Neurol Sci 2024).",
    "ALS is rare: about 2 new cases per 100,000 people a year (Logroscino et al., "
    "J Neurol Neurosurg Psychiatry 2010).",
    "The clue to benign twitching is the absence of weakness (Turner & Talbot, Pract Neurol "
    "2013): weakness is a sign to log, and the diary flags it at once.",
)
BASE_RATES_ONCE = "These figures show once a week."
CHECKS_LINE = "summaries opened this week: {this} (last week {last})"
CHECKS_ADVICE = (
    "Checking the body and seeking reassurance keep health worry going (Salkovskis & Warwick, "
    "Behav Res Ther 1986); the NHS advice on health anxiety is to count checks and cut them "
    "down over the weeks."
)
GP_LINE = (
    "If worry about your health gets in the way of life, talk to a GP: CBT for health "
    "anxiety works."
)
WEEKLY_ON_PAGE = "The weekly summary"


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


def loud(flags: Iterable[Flag]) -> list[Flag]:
    """The urgent and doctor flags: calm mode shows these exactly as ever."""
    return [f for f in flags if f.severity in LOUD]


@dataclass(frozen=True)
class CalmWeek:
    """What the weekly summary shows in calm mode instead of counts."""

    days: int  # days of the week so far
    twitch_days: int
    unclear_days: int
    spasms: int  # spasm and cramp entries (their pain is shown as ever)
    night_cramps: int  # of those, at night
    spasm_pain_mean: float | None
    spasm_pain_max: int | None
    checks_this_week: int
    checks_last_week: int
    base_rates: bool  # the first weekly summary opened this week shows the base rates

    def body(self) -> list[str]:
        """The lines that stand in for the week's counts, tables and comparison."""
        lines = [f"Twitching on {self.twitch_days} of {self.days} days."]
        if self.unclear_days:
            lines.append(f"Other entries on {self.unclear_days} of {self.days} days.")
        if self.spasms:
            night = f" ({self.night_cramps} at night)" if self.night_cramps else ""
            plural = "" if self.spasms == 1 else "s"
            lines.append(
                f"Spasms or cramps: {self.spasms} entr{'y' if plural == '' else 'ies'}{night}; "
                f"pain mean {self.spasm_pain_mean}/10, max {self.spasm_pain_max}/10."
            )
        else:
            lines.append("No spasms or cramps.")
        return lines

    def closing(self) -> list[str]:
        """The lines after the flags: base rates (once a week), the checks, the GP line."""
        lines: list[str] = []
        if self.base_rates:
            lines += [f"{BASE_RATES_TITLE}:", *(f"- {line}" for line in BASE_RATES)]
            lines.append(BASE_RATES_ONCE)
        lines += [
            CHECKS_LINE.format(this=self.checks_this_week, last=self.checks_last_week),
            CHECKS_ADVICE,
            GP_LINE,
        ]
        return lines

    def closing_markdown(self) -> list[str]:
        """`closing` as markdown: a section for the base rates, then one paragraph a line."""
        lines: list[str] = []
        if self.base_rates:
            lines += ["", f"## {BASE_RATES_TITLE}", "", *(f"- {line}" for line in BASE_RATES)]
            lines += ["", f"*{BASE_RATES_ONCE}*"]
        lines += ["", "## Checking", ""]
        lines += [CHECKS_LINE.format(this=self.checks_this_week, last=self.checks_last_week)]
        lines += ["", CHECKS_ADVICE, "", f"**{GP_LINE}**"]
        return lines


def calm_week(
    episodes: Sequence[Episode],
    labels: dict[int, Classification],
    *,
    week_start: date,
    days: int,
    checks: tuple[int, int],
    base_rates: bool,
) -> CalmWeek:
    """Pure: the week's episodes and their labels in, the calm view out."""
    end = week_start + timedelta(days=7)
    this = [e for e in episodes if week_start <= e.at.date() < end]

    def days_with(label: str) -> int:
        return len({e.at.date() for e in this if labels[e.id].label == label})

    spasms = [e for e in this if labels[e.id].label == "spasm"]
    return CalmWeek(
        days=days,
        twitch_days=days_with("twitch"),
        unclear_days=days_with("unclear"),
        spasms=len(spasms),
        night_cramps=sum(1 for e in spasms if labels[e.id].subtype == "nocturnal"),
        spasm_pain_mean=round(fmean(e.pain for e in spasms), 1) if spasms else None,
        spasm_pain_max=max((e.pain for e in spasms), default=None),
        checks_this_week=checks[0],
        checks_last_week=checks[1],
        base_rates=base_rates,
    )


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


CHARTS_NOTE = (
    "calm mode: the charts leave out per-day twitch counts and twitch trends; the weekly "
    "summary shows the days with twitching"
)


def charts_view(data: ChartData) -> ChartData:
    """The chart data without per-day twitch counts or twitch trends: no twitch bars per day,
    no 7-day average (it counts twitches), no per-day entry marks, no twitch pain series.
    Spasm and cramp bars and pain, and the charts over the whole period, stay."""
    import dataclasses

    n = len(data.days)
    return dataclasses.replace(
        data,
        daily={**data.daily, "twitch": [0] * n},
        rolling_mean=[None] * n,
        entries=None,
        pain_daily={**data.pain_daily, "twitch": [None] * n},
        pain_rolling_median={**data.pain_rolling_median, "twitch": [None] * n},
        pain_points={**data.pain_points, "twitch": []},
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
