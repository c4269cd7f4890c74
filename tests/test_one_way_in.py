"""The command line and the page call services; services answer the same questions once:
the latest episodes by a query, the page's home data, the patient fields of every output."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from diary import services
from diary.config import load_config
from diary.entries import LogInput
from diary.storage import Database, open_database
from tests.conftest import Diary

pytestmark = pytest.mark.backend

NOW = datetime(2026, 11, 20, 21, 0)


@pytest.fixture
def database(db_target: str) -> Iterator[Database]:
    db = open_database(db_target)
    yield db
    db.dispose()


def _log(db: Database, at: str, site: str = "calf", **typed: Any) -> int:
    episode = LogInput(site=site, duration="90s", pain="5", at=at, **typed).episode(now=NOW)
    return services.add_episode(db, episode, now=NOW)


def test_list_last_is_the_latest_episodes_read_with_a_limit(
    diary: Diary, database: Database
) -> None:
    # Logged out of order, two at the same minute: the latest are by time, then id.
    for at, site in [
        ("2026-11-03T09:00", "thumb"),
        ("2026-11-01T09:00", "eyelid"),
        ("2026-11-05T09:00", "calf"),
        ("2026-11-05T09:00", "thigh"),
        ("2026-11-02T09:00", "shin"),
    ]:
        _log(database, at, site)
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    event.listen(database.engine, "before_cursor_execute", seen)
    thresholds = load_config().thresholds
    latest = services.labelled_episodes(database, None, None, thresholds=thresholds, last=3)
    event.remove(database.engine, "before_cursor_execute", seen)
    assert [e.site for e in latest.episodes] == ["thumb", "calf", "thigh"]
    assert set(latest.labels) == {e.id for e in latest.episodes}
    assert any("LIMIT" in s.upper() and "OFFSET" in s.upper() for s in statements)
    assert [e["site"] for e in diary.json("list", "--last", "2")] == ["calf", "thigh"]
    assert [e["site"] for e in diary.json("list", "--last", "2", "--until", "2026-11-04")] == [
        "shin",
        "thumb",
    ]
    assert len(diary.json("list", "--last", "50")) == 5


def test_home_page_data_puts_urgent_flags_first_and_names_the_flags_of_the_logged_episode(
    database: Database,
) -> None:
    thresholds = load_config().thresholds
    quiet = _log(database, "2026-11-20T08:00", "eyelid")
    urgent = _log(database, "2026-11-20T09:00", "chest", signs=frozenset({"breathing"}))
    _log(database, "2026-11-19T09:00", "calf")
    home = services.home_page(database, NOW.date(), thresholds=thresholds, logged_id=urgent)
    assert [f.code for f in home.urgent] == ["breathing_difficulty"]
    assert all(f.severity != "urgent" for f in home.flags)
    assert [e.id for e, _ in home.todays] == [quiet, urgent]
    assert len(home.recent) == 3
    assert home.logged is not None and home.logged.episode.id == urgent
    assert [f.code for f in home.logged.flags_of_episode] == ["breathing_difficulty"]
    assert services.flags_of_episode(database, quiet, as_of=NOW.date(), thresholds=thresholds) == []
    gone = services.home_page(database, NOW.date(), thresholds=thresholds, logged_id=999)
    assert gone.logged is None


@pytest.mark.parametrize(
    "patient",
    [
        ["--name", ""],
        ["--name", "x" * 81],
        ["--name", "tab\there"],
        ["--born", "1899"],
        ["--born", "2999"],
    ],
)
def test_export_and_the_doctor_pdf_refuse_the_same_patient_fields_alike(
    diary: Diary, tmp_path: Path, patient: list[str]
) -> None:
    exported = diary("export", "--format", "fhir", *patient)
    pdf = diary("report", "doctor", "--out", str(tmp_path / "visit.pdf"), *patient)
    assert exported.exit_code == pdf.exit_code == 2
    assert exported.stderr == pdf.stderr and exported.stderr.count("\n") == 1
    assert not (tmp_path / "visit.pdf").exists()


def test_demo_defaults_and_a_fresh_demo_diary(diary: Diary) -> None:
    first = diary.ok("demo", "--days", "14").stdout
    again = diary.ok("demo", "--days", "14").stdout
    assert first == again  # started afresh, same seed: the same history, not twice as much
    assert "Demo diary:" in first and "14 days" in first
