"""Kept days and gaps: what `diary days` shows, built from the check-ins and the episodes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from diary.domain import DayRecord, KeptDay

# Per day: (entries, contractions, trigger names noted on its episodes).
Tally = tuple[int, int, tuple[str, ...]]
_NOTHING: Tally = (0, 0, ())


def day_record(day: date, kept: KeptDay | None, tally: Tally | None) -> DayRecord:
    """One day. A trigger noted on an episode counts as an exposure of its day; the
    check-in's amount wins when both name it."""
    entries, contractions, noted = tally or _NOTHING
    exposures: dict[str, float | None] = {}
    if kept is not None:
        exposures = {x.name: x.amount for x in kept.exposures}
    for name in noted:
        exposures.setdefault(name, None)
    return DayRecord(
        day=day,
        kept=kept is not None,
        exposures=exposures,
        episodes=entries,
        contractions=contractions,
        no_episodes=kept.no_episodes if kept is not None else False,
    )


def day_records(
    first: date, last: date, kept: Iterable[KeptDay], tallies: Mapping[date, Tally]
) -> list[DayRecord]:
    """Every day from `first` to `last`: kept days with what they held, the others as gaps
    (never as zero: a day not checked in says nothing about what happened)."""
    by_day = {k.day: k for k in kept}
    return [
        day_record(day, by_day.get(day), tallies.get(day))
        for day in (first + timedelta(days=i) for i in range((last - first).days + 1))
    ]


def kept_share(records: Iterable[DayRecord]) -> tuple[int, int]:
    """(kept days, days) of a period."""
    listed = list(records)
    return sum(1 for r in listed if r.kept), len(listed)
