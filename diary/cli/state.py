"""What every command shares: the database (opened on first use), the configuration, the
clock, and the one way a command asks a question on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

import typer

from diary.errors import BadInput

if TYPE_CHECKING:
    from diary.config import LoadedConfig
    from diary.storage import Database
    from diary.thresholds import Thresholds


@dataclass
class AppState:
    db_option: str | None = None
    debug: bool = False
    _database: Database | None = field(default=None, repr=False)
    _config: LoadedConfig | None = field(default=None, repr=False)

    def database(self) -> Database:
        if self._database is None:
            from diary.storage import open_database

            self._database = open_database(self.db_option)
        return self._database

    def config(self) -> LoadedConfig:
        if self._config is None:
            from diary.config import load_config

            self._config = load_config()
        return self._config

    @property
    def thresholds(self) -> Thresholds:
        return self.config().thresholds

    def now(self) -> datetime:
        from diary.clock import now

        return now()

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()


T = TypeVar("T")


class HoldsObjects(Protocol):
    """A command's context (Typer's, or the one a parameter callback receives)."""

    def find_object(self, object_type: type[T]) -> T | None: ...


def state_of(ctx: HoldsObjects) -> AppState:
    obj = ctx.find_object(AppState)
    return obj if obj is not None else AppState()


def ask(prompt: str, parse: Callable[[str], T], *, default: str | None = None) -> T:
    """Prompt until the answer parses; each bad answer gets its one-line reason. With a
    default, Enter alone takes it (shown in brackets unless empty)."""
    while True:
        answer = typer.prompt(prompt, default=default, show_default=bool(default))
        try:
            return parse(answer)
        except BadInput as exc:
            typer.echo(f"  {exc}", err=True)


def stdin_is_interactive() -> bool:
    """True on a terminal; tests patch this to exercise the prompts."""
    return sys.stdin.isatty()
