"""Reports read as a GP and a patient would: every page of the doctor PDF on a heavy diary,
honest emptiness, types kept apart, urgent that survives grey print, text at the terminal's
width, and free text that is never read as markup."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from diary.analysis.classify import classify_all
from diary.analysis.series import chart_data
from diary.analysis.visit import VisitReport
from diary.domain import Exposure, KeptDay, NewEpisode, Side, TriggerEntry
from tests.conftest import Diary
from tests.factories import spasm, twitch
from tests.test_charts_and_pdf import _heights

NOW = "2026-12-01T20:00:00"
TODAY = date(2026, 12, 1)


def _heavy_diary(first: date = date(2026, 10, 6), days: int = 57) -> Iterator[Any]:
    """~30 twitch entries a day at five sites, night cramps on half the nights, caffeine
    checked in every day (so it cannot be tested) and stress on some."""
    rng = random.Random(5)
    sites: list[tuple[str, Side]] = [
        ("eyelid", "left"), ("thigh", "left"), ("thigh", "right"), ("thumb", "right"),
        ("upper arm", "left"), ("calf", "right"),
    ]  # fmt: skip
    for i in range(days):
        day = first + timedelta(days=i)
        for _ in range(rng.randint(22, 38)):
            site, side = rng.choice(sites)
            yield NewEpisode(
                at=datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59))),
                site=site,
                side=side,
                duration_s=rng.choice([1, 2, 3]),
                pain=0,
                visible="flicker",
                count=rng.choice([1, 1, 3]),
                triggers=(TriggerEntry("caffeine"),) if rng.random() < 0.6 else (),
            )
        if i % 2:
            yield NewEpisode(
                at=datetime.combine(day, time(3, rng.randint(0, 59))),
                site="calf",
                side=rng.choice(["left", "right"]),
                duration_s=120,
                pain=rng.randint(4, 8),
                stiff=True,
                visible="bulge",
            )
        had = [Exposure("caffeine", 2.0)] + ([Exposure("stress", None)] if i % 3 == 0 else [])
        yield KeptDay(day, tuple(had), checked_in_at=datetime.combine(day, time(21, 30)))


def _fill(episodes: list[Any]) -> None:
    from diary import services
    from diary.storage import open_database

    database = open_database(None)
    try:
        services.add_many(
            database,
            [e for e in episodes if isinstance(e, NewEpisode)],
            now=datetime.fromisoformat(NOW),
            days=[d for d in episodes if isinstance(d, KeptDay)],
        )
    finally:
        database.dispose()


def _visit(first: date, last: date = TODAY) -> VisitReport:
    from diary import services
    from diary.storage import open_database
    from diary.thresholds import DEFAULTS

    database = open_database(None)
    try:
        return services.visit_report(database, first, last, today=TODAY, thresholds=DEFAULTS)
    finally:
        database.dispose()


def _drawn_texts(figure: Any) -> tuple[list[Any], Any]:
    """The texts a page really draws (ticks outside a view are not), and the renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    drawn: list[Text] = []
    draw = Text.draw

    def recording_draw(self: Text, renderer: Any) -> None:
        drawn.append(self)
        draw(self, renderer)

    figure.set_dpi(72)
    canvas = FigureCanvasAgg(figure)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Text, "draw", recording_draw)
        canvas.draw()  # type: ignore[no-untyped-call]
    shown = [t for t in drawn if t.get_visible() and t.get_text().strip()]
    return shown, canvas.get_renderer()  # type: ignore[no-untyped-call]


def _assert_no_text_over_text(figure: Any, where: str) -> None:
    texts, renderer = _drawn_texts(figure)
    boxes = [(t.get_text(), t.get_window_extent(renderer).padded(-0.5)) for t in texts]
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            assert not box_a.overlaps(box_b), f"{where}: {a!r} drawn over {b!r}"


