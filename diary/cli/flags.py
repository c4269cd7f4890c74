"""`diary flags`."""

from __future__ import annotations

from typing import Annotated

import typer

from diary.analysis.flags import NOT_A_DIAGNOSIS
from diary.cli import render
from diary.cli.state import state_of
from diary.domain import last_days
from diary.parsing import parse_bound

AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Evaluate as of the end of this day [default: today].")
]


def flags(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Patterns that warrant a doctor, urgent first.

    Each flag names its rule, its evidence (episode ids) and its source documents.
    """
    from diary import services
    from diary.shapes import flag_dict

    state = state_of(ctx)
    today = state.now().date()
    day = parse_bound(as_of, today=today) if as_of else today
    active = services.active_flags(state.database(), day, state.thresholds)
    if as_json:
        render.print_json(
            {
                "as_of": day.isoformat(),
                "flags": [flag_dict(f) for f in active],
                "disclaimer": NOT_A_DIAGNOSIS,
            }
        )
        return
    from diary.services.experiments import stop_line

    stop = stop_line(state.database(), active, today)
    if stop:  # safety first: before the flags, in calm mode too
        typer.secho(stop, fg="red", bold=True)
    from diary.services import calm

    if calm.opened(state.database(), "flags", state.now()):  # counted; watch notes go weekly
        from diary.cli.calm import echo_calm_flags

        echo_calm_flags(active, day=day, heading=f"Flags as of {day:%a %d %b %Y}:")
        return
    if not active:
        window = int(state.thresholds.active_window_days)
        width = render.terminal_width()
        first, _ = last_days(day, window)
        if not services.count_episodes(state.database(), first, day):
            words = (
                f"No flags as of {day:%a %d %b %Y}, because nothing was logged in the last "
                f"{window} days: there is nothing to assess, which is not a sign that all is "
                "well. Log episodes with `diary log`."
            )
        else:
            words = (
                f"No flags as of {day:%a %d %b %Y}: nothing logged in the last {window} days "
                "matches a pattern that warrants a doctor. Keep logging."
            )
        typer.echo(render.wrapped(words, width))
        typer.echo(render.wrapped(NOT_A_DIAGNOSIS, width))
        return
    render.echo_flags(active, heading=f"Flags as of {day:%a %d %b %Y}:")
