"""What a doctor-visit report holds: the period's episodes, labels, flags and chart data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from diary.analysis.series import ChartData
from diary.domain import Classification, Episode, Flag

QUESTION_MARK = "?"  # a note starting with it is a question for the visit


@dataclass(frozen=True)
class Medicine:
    """A medicine noted as a trigger (`--trigger medication:sertraline`), over the diary."""

    name: str
    first: date
    last: date
    episodes: int


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
    patient: str | None = None  # --name
    born: int | None = None  # --born YEAR
    medicines: tuple[Medicine, ...] = ()
    checks_note: str | None = None  # calm mode: how often summaries were opened (page 1)
    # (ExperimentResult, kept days) of the planned experiments over in the period: the last
    # one gets a page
    experiments: tuple[Any, ...] = ()

    @property
    def questions(self) -> list[tuple[Episode, str]]:
        """Notes the person marked as questions for the visit (`--note "?..."`)."""
        return [
            (e, e.note.removeprefix(QUESTION_MARK).strip())
            for e in self.episodes
            if e.note and e.note.startswith(QUESTION_MARK) and e.note.strip(QUESTION_MARK + " ")
        ]
