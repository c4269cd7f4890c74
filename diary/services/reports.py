"""The statistics behind the weekly report, the charts, the doctor-visit PDF and `diary
triggers`: each read of the diary once, handed to the pure analysis."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import TYPE_CHECKING

from diary import storage
from diary.analysis.classify import Classifier, classify_all
from diary.analysis.flags import evaluate_flags
from diary.domain import last_days
from diary.services.days import day_history, kept_days_in
from diary.services.episodes import active_flags, flag_evidence
from diary.services.periods import day_after, day_start
from diary.storage import Database
from diary.thresholds import Thresholds

if TYPE_CHECKING:
    from diary.analysis.series import ChartData
    from diary.analysis.triggers import TriggerReport
    from diary.analysis.visit import VisitReport
    from diary.analysis.weekly import WeeklySummary


def weekly_report(
    db: Database, week_start: date, *, today: date, thresholds: Thresholds, chosen: str = ""
) -> WeeklySummary:
    """The ISO week from `week_start`, compared with the week before, with the flags active
    at its end (or today, for the week in progress). One read of the two weeks and of what
    the flags rest on."""
    week_end = week_start + timedelta(days=6)
    as_of = min(week_end, today)
    with db.reading() as connection:
        episodes = storage.episodes_between(
            day_start(week_start - timedelta(days=7)), day_after(week_end), connection=connection
        )
        evidence = flag_evidence(connection, as_of, thresholds)
    flags = evaluate_flags(evidence, as_of, thresholds)
    from diary.analysis.weekly import weekly_summary

    days = day_history(db, week_start, as_of) if as_of >= week_start else []
    summary = weekly_summary(week_start, episodes, flags, thresholds, days)
    from diary.analysis.triggers import headline_of

    first, _ = last_days(as_of, int(thresholds.trigger_window_days))
    # The headline's verdicts only: no dose-response, and exact intervals only where q could
    # make a link (weekly report of bench/run.py's diary: 0.15-0.25 s less CPU).
    found = headline_of(trigger_report(db, first, as_of, thresholds, full_lags=()))
    return dataclasses.replace(summary, triggers_found=found, flags_as_of=as_of, chosen=chosen)


def _night(thresholds: Thresholds) -> tuple[int, int]:
    return thresholds.night_start_hour, thresholds.night_end_hour


def chart_data_for(db: Database, start: date, end: date, thresholds: Thresholds) -> ChartData:
    from diary.analysis.series import chart_data

    with db.reading() as connection:
        observed = storage.iter_observations_between(
            day_start(start), day_after(end), connection=connection
        )
        data = chart_data(
            observed,
            Classifier(thresholds),
            start,
            end,
            _night(thresholds),
            thresholds.severe_pain_min,
            kept=storage.kept_day_dates(connection=connection),
        )
    return _with_trigger_effects(db, data, thresholds)


def _with_trigger_effects(db: Database, data: ChartData, thresholds: Thresholds) -> ChartData:
    """The forest plot's rows and the exposures it cannot show, with the reason."""
    from diary.analysis.series import untested_exposures
    from diary.analysis.triggers import effects_of

    first, _ = last_days(data.end, int(thresholds.trigger_window_days), not_before=data.start)
    # The same day's results only, in full (no dose-response, no intervals the day after
    # unless a link could hang on them); with the state read once (diary.web.charts), the
    # page's first charts took ~6% less CPU (3.02 -> 2.83 s on a loaded machine).
    report = trigger_report(db, first, data.end, thresholds, full_lags=(0,))
    return dataclasses.replace(
        data, effects=effects_of(report), untested=untested_exposures(report)
    )


def visit_report(
    db: Database,
    start: date,
    end: date,
    *,
    today: date,
    thresholds: Thresholds,
    patient: str | None = None,
    born: int | None = None,
) -> VisitReport:
    from diary.analysis.series import chart_data
    from diary.analysis.visit import Medicine, VisitReport

    with db.reading() as connection:
        episodes = storage.episodes_between(day_start(start), day_after(end), connection=connection)
        medicines = tuple(
            Medicine(detail or "medicine (not named)", first.date(), last.date(), n)
            for detail, first, last, n in storage.trigger_spans(
                "medication", day_after(end), connection=connection
            )
        )
        kept = storage.kept_day_dates(connection=connection)
    labels = classify_all(episodes, thresholds)
    return VisitReport(
        start=start,
        end=end,
        generated=today,
        episodes=episodes,
        labels=labels,
        flags=active_flags(db, end, thresholds),
        charts=_with_trigger_effects(
            db,
            chart_data(
                episodes,
                lambda e: labels[e.id],
                start,
                end,
                _night(thresholds),
                thresholds.severe_pain_min,
                kept=kept,
            ),
            thresholds,
        ),
        kept_days=kept_days_in(db, start, end),
        period_days=(end - start).days + 1,
        patient=patient,
        born=born,
        medicines=medicines,
        experiments=tuple(_experiments_over(db, start, end, today, thresholds)),
    )


def _experiments_over(
    db: Database, start: date, end: date, today: date, thresholds: Thresholds
) -> list[object]:
    from diary.services.experiments import charted_between

    return list(charted_between(db, start, end, today=today, thresholds=thresholds))


def trigger_report(
    db: Database,
    first: date,
    last: date,
    thresholds: Thresholds,
    *,
    full_lags: tuple[int, ...] | None = None,
) -> TriggerReport:
    """Kept days with and without each exposure, per lag and kind (see analysis.triggers;
    `full_lags`: the lags whose every statistic is wanted, by default all)."""
    from diary.analysis.triggers import LAGS, TriggerDay, analyse_triggers

    classifier = Classifier(thresholds)
    with db.reading() as connection:
        kept = storage.kept_days_between(first, last, connection=connection)
        kept_dates = {k.day for k in kept}
        counts: dict[date, dict[str, int]] = {}
        noted_on: dict[date, dict[str, None]] = {}
        noted: dict[str, int] = {}
        for seen in storage.iter_observations_between(
            day_start(first), day_after(last), connection=connection
        ):
            for name in seen.trigger_names:
                noted[name] = noted.get(name, 0) + 1
            day = seen.at.date()
            if day not in kept_dates:
                continue
            tally = counts.setdefault(day, {"all": 0, "twitch": 0, "spasm": 0})
            tally["all"] += seen.count
            label = classifier(seen).label
            if label in tally:
                tally[label] += seen.count
            noted_on.setdefault(day, {}).update(dict.fromkeys(seen.trigger_names))
    days = []
    checked_in: set[str] = set()
    for k in kept:
        had: dict[str, float | None] = {x.name: x.amount for x in k.exposures}
        checked_in.update(had)
        for name in noted_on.get(k.day, {}):
            had.setdefault(name, None)
        days.append(TriggerDay(k.day, had, counts.get(k.day, {"all": 0})))
    return analyse_triggers(
        days,
        since=first,
        until=last,
        tested=checked_in,
        noted=noted,
        thresholds=thresholds,
        full_lags=LAGS if full_lags is None else full_lags,
    )
