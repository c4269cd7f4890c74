"""Every test is hermetic: the diary, its config and its data folder live in tmp_path."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from diary.cli import app

POSTGRES_URL = os.environ.get("DIARY_TEST_DATABASE_URL")


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("DIARY_LOCK_TIMEOUT", "5")
    for name in ("DIARY_DB", "DIARY_CONFIG", "DIARY_NOW"):
        monkeypatch.delenv(name, raising=False)
    return home


def _fresh_postgres_database() -> tuple[str, Any]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert POSTGRES_URL is not None
    admin_url = make_url(POSTGRES_URL)
    name = f"diary_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url, drop


@pytest.fixture
def db_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The diary under test: a SQLite file, or a fresh PostgreSQL database when
    DIARY_TEST_DATABASE_URL is set. DIARY_DB points at it."""
    if POSTGRES_URL:
        url, drop = _fresh_postgres_database()
        monkeypatch.setenv("DIARY_DB", url)
        yield url
        drop()
    else:
        path = str(tmp_path / "diary.sqlite3")
        monkeypatch.setenv("DIARY_DB", path)
        yield path


class Diary:
    """Runs `diary` commands in-process and decodes their output."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return self.runner.invoke(app, list(args), input=input, env=env)

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def json_format(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--format", "json").stdout)

    def log(self, *args: str) -> dict[str, Any]:
        data: dict[str, Any] = self.json("log", *args)
        return data


@pytest.fixture
def diary(db_target: str) -> Diary:
    return Diary()
