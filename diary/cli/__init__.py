"""The `diary` command line: parse, call a use case, render. One error boundary for all."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from diary.cli.state import AppState
from diary.errors import DiaryError


class DiaryGroup(TyperGroup):
    """Turns every error into one line on stderr and an exit code (tracebacks with --debug)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        try:
            code = super().main(
                args=argv,
                prog_name=prog_name or "diary",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = code if isinstance(code, int) else 0
        except typer.Abort:
            typer.echo("diary: aborted, nothing was changed", err=True)
            code = 1
        except Exception as exc:
            if debug:
                raise
            message, code = describe_error(exc)
            if message:
                typer.echo(message, err=True)
        if standalone_mode:
            sys.exit(code)
        return code


def describe_error(exc: BaseException) -> tuple[str, int]:
    """One line and an exit code for anything that ends a command."""
    from typer import _click

    if isinstance(exc, DiaryError):
        return f"diary: error: {exc}", exc.exit_code
    if isinstance(exc, _click.exceptions.NoArgsIsHelpError):  # plain `diary`: help, not error
        typer.echo(exc.format_message())
        return "", 0
    if isinstance(exc, _click.exceptions.ClickException):
        where = ""
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            where = f" ({ctx.command_path})"
        return f"diary: error{where}: {exc.format_message()}", exc.exit_code
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    if isinstance(exc, DBAPIError):
        first = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        return f"diary: error: database error: {first}", 1
    if isinstance(exc, SQLAlchemyError | OSError):
        return f"diary: error: {exc}", 1
    return (
        f"diary: internal error: {type(exc).__name__}: {exc} "
        "(rerun with --debug for the traceback)",
        1,
    )


# Top-level command -> the module that defines it. Running one command imports and builds
# only its module; `--help`, unknown commands and `from diary.cli import app` get them all.
COMMAND_MODULES = {
    "log": "episodes",
    "list": "episodes",
    "show": "episodes",
    "edit": "episodes",
    "delete": "episodes",
    "flags": "analysis",
    "config": "analysis",
    "report": "reports",
    "charts": "reports",
    "demo": "reports",
    "export": "interchange",
    "import": "interchange",
    "backup": "interchange",
    "restore": "interchange",
    "db": "db",
}
GLOBAL_OPTIONS_WITH_VALUE = ("--db",)


def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="TARGET",
            help="SQLite file or SQLAlchemy URL [default: $DIARY_DB, else diary.sqlite3 in the "
            "user data folder]",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    state = AppState(db_option=db, debug=debug)
    ctx.obj = state
    ctx.call_on_close(state.close)


def build_app(command: str | None = None) -> typer.Typer:
    """The command line with every command, or with just `command` when it is known."""
    from importlib import import_module

    app = typer.Typer(
        cls=DiaryGroup,
        name="diary",
        help="A symptom diary for muscle twitches, spasms and cramps. Not a diagnosis.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    only = command if command in COMMAND_MODULES else None
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        if only is None or COMMAND_MODULES[only] == module:
            import_module(f"diary.cli.{module}").register(app, only)
    return app


def command_in(argv: Sequence[str]) -> str | None:
    """The command a command line runs, skipping global options; None for `--help`."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif not token.startswith("-"):
            return token
        elif token in ("-h", "--help"):
            return None
    return None


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        full = build_app()
        globals()["app"] = full
        return full
    raise AttributeError(name)


def main() -> None:
    build_app(command_in(sys.argv[1:]))()
