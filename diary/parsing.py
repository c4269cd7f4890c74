"""Parse and format what people type: durations, date-times, dates and ISO weeks."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from diary.domain import MAX_DURATION_S
from diary.errors import BadInput

DURATION_FORMS = "45 (seconds), 3s, 90s, 2m, 1m30s, 1h"
DATETIME_FORMS = (
    "ISO 8601 (2026-11-20, 2026-11-20T14:30, 2026-11-20 14:30), 'now', "
    "'yesterday 22:30', 'today 7am', '22:30', 'monday 8pm'"
)
DATE_FORMS = "ISO 8601 (2026-11-20), 'today', 'yesterday', or '7 days ago'"
FUTURE_TOLERANCE = timedelta(minutes=5)

_UNIT_WORDS = [
    (r"hours?|hrs?", "h"),
    (r"minutes?|mins?", "m"),
    (r"seconds?|secs?", "s"),
]
_DURATION = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s?)?$"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$")
_DAYS_AGO = re.compile(r"^(?P<n>\d+)\s*(?:d|days?)\s+ago$")
_WEEK = re.compile(r"^(?P<y>\d{4})-?W(?P<w>\d{1,2})$", re.IGNORECASE)


def parse_duration(text: str) -> float:
    """Seconds from `45`, `3s`, `90s`, `2m`, `1m30s`, `1h` (and `2 min`, `1.5m`)."""
    key = text.strip().lower()
    for pattern, unit in _UNIT_WORDS:
        key = re.sub(rf"(?<=[\d\s])(?:{pattern})\b", unit, key)
    key = re.sub(r"\s+", "", key)
    match = _DURATION.match(key) if key else None
    if match is None or not any(match.groupdict().values()):
        raise BadInput(f"duration {text!r} is not understood; accepted: {DURATION_FORMS}")
    parts = match.groupdict()
    seconds = float(parts["h"] or 0) * 3600 + float(parts["m"] or 0) * 60 + float(parts["s"] or 0)
    if seconds <= 0:
        raise BadInput(f"duration {text!r} must be more than 0 seconds; accepted: {DURATION_FORMS}")
    if seconds > MAX_DURATION_S:
        raise BadInput(f"duration {text!r} is longer than 24 hours; log each episode separately")
    return seconds


def format_duration(seconds: float) -> str:
    """`3 s`, `1 min 30 s`, `1 h 5 min`: compact and unambiguous."""
    if seconds < 60:
        return f"{seconds:g} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours} h" if hours else "",
        f"{minutes} min" if minutes else "",
        f"{secs} s" if secs else "",
    ]
    return " ".join(p for p in parts if p)


def duration_token(seconds: float) -> str:
    """The shortest typed form that parses back to the same value (`1m30s`)."""
    if seconds != int(seconds):
        return f"{seconds:g}s"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    token = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    return token + (f"{secs}s" if secs or not token else "")


def _parse_clock(text: str) -> time | None:
    match = _CLOCK.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _relative_day(word: str, today: date) -> date | None:
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if word in _WEEKDAYS:  # the most recent such day, today included
        return today - timedelta(days=(today.weekday() - _WEEKDAYS.index(word)) % 7)
    match = _DAYS_AGO.match(word)
    if match:
        return today - timedelta(days=int(match["n"]))
    return None


def _to_local_naive(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment


def parse_datetime(text: str, *, now: datetime, allow_future: bool = False) -> datetime:
    """A local wall-clock time from ISO 8601 or a friendly form ('yesterday 22:30')."""
    key = " ".join(text.strip().lower().split())
    result: datetime | None = None
    if key == "now":
        result = now
    else:
        try:
            result = _to_local_naive(datetime.fromisoformat(text.strip()))
        except ValueError:
            result = _parse_friendly(key, now.date())
    if result is None:
        raise BadInput(f"date-time {text!r} is not understood; accepted: {DATETIME_FORMS}")
    result = result.replace(microsecond=0)
    if not allow_future and result > now + FUTURE_TOLERANCE:
        raise BadInput(
            f"date-time {text!r} ({result:%a %d %b %Y %H:%M}) is in the future; "
            "log episodes that have happened"
        )
    return result


def _parse_friendly(key: str, today: date) -> datetime | None:
    day_word, _, clock_word = key.partition(" ")
    if (match := _DAYS_AGO.match(key)) is not None:
        return datetime.combine(today - timedelta(days=int(match["n"])), time())
    day = _relative_day(day_word, today)
    if day is not None:
        clock = _parse_clock(clock_word) if clock_word else time()
        return datetime.combine(day, clock) if clock is not None else None
    clock = _parse_clock(key)
    return datetime.combine(today, clock) if clock is not None else None


def parse_date(text: str, *, today: date) -> date:
    """A calendar date from ISO 8601 or 'today', 'yesterday', 'monday', '7 days ago'."""
    key = " ".join(text.strip().lower().split())
    day = _relative_day(key, today)
    if day is not None:
        return day
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.strip()).date()
    except ValueError:
        raise BadInput(f"date {text!r} is not understood; accepted: {DATE_FORMS}") from None


def parse_period(
    since: str | None, until: str | None, *, today: date
) -> tuple[date | None, date | None]:
    """`--since` and `--until` (both optional, both included), in order."""
    first = parse_date(since, today=today) if since else None
    last = parse_date(until, today=today) if until else None
    if first and last and first > last:
        raise BadInput(f"--since {since} is after --until {until}; give an earlier --since")
    return first, last


def parse_iso_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written `2026-W47`."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise BadInput(f"week {text!r} is not understood; accepted: YYYY-Www, e.g. 2026-W47")
    try:
        start = date.fromisocalendar(int(match["y"]), int(match["w"]), 1)
    except ValueError:
        raise BadInput(
            f"week {text!r} does not exist; ISO years have weeks 1 to 52 or 53"
        ) from None
    return start, start + timedelta(days=6)


def iso_week_name(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_of(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)
