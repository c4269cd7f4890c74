"""Use cases: each opens the transactions it needs and returns analysis results to render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TextIO

from diary import storage
from diary.analysis.classify import classify, classify_all
from diary.analysis.flags import evaluate_flags, lookback_days
from diary.model import Classification, Episode, Flag
from diary.perf import gc_paused
from diary.storage import Database
from diary.thresholds import Thresholds

if TYPE_CHECKING:  # the reporting and interchange modules load only when used
    from diary.analysis.series import ChartData
    from diary.analysis.weekly import WeeklySummary
    from diary.interchange import ParsedFile
    from diary.reports.doctor import VisitReport


@dataclass(frozen=True)
class LoggedEpisode:
    episode: Episode
    classification: Classification
    new_flags: list[Flag]
    active_flags: list[Flag]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def flag_window(as_of: date, th: Thresholds) -> tuple[datetime, datetime]:
    return day_start(as_of - timedelta(days=lookback_days(th) - 1)), day_after(as_of)


def active_flags(db: Database, as_of: date, th: Thresholds) -> list[Flag]:
    """Flags as of the end of `as_of`, reading only the days the rules look at."""
    start, end = flag_window(as_of, th)
    with db.reading() as session:
        episodes = storage.episodes_between(start, end, session=session)
    return evaluate_flags(episodes, as_of, th)


def log_episode(db: Database, episode: Episode, *, now: datetime, th: Thresholds) -> LoggedEpisode:
    """Store the episode; report its label and the flags it newly raised (as of today)."""
    with db.writing() as session:
        episode_id = storage.add_episode(episode, session=session, logged_at=now)
    start, end = flag_window(now.date(), th)
    with db.reading() as session:
        stored = storage.get_episode(episode_id, session=session)
        window = storage.episodes_between(start, end, session=session)
    labels = classify_all(window, th)
    after = evaluate_flags(window, now.date(), th, labels)
    new: list[Flag] = []
    if any(episode_id in f.episode_ids for f in after):  # else it raised nothing
        others = [e for e in window if e.id != episode_id]
        known = {f.identity for f in evaluate_flags(others, now.date(), th, labels)}
        new = [f for f in after if f.identity not in known]
    return LoggedEpisode(stored, classify(stored, th), new, after)


def get_episode(db: Database, episode_id: int) -> Episode:
    with db.reading() as session:
        return storage.get_episode(episode_id, session=session)


def replace_episode(db: Database, episode: Episode) -> Episode:
    assert episode.id is not None
    with db.writing() as session:
        storage.replace_episode(episode, session=session)
    return get_episode(db, episode.id)


def delete_episode(db: Database, episode_id: int) -> None:
    with db.writing() as session:
        storage.delete_episode(episode_id, session=session)


def list_episodes(db: Database, since: date | None, until: date | None) -> list[Episode]:
    start = day_start(since) if since else None
    end = day_after(until) if until else None
    with db.reading() as session:
        return storage.episodes_between(start, end, session=session)


def weekly_report(db: Database, week_start: date, *, today: date, th: Thresholds) -> WeeklySummary:
    """The ISO week from `week_start`, compared with the week before, with the flags active
    at its end (or today, for the week in progress). One windowed read."""
    week_end = week_start + timedelta(days=6)
    as_of = min(week_end, today)
    flags_start, flags_end = flag_window(as_of, th)
    start = min(day_start(week_start - timedelta(days=7)), flags_start)
    end = max(day_after(week_end), flags_end)
    with db.reading() as session:
        episodes = storage.episodes_between(start, end, session=session)
    flags = evaluate_flags([e for e in episodes if e.at < flags_end], as_of, th)
    from diary.analysis.weekly import weekly_summary

    return weekly_summary(week_start, episodes, flags, th)


def period_or_default(
    db: Database, since: date | None, until: date | None, *, today: date, weeks: int | None
) -> tuple[date, date]:
    """The period asked for; without --since, the last `weeks` weeks or all of the diary."""
    end = until or today
    if since is not None:
        return since, end
    if weeks is not None:
        return end - timedelta(days=7 * weeks - 1), end
    with db.reading() as session:
        span = storage.time_span(session=session)
    return (min(span[0].date(), end) if span else end), end


def chart_data_for(db: Database, start: date, end: date, th: Thresholds) -> ChartData:
    from diary.analysis.series import chart_data

    with db.reading() as session, gc_paused():
        observed = storage.iter_observations_between(
            day_start(start), day_after(end), session=session
        )
        return chart_data(observed, lambda o: classify(o, th), start, end)


def visit_report(
    db: Database, start: date, end: date, *, today: date, th: Thresholds
) -> VisitReport:
    with db.reading() as session:
        episodes = storage.episodes_between(day_start(start), day_after(end), session=session)
    labels = classify_all(episodes, th)
    from diary.analysis.series import chart_data
    from diary.reports.doctor import VisitReport

    return VisitReport(
        start=start,
        end=end,
        generated=today,
        episodes=episodes,
        labels=labels,
        flags=active_flags(db, end, th),
        charts=chart_data(episodes, lambda e: labels[e.id or 0], start, end),
    )


def add_many(db: Database, episodes: list[Episode], *, now: datetime) -> int:
    """All or nothing: one transaction."""
    with db.writing() as session:
        return len(storage.add_episodes(episodes, session=session, logged_at=now))


@dataclass(frozen=True)
class ImportResult:
    rows: int
    added: int
    duplicates: int


def import_episodes(
    db: Database, parsed: ParsedFile, *, now: datetime, dry_run: bool = False
) -> ImportResult:
    """Add the file's episodes that the diary does not hold yet, all in one transaction."""
    from diary.interchange import new_episodes

    incoming = parsed.episodes
    if not incoming:
        return ImportResult(parsed.rows, 0, 0)
    first = min(e.at for e in incoming)
    last = max(e.at for e in incoming)
    with db.writing() as session:
        existing = storage.episodes_between(first, last + timedelta(seconds=1), session=session)
        fresh = new_episodes(incoming, existing)
        if not dry_run:
            storage.add_episodes(fresh, session=session, logged_at=now)
    return ImportResult(parsed.rows, len(fresh), len(incoming) - len(fresh))


def export_episodes(
    db: Database, since: date | None, until: date | None, *, fmt: str, th: Thresholds, out: TextIO
) -> int:
    """Stream the period's episodes as CSV or JSON to `out`; returns how many."""
    from diary.interchange import write_csv, write_json

    start = day_start(since) if since else None
    end = day_after(until) if until else None
    count = 0

    def counted(e: Episode) -> Classification:
        nonlocal count
        count += 1
        return classify(e, th)

    with db.reading() as session, gc_paused():
        episodes = storage.iter_episodes_between(start, end, session=session)
        (write_csv if fmt == "csv" else write_json)(episodes, counted, out)
    return count


def count_episodes(db: Database) -> int:
    with db.reading() as session:
        return storage.count_between(None, None, session=session)
