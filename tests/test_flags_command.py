"""`diary flags`, `diary show` explanations and `diary config show` through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Diary

pytestmark = pytest.mark.backend


def test_flags_json_as_of(diary: Diary) -> None:
    diary.log("--site", "calf", "--duration", "90s", "--pain", "9", "--at", "2026-11-10T08:00")
    data = diary.json("flags", "--as-of", "2026-11-20")
    assert data["as_of"] == "2026-11-20"
    [flag] = data["flags"]
    assert set(flag) >= {"code", "severity", "title", "detail", "episode_ids", "source"}
    assert flag["code"] == "severe_pain" and flag["episode_ids"] == [1]
    assert diary.json("flags", "--as-of", "2026-11-09")["flags"] == []
    assert diary.json("flags", "--as-of", "2026-12-08")["flags"] == []


def test_flags_text_is_calm_and_urgent_first(diary: Diary) -> None:
    diary.log("--site", "calf", "--duration", "90s", "--pain", "9", "--at", "2026-11-10T08:00")
    diary.log(
        "--site",
        "chest",
        "--duration",
        "60s",
        "--pain",
        "5",
        "--breathing",
        "--at",
        "2026-11-11T08:00",
    )
    out = diary.ok("flags", "--as-of", "2026-11-11").stdout  # urgent on the day it happened
    assert out.index("URGENT") < out.index("Severe pain")
    assert "Seek care now" in out and "not a diagnosis" in out
    assert "evidence: #2" in out and "sources: 001" in out


def test_no_flags_is_reassuring(diary: Diary) -> None:
    out = diary.ok("flags", "--as-of", "2026-11-20").stdout
    assert "No flags" in out and "not a diagnosis" in out


def test_show_explains_reason_by_reason(diary: Diary) -> None:
    diary.log(
        "--site",
        "eyelid",
        "--duration",
        "3s",
        "--pain",
        "0",
        "--visible",
        "flicker",
        "--trigger",
        "coffee",
    )
    out = diary.ok("show", "1").stdout
    assert "twitch (fasciculation)" in out
    assert "flicker" in out and "pain 0/10" in out and "caffeine" in out
    assert "[001" in out and "not a diagnosis" in out


def test_show_unknown_id_is_bad_input(diary: Diary) -> None:
    result = diary("show", "42")
    assert result.exit_code == 2 and "no episode with id 42" in result.stderr


def test_config_file_overrides_and_config_show(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "diary.toml"
    config.write_text("[thresholds]\nsevere_pain_min = 7\n")
    monkeypatch.setenv("DIARY_CONFIG", str(config))
    diary.log("--site", "calf", "--duration", "90s", "--pain", "7", "--at", "2026-11-10T08:00")
    assert [f["code"] for f in diary.json("flags", "--as-of", "2026-11-20")["flags"]] == [
        "severe_pain"
    ]
    shown = {t["name"]: t for t in diary.json("config", "show")["thresholds"]}
    assert shown["severe_pain_min"]["value"] == 7
    assert shown["severe_pain_min"]["from"] == str(config)
    assert shown["prolonged_spasm_s"]["from"] == "default"
    assert "NICE" in shown["prolonged_spasm_s"]["source"]


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("[thresholds]\nsevere_pain = 7\n", "severe_pain"),
        ("[thresholds]\nsevere_pain_min = 'high'\n", "severe_pain_min"),
        ("[colours]\nred = 1\n", "colours"),
        ("not toml at all = = =\n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, named: str
) -> None:
    config = tmp_path / "diary.toml"
    config.write_text(content)
    monkeypatch.setenv("DIARY_CONFIG", str(config))
    result = diary("flags")
    assert result.exit_code == 2
    assert named in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("[thresholds]\nunclear_margin = nan\n", "finite"),
        ("[thresholds]\nsevere_pain_min = inf\n", "finite"),
        ("[thresholds]\nactive_window_days = 0\n", "out of range"),
        ("[thresholds]\nactive_window_days = 99999999999\n", "out of range"),
        ("[thresholds]\nnight_start_hour = 24\n", "out of range"),
        ("[thresholds]\nsevere_pain_min = 7.5\n", "whole number"),
        ("[thresholds]\ntwitch_max_pain = 6\n", "must not be above"),
    ],
)
def test_threshold_values_are_checked_before_anything_is_written(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, named: str
) -> None:
    config = tmp_path / "diary.toml"
    config.write_text(content)
    monkeypatch.setenv("DIARY_CONFIG", str(config))
    result = diary("log", "--site", "calf", "--duration", "90s", "--pain", "6")
    assert result.exit_code == 2
    assert named in result.stderr and len(result.stderr.splitlines()) == 1
    monkeypatch.delenv("DIARY_CONFIG")
    assert diary.json("list") == []


def test_a_number_is_a_number_and_config_show_stays_valid_json(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "diary.toml"
    config.write_text("[thresholds]\nworsening_pain_rise = 1.5\nprolonged_spasm_s = 300\n")
    monkeypatch.setenv("DIARY_CONFIG", str(config))
    shown = {t["name"]: t for t in diary.json("config", "show")["thresholds"]}
    assert shown["worsening_pain_rise"]["value"] == 1.5
    assert shown["prolonged_spasm_s"]["value"] == 300.0


def test_configured_night_moves_the_nocturnal_label(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cramp = ("--site", "calf", "--duration", "2m", "--pain", "6", "--visible", "bulge")
    at_21 = diary.log(*cramp, "--at", "2026-11-19T21:30", "--stiff")
    assert at_21["classification"]["subtype"] == "skeletal"
    config = tmp_path / "diary.toml"
    config.write_text("[thresholds]\nnight_start_hour = 21\n")
    monkeypatch.setenv("DIARY_CONFIG", str(config))
    assert diary.json("show", str(at_21["id"]))["classification"]["subtype"] == "nocturnal"
