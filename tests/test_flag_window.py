"""The flags read only what their rules look at: every episode of the days they read in
full, and before those only the episodes logged with a medication. These tests hold that
shortcut to the flags a full read of the lookback gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from diary import services, storage
from diary.analysis.flags import evaluate_flags, full_days, lookback_days
from diary.demo import demo_history
from diary.domain import Flag, NewEpisode, TriggerEntry
from diary.storage import Database
from diary.thresholds import DEFAULTS

TODAY = date(2026, 11, 20)


@pytest.fixture
def database(db_target: str) -> Iterator[Database]:
    db = storage.open_database(db_target)
    yield db
    db.dispose()


def _full_read(db: Database, as_of: date) -> list[Flag]:
    start, end = services.periods.flag_window(as_of, DEFAULTS)
    with db.reading() as connection:
        episodes = storage.episodes_between(start, end, connection=connection)
    return evaluate_flags(episodes, as_of, DEFAULTS)


def test_the_lookback_before_the_full_days_is_read_for_medicines_only() -> None:
    assert full_days(DEFAULTS) < lookback_days(DEFAULTS)  # else there is nothing to save


@pytest.mark.backend
def test_the_flags_of_the_demo_diary_are_those_of_a_full_read_on_every_day(
    database: Database,
) -> None:
    history = demo_history(TODAY, days=150, seed=3)
    services.add_many(database, history.episodes, now=datetime(2026, 11, 20, 21))
    raised: set[str] = set()
    for back in range(0, 120, 3):
        as_of = TODAY - timedelta(days=back)
        full = _full_read(database, as_of)
        assert services.active_flags(database, as_of, DEFAULTS) == full
        raised.update(f.code for f in full)
    assert {"worsening", "persistent_twitching", "recurring_spasms"} <= raised  # not vacuous
    for weeks in range(0, 16):  # the weekly report's flags, at each week's end
        monday = TODAY - timedelta(days=TODAY.weekday() + 7 * weeks)
        summary = services.weekly_report(database, monday, today=TODAY, thresholds=DEFAULTS)
        as_of = min(monday + timedelta(days=6), TODAY)
        assert list(summary.flags) == _full_read(database, as_of)


@pytest.mark.backend
def test_clonus_weeks_after_a_serotonergic_medicine_is_still_urgent(database: Database) -> None:
    """The medicine is logged 34 days before the clonus, before the days read in full."""
    medicine_day = TODAY - timedelta(days=34)
    assert (TODAY - medicine_day).days >= full_days(DEFAULTS)
    medicine = NewEpisode(
        at=datetime.combine(medicine_day, datetime.min.time()) + timedelta(hours=9),
        site="calf",
        duration_s=5,
        pain=1,
        triggers=(TriggerEntry("medication", "Sertraline 50 mg"),),
    )
    clonus = NewEpisode(
        at=datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=9),
        site="calf",
        duration_s=10,
        pain=2,
        visible="flicker",
        rhythmic=True,
        triggers=(TriggerEntry("stretch"),),
    )
    services.add_many(database, [medicine, clonus], now=datetime(2026, 11, 20, 21))
    logged = services.log_episode(
        database,
        NewEpisode(at=clonus.at + timedelta(hours=1), site="thumb", duration_s=2, pain=0),
        now=datetime(2026, 11, 20, 21),
        thresholds=DEFAULTS,
    )
    urgent = [f for f in logged.active_flags if f.code == "clonus_with_serotonergic"]
    assert urgent and urgent[0].severity == "urgent"
    assert logged.active_flags == _full_read(database, TODAY)
