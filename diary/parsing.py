"""Parse and format what people type: durations, date-times, dates and ISO weeks."""

from __future__ import annotations

import re
from datetime import MAXYEAR, date, datetime, time, timedelta
from typing import NamedTuple

from diary.domain import MAX_DURATION_S, last_days
from diary.errors import BadInput

DURATION_FORMS = "45 (seconds), 3s, 90s, 2m, 1m30s, 1h"
DATETIME_FORMS = (
    "ISO 8601 (2026-11-20T14:30, 2026-11-20 14:30, or a date alone), 'now', a time alone "
    "('23:40', '3am': the latest such moment), 'yesterday 22:30', 'today 7am', 'monday 8pm', "
    "'3 days ago', '3 days ago 8pm', '2 hours ago', '30 min ago', 'last night', "
    "'last night 3am', '3am last night', 'sunday night', 'this morning 6am', 'this afternoon', "
    "'tonight 11pm', '23.40', 'Nov 20', 'Nov 20 3am', '20 Nov 3am'"
)
DATE_FORMS = "ISO 8601 (2026-11-20), 'today', 'yesterday', 'monday', '7 days ago', 'Nov 20'"
EARLIEST_YEAR = 1900  # episodes and kept days before this are refused as typos
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
_CLOCK = re.compile(r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?$")
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
        hour = hour % 12 + (12 if match["ampm"][0] == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_DAY = re.compile(
    r"^(?:(?P<mon1>[a-z]+)\.?\s+(?P<day1>\d{1,2})(?:st|nd|rd|th)?|"
    r"(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>[a-z]+)\.?)"
    r"(?:,?\s+(?P<year>\d{4}))?(?:,?\s+(?:at\s+)?(?P<clock>.+))?$"
)
_AGO = re.compile(
    r"^(?P<n>\d+|an?|one)\s*(?P<unit>minutes?|mins?|m|hours?|hrs?|h|days?|d)\s+ago"
    r"(?:\s+(?:at\s+)?(?P<clock>.+))?$"
)
_DAY_WORD = re.compile(
    r"^(?P<word>today|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?:at\s+)?(?P<clock>.+))?$"
)
_NIGHT_WORD = re.compile(
    r"^(?P<word>last night|tonight|this morning|this evening|this afternoon)"
    r"(?:\s+(?:at\s+|around\s+|about\s+)?(?P<clock>.+))?$"
)
# 'sunday night', 'yesterday afternoon', 'monday evening 9pm'
_DAY_PART = re.compile(
    r"^(?P<word>today|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"\s+(?P<part>night|morning|afternoon|evening)"
    r"(?:\s+(?:at\s+|around\s+|about\s+)?(?P<clock>.+))?$"
)
# A time before the day it belongs to: '3am last night', '11pm yesterday', '8 pm monday'.
_CLOCK_FIRST = re.compile(
    r"^(?P<clock>\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)\s+(?:on\s+)?(?P<rest>\S.*)$"
)
_NOON = 12
# A part of the day given without an hour is stored at a representative hour, marked "time
# not given" (so never read as a time, never a label of its own): the middle of the part as
# `diary report weekly` counts them (morning from 06:00, afternoon from 12:00, evening from
# 18:00, night from 22:00). The night keeps its own mark (part_of_day) at the evening's date.
PART_HOURS = {"morning": 9, "afternoon": 15, "evening": 20}
PART_BEGINS = {"morning": 6, "afternoon": 12, "evening": 18}


class When(NamedTuple):
    """When an episode happened, as far as the person knows it.

    `at` is a local wall-clock time. When only the day is known, `time_known` is False and
    `at` holds that day at 00:00, which nothing reads as a time of day. `part_of_day` is
    "night" for a night of unknown hour ('last night'): `at` then holds the evening's date.
    """

    at: datetime
    time_known: bool = True
    part_of_day: str | None = None


def _relative_day(word: str, today: date) -> date | None:
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if word in _WEEKDAYS:  # the most recent such day, today included
        return today - timedelta(days=(today.weekday() - _WEEKDAYS.index(word)) % 7)
    match = _DAYS_AGO.match(word)
    if match:
        return _days_back(today, int(match["n"]))
    return None


def _days_back(today: date, days: int) -> date | None:
    try:
        return today - timedelta(days=days)
    except OverflowError:
        return None


def _to_local_naive(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone().replace(tzinfo=None)
        except (OverflowError, ValueError):
            return moment.replace(tzinfo=None)
    return moment


def parse_datetime(text: str, *, now: datetime, allow_future: bool = False) -> datetime:
    """A local wall-clock time, exact to the minute (a date alone is refused here)."""
    when = parse_when(text, now=now, allow_future=allow_future)
    if not when.time_known:
        raise BadInput(f"date-time {text!r} has no time of day; give one, e.g. '{text} 14:30'")
    return when.at


def parse_when(text: str, *, now: datetime, allow_future: bool = False) -> When:
    """When something happened, from ISO 8601 or the forms people type (`DATETIME_FORMS`).

    A time alone is the latest such moment that is not in the future. A day without a time
    stays a day: nothing invents a midnight for it.
    """
    key = " ".join(text.strip().lower().split())
    if not key:
        raise BadInput(f"date-time {text!r} is empty; accepted: {DATETIME_FORMS}")
    try:
        when = _parse_when(text.strip(), key, now)
    except _NotBegun as early:
        raise BadInput(
            f"date-time {text!r} is in the future: the {early.part} has not begun yet; "
            "log episodes that have happened"
        ) from None
    if when is None:
        raise BadInput(f"date-time {text!r} is not understood; accepted: {DATETIME_FORMS}")
    at = when.at.replace(microsecond=0)
    if at.year < EARLIEST_YEAR:
        raise BadInput(
            f"date-time {text!r} is before {EARLIEST_YEAR}; give the date the episode happened"
        )
    if when.time_known and key != "now":
        _check_not_skipped(text, at)
    if not allow_future and is_future(at, now=now, time_known=when.time_known):
        shown = f"{at:%a %d %b %Y %H:%M}" if when.time_known else f"{at:%a %d %b %Y}"
        raise BadInput(
            f"date-time {text!r} ({shown}) is in the future; log episodes that have happened"
        )
    return when._replace(at=at)


def is_future(at: datetime, *, now: datetime, time_known: bool = True) -> bool:
    """The one rule for an episode's time: a day without a time is future only after today;
    a time, beyond a few minutes' allowance for clocks."""
    return at.date() > now.date() if not time_known else at > now + FUTURE_TOLERANCE


def _check_not_skipped(text: str, at: datetime) -> None:
    """A wall-clock time the local clocks skipped (the spring change, e.g. 02:30 on the night
    the clocks go from 02:00 to 03:00) never happened: refused with the two times around
    it. The autumn's repeated hour is stored as typed (the diary keeps wall-clock times)."""
    before = at.replace(fold=0).astimezone().replace(tzinfo=None)
    after = at.replace(fold=1).astimezone().replace(tzinfo=None)
    if at not in (before, after):
        raise BadInput(
            f"date-time {text!r} ({at:%a %d %b %Y %H:%M}) did not happen in your time zone: "
            f"the clocks skipped that hour; give {min(before, after):%H:%M} or "
            f"{max(before, after):%H:%M}"
        )


def _parse_when(raw: str, key: str, now: datetime, *, moved: bool = False) -> When | None:
    today = now.date()
    if key == "now":
        return When(now)
    try:
        return When(datetime.combine(date.fromisoformat(raw), time()), time_known=False)
    except ValueError:
        pass
    try:
        return When(_to_local_naive(datetime.fromisoformat(raw)))
    except ValueError:
        pass
    if (match := _AGO.match(key)) is not None:
        return _ago(match, now)
    if (match := _DAY_PART.match(key)) is not None:
        day = _relative_day(match["word"], today)
        return _part_of_day(day, match["part"], match["clock"], now) if day else None
    if (match := _DAY_WORD.match(key)) is not None:
        day = _relative_day(match["word"], today)
        return _on_day(day, match["clock"]) if day else None
    if (match := _NIGHT_WORD.match(key)) is not None:
        return _night_word(match["word"], match["clock"], now)
    if (match := _MONTH_DAY.match(key)) is not None:
        day = _month_day(match, today)
        if day is not None:  # else '3 am' (no month 'am'): a clock, below
            return _on_day(day, match["clock"])
    clock = _parse_clock(key)
    if clock is None:
        match = None if moved else _CLOCK_FIRST.match(key)
        if match is None or _parse_clock(match["clock"]) is None:
            return None
        return _parse_when(raw, f"{match['rest']} {match['clock']}", now, moved=True)
    moment = datetime.combine(today, clock)  # the latest such moment that is not future
    if moment > now + FUTURE_TOLERANCE:
        moment -= timedelta(days=1)
    return When(moment)


def _on_day(day: date, clock_text: str | None) -> When | None:
    if clock_text is None:
        return When(datetime.combine(day, time()), time_known=False)
    clock = _parse_clock(clock_text)
    return When(datetime.combine(day, clock)) if clock is not None else None


def _ago(match: re.Match[str], now: datetime) -> When | None:
    count = 1 if match["n"] in ("a", "an", "one") else int(match["n"])
    unit = match["unit"][0]
    try:
        if unit == "d":
            day = now.date() - timedelta(days=count)
            return _on_day(day, match["clock"])
        if match["clock"]:
            return None
        delta = timedelta(hours=count) if unit == "h" else timedelta(minutes=count)
        return When(now - delta)
    except OverflowError:
        return When(datetime.min)  # refused below as before 1900


def _night_word(word: str, clock_text: str | None, now: datetime) -> When | None:
    """'last night' is the night that began yesterday evening; 'tonight' the one that
    begins (or, after midnight, began) this evening; a time in it falls on the evening's
    date from noon on, else on the next morning's."""
    today = now.date()
    if word in ("this morning", "this afternoon", "this evening"):
        return _part_of_day(today, word.split()[1], clock_text, now)
    evening = today - timedelta(days=1)
    if word == "tonight" and now.hour >= _NOON:
        evening = today
    if clock_text is None:
        if word == "tonight" and evening == today and now.hour < PART_BEGINS["evening"]:
            raise _NotBegun("night")  # as 'thursday night' on a Thursday afternoon
        return When(datetime.combine(evening, time()), time_known=False, part_of_day="night")
    clock = _parse_clock(clock_text)
    if clock is None:
        return None
    day = evening if clock.hour >= _NOON else evening + timedelta(days=1)
    return When(datetime.combine(day, clock))


def _part_of_day(day: date, part: str, clock_text: str | None, now: datetime) -> When | None:
    """'sunday night', 'yesterday afternoon', 'this morning 6am': a part of a named day.

    A night is the one that begins on that day's evening, as 'last night' is yesterday's.
    Without an hour, morning, afternoon and evening are stored at their representative hour
    (PART_HOURS) with the time marked as not given; one not yet begun is in the future."""
    if part == "night":
        if clock_text is None:
            if day == now.date() and now.hour < PART_BEGINS["evening"]:
                raise _NotBegun(part)
            return When(datetime.combine(day, time()), time_known=False, part_of_day="night")
        clock = _parse_clock(clock_text)
        if clock is None:
            return None
        return When(datetime.combine(day if clock.hour >= _NOON else day + timedelta(1), clock))
    if clock_text is not None:
        return _on_day(day, clock_text)
    if day == now.date() and now.hour < PART_BEGINS[part]:
        raise _NotBegun(part)
    return When(datetime.combine(day, time(PART_HOURS[part])), time_known=False)


class _NotBegun(Exception):
    """A part of today that has not begun yet ('this evening' at 10:00)."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def part_of_day_of(at: datetime, *, time_known: bool, part_of_day: str | None) -> str | None:
    """The part of the day a person gave without an hour ('night', 'afternoon'), or None
    (a time was given, or only the date)."""
    if time_known:
        return None
    if part_of_day is not None:
        return part_of_day
    if at.minute == 0 and at.second == 0:
        for part, hour in PART_HOURS.items():
            if at.hour == hour:
                return part
    return None


def _month_day(match: re.Match[str], today: date) -> date | None:
    month = _MONTHS.get(match["mon1"] or match["mon2"] or "")
    if month is None:
        return None
    day_number = int(match["day1"] or match["day2"])
    try:
        if match["year"]:
            return date(int(match["year"]), month, day_number)
        day = date(today.year, month, day_number)
        return day if day <= today else date(today.year - 1, month, day_number)
    except ValueError:
        return None


LOOK_AHEAD = timedelta(days=366)  # no date the diary reads lies further ahead than this


def parse_date(text: str, *, today: date) -> date:
    """A calendar date from ISO 8601 or 'today', 'yesterday', 'monday', '7 days ago', 'Nov 20';
    from 1900 (the diary's first year) to 9998 (a week later must still be a date)."""
    day = _calendar_day(text, today)
    if day.year < EARLIEST_YEAR:
        raise BadInput(f"date {text!r} is before {EARLIEST_YEAR}; give a date from then on")
    if day.year >= MAXYEAR:
        raise BadInput(f"date {text!r} is not accepted: give a date from {EARLIEST_YEAR} to 9998")
    return day


def parse_bound(text: str, *, today: date) -> date:
    """A query bound (`--since`, `--until`, `--as-of`): any date, clamped to 1900 .. a year
    ahead, so `--until 9999-12-31` means "to the end" and windows around it stay dates."""
    day = _calendar_day(text, today)
    return min(max(day, date(EARLIEST_YEAR, 1, 1)), today + LOOK_AHEAD)


def _calendar_day(text: str, today: date) -> date:
    key = " ".join(text.strip().lower().split())
    day = _relative_day(key, today)
    if day is None and (match := _MONTH_DAY.match(key)) is not None and not match["clock"]:
        day = _month_day(match, today)
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
    first = parse_bound(since, today=today) if since else None
    last = parse_bound(until, today=today) if until else None
    if first and last and first > last:
        raise BadInput(f"--since {since} is after --until {until}; give an earlier --since")
    return first, last


def recent_period(
    since: str | None, until: str | None, *, today: date, days: int
) -> tuple[date, date]:
    """A closed period up to today: `--until` (default today, never later) and `--since`
    (default the `days` days ending there)."""
    first, last = parse_period(since, until, today=today)
    last = min(last or today, today)
    first = first or last_days(last, days)[0]
    if first > last:
        raise BadInput(f"--since {since} is after {last.isoformat()}; give an earlier --since")
    return first, last


def parse_iso_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written `2026-W47`."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise BadInput(f"week {text!r} is not understood; accepted: YYYY-Www, e.g. 2026-W47")
    if not EARLIEST_YEAR <= int(match["y"]) < MAXYEAR:
        raise BadInput(f"week {text!r} is not accepted: give a week from {EARLIEST_YEAR}-W01")
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


def default_week(today: date) -> tuple[date, str]:
    """The week a report shows when none is asked for, and how to say so: the last complete
    ISO week (a week just begun would read as good news above its flags); on a Sunday, the
    week ending today."""
    if today.isoweekday() == 7:
        return week_of(today)[0], "ending today"
    return week_of(today - timedelta(days=7))[0], "the last complete week"
