"""Use cases: each opens the transactions it needs and returns analysis results to render."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING

from diary import storage
from diary.analysis.classify import Classifier, classify, classify_all
from diary.analysis.flags import evaluate_flags, lookback_days
from diary.domain import (
    Classification,
    DayRecord,
    Episode,
    Flag,
    KeptDay,
    NewEpisode,
    counted,
    last_days,
)
from diary.errors import BadInput, StorageError
from diary.storage import Database
from diary.thresholds import Thresholds

if TYPE_CHECKING:  # the reporting and interchange modules load only when used
    from sqlalchemy.engine import Connection

    from diary.analysis.series import ChartData
    from diary.analysis.triggers import Effects, TriggerReport
    from diary.analysis.visit import VisitReport
    from diary.analysis.weekly import WeeklySummary
    from diary.entries import LogInput
    from diary.fhir import Person
    from diary.interchange import ParsedFile
    from diary.storage.backup import BackupInfo


@dataclass(frozen=True)
class LoggedEpisode:
    """An episode with its label and the flags active with it (as `diary log` and the page
    confirm it)."""

    episode: Episode
    classification: Classification
    active_flags: list[Flag]
    calm: bool = False  # calm mode is on: "Noted." and only urgent or doctor flags
    stop: str | None = None  # a running experiment to stop (an urgent or doctor flag)

    @property
    def flags_of_episode(self) -> list[Flag]:
        """The active flags this episode is evidence for, raised now or before: an urgent
        sign is shown in full every time it is logged."""
        return [f for f in self.active_flags if self.episode.id in f.episode_ids]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def flag_window(as_of: date, thresholds: Thresholds) -> tuple[datetime, datetime]:
    first, _ = last_days(as_of, lookback_days(thresholds))
    return day_start(first), day_after(as_of)


def active_flags(db: Database, as_of: date, thresholds: Thresholds) -> list[Flag]:
    """Flags as of the end of `as_of`, reading only the days the rules look at."""
    start, end = flag_window(as_of, thresholds)
    with db.reading() as connection:
        episodes = storage.episodes_between(start, end, connection=connection)
    return evaluate_flags(episodes, as_of, thresholds)


def add_episode(db: Database, episode: NewEpisode, *, now: datetime) -> int:
    """Store the episode, nothing more (the web page shows its label and flags on the page
    it redirects to); returns its id."""
    with db.writing() as connection:
        return storage.add_episode(episode, connection=connection, logged_at=now)


def log_episode(
    db: Database, episode: NewEpisode, *, now: datetime, thresholds: Thresholds
) -> LoggedEpisode:
    """Store the episode; return it with its label and the flags active as of today."""
    episode_id = add_episode(db, episode, now=now)
    start, end = flag_window(now.date(), thresholds)
    with db.reading() as connection:
        stored = storage.get_episode(episode_id, connection=connection)
        window = storage.episodes_between(start, end, connection=connection)
    labels = classify_all(window, thresholds)
    active = evaluate_flags(window, now.date(), thresholds, labels)
    # An episode from before the flags' window is labelled on its own.
    label = labels.get(episode_id) or classify(stored, thresholds)
    from diary import calm

    stop = None
    # A diary that never planned an experiment has none to stop: the experiment modules
    # stay unimported (their import: ~0.03 s of CPU by -X importtime).
    if _has_experiments(db):
        from diary.experiments import stop_line

        stop = stop_line(db, active, now.date())
    return LoggedEpisode(stored, label, active, calm=calm.is_calm(db), stop=stop)


def _has_experiments(db: Database) -> bool:
    from sqlalchemy import select

    from diary.storage import schema

    with db.reading() as connection:
        return connection.execute(select(schema.experiments.c.id).limit(1)).first() is not None


def flags_of_episode(
    db: Database, episode_id: int, *, as_of: date, thresholds: Thresholds
) -> list[Flag]:
    """The flags active as of `as_of` that this episode is evidence for."""
    episode = get_episode(db, episode_id)
    return [f for f in active_flags(db, as_of, thresholds) if episode.id in f.episode_ids]


@dataclass(frozen=True)
class Labelled:
    """Episodes, oldest first, with the label of each (by id)."""

    episodes: list[Episode]
    labels: dict[int, Classification]

    def __iter__(self) -> Iterator[tuple[Episode, Classification]]:
        return iter([(e, self.labels[e.id]) for e in self.episodes])


def labelled_episodes(
    db: Database,
    since: date | None,
    until: date | None,
    *,
    thresholds: Thresholds,
    last: int | None = None,
) -> Labelled:
    """The period's episodes (`last`: only the latest so many, read with a LIMIT query),
    each with its label."""
    start = day_start(since) if since else None
    end = day_after(until) if until else None
    with db.reading() as connection:
        if last is None:
            episodes = storage.episodes_between(start, end, connection=connection)
        else:
            episodes = storage.latest_episodes(last, start, end, connection=connection)
    return Labelled(episodes, classify_all(episodes, thresholds))


class LabelledStream:
    """The period's episodes, oldest first, each with its label, read a page at a time each
    time it is iterated: memory stays flat however long the diary. Every pass runs in the
    same read of the diary, so it sees the same rows (a table can measure, then print)."""

    def __init__(
        self,
        connection: Connection,
        period: tuple[datetime | None, datetime | None],
        thresholds: Thresholds,
        last: int | None,
    ) -> None:
        self._connection = connection
        self._period = period
        self._classifier = Classifier(thresholds)  # each kind of episode weighed once
        self._last = last

    def __iter__(self) -> Iterator[tuple[Episode, Classification]]:
        classifier = self._classifier
        for episode in storage.iter_episodes_between(
            *self._period, connection=self._connection, last=self._last
        ):
            yield episode, classifier(episode)


@contextmanager
def labelled_stream(
    db: Database,
    since: date | None,
    until: date | None,
    *,
    thresholds: Thresholds,
    last: int | None = None,
) -> Iterator[LabelledStream]:
    """`labelled_episodes` as a stream (`diary list` of a whole diary), open while the
    `with` block runs."""
    period = (day_start(since) if since else None, day_after(until) if until else None)
    with db.reading() as connection:
        yield LabelledStream(connection, period, thresholds, last)


def labelled_episode(db: Database, episode_id: int, *, thresholds: Thresholds) -> Labelled:
    """One episode and its label (`diary show`)."""
    episode = get_episode(db, episode_id)
    return Labelled([episode], {episode.id: classify(episode, thresholds)})


def edit_episode(
    db: Database, episode_id: int, typed: LogInput, *, now: datetime, thresholds: Thresholds
) -> Labelled:
    """Change the fields typed (checked as `diary log` checks them) of a stored episode; its
    id and logging time stay. Returns it with its new label."""
    with db.writing() as connection:
        current = storage.get_episode(episode_id, connection=connection)
        changes = typed.changes(now=now, current=current)
        if not changes:
            raise BadInput("nothing to change; give at least one option, e.g. --pain 5")
        storage.replace_episode(dataclasses.replace(current, **changes), connection=connection)
    return labelled_episode(db, episode_id, thresholds=thresholds)


RECENT_SITES_DAYS = 30  # the page offers the sites and triggers of the last month first


@dataclass(frozen=True)
class HomePage:
    """What the page's home shows: urgent flags first, the episode just logged (with the
    flags it is evidence for), today's entries and the other active flags; `recent` (the
    last month's episodes) orders the form's choices."""

    urgent: list[Flag]
    flags: list[Flag]
    todays: Labelled
    recent: list[Episode]
    logged: LoggedEpisode | None


def home_page(
    db: Database, today: date, *, thresholds: Thresholds, logged_id: int | None = None
) -> HomePage:
    active = active_flags(db, today, thresholds)
    logged = None
    if logged_id is not None:
        try:
            episode = get_episode(db, logged_id)
        except BadInput:  # deleted since, or a stale link
            episode = None
        if episode is not None:
            logged = LoggedEpisode(episode, classify(episode, thresholds), active)
    return HomePage(
        urgent=[f for f in active if f.severity == "urgent"],
        flags=[f for f in active if f.severity != "urgent"],
        todays=labelled_episodes(db, today, today, thresholds=thresholds),
        recent=recent_episodes(db, today),
        logged=logged,
    )


def recent_episodes(db: Database, today: date) -> list[Episode]:
    """The last month's episodes: the page offers their sites and triggers first."""
    first, _ = last_days(today, RECENT_SITES_DAYS + 1)
    return list_episodes(db, first, today)


