"""Where the diary keeps its data and configuration (XDG on Linux)."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "diary"
DB_FILENAME = "diary.sqlite3"


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return user_data_dir() / DB_FILENAME


def demo_db_path() -> Path:
    return user_data_dir() / "demo.sqlite3"