@pytest.mark.backend
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_heavy_twitching_diary_prints_every_flag_in_eight_clean_pages(
    diary: Diary, monkeypatch: pytest.MonkeyPatch, paper: str
) -> None:
    """~1,700 entries: every active flag appears (sites merged, a few ids), within 8 pages,
    each page inside the printable area with no word drawn over another, the patient's name
    and 'page n of m' on every page, and no rule code."""
    from diary.reports.doctor import visit_pages
    from tests.test_charts_and_pdf import _assert_inside_printable_area

    monkeypatch.setenv("DIARY_NOW", NOW)
    _fill(list(_heavy_diary()))
    report = VisitReport(**{**_visit(date(2026, 10, 7)).__dict__, "patient": "Ana Example"})
    assert len(report.flags) >= 5
    pages = visit_pages(report, paper)
    assert len(pages) <= 8
    text = "\n".join(t.get_text() for page in pages for t in page.texts)
    flat = " ".join(text.split())
    for flag in report.flags:
        head = flag.title.split(" at the ")[0]
        assert flag.title in flat or (head in flat and flag.key in flat), flag.title
        assert flag.code not in flat  # rule codes are for the command line
    assert "About these data" in text and '001 "Beyond The Contractions' in flat
    assert re.search(r"Twitching keeps coming back at \d sites \(.*\), both sides, \d+ days", flat)
    assert "+" in flat and " more" in flat  # ids cut to a few, never 800 of them
    assert "Red flags" in text
    for number, page in enumerate(pages, start=1):
        page_text = [t.get_text() for t in page.texts]
        assert any(f"Page {number} of {len(pages)}" in s for s in page_text)
        assert any(s.startswith("Ana Example · ") for s in page_text), number
        _assert_no_text_over_text(page, f"page {number}")
    _assert_inside_printable_area(report, paper)


