"""Every chart of the page at once: one read of the diary, every figure drawn from it, and
the result kept per diary state.

The page used to read the period and compute the trigger statistics once for the page and
once more for each of its images, then draw each image on request. Here the data is computed
once and every chart drawn from it in the same call; later calls for the same diary state
(the page, then each of its images) are answered from memory. On the 100,000-episode bench
diary that is the difference between ~7 s and the figure in bench/run.py's "charts for the
page" lines.
"""

from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from diary import services
from diary.analysis.series import ChartData
from diary.reports.charts import CHARTS, PHONE, Chart, ChartSize, draw_chart
from diary.storage import Database
from diary.thresholds import Thresholds

PAGE_WEEKS = 8  # the page shows the last 8 weeks, like the doctor PDF
# An edit keeps an episode's id and logged time, which the diary state is made of: entries
# are also dropped after this long, so an edited entry shows within a minute.
CACHE_S = 60.0
CACHE_ENTRIES = 8  # a few sizes and periods of the current diary state
_T = TypeVar("_T")


@dataclass(frozen=True)
class PageCharts:
    """The charts of a period drawn at one size: SVG documents by chart name, in the order
    of `shown`, and why the others were left out."""

    start: date
    end: date
    total: int  # episodes in the period
    shown: tuple[Chart, ...]
    skipped: tuple[str, ...]  # "Title: why it was left out"
    svgs: dict[str, bytes]

    @property
    def empty(self) -> bool:
        return self.total == 0


_lock = threading.Lock()  # one drawing at a time: matplotlib's settings are global
_cache: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()


def charts_for_page(
    db: Database,
    start: date,
    end: date,
    thresholds: Thresholds,
    size: ChartSize = PHONE,
) -> PageCharts:
    """Every chart of `start`..`end` as SVG at `size`: computed once per diary state, then
    answered from memory (for up to a minute, so an edit shows too)."""
    state = (db.target.display, services.diary_state(db), start, end, thresholds)
    with _lock:
        found = _cached((state, size))
        if isinstance(found, PageCharts):
            return found
        data = _cached(state)
        if not isinstance(data, ChartData):
            data = _keep(state, services.chart_data_for(db, start, end, thresholds))
        shown = tuple(c for c in CHARTS if c.enough(data)) if data.total else ()
        skipped = (
            tuple(f"{c.title}: {c.too_little}" for c in CHARTS if not c.enough(data))
            if data.total
            else ()
        )
        charts = PageCharts(
            start=start,
            end=end,
            total=data.total,
            shown=shown,
            skipped=skipped,
            svgs={chart.name: _svg(chart, data, size) for chart in shown},
        )
        return _keep((state, size), charts)


def _svg(chart: Chart, data: ChartData, size: ChartSize) -> bytes:
    buffer = io.BytesIO()
    draw_chart(chart, data, size).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _cached(key: Hashable) -> object | None:
    found = _cache.get(key)
    if found is None or time.monotonic() - found[0] >= CACHE_S:
        return None
    return found[1]


def _keep(key: Hashable, value: _T) -> _T:
    _cache[key] = (time.monotonic(), value)
    _cache.move_to_end(key)
    while len(_cache) > CACHE_ENTRIES:
        _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()
