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
