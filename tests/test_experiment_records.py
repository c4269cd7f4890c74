"""Experiments stored, exported and imported; the lines other commands show; the drawings."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from diary.analysis.experiment import (
    DayObservation,
    Experiment,
    Pause,
    analyse,
    draw_sequence,
    schedule_of,
)
from diary.errors import BadInput
from diary.services import experiments
from diary.storage import Database, open_database
from diary.thresholds import Thresholds

START = date(2026, 3, 2)
NOW = datetime(2026, 3, 1, 20, 0)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(str(tmp_path / "d.sqlite3"))
    yield database
    database.dispose()


def planned(db: Database, **changes: Any) -> Experiment:
    values: dict[str, Any] = {
        "block_days": 5,
        "pairs": 6,
        "washout_days": 1,
        "start": START,
        "seed": 11,
        "now": NOW,
        "thresholds": Thresholds(),
    }
    values.update(changes)
    return experiments.plan(db, "coffee", **values).experiment


def test_plan_is_stored_with_its_drawn_sequence(db: Database) -> None:
    x = planned(db)
    found = experiments.current(db, START)
    assert found is not None and found.experiment == x
    assert x.sequence == draw_sequence(11, 6)
    assert found.state == "running"
    before = experiments.current(db, NOW.date())
    assert before is not None and before.state == "planned"


def test_today_line_names_the_assignment_pair_and_washout(db: Database) -> None:
    x = planned(db)
    arm = "with" if x.sequence[0] == "W" else "without"
    assert experiments.today_line(db, START) == (
        f"Experiment: today {arm} caffeine (pair 1 of 6, washout day 1 of 1)"
    )
    second = START + timedelta(days=1)
    assert experiments.today_line(db, second) == f"Experiment: today {arm} caffeine (pair 1 of 6)"
    assert (
        experiments.today_line(db, NOW.date()) == "Experiment on caffeine: starts Mon 02 Mar 2026."
    )
    assert experiments.today_line(db, START + timedelta(days=200)) is None


def test_check_in_line_says_match_and_tomorrow(db: Database) -> None:
    x = planned(db)
    arm = "with" if x.sequence[0] == "W" else "without"
    right = ["caffeine"] if arm == "with" else []
    wrong = [] if arm == "with" else ["caffeine"]
    said = experiments.check_in_line(db, START, right, today=START)
    assert said is not None and "the check-in matches it" in said
    assert f"Tomorrow: {arm} caffeine (pair 1 of 6)." in said
    said = experiments.check_in_line(db, START, wrong, today=START)
    assert said is not None and "does not match" in said


def test_export_and_import_carry_experiments_and_pauses(db: Database, tmp_path: Path) -> None:
    planned(db)
    experiments.pause(db, START + timedelta(days=3))
    experiments.resume(db, START + timedelta(days=12))
    with db.reading() as connection:
        record = experiments.export_record(connection=connection)
    text = json.dumps(record)
    other = open_database(str(tmp_path / "other.sqlite3"))
    try:
        records = experiments.records_from_json(json.loads(text)["experiments"])
        with other.writing() as connection:
            assert experiments.import_records(records, connection=connection) == 1
        with other.writing() as connection:  # imported twice: nothing new
            assert experiments.import_records(records, connection=connection) == 0
        a = experiments.current(db, START + timedelta(days=20))
        b = experiments.current(other, START + timedelta(days=20))
        assert a is not None and b is not None
        assert a.experiment == type(a.experiment)(
            **{**a.experiment.__dict__, "id": b.experiment.id}
        )
        assert a.end == b.end and b.experiment.pauses == (
            Pause(START + timedelta(days=3), START + timedelta(days=12)),
        )
    finally:
        other.dispose()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"sequence": "WWX"}, "sequence"),
        ({"pairs": 1}, "--pairs 1"),
        ({"exposure": "coffee"}, "exposure"),
        ({"seed": "7"}, "seed"),
        ({"start": "yesterday"}, "start"),
        ({"blinded": "no"}, "blinded"),
    ],
)
def test_bad_imported_experiments_are_refused(
    db: Database, change: dict[str, object], said: str
) -> None:
    planned(db)
    with db.reading() as connection:
        item = experiments.export_record(connection=connection)["experiments"][0]
    item.update(change)
    with pytest.raises(BadInput, match=said):
        experiments.records_from_json([item])


def test_the_demo_diary_holds_a_finished_experiment_that_finds_the_coffee() -> None:
    from diary.analysis.classify import classify
    from diary.demo import demo_history

    today = date(2026, 11, 21)
    history = demo_history(today)
    (x,) = history.experiments
    assert schedule_of(x).end < today
    twitches: dict[date, int] = {}
    for e in history.episodes:
        if classify(e).label == "twitch":
            twitches[e.at.date()] = twitches.get(e.at.date(), 0) + e.count
    days = {
        k.day: DayObservation(
            any(e.name == "caffeine" for e in k.exposures), twitches.get(k.day, 0)
        )
        for k in history.days
    }
    result = analyse(x, days, today=today)
    assert result.verdict == "likely raises"
    assert result.missed_days > 0 and 0.9 < (result.adherence or 0) < 1


def test_the_chart_and_the_page_draw_blocks_counts_and_the_cent_items() -> None:
    from matplotlib.figure import Figure

    from diary.reports.experiment import draw_experiment_page, experiment_figure, report_lines

    x = Experiment(1, "caffeine", "twitch", 7, 6, 2, 5, "WOWWOO", START)
    s = schedule_of(x)
    days = {}
    day = START
    while day <= s.end:
        slot = s.slot(day)
        assert slot is not None
        if day.day != 13:
            days[day] = DayObservation(slot.arm == "with", 3 if slot.arm == "with" else 1)
        day += timedelta(days=1)
    result = analyse(x, days, today=date(2027, 1, 1))
    figure = experiment_figure(result, days)
    ax = figure.axes[0]
    assert len(ax.patches) >= 12 * 2  # a bar and a washout mark per block
    assert "likely raises" in ax.get_title()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert buffer.getvalue()[:4] == b"\x89PNG"
    text = "\n".join(report_lines(result))
    for item in (
        "Design:",
        "seed 5",
        "Blinding: none",
        "Adherence:",
        "Missing data:",
        "95% interval",
        "p = ",
        "CENT 2015",
    ):
        assert item in text, item
    page = Figure(figsize=(8.27, 11.69))
    draw_experiment_page(page, result, days, left=0.8, top=0.8, width=6.6, height=10)
    assert any("Randomisation" in t.get_text() for t in page.texts)


def test_the_doctor_pdf_has_a_page_for_the_finished_experiment(tmp_path: Path) -> None:
    from diary import services
    from diary.reports.doctor import MAX_PAGES, visit_pages

    today = date(2026, 11, 21)
    services.fill_demo(
        str(tmp_path / "demo.sqlite3"), now=datetime(2026, 11, 21, 20), days=120, seed=7
    )
    demo = open_database(str(tmp_path / "demo.sqlite3"))
    try:
        report = services.visit_report(
            demo, today - timedelta(weeks=8), today, today=today, thresholds=Thresholds()
        )
    finally:
        demo.dispose()
    pages = visit_pages(report)
    assert len(pages) <= MAX_PAGES
    texts = ["\n".join(t.get_text() for t in page.texts) for page in pages]
    (page,) = [t for t in texts if "Planned experiment" in t]
    for item in ("seed 2026", "Adherence: 99%", "Missing data: 4", "p = 0.0312", "Blinding"):
        assert item in page, item
