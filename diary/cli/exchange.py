"""`diary export` and `diary import`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from diary.cli import render
from diary.cli.bulk import bulk_command
from diary.cli.state import state_of
from diary.domain import counted
from diary.errors import BadInput
from diary.files import DEFAULT_MAX_READ_MB, check_max_mb, read_text_file
from diary.parsing import parse_period

if TYPE_CHECKING:
    from diary.interchange import ParsedFile


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    fhir = "fhir"


@bulk_command
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="File format.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write; - or none: standard output.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="First day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day, included.")] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="FHIR only: your name, for the Patient.")
    ] = None,
    born: Annotated[
        int | None, typer.Option("--born", metavar="YEAR", help="FHIR only: year of birth.")
    ] = None,
    yes: Annotated[
        bool,
        typer.Option("--yes", help="CSV: replace the check-ins file beside --out if it exists."),
    ] = False,
) -> None:
    """Export episodes as CSV, JSON or a FHIR R4 Bundle (classification included).

    With --out FILE.csv the kept days go beside it, to FILE.days.csv.
    """
    from diary import services
    from diary.checks import check_birth_year, check_patient_name
    from diary.fhir import Person

    if out is not None and str(out) != "-" and (not str(out).strip() or out.name in ("", "..")):
        raise BadInput(f"--out {str(out)!r} is not a file name; give one, or - for the screen")
    state = state_of(ctx)
    now = state.now()
    today = now.date()
    first, last = parse_period(since, until, today=today)
    if (name is not None or born is not None) and fmt != ExportFormat.fhir:
        raise BadInput("--name and --born go with --format fhir only")
    # The patient fields follow the doctor PDF's rules (`checks`), one rule for both.
    person = Person(check_patient_name(name), check_birth_year(born, today=today))
    database, thresholds = state.database(), state.thresholds
    if out is None or str(out) == "-":
        services.export_episodes(
            database, first, last, fmt=fmt.value, thresholds=thresholds, out=sys.stdout,
            person=person, now=now,
        )  # fmt: skip
        if fmt == ExportFormat.csv and (days := services.kept_days_in(database, first, last)):
            typer.echo(
                f"note: {counted(days, 'kept day')} not written: CSV on standard output holds the "
                "episodes only; use --out FILE (days go beside it) or --format json",
                err=True,
            )
        return
    from diary.files import private_file, refuse_unnamed_replacement

    days = services.kept_days_in(database, first, last) if fmt == ExportFormat.csv else 0
    if days:  # CSV holds one table: the check-ins go to a second file beside it
        from diary.interchange import days_csv_path

        days_path = days_csv_path(out)
        refuse_unnamed_replacement(days_path, yes=yes)
        with private_file(out) as handle, private_file(days_path) as days_handle:
            count = services.export_episodes(
                database, first, last, fmt="csv", thresholds=thresholds, out=handle,
                days_out=days_handle,
            )  # fmt: skip
        typer.echo(
            f"Exported {counted(count, 'episode')} to {out} and {counted(days, 'kept day')} "
            f"to {days_path}",
            err=True,
        )
        return
    with private_file(out) as handle:
        count = services.export_episodes(
            database, first, last, fmt=fmt.value, thresholds=thresholds, out=handle,
            person=person, now=now,
        )  # fmt: skip
    typer.echo(f"Exported {counted(count, 'episode')} to {out}", err=True)


@bulk_command
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A CSV or JSON export.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only, write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    max_size: Annotated[
        float,
        typer.Option("--max-size", metavar="MB", min=0.001, help="Largest file read, in MB."),
    ] = DEFAULT_MAX_READ_MB,
) -> None:
    """Import a CSV or JSON export, all or nothing.

    Every row is checked first; one bad row and nothing is written.

    Episodes already in the diary (same time, site and details) are skipped.
    """
    from diary import services
    from diary.interchange import parse_file, sniff_kind

    state = state_of(ctx)
    check_max_mb(max_size)
    text = read_text_file(file, what="import file", max_mb=max_size)
    kind = sniff_kind(file.name, text)
    parsed = parse_file(text, kind=kind, now=state.now())
    if kind == "csv":  # its check-ins, if the export wrote them beside it
        parsed = _with_days_beside(file, parsed, max_size)
    checked = services.check_import(parsed)  # all of the file, before the diary is opened
    result = services.import_episodes(state.database(), checked, now=state.now(), dry_run=dry_run)
    if as_json:
        render.print_json(
            {
                "rows": result.rows,
                "added": result.added,
                "duplicates": result.duplicates,
                "dry_run": dry_run,
                "days_added": result.days_added,
                "days_already_kept": result.days_known,
            }
        )
        return
    verb = "Would import" if dry_run else "Imported"
    days = ""
    if result.days_added or result.days_known:
        days = (
            f" and {counted(result.days_added, 'kept day')} "
            f"({result.days_known} already kept, skipped)"
        )
    typer.echo(
        f"{verb} {counted(result.added, 'episode')} from {file} "
        f"({result.duplicates} already in the diary, skipped){days}."
    )


def _with_days_beside(file: Path, parsed: ParsedFile, max_size: float) -> ParsedFile:
    import dataclasses

    from diary.interchange import days_csv_path, parse_days_csv

    beside = days_csv_path(file)
    if not beside.is_file():
        return parsed
    text = read_text_file(beside, what="the check-ins beside the import,", max_mb=max_size)
    return dataclasses.replace(parsed, days=parse_days_csv(text))
