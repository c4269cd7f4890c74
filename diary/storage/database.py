"""Opening a diary database: where it is, its file safety, and its schema version."""

from __future__ import annotations

import contextlib
import math
import os
import re
import sqlite3
import stat
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from diary.errors import BadInput, StorageError
from diary.files import private_folder
from diary.storage.revisions import HEAD_REVISION, KNOWN_REVISIONS

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_LOCK_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Target:
    """Where the diary lives: an SQLAlchemy URL and, for SQLite files, the path."""

    url: URL
    path: Path | None

    @property
    def display(self) -> str:
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"


def resolve_target(option: str | None) -> Target:
    """`--db`, else `DIARY_DB`, else the default file in the user data directory."""
    given = option if option is not None else os.environ.get("DIARY_DB")
    source = "--db" if option is not None else "DIARY_DB"
    if given is None or (given == "" and option is None):
        from diary.paths import default_db_path

        path = default_db_path()
        return Target(make_url(f"sqlite:///{path}"), path)
    if not given.strip() or not given.isprintable():
        raise BadInput(f"{source} {mask_password(given)!r} is not a file name or database URL")
    if "://" in given:
        try:
            url = make_url(given)
            url.port  # noqa: B018  (a port that is not a number fails here, not mid-command)
        except (ArgumentError, ValueError):
            raise BadInput(
                f"{source} {mask_password(given)!r} is not a valid SQLAlchemy URL "
                "(e.g. postgresql+psycopg://user@host/diary)"
            ) from None
        if url.get_backend_name() == "sqlite":
            database = url.database or ""
            if database in ("", ":memory:") or url.query.get("mode") == "memory":
                raise BadInput(
                    f"{source} {given!r} is an in-memory database: every entry would be lost "
                    "when the command ends; give a file"
                )
            return Target(url, Path(database).expanduser().resolve())
        return Target(url, None)
    if given == ":memory:":
        raise BadInput(f"{source} ':memory:' would lose every entry; give a file")
    path = Path(given).expanduser().resolve()
    return Target(make_url(f"sqlite:///{path}"), path)


def mask_password(url: str) -> str:
    """`scheme://user:secret@host` -> `scheme://user:***@host`, whatever else is wrong with
    the text (an error message must never print a password)."""
    return re.sub(r"(://[^/@]*?:)[^/@]*@", r"\1***@", url)


MAX_LOCK_TIMEOUT_S = 3600.0


def lock_timeout_s() -> float:
    """DIARY_LOCK_TIMEOUT: seconds to wait for a database another process is writing."""
    raw = os.environ.get("DIARY_LOCK_TIMEOUT")
    if raw is None or raw.strip() == "":
        return DEFAULT_LOCK_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_LOCK_TIMEOUT_S:  # NaN fails this too
        raise BadInput(
            f"DIARY_LOCK_TIMEOUT {raw!r} is not accepted: give seconds from 0 to "
            f"{MAX_LOCK_TIMEOUT_S:g}"
        )
    return value


