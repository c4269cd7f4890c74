"""The one writer of every file the diary creates: private, atomic, never through a link.

Health data goes into a temporary file made by `tempfile.mkstemp` beside the target (mode
0600, a name nobody can predict or plant a link at), is flushed to disk, then renamed over
the target in one step. On any failure the temporary file is removed and the target is
left as it was. Folders the diary creates are 0700.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
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


@contextmanager
def private_temporary(path: Path) -> Iterator[Path]:
    """A fresh 0600 file beside `path`; renamed to `path` when the block succeeds."""
    _check_target(path)
    folder = path.parent
    if not folder.is_dir():
        raise BadInput(f"cannot write {path}: the folder {folder} does not exist")
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


def read_text_file(path: Path, *, what: str, max_mb: float = DEFAULT_MAX_READ_MB) -> str:
    """A UTF-8 text file someone gave us: only a regular file (never a FIFO, a device such
    as /dev/zero, or a folder), at most `max_mb` megabytes, read without blocking."""
    shown = repr(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise BadInput(f"{what} {shown} does not exist") from None
    except OSError as exc:
        raise BadInput(f"cannot read {what} {shown}: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise BadInput(f"{what} {shown} is not a regular file; give an exported file")
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
