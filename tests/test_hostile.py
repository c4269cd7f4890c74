"""Hostile and unlucky input: every case is refused with one line (exit 2 for bad input, 1 for
trouble at run time), never a traceback or "internal error", and nothing changes that
should not change."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Diary

LOG = ("log", "--site", "calf", "--duration", "90s", "--pain", "6")
NOW = "2026-11-21T20:00:00"


def refused(result: Any, code: int, *words: str) -> None:
    """One line on stderr, the exit code, the words; no traceback, no internal error."""
    err = result.stderr.strip()
    assert result.exit_code == code, (result.exit_code, result.stdout, err)
    assert len(err.splitlines()) == 1, err
    assert "internal error" not in err and "Traceback" not in err
    for word in words:
        assert word in err, (word, err)


# --- where the diary is --------------------------------------------------------------------


@pytest.mark.parametrize("target", ["sqlite://", "sqlite:///:memory:", ":memory:",
                                    "sqlite:///file.db?mode=memory"])  # fmt: skip
def test_an_in_memory_diary_is_refused(
    target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It would print "Logged #1" and lose the entry when the process ends."""
    monkeypatch.chdir(tmp_path)  # nothing may be created where the tests run from
    result = Diary()("--db", target, *LOG)
    refused(result, 2, "in-memory" if "sqlite" in target else "would lose every entry")


@pytest.mark.parametrize("target", [" ", "\t", "x\x1by"])
def test_a_blank_or_unprintable_target_is_refused(
    target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    refused(Diary()("--db", target, *LOG), 2, "is not a file name or database URL")
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]  # no file named ' ' made


@pytest.mark.parametrize(
    "url",
    [
        "postgres ql://user:s3cret@host/db",
        "-x://user:s3cret@host/db",
        "postgresql://user:s3cret@localhost:notaport/db",
        "postgresql+psycopg://user:s3cret@[::1/db",
    ],
)
def test_a_password_is_never_printed(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARY_DB", url)
    result = Diary()("list")
    refused(result, 2, "not a valid SQLAlchemy URL", "***")
    assert "s3cret" not in result.stderr + result.stdout


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "abc", "1e9"])
def test_a_bad_lock_timeout_is_bad_input(
    value: str, db_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_LOCK_TIMEOUT", value)
    refused(Diary()("list"), 2, f"DIARY_LOCK_TIMEOUT {value!r}", "seconds from 0")


def test_a_foreign_sqlite_file_is_not_touched(tmp_path: Path) -> None:
    """Not switched to WAL, no table added: decided read-only before anything else."""
    for table in ("notes", "episodes"):
        path = tmp_path / f"{table}.db"
        connection = sqlite3.connect(path)
        connection.execute(f"CREATE TABLE {table} (x)")
        connection.commit()
        connection.close()
        before = path.read_bytes()
        refused(Diary()("--db", str(path), *LOG), 1, "is not a diary database", "not changed")
        assert path.read_bytes() == before
        assert not Path(f"{path}-wal").exists()


def test_a_diary_of_an_unknown_revision_is_not_touched(db_target: str) -> None:
    if "://" in db_target:
        pytest.skip("a file's bytes: SQLite only")
    Diary().ok(*LOG)
    Diary().ok("backup", f"{db_target}.copy")  # a self-contained file (journal mode DELETE)
    path = Path(f"{db_target}.copy")
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    refused(Diary()("--db", str(path), "list"), 1, "newer version", "was not changed")
    assert path.read_bytes() == before


def test_an_empty_file_adopted_as_the_diary_becomes_private(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    path.chmod(0o644)
    Diary().ok("--db", str(path), *LOG)
    assert path.stat().st_mode & 0o777 == 0o600


# --- dates and ids at the edges ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--until", "9999-12-31"),
        ("list", "--since", "0001-01-01"),
        ("flags", "--as-of", "0001-01-01"),
        ("flags", "--as-of", "9999-12-31"),
        ("days", "--since", "0001-01-01", "--until", "9999-12-31"),
        ("triggers", "--since", "0001-01-01", "--until", "9999-12-31"),
        ("export", "--format", "json", "--since", "0001-01-01", "--until", "9999-12-31"),
    ],
)
def test_query_bounds_far_away_are_clamped(
    args: tuple[str, ...], diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW)
    diary.ok(*LOG, "--at", "2026-11-20T10:00")
    result = diary(*args)
    assert result.exit_code == 0, result.stderr


