"""Consistent copies of a SQLite diary while others write, and restoring one."""

from __future__ import annotations

import functools
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from diary.errors import BadInput, StorageError
from diary.files import private_temporary
from diary.storage.database import SQLITE_HEADER, Database, lock_timeout_s
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
    if str(dest) in ("", ".") or dest.is_dir():
        raise BadInput(f"backup file {str(dest)!r} is a folder; name a file, e.g. diary.backup")
    own = {Path(f"{source}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    if dest.resolve() in own:
        raise BadInput(f"backup file {dest} is one of the diary's own files; choose another file")
    if dest.is_symlink() or (dest.exists() and not dest.is_file()):
        raise BadInput(f"{dest} is not a regular file; choose another file")
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
    from diary.files import check_regular_or_absent

    # A FIFO, a device or a folder is named as what it is (a FIFO would block the read).
    if not check_regular_or_absent(path, what="backup file"):
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
    found = _schema_of(path)
    expected = reference_schema(revision[0])
    if found != expected:
        differ = sorted(
            {name for name in found.keys() ^ expected.keys()}
            | {name for name in found.keys() & expected.keys() if found[name] != expected[name]}
        )
        raise BadInput(
            f"backup {path} does not have the schema diary {revision[0]} creates (it differs "
            f"at {', '.join(differ[:4])}); nothing was restored"
        )
    return BackupInfo(path, revision[0], int(episodes))


Schema = dict[str, tuple[object, ...]]


def _schema_of(path: Path) -> Schema:
    """Every object of a SQLite file, by name: tables with their columns and foreign keys,
    indexes with their columns, and any trigger or view (which a diary never has)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema: Schema = {}
        objects = connection.execute(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for kind, name, table in objects:
            if kind == "table":
                columns = connection.execute(
                    'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)',
                    (name,),
                ).fetchall()
                keys = connection.execute(
                    'SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?)',
                    (name,),
                ).fetchall()
                schema[f"table {name}"] = (tuple(columns), tuple(sorted(keys)))
            elif kind == "index":
                columns = connection.execute(
                    "SELECT name FROM pragma_index_info(?)", (name,)
                ).fetchall()
                schema[f"index {name}"] = (table, tuple(columns))
            else:  # a trigger or a view: code that would run inside the diary
                schema[f"{kind} {name}"] = (table,)
        return schema
    finally:
        connection.close()


@functools.cache
def reference_schema(revision: str) -> Schema:
    """The schema the migrations create at `revision`: its stored description (no Alembic,
    no scratch diary: ~1 s less per restore), else built."""
    from diary.storage.reference_schemas import SCHEMAS

    stored = SCHEMAS.get(revision)
    return stored if stored is not None else build_reference_schema(revision)


def build_reference_schema(revision: str) -> Schema:
    """The schema the migrations create at `revision`, built in a scratch file."""
    from diary.storage.database import migration_connection, open_database
    from diary.storage.migrate import upgrade_to

    with tempfile.TemporaryDirectory(prefix="diary-schema-") as folder:
        path = Path(folder) / "reference.sqlite3"
        database = open_database(str(path), migrate=False)
        try:
            with migration_connection(database) as connection:
                upgrade_to(connection, revision)
        finally:
            database.dispose()
        return _schema_of(path)


def restore_from_backup(db: Database, source: Path) -> BackupInfo:
    """Replace the diary's content with the backup's, in one step (SQLite backup API)."""
    target_path = _sqlite_path(db)
    info = check_backup(source)
    if source.resolve() == target_path:
        raise BadInput("that backup is the diary itself")
    backup_source = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    raw = db.engine.raw_connection()
    try:
        # The backup API waits without end for a diary another process is writing; taking
        # the write lock first waits DIARY_LOCK_TIMEOUT at most, then says so.
        driver = raw.driver_connection
        assert driver is not None
        driver.execute("BEGIN IMMEDIATE")
        driver.execute("ROLLBACK")
        backup_source.backup(driver)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StorageError(
                f"the diary {target_path} is busy: another program is writing to it (waited "
                f"{lock_timeout_s():g} s); the diary is unchanged, try again in a moment"
            ) from None
        raise StorageError(f"restore failed, the diary is unchanged: {exc}") from None
    except sqlite3.Error as exc:
        raise StorageError(f"restore failed, the diary is unchanged: {exc}") from None
    finally:
        backup_source.close()
        raw.close()
    return info


def write_reference_schemas() -> None:
    """Rewrite `reference_schemas.SCHEMAS` from what the migrations build now (after adding
    a migration; tests/test_storage.py says when it is due)."""
    from diary.storage import reference_schemas

    path = Path(reference_schemas.__file__)
    built = {revision: build_reference_schema(revision) for revision in KNOWN_REVISIONS}
    lines = ["SCHEMAS: dict[str, Schema] = {"]
    for revision, schema in built.items():
        lines.append(f"    {revision!r}: {{")
        lines.extend(f"        {name!r}: {schema[name]!r}," for name in sorted(schema))
        lines.append("    },")
    lines.append("}")
    text = path.read_text()
    head, rest = text.split("# fmt: off\n", 1)
    _, tail = rest.split("# fmt: on\n", 1)
    path.write_text(head + "# fmt: off\n" + "\n".join(lines) + "\n# fmt: on\n" + tail)


if __name__ == "__main__" and sys.argv[1:] == ["--write-reference-schemas"]:
    write_reference_schemas()
