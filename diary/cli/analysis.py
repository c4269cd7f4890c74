"""`diary flags` and `diary config show`."""

from __future__ import annotations

from typing import Annotated

import typer

from diary import records
from diary.analysis.flags import NOT_A_DIAGNOSIS
from diary.cli import render
from diary.cli.state import add_commands, state_of
from diary.parsing import parse_date

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

    state = state_of(ctx)
    today = state.now().date()
    day = parse_date(as_of, today=today) if as_of else today
    active = services.active_flags(state.database(), day, state.thresholds)
    if as_json:
        render.print_json(
            {
                "as_of": day.isoformat(),
                "flags": [records.flag_dict(f) for f in active],
                "disclaimer": NOT_A_DIAGNOSIS,
            }
        )
        return
    if not active:
        typer.echo(
            f"No flags as of {day:%a %d %b %Y}: nothing in the last "
            f"{state.thresholds.active_window_days} days matches a pattern that "
            "warrants a doctor. Keep logging."
        )
        typer.echo(NOT_A_DIAGNOSIS)
        return
    render.echo_flags(active, heading=f"Flags as of {day:%a %d %b %Y}:")


config_app = typer.Typer(
    help="Show the thresholds in force.", no_args_is_help=True, rich_markup_mode=None
)


@config_app.command("show")
def config_show(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Every threshold, its value, where the value came from and its source."""
    from diary.thresholds import config_path

    loaded = state_of(ctx).config()
    rows = loaded.thresholds.describe()
    origin = {
        name: (str(loaded.path) if name in loaded.overridden else "default") for name, *_ in rows
    }
    if as_json:
        render.print_json(
            {
                "config_file": str(loaded.path or config_path()),
                "config_file_exists": loaded.path is not None,
                "thresholds": [
                    {"name": n, "value": v, "from": origin[n], "meaning": m, "source": s}
                    for n, v, m, s in rows
                ],
            }
        )
        return
    where = loaded.path or config_path()
    typer.echo(f"Config file: {where}{'' if loaded.path else ' (not present; defaults in force)'}")
    width = max(len(n) for n, *_ in rows)
    for name, value, meaning, source in rows:
        typer.echo(f"{name:<{width}}  {value:<6g} {origin[name]}")
        typer.echo(f"{'':<{width}}  {meaning}; source: {source}")
    typer.echo("\nOverride any value in the file, e.g.\n[thresholds]\nsevere_pain_min = 7")


def register(app: typer.Typer, only: str | None = None) -> None:
    add_commands(app, only, commands={"flags": flags}, groups={"config": config_app})
