"""`list`, `edit` and `delete`: what a person changes, and what stays."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from diary.cli import app
from diary.domain import SIGN_FIELDS, SIGN_HELP, SIGN_OFF
from tests.conftest import Diary

pytestmark = pytest.mark.backend


@pytest.fixture
def three(diary: Diary) -> Diary:
    for day, site in (("2026-11-01", "eyelid"), ("2026-11-02", "calf"), ("2026-11-03", "thumb")):
        diary.ok(
            "log",
            "--site",
            site,
            "--duration",
            "3s",
            "--pain",
            "1",
            "--trigger",
            "coffee",
            "--at",
            f"{day}T09:00",
        )
    return diary


def test_list_period_and_last(three: Diary) -> None:
    assert [e["site"] for e in three.json("list")] == ["eyelid", "calf", "thumb"]
    assert [e["site"] for e in three.json("list", "--since", "2026-11-02")] == ["calf", "thumb"]
    assert [e["site"] for e in three.json("list", "--until", "2026-11-02")] == ["eyelid", "calf"]
    assert [e["site"] for e in three.json("list", "--last", "1")] == ["thumb"]
    result = three("list", "--since", "2026-11-03", "--until", "2026-11-01")
    assert result.exit_code == 2 and "--since" in result.stderr
    assert "3 episodes." in three.ok("list").stdout


def test_edit_changes_fields_and_keeps_the_id(three: Diary) -> None:
    before = three.json("show", "2")
    after = three.json(
        "edit",
        "2",
        "--site",
        "right thigh",
        "--duration",
        "2m",
        "--pain",
        "7",
        "--trigger",
        "exercise",
        "--visible",
        "bulge",
        "--stiff",
        "--soreness-hours",
        "30",
        "--at",
        "2026-11-02T21:15",
        "--note",
        "gym",
    )
    assert after["id"] == 2
    assert (after["site"], after["side"], after["duration_s"], after["pain"]) == (
        "thigh",
        "right",
        120.0,
        7,
    )
    assert after["triggers"] == ["exercise"] and after["stiff"] is True
    assert after["at"] == "2026-11-02T21:15:00" and after["note"] == "gym"
    assert after["logged_at"] == before["logged_at"]
    assert after["classification"]["label"] == "spasm"
    assert three.json("show", "2") == after
    cleared = three.json("edit", "2", "--clear-triggers", "--not-stiff", "--note", "")
    assert cleared["triggers"] == [] and cleared["stiff"] is False and cleared["note"] is None
    assert [e["id"] for e in three.json("list")] == [1, 2, 3]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["42", "--pain", "3"], "42"),
        (["2"], "nothing to change"),
        (["2", "--pain", "12"], "12"),
        (["2", "--site", "tail"], "tail"),
    ],
)
def test_bad_edits_change_nothing(three: Diary, args: list[str], named: str) -> None:
    before = three.json("list")
    result = three("edit", *args)
    assert result.exit_code == 2 and named in result.stderr
    assert three.json("list") == before


def test_delete_asks_first(three: Diary, monkeypatch: pytest.MonkeyPatch) -> None:
    refused = three("delete", "2")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    monkeypatch.setattr("diary.cli.episodes.stdin_is_interactive", lambda: True)
    kept = three("delete", "2", input="n\n")
    assert kept.exit_code == 1 and "Delete episode #2 (calf" in kept.stdout
    assert len(three.json("list")) == 3
    three.ok("delete", "2", input="y\n")
    three.ok("delete", "3", "--yes")
    assert [e["id"] for e in three.json("list")] == [1]
    missing = three("delete", "3", "--yes")
    assert missing.exit_code == 2 and "no episode with id 3" in missing.stderr


def test_plain_diary_shows_help() -> None:
    result = Diary()()
    assert result.exit_code == 0 and "Commands:" in result.stdout


def _options(command: str) -> dict[str, Any]:
    """The options of a command as the command line parses them, by name."""
    group = typer.main.get_command(app)
    # Commands load lazily: ask the group for one as the command line does.
    params = group.get_command(typer.Context(group), command).params  # type: ignore[attr-defined]
    return {name: p for p in params if p.param_type_name == "option" for name in p.opts}


def test_every_sign_of_the_domain_is_an_option_of_log_and_edit_with_its_help() -> None:
    log, edit = _options("log"), _options("edit")
    for name in SIGN_FIELDS:
        option = "--" + name.replace("_", "-")
        assert log[option].help == SIGN_HELP[name], option
        assert log[option].is_flag and log[option].default is False
        assert edit[option].help == SIGN_HELP[name], option
        assert edit[option].secondary_opts == [SIGN_OFF[name]]


def test_edit_ticks_and_unticks_every_sign(three: Diary) -> None:
    for name in SIGN_FIELDS:
        option = "--" + name.replace("_", "-")
        assert three.json("edit", "1", option)[name] is True
        assert three.json("edit", "1", SIGN_OFF[name])[name] is False


@pytest.mark.parametrize(
    "bad",
    [
        ["--pain", "12"],
        ["--pain", "abc"],
        ["--site", "tail"],
        ["--site", "left calf", "--side", "right"],
        ["--side", "middle"],
        ["--duration", "soon"],
        ["--duration", "-5"],
        ["--duration", "25h"],
        ["--visible", "glow"],
        ["--soreness-hours", "-3"],
        ["--count", "0"],
        ["--count", "1.5"],
        ["--at", "2999-01-01"],
        ["--at", "next tuesday"],
        ["--trigger", "x" * 300],
        ["--note", "a\x00b"],
        ["--note", "n" * 4001],
    ],
)
def test_edit_refuses_what_log_refuses_with_the_same_words(three: Diary, bad: list[str]) -> None:
    before = three.json("list")
    logged = three("log", "--site", "calf", "--duration", "90s", "--pain", "5", *bad)
    edited = three("edit", "2", *bad)
    assert logged.exit_code == edited.exit_code == 2
    assert edited.stderr == logged.stderr and edited.stderr.count("\n") == 1
    assert three.json("list") == before
