"""Consistent copies of a SQLite diary while others write, and restoring one."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from diary.errors import BadInput, StorageError
from diary.files import private_temporary
from diary.storage.database import SQLITE_HEADER, Database
from diary.storage.revisions import KNOWN_REVISIONS

POSTGRES_ADVICE = (
    "backup and restore copy SQLite diaries; for PostgreSQL use pg_dump and pg_restore "
    "(e.g. pg_dump -Fc -d DBNAME -f diary.dump), or `diary export --format json`"
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str
    episodes: int


def _sqlite_path(db: Database) -> Path:
    if not db.target.is_sqlite or db.target.path is None:
        raise StorageError(POSTGRES_ADVICE)
    return db.target.path


def backup(db: Database, dest: Path, *, overwrite: bool = False) -> BackupInfo:
    """Copy the diary with SQLite's online backup API into a private file, then check it."""
    source = _sqlite_path(db)
    if dest.resolve() == source:
        raise BadInput(f"backup file {dest} is the diary itself; choose another file")
    if dest.exists() and not overwrite:
        raise BadInput(f"{dest} exists; add --yes to replace it")
    with private_temporary(dest) as temporary:
        raw = db.engine.raw_connection()
        try:
            target = sqlite3.connect(temporary)
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
                target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                target.close()
        except sqlite3.Error as exc:
            raise StorageError(f"backup failed, nothing was written: {exc}") from None
        finally:
            raw.close()
        info = check_backup(temporary)
    return BackupInfo(dest, info.revision, info.episodes)


def check_backup(path: Path) -> BackupInfo:
    """A backup must be an intact SQLite diary whose schema this version knows."""
    if not path.is_file():
        raise BadInput(f"backup file {path} does not exist")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BadInput(f"{path} is not a diary backup (not an SQLite file)")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BadInput(f"backup {path} is damaged: {check}")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            episodes = connection.execute("SELECT count(*) FROM episodes").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BadInput(f"{path} is not a diary backup ({exc})") from None
    if revision is None or revision[0] not in KNOWN_REVISIONS:
        raise BadInput(
            f"backup {path} has schema {revision and revision[0]!r}, which this "
            "version of diary does not know; upgrade diary first"
        )
    return BackupInfo(path, revision[0], int(episodes))


def restore_from_backup(db: Database, source: Path) -> BackupInfo:
    """Replace the diary's content with the backup's, in one step (SQLite backup API)."""
    target_path = _sqlite_path(db)
    info = check_backup(source)
    if source.resolve() == target_path:
        raise BadInput("that backup is the diary itself")
    backup_source = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    raw = db.engine.raw_connection()
    try:
        backup_source.backup(raw.driver_connection)  # type: ignore[arg-type]
    except sqlite3.Error as exc:
        raise StorageError(f"restore failed, the diary is unchanged: {exc}") from None
    finally:
        backup_source.close()
        raw.close()
    return info