def diary_state(db: Database) -> tuple[object, ...]:
    with db.reading() as connection:
        return storage.diary_state(connection=connection)


def get_episode(db: Database, episode_id: int) -> Episode:
    with db.reading() as connection:
        return storage.get_episode(episode_id, connection=connection)


def replace_episode(db: Database, episode: Episode) -> Episode:
    """Store a whole changed episode under its id (the page's edit form)."""
    with db.writing() as connection:
        storage.replace_episode(episode, connection=connection)
    return get_episode(db, episode.id)


def delete_episode(db: Database, episode_id: int) -> None:
    with db.writing() as connection:
        storage.delete_episode(episode_id, connection=connection)


def list_episodes(db: Database, since: date | None, until: date | None) -> list[Episode]:
    start = day_start(since) if since else None
    end = day_after(until) if until else None
    with db.reading() as connection:
        return storage.episodes_between(start, end, connection=connection)


def weekly_report(
    db: Database, week_start: date, *, today: date, thresholds: Thresholds, chosen: str = ""
) -> WeeklySummary:
    """The ISO week from `week_start`, compared with the week before, with the flags active
    at its end (or today, for the week in progress). One windowed read."""
    week_end = week_start + timedelta(days=6)
    as_of = min(week_end, today)
    flags_start, flags_end = flag_window(as_of, thresholds)
    start = min(day_start(week_start - timedelta(days=7)), flags_start)
    end = max(day_after(week_end), flags_end)
    with db.reading() as connection:
        episodes = storage.episodes_between(start, end, connection=connection)
    flags = evaluate_flags([e for e in episodes if e.at < flags_end], as_of, thresholds)
    from diary.analysis.weekly import weekly_summary

    days = day_history(db, week_start, as_of) if as_of >= week_start else []
    summary = weekly_summary(week_start, episodes, flags, thresholds, days)
    from diary.analysis.triggers import headline_of

    first, _ = last_days(as_of, int(thresholds.trigger_window_days))
    # The headline's verdicts only: no dose-response, and exact intervals only where q could
    # make a link (weekly report of bench/run.py's diary: 0.15-0.25 s less CPU).
    found = headline_of(trigger_report(db, first, as_of, thresholds, full_lags=()))
    return dataclasses.replace(summary, triggers_found=found, flags_as_of=as_of, chosen=chosen)