@pytest.mark.slow
def test_charts_and_the_pdf_with_far_bounds(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW)
    diary.ok(*LOG, "--at", "2026-11-20T10:00")
    bounds = ("--since", "0001-01-01", "--until", "9999-12-31")
    diary.ok("charts", "--out", str(tmp_path / "c"), "--until", "9999-12-31")
    shown = diary.ok("report", "doctor", "--out", str(tmp_path / "v.pdf"), *bounds).stdout
    assert "21 Nov 2026" in shown  # clamped to today


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("report", "weekly", "--week", "0001-W01"), "give a week from 1900-W01"),
        (("report", "weekly", "--week", "9999-W52"), "give a week from 1900-W01"),
        (("report", "weekly", "--date", "9999-12-31"), "give a date from 1900 to 9998"),
        (("day", "0001-01-01"), "before 1900"),
        ((*LOG, "--at", "0001-01-01T00:00+05:00"), "before 1900"),
        ((*LOG, "--at", "999999 days ago"), "before 1900"),
    ],
)
def test_dates_outside_the_diary_are_bad_input(
    args: tuple[str, ...], words: str, diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW)
    refused(diary(*args), 2, words)
    assert diary.json("list") == []


@pytest.mark.parametrize("command", ["show", "delete", "edit"])
@pytest.mark.parametrize("episode_id", ["0", "2147483648", "9223372036854775808", "10" * 15])
def test_ids_beyond_any_row_are_not_found(command: str, episode_id: str, diary: Diary) -> None:
    diary.ok(*LOG)
    extra = {"delete": ("--yes",), "edit": ("--pain", "3")}.get(command, ())
    refused(diary(command, episode_id, *extra), 2, f"no episode with id {int(episode_id)}")
    assert diary.json("list")[0]["pain"] == 6


@pytest.mark.parametrize(
    ("option", "value"),
    [("--note", "bad \udcff bytes"), ("--trigger", "\udcffcoffee"), ("--note", "a\x00b")],
)
def test_text_both_backends_cannot_store_is_refused(option: str, value: str, diary: Diary) -> None:
    """Undecodable bytes in an argument arrive as lone surrogates; PostgreSQL refuses NUL."""
    refused(diary(*LOG, option, value), 2, "note" if option == "--note" else "trigger")
    assert diary.json("list") == []


def test_a_time_the_clocks_skipped_is_refused(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("DIARY_NOW", "2027-04-01T10:00:00")
    time.tzset()
    try:
        refused(diary(*LOG, "--at", "2027-03-28 02:30"), 2, "did not happen", "01:30 or 03:30")
        assert diary.log(*LOG[1:], "--at", "2027-03-28 03:30")["at"] == "2027-03-28T03:30:00"
        # The autumn's repeated hour is a real time: stored as typed.
        monkeypatch.setenv("DIARY_NOW", "2027-11-01T10:00:00")
        assert diary.log(*LOG[1:], "--at", "2027-10-31 02:30")["at"] == "2027-10-31T02:30:00"
    finally:
        monkeypatch.undo()
        time.tzset()


# --- imports ------------------------------------------------------------------------------------


def _document(**changes: Any) -> dict[str, Any]:
    episode = {"at": "2026-11-01T10:00:00", "site": "calf", "duration_s": 90, "pain": 6}
    episode.update(changes)
    return {"format": "contraction-diary", "version": 1, "episodes": [episode]}


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"id": True}, "id True is not accepted"),
        ({"id": 1.7}, "id 1.7 is not accepted"),
        ({"id": 1e23}, "is not accepted"),
        ({"id": 10**30}, "is out of range"),
        ({"id": 9223372036854775807}, "is out of range"),
        ({"id": -4}, "is out of range"),
        ({"note": 5}, "note 5 is not text"),
        ({"note": ["a"]}, "is not text"),
        ({"note": "a\u0000b"}, "NUL"),
        ({"note": "\ud800"}, "not valid UTF-8"),
        ({"triggers": [["caffeine"]]}, "triggers must be a list of names"),
        ({"triggers": ["medication"], "trigger_details": {"medication": 5}}, "trigger_details"),
        ({"trigger_details": {"a": {"b": 1}}}, "trigger_details"),
        ({"triggers": ["medication:" + "x" * 201]}, "at most 200"),
        ({"at": "9000-11-01T10:00:00"}, "in the future"),
        ({"at": "1200-11-01T10:00:00"}, "before 1900"),
        ({"pain": "<5000 digits>"}, ""),
    ],
)
def test_an_import_takes_only_strictly_typed_rows(
    changes: dict[str, Any], words: str, diary: Diary, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("DIARY_NOW", NOW)
    path = tmp_path / "in.json"
    text = json.dumps(_document(**changes)).replace('"<5000 digits>"', "9" * 5000)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    refused(diary("import", str(path)), 2, words)
    assert diary.json("list") == []


@pytest.mark.slow
@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo", "folder"])
def test_an_import_reads_only_regular_files(special: str, db_target: str, tmp_path: Path) -> None:
    """A device or a FIFO without a writer would be read without end, or block forever."""
    path = special
    if special == "fifo":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
    elif special == "folder":
        path = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "diary", "import", path],
        capture_output=True, text=True, timeout=60, env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "is not a regular file" in done.stderr and len(done.stderr.splitlines()) == 1


