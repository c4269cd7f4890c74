"""Logging the way people live with it: times given the morning after, no invented
midnight, bouts logged with a count, the words people type for sites and triggers, and
urgent signs shown in full every time."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest

from diary.analysis.classify import classify
from diary.analysis.flags import evaluate_flags
from diary.parsing import DATETIME_FORMS, parse_when
from tests.conftest import Diary
from tests.factories import episode as make_episode

NIGHT = datetime(2026, 11, 23, 2, 0)  # a Monday, 02:00


@pytest.fixture
def at_two_am(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARY_NOW", NIGHT.isoformat())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("23:40", datetime(2026, 11, 22, 23, 40)),  # last night, not refused as future
        ("3am", datetime(2026, 11, 22, 3, 0)),  # 3am today is still to come
        ("1:30am", datetime(2026, 11, 23, 1, 30)),
        ("last night 11pm", datetime(2026, 11, 22, 23, 0)),
        ("this morning 1am", datetime(2026, 11, 23, 1, 0)),
        ("2 hours ago", datetime(2026, 11, 23, 0, 0)),
        ("30 min ago", datetime(2026, 11, 23, 1, 30)),
        ("3 days ago 8pm", datetime(2026, 11, 20, 20, 0)),
        ("Nov 20 3am", datetime(2026, 11, 20, 3, 0)),
        ("20 Nov 3am", datetime(2026, 11, 20, 3, 0)),
        ("yesterday 23:40", datetime(2026, 11, 22, 23, 40)),
    ],
)
def test_times_typed_at_night_mean_the_latest_such_moment(typed: str, expected: datetime) -> None:
    when = parse_when(typed, now=NIGHT)
    assert (when.at, when.time_known) == (expected, True)


@pytest.mark.parametrize("typed", ["yesterday", "3 days ago", "2026-11-20", "Nov 20", "monday"])
def test_a_day_without_a_time_keeps_the_time_unknown(typed: str) -> None:
    when = parse_when(typed, now=NIGHT)
    assert when.time_known is False and when.part_of_day is None


@pytest.mark.parametrize("typed", ["last night", "tonight"])
def test_last_night_is_a_night_of_unknown_hour(typed: str) -> None:
    when = parse_when(typed, now=NIGHT)
    assert (when.at.date().isoformat(), when.time_known, when.part_of_day) == (
        "2026-11-22",
        False,
        "night",
    )


def test_forms_list_names_every_form_that_works() -> None:
    for form in ("3 days ago", "last night 3am", "2 hours ago", "Nov 20 3am", "23:40"):
        assert form in DATETIME_FORMS
        parse_when(form, now=datetime(2026, 11, 23, 23, 59))  # each really parses


@pytest.mark.parametrize("typed", ["", "  ", "blue moon", "tomorrow", "this morning 3am"])
def test_bad_or_future_times_are_refused_with_one_line(
    diary: Diary, at_two_am: None, typed: str
) -> None:
    result = diary("log", "--site", "calf", "--duration", "1m", "--pain", "5", "--at", typed)
    assert result.exit_code == 2
    assert repr(typed) in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert diary.json("list") == []


def test_date_only_calf_cramp_is_not_a_night_cramp(diary: Diary, at_two_am: None) -> None:
    args = ("--site", "calf", "--duration", "2m", "--pain", "7", "--visible", "bulge", "--stiff")
    dated = diary.log(*args, "--at", "yesterday")
    assert dated["time_known"] is False
    assert dated["classification"]["subtype"] != "nocturnal"
    night = diary.log(*args, "--at", "last night")
    assert night["time_known"] is False and night["part_of_day"] == "night"
    assert night["classification"]["subtype"] == "nocturnal"
    timed = diary.log(*args, "--at", "23:40")
    assert timed["time_known"] is True and timed["classification"]["subtype"] == "nocturnal"
    shown = diary.ok("show", str(dated["id"])).stdout
    assert "(time not given)" in shown and "00:00" not in shown
    assert "night of Sun 22 Nov 2026" in diary.ok("show", str(night["id"])).stdout


def test_unknown_time_is_in_no_hour_bin_of_the_charts() -> None:
    from diary.analysis.series import chart_data

    dated = make_episode(id=1, at=datetime(2026, 11, 20), time_known=False)
    timed = make_episode(id=2, at=datetime(2026, 11, 20, 0, 30))
    data = chart_data([dated, timed], classify, dated.at.date(), dated.at.date())
    assert sum(sum(v) for v in data.hours.values()) == 1  # only the timed one
    assert data.total == 2


def test_count_is_stored_shown_and_refused_when_not_a_whole_number(diary: Diary) -> None:
    bout = diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0", "--count", "12")
    assert (
        bout["count"] == 12
        and diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0")["count"] == 1
    )
    assert "×12" in diary.ok("list").stdout
    for bad in ("0", "-3", "2.5", "many"):
        result = diary("log", "--site", "eyelid", "--duration", "3s", "--pain", "0", "--count", bad)
        assert result.exit_code == 2 and f"count {bad!r}" in result.stderr.replace('"', "'")
    assert len(diary.json("list")) == 2


@pytest.mark.parametrize(
    ("typed", "site"),
    [
        ("upper eyelid", "eyelid"),
        ("lower eyelid", "eyelid"),
        ("under the eye", "eyelid"),
        ("big toe", "toe"),
        ("foot arch", "foot"),
    ],
)
def test_sites_people_type_are_mapped(diary: Diary, typed: str, site: str) -> None:
    episode = diary.log("--site", typed, "--duration", "3s", "--pain", "0")
    assert episode["site"] == site


def test_unknown_site_with_a_known_word_gets_a_suggestion(diary: Diary) -> None:
    result = diary("log", "--site", "inner thigh", "--duration", "3s", "--pain", "0")
    assert result.exit_code == 2 and "did you mean 'thigh'" in result.stderr


def test_both_sides_echo_in_the_plural(diary: Diary) -> None:
    out = diary.ok("log", "--site", "both calves", "--duration", "1m", "--pain", "4").stdout
    assert "both calves" in out and "both calf" not in out


def test_comma_separated_triggers_and_drink_names(diary: Diary) -> None:
    episode = diary.log(
        "--site", "eyelid", "--duration", "3s", "--pain", "0",
        "--trigger", "coffee,stress", "--trigger", "Red Bull", "--trigger", "+caffeine",
    )  # fmt: skip
    assert episode["triggers"] == ["caffeine", "stress"]
    for typed in ("energy drink", "espresso", "-stress", "+caffeine", "=HYPERLINK(1)"):
        names = diary.log(
            "--site", "eyelid", "--duration", "3s", "--pain", "0", "--trigger", typed
        )["triggers"]
        assert names and names[0] in {"caffeine", "stress", "hyperlink(1)"}, typed


def test_prompted_log_asks_what_decides_the_label(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("diary.cli.episodes.stdin_is_interactive", lambda: True)
    # When? and what was done for it: Enter (now; nothing)
    result = diary("log", input="eyelid\n2m\n0\n\nflicker\nn\ncoffee, stress\n\n")
    assert result.exit_code == 0, result.output
    episode = diary.json("list")[0]
    assert episode["visible"] == "flicker" and episode["triggers"] == ["caffeine", "stress"]
    assert episode["classification"]["label"] == "twitch"


def test_an_urgent_sign_prints_the_urgent_block_every_time(diary: Diary) -> None:
    args = ("log", "--site", "chest", "--duration", "2m", "--pain", "7", "--breathing")
    first = diary.ok(*args).stdout
    second = diary.ok(*args).stdout
    for out in (first, second):
        assert "URGENT" in out and "Seek care now" in out
    assert "active: `diary flags`" not in second.split("URGENT")[0]
    calm = diary.ok("log", "--site", "eyelid", "--duration", "3s", "--pain", "0").stdout
    assert "URGENT" not in calm
    assert re.search(r"\d+ other flags? active", calm)
    disclaimer_lines = [line for line in calm.splitlines() if "not a diagnosis" in line]
    assert disclaimer_lines and all("active: `diary" not in line for line in disclaimer_lines)


def test_a_night_tally_counts_as_that_many_spasms() -> None:
    base = datetime(2026, 11, 9, 3, 0)
    tallies = [
        make_episode(id=1, at=base, site="calf", count=3, visible="bulge", stiff=True, pain=6),
        make_episode(
            id=2, at=base.replace(day=16), site="calf", count=3, visible="bulge", stiff=True, pain=6
        ),
    ]
    codes = [f.code for f in evaluate_flags(tallies, base.replace(day=20).date())]
    assert "recurring_spasms" in codes
    single = [replace(e, count=1) for e in tallies]
    assert "recurring_spasms" not in [
        f.code for f in evaluate_flags(single, base.replace(day=20).date())
    ]


def test_one_big_bout_cannot_raise_worsening_alone() -> None:
    base = datetime(2026, 11, 1, 9, 0)
    earlier = [make_episode(id=i, at=base.replace(day=1 + 2 * i)) for i in range(1, 4)]
    bout = make_episode(id=10, at=datetime(2026, 11, 25, 9, 0), count=200)
    codes = [f.code for f in evaluate_flags([*earlier, bout], bout.at.date())]
    assert "worsening" not in codes
