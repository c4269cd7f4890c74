"""`diary experiment` through the command line, with "now" stepping day by day."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Diary

START = date(2026, 3, 2)


def at(day: date, clock: str = "20:00") -> dict[str, str]:
    return {"DIARY_NOW": f"{day.isoformat()}T{clock}"}


def run(diary: Diary, day: date, *args: str) -> Any:
    result = diary(*args, env=at(day))
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def run_json(diary: Diary, day: date, *args: str) -> Any:
    return json.loads(run(diary, day, *args, "--json").stdout)


def plan(diary: Diary, *extra: str) -> Any:
    return run_json(
        diary,
        START - timedelta(days=1),
        "experiment",
        "plan",
        "coffee",
        "--block",
        "5",
        "--washout",
        "1",
        "--pairs",
        "6",
        "--seed",
        "11",
        "--start",
        START.isoformat(),
        *extra,
    )


def test_a_whole_experiment_day_by_day(diary: Diary) -> None:
    planned = plan(diary)
    assert planned["exposure"] == "caffeine" and planned["seed"] == 11
    assert planned["start"] == START.isoformat()
    end = date.fromisoformat(planned["end"])
    assert end == START + timedelta(days=6 * 10 - 1)
    assert 0 <= planned["power"] <= 1
    missed = {START + timedelta(days=d) for d in (4, 18, 33)}
    deviations = {START + timedelta(days=d) for d in (12, 27)}
    seen_assignment: dict[date, str] = {}
    reminded: dict[date, str] = {}
    day = START
    while day <= end:
        status = run_json(diary, day, "experiment", "status")
        assert status["state"] == "running" and status["date"] == day.isoformat()
        assert not {"rate_with", "rate_ratio", "p", "contractions", "blocks"} & set(status)
        arm = status["assignment"]
        assert arm in ("with", "without")
        seen_assignment[day] = arm
        if day in reminded:
            assert reminded[day] == arm
        text = run(diary, day, "experiment", "status").stdout
        assert f"Today: {'no ' if arm == 'without' else ''}caffeine" in text
        had = (arm == "with") != (day in deviations)
        count = "4" if had else "1"
        run(
            diary,
            day,
            "log",
            "--site",
            "eyelid",
            "--duration",
            "3s",
            "--pain",
            "0",
            "--count",
            count,
            "--at",
            "10:00",
        )
        if day not in missed:
            args = ["day", day.isoformat(), *(["--had", "coffee=2"] if had else [])]
            said = run(diary, day, *args).stdout
            assert ("does not match" in said) == (day in deviations), said
            if day < end:
                tomorrow = "without" if "Tomorrow: without" in said else "with"
                assert "Tomorrow: " in said
                reminded[day + timedelta(days=1)] = tomorrow
        day += timedelta(days=1)

    after = end + timedelta(days=1)
    assert run_json(diary, after, "experiment", "status")["state"] == "finished"
    result = run_json(diary, after, "experiment", "result")
    # the sequence the result reveals is the one `status` gave day by day
    for block in result["blocks"]:
        first = date.fromisoformat(block["start"])
        last = date.fromisoformat(block["end"])
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        assert {seen_assignment[d] for d in days} == {block["arm"]}
    assert len(result["blocks"]) == 12
    kept = 60 - len(missed)
    assert result["missed_days"] == len(missed) and result["kept_days"] == kept
    assert result["adherence"] == pytest.approx((kept - len(deviations)) / kept, abs=1e-3)
    assert result["pairs_counted"] == 6
    assert result["verdict"] == "likely raises"
    assert result["p"] == pytest.approx(2 / 64, abs=1e-4)
    assert result["rate_ratio"] > 1.5
    assert result["per_protocol"]["rate_ratio"] == pytest.approx(4.0)
    text = run(diary, after, "experiment", "result").stdout
    assert "For you, in this period: caffeine likely raises your contractions." in text
    assert "Not blinded" in text and "seed 11" in text


def test_result_before_the_end_is_sealed_and_early_is_exploratory(diary: Diary) -> None:
    planned = plan(diary)
    day = START + timedelta(days=16)
    refused = diary("experiment", "result", env=at(day))
    assert refused.exit_code == 1
    assert planned["end"] in refused.stderr and "--early" in refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.splitlines()) == 1
    early = run_json(diary, day, "experiment", "result", "--early")
    assert early["verdict"] == "exploratory" and early["seed"] is None
    assert len(early["sequence"]) == 2  # pairs begun so far; the rest stays hidden
    assert all(date.fromisoformat(b["start"]) <= day for b in early["blocks"])


def experiments_in(db: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM experiments").fetchone()[0])


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["cofee"], "did you mean 'caffeine'"),
        (["caffeine", "--block", "0"], "--block 0"),
        (["caffeine", "--block", "7", "--washout", "7"], "--washout 7"),
        (["caffeine", "--pairs", "1"], "--pairs 1"),
        (["caffeine", "--start", "2020-01-01"], "in the past"),
        (["caffeine", "--seed", "-1"], "--seed -1"),
        (["caffeine", "--block", "30", "--pairs", "13"], "at most 730 days"),
        (["caffeine", "--outcome", "cramps"], "--outcome"),
    ],
)
def test_bad_plans_are_refused_and_nothing_is_written(
    diary: Diary, db_target: str, args: list[str], said: str
) -> None:
    diary.ok("day", "--none")  # the diary exists
    refused = diary("experiment", "plan", *args, env=at(START))
    assert refused.exit_code == 2, refused.stdout
    assert said in refused.stderr and len(refused.stderr.splitlines()) == 1
    if db_target.endswith(".sqlite3"):
        assert experiments_in(db_target) == 0


def test_one_experiment_at_a_time(diary: Diary, db_target: str) -> None:
    plan(diary)
    second = diary("experiment", "plan", "alcohol", env=at(START))
    assert second.exit_code == 2
    assert "caffeine" in second.stderr and "abandon" in second.stderr
    if db_target.endswith(".sqlite3"):
        assert experiments_in(db_target) == 1
    run(diary, START + timedelta(days=3), "experiment", "abandon", "--yes")
    later = run_json(diary, START + timedelta(days=3), "experiment", "plan", "alcohol")
    assert later["exposure"] == "alcohol"


def test_blocks_too_short_to_count_warn(diary: Diary) -> None:
    result = diary(
        "experiment", "plan", "caffeine", "--block", "3", "--washout", "2", env=at(START)
    )
    assert result.exit_code == 0
    assert "no pair can count" in result.stderr


def test_fewer_than_six_pairs_warns(diary: Diary) -> None:
    result = diary("experiment", "plan", "caffeine", "--pairs", "4", "--seed", "3", env=at(START))
    assert result.exit_code == 0
    assert "never give p below 0.05" in result.stderr
    assert "exploratory" in result.stdout


def test_pause_and_resume_move_the_rest_on_by_whole_pairs(diary: Diary) -> None:
    planned = plan(diary)
    not_paused = diary("experiment", "resume", env=at(START + timedelta(days=2)))
    assert not_paused.exit_code == 2 and "running" in not_paused.stderr
    run(diary, START + timedelta(days=3), "experiment", "pause")
    status = run_json(diary, START + timedelta(days=5), "experiment", "status")
    assert status["state"] == "paused" and status["assignment"] is None
    twice = diary("experiment", "pause", env=at(START + timedelta(days=5)))
    assert twice.exit_code == 2 and "paused" in twice.stderr
    run(diary, START + timedelta(days=12), "experiment", "resume")
    status = run_json(diary, START + timedelta(days=20), "experiment", "status")
    assert status["state"] == "running" and status["pair"] == 2
    # pair 2 was due on day 10; resumed on day 12, it starts a whole pair later, on day 20
    assert date.fromisoformat(status["end"]) == date.fromisoformat(planned["end"]) + timedelta(
        days=10
    )


def test_abandon_needs_yes_without_a_terminal_and_makes_the_result_exploratory(
    diary: Diary,
) -> None:
    plan(diary)
    day = START + timedelta(days=3)
    refused = diary("experiment", "abandon", env=at(day))
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    run(diary, day, "experiment", "abandon", "--yes")
    assert run_json(diary, day, "experiment", "status")["state"] == "abandoned"
    assert run_json(diary, day, "experiment", "result")["verdict"] == "exploratory"


def test_a_doctor_flag_during_an_experiment_says_stop_and_see_a_doctor(diary: Diary) -> None:
    plan(diary)
    day = START + timedelta(days=2)
    logged = run(
        diary, day, "log", "--site", "chest", "--duration", "1m", "--pain", "6", "--breathing"
    )
    assert "stop it" in logged.stdout and "see a doctor" in logged.stdout
    flags = run(diary, day, "flags").stdout
    assert "stop it (`diary experiment abandon`) and see a doctor" in flags


def test_the_check_in_shows_todays_assignment(diary: Diary) -> None:
    plan(diary)
    run(diary, START, "day", "--had", "coffee")
    again = run(diary, START, "day").stdout
    assert "Experiment: today" in again and "pair 1 of 6" in again
    assert "washout day 1 of 1" in again


def test_export_import_and_backup_restore_keep_the_experiment(
    diary: Diary, tmp_path: Path, db_target: str
) -> None:
    plan(diary)
    day = START + timedelta(days=3)
    run(diary, day, "experiment", "pause")
    run(diary, START + timedelta(days=12), "experiment", "resume")
    later = START + timedelta(days=25)
    before = run_json(diary, later, "experiment", "status")
    exported = tmp_path / "diary.json"
    run(diary, later, "export", "--format", "json", "--out", str(exported))
    document = json.loads(exported.read_text())
    (item,) = document["experiments"]
    assert item["exposure"] == "caffeine" and item["seed"] == 11
    assert item["pauses"] == [
        {"paused_on": day.isoformat(), "resumed_on": (START + timedelta(days=12)).isoformat()}
    ]
    copy = str(tmp_path / "copy.sqlite3")
    run(diary, later, "--db", copy, "import", str(exported))
    assert run_json(diary, later, "--db", copy, "experiment", "status") == before
    run(diary, later, "--db", copy, "import", str(exported))  # again: nothing doubled
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM experiments").fetchone()[0] == 1
    if not db_target.endswith(".sqlite3"):
        return
    backup = str(tmp_path / "backup.sqlite3")
    run(diary, later, "backup", backup)
    restored = str(tmp_path / "restored.sqlite3")
    run(diary, later, "--db", restored, "restore", backup, "--yes")
    assert run_json(diary, later, "--db", restored, "experiment", "status") == before


def test_a_bad_experiment_in_an_import_rejects_the_file(diary: Diary, tmp_path: Path) -> None:
    plan(diary)
    exported = tmp_path / "diary.json"
    run(diary, START, "export", "--format", "json", "--out", str(exported))
    document = json.loads(exported.read_text())
    document["experiments"][0]["sequence"] = "WW"
    exported.write_text(json.dumps(document))
    copy = str(tmp_path / "copy.sqlite3")
    refused = diary("--db", copy, "import", str(exported), env=at(START))
    assert refused.exit_code == 2 and "sequence" in refused.stderr
