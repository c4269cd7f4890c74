"""`list`, `edit` and `delete`: what a person changes, and what stays."""

from __future__ import annotations

import pytest

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
    assert "3 episode(s)." in three.ok("list").stdout


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
