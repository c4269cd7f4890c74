"""`diary calm on`, `diary calm off`, `diary calm status`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from diary.cli import render
from diary.cli.group import DiaryGroup
from diary.cli.state import state_of

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from diary.domain import Flag
    from diary.services import LoggedEpisode

calm_app = typer.Typer(
    cls=DiaryGroup,
    help="Calm mode: log without feedback, look once a week (for worry that feeds on checking).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

JsonOpt = Annotated[
    bool, typer.Option("--json", help='Print {"calm": true|false, "since": DATE|null}.')
]


def _since(day: object) -> str:
    return f" (since {day:%a %d %b %Y})" if day else ""


@calm_app.command("on")
def calm_on(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Switch calm mode on: `log` says "Noted.", the weekly summary is the place to look.

    Urgent and doctor flags never change.
    """
    _switch(ctx, True, as_json=as_json)


@calm_app.command("off")
def calm_off(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Switch calm mode off: every label, count and chart as before."""
    _switch(ctx, False, as_json=as_json)


def _switch(ctx: typer.Context, on: bool, *, as_json: bool) -> None:
    from diary.services import calm

    state = state_of(ctx)
    now_state, changed = calm.set_calm(state.database(), on, now=state.now())
    if as_json:
        render.print_json(now_state.as_dict())
    elif changed:
        typer.echo(calm.ON_TEXT if on else calm.OFF_TEXT)
    else:
        typer.echo(f"Calm mode is already {'on' if on else 'off'}{_since(now_state.since)}.")


@calm_app.command("status")
def calm_status(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Whether calm mode is on, and since when."""
    from diary.services import calm

    now_state = calm.calm_state(state_of(ctx).database())
    if as_json:
        render.print_json(now_state.as_dict())
    elif now_state.calm:
        typer.echo(f"Calm mode is on{_since(now_state.since)}. `diary calm off` switches it off.")
    else:
        typer.echo("Calm mode is off. `diary calm on` explains what it changes.")


def echo_noted(result: LoggedEpisode) -> None:
    """`diary log` in calm mode: "Noted." and any urgent or doctor flag this episode is
    evidence for, printed by the same code and with the same words as outside calm mode."""
    from diary.analysis.flags import NOT_A_DIAGNOSIS
    from diary.services import calm

    typer.echo(calm.NOTED)
    concerning = calm.loud(result.flags_of_episode)
    if concerning:
        render.echo_flags(concerning, heading="\nThis episode is evidence for:", disclaimer=False)
    others = len(calm.loud(result.active_flags)) - len(concerning)
    if others:
        typer.echo(
            f"\n{others} other flag{'s' if others != 1 else ''} active: `diary flags` lists them."
        )
    if concerning or others:
        typer.echo(f"\n{NOT_A_DIAGNOSIS}")


def echo_calm_flags(active: Sequence[Flag], *, day: date, heading: str) -> None:
    """`diary flags` in calm mode: the urgent and doctor flags exactly as ever; watch-level
    notes are in the weekly summary."""
    from diary.analysis.flags import NOT_A_DIAGNOSIS
    from diary.services import calm

    shown = calm.loud(active)
    if shown:
        render.echo_flags(shown, heading=heading, disclaimer=False)
        typer.echo("")
    else:
        typer.echo(calm.NO_LOUD_FLAGS.format(day=day))
    typer.echo(calm.FLAGS_ELSEWHERE)
    typer.echo(f"\n{NOT_A_DIAGNOSIS}" if shown else NOT_A_DIAGNOSIS)