def period_or_default(
    db: Database, since: date | None, until: date | None, *, today: date, weeks: int | None
) -> tuple[date, date]:
    """The period asked for, never past today; without --since, the last `weeks` weeks or
    all of the diary."""
    end = min(until or today, today)
    begun = diary_start(db)  # days before the diary existed are not days without episodes
    if since is None and weeks is not None:
        return last_days(end, 7 * weeks, not_before=begun)
    start = since or begun or end
    if begun is not None:
        start = max(start, min(begun, end))
    return start, end


def diary_start(db: Database) -> date | None:
    """The first day the diary holds anything: an entry or a check-in (None when empty)."""
    with db.reading() as connection:
        span = storage.time_span(connection=connection)
        kept = storage.kept_day_dates(connection=connection)
    firsts = [d for d in (span[0].date() if span else None, min(kept, default=None)) if d]
    return min(firsts, default=None)


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


def trigger_effects(db: Database, start: date, end: date, thresholds: Thresholds) -> Effects:
    """The forest plot's rows: `diary triggers` over the last `trigger_window_days` of the
    period (as the command does by default), so a ten-year chart stays quick."""
    from diary.analysis.triggers import effects_of

    first, _ = last_days(end, int(thresholds.trigger_window_days), not_before=start)
    return effects_of(trigger_report(db, first, end, thresholds, full_lags=(0,)))


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
    from diary.experiments import charted_between

    return list(charted_between(db, start, end, today=today, thresholds=thresholds))


