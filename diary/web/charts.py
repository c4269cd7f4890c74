"""The charts page: the chart code of `diary charts`, drawn for the width each image is shown
at, the period's data computed once per diary state for the page and all its images."""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from diary import services
from diary.services import calm
from diary.storage import Database
from diary.thresholds import Thresholds

CHART_WEEKS = 8  # the charts page shows the last 8 weeks, like the doctor PDF
CHART_CACHE_S = 60.0
# Drawn for the width they are shown at: one column of a 390 px phone (~358 CSS px) and of
# the 46rem desktop column (~750 px). An SVG inch is 96 CSS px, so shown at that width the
# smallest chart text ("small" = 0.833 of the 11 pt base) is 9.2 pt = 12.2 CSS px.
CHART_SIZES: dict[str, dict[str, float]] = {
    "phone": {"width": 3.7, "height": 3.6, "font": 11, "title": 12},
    "wide": {"width": 7.6, "height": 4.2, "font": 11, "title": 13},
}
MIN_WIDE_PX = 700  # from this viewport width the page shows the wide charts


@dataclass
class ChartCache:
    """Chart data and drawn SVGs by diary state, kept a minute (a new entry, from the page or
    the command line, changes the state and draws afresh)."""

    entries: dict[tuple[Any, ...], tuple[float, Any]] = field(default_factory=dict)
    # one drawing at a time (matplotlib's settings are global); the data is read under it too
    lock: threading.RLock = field(default_factory=threading.RLock)

    def get(self, key: tuple[Any, ...]) -> Any:
        found = self.entries.get(key)
        if found is None or time.monotonic() - found[0] >= CHART_CACHE_S:
            return None
        return found[1]

    def keep(self, key: tuple[Any, ...], value: Any) -> Any:
        if len(self.entries) > 64:
            self.entries.clear()
        self.entries[key] = (time.monotonic(), value)
        return value


def warm_up() -> None:
    """Load the drawing code (matplotlib, its SVG writer and fonts: ~0.4 s of CPU) while
    the server waits for its first request, so the first charts view does not pay for it.
    Figures are drawn without pyplot, so this touches no state a chart being drawn uses."""
    from diary.reports.charts import new_figure

    figure = new_figure(1, 1)
    figure.add_subplot().set_title("warm-up")
    figure.savefig(io.BytesIO(), format="svg")


def chart_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=7 * CHART_WEEKS - 1), today


def chart_data(
    cache: ChartCache,
    db: Database,
    start: date,
    end: date,
    thresholds: Thresholds,
    *,
    state: tuple[Any, ...] | None = None,
) -> Any:
    """The period's chart data (in calm mode without per-day twitch series), computed once
    per diary state: the trigger statistics in it are the slow part. `state`: the diary's
    state and calm mode, when the caller has just read them."""
    if state is None:
        state = (services.diary_state(db), calm.is_calm(db))
    quiet = bool(state[-1])
    key = ("data", start, end, *state)
    with cache.lock:
        found = cache.get(key)
        if found is not None:
            return found
        data = services.chart_data_for(db, start, end, thresholds)
        return cache.keep(key, calm.charts_view(data) if quiet else data)


def chart_svg(
    cache: ChartCache, db: Database, name: str, size: str, today: date, thresholds: Thresholds
) -> bytes | None:
    """One chart as SVG at `size` ("phone" or "wide"); None for no such chart, or one the
    period has too little data for."""
    import matplotlib

    from diary.reports.charts import CHARTS, new_figure

    chart = next((c for c in CHARTS if c.name == name), None)
    if chart is None or size not in CHART_SIZES:
        return None
    start, end = chart_period(today)
    # The diary's state read once a chart, not again for its data: it counts the whole
    # diary (~0.03 s of CPU a read on bench/run.py's 100,000 episodes, 7 reads a first view).
    state = (services.diary_state(db), calm.is_calm(db))
    key = (name, size, start, end, *state)
    with cache.lock:
        found = cache.get(key)
        if found is not None:
            return bytes(found)
        data = chart_data(cache, db, start, end, thresholds, state=state)
        if not chart.enough(data):
            return None
        drawn = CHART_SIZES[size]
        height = drawn["height"]
        if name == "trigger_effects" and size == "phone":  # a label above each row
            height = max(height, 1.7 + 0.42 * len(data.effects.rows))
        figure = new_figure(drawn["width"], height)
        with matplotlib.rc_context({"font.size": drawn["font"], "axes.titlesize": drawn["title"]}):
            chart.draw(figure.add_subplot(), data)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        return bytes(cache.keep(key, buffer.getvalue()))
