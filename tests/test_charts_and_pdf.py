"""Chart data (the plotted values), valid chart files, and the doctor-visit PDF."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from matplotlib.patches import Rectangle

from diary.analysis.classify import classify_all
from diary.analysis.series import chart_data
from diary.analysis.visit import VisitReport
from diary.domain import Episode
from diary.reports.charts import (
    draw_episodes_per_day,
    draw_pain_over_time,
    draw_sites,
    draw_time_of_day,
    new_figure,
)
from diary.reports.doctor import PAPER, _summary_pages, pages_needed
from tests.conftest import Diary
from tests.factories import episode, spasm, twitch

START, END = date(2026, 11, 1), date(2026, 11, 10)
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<?xml"}


def _history() -> list[Episode]:
    return [
        twitch(1, date(2026, 11, 1)),
        twitch(2, date(2026, 11, 1), site="thumb"),
        spasm(3, date(2026, 11, 3)),
        spasm(4, date(2026, 11, 3), at=datetime(2026, 11, 3, 23, 30)),
        episode(
            id=5,
            at=datetime(2026, 11, 9, 7, 15),
            site="calf",
            duration_s=2,
            pain=8,
            visible="flicker",
        ),
        twitch(6, date(2026, 10, 20)),  # outside the period
    ]


def test_chart_data_counts_what_is_plotted() -> None:
    episodes = _history()
    labels = classify_all(episodes)
    data = chart_data(episodes, lambda e: labels[e.id], START, END)
    assert data.total == 5
    assert len(data.days) == 10
    assert data.daily["twitch"][:3] == [2, 0, 0]
    assert data.daily["spasm"][2] == 2
    assert data.daily["unclear"][8] == 1
    assert data.rolling_mean[:6] == [None] * 6  # no partial windows
    assert data.rolling_mean[6] == pytest.approx(4 / 7)
    assert data.rolling_mean[7] == pytest.approx(2 / 7)  # days 2-8: only the 2 spasms
    assert sum(data.sites[name]["spasm"] for name in data.sites if name.endswith("calf")) == 2
    assert next(iter(data.sites)).endswith("calf")
    assert data.hours["spasm"][23] == 1 and data.hours["unclear"][7] == 1
    assert sorted(data.durations["spasm"]) == [90, 90]
    assert data.pain_rolling_median["spasm"] == [None] * 10  # never 5 spasms in a week


def test_sites_chart_keeps_left_and_right_apart() -> None:
    episodes = [
        spasm(1, date(2026, 11, 3), side="left"),
        spasm(2, date(2026, 11, 4), side="left"),
        spasm(3, date(2026, 11, 5), side="right"),
        spasm(4, date(2026, 11, 6), side="both"),
        twitch(5, date(2026, 11, 6), site="eyelid"),
    ]
    labels = classify_all(episodes)
    data = chart_data(episodes, lambda e: labels[e.id], START, END)
    assert list(data.sites) == ["left calf", "both calves", "eyelid", "right calf"]
    ax = new_figure().add_subplot()
    draw_sites(ax, data)
    assert {t.get_text() for t in ax.get_yticklabels()} == set(data.sites)


def test_pain_chart_shows_each_spasm_and_rings_the_severe_one() -> None:
    """The 8/10 spasm a flag names is a ringed, named point, not a dot under a median line;
    painless twitches draw nothing, and sparse weeks get no median line."""
    episodes = [
        *(twitch(i, date(2026, 11, 1 + i % 9)) for i in range(1, 30)),
        spasm(40, date(2026, 11, 3), pain=4),
        spasm(41, date(2026, 11, 5), pain=8),
        spasm(42, date(2026, 11, 7), pain=3),
    ]
    labels = classify_all(episodes)
    data = chart_data(episodes, lambda e: labels[e.id], START, END)
    assert [pain for _, pain, _ in data.pain_points["spasm"]] == [4, 8, 3]
    assert data.pain_points["twitch"] == []
    assert all(v is None for v in data.pain_rolling_median["spasm"])  # 3 episodes: no trend
    ax = new_figure().add_subplot()
    draw_pain_over_time(ax, data)
    dots = [c for c in ax.collections if c.get_label() == "spasm"]
    assert len(dots) == 1 and _heights(dots[0]) == [4, 8, 3]
    ringed = [c for c in ax.collections if c.get_label() == "severe episode"]
    assert len(ringed) == 1 and _heights(ringed[0]) == [8]
    assert "#41" in [t.get_text() for t in ax.texts]
    assert not ax.lines  # no median line drawn from three points
    legend = ax.get_legend()
    assert legend is not None
    assert not any(t.get_text().startswith("twitch") for t in legend.get_texts())


def _heights(points: Any) -> list[float]:
    """The y values of a scatter's points."""
    return [float(y) for _, y in points.get_offsets()]


