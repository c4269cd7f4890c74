"""`diary log`: every option, its bad values, prompts and the echo line."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import Diary

pytestmark = pytest.mark.backend


def test_log_stores_every_option_and_echoes_it_back(diary: Diary) -> None:
    episode = diary.log(
        "--site",
        "calf",
        "--side",
        "left",
        "--duration",
        "1m30s",
        "--pain",
        "6",
        "--trigger",
        "coffee",
        "--trigger",
        "dehydration",
        "--trigger",
        "statin",
        "--trigger",
        "long drive",
        "--visible",
        "bulge",
        "--stiff",
        "--limited-motion",
        "--rhythmic",
        "--weakness",
        "--breathing",
        "--appearance-change",
        "--soreness-hours",
        "30",
        "--at",
        "2026-11-20T14:30",
        "--note",
        'said "ouch", twice',
    )
    assert episode["site"] == "calf" and episode["side"] == "left"
    assert episode["duration_s"] == 90.0 and episode["pain"] == 6
    assert episode["triggers"] == ["caffeine", "dehydration", "medication", "long drive"]
    assert episode["trigger_details"] == {"medication": "statin"}
    assert episode["visible"] == "bulge"
    for name in (
        "stiff",
        "limited_motion",
        "rhythmic",
        "weakness",
        "breathing",
        "appearance_change",
    ):
        assert episode[name] is True
    assert episode["soreness_hours"] == 30.0
    assert episode["at"] == "2026-11-20T14:30:00"
    assert episode["note"] == 'said "ouch", twice'
    assert set(episode["classification"]) >= {"label", "subtype", "confidence", "reasons"}
    assert isinstance(episode["flags"], list)
    assert diary.json("show", str(episode["id"]))["triggers"] == episode["triggers"]


def test_log_defaults(diary: Diary) -> None:
    before = datetime.now().replace(microsecond=0)
    episode = diary.log("--site", "eyelid", "--duration", "3", "--pain", "0")
    assert episode["side"] is None and episode["visible"] == "none"
    assert episode["triggers"] == [] and episode["note"] is None
    assert not any(episode[n] for n in ("stiff", "weakness", "breathing", "rhythmic"))
    logged = datetime.fromisoformat(episode["at"])
    assert before <= logged <= datetime.now()


def test_echo_line_shows_site_duration_pain_triggers_and_weekday(diary: Diary) -> None:
    out = diary.ok(
        "log",
        "--site",
        "lower-back",
        "--side",
        "right",
        "--duration",
        "2m",
        "--pain",
        "5",
        "--trigger",
        "posture",
        "--at",
        "2026-11-19 08:15",
    ).stdout
    first = out.splitlines()[0]
    assert "right lower back" in first and "2 min" in first and "pain 5/10" in first
    assert "posture" in first and "Thu 19 Nov 2026 08:15" in first


def test_site_with_side_in_one_word(diary: Diary) -> None:
    episode = diary.log("--site", "Left Calf", "--duration", "60s", "--pain", "5")
    assert (episode["site"], episode["side"]) == ("calf", "left")


@pytest.mark.parametrize(
    ("typed", "site"),
    [
        ("lower back", "lower back"),
        ("lower-back", "lower back"),
        ("LOWER_BACK", "lower back"),
        ("eye", "eyelid"),
        ("quads", "thigh"),
        ("stomach", "abdomen"),
    ],
)
def test_site_aliases(diary: Diary, typed: str, site: str) -> None:
    assert diary.log("--site", typed, "--duration", "3s", "--pain", "0")["site"] == site


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [
        ("45", 45),
        ("3s", 3),
        ("90s", 90),
        ("2m", 120),
        ("1m30s", 90),
        ("1h", 3600),
        ("2 min", 120),
        ("1.5m", 90),
    ],
)
def test_duration_forms(diary: Diary, typed: str, seconds: float) -> None:
    episode = diary.log("--site", "calf", "--duration", typed, "--pain", "3")
    assert episode["duration_s"] == seconds


def test_friendly_times(diary: Diary) -> None:
    env = {"DIARY_NOW": "2026-11-21T10:00:00"}
    result = diary(
        "log",
        "--site",
        "calf",
        "--duration",
        "90s",
        "--pain",
        "6",
        "--at",
        "yesterday 22:30",
        "--json",
        env=env,
    )
    assert result.exit_code == 0, result.stderr
    assert '"at": "2026-11-20T22:30:00"' in result.stdout
    result = diary(
        "log",
        "--site",
        "calf",
        "--duration",
        "90s",
        "--pain",
        "6",
        "--at",
        "today 7am",
        "--json",
        env=env,
    )
    assert '"at": "2026-11-21T07:00:00"' in result.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--site", "elbowz"], "elbowz"),
        (["--duration", "0s"], "0s"),
        (["--duration", "-5"], "-5"),
        (["--duration", "soon"], "soon"),
        (["--duration", "25h"], "25h"),
        (["--pain", "11"], "11"),
        (["--pain", "-1"], "-1"),
        (["--pain", "abc"], "abc"),
        (["--side", "middle"], "middle"),
        (["--visible", "glow"], "glow"),
        (["--soreness-hours", "-3"], "-3"),
        (["--at", "next tuesday"], "next tuesday"),
        (["--at", "2999-01-01"], "2999-01-01"),
        (["--at", "2026-13-01"], "2026-13-01"),
    ],
)
def test_bad_values_exit_2_with_one_line_and_write_nothing(
    diary: Diary, args: list[str], named: str
) -> None:
    base = {"--site": "calf", "--duration": "90s", "--pain": "5"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = ["log"] + [x for pair in base.items() for x in pair]
    result = diary(*argv)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0]
    assert "Traceback" not in result.output
    assert diary.json("list") == []


def test_unknown_site_suggests_close_names(diary: Diary) -> None:
    result = diary("log", "--site", "calff", "--duration", "3s", "--pain", "1")
    assert result.exit_code == 2
    assert "did you mean 'calf'" in result.stderr


def test_unknown_trigger_is_kept_as_free_text(diary: Diary) -> None:
    episode = diary.log(
        "--site", "calf", "--duration", "3s", "--pain", "1", "--trigger", "Long Drive"
    )
    assert episode["triggers"] == ["long drive"]


def test_missing_values_without_a_terminal_are_bad_input(diary: Diary) -> None:
    result = diary("log", "--site", "calf")
    assert result.exit_code == 2
    assert "--duration" in result.stderr and "--pain" in result.stderr
    assert diary.json("list") == []


def test_missing_values_are_prompted_on_a_terminal(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("diary.cli.episodes.stdin_is_interactive", lambda: True)
    # then Enter four times: now, nothing seen, not stiff, nothing done for it
    answers = "elbowz\neyelid\nforever\n4s\n12\n1\n\n\n\n\n"
    result = diary("log", "--trigger", "coffee", input=answers)
    assert result.exit_code == 0, result.output
    assert "unknown site 'elbowz'" in result.output
    assert "pain 12 is out of range" in result.output
    episode = diary.json("list")[0]
    assert (episode["site"], episode["duration_s"], episode["pain"]) == ("eyelid", 4.0, 1)


def test_log_json_reports_flags_and_text_shows_new_flag(diary: Diary) -> None:
    out = diary.ok(
        "log", "--site", "chest", "--duration", "2m", "--pain", "7", "--breathing"
    ).stdout
    assert "URGENT" in out and "Seek care now" in out and "not a diagnosis" in out
    episode = diary.log("--site", "calf", "--duration", "2m", "--pain", "3")
    assert [f["code"] for f in episode["flags"]] == ["breathing_difficulty"]


def test_a_prompted_log_asks_when_and_enter_keeps_now(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("diary.cli.episodes.stdin_is_interactive", lambda: True)
    env = {"DIARY_NOW": "2026-11-21T08:00:00"}
    # site (with its side, as --site takes it), duration, pain; when: a typo, then the
    # night's cramp; nothing seen, not stiff, nothing done for it
    answers = "left calf\n2m\n7\nwhenever\nlast night 3am\n\n\n\n"
    result = diary("log", "--trigger", "exercise", input=answers, env=env)
    assert result.exit_code == 0, result.output
    assert "When? [now]" in result.output and "'whenever' is not understood" in result.output
    result = diary(
        "log", "--site", "eyelid", "--trigger", "coffee", input="3s\n0\n\n\n\n\n", env=env
    )
    assert result.exit_code == 0, result.output
    stored = diary.json("list")
    assert [(e["site"], e["side"], e["at"]) for e in stored] == [
        ("calf", "left", "2026-11-21T03:00:00"),
        ("eyelid", None, "2026-11-21T08:00:00"),
    ]
    typed_at = diary(
        "log", "--at", "07:30", "--trigger", "coffee", input="thumb\n3s\n0\n\n\n\n", env=env
    )
    assert typed_at.exit_code == 0 and "When?" not in typed_at.output


def test_an_episode_from_long_ago_is_logged_and_labelled(diary: Diary) -> None:
    # Far before the weeks the flags read: its label comes from the episode alone.
    episode = diary.log("--site", "calf", "--duration", "2m", "--pain", "7", "--at", "2020-01-01")
    assert episode["classification"]["label"] == "spasm" and episode["flags"] == []
    assert diary.json("show", str(episode["id"]))["classification"] == episode["classification"]
