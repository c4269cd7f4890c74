"""Weekly report numbers, renderings and week boundaries."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from diary.parsing import parse_iso_week, week_of
from tests.conftest import Diary

pytestmark = pytest.mark.backend
GOLDEN = Path(__file__).parent / "golden"
NOW = {"DIARY_NOW": "2026-11-22T21:00:00", "COLUMNS": "100"}

# (at, site, duration, pain, extra options): weeks 2026-W46 and W47
HISTORY = [
    ("2026-11-10T09:00", "eyelid", "3s", "0", ["--trigger", "coffee", "--visible", "flicker"]),
    ("2026-11-12T09:00", "eyelid", "4s", "0", ["--trigger", "coffee"]),
    (
        "2026-11-16T23:30",
        "calf",
        "2m",
        "6",
        ["--side", "left", "--trigger", "dehydration", "--visible", "bulge", "--stiff"],
    ),
    ("2026-11-17T08:00", "eyelid", "3s", "0", ["--trigger", "coffee", "--trigger", "stress"]),
    ("2026-11-18T14:00", "eyelid", "2s", "1", ["--side", "right", "--trigger", "stress"]),
    (
        "2026-11-19T02:10",
        "calf",
        "10m",
        "8",
        ["--side", "right", "--trigger", "dehydration", "--visible", "bulge", "--stiff"],
    ),
    ("2026-11-21T19:00", "shoulder", "40s", "0", []),
]


@pytest.fixture
def history(diary: Diary, monkeypatch: pytest.MonkeyPatch) -> Diary:
    for name, value in NOW.items():
        monkeypatch.setenv(name, value)
    for at, site, duration, pain, extra in HISTORY:
        diary.ok("log", "--site", site, "--duration", duration, "--pain", pain, "--at", at, *extra)
    return diary


def test_weekly_json_numbers(history: Diary) -> None:
    report = history.json_format("report", "weekly", "--week", "2026-W47")
    assert (report["week"], report["start"], report["end"]) == (
        "2026-W47",
        "2026-11-16",
        "2026-11-22",
    )
    assert report["episodes"] == 5
    assert report["by_label"] == {"twitch": 2, "spasm": 2, "unclear": 1}
    assert report["by_site"] == {"calf": 2, "eyelid": 2, "shoulder": 1}
    assert report["by_site_side"]["calf"] == {"left": 1, "right": 1}
    assert report["pain"] == {"mean": 3.0, "max": 8}
    assert report["total_duration_s"] == 120 + 3 + 2 + 600 + 40
    assert report["longest"]["duration_s"] == 600 and report["longest"]["id"] == 6
    assert report["triggers"] == {"dehydration": 2, "stress": 2, "caffeine": 1}
    assert report["time_of_day"] == {"night": 2, "morning": 1, "afternoon": 1, "evening": 1}
    assert report["night_cramps"] == 2
    assert report["previous_week"]["week"] == "2026-W46"
    assert report["previous_week"]["episodes"] == 2
    assert report["change"]["episodes"] == 3
    assert "3 more episodes" in report["change"]["words"]
    assert [f["code"] for f in report["flags"]] == ["severe_pain"]
    assert any("caffeine" in a["because"] for a in report["advice"])
    assert all(a["source"] for a in report["advice"])


def test_date_selects_its_iso_week_and_default_is_the_week_ending_on_sunday(
    history: Diary,
) -> None:
    by_date = history.json_format("report", "weekly", "--date", "2026-11-18")
    default = history.json_format("report", "weekly")  # now: Sunday 22 Nov, 21:00
    assert by_date["week"] == default["week"] == "2026-W47"
    assert default["chosen"] == "ending today" and by_date["chosen"] is None
    assert by_date == {**default, "chosen": None}


def test_on_a_monday_the_default_is_the_last_complete_week_not_the_empty_new_one(
    history: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-23T08:00:00")
    report = history.json_format("report", "weekly")
    assert report["week"] == "2026-W47" and report["episodes"] == 5
    assert report["chosen"] == "the last complete week"
    text = history.ok("report", "weekly").stdout
    assert text.splitlines()[0].endswith("(the last complete week)")
    this_week = history.json_format("report", "weekly", "--date", "today")
    assert this_week["week"] == "2026-W48"


def test_weekly_text_says_flags_in_plain_words_and_which_windows_they_use(
    history: Diary,
) -> None:
    text = history.ok("report", "weekly", "--week", "2026-W47").stdout
    assert "p = " not in text and "Poisson" not in text
    assert "rolling windows" in text and "`diary flags` lists the evidence" in text


def _normalise(text: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2}", "<date>", text)


@pytest.mark.parametrize(("fmt", "golden"), [("text", "weekly.txt"), ("markdown", "weekly.md")])
def test_renderings_match_golden_files(history: Diary, fmt: str, golden: str) -> None:
    out = _normalise(history.ok("report", "weekly", "--week", "2026-W47", "--format", fmt).stdout)
    path = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(out)
    assert out == path.read_text()


def test_empty_week_is_short_and_friendly(history: Diary) -> None:
    result = history.ok("report", "weekly", "--week", "2026-W30")
    assert "No episodes logged in 2026-W30" in result.stdout
    assert len(result.stdout.splitlines()) < 8
    assert history.json_format("report", "weekly", "--week", "2026-W30")["episodes"] == 0


@pytest.mark.parametrize("bad", ["2026-W54", "2027-W53", "W47", "2026-47"])
def test_bad_weeks_are_bad_input(history: Diary, bad: str) -> None:
    result = history("report", "weekly", "--week", bad)
    assert result.exit_code == 2 and bad in result.stderr


def test_week_across_the_year_end(diary: Diary, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARY_NOW", "2027-01-10T12:00:00")
    for at in (
        "2026-12-27T23:59",
        "2026-12-28T00:00",
        "2027-01-01T12:00",
        "2027-01-03T23:59",
        "2027-01-04T00:00",
    ):
        diary.ok("log", "--site", "eyelid", "--duration", "3s", "--pain", "0", "--at", at)
    week = diary.json_format("report", "weekly", "--date", "2027-01-01")
    assert (week["week"], week["start"], week["end"]) == ("2026-W53", "2026-12-28", "2027-01-03")
    assert week["episodes"] == 3 and week["previous_week"]["episodes"] == 1
    assert diary.json_format("report", "weekly", "--week", "2027-W01")["episodes"] == 1


def test_weeks_across_a_dst_change(diary: Diary, monkeypatch: pytest.MonkeyPatch) -> None:
    # Europe switched to summer time at 02:00 on Sunday 29 March 2026: local wall-clock
    # times still fall in the week of their calendar date.
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("DIARY_NOW", "2026-04-05T12:00:00")
    for at in ("2026-03-29T01:30", "2026-03-29T03:30", "2026-03-30T00:30"):
        diary.ok("log", "--site", "calf", "--duration", "90s", "--pain", "5", "--at", at)
    assert diary.json_format("report", "weekly", "--date", "2026-03-29")["episodes"] == 2
    assert diary.json_format("report", "weekly", "--date", "2026-03-30")["episodes"] == 1


def test_week_helpers_agree() -> None:
    for day in (date(2026, 12, 31), date(2027, 1, 3), date(2026, 3, 29)):
        start, end = week_of(day)
        assert parse_iso_week(f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}") == (start, end)


@pytest.mark.backend
def test_weekly_text_reads_a_rule_at_several_sites_as_one_flag_and_json_keeps_each(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-22T21:00:00")
    for day in range(1, 21):
        for site in ("eyelid", "thumb"):
            diary.log(
                "--site", site, "--duration", "3s", "--pain", "0", "--visible", "flicker",
                "--at", f"2026-11-{day:02d} 09:00",
            )  # fmt: skip
    for fmt in ("text", "markdown"):
        text = diary.ok("report", "weekly", "--format", fmt).stdout
        assert "Twitching keeps coming back at 2 sites (eyelid, thumb)" in text
        assert "Twitching keeps coming back at the eyelid" not in text
    flags = diary.json_format("report", "weekly")["flags"]
    assert sorted(f["title"] for f in flags if f["code"] == "persistent_twitching") == [
        "Twitching keeps coming back at the eyelid",
        "Twitching keeps coming back at the thumb",
    ]
