"""`diary config show`."""

from __future__ import annotations

from typing import Annotated

import typer

from diary.cli import render
from diary.cli.group import DiaryGroup
from diary.cli.state import state_of

config_app = typer.Typer(
    cls=DiaryGroup,
    help="Show the thresholds in force.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@config_app.command("show")
def config_show(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Every threshold, its value, where the value came from and its source."""
    from diary.config import config_path

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
