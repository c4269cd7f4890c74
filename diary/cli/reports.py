"""`diary report weekly`, `diary report doctor`, `diary charts` and `diary demo`."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from diary.cli import render
from diary.cli.bulk import bulk_command
from diary.cli.group import DiaryGroup
from diary.cli.state import state_of
from diary.demo import DEFAULT_DAYS, DEFAULT_SEED
from diary.errors import BadInput, NotEnoughData
from diary.files import refuse_unnamed_replacement
from diary.parsing import default_week, parse_date, parse_iso_week, parse_period, week_of

report_app = typer.Typer(
    cls=DiaryGroup,
    help="Weekly summary and doctor-visit PDF.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class ChartFormat(StrEnum):
    png = "png"
    svg = "svg"
    pdf = "pdf"


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


SinceOpt = Annotated[str | None, typer.Option("--since", help="First day (ISO date).")]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Last day, included [default: today].")
]


@report_app.command()
def weekly(
    ctx: typer.Context,
    week: Annotated[
        str | None, typer.Option("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W47.")
    ] = None,
    on_date: Annotated[str | None, typer.Option("--date", help="Any day of the week.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = (
        ReportFormat.text
    ),
) -> None:
    """Summary of one ISO week, compared with the week before.

    Default: the last complete week (on a Sunday, the week ending today); `--date today`
    for the week in progress. Text for the terminal, markdown for notes, or JSON.
    """
    from diary import services
    from diary.reports.weekly import weekly_dict, weekly_markdown, weekly_text

    state = state_of(ctx)
    today = state.now().date()
    if week and on_date:
        raise BadInput("give --week or --date, not both")
    chosen = ""
    if week:
        start, _ = parse_iso_week(week)
    elif on_date:
        start, _ = week_of(parse_date(on_date, today=today))
    else:
        start, chosen = default_week(today)
    summary = services.weekly_report(
        state.database(), start, today=today, thresholds=state.thresholds, chosen=chosen
    )
    if fmt is ReportFormat.json:
        render.print_json(weekly_dict(summary))
        return
    from diary.services.calm import open_weekly  # calm mode: counts this opening, days not counts

    db, days = state.database(), summary.days_so_far
    calm = open_weekly(db, start, now=state.now(), thresholds=state.thresholds, days=days)
    if fmt is ReportFormat.markdown:
        typer.echo(weekly_markdown(summary, calm), nl=False)
    else:
        width = min(100, shutil.get_terminal_size((100, 24)).columns)
        colour = sys.stdout.isatty()
        typer.echo(weekly_text(summary, width=width, colour=colour, calm=calm), nl=False)


def _period(
    ctx: typer.Context, since: str | None, until: str | None, weeks: int | None
) -> tuple[date, date]:
    from diary import services

    state = state_of(ctx)
    today = state.now().date()
    first, last = parse_period(since, until, today=today)
    return services.period_or_default(state.database(), first, last, today=today, weeks=weeks)


@report_app.command()
@bulk_command
def doctor(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The PDF to write.")] = Path("visit.pdf"),
    since: SinceOpt = None,
    until: UntilOpt = None,
    paper: Annotated[Paper, typer.Option("--paper", help="Paper size.")] = Paper.a4,
    name: Annotated[
        str | None, typer.Option("--name", help="The patient's name, printed on page 1.")
    ] = None,
    born: Annotated[
        int | None, typer.Option("--born", metavar="YEAR", help="Year of birth, on page 1.")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Replace ./visit.pdf when --out is not given.")
    ] = False,
) -> None:
    """A PDF to bring to a doctor (default: the last 8 weeks).

    A summary page with the active flags and their evidence, the medicines noted and the
    questions marked for the visit (notes starting with "?"), the charts, and a table of
    the episodes (grouped by week when every row would not fit in 8 pages).
    """
    from diary import services
    from diary.checks import check_birth_year, check_patient_name
    from diary.reports.doctor import write_visit_pdf

    state = state_of(ctx)
    source = ctx.get_parameter_source("out")
    if source is not None and source.name == "DEFAULT":
        refuse_unnamed_replacement(out, yes=yes)  # ./visit.pdf was not named: never silently
    today = state.now().date()
    patient, born = check_patient_name(name), check_birth_year(born, today=today)
    start, end = _period(ctx, since, until, weeks=8)
    report = services.visit_report(
        state.database(),
        start,
        end,
        today=today,
        thresholds=state.thresholds,
        patient=patient,
        born=born,
    )
    from dataclasses import replace

    from diary.services.calm import (
        checks_note,  # calm mode: page 1 adds the count of opened summaries
    )

    report = replace(report, checks_note=checks_note(state.database(), today))
    pages = write_visit_pdf(report, out, paper=paper.value)
    entries = len(report.episodes)
    typer.echo(
        f"{out} ({pages} page{'s' if pages != 1 else ''}, {entries} "
        f"entr{'ies' if entries != 1 else 'y'}, {report.start:%d %b %Y} – {report.end:%d %b %Y})"
    )


@bulk_command
def charts(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Folder for the chart files.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: Annotated[ChartFormat, typer.Option("--format", help="File format.")] = ChartFormat.png,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of paths.")] = False,
) -> None:
    """Draw trend charts into a folder (default: the whole diary)."""
    from diary import services

    state = state_of(ctx)
    start, end = _period(ctx, since, until, weeks=None)
    data = services.chart_data_for(
        state.database(),
        start,
        end,
        state.thresholds,
    )
    if data.total == 0:
        if not services.count_episodes(state.database()):
            raise NotEnoughData(
                "the diary is empty: no chart drawn. Log an episode with `diary log`, or try "
                "`diary demo`"
            )
        raise NotEnoughData(f"no episodes between {start} and {end}: no chart drawn")
    from diary.services.calm import CHARTS_NOTE, open_charts  # calm mode: no per-day twitch series

    shown = open_charts(state.database(), data, now=state.now(), counted=not as_json)
    if shown is not data:
        typer.echo(f"diary: {CHARTS_NOTE}", err=True)
    from diary.reports.charts import write_charts

    written, skipped = write_charts(shown, out, fmt.value)
    if shown is data:  # each experiment that is over (calm mode: no daily counts, so none)
        from diary.reports.experiment import write_experiment_charts
        from diary.services.experiments import charted_between

        over = charted_between(
            state.database(), start, end, today=state.now().date(), thresholds=state.thresholds
        )
        written += write_experiment_charts(over, out, fmt.value)
    for reason in skipped:
        typer.echo(f"diary: skipped {reason}", err=True)
    if as_json:
        render.print_json([str(p) for p in written])
    else:
        for path in written:
            typer.echo(str(path))


def demo(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option("--days", min=14, max=3650, help="Length of the history.")
    ] = DEFAULT_DAYS,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = DEFAULT_SEED,
    yes: Annotated[bool, typer.Option("--yes", help="Add to a --db that has episodes.")] = False,
) -> None:
    """Fill a separate demo diary to try things on.

    A realistic, seeded history of a few months.

    Writes to a separate demo database unless the global --db names one.
    """
    from diary import services

    state = state_of(ctx)
    filled = services.fill_demo(state.db_option, now=state.now(), days=days, seed=seed, mix=yes)
    typer.echo(
        f"Demo diary: {filled.added} episodes over {days} days, {filled.kept_days} days "
        f"checked in: {filled.display}"
    )
    typer.echo(f"Try: diary --db {filled.display} report weekly")
    typer.echo(f"     diary --db {filled.display} triggers")
