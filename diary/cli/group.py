"""The command group every `diary` command runs in: one error boundary for all, and the
global options accepted after a command too."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup, TyperOption

from diary.cli.state import state_of
from diary.errors import DiaryError


class DiaryGroup(TyperGroup):
    """Turns every error of a command into one line on stderr and an exit code (tracebacks
    with --debug), and accepts the global options after the command too."""

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:  # `diary list | head -1`: the reader has all it wanted
            silence_stdout()
            raise typer.Exit(0) from None
        except Exception as exc:
            if state_of(ctx).debug:
                raise
            message, code = describe_error(exc)
            if message:
                typer.echo(message, err=True)
            raise typer.Exit(code) from None
        return 0 if result is None else result  # `app(args, standalone_mode=False)` gives 0

    # Commands built on first use: name -> "module:attribute" under diary.cli (a Typer
    # attribute is a group of commands). Set by the application's subclass.
    lazy_commands: ClassVar[Mapping[str, str]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return [
            *self.lazy_commands,
            *(n for n in super().list_commands(ctx) if n not in self.lazy_commands),
        ]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.lazy_commands:  # a typo: suggest from every name
            for name in self.lazy_commands:
                self._load(name)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._load(cmd_name)
        command = super().get_command(ctx, cmd_name)
        if command is not None and not isinstance(command, TyperGroup):
            _accept_global_options(command)
        return command

    def _load(self, name: str) -> None:
        """Import the command's module and build its click command, once."""
        if name in self.commands or name not in self.lazy_commands:
            return
        module, attribute = self.lazy_commands[name].split(":")
        target = getattr(importlib.import_module(f"diary.cli.{module}"), attribute)
        holder = typer.Typer(rich_markup_mode=None)  # as the application's
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=name)
        else:
            holder.command(name)(target)
        self.add_command(typer.main.get_group(holder).commands[name], name)


def silence_stdout() -> None:
    """After a closed pipe: what is still buffered goes nowhere, so Python does not report
    the pipe once more when it flushes at exit (the shell's convention: quiet success)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _set_db(ctx: typer.Context, _param: Any, value: str | None) -> None:
    if value is not None:
        state_of(ctx).db_option = value


def _set_debug(ctx: typer.Context, _param: Any, value: bool) -> None:
    if value:
        state_of(ctx).debug = True


def _accept_global_options(command: Any) -> None:
    """`diary log ... --db FILE` means `diary --db FILE log ...` (and so for --debug)."""
    if any(p.name == "global_db" for p in command.params):
        return
    command.params.append(
        TyperOption(
            param_decls=["--db", "global_db"],
            metavar="TARGET",
            help="The diary to use (as before the command).",
            expose_value=False,
            callback=_set_db,
            is_eager=True,
        )
    )
    command.params.append(
        TyperOption(
            param_decls=["--debug", "global_debug"],
            is_flag=True,
            help="Show tracebacks of errors.",
            expose_value=False,
            callback=_set_debug,
            is_eager=True,
        )
    )


def describe_error(exc: BaseException) -> tuple[str, int]:
    """One line and an exit code for anything that ends a command."""
    if isinstance(exc, DiaryError):
        return f"diary: error: {exc}", exc.exit_code
    if isinstance(exc, typer.TyperException):  # a usage error, in Typer's public API
        ctx = getattr(exc, "ctx", None)
        if ctx is not None and exc.format_message() == ctx.get_help():
            typer.echo(exc.format_message())  # `diary report` alone: its help, not an error
            return "", 0
        where = f" ({ctx.command_path})" if ctx is not None else ""
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
