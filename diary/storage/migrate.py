"""Alembic glue, imported only when the schema must change."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from diary.storage.revisions import KNOWN_REVISIONS


def migrations_dir() -> Path:
    return Path(str(resources.files("diary._migrations")))


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(connection: Connection, *, current: str | None) -> list[str]:
    command.upgrade(alembic_config(connection), "head")
    start = KNOWN_REVISIONS.index(current) + 1 if current else 0
    return list(KNOWN_REVISIONS[start:])


def downgrade(connection: Connection, revision: str) -> None:
    command.downgrade(alembic_config(connection), revision)


def upgrade_to(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)
