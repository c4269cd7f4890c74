"""`diary db upgrade` and `diary db current`."""

from __future__ import annotations

import typer

from diary.cli.state import add_commands, state_of

db_app = typer.Typer(help="Schema migrations.", no_args_is_help=True, rich_markup_mode=None)


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
    """Print the schema revision of the diary database."""
    from diary.storage import HEAD_REVISION

    database = state_of(ctx).database()
    revision = database.current_revision()
    status = "head" if revision == HEAD_REVISION else f"behind head {HEAD_REVISION}"
    typer.echo(f"{revision} ({status}) {database.target.display}")


def register(app: typer.Typer, only: str | None = None) -> None:
    add_commands(app, only, groups={"db": db_app})
