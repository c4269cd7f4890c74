"""`diary day` (the daily check-in) and `diary days` (kept days and gaps)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from diary import checks
from diary.cli import render
from diary.cli.state import ask, state_of, stdin_is_interactive
from diary.domain import DayRecord, Exposure, KeptDay
from diary.entries import day_input, split_listed
from diary.errors import BadInput, DiaryError
from diary.parsing import recent_period
from diary.shapes import shown

DEFAULT_DAYS_SHOWN = 14


def day(
    ctx: typer.Context,
    on: Annotated[
        str | None,
        typer.Argument(metavar="[DATE]", help="The day to check in for [default: today]."),
    ] = None,
    had: Annotated[
        list[str] | None,
        typer.Option(
            "--had",
            metavar="EXPOSURE[=AMOUNT]",
            help="What you had that day, repeatable: coffee=3, alcohol=2, 'poor sleep', stress.",
        ),
    ] = None,
    none: Annotated[bool, typer.Option("--none", help="There were no episodes that day.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Replace an earlier check-in without asking.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The daily check-in: mark a day as kept (the diary is complete for it).

    Name what you had that day with --had; anything not named was not had. On a
    terminal with no --had, it asks about the exposures it tracks, one line each.
    Running it again for a date replaces that day's check-in.
    """
    from diary import services

    state = state_of(ctx)
    now = state.now()
    typed = day_input(on, had or [], none, now=now)
    the_day, exposures = typed.day, typed.exposures
    db = state.database()
    asked = not had and not none and stdin_is_interactive()
    if not had and not none:
        current = services.get_day(db, the_day)
        if current.kept:
            typer.echo(render.day_line(current, units=state.config().exposures))
            if not asked:
                typer.echo("Already checked in; give --had or --none to replace it.")
                from diary.services.experiments import today_line

                line = today_line(db, now.date())
                if line:
                    typer.echo(line)
                return
            if not yes and not typer.confirm("Replace this check-in?", default=False):
                raise DiaryError("nothing changed")
    if asked:
        exposures, none = _ask_day(the_day, state.config().exposures, services.get_day(db, the_day))
    record = services.check_in(
        db,
        KeptDay(the_day, exposures, none, checked_in_at=now),
        today=now.date(),
    )
    if as_json:
        render.print_json(render.day_dict(record))
        return
    typer.echo("Checked in: " + render.day_line(record, units=state.config().exposures))
    from diary.services.experiments import check_in_line

    line = check_in_line(db, the_day, list(record.exposures), today=now.date())
    if line:
        typer.echo(line)


def _ask(prompt: str, parse: Any) -> Any:
    return ask(prompt, parse, default="")  # Enter: nothing (not had)


def _ask_day(
    the_day: date, tracked: dict[str, str | None], current: DayRecord
) -> tuple[tuple[Exposure, ...], bool]:
    """One line per tracked exposure (a number for those with a unit, y/n for the rest, Enter
    for none), then whether any episode is still to be logged."""
    typer.echo(f"Check-in for {the_day:%a %d %b %Y}. Enter skips (= not had).")
    had: list[Exposure] = []
    for name, unit in tracked.items():
        label = shown(name.capitalize())  # names and units come from a file: never raw
        if unit:
            amount = _ask(
                f"{label} ({shown(unit)}; a number, or Enter for none)",
                lambda text, name=name: checks.check_amount(name, text),
            )
            if amount is not None:
                had.append(Exposure(name, amount))
        elif _ask(f"{label}? [y/N]", _yes_no):
            had.append(Exposure(name))
    other = _ask("Anything else (comma-separated, Enter for nothing)", _others)
    had.extend(x for x in other if x.name not in {h.name for h in had})
    none = False
    if current.episodes == 0:
        unlogged = _ask("Any twitches, spasms or cramps not logged yet? [y/N]", _yes_no)
        if unlogged:
            typer.echo(
                f"Log them with: diary log --at {the_day.isoformat()} ... "
                "(--count N for several of the same kind)."
            )
        none = not unlogged
    return tuple(had), none


def _yes_no(text: str) -> bool:
    answer = text.strip().lower()
    if answer in ("", "n", "no"):
        return False
    if answer in ("y", "yes"):
        return True
    raise BadInput(f"answer {text!r} is not accepted; give y or n (Enter: no)")


def _others(text: str) -> tuple[Exposure, ...]:
    return checks.exposures_from(split_listed([text])) if text.strip() else ()


def days(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", help=f"First day [default: {DEFAULT_DAYS_SHOWN} days ago]."
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Last day [default: today].")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Kept days with what you had, their entries and contractions; days not checked in
    are shown as gaps, never as zero."""
    from diary import services

    state = state_of(ctx)
    today = state.now().date()
    first, last = recent_period(since, until, today=today, days=DEFAULT_DAYS_SHOWN)
    records = services.day_history(state.database(), first, last)
    if as_json:
        render.print_json([render.day_dict(r) for r in records])
        return
    units = state.config().exposures
    for record in records:
        typer.echo(render.day_line(record, units=units))
    kept = sum(1 for r in records if r.kept)
    missing = [r.day for r in records if not r.kept]
    hint = ""
    if missing:
        newest = missing[-1]
        hint = (
            " `diary day` checks in for today."
            if newest == today
            else (f" `diary day {newest.isoformat()}` checks in for the latest gap.")
        )
    typer.echo(f"\nDiary kept on {kept} of {len(records)} days.{hint}")