@pytest.mark.backend
def test_the_period_starts_with_the_diary(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logging began on 2 Nov: the 8-week PDF and `triggers` start there, not in October,
    and a far --since says the real first day."""
    monkeypatch.setenv("DIARY_NOW", NOW)
    _fill(list(_heavy_diary(first=date(2026, 11, 2), days=30)))
    out = tmp_path / "visit.pdf"
    shown = diary.ok("report", "doctor", "--out", str(out)).stdout
    assert "02 Nov 2026 – 01 Dec 2026" in shown
    far = diary.ok("report", "doctor", "--out", str(out), "--since", "2026-01-01").stdout
    assert "02 Nov 2026 – 01 Dec 2026" in far
    assert diary.json("triggers")["since"] == "2026-11-02"
    from diary.reports.doctor import _summary_pages

    page_one = " ".join(t.get_text() for t in _summary_pages(_visit(date(2026, 11, 2)), "a4")[0]
                        .figure.texts)  # fmt: skip
    assert "Period 02 Nov – 01 Dec 2026 (30 days)" in page_one
    assert "on 30 of 30 days" in page_one and "entries may be missing" not in page_one


def test_days_not_recorded_are_shaded_and_never_averaged() -> None:
    from diary.reports.charts import draw_episodes_per_day, new_figure

    start, end = date(2026, 11, 1), date(2026, 11, 20)
    episodes = [twitch(i, start + timedelta(days=i)) for i in range(10)]  # 1-10 Nov logged
    labels = classify_all(episodes)
    kept = {start + timedelta(days=i) for i in range(12)}  # 11, 12 Nov kept, no entries
    data = chart_data(episodes, lambda e: labels[e.id], start, end, kept=kept)
    assert data.recorded == [True] * 12 + [False] * 8
    assert data.rolling_mean[6:12] == [1.0, 1.0, 1.0, 1.0, 6 / 7, 5 / 7]
    assert data.rolling_mean[12:] == [None] * 8  # a window with an unknown day: no average
    ax = new_figure().add_subplot()
    draw_episodes_per_day(ax, data)
    legend = ax.get_legend()
    assert legend is not None
    assert "not recorded" in [t.get_text() for t in legend.get_texts()]
    low, high = ax.get_xlim()  # the period under the title, whatever the data
    from matplotlib.dates import date2num

    assert (low, high) == (date2num(start) - 0.5, date2num(end) + 0.5)  # type: ignore[no-untyped-call]
    figure = ax.figure
    figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert re.fullmatch(r"\d\d Nov", ticks[0]), ticks  # the first tick names the month


def test_few_durations_are_dots_not_boxes() -> None:
    from diary.reports.charts import draw_durations, new_figure

    episodes = [spasm(1, date(2026, 11, 3)), spasm(2, date(2026, 11, 4), duration_s=200)]
    episodes += [twitch(i, date(2026, 11, 5)) for i in range(3, 9)]
    labels = classify_all(episodes)
    data = chart_data(episodes, lambda e: labels[e.id], date(2026, 11, 1), date(2026, 11, 9))
    ax = new_figure().add_subplot()
    draw_durations(ax, data)
    boxes = [p for p in ax.patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert len(boxes) == 1  # the 6 twitches; the 2 spasms are two dots
    assert [_heights(c) for c in ax.collections] == [[90.0, 200.0]]


def test_trigger_chart_ticks_are_plain_and_never_overprint() -> None:
    """A 30× link with no upper bound: ticks 0.5, 1, 2, 4, 10, 20, no '3×10⁻¹', the cap and
    an exposure that cannot be tested said in words."""
    from diary.analysis.triggers import Effect, Effects
    from diary.reports.charts import draw_trigger_effects, new_figure

    episodes = [twitch(1, date(2026, 11, 3))]
    labels = classify_all(episodes)
    data = chart_data(episodes, lambda e: labels[e.id], date(2026, 11, 1), date(2026, 11, 30))
    rows = (
        Effect("caffeine (twitches)", 30.0, 2.6, None, "linked"),
        Effect("stress", 0.84, 0.3, 1.6, "no clear link"),
        Effect("alcohol", 1.2, 0.45, 3.1, "no clear link"),
    )
    from dataclasses import replace

    data = replace(
        data,
        effects=Effects(date(2026, 9, 2), date(2026, 11, 30), rows),
        untested=(("coffee", "had on every kept day: nothing to compare with"),),
    )
    figure = new_figure()
    ax = figure.add_subplot()
    draw_trigger_effects(ax, data)
    texts, renderer = _drawn_texts(figure)
    ticks = [t for t in ax.get_xticklabels() if t in texts]
    assert [t.get_text() for t in ticks] == ["0.25", "0.5", "1", "2", "4", "10", "20"]
    boxes = [t.get_window_extent(renderer) for t in ticks]
    assert all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes))
    label = ax.get_xlabel()
    assert "scale stops at 20×" in label and "not tested: coffee (had on every kept day" in label
    _assert_no_text_over_text(figure, "trigger chart")


def test_dollars_are_dollars(diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `$` in a trigger or a note is text: the PDF and the charts are written and show it."""
    monkeypatch.setenv("DIARY_NOW", NOW)
    note = "?Is the $5 magnesium better than the $30 one"
    for day, trigger in (("2026-11-20", r"$\frac{1}{$"), ("2026-11-21", "coffee")):
        diary.ok("log", "--site", "calf", "--duration", "2m", "--pain", "6", "--at",
                 f"{day} 22:00", "--trigger", trigger, "--note", note)  # fmt: skip
    out = tmp_path / "visit.pdf"
    diary.ok("report", "doctor", "--out", str(out))
    charts = diary.ok("charts", "--out", str(tmp_path / "charts"), "--format", "svg").stdout
    assert "triggers_ranked.svg" in charts
    assert r"$\frac{1}{$" in (tmp_path / "charts" / "triggers_ranked.svg").read_text()
    from diary.reports.doctor import visit_pages

    report = _visit(date(2026, 11, 20))
    drawn = " ".join(t.get_text() for page in visit_pages(report) for t in _drawn_texts(page)[0])
    assert "$5 magnesium better than the $30 one" in drawn


def test_a_pipe_in_a_trigger_keeps_the_markdown_table(diary: Diary) -> None:
    diary.ok("log", "--site", "calf", "--duration", "2m", "--pain", "6", "--at",
             "2026-11-18 22:00", "--trigger", "a|b")  # fmt: skip
    markdown = diary.ok("report", "weekly", "--week", "2026-W47", "--format", "markdown").stdout
    row = next(line for line in markdown.splitlines() if "a\\|b" in line)
    assert re.split(r"(?<!\\)\|", row.strip("|")) == [" a\\|b ", " 1 "]


@pytest.mark.backend
def test_an_empty_diary_never_reassures(diary: Diary, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW)
    weekly = diary.ok("report", "weekly").stdout
    assert "good news" not in weekly and "The week before had 0" not in weekly
    assert "no data for this week, which is not a sign that all is well" in " ".join(weekly.split())
    assert "((" not in weekly and "))" not in weekly  # no brackets inside brackets
    flags = " ".join(diary.ok("flags").stdout.split())
    assert "nothing to assess" in flags and "warrants a doctor" not in flags


@pytest.mark.backend
def test_urgent_survives_grey_print_in_clinician_words(diary: Diary) -> None:
    from matplotlib.patches import Rectangle

    from diary.reports.doctor import visit_pages

    diary.ok("log", "--site", "calf", "--duration", "2m", "--pain", "7", "--breathing",
             "--at", "2026-11-30 03:05")  # fmt: skip
    report = _visit(date(2026, 11, 1), date(2026, 11, 30))
    assert [f.severity for f in report.flags][:1] == ["urgent"]
    page = visit_pages(report)[0]
    text = " ".join(t.get_text() for t in page.texts)
    assert "▲ URGENT" in text and "logged 30 Nov 03:05 (#1)" in text
    assert "emergency services" not in text  # that is said to the patient, not the GP
    frames = [a for a in page.artists if isinstance(a, Rectangle) and not a.get_fill()]
    assert frames  # a frame, not colour alone


@pytest.mark.backend
@pytest.mark.parametrize("columns", [44, 200])
def test_text_commands_fit_the_terminal(
    diary: Diary, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    """Every line within COLUMNS and no word broken; `triggers` keeps statistics for
    --detail."""
    monkeypatch.setenv("DIARY_NOW", NOW)
    monkeypatch.setenv("COLUMNS", str(columns))
    _fill(list(_heavy_diary(first=date(2026, 11, 2), days=30)))
    outputs = {
        args: diary.ok(*args).stdout
        for args in [("flags",), ("triggers",), ("triggers", "--detail"), ("report", "weekly")]
    }
    words = {w for out in outputs.values() for w in out.split()}
    for args, out in outputs.items():
        long = [line for line in out.splitlines() if len(line) > columns]
        assert not long, (args, long[:2])
    assert "clea" not in words and "lin" not in words  # "no clear link" never cut
    assert "permutation" not in outputs[("triggers",)]
    assert "permutation p" in outputs[("triggers", "--detail")]
    assert outputs[("triggers",)].startswith("In short: ")
    assert max(len(line) for line in outputs[("flags",)].splitlines()) > 44 or columns == 44


def test_a_duration_is_never_split_inside_a_table_cell() -> None:
    from diary.reports.doctor import COLUMNS, _episode_rows, _wrap_cell

    episodes = [spasm(1, date(2026, 11, 3), duration_s=90), spasm(2, date(2026, 11, 4),
                duration_s=3725)]  # fmt: skip
    labels = classify_all(episodes)
    report = VisitReport(
        date(2026, 11, 1), date(2026, 11, 9), date(2026, 11, 9), episodes, labels, [],
        chart_data(episodes, lambda e: labels[e.id], date(2026, 11, 1), date(2026, 11, 9)),
    )  # fmt: skip
    width = dict(COLUMNS)["duration"]
    cells = [row[4] for row in _episode_rows(report)]
    assert cells == ["1m30s", "1h2m5s"]
    assert all(len(_wrap_cell(cell, width)) == 1 for cell in cells)
    columns = dict(COLUMNS)
    assert _wrap_cell("fasciculation", columns["type"]) == ["fasciculation"]
    assert _wrap_cell("unclear", columns["label"]) == ["unclear"]
    note = "Is the $5 magnesium better than the $30 one"
    assert " ".join(_wrap_cell(note, columns["notes"])) == note  # whole words only
