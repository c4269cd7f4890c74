"""The `diary` Typer application: every command registered on one group (`DiaryGroup`).

Command modules are light (they import their heavy modules inside each command), so the
whole application is built on every run and `--help` stays fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from diary.cli import (
    backups,
    calm,
    config,
    days,
    db,
    episodes,
    exchange,
    experiment,
    flags,
    reports,
    serve,
    triggers,
)
from diary.cli.group import DiaryGroup, silence_stdout
from diary.cli.state import AppState

DB_HELP = (
    "SQLite file or SQLAlchemy URL [default: $DIARY_DB, else diary.sqlite3 in the user data folder]"
)


app = typer.Typer(
    cls=DiaryGroup,
    name="diary",
    help="A symptom diary for muscle twitches, spasms and cramps. Not a diagnosis.",
    invoke_without_command=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from diary import __version__

        typer.echo(f"diary {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    db_option: Annotated[str | None, typer.Option("--db", metavar="TARGET", help=DB_HELP)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    state = AppState(db_option=db_option, debug=debug)
    ctx.obj = state
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:  # plain `diary`: the help, not an error
        typer.echo(ctx.get_help())


app.command("log")(episodes.log)
app.command("list")(episodes.list_)
app.command("show")(episodes.show)
app.command("edit")(episodes.edit)
app.command("delete")(episodes.delete)
app.command("day")(days.day)
app.command("days")(days.days)
app.command("flags")(flags.flags)
app.command("triggers")(triggers.triggers)
app.add_typer(experiment.experiment_app, name="experiment")
app.add_typer(config.config_app, name="config")
app.add_typer(calm.calm_app, name="calm")
app.add_typer(reports.report_app, name="report")
app.command("charts")(reports.charts)
app.command("demo")(reports.demo)
app.command("export")(exchange.export)
app.command("import")(exchange.import_)
app.command("backup")(backups.backup)
app.command("restore")(backups.restore)
app.add_typer(db.db_app, name="db")
app.command("serve")(serve.serve)

COMMANDS: tuple[str, ...] = (
    *(str(c.name) for c in app.registered_commands),
    *(str(g.name) for g in app.registered_groups),
)


def main() -> None:
    if sys.stdout is None:  # started with `>&-`: every answer would be lost
        sys.stderr.write(
            "diary: error: standard output is closed; give the command somewhere to write "
            "(e.g. >/dev/null to discard its output)\n"
        )
        raise SystemExit(2)
    try:
        app(prog_name="diary")
    except BrokenPipeError:  # the reader left while the answer was being printed
        silence_stdout()
        raise SystemExit(0) from None
