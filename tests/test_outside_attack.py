"""An outside attack on the newest features (experiments, relief, calm mode), as a new user and
then as an attacker, with "now" stepping day by day. Each test is a case that broke: what the
user saw, and what they see now."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from tests.conftest import Diary
from tests.test_hostile import refused

START = date(2026, 11, 2)  # a Monday
SHORT = ("--block", "4", "--pairs", "2", "--washout", "1", "--seed", "7")


def at(day: date, clock: str = "21:00") -> dict[str, str]:
    return {"DIARY_NOW": f"{day.isoformat()}T{clock}"}


def run(diary: Diary, day: date, *args: str, clock: str = "21:00") -> Any:
    result = diary(*args, env=at(day, clock))
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def status(diary: Diary, day: date) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(run(diary, day, "experiment", "status", "--json").stdout)
    return found


def check_in_as_assigned(diary: Diary, day: date) -> str:
    """Log a bout of twitches and check the day in as the experiment assigned it."""
    run(diary, day, "log", "--site", "eyelid", "--duration", "3s", "--pain", "0",
        "--count", "2", "--at", "14:00")  # fmt: skip
    had = ("--had", "coffee=2") if status(diary, day)["assignment"] == "with" else ()
    out: str = run(diary, day, "day", *had).stdout
    return out


def plan_short(diary: Diary) -> date:
    planned = json.loads(
        run(
            diary,
            START - timedelta(days=1),
            "experiment",
            "plan",
            "coffee",
            *SHORT,
            "--json",
            clock="09:00",
        ).stdout
    )
    return date.fromisoformat(planned["end"])


# --- the last day's check-in ------------------------------------------------------------------


def test_the_last_check_in_does_not_point_to_a_result_that_is_still_sealed(diary: Diary) -> None:
    """The last evening's check-in said "`diary experiment result` shows the result"; run that
    evening, `result` answered exit 1, "until then the result stays sealed"."""
    end = plan_short(diary)
    day = START
    while day < end:
        check_in_as_assigned(diary, day)
        day += timedelta(days=1)
    last = check_in_as_assigned(diary, end)
    assert "last day" in last
    opens = end + timedelta(days=1)
    sealed = diary("experiment", "result", env=at(end))
    if "`diary experiment result`" in last and sealed.exit_code != 0:
        # the hint must say when, and that day it must work
        assert f"from tomorrow ({opens:%a %d %b})" in last, last
    refused(sealed, 1, end.isoformat(), "--early")
    shown = run(diary, opens, "experiment", "result", "--json", clock="08:00")
    assert json.loads(shown.stdout)["state"] == "finished"


# --- resumed between pairs --------------------------------------------------------------------


def test_status_after_a_resume_tells_when_the_next_pair_starts(diary: Diary) -> None:
    """After a pause inside pair 1 and a resume four days later, the rest moves on by a whole
    pair: the days until then have no assignment. `status` said "running" and nothing else,
    so the person did not know what to do today or when the experiment goes on."""
    plan_short(diary)
    paused_on, resumed_on = START + timedelta(days=5), START + timedelta(days=9)
    for day in (START + timedelta(days=d) for d in range(5)):
        check_in_as_assigned(diary, day)
    run(diary, paused_on, "experiment", "pause", clock="08:00")
    run(diary, resumed_on, "experiment", "resume", clock="08:00")
    found = status(diary, resumed_on)
    assert found["state"] == "running" and found["assignment"] is None
    next_pair = START + timedelta(days=16)  # pair 2 moved on by one pair of 8 days
    assert found["end"] == (next_pair + timedelta(days=7)).isoformat()
    text = run(diary, resumed_on, "experiment", "status", clock="08:00").stdout
    assert "No assignment today" in text, text
    assert f"{next_pair:%a %d %b %Y}" in text, text
    # that day, the assignment is back and the gap line gone
    back = run(diary, next_pair, "experiment", "status", clock="08:00").stdout
    assert "Today:" in back and "No assignment today" not in back


def test_a_pause_that_cuts_the_last_pair_says_when_the_result_opens(diary: Diary) -> None:
    end = plan_short(diary)
    inside_last = end - timedelta(days=2)
    run(diary, inside_last, "experiment", "pause", clock="08:00")
    run(diary, end - timedelta(days=1), "experiment", "resume", clock="08:00")
    text = run(diary, end - timedelta(days=1), "experiment", "status", clock="08:00").stdout
    assert "No assignment today" in text, text
    assert f"{end + timedelta(days=1):%a %d %b %Y}" in text, text


# --- an exposure with an amount or a name ---------------------------------------------------


def test_a_plan_refuses_an_exposure_whose_name_or_amount_it_would_drop(diary: Diary) -> None:
    """`plan medication:magnesium` planned an experiment on any medication (magnesium
    dropped without a word), `plan coffee=2` one on caffeine (the amount dropped)."""
    day = START - timedelta(days=1)
    for typed, name in (("medication:magnesium", "medication"), ("coffee=2", "caffeine")):
        result = diary("experiment", "plan", typed, env=at(day))
        refused(result, 2, repr(typed), repr(name))
        assert diary("experiment", "status", env=at(day)).exit_code == 2  # nothing planned
    # the alias and the plain name still plan
    run(diary, day, "experiment", "plan", "espresso", *SHORT)
    assert status(diary, day)["exposure"] == "caffeine"


# --- dates an experiment cannot run on ------------------------------------------------------


def test_a_plan_that_would_end_past_the_calendar_is_refused_and_not_written(diary: Diary) -> None:
    """`plan --start 9998-06-01 --block 90 --pairs 4` stored the experiment, then failed with
    an internal error (OverflowError), and so did every `experiment` command after it."""
    day = START - timedelta(days=1)
    result = diary("experiment", "plan", "coffee", "--start", "9998-06-01", "--block", "90",
                   "--pairs", "4", env=at(day))  # fmt: skip
    refused(result, 2, "9998-06-01", "9998")
    refused(diary("experiment", "status", env=at(day)), 2, "no experiment")
    run(diary, day, "experiment", "plan", "coffee", *SHORT)  # a sound plan still goes in


def exported_with(diary: Diary, tmp_path: Any, **changes: Any) -> Any:
    """A JSON export of this diary's one planned experiment, changed as given."""
    day = START - timedelta(days=1)
    out = tmp_path / "export.json"
    run(diary, day, "export", "--format", "json", "--out", str(out))
    document = json.loads(out.read_text())
    document["experiments"] = [{**document["experiments"][0], **changes}]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    return changed


