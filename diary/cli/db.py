"""`diary db upgrade` and `diary db current`."""

from __future__ import annotations

import typer

from diary.cli.group import DiaryGroup
from diary.cli.state import state_of

db_app = typer.Typer(
    cls=DiaryGroup, help="Schema migrations.", no_args_is_help=True, rich_markup_mode=None
)


@db_app.command()
def upgrade(ctx: typer.Context) -> None:
    """Create or upgrade the schema to the newest revision."""
    from diary.storage import HEAD_REVISION, open_database, upgrade_schema

    state = state_of(ctx)
    database = open_database(state.db_option, migrate=False)
    try:
        ran = upgrade_schema(database)
    finally:
        database.dispose()
    done = f"applied {', '.join(ran)}" if ran else "already current"
    typer.echo(f"{database.target.display}: schema {HEAD_REVISION} ({done})")


@db_app.command()
def current(ctx: typer.Context) -> None:
    """Print the schema revision of the diary database (without changing it)."""
    from diary.storage import HEAD_REVISION, open_database
    from diary.storage.database import NoDiaryYet

    try:  # a question: it never creates the file it is asked about
        database = open_database(state_of(ctx).db_option, migrate=False, create=False)
    except NoDiaryYet as missing:
        typer.echo(f"- (no diary yet; head is {HEAD_REVISION}) {missing.path}")
        return
    try:
        revision = database.current_revision()
    finally:
        database.dispose()
    if revision is None:
        status = f"no schema yet; head is {HEAD_REVISION}"
    elif revision == HEAD_REVISION:
        status = "head"
    else:
        status = f"behind head {HEAD_REVISION}; `diary db upgrade` brings it up to date"
    typer.echo(f"{revision or '-'} ({status}) {database.target.display}")
