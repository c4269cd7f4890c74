"""Hypothesis round-trips for the parsers people type into every day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diary.domain import MAX_DURATION_S
from diary.errors import BadInput
from diary.parsing import (
    _WEEKDAYS,
    FUTURE_TOLERANCE,
    PART_BEGINS,
    PART_HOURS,
    duration_token,
    format_duration,
    iso_week_name,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_iso_week,
    parse_when,
    part_of_day_of,
)

NOW = datetime(2026, 11, 21, 12, 0)
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=NOW).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@given(st.integers(min_value=1, max_value=MAX_DURATION_S))
def test_duration_token_round_trips(seconds: int) -> None:
    assert parse_duration(duration_token(seconds)) == seconds
    assert parse_duration(str(seconds)) == seconds


@given(st.integers(min_value=1, max_value=MAX_DURATION_S))
def test_formatted_duration_reads_back(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.text(max_size=12))
def test_duration_parser_accepts_or_names_the_value(text: str) -> None:
    try:
        assert parse_duration(text) > 0
    except BadInput as exc:
        assert repr(text) in str(exc)


@given(moments, st.sampled_from(["T", " "]))
def test_iso_datetimes_round_trip(moment: datetime, sep: str) -> None:
    assert parse_datetime(moment.isoformat(sep, "minutes"), now=NOW) == moment


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
def test_dates_and_weeks_round_trip(day: date) -> None:
    assert parse_date(day.isoformat(), today=NOW.date()) == day
    start, end = parse_iso_week(iso_week_name(day))
    assert start <= day <= end and start.weekday() == 0 and end - start == timedelta(days=6)


@given(st.integers(0, 23), st.integers(0, 59))
def test_friendly_clock_times(hour: int, minute: int) -> None:
    expected = datetime(2026, 11, 20, hour, minute)
    assert parse_datetime(f"yesterday {hour}:{minute:02d}", now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today 7am", datetime(2026, 11, 21, 7, 0)),
        ("yesterday 10:30pm", datetime(2026, 11, 20, 22, 30)),
        ("friday 8pm", datetime(2026, 11, 20, 20, 0)),
        ("now", NOW),
        # An offset is converted to the machine's local wall-clock time.
        (
            "2026-11-20T14:30:00+00:00",
            datetime(2026, 11, 20, 14, 30, tzinfo=UTC).astimezone().replace(tzinfo=None),
        ),
    ],
)
def test_friendly_forms(text: str, expected: datetime) -> None:
    assert parse_datetime(text, now=NOW) == expected


def test_future_times_are_refused() -> None:
    with pytest.raises(BadInput, match="in the future"):
        parse_datetime("2026-11-22", now=NOW)


def test_week_53_exists_only_in_long_years() -> None:
    assert parse_iso_week("2026-W53")[0] == date(2026, 12, 28)
    with pytest.raises(BadInput, match="does not exist"):
        parse_iso_week("2027-W53")


# --- what a newcomer typed in the first month --------------------------------------------------

clock_spellings = st.sampled_from(["{h24}:{m:02d}", "{h24}.{m:02d}", "{h12}:{m:02d}{ap}",
                                   "{h12}:{m:02d} {ap}", "{h12}.{m:02d}{ap}"])  # fmt: skip


def _spelled(spelling: str, hour: int, minute: int) -> str:
    h12 = hour % 12 or 12
    return spelling.format(h24=hour, h12=h12, m=minute, ap="am" if hour < 12 else "pm")


@given(st.integers(0, 23), st.integers(0, 59), clock_spellings)
def test_every_spelling_of_a_clock_time_is_the_same_time(
    hour: int, minute: int, spelling: str
) -> None:
    """'23.40', '3 am' (with a space) were refused."""
    moment = parse_when(_spelled(spelling, hour, minute), now=NOW)
    assert moment.time_known and (moment.at.hour, moment.at.minute) == (hour, minute)
    assert NOW - timedelta(days=1) < moment.at <= NOW + FUTURE_TOLERANCE


@given(st.integers(1, 12), st.sampled_from(["am", " am", "pm", " pm"]))
def test_a_whole_hour_with_am_or_pm(hour: int, ap: str) -> None:
    at = parse_when(f"{hour}{ap}", now=NOW).at
    assert at.hour == hour % 12 + (12 if "p" in ap else 0) and at.minute == 0


day_phrases = st.sampled_from(
    ["yesterday", "last night", "sunday night", "friday night", "monday", "friday",
     "yesterday evening", "3 days ago", "tonight"]
)  # fmt: skip


@given(day_phrases, st.integers(0, 23), st.integers(0, 59), clock_spellings)
def test_a_time_may_come_before_its_day(phrase: str, hour: int, minute: int, spelling: str) -> None:
    """'3am last night' means 'last night 3am' (it was refused)."""
    clock = _spelled(spelling, hour, minute)
    try:
        after = parse_when(f"{phrase} {clock}", now=NOW)
    except BadInput as exc:  # e.g. a time tonight that has not come yet
        with pytest.raises(BadInput):
            parse_when(f"{clock} {phrase}", now=NOW)
        assert "future" in str(exc)
        return
    assert parse_when(f"{clock} {phrase}", now=NOW) == after


@given(st.sampled_from(_WEEKDAYS), st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)))
def test_a_weekday_night_is_that_evenings_night_of_unknown_hour(
    weekday: str, now: datetime
) -> None:
    """'sunday night' was refused; it is stored as 'last night' is: a night, hour not given,
    at the date of its evening (the latest such evening that has begun)."""
    try:
        when = parse_when(f"{weekday} night", now=now)
    except BadInput as exc:  # tonight, asked before the evening
        assert _WEEKDAYS[now.weekday()] == weekday and now.hour < PART_BEGINS["evening"]
        assert "not begun" in str(exc)
        return
    assert (when.time_known, when.part_of_day) == (False, "night")
    assert when.at.time() == datetime.min.time() and _WEEKDAYS[when.at.weekday()] == weekday
    assert now.date() - timedelta(days=7) < when.at.date() <= now.date()


@given(
    st.sampled_from(["this", "today", "yesterday", *_WEEKDAYS]),
    st.sampled_from(sorted(PART_HOURS)),
    st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)),
)
def test_a_part_of_a_day_is_kept_as_that_part(word: str, part: str, now: datetime) -> None:
    """'this afternoon' was stored as 'time not given': the afternoon was lost. It is kept
    at a representative hour marked 'hour not given', and read back as the afternoon."""
    try:
        when = parse_when(f"{word} {part}", now=now)
    except BadInput as exc:
        assert "not begun" in str(exc) and now.hour < PART_BEGINS[part]
        return
    assert not when.time_known and when.part_of_day is None
    assert part_of_day_of(when.at, time_known=False, part_of_day=None) == part
    assert when.at.date() <= now.date()
    if word == "yesterday":
        assert when.at.date() == now.date() - timedelta(days=1)


@given(st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)))
def test_a_date_alone_is_no_part_of_day(day: datetime) -> None:
    """Midnight of a date alone is never read as a part of the day."""
    moment = datetime.combine(day.date(), datetime.min.time())
    assert part_of_day_of(moment, time_known=False, part_of_day=None) is None
    assert part_of_day_of(day, time_known=True, part_of_day=None) is None