def test_an_import_of_an_experiment_past_the_calendar_is_refused(
    diary: Diary, tmp_path: Any
) -> None:
    """An experiment from 9999-12-01 in a JSON file was imported; after it `diary day`,
    `experiment status`, `plan` and `abandon` all failed with an internal error, for good."""
    plan_short(diary)
    day = START - timedelta(days=1)
    for changes in (
        {"start": "9999-12-01", "seed": 1},
        {"start": "0001-01-01", "seed": 2},
        {"pauses": [{"paused_on": "2026-11-09", "resumed_on": "9999-12-31"}], "seed": 3},
        {"pauses": [{"paused_on": "2026-11-09", "resumed_on": "2026-11-05"}], "seed": 4},
        {"pauses": [{"paused_on": "2026-11-09", "resumed_on": None},
                    {"paused_on": "2026-11-10", "resumed_on": None}], "seed": 5},
    ):  # fmt: skip
        changed = exported_with(diary, tmp_path, **changes)
        fresh = str(tmp_path / f"fresh{changes['seed']}.sqlite3")
        refused(diary("--db", fresh, "import", str(changed), env=at(day)), 2, "experiment 1")
        refused(diary("--db", fresh, "experiment", "status", env=at(day)), 2, "no experiment")
        run(diary, day, "--db", fresh, "day")


