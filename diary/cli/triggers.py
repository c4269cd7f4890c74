"""`diary triggers`: kept days with and without each exposure, with honest uncertainty."""

from __future__ import annotations

from typing import Annotated

import typer

from diary.cli import render
from diary.cli.state import state_of
from diary.parsing import recent_period


def triggers(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="First day [default: 90 days ago, `trigger_window_days`].",
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Last day [default: today].")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    detail: Annotated[
        bool, typer.Option("--detail", help="Add the statistics (p, q, dispersion) to the text.")
    ] = False,
) -> None:
    """Which triggers matter: episodes on kept days with each exposure against kept days
    without it (same day and the day after), with 95% intervals and a verdict: linked,
    protective, no clear link, or not enough data. Only kept days (`diary day`) count."""
    from diary import services
    from diary.reports.triggers import triggers_dict, triggers_text

    state = state_of(ctx)
    thresholds = state.thresholds
    today = state.now().date()
    first, last = recent_period(since, until, today=today, days=int(thresholds.trigger_window_days))
    begun = services.diary_start(state.database())
    if begun is not None:  # days before the diary existed are not kept days without episodes
        first = max(first, min(begun, last))
    report = services.trigger_report(state.database(), first, last, thresholds)
    if as_json:
        render.print_json(triggers_dict(report))
        return
    typer.echo(
        triggers_text(
            report,
            units=state.config().exposures,
            width=render.terminal_width(),
            detail=detail,
        ),
        nl=False,
    )
