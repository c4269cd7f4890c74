"""The `diary` Typer application: every command registered on one group (`DiaryGroup`).

A command's module is imported, and its click command built, only when that command runs
(or when the help lists them all): see `LAZY_COMMANDS`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from diary.cli.group import DiaryGroup, silence_stdout
from diary.cli.state import AppState

# name -> where it lives ("module:attribute"; a Typer attribute is a group), in the order
# the help lists them. Importing every command module and building every click command
# on each run: with the experiment check of services.log_episode, 0.07 s of CPU of each
# `diary log` (0.63 -> 0.56 s, medians of 9 interleaved runs on bench/run.py's diary).
LAZY_COMMANDS: dict[str, str] = {
    "log": "episodes:log",
    "list": "episodes:list_",
    "show": "episodes:show",
    "edit": "episodes:edit",
    "delete": "episodes:delete",
    "day": "days:day",
    "days": "days:days",
    "flags": "flags:flags",
    "triggers": "triggers:triggers",
    "charts": "reports:charts",
    "demo": "reports:demo",
    "export": "exchange:export",
    "import": "exchange:import_",
    "backup": "backups:backup",
    "restore": "backups:restore",
    "serve": "serve:serve",
    "experiment": "experiment:experiment_app",
    "config": "config:config_app",
    "calm": "calm:calm_app",
    "report": "reports:report_app",
    "db": "db:db_app",
}


class LazyDiaryGroup(DiaryGroup):
    lazy_commands = LAZY_COMMANDS


DB_HELP = (
    "SQLite file or SQLAlchemy URL [default: $DIARY_DB, else diary.sqlite3 in the user data folder]"
)


app = typer.Typer(
    cls=LazyDiaryGroup,
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


COMMANDS: tuple[str, ...] = tuple(LAZY_COMMANDS)


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