def test_an_import_cannot_run_two_experiments_at_once(diary: Diary, tmp_path: Any) -> None:
    """A file with a running experiment on alcohol, imported into a diary running one on
    caffeine, gave two experiments on at once (the alcohol one out of sight, still on)."""
    plan_short(diary)
    day = START + timedelta(days=3)
    run(diary, day, "log", "--site", "calf", "--duration", "1m", "--pain", "3")
    other = exported_with(diary, tmp_path, exposure="alcohol", seed=99, start="2026-11-01",
                          planned_at="2026-10-31T09:00:00")  # fmt: skip
    before = run(diary, day, "export", "--format", "json").stdout
    refused(diary("import", str(other), env=at(day)), 2, "alcohol", "caffeine", "one experiment")
    assert run(diary, day, "export", "--format", "json").stdout == before  # nothing written
    # the same file again (the diary's own export) is still welcome: nothing new in it
    own = exported_with(diary, tmp_path)
    run(diary, day, "import", str(own))
    assert status(diary, day)["exposure"] == "caffeine"


def test_a_refused_plan_says_one_line_not_its_warnings_too(diary: Diary) -> None:
    """A second plan of 2 pairs while one runs printed the "2 pairs can never give p below
    0.05" warning and then the error: two lines on stderr for one refusal."""
    plan_short(diary)
    second = diary("experiment", "plan", "alcohol", "--pairs", "2", env=at(START))
    refused(second, 2, "caffeine", "abandon")
    assert "warning" not in second.stderr
    # a plan that goes in still warns
    run(diary, START, "experiment", "abandon", "--yes")
    planned = run(diary, START, "experiment", "plan", "alcohol", "--pairs", "2")
    assert "can never give p below 0.05" in planned.stderr


def test_a_pause_before_the_start_moves_the_start_it_shows(diary: Diary) -> None:
    """Paused the day before the start and resumed two days after it, the experiment was
    "planned" and said "It starts Mon 02 Nov 2026", a day already gone; its first pair
    starts a whole pair later."""
    plan_short(diary)
    run(diary, START - timedelta(days=1), "experiment", "pause", clock="08:00")
    resumed_on = START + timedelta(days=2)
    resumed = run(diary, resumed_on, "experiment", "resume", clock="08:00").stdout
    first = START + timedelta(days=8)
    assert f"starts {first:%a %d %b %Y}" in resumed, resumed
    found = status(diary, resumed_on)
    assert found["state"] == "planned" and found["start"] == first.isoformat()
    text = run(diary, resumed_on, "experiment", "status").stdout
    assert f"It starts {first:%a %d %b %Y}" in text and f"{START:%d %b}" not in text, text
    assert status(diary, first)["assignment"] in ("with", "without")


# --- the words -----------------------------------------------------------------------------


def test_experiment_texts_count_in_proper_plurals(diary: Diary) -> None:
    """A plan of 4-day blocks with 1 washout day said "The first 1 days of each block are
    lived", a warning "2 day(s) to count", and its result "1 pairs counted", "of 1 pairs"."""
    day = START - timedelta(days=1)
    planned = run(diary, day, "experiment", "plan", "coffee", "--block", "3", "--washout", "1",
                  "--pairs", "2", "--seed", "7", clock="08:00")  # fmt: skip
    assert "The first day of each block is lived but not counted" in planned.stdout
    assert "1 washout day leave 2 days to count" in planned.stderr, planned.stderr
    run(diary, day, "experiment", "abandon", "--yes", clock="08:30")
    plan_short(diary)  # at 09:00
    end = date.fromisoformat(status(diary, day)["end"])
    day = START
    while day <= end:
        check_in_as_assigned(diary, day)
        if day == START:
            text = run(diary, day, "experiment", "status").stdout
            assert "(1 kept day as assigned)" in text, text
        day += timedelta(days=1)
    shown = run(diary, day, "experiment", "result").stdout
    assert "the first day of each not counted" in shown, shown
    assert "(2 pairs counted: fewer than 6" in shown and "of 2 pairs)" in shown, shown
    assert "1 days" not in shown and "1 pairs" not in shown, shown
    none = run(diary, day, "experiment", "plan", "alcohol", "--block", "7", "--washout", "0")
    assert "No washout: every day of each block counts." in none.stdout


