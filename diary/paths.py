"""Where the diary keeps its data and configuration (XDG on Linux)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "diary"
DB_FILENAME = "diary.sqlite3"
ON_LINUX: bool = sys.platform.startswith("linux")


def _xdg(variable: str, fallback: str) -> Path:
    return Path(os.environ.get(variable) or Path.home() / fallback) / APP_NAME


def user_data_dir() -> Path:
    if ON_LINUX:  # what platformdirs answers there, without importing it
        return _xdg("XDG_DATA_HOME", ".local/share")
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    if ON_LINUX:
        return _xdg("XDG_CONFIG_HOME", ".config")
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return user_data_dir() / DB_FILENAME


def demo_db_path() -> Path:
    return user_data_dir() / "demo.sqlite3"
