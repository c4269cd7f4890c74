"""What every command shares: the database (opened on first use) and the configuration."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import typer
from typer import _click

if TYPE_CHECKING:
    from diary.storage import Database
    from diary.thresholds import LoadedConfig, Thresholds


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
            from diary.thresholds import load_config

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


def state_of(ctx: typer.Context | _click.Context) -> AppState:
    obj = ctx.find_object(AppState)
    return obj if obj is not None else AppState()


def stdin_is_interactive() -> bool:
    """True on a terminal; tests patch this to exercise the prompts."""
    return sys.stdin.isatty()