# --- relief in a JSON import ----------------------------------------------------------------


def test_a_json_import_checks_a_relief_detail_as_the_command_line_does(
    diary: Diary, tmp_path: Any
) -> None:
    """`--relief medication:<500 characters>` is refused (at most 200), but the same detail
    in a JSON import went in, and came out in every report and the doctor PDF."""
    day = START
    long_name = "x" * 500
    refused(diary("log", "--site", "calf", "--duration", "2m", "--pain", "6", "--relief",
                  f"medication:{long_name}", env=at(day)), 2, "500 characters", "200")  # fmt: skip
    run(diary, day, "log", "--site", "calf", "--duration", "2m", "--pain", "6", "--relief",
        "medication:baclofen=yes")  # fmt: skip
    out = tmp_path / "export.json"
    run(diary, day, "export", "--format", "json", "--out", str(out))
    document = json.loads(out.read_text())
    document["episodes"][0]["relief"] = [{"measure": "medication", "detail": long_name,
                                          "helped": "yes"}]  # fmt: skip
    document["episodes"][0]["at"] = f"{day.isoformat()}T10:00:00"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    fresh = str(tmp_path / "fresh.sqlite3")
    refused(diary("--db", fresh, "import", str(changed), env=at(day)), 2, "500 characters")
    assert json.loads(run(diary, day, "--db", fresh, "list", "--json").stdout) == []
    document["episodes"][0]["relief"][0]["detail"] = "baclofen 10 mg, at night"
    changed.write_text(json.dumps(document))
    run(diary, day, "--db", fresh, "import", str(changed))
    (episode,) = json.loads(run(diary, day, "--db", fresh, "list", "--json").stdout)
    assert episode["relief"] == [
        {"measure": "medication", "detail": "baclofen 10 mg, at night", "helped": "yes"}
    ]


# --- a pause undone the same day ------------------------------------------------------------


def test_a_pause_resumed_the_same_day_costs_no_pair(diary: Diary) -> None:
    """Paused by mistake and resumed at once, on day 3 of pair 1: the pair under way was cut
    from that day on (its days after it had no assignment) and voided in the result, though
    no day was lived paused."""
    end = plan_short(diary)
    mistake = START + timedelta(days=2)
    day = START
    while day <= end:
        if day == mistake:
            run(diary, day, "experiment", "pause", clock="08:00")
            run(diary, day, "experiment", "resume", clock="08:01")
        check_in_as_assigned(diary, day)
        assert status(diary, day)["assignment"] in ("with", "without"), day
        day += timedelta(days=1)
    found = json.loads(run(diary, day, "experiment", "result", "--json").stdout)
    assert found["end"] == end.isoformat()
    assert found["voided_pairs"] == [] and found["pairs_counted"] == 2, found
    assert [b["analysed_days"] for b in found["blocks"]] == [3, 3, 3, 3]


# --- time phrases ---------------------------------------------------------------------------


def test_tonight_before_the_evening_is_refused_as_a_night_not_begun(diary: Diary) -> None:
    """At 15:00 on Thursday 26 Nov, `--at tonight` was refused as "(Fri 27 Nov 2026) is in
    the future": a day the person never named. `--at "thursday night"` said what is wrong:
    the night has not begun yet."""
    afternoon = {"DIARY_NOW": "2026-11-26T15:00"}
    log = ("log", "--site", "calf", "--duration", "2m", "--pain", "3", "--at")
    for typed in ("tonight", "thursday night"):
        result = diary(*log, typed, env=afternoon)
        refused(result, 2, repr(typed), "the night has not begun yet")
        assert "27 Nov" not in result.stderr
    assert json.loads(diary("list", "--json", env=afternoon).stdout) == []
    # in the evening it is that night, hour not given
    evening = json.loads(
        diary(*log, "tonight", "--json", env={"DIARY_NOW": "2026-11-26T22:00"}).stdout
    )
    assert (evening["at"], evening["time_known"]) == ("2026-11-26T00:00:00", False)