def add_many(
    db: Database, episodes: list[NewEpisode], *, now: datetime, days: Sequence[KeptDay] = ()
) -> int:
    """All or nothing: one transaction."""
    with db.writing() as connection:
        added = len(storage.add_episodes(episodes, connection=connection, logged_at=now))
        storage.add_days(days, connection=connection)
    return added


@dataclass(frozen=True)
class ImportResult:
    rows: int
    added: int
    duplicates: int
    days_added: int = 0
    days_known: int = 0  # check-ins for dates the diary already holds: kept as they are


def import_episodes(
    db: Database, parsed: ParsedFile, *, now: datetime, dry_run: bool = False
) -> ImportResult:
    """Add the file's episodes and check-ins that the diary does not hold yet, all in one
    transaction."""
    from diary.interchange import new_episodes

    incoming = parsed.episodes
    with db.writing() as connection:
        fresh: list[NewEpisode] = []
        if incoming:
            first = min(e.at for e in incoming)
            last = max(e.at for e in incoming)
            existing = storage.episodes_between(
                first, last + timedelta(seconds=1), connection=connection
            )
            fresh = new_episodes(incoming, existing)
        known = storage.kept_day_dates(connection=connection)
        new_days = [
            d if d.checked_in_at else dataclasses.replace(d, checked_in_at=now)
            for d in parsed.days
            if d.day not in known
        ]
        if not dry_run:
            storage.add_episodes(fresh, connection=connection, logged_at=now)
            storage.add_days(new_days, connection=connection)
            if parsed.calm is not None:  # calm mode and its checks, from a JSON export
                from diary.calm import import_record

                import_record(parsed.calm, connection=connection)
            if parsed.experiments:  # planned experiments not held yet
                from diary.experiments import import_records

                import_records(parsed.experiments, connection=connection)
    return ImportResult(
        parsed.rows,
        len(fresh),
        len(incoming) - len(fresh),
        len(new_days),
        len(parsed.days) - len(new_days),
    )


def export_episodes(
    db: Database,
    since: date | None,
    until: date | None,
    *,
    fmt: str,
    thresholds: Thresholds,
    out: IO[str],
    days_out: IO[str] | None = None,
    person: Person | None = None,
    now: datetime | None = None,
) -> int:
    """Stream the period's episodes as CSV, JSON or a FHIR Bundle to `out`, with the kept
    days of the period (JSON: a `days` array; CSV: to `days_out`, when given; FHIR: a
    symptom-absent Observation per kept day without episodes); returns how many
    episodes."""
    from diary.interchange import write_csv, write_days_csv, write_json

    start = day_start(since) if since else None
    end = day_after(until) if until else None
    classifier = Classifier(thresholds)
    count = 0

    def counted(e: Episode) -> Classification:
        nonlocal count
        count += 1
        return classifier(e)

    with db.reading() as connection:
        episodes = storage.iter_episodes_between(start, end, connection=connection)
        days = storage.kept_days_between(since, until, connection=connection)
        if fmt == "fhir":
            from diary.fhir import Person, write_fhir

            write_fhir(
                episodes,
                counted,
                days,
                out,
                person=person or Person(),
                generated=now or datetime.now(),
            )
        elif fmt == "csv":
            write_csv(episodes, counted, out)
            if days_out is not None:
                write_days_csv(days, days_out)
        else:
            from diary.calm import export_record
            from diary.experiments import export_record as experiments_record

            extra = {
                **export_record(connection=connection),
                **experiments_record(connection=connection),
            }
            write_json(episodes, counted, out, days, extra=extra)
    return count