def test_pain_median_drawn_where_the_week_holds_enough_episodes() -> None:
    episodes = [spasm(i, date(2026, 11, 1 + i % 3), pain=2 + i % 5) for i in range(1, 13)]
    labels = classify_all(episodes)
    data = chart_data(episodes, lambda e: labels[e.id], START, END)
    line = data.pain_rolling_median["spasm"]
    assert line[0] is None and line[2] is not None  # 4 episodes on day 1, 12 by day 3
    ax = new_figure().add_subplot()
    draw_pain_over_time(ax, data)
    assert [ln.get_label() for ln in ax.lines] == ["spasm: 7-day median"]


def test_drawn_bars_are_the_daily_counts() -> None:
    episodes = _history()
    labels = classify_all(episodes)
    data = chart_data(episodes, lambda e: labels[e.id], START, END)
    figure = new_figure()
    ax = figure.add_subplot()
    draw_episodes_per_day(ax, data)
    heights = [round(p.get_height()) for p in ax.patches if isinstance(p, Rectangle)]
    assert heights == data.daily["twitch"] + data.daily["spasm"] + data.daily["unclear"]
    assert "01 Nov 2026 – 10 Nov 2026" in [t.get_text() for t in ax.texts]
    line = ax.lines[0]
    drawn = [float(v) for v in line.get_ydata()]  # type: ignore[union-attr, arg-type]
    assert drawn[6:] == pytest.approx(data.rolling_mean[6:])
    assert all(v != v for v in drawn[:6])  # NaN: a gap
    figure = new_figure()
    ax = figure.add_subplot()
    draw_time_of_day(ax, data)
    # each type as a share of its own entries: 2 twitches, 2 spasms, 1 unclear, 100% each
    shares = {ln.get_label(): sum(ln.get_ydata()) for ln in ax.lines}  # type: ignore[arg-type]
    assert shares == {
        "twitch (2 entries)": pytest.approx(100),
        "spasm (2 entries)": pytest.approx(100),
        "unclear (1 entry)": pytest.approx(100),
    }


@pytest.mark.backend
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_charts_command_writes_valid_files(diary: Diary, tmp_path: Path, fmt: str) -> None:
    for at, site, duration, pain, trigger in (
        ("2026-11-01T08:00", "eyelid", "3s", "0", "coffee"),
        ("2026-11-02T23:00", "calf", "2m", "6", "dehydration"),
        ("2026-11-03T12:00", "thumb", "2s", "0", "stress"),
    ):
        diary.ok(
            "log",
            "--site",
            site,
            "--duration",
            duration,
            "--pain",
            pain,
            "--trigger",
            trigger,
            "--at",
            at,
        )
    out = tmp_path / "charts"
    result = diary.ok(
        "charts",
        "--out",
        str(out),
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-07",
        "--format",
        fmt,
    )
    written = [Path(line) for line in result.stdout.splitlines()]
    assert [p.stem for p in written] == [
        "episodes_per_day",
        "pain_over_time",
        "sites_by_label",
        "triggers_ranked",
        "time_of_day",
        "duration_by_label",
    ]
    for path in written:
        assert path.suffix == f".{fmt}" and path.read_bytes().startswith(MAGIC[fmt])
        if fmt == "svg":
            assert ET.parse(path).getroot().tag.endswith("svg")
    assert diary.json("charts", "--out", str(out), "--since", "2026-11-01", "--format", fmt) == [
        str(p) for p in written
    ]


