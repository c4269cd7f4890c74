"""The daily check-in: `diary day` marks a kept day, `diary days` shows kept days and gaps;
both survive export and import (CSV and JSON) unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Diary

pytestmark = pytest.mark.backend


@pytest.fixture
def evening(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-20T21:00:00")


def test_day_keeps_exposures_with_amounts_and_aliases(diary: Diary, evening: None) -> None:
    day = diary.json("day", "--had", "coffee=3", "--had", "alcohol", "--had", "Poor sleep")
    assert day == {
        "date": "2026-11-20",
        "kept": True,
        "exposures": {"caffeine": 3.0, "alcohol": None, "poor sleep": None},
        "episodes": 0,
        "contractions": 0,
        "no_episodes": False,
    }


def test_running_day_again_replaces_the_check_in(diary: Diary, evening: None) -> None:
    diary.ok("day", "--had", "coffee=3", "--had", "stress")
    again = diary.json("day", "--had", "coffee=1")
    assert again["exposures"] == {"caffeine": 1.0}
    assert [d["exposures"] for d in diary.json("days", "--since", "today")] == [{"caffeine": 1.0}]


def test_a_trigger_on_an_episode_is_an_exposure_of_its_day(diary: Diary, evening: None) -> None:
    diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0", "--trigger", "stress",
              "--count", "7")  # fmt: skip
    day = diary.json("day", "--had", "coffee=2")
    assert day["exposures"] == {"caffeine": 2.0, "stress": None}
    assert (day["episodes"], day["contractions"]) == (1, 7)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--had", "coffee=0"), "'0'"),
        (("--had", "coffee=lots"), "'lots'"),
        (("--had", "coffee=-1"), "'-1'"),
        (("tomorrow",), "tomorrow"),
        (("2026-11-21",), "2026-11-21"),
        (("--had", "coffee", "--had", "espresso=2"), "espresso=2"),
    ],
)
def test_bad_check_ins_are_refused_and_nothing_is_written(
    diary: Diary, evening: None, args: tuple[str, ...], named: str
) -> None:
    result = diary("day", *args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not any(d["kept"] for d in diary.json("days", "--since", "7 days ago"))


def test_none_refuses_a_day_with_episodes(diary: Diary, evening: None) -> None:
    diary.log("--site", "calf", "--duration", "1m", "--pain", "5", "--at", "yesterday 22:00")
    refused = diary("day", "yesterday", "--none")
    assert refused.exit_code == 2 and "2026-11-19" in refused.stderr
    assert diary.json("day", "--none")["no_episodes"] is True


def test_a_day_far_back_is_accepted(diary: Diary, evening: None) -> None:
    assert diary.json("day", "2025-01-03", "--had", "stress")["date"] == "2025-01-03"


def test_days_shows_gaps_as_not_checked_in_never_as_zero(diary: Diary, evening: None) -> None:
    diary.ok("day", "2026-11-18", "--had", "coffee=2")
    diary.ok("day", "2026-11-20", "--none")
    diary.log("--site", "calf", "--duration", "1m", "--pain", "5", "--at", "2026-11-19 08:00")
    days = diary.json("days", "--since", "2026-11-18", "--until", "2026-11-20")
    assert [(d["date"], d["kept"], d["episodes"]) for d in days] == [
        ("2026-11-18", True, 0),
        ("2026-11-19", False, 1),
        ("2026-11-20", True, 0),
    ]
    text = diary.ok("days", "--since", "2026-11-18", "--until", "2026-11-20").stdout
    assert "Thu 19 Nov 2026  not checked in · 1 entry" in text
    assert "caffeine 2 cups" in text and "kept on 2 of 3 days" in text


def test_day_without_arguments_on_a_kept_day_shows_it_and_asks(
    diary: Diary, evening: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary.ok("day", "--had", "coffee=3")
    unchanged = diary.ok("day").stdout  # no terminal: shows the day, changes nothing
    assert "caffeine 3 cups" in unchanged and "Already checked in" in unchanged
    monkeypatch.setattr("diary.cli.days.stdin_is_interactive", lambda: True)
    kept = diary("day", input="n\n")
    assert kept.exit_code == 1 and "Replace this check-in?" in kept.output
    # replace: yes; caffeine 1 cup; alcohol none; poor sleep y; stress n; exercise n;
    # dehydration n; anything else: 'sauna'; episodes not logged: n
    replaced = diary("day", input="y\n1\n\ny\nn\nn\nn\nsauna\nn\n")
    assert replaced.exit_code == 0, replaced.output
    day = diary.json("days", "--since", "today")[0]
    assert day["exposures"] == {"caffeine": 1.0, "poor sleep": None, "sauna": None}
    assert day["no_episodes"] is True


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_kept_days_round_trip_through_export_and_import(
    diary: Diary, evening: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    diary.ok("day", "2026-11-18", "--had", "coffee=2.5", "--had", "=sauna")
    diary.ok("day", "2026-11-19", "--none")
    diary.log("--site", "calf", "--duration", "1m", "--pain", "5", "--at", "yesterday",
              "--count", "3")  # fmt: skip
    before = diary.json("days", "--since", "2026-11-17")
    path = tmp_path / f"diary.{fmt}"
    diary.ok("export", "--format", fmt, "--out", str(path))
    if fmt == "csv":
        assert (tmp_path / "diary.days.csv").is_file()
    else:
        assert len(json.loads(path.read_text())["days"]) == 2
    monkeypatch.setenv("DIARY_DB", str(tmp_path / "other.sqlite3"))
    first = diary.json("import", str(path))
    assert (first["added"], first["days_added"]) == (1, 2)
    assert diary.json("days", "--since", "2026-11-17") == before
    again = diary.json("import", str(path))
    assert (again["added"], again["days_added"], again["days_already_kept"]) == (0, 0, 2)
    episode = diary.json("list")[0]
    assert (episode["count"], episode["time_known"]) == (3, False)


def test_a_bad_day_in_an_import_rejects_the_whole_file(diary: Diary, tmp_path: Path) -> None:
    document = {
        "episodes": [{"at": "2026-11-01T08:00:00", "site": "calf", "duration_s": 60, "pain": 3}],
        "days": [{"date": "2026-11-01", "exposures": {"caffeine": -2}}],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    result = diary("import", str(path))
    assert result.exit_code == 2 and "day 1" in result.stderr
    assert diary.json("list") == []


def test_the_readme_reminder_line_says_whether_today_is_kept(diary: Diary, evening: None) -> None:
    # The README's cron and systemd recipes show `diary days --since today | head -1`.
    def first_line() -> str:
        return diary.ok("days", "--since", "today").stdout.splitlines()[0]

    assert first_line() == "Fri 20 Nov 2026  not checked in"
    diary.ok("day", "--none")
    assert first_line().startswith("Fri 20 Nov 2026  kept")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert readme.count("diary days --since today | head -1") == 2
