"""The page's charts: every chart drawn from one read of the diary, kept per diary state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from diary import services
from diary.domain import NewEpisode, TriggerEntry
from diary.reports import page_charts
from diary.reports.page_charts import PAGE_WEEKS, charts_for_page
from diary.storage import Database, add_episodes, open_database
from diary.thresholds import DEFAULTS

END = date(2026, 11, 20)
START = END - timedelta(days=7 * PAGE_WEEKS - 1)


def _episode(day: int, hour: int, site: str = "calf") -> NewEpisode:
    return NewEpisode(
        at=datetime.combine(START + timedelta(days=day), datetime.min.time()).replace(hour=hour),
        site=site,
        duration_s=90.0 if site == "calf" else 3.0,
        pain=6 if site == "calf" else 0,
        triggers=(TriggerEntry("caffeine"),) if day % 2 else (),
    )


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(str(tmp_path / "diary.sqlite3"))
    with db.writing() as connection:
        add_episodes(
            [_episode(d, 8 + d % 12, "calf" if d % 3 else "eyelid") for d in range(50)],
            connection=connection,
            logged_at=datetime(2026, 11, 20, 21),
        )
    page_charts.clear_cache()
    yield db
    page_charts.clear_cache()
    db.dispose()


def test_every_chart_with_enough_data_is_drawn_as_svg(database: Database) -> None:
    charts = charts_for_page(database, START, END, DEFAULTS)
    assert charts.total == 50
    assert charts.shown
    assert list(charts.svgs) == [c.name for c in charts.shown]
    for svg in charts.svgs.values():
        assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    skipped_titles = {line.split(":")[0] for line in charts.skipped}
    assert not skipped_titles & {c.title for c in charts.shown}


def test_charts_are_drawn_once_per_diary_state(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = charts_for_page(database, START, END, DEFAULTS)

    def no_second_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the diary was read again for the same state")

    with monkeypatch.context() as patched:
        patched.setattr(services, "chart_data_for", no_second_read)
        assert charts_for_page(database, START, END, DEFAULTS) is first
    with database.writing() as connection:
        add_episodes([_episode(55, 9)], connection=connection, logged_at=datetime(2026, 11, 20))
    after = charts_for_page(database, START, END, DEFAULTS)
    assert after.total == first.total + 1
    assert after.svgs != first.svgs
