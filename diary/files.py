"""The one writer of every file the diary creates: private, atomic, never through a link.

Health data goes into a temporary file made by `tempfile.mkstemp` beside the target (mode
0600, a name nobody can predict or plant a link at), is flushed to disk, then renamed over
the target in one step. On any failure the temporary file is removed and the target is
left as it was. Folders the diary creates are 0700.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from diary.errors import BadInput, StorageError


def _problem(path: Path, exc: OSError) -> StorageError:
    if exc.errno == errno.ENOSPC:
        return StorageError(
            f"cannot write {path}: no space left on the device; nothing was written"
        )
    reason = exc.strerror or type(exc).__name__
    return StorageError(f"cannot write {path}: {reason}; nothing was written")


def private_folder(folder: Path) -> Path:
    """Create `folder` and any missing parents readable by the owner only (whatever the
    umask); folders that exist already are left as they are."""
    if folder.is_dir():
        return folder
    if folder.exists() or folder.is_symlink():
        raise BadInput(f"{folder} exists and is not a folder")
    missing = [folder, *(p for p in folder.parents if not p.exists())]
    for level in reversed(missing):
        try:
            level.mkdir(mode=0o700)
            level.chmod(0o700)  # mkdir's mode is masked by the umask
        except FileExistsError:
            if not level.is_dir():
                raise BadInput(f"{level} exists and is not a folder") from None
        except OSError as exc:
            raise _problem(level, exc) from None
    return folder


def _check_target(path: Path) -> None:
    """Only a regular file (replaced) or a name not yet taken is written."""
    if str(path).strip() == "" or path.name in ("", ".", ".."):
        raise BadInput(f"{str(path)!r} is not a file name")
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _problem(path, exc) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise BadInput(f"{path} is {kind}; give the name of a new or regular file")


# A write killed mid-way (power cut, kill -9) leaves its temporary file behind: up to the
# size of the whole export. The next write of the same file removes such leftovers: only
# names of exactly our pattern, only regular files of ours, only untouched for an hour (a
# write still running, even a slow one, keeps its file fresh).
STALE_AFTER_S = 3600.0
_RANDOM_PART = re.compile(r"[a-z0-9_]{8}")  # what tempfile.mkstemp puts between


def remove_stale_temporaries(path: Path, *, older_than_s: float = STALE_AFTER_S) -> list[Path]:
    """Remove `.NAME.XXXXXXXX.part` files beside `path` that a killed write left."""
    prefix, suffix = f".{path.name}.", ".part"
    removed = []
    now = time.time()
    try:
        candidates = list(path.parent.glob(f"{glob.escape(prefix)}*{suffix}"))
    except OSError:
        return []
    for candidate in candidates:
        middle = candidate.name[len(prefix) : -len(suffix)]
        if not _RANDOM_PART.fullmatch(middle):
            continue
        try:
            info = candidate.lstat()
            if (
                stat.S_ISREG(info.st_mode)
                and info.st_uid == os.getuid()
                and now - info.st_mtime > older_than_s
            ):
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


@contextmanager
def private_temporary(path: Path) -> Iterator[Path]:
    """A fresh 0600 file beside `path`; renamed to `path` when the block succeeds."""
    _check_target(path)
    folder = path.parent
    if not folder.is_dir():
        raise BadInput(f"cannot write {path}: the folder {folder} does not exist")
    remove_stale_temporaries(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise _problem(path, exc) from None
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        _sync(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise _problem(path, exc) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def private_file(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """Write `path` through an open handle (text: UTF-8, newlines as written)."""
    with private_temporary(path) as temporary:
        flags = os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW
        handle: IO[Any]
        if binary:
            handle = os.fdopen(os.open(temporary, flags), "wb")
        else:
            handle = os.fdopen(os.open(temporary, flags), "w", encoding="utf-8", newline="")
        with handle:
            yield handle


DEFAULT_MAX_READ_MB = 100
MAX_READ_MB = 100_000.0  # --max-size: any larger is a typo (and past what memory holds)


def check_max_mb(value: float, *, option: str = "--max-size") -> float:
    """A size limit in MB: a finite number above 0, at most MAX_READ_MB."""
    if not (0 < value <= MAX_READ_MB):  # NaN fails this too
        raise BadInput(
            f"{option} {value!r} is not accepted: give megabytes from 0.001 to {MAX_READ_MB:g}"
        )
    return value


def refuse_unnamed_replacement(path: Path, *, yes: bool) -> None:
    """A file the person did not name (a default, or one written beside the one named) is
    never replaced silently: its existence is refused unless --yes was given."""
    if not yes and (path.exists() or path.is_symlink()):
        raise BadInput(f"{path} exists and was not named; add --yes to replace it, or --out FILE")


def check_regular_or_absent(path: Path, *, what: str) -> bool:
    """True if `path` is a regular file (links followed), False if nothing is there; a
    FIFO, a device, a socket or a folder is refused before anything opens it (opening a
    FIFO waits for a writer forever; a device may be changed or read without end)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise BadInput(f"cannot use {what} {str(path)!r}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise BadInput(f"{what} {str(path)!r} is {kind}; give a regular file")
    return True


def read_text_file(path: Path, *, what: str, max_mb: float = DEFAULT_MAX_READ_MB) -> str:
    """A UTF-8 text file someone gave us: only a regular file (never a FIFO, a device such
    as /dev/zero, or a folder), at most `max_mb` megabytes, read without blocking."""
    shown = repr(str(path))
    check_max_mb(max_mb)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise BadInput(f"{what} {shown} does not exist") from None
    except OSError as exc:
        raise BadInput(f"cannot read {what} {shown}: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise BadInput(f"{what} {shown} is not a regular file; give a regular file")
    with os.fdopen(fd, "rb") as handle:
        limit = int(max_mb * 1024 * 1024)
        if info.st_size > limit:
            raise BadInput(
                f"{what} {shown} is {info.st_size / 1024 / 1024:.0f} MB; at most {max_mb:g} MB "
                "are read (raise the limit with --max-size MB)"
            )
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise BadInput(f"{what} {shown} grew past {max_mb:g} MB while it was read")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{what} {shown} is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None


SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def remove_sqlite_diary(path: Path) -> None:
    """Delete a SQLite diary with its journal files (the demo diary's fresh start); a
    symbolic link in their place is removed, never followed."""
    for suffix in SQLITE_COMPANIONS:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
