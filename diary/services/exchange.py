"""Import, export, restore and the demo diary: whole-diary moves, each all or nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from diary import storage
from diary.analysis.classify import Classifier
from diary.domain import Classification, Episode, KeptDay, NewEpisode
from diary.errors import BadInput, StorageError
from diary.services.episodes import count_episodes
from diary.services.periods import day_after, day_start
from diary.storage import Database
from diary.thresholds import Thresholds

if TYPE_CHECKING:
    from diary.fhir import Person
    from diary.interchange import ParsedFile
    from diary.services.calm import CalmRecord
    from diary.storage.backup import BackupInfo


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


@dataclass(frozen=True)
class CheckedImport:
    """An import file checked in full, before any diary is opened: its episodes and days
    (by `diary.interchange`), calm mode and planned experiments (by the services that own
    them)."""

    parsed: ParsedFile
    calm: CalmRecord | None = None
    experiments: list[Any] = field(default_factory=list)


def check_import(parsed: ParsedFile) -> CheckedImport:
    """Check what a JSON export carries beyond episodes and days; raises BadInput."""
    calm_record = None
    if parsed.calm is not None:
        from diary.services.calm import record_from_json

        calm_record = record_from_json(parsed.calm["calm"], parsed.calm["checks"])
    planned: list[Any] = []
    if parsed.experiments is not None:
        from diary.services.experiments import records_from_json

        planned = records_from_json(parsed.experiments)
    return CheckedImport(parsed, calm_record, planned)


def import_episodes(
    db: Database, checked: CheckedImport, *, now: datetime, dry_run: bool = False
) -> ImportResult:
    """Add the file's episodes and check-ins that the diary does not hold yet, all in one
    transaction."""
    from diary.interchange import new_episodes

    parsed, calm_record, planned = checked.parsed, checked.calm, checked.experiments
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
            if calm_record is not None:  # calm mode and its checks, from a JSON export
                from diary.services.calm import import_record

                import_record(calm_record, connection=connection)
            if planned:  # planned experiments not held yet
                from diary.services.experiments import import_records

                import_records(planned, connection=connection)
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
            from diary.services.calm import export_record
            from diary.services.experiments import export_record as experiments_record

            extra = {
                **export_record(connection=connection),
                **experiments_record(connection=connection),
            }
            write_json(episodes, counted, out, days, extra=extra)
    return count


def backup_diary(db: Database, dest: Path, *, overwrite: bool = False) -> BackupInfo:
    """A checked, private copy of the diary, taken safely even while it is being written."""
    from diary.storage.backup import backup

    return backup(db, dest, overwrite=overwrite)


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
            from diary.services.experiments import add_planned

            add_planned(database, history.experiments, now=now)
    finally:
        database.dispose()
    return DemoFilled(added, len(history.days), database.target.display)