def test_an_import_larger_than_the_limit_is_refused(diary: Diary, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(_document(note="x" * 3000)) + " " * 2_000_000)
    refused(diary("import", str(path), "--max-size", "1"), 2, "at most 1 MB", "--max-size")
    assert diary.json("list") == []


# --- backups and restores ------------------------------------------------------------------------


@pytest.fixture
def sqlite_diary(db_target: str) -> Iterator[Path]:
    if "://" in db_target:
        pytest.skip("backup and restore copy SQLite diaries")
    Diary().ok(*LOG, "--trigger", "coffee")
    yield Path(db_target)


@pytest.mark.parametrize("name", ["-wal", "-shm", "", "."])
def test_a_backup_never_overwrites_the_diary_or_its_companions(
    name: str, sqlite_diary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sqlite_diary.parent)
    target = f"{sqlite_diary}{name}" if name.startswith("-") else name
    before = Diary().json("list")
    result = Diary()("backup", target, "--yes")
    refused(result, 2)
    assert Diary().json("list") == before


def _tampered(backup: Path, sql: str) -> Path:
    connection = sqlite3.connect(backup)
    connection.execute(sql)
    connection.commit()
    connection.close()
    return backup


@pytest.mark.parametrize(
    ("sql", "where"),
    [
        (
            "CREATE TRIGGER tamper AFTER INSERT ON episodes BEGIN "
            "UPDATE episodes SET pain = 0, note = 'tampered' WHERE id = new.id; END",
            "trigger tamper",
        ),
        ("CREATE VIEW everything AS SELECT * FROM episodes", "view everything"),
        ("ALTER TABLE episodes ADD COLUMN extra INTEGER", "table episodes"),
        ("DROP INDEX ix_episodes_occurred_at", "index ix_episodes_occurred_at"),
    ],
)
def test_a_backup_is_checked_object_by_object_before_it_replaces_the_diary(
    sql: str, where: str, sqlite_diary: Path, tmp_path: Path
) -> None:
    diary = Diary()
    copy = tmp_path / "copy.sqlite3"
    diary.ok("backup", str(copy))
    _tampered(copy, sql)
    before = diary.json("list")
    refused(diary("restore", str(copy), "--yes"), 2, "does not have the schema", where)
    assert diary.json("list") == before
    logged = diary.log("--site", "calf", "--duration", "1m", "--pain", "9", "--breathing")
    assert logged["pain"] == 9 and logged["note"] is None


@pytest.mark.slow
def test_restore_waits_for_a_busy_diary_only_as_long_as_asked(
    sqlite_diary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary = Diary()
    copy = tmp_path / "copy.sqlite3"
    diary.ok("backup", str(copy))
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(sqlite_diary)!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        env = {**os.environ, "DIARY_LOCK_TIMEOUT": "1"}
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "diary", "restore", str(copy), "--yes"],
            capture_output=True, text=True, timeout=50, env=env,
        )  # fmt: skip
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.communicate()
    assert done.returncode == 1 and "busy" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and waited < 30


# --- what reaches the terminal ------------------------------------------------------------------


def test_escape_sequences_in_notes_and_triggers_never_reach_the_terminal(
    diary: Diary, tmp_path: Path
) -> None:
    note = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\u202egnp.exe"
    trigger = "\x1b[5mblink"
    diary.ok(*LOG, "--note", note, "--trigger", trigger)
    for args in (("list",), ("show", "1"), ("report", "weekly", "--date", "today")):
        shown = diary.ok(*args).stdout
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown, args
    assert "\\x1b]0;pwned\\x07" in diary.ok("show", "1").stdout
    assert diary.json("show", "1")["note"] == note  # JSON keeps the exact text
