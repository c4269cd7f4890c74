"""Hypothesis round-trips for the parsers people type into every day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diary.domain import MAX_DURATION_S
from diary.errors import BadInput
from diary.parsing import (
    duration_token,
    format_duration,
    iso_week_name,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_iso_week,
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