@pytest.mark.backend
def test_too_little_data_is_said_not_drawn(diary: Diary, tmp_path: Path) -> None:
    result = diary("charts", "--out", str(tmp_path / "none"))
    assert result.exit_code == 1 and "the diary is empty" in result.stderr
    assert not (tmp_path / "none").exists() or not any((tmp_path / "none").iterdir())
    diary.ok(
        "log", "--site", "eyelid", "--duration", "3s", "--pain", "0", "--at", "2026-11-01T10:00"
    )
    elsewhere = diary("charts", "--out", str(tmp_path / "none"), "--since", "2026-11-05")
    assert elsewhere.exit_code == 1 and "no episodes between 2026-11-05" in elsewhere.stderr
    result = diary("charts", "--out", str(tmp_path / "one"), "--since", "2026-11-01")
    assert result.exit_code == 0
    assert "skipped pain_over_time: no spasm, unclear episode or painful twitch" in result.stderr
    assert "skipped triggers_ranked: no triggers logged" in result.stderr
    assert not (tmp_path / "one" / "pain_over_time.png").exists()


def _pdf_page_count(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


@pytest.mark.backend
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_doctor_pdf(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paper: str
) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-21T20:00:00")
    diary.ok("demo", "--days", "60")  # the separate demo database
    demo_db = str(tmp_path / "home" / ".local" / "share" / "diary" / "demo.sqlite3")
    out = tmp_path / "visit.pdf"
    result = diary.ok("--db", demo_db, "report", "doctor", "--out", str(out), "--paper", paper)
    found = re.search(r"\((\d+) pages, (\d+) entries", result.stdout)
    assert found is not None, result.stdout
    pages, episodes = int(found.group(1)), int(found.group(2))
    assert out.read_bytes().startswith(b"%PDF-")
    # A summary page, seven charts two to a page (the forest plot included), the table.
    assert _pdf_page_count(out) == pages == 1 + 4 + -(-episodes // 44)
    width, height = PAPER[paper]
    boxes = re.findall(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", out.read_bytes())
    assert len(boxes) == pages
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {
        (round(width * 72), round(height * 72))
    }


def test_doctor_first_page_text() -> None:
    episodes = [
        spasm(1, date(2026, 11, 3), soreness_hours=30),
        twitch(2, date(2026, 11, 4)),
        episode(id=3, day=date(2026, 11, 5), pain=9),
    ]
    labels = classify_all(episodes)
    from diary.analysis.flags import evaluate_flags

    report = VisitReport(
        date(2026, 9, 27),
        date(2026, 11, 21),
        date(2026, 11, 21),
        episodes,
        labels,
        evaluate_flags(episodes, date(2026, 11, 21)),
        chart_data(episodes, lambda e: labels[e.id], date(2026, 9, 27), date(2026, 11, 21)),
    )
    text = _page_one_text(report)
    assert "summary for a clinical visit" in text
    assert "Period 27 Sep – 21 Nov 2026 (8 weeks)" in text
    assert "Twitches: 1 entry on 1 of 56 days" in text
    assert re.search(r"Spasms and cramps: 2 entries .* Pain: median 7\.5/10, worst 9/10", text)
    assert "Severe pain" in text and "#3" in text and "Soreness lasting more than" in text
    assert "lingering_soreness" not in text  # rule codes are for the command line
    assert pages_needed(report) == 1 + 1 + 1  # 3 entries: the day chart and pain, no more


@pytest.mark.backend
def test_demo_never_touches_the_users_diary(
    diary: Diary, db_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary.ok("log", "--site", "calf", "--duration", "1m", "--pain", "5")
    result = diary.ok("demo", "--days", "30")
    assert "demo.sqlite3" in result.stdout
    assert len(diary.json("list")) == 1
    refused = diary("--db", db_target, "demo")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert len(diary.json("list")) == 1


@pytest.mark.backend
def test_streamed_pages_hold_every_episode_once(diary: Diary) -> None:
    from diary import storage
    from diary.analysis.classify import classify
    from diary.thresholds import DEFAULTS

    for i, at in enumerate(["2026-11-01T08:00"] * 5 + ["2026-11-02T09:30", "2026-11-04T23:10"]):
        diary.ok(
            "log",
            "--site",
            "calf" if i % 2 else "eyelid",
            "--duration",
            f"{3 + i * 30}s",
            "--pain",
            str(i),
            "--trigger",
            "coffee",
            "--trigger",
            "stress",
            "--at",
            at,
        )
    database = storage.open_database(None)
    try:
        with database.reading() as connection:
            everything = storage.episodes_between(None, None, connection=connection)
            paged = list(storage.iter_episodes_between(None, None, connection=connection, page=2))
            observed = list(
                storage.iter_observations_between(None, None, connection=connection, page=3)
            )
    finally:
        database.dispose()
    assert paged == everything and len(everything) == 7
    assert [o.id for o in observed] == [e.id for e in everything]
    assert all(o.trigger_names == ("caffeine", "stress") for o in observed)
    from_episodes = chart_data(everything, classify, START, END)
    from_observations = chart_data(observed, lambda o: classify(o, DEFAULTS), START, END)
    assert from_observations == from_episodes


@pytest.mark.backend
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_text_of_the_pdf_lies_inside_the_printable_area(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paper: str
) -> None:
    """Drawn text (tick labels, legends, table cells, the footer) stays 0.3 in inside the
    page edges, and nothing but the footer reaches the footer's band."""
    from diary import services
    from diary.storage import open_database
    from diary.thresholds import DEFAULTS

    monkeypatch.setenv("DIARY_NOW", "2026-11-21T20:00:00")
    diary.ok("demo")
    demo = open_database(str(tmp_path / "home" / ".local" / "share" / "diary" / "demo.sqlite3"))
    today = date(2026, 11, 21)
    report = services.visit_report(
        demo, today - timedelta(weeks=8), today, today=today, thresholds=DEFAULTS
    )
    demo.dispose()
    _assert_inside_printable_area(report, paper)


def _assert_inside_printable_area(report: VisitReport, paper: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from diary.reports.doctor import MARGIN_BOTTOM, visit_pages

    width, height = PAPER[paper]
    edge = 0.3 * 72  # points; the figures are drawn at 72 dpi below
    drawn: list[Text] = []  # only what is drawn: ticks outside an axis' view are not
    draw = Text.draw

    def recording_draw(self: Text, renderer: Any) -> None:
        drawn.append(self)
        draw(self, renderer)

    for number, figure in enumerate(visit_pages(report, paper), start=1):
        figure.set_dpi(72)
        canvas = FigureCanvasAgg(figure)
        drawn.clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Text, "draw", recording_draw)
            canvas.draw()  # type: ignore[no-untyped-call]
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        footer_top = (MARGIN_BOTTOM - 0.2 + 0.02) * 72  # from the bottom, in points
        assert drawn, f"page {number}: no text drawn"
        for text in drawn:
            if not text.get_visible() or not text.get_text().strip():
                continue
            box = text.get_window_extent(renderer)
            where = f"page {number}: {text.get_text()!r}"
            assert box.x0 >= edge and box.x1 <= width * 72 - edge, where
            assert box.y0 >= edge and box.y1 <= height * 72 - edge, where
            is_footer = box.y1 <= footer_top + 1
            if not is_footer:
                assert box.y0 >= footer_top, where


def _page_one_text(report: VisitReport) -> str:
    return "\n".join(t.get_text() for t in _summary_pages(report, "a4")[0].figure.texts)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_page_one_names_the_patient_medicines_and_questions(paper: str) -> None:
    """--name/--born, the medicines noted with their first and last date, and the notes
    marked with '?' as questions; with many flags and questions page 1 still fits."""
    from diary.analysis.flags import evaluate_flags
    from diary.analysis.visit import Medicine

    today = date(2026, 11, 21)
    episodes = [
        spasm(1, date(2026, 11, 3), note="?Is magnesium worth trying?"),
        episode(id=2, day=date(2026, 11, 4), note="after a long run"),
        episode(id=3, day=date(2026, 11, 5), pain=9, weakness=True, note="?"),
        *(
            spasm(10 + i, date(2026, 10, 1) + timedelta(days=i), pain=8, soreness_hours=30,
                  note=f"?Question number {i} about the cramps and what they could mean")
            for i in range(40)
        ),
    ]  # fmt: skip
    labels = classify_all(episodes)
    report = VisitReport(
        date(2026, 9, 27),
        today,
        today,
        episodes,
        labels,
        evaluate_flags(episodes, today),
        chart_data(episodes, lambda e: labels[e.id], date(2026, 9, 27), today),
        patient="Ana Example",
        born=1961,
        medicines=(Medicine("atorvastatin", date(2026, 3, 2), date(2026, 11, 3), 4),),
    )
    text = _page_one_text(report)
    assert "Patient: Ana Example, born 1961 (about 64–65 years old)" in text
    assert "atorvastatin (02 Mar – 03 Nov 2026, 4 entries)" in text
    assert "Questions for the visit" in text
    assert "• Is magnesium worth trying?  (#1, 03 Nov)" in text
    assert "after a long run" not in text  # an ordinary note is no question
    assert re.search(r"… \d+ more: the notes starting with '\?'", text)
    _assert_inside_printable_area(report, paper)


@pytest.mark.backend
def test_doctor_report_patient_details_on_the_command_line(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-21T20:00:00")
    diary.ok(
        "log",
        "--site",
        "calf",
        "--duration",
        "2m",
        "--pain",
        "6",
        "--at",
        "2026-11-03 22:00",
        "--trigger",
        "medication:atorvastatin",
        "--note",
        "?Could the statin do this?",
    )
    diary.ok("log", "--site", "calf", "--duration", "1m", "--pain", "5", "--at", "2026-11-10 22:00",
             "--trigger", "statin")  # fmt: skip
    from diary import services
    from diary.storage import open_database
    from diary.thresholds import DEFAULTS

    database = open_database(None)
    report = services.visit_report(
        database, date(2026, 11, 8), date(2026, 11, 21), today=date(2026, 11, 21),
        thresholds=DEFAULTS, patient="Ana", born=1970,
    )  # fmt: skip
    database.dispose()
    # The medicine is dated over the diary, not only the report's period.
    assert [(m.name, m.first, m.last, m.episodes) for m in report.medicines] == [
        ("atorvastatin", date(2026, 11, 3), date(2026, 11, 3), 1),
        ("statin", date(2026, 11, 10), date(2026, 11, 10), 1),
    ]
    out = tmp_path / "visit.pdf"
    for bad, words in [
        (["--born", "1850"], "--born 1850 is not accepted: give a year from 1900 to 2026"),
        (["--born", "2030"], "--born 2030 is not accepted"),
        (["--name", " "], "--name ' ' is not accepted"),
        (["--name", "x\x1b[2J"], "printable characters"),
    ]:
        result = diary("report", "doctor", "--out", str(out), *bad)
        assert result.exit_code == 2 and words in result.stderr, result.stderr
        assert not out.exists()
    diary.ok("report", "doctor", "--out", str(out), "--name", "Ana", "--born", "1970")
    assert out.stat().st_size > 0


@pytest.mark.backend
def test_a_dense_diary_still_prints_in_eight_pages(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    from diary import services
    from diary.domain import NewEpisode, TriggerEntry
    from diary.storage import open_database

    monkeypatch.setenv("DIARY_NOW", "2026-11-21T20:00:00")
    rng = random.Random(3)
    start = datetime(2026, 9, 27, 8, 0)
    episodes = [
        NewEpisode(
            at=start + timedelta(minutes=rng.randint(0, 55 * 24 * 60)),
            site=rng.choice(["eyelid", "calf", "thumb"]),
            side=rng.choice(["left", "right"]),
            duration_s=rng.choice([2, 3, 90]),
            pain=rng.randint(0, 7),
            triggers=(TriggerEntry("caffeine"),) if rng.random() < 0.5 else (),
        )
        for _ in range(1521)
    ]
    database = open_database(None)
    services.add_many(database, episodes, now=datetime(2026, 11, 21, 20, 0))
    database.dispose()
    out = tmp_path / "dense.pdf"
    shown = diary.ok("report", "doctor", "--out", str(out), "--paper", "letter").stdout
    pages = int(re.search(r"\((\d+) pages", shown).group(1))  # type: ignore[union-attr]
    assert pages <= 8 and _pdf_page_count(out) == pages
    from diary.reports.doctor import _table_plan
    from diary.thresholds import DEFAULTS

    database = open_database(None)
    report = services.visit_report(
        database, date(2026, 9, 27), date(2026, 11, 21), today=date(2026, 11, 21),
        thresholds=DEFAULTS,
    )  # fmt: skip
    database.dispose()
    title, _, table = _table_plan(report, "letter")
    assert title.startswith("Episodes by ") and ", place and type" in title
    assert sum(len(rows) for rows in table) < 1521 / 5  # near-identical rows grouped
