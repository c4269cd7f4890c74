"""What a doctor-visit report holds: the period's episodes, labels, flags and chart data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from diary.analysis.series import ChartData
from diary.domain import Classification, Episode, Flag


@dataclass(frozen=True)
class VisitReport:
    start: date
    end: date
    generated: date
    episodes: list[Episode]
    labels: dict[int, Classification]
    flags: list[Flag]
    charts: ChartData
    kept_days: int = 0  # days of the period checked in as complete
    period_days: int = 0
