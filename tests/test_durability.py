"""A writer killed mid-way leaves a consistent diary; backups are consistent while others
write; restore checks before it replaces."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Diary

LOG_LOOP = (
    "from diary.cli import app\n"
    "i = 0\n"
    "while True:\n"
    "    app(['log', '--site', 'calf', '--duration', '90s', '--pain', '5', '--trigger',\n"
    "         'dehydration', '--trigger', 'exercise', '--trigger', 'statin'],\n"
    "        standalone_mode=False)\n"
    "    i += 1\n"
)


def _consistent(path: Path) -> tuple[int, int]:
    """Integrity, foreign keys, and every episode with all three triggers or none."""
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        episodes = connection.execute("SELECT count(*) FROM episodes").fetchone()[0]
        triggers = connection.execute("SELECT count(*) FROM episode_triggers").fetchone()[0]
    finally:
        connection.close()
    return episodes, triggers


@pytest.mark.slow
def test_writers_killed_mid_log_leave_a_consistent_diary(db_target: str) -> None:
    path = Path(db_target)
    Diary().ok("log", "--site", "eyelid", "--duration", "3s", "--pain", "0")
    for delay in (0.0, 0.05, 0.1, 0.15):  # after its first entry, at varying points of a write
        before = _consistent(path)[0]
        writer = subprocess.Popen([sys.executable, "-c", LOG_LOOP], env=os.environ.copy())
        deadline = time.monotonic() + 60  # start-up takes seconds on a busy machine
        while _consistent(path)[0] == before and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        episodes, triggers = _consistent(path)
        assert triggers == 3 * (episodes - 1)
    assert episodes > 1, "no writer got as far as logging"
    assert len(Diary().json("list")) == episodes


@pytest.mark.slow
def test_import_killed_mid_way_writes_all_or_nothing(db_target: str, tmp_path: Path) -> None:
    path = Path(db_target)
    Diary().ok("log", "--site", "eyelid", "--duration", "3s", "--pain", "0")
    rows = [
        {
            "at": f"{2000 + i % 20}-01-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d}",
            "site": "calf",
            "duration_s": 60,
            "pain": 5,
            "triggers": ["dehydration", "exercise", "statin"],
            "note": f"{i} " + "x" * 200,
        }
        for i in range(100_000)
    ]
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"episodes": rows}))
    wal = Path(f"{path}-wal")
    start_size = wal.stat().st_size if wal.exists() else 0
    importer = subprocess.Popen(
        [sys.executable, "-m", "diary", "import", str(big)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    # Kill it once its transaction is spilling pages into the write-ahead log.
    while importer.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > start_size + 4_000_000:
            importer.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    assert importer.wait() == -signal.SIGKILL, "the import finished before it could be killed"
    episodes, triggers = _consistent(path)
    assert episodes == 1 and triggers == 0


def test_backup_while_another_process_writes(db_target: str, tmp_path: Path) -> None:
    Diary().ok("log", "--site", "eyelid", "--duration", "3s", "--pain", "0")
    writer = subprocess.Popen([sys.executable, "-c", LOG_LOOP], env=os.environ.copy())
    try:
        time.sleep(0.6)
        copies = []
        for n in range(3):
            copy = tmp_path / f"copy{n}.sqlite3"
            result = Diary()("backup", str(copy))
            assert result.exit_code == 0, result.stderr
            copies.append(copy)
    finally:
        writer.kill()
        writer.wait()
    for copy in copies:
        episodes, triggers = _consistent(copy)
        assert triggers == 3 * (episodes - 1)
        assert copy.stat().st_mode & 0o077 == 0


def test_restore_checks_the_backup_and_asks_before_replacing(
    db_target: str, tmp_path: Path
) -> None:
    diary = Diary()
    diary.ok("log", "--site", "calf", "--duration", "90s", "--pain", "6")
    copy = tmp_path / "copy.sqlite3"
    diary.ok("backup", str(copy))
    assert diary("backup", str(copy)).exit_code == 2  # exists: needs --yes
    diary.ok("log", "--site", "eyelid", "--duration", "3s", "--pain", "0")
    refused = diary("restore", str(copy))
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert len(diary.json("list")) == 2
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(copy.read_bytes()[:2048] + b"\x00" * 2048)
    result = diary("restore", str(damaged), "--yes")
    assert result.exit_code == 2
    assert len(diary.json("list")) == 2
    restored = diary.ok("restore", str(copy), "--yes")
    assert "before-restore" in restored.stdout
    assert [e["site"] for e in diary.json("list")] == ["calf"]
    (kept,) = Path(db_target).parent.glob("*.before-restore*")
    assert _consistent(kept)[0] == 2
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    # A second restore keeps its own safety copy: the first one is never overwritten.
    diary.ok("log", "--site", "thumb", "--duration", "2s", "--pain", "0")
    diary.ok("restore", str(copy), "--yes")
    copies = sorted(Path(db_target).parent.glob("*.before-restore*"))
    assert len(copies) == 2 and kept in copies
    assert sorted(_consistent(c)[0] for c in copies) == [2, 2]


@pytest.mark.backend
def test_backup_on_postgres_points_to_pg_dump(db_target: str, tmp_path: Path) -> None:
    if not db_target.startswith("postgresql"):
        pytest.skip("PostgreSQL only: DIARY_TEST_DATABASE_URL is not set")
    result = Diary()("backup", str(tmp_path / "copy"))
    assert result.exit_code == 1 and "pg_dump" in result.stderr
