"""`diary export`, `import`, `backup` and `restore`."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from diary.cli import render
from diary.cli.state import add_commands, state_of
from diary.errors import BadInput
from diary.parsing import parse_period


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


@contextmanager
def private_file(path: Path) -> Iterator[TextIO]:
    """Written atomically and readable by the owner only: exports hold health data."""
    temporary = path.with_name(f".{path.name}.part")
    fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(path)


def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="File format.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write [default: stdout].")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="First day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day, included.")] = None,
) -> None:
    """Export episodes as CSV or JSON (classification included)."""
    from diary import services

    state = state_of(ctx)
    today = state.now().date()
    first, last = parse_period(since, until, today=today)
    database, th = state.database(), state.thresholds
    if out is None:
        services.export_episodes(database, first, last, fmt=fmt.value, th=th, out=sys.stdout)
        return
    with private_file(out) as handle:
        count = services.export_episodes(database, first, last, fmt=fmt.value, th=th, out=handle)
    typer.echo(f"Exported {count} episodes to {out}", err=True)


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A CSV or JSON export.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only, write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import a CSV or JSON export, all or nothing.

    Every row is checked first; one bad row and nothing is written.

    Episodes already in the diary (same time, site and details) are skipped.
    """
    from diary import services
    from diary.interchange import parse_file, sniff_kind

    state = state_of(ctx)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"import file {str(file)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read import file {str(file)!r}: {exc}") from None
    parsed = parse_file(text, kind=sniff_kind(file.name, text))
    result = services.import_episodes(state.database(), parsed, now=state.now(), dry_run=dry_run)
    if as_json:
        render.print_json(
            {
                "rows": result.rows,
                "added": result.added,
                "duplicates": result.duplicates,
                "dry_run": dry_run,
            }
        )
        return
    verb = "Would import" if dry_run else "Imported"
    plural = "" if result.added == 1 else "s"
    typer.echo(
        f"{verb} {result.added} episode{plural} from {file} "
        f"({result.duplicates} already in the diary, skipped)."
    )


def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the copy.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the diary safely, even while it is being written."""
    from diary.storage.backup import backup as make_backup

    info = make_backup(state_of(ctx).database(), file, overwrite=yes)
    typer.echo(f"Backed up {info.episodes} episodes to {info.path} (schema {info.revision})")


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file made by `diary backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the diary's episodes.")] = False,
) -> None:
    """Replace the diary with a checked backup.

    The replaced diary is kept beside it as *.before-restore.
    """
    from diary import services
    from diary.storage import open_database
    from diary.storage.backup import backup as make_backup
    from diary.storage.backup import check_backup
    from diary.storage.backup import restore as restore_backup

    state = state_of(ctx)
    database = state.database()
    info = check_backup(file)
    current = services.count_episodes(database)
    kept = ""
    if current:
        if not yes:
            raise BadInput(
                f"the diary {database.target.display} holds {current} episodes; "
                f"restoring replaces them with the backup's {info.episodes}. "
                "Add --yes to go ahead"
            )
        assert database.target.path is not None
        safety = database.target.path.with_name(database.target.path.name + ".before-restore")
        make_backup(database, safety, overwrite=True)
        kept = f"; the replaced diary is kept as {safety}"
    restore_backup(database, file)
    open_database(state.db_option).dispose()  # brings an older backup's schema up to date
    typer.echo(f"Restored {info.episodes} episodes from {file}{kept}")


def register(app: typer.Typer, only: str | None = None) -> None:
    add_commands(
        app,
        only,
        commands={"export": export, "import": import_, "backup": backup, "restore": restore},
    )
