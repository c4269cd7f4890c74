"""`diary backup` and `diary restore`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from diary.cli.state import state_of
from diary.domain import counted


def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the copy.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the diary safely, even while it is being written."""
    from diary import services

    info = services.backup_diary(state_of(ctx).database(), file, overwrite=yes)
    typer.echo(
        f"Backed up {counted(info.episodes, 'episode')} to {info.path} (schema {info.revision})"
    )


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file made by `diary backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the diary's episodes.")] = False,
) -> None:
    """Replace the diary with a checked backup.

    The replaced diary is kept beside it as *.before-restore-TIME (never overwritten).
    """
    from diary import services

    state = state_of(ctx)
    done = services.restore_diary(state.database(), file, replace=yes, now=state.now())
    kept = f"; the replaced diary is kept as {done.safety_copy}" if done.safety_copy else ""
    typer.echo(f"Restored {done.backup.episodes} episodes from {file}{kept}")
