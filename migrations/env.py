"""Alembic environment: the URL comes from the app (DIARY_DB or the default), not alembic.ini."""

from __future__ import annotations

import logging.config

from alembic import context
from sqlalchemy.engine import Connection

from diary.storage.schema import metadata

config = context.config
target_metadata = metadata

if config.config_file_name is not None and "connection" not in config.attributes:
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        **kwargs,  # type: ignore[arg-type]
    )


def _run_on(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    from diary.storage.database import resolve_target

    _configure(url=resolve_target(None).url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # the app's own connection, inside its transaction
        _run_on(connection)
        return
    # `alembic upgrade head` from the repository root: the same treatment as `diary db
    # upgrade` (one transaction holding the write lock, SQLite foreign keys off so that batch
    # table copies do not cascade deletes, and a foreign key check before the commit).
    from diary.storage.database import migration_connection, open_database

    database = open_database(None, migrate=False)
    try:
        with migration_connection(database) as connection:
            _run_on(connection)
    finally:
        database.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