def kept_days_in(db: Database, since: date | None, until: date | None) -> int:
    with db.reading() as connection:
        return len(storage.kept_days_between(since, until, connection=connection))


def count_episodes(db: Database, since: date | None = None, until: date | None = None) -> int:
    """Entries in the period (both days included; open where not given)."""
    start = day_start(since) if since else None
    end = day_after(until) if until else None
    with db.reading() as connection:
        return storage.count_between(start, end, connection=connection)


@dataclass(frozen=True)
class Restored:
    backup: BackupInfo
    safety_copy: Path | None  # where the replaced diary was kept, if it held anything


def restore_diary(db: Database, source: Path, *, replace: bool, now: datetime) -> Restored:
    """Replace the diary with a checked backup, keeping the replaced diary beside it under
    a name that no earlier safety copy has; then bring the schema up to date."""
    from diary.storage.backup import POSTGRES_ADVICE, backup, check_backup, restore_from_backup

    path = db.target.path
    if not db.target.is_sqlite or path is None:
        raise StorageError(POSTGRES_ADVICE)
    info = check_backup(source)
    held = count_episodes(db)
    safety: Path | None = None
    if held:
        if not replace:
            raise BadInput(
                f"the diary {db.target.display} holds {held} episodes; restoring replaces "
                f"them with the backup's {info.episodes}. Add --yes to go ahead"
            )
        safety = _unused_name(path.with_name(f"{path.name}.before-restore-{now:%Y%m%dT%H%M%S}"))
        backup(db, safety)
    restore_from_backup(db, source)
    storage.upgrade_schema(db)  # an older backup's schema is brought up to date
    return Restored(info, safety)


def _unused_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


@dataclass(frozen=True)
class DemoFilled:
    added: int
    kept_days: int
    display: str  # the diary filled, as `--db` takes it


def fill_demo(
    target: str | None, *, now: datetime, days: int, seed: int, mix: bool = False
) -> DemoFilled:
    """Fill a diary with the demo history: the separate demo diary, started afresh, unless
    `target` names one; a named diary that holds episodes only with `mix`."""
    from diary.demo import demo_history
    from diary.files import remove_sqlite_diary
    from diary.paths import demo_db_path

    if target is None:
        remove_sqlite_diary(demo_db_path())
    database = storage.open_database(target or str(demo_db_path()))
    try:
        if target is not None and count_episodes(database) and not mix:
            raise BadInput(
                f"{database.target.display} already has episodes; demo data would "
                "mix with them. Add --yes to do it anyway"
            )
        history = demo_history(now.date(), days=days, seed=seed)
        added = add_many(database, history.episodes, now=now, days=history.days)
        if history.experiments:  # a finished experiment, for `diary experiment result`
            from diary.experiments import add_planned

            add_planned(database, history.experiments, now=now)
    finally:
        database.dispose()
    return DemoFilled(added, len(history.days), database.target.display)


def check_in(db: Database, day: KeptDay, *, today: date) -> DayRecord:
    """Keep a day (replacing its earlier check-in) and return it as `diary days` shows it."""
    if day.day > today:
        raise BadInput(f"date {day.day.isoformat()} is in the future; check in for today or before")
    with db.writing() as connection:
        tally = storage.episode_tallies(day.day, day.day, connection=connection).get(day.day)
        if day.no_episodes and tally:
            raise BadInput(
                f"--none: {day.day.isoformat()} holds {counted(tally[0], 'logged episode')}; "
                "check in without --none"
            )
        storage.put_day(day, connection=connection)
    return get_day(db, day.day)


def get_day(db: Database, day: date) -> DayRecord:
    return day_history(db, day, day)[0]


def day_history(db: Database, first: date, last: date) -> list[DayRecord]:
    """Every day of the period, kept or not, with its entries and exposures."""
    from diary.analysis.days import day_records

    with db.reading() as connection:
        kept = storage.kept_days_between(first, last, connection=connection)
        tallies = storage.episode_tallies(first, last, connection=connection)
    return day_records(first, last, kept, tallies)


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