def _prepare_sqlite_file(path: Path, *, known_revision: bool = True, create: bool = True) -> None:
    """Create the file (0600) and its folder (0700) before SQLite does, or check its header.

    Anything but a regular file (a FIFO, which would block the first read forever, or a
    device, whose mode would be changed) is refused before it is opened or changed."""
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise StorageError(f"cannot use the diary database {path}: {exc.strerror}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise StorageError(f"{path} is a folder, not a diary database file")
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(
                f"{path} is not a regular file (a device, a FIFO or a socket); give a diary "
                "database file with --db or DIARY_DB"
            )
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StorageError(f"cannot read the diary database {path}: {exc.strerror}") from None
        if header and header != SQLITE_HEADER:
            raise StorageError(
                f"{path} is not a diary database (it is not an SQLite file); "
                "give another file with --db or DIARY_DB"
            )
        if header:
            _check_is_diary(path, known_revision=known_revision)
        elif stat.S_IMODE(info.st_mode) & 0o077:
            path.chmod(0o600)  # an empty file adopted as the diary becomes private
        return
    if not create:
        raise NoDiaryYet(path)
    try:
        private_folder(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.fchmod(fd, 0o600)  # the mode given to open is masked by the umask
        os.close(fd)
    except FileExistsError:
        pass  # another process created it first
    except OSError as exc:
        raise StorageError(f"cannot create the diary database {path}: {exc.strerror}") from None


class NoDiaryYet(StorageError):
    """Asked to look at a diary file that does not exist (and must not be created)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"there is no diary at {path} yet")
        self.path = path


def _check_is_diary(path: Path, *, known_revision: bool) -> None:
    """Decide what an existing SQLite file is before anything touches it (opening it as the
    diary would switch it to WAL and add tables): read-only, its tables and revision."""
    try:
        uri = read_only_uri(path) or f"file:{urllib.parse.quote(str(path))}?mode=ro"
        connection = sqlite3.connect(uri, uri=True)
        try:
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            }
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise StorageError(f"cannot read the diary database {path}: {exc}") from None
    if not tables or tables <= {"alembic_version"}:
        return  # a new diary
    if "episodes" not in tables or "alembic_version" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        raise StorageError(
            f"{path} is not a diary database (it holds other tables: {shown}); it was not "
            "changed. Give another file with --db or DIARY_DB"
        )
    if known_revision:
        _check_known(revision, Target(make_url(f"sqlite:///{path}"), path))


def read_only_uri(path: Path) -> str | None:
    """How to open a diary whose folder we cannot write, or None when we can.

    SQLite keeps a WAL diary's shared memory and log in files beside it; where they cannot
    be made, even a read fails ("unable to open"). Nobody can write such a diary (a writer
    needs those files too), so it is opened read-only, and, when no log is left over from a
    writer, as immutable: every read works, every write says "read-only"."""
    if os.access(path.parent, os.W_OK):
        return None
    quoted = urllib.parse.quote(str(path))
    if Path(f"{path}-wal").exists():
        return f"file:{quoted}?mode=ro"
    return f"file:{quoted}?mode=ro&immutable=1"


def create_diary_engine(target: Target) -> Engine:
    if target.is_sqlite:
        url = target.url
        uri = read_only_uri(target.path) if target.path is not None else None
        if uri is not None:
            url = make_url(f"sqlite:///{uri}&uri=true")
        engine = create_engine(url, connect_args={"timeout": lock_timeout_s()})
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    try:
        return create_engine(target.url, pool_pre_ping=False)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise StorageError(
            f"no driver for {target.display}: {exc}; for PostgreSQL install the 'postgres' extra"
        ) from None


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event decide how transactions start (pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(lock_timeout_s() * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal" and not _is_memory(dbapi_connection):
            # A diary opened read-only keeps its mode (its writes are refused anyway).
            with contextlib.suppress(sqlite3.OperationalError):
                cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _is_memory(dbapi_connection: Any) -> bool:
    row = dbapi_connection.execute("PRAGMA database_list").fetchone()
    return not row[2]


def _begin_sqlite_transaction(connection: Connection) -> None:
    # Writers take the lock up front, so a read-then-write never fails on a busy database.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def describe_db_error(exc: DBAPIError, target: Target) -> StorageError:
    """One clear line for what went wrong in the database driver."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return StorageError(
            f"the diary database {target.display} is locked by another program "
            f"(waited {lock_timeout_s():g} s); try again in a moment"
        )
    if "not a database" in lowered or "malformed" in lowered:
        return StorageError(f"{target.display} is not a readable diary database ({message})")
    if "readonly" in lowered or "read-only" in lowered:
        return StorageError(f"the diary database {target.display} is read-only")
    if "unable to open" in lowered:
        return StorageError(f"cannot open the diary database {target.display}")
    first_line = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    return StorageError(f"database error in {target.display}: {first_line}")


class Database:
    """An open diary: the engine plus read and write transactions."""

    def __init__(self, target: Target, engine: Engine) -> None:
        self.target = target
        self.engine = engine

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            raise describe_db_error(exc, self.target) from exc

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction: one consistent view of the diary."""
        with self._translated_errors(), self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A transaction that commits on success and leaves nothing behind on failure."""
        with self._translated_errors(), self.engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                yield connection

    def current_revision(self) -> str | None:
        with self._translated_errors(), self.engine.connect() as connection:
            return _stored_revision(connection)

    def dispose(self) -> None:
        self.engine.dispose()


def _stored_revision(connection: Connection) -> str | None:
    """The schema revision stamped in the database, or None for an empty database."""
    try:
        with connection.begin_nested() if connection.in_transaction() else connection.begin():
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except OperationalError as exc:
        if "no such table" not in str(exc.orig).lower():
            raise
        return None
    except DBAPIError as exc:  # PostgreSQL: undefined table
        if "alembic_version" not in str(exc.orig):
            raise
        return None
    return row[0] if row else None


def open_database(option: str | None, *, migrate: bool = True, create: bool = True) -> Database:
    """Open (creating on first use) the diary and make sure its schema is current.

    With `migrate=False` the schema is neither checked nor changed (`diary db ...`); with
    `create=False` a SQLite file that does not exist raises NoDiaryYet and nothing is made.
    """
    target = resolve_target(option)
    if target.is_sqlite and target.path is not None:
        _prepare_sqlite_file(target.path, known_revision=migrate, create=create)
    engine = create_diary_engine(target)
    database = Database(target, engine)
    try:
        if migrate and database.current_revision() != HEAD_REVISION:
            upgrade_schema(database)
    except BaseException:
        engine.dispose()
        raise
    return database


def _check_known(revision: str | None, target: Target) -> None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StorageError(
            f"the diary database {target.display} was written by a newer version of diary "
            f"(schema {revision}); upgrade diary to use it. The file was not changed."
        )


def upgrade_schema(database: Database) -> list[str]:
    """Run the Alembic migrations up to head in one transaction; returns what ran. Alembic
    is imported only when there is something to run (a current diary after `restore` or
    `db upgrade` is left as it is, without it)."""
    with migration_connection(database) as connection:
        revision = _stored_revision(connection)
        if revision == HEAD_REVISION:
            return []
        _check_known(revision, database.target)
        from diary.storage.migrate import upgrade_to_head

        return upgrade_to_head(connection, current=revision)


def _driver(connection: Connection) -> Any:
    """The DB-API connection itself: PRAGMAs sent here bypass SQLAlchemy's autobegin."""
    return connection.connection.driver_connection


@contextmanager
def migration_connection(database: Database) -> Iterator[Connection]:
    """A connection inside one transaction that holds the write lock for schema changes.

    On SQLite, foreign keys are switched off first (they cannot change inside a transaction)
    so that batch migrations, which copy and drop tables, do not cascade deletes.
    """
    with database._translated_errors(), database.engine.connect() as connection:
        sqlite = database.target.is_sqlite
        if sqlite:
            _driver(connection).execute("PRAGMA foreign_keys = OFF")
        try:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                if not sqlite:  # serialise first-use migrations of several clients
                    connection.execute(text("SELECT pg_advisory_xact_lock(734001)"))
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise StorageError(f"migration left a broken reference: {tuple(broken)}")
        finally:
            if sqlite:
                _driver(connection).execute("PRAGMA foreign_keys = ON")
