"""The configuration file: a bad value is refused with one line naming it, before anything
is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Diary

LOG = ("log", "--site", "calf", "--duration", "90s", "--pain", "5")


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('[check-in]\nunits = { caffeine = ["x", 1] }\n', "['x', 1]"),
        ("[check-in]\nexposures = [1]\n", "1"),
        ('[check-in]\nexposures = "coffee"\n', "exposures must be a list"),
        ('[thresholds]\nsevere_pain_min = "high"\n', "severe_pain_min"),
        ("[thresholds]\nsevere_pain_min = 11\n", "severe_pain_min"),
        ("[thresholds]\ntrigger_window_days = 7.5\n", "trigger_window_days"),
        ("[thresholds]\nno_such_threshold = 1\n", "no_such_threshold"),
        ("[tresholds]\nsevere_pain_min = 7\n", "tresholds"),
        ("[thresholds\n", "not valid TOML"),
    ],
)
def test_a_bad_configuration_is_refused_in_one_line_and_nothing_is_written(
    diary: Diary, tmp_path: Path, toml: str, named: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(toml)
    result = diary(*LOG, env={"DIARY_CONFIG": str(config)})
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0] and str(config) in lines[0]
    assert "Traceback" not in result.output
    assert diary.json("list") == []


def test_a_good_configuration_changes_what_config_show_reports(
    diary: Diary, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[thresholds]\nsevere_pain_min = 7\n[check-in]\nunits = { coffee = "cups" }\n'
    )
    shown = diary("config", "show", "--json", env={"DIARY_CONFIG": str(config)})
    assert shown.exit_code == 0, shown.output
    assert '"severe_pain_min"' in shown.stdout and str(config) in shown.stdout
    logged = diary(*LOG[:-1], "7", "--json", env={"DIARY_CONFIG": str(config)})
    assert '"severe_pain"' in logged.stdout  # pain 7 now raises the flag
