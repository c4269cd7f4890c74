"""Where the diary lives, its permissions, its schema, and how it fails."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import String, create_engine, text

from diary.storage import HEAD_REVISION, KNOWN_REVISIONS, open_database
from diary.storage.database import migration_connection
from diary.storage.migrate import downgrade, migrations_dir, upgrade_to_head
from tests.conftest import Diary

REPO = Path(__file__).resolve().parents[1]
LOG = ["log", "--site", "calf", "--duration", "90s", "--pain", "6"]


def test_default_location_is_private(hermetic: Path) -> None:
    result = Diary()(*LOG)
    assert result.exit_code == 0, result.stderr
    db = hermetic / ".local" / "share" / "diary" / "diary.sqlite3"
    assert db.exists()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_diary_db_variable_and_db_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_env, from_option = tmp_path / "env.sqlite3", tmp_path / "sub" / "option.sqlite3"
    monkeypatch.setenv("DIARY_DB", str(from_env))
    diary = Diary()
    diary.ok(*LOG)
    diary.ok("--db", str(from_option), *LOG)
    diary.ok("--db", f"sqlite:///{from_option}", *LOG)
    assert len(diary.json("list")) == 1
    assert len(diary.json("--db", str(from_option), "list")) == 2
    assert stat.S_IMODE(from_option.stat().st_mode) == 0o600


def test_garbage_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.sqlite3"
    content = os.urandom(4096)
    garbage.write_bytes(content)
    result = Diary()("--db", str(garbage), *LOG)
    assert result.exit_code == 1
    assert "not a diary database" in result.stderr and len(result.stderr.splitlines()) == 1
    assert garbage.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == [
        "notes.sqlite3"
    ]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"x" * 100)
    result = Diary()("--debug", "--db", str(garbage), *LOG)
    assert result.exit_code != 0 and result.exception is not None


def test_newer_schema_is_refused_and_not_changed(db_target: str) -> None:
    diary = Diary()
    diary.ok(*LOG)
    database = open_database(None)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    result = diary(*LOG)
    assert result.exit_code == 1
    assert "newer version of diary" in result.stderr
    database = open_database(None, migrate=False)
    assert database.current_revision() == "9999"
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM episodes")).scalar_one() == 1
    database.dispose()


def test_locked_database_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    Diary()("--db", str(path), *LOG)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = Diary()("--db", str(path), *LOG, env={"DIARY_LOCK_TIMEOUT": "0.3"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert "locked by another program" in result.stderr
    assert len(Diary().json("--db", str(path), "list")) == 1


def test_known_revisions_match_the_migration_scripts() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(migrations_dir()))
    walked = [s.revision for s in scripts.walk_revisions("base", "heads")]
    assert tuple(reversed(walked)) == KNOWN_REVISIONS
    assert scripts.get_current_head() == HEAD_REVISION


def _tables(url: str) -> set[str]:
    from sqlalchemy import inspect

    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.backend
def test_migration_walk_keeps_every_row(db_target: str) -> None:
    database = open_database(None, migrate=False)
    url = database.target.url.render_as_string(hide_password=False)
    assert _tables(url) - {"alembic_version"} == set()
    with migration_connection(database) as connection:
        upgrade_to_head(connection, current=None)
    with migration_connection(database) as connection:
        downgrade(connection, "base")
    assert _tables(url) - {"alembic_version"} == set()
    database.dispose()

    diary = Diary()
    diary.ok(*LOG, "--trigger", "dehydration", "--trigger", "statin", "--soreness-hours", "2")
    diary.ok("log", "--site", "eyelid", "--duration", "3s", "--pain", "0", "--trigger", "coffee")
    before = diary.json("list")
    database = open_database(None)
    for revision in reversed(KNOWN_REVISIONS[:-1]):
        with migration_connection(database) as connection:
            downgrade(connection, revision)
        assert database.current_revision() == revision
        with migration_connection(database) as connection:
            upgrade_to_head(connection, current=revision)
        assert database.current_revision() == HEAD_REVISION
        assert diary.json("list") == before
    database.dispose()


@pytest.mark.backend
def test_the_alembic_command_keeps_every_trigger_down_and_up(db_target: str) -> None:
    """`alembic downgrade 0001` and `alembic upgrade head` from the repository root run the
    migrations as `diary db upgrade` does: no trigger lost to a cascading delete."""
    diary = Diary()
    for trigger in ("dehydration", "statin", "coffee"):
        diary.ok(*LOG, "--trigger", trigger, "--trigger", "stress")
    before = diary.json("list")
    assert sum(len(e["triggers"]) for e in before) == 6
    alembic = [sys.executable, "-m", "alembic"]
    for args in (["downgrade", "0001"], ["upgrade", "head"]):
        done = subprocess.run(
            [*alembic, *args], cwd=REPO, env=dict(os.environ), capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert diary.json("list") == before


def test_alembic_cli_works_from_the_repo_root(tmp_path: Path) -> None:
    env = {**os.environ, "DIARY_DB": str(tmp_path / "alembic.sqlite3")}
    alembic = [sys.executable, "-m", "alembic"]
    for args in (["upgrade", "head"], ["check"], ["current"]):
        done = subprocess.run(
            [*alembic, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
    assert (
        "No new upgrade operations detected"
        in subprocess.run(
            [*alembic, "check"], cwd=REPO, env=env, capture_output=True, text=True
        ).stdout
    )


@pytest.mark.backend
@pytest.mark.slow
def test_six_processes_logging_at_once_lose_nothing(db_target: str) -> None:
    script = (
        "import sys\n"
        "from diary.cli import app\n"
        "for i in range(5):\n"
        "    code = app(['log', '--site', 'calf', '--duration', '90s', '--pain', str(i),\n"
        "                '--note', sys.argv[1] + '-' + str(i)], standalone_mode=False)\n"
        "    assert code == 0, code\n"
    )
    env = {**os.environ, "DIARY_LOCK_TIMEOUT": "30"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, f"w{n}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err
    notes = sorted(e["note"] for e in Diary().json("list"))
    assert notes == sorted(f"w{n}-{i}" for n in range(6) for i in range(5))


def test_ordinary_commands_import_no_alembic_matplotlib_orm_or_web(db_target: str) -> None:
    Diary().ok(*LOG)  # schema created here
    probe = (
        "import sys\n"
        "from diary.cli import app\n"
        "for args in (['log', '--site', 'calf', '--duration', '3s', '--pain', '1'],\n"
        "             ['list'], ['flags'], ['show', '1']):\n"
        "    assert app(args, standalone_mode=False) == 0, args\n"
        "heavy = sorted(m for m in ('alembic', 'matplotlib', 'rich', 'sqlalchemy.orm',\n"
        "                           'flask', 'waitress', 'jinja2', 'werkzeug')\n"
        "               if m in sys.modules)\n"
        "print('heavy=' + ','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "heavy="


@pytest.mark.backend
def test_db_upgrade_and_current(db_target: str) -> None:
    diary = Diary()
    first = diary.ok("db", "upgrade").stdout
    assert f"schema {HEAD_REVISION} (applied {', '.join(KNOWN_REVISIONS)})" in first
    assert "already current" in diary.ok("db", "upgrade").stdout
    assert diary.ok("db", "current").stdout.startswith(f"{HEAD_REVISION} (head)")


def test_linux_paths_agree_with_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    from diary.paths import user_config_dir, user_data_dir

    for xdg in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(xdg, raising=False)
        assert str(user_data_dir()) == platformdirs.user_data_dir("diary", appauthor=False)
        assert str(user_config_dir()) == platformdirs.user_config_dir("diary", appauthor=False)


@pytest.mark.backend
def test_single_and_bulk_inserts_store_identical_rows(db_target: str) -> None:
    """The bulk path bypasses SQLAlchemy's per-row work: it must store the same bytes (a
    difference once made imports duplicate episodes)."""
    from datetime import datetime

    from sqlalchemy import select

    from diary.domain import NewEpisode, TriggerEntry
    from diary.storage import add_episode, add_episodes
    from diary.storage.schema import episode_triggers, episodes

    logged = datetime(2026, 11, 20, 9, 30, 15)
    sample = NewEpisode(
        at=datetime(2026, 11, 20, 3, 4, 5),
        site="calf",
        side="left",
        duration_s=90.5,
        pain=7,
        triggers=(TriggerEntry("medication", "statin"), TriggerEntry("dehydration")),
        visible="bulge",
        stiff=True,
        weakness=True,
        soreness_hours=2.5,
        note="é ünïcode",
    )
    database = open_database(None)
    with database.writing() as connection:
        single = add_episode(sample, connection=connection, logged_at=logged)
        (bulk,) = add_episodes([sample], connection=connection, logged_at=logged)
    with database.reading() as connection:
        # Compare what the database holds, as text, so a different encoding shows.
        columns = [c for c in episodes.c if c.name != "id"]
        raw = {
            row[0]: tuple(row[1:])
            for row in connection.execute(select(episodes.c.id, *(c.cast(String) for c in columns)))
        }
        trigger_rows = {
            episode_id: sorted(rows)
            for episode_id in (single, bulk)
            for rows in [
                list(
                    connection.execute(
                        select(
                            episode_triggers.c.position,
                            episode_triggers.c.name,
                            episode_triggers.c.detail,
                        ).where(episode_triggers.c.episode_id == episode_id)
                    )
                )
            ]
        }
        if database.target.is_sqlite:
            types = {
                row[0]: row[1:]
                for row in connection.exec_driver_sql(
                    "SELECT id, typeof(occurred_at), typeof(logged_at), typeof(duration_s), "
                    "typeof(stiff), typeof(soreness_hours) FROM episodes"
                )
            }
            assert types[single] == types[bulk]
    database.dispose()
    assert raw[single] == raw[bulk]
    assert trigger_rows[single] == trigger_rows[bulk]


def test_db_current_reports_an_older_diary_without_upgrading_it(db_target: str) -> None:
    diary = Diary()
    diary.ok(*LOG)
    database = open_database(None)
    with migration_connection(database) as connection:
        downgrade(connection, KNOWN_REVISIONS[-2])
    database.dispose()
    shown = diary.ok("db", "current").stdout
    assert shown.startswith(f"{KNOWN_REVISIONS[-2]} (behind head {HEAD_REVISION}")
    assert open_database(None, migrate=False).current_revision() == KNOWN_REVISIONS[-2]
    diary.ok("db", "upgrade")
    assert diary.ok("db", "current").stdout.startswith(f"{HEAD_REVISION} (head)")


def test_debug_comes_from_the_options_not_from_the_words_typed(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"x" * 100)
    # Without --debug: one line, no traceback.
    plain = Diary()("--db", str(garbage), *LOG)
    assert plain.exit_code == 1 and len(plain.stderr.splitlines()) == 1
    assert isinstance(plain.exception, SystemExit)
    # "--debug" as the value of --note is a note, not the option.
    as_note = Diary()("--db", str(garbage), *LOG, "--note", "--debug")
    assert as_note.exit_code == 1 and isinstance(as_note.exception, SystemExit)
    # --debug before or after the command: the real exception, with its traceback.
    for args in (["--debug", "--db", str(garbage), *LOG], ["--db", str(garbage), *LOG, "--debug"]):
        result = Diary()(*args)
        assert result.exit_code != 0
        assert result.exception is not None and not isinstance(result.exception, SystemExit)
        assert result.exc_info is not None and result.exc_info[2] is not None


def test_db_is_accepted_after_the_command(tmp_path: Path) -> None:
    after = tmp_path / "after.sqlite3"
    diary = Diary()
    diary.ok(*LOG, "--db", str(after))
    assert [e["site"] for e in diary.json("list", "--db", str(after))] == ["calf"]
    assert diary.ok("report", "weekly", "--db", str(after)).stdout
    assert json.loads(diary.ok("flags", "--json", "--db", str(after)).stdout)["flags"] == []


def test_stored_reference_schemas_are_what_the_migrations_build() -> None:
    """`restore` compares a backup with a stored description of each revision's schema; it
    must be exactly what the migrations create (else rewrite it:
    python -m diary.storage.backup --write-reference-schemas)."""
    from diary.storage.backup import build_reference_schema
    from diary.storage.reference_schemas import SCHEMAS

    assert sorted(SCHEMAS) == sorted(KNOWN_REVISIONS)
    for revision in KNOWN_REVISIONS:
        assert SCHEMAS[revision] == build_reference_schema(revision), revision


def test_checking_a_backup_builds_no_scratch_diary(tmp_path: Path) -> None:
    """The check before a restore reads the backup and compares: no Alembic, no migrations
    (building the reference diary took about a second on every restore)."""
    diary = Diary()
    diary.ok("--db", str(tmp_path / "d.sqlite3"), *LOG)
    diary.ok("--db", str(tmp_path / "d.sqlite3"), "backup", str(tmp_path / "b.backup"))
    probe = (
        "import sys, pathlib\n"
        "from diary.storage.backup import check_backup\n"
        f"info = check_backup(pathlib.Path({str(tmp_path / 'b.backup')!r}))\n"
        "print(info.episodes, 'alembic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "False"]


def test_restoring_a_current_backup_loads_no_alembic(tmp_path: Path) -> None:
    diary, db, copy = Diary(), str(tmp_path / "d.sqlite3"), str(tmp_path / "b.backup")
    diary.ok("--db", db, *LOG)
    diary.ok("--db", db, "backup", copy)
    probe = (
        "import sys\n"
        "from diary.cli import app\n"
        f"assert app(['--db', {db!r}, 'restore', {copy!r}, '--yes'], standalone_mode=False) == 0\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "False"
