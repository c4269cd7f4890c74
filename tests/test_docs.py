"""The README shows the real `--help`, and documents every command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Diary

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_help_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    shown = README.split("$ diary --help\n", 1)[1].split("```", 1)[0]
    result = Diary().runner.invoke(
        __import__("diary.cli").cli.app, ["--help"], prog_name="diary", terminal_width=80
    )
    assert result.exit_code == 0
    assert shown == result.stdout


def test_every_command_is_in_the_readme() -> None:
    from diary.cli.app import COMMANDS

    assert "log" in COMMANDS and "report" in COMMANDS
    for command in COMMANDS:
        assert re.search(rf"diary (--db \S+ )?{command}\b", README), command


def test_readme_quick_start_matches_ci() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    test_command = README.split("Run the tests")[1].split("```sh\n")[1].split("\n")[0]
    assert test_command in ci
