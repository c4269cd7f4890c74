"""The doctor-visit PDF: a summary page, the trend charts and a table of every episode.

Laid out in inches inside the area A4 and US Letter share, so it prints well on either.
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from statistics import fmean, median
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from diary.analysis.flags import NOT_A_DIAGNOSIS, SEEK_CARE_NOW
from diary.analysis.visit import VisitReport
from diary.domain import LABELS, Classification, Episode
from diary.files import private_file
from diary.parsing import format_duration
from diary.reports.charts import CHARTS
from diary.reports.triggers import ratio_text

PAPER = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 0.75, 0.7, 0.8
USABLE_WIDTH = min(w for w, _ in PAPER.values()) - 2 * MARGIN_X  # fits both papers
USABLE_HEIGHT = min(h for _, h in PAPER.values()) - MARGIN_TOP - MARGIN_BOTTOM
TEXT_BOTTOM = MARGIN_TOP + USABLE_HEIGHT  # inches from the top where text must stop
ROWS_PER_PAGE = 44
LEGEND_ROOM = 1.5  # inches right of each chart for its legend
ROW_HEIGHT = 0.205
INK, MUTED, RULE = "#1a1a1a", "#5a5a5a", "#c8c8c8"
SEVERITY_INK = {"urgent": "#b00020", "doctor": "#8a5a00", "watch": "#1f5f8b"}
# (heading, width in inches); the characters that fit follow from the width at 7.5 pt
COLUMNS = (
    ("#", 0.38),
    ("date and time", 1.0),
    ("site", 0.72),
    ("n", 0.3),
    ("duration", 0.58),
    ("pain", 0.32),
    ("label", 0.42),
    ("type", 0.78),  # "fasciculation" on one line
    ("triggers", 0.85),
    ("signs", 0.65),
    ("notes", 0.77),
)
TABLE_FONT = 7.5


class _Page:
    """A page that places text by inches from the top-left corner."""

    def __init__(self, paper: str) -> None:
        self.width, self.height = PAPER[paper]
        self.figure = Figure(figsize=(self.width, self.height))
        self.y = MARGIN_TOP

    def text(self, x: float, y: float, s: str, **kw: Any) -> None:
        kw.setdefault("color", INK)
        self.figure.text((MARGIN_X + x) / self.width, 1 - y / self.height, s, va="top", **kw)

    def line(
        self,
        s: str,
        *,
        size: float = 9.5,
        gap: float = 0.05,
        indent: float = 0,
        **kw: Any,
    ) -> None:
        # DejaVu Sans averages about 0.53 em a character; wrap to the usable width.
        wrap = int((USABLE_WIDTH - indent) * 72 / (size * 0.53))
        for part in textwrap.wrap(s, wrap) or [""]:
            self.text(indent, self.y, part, fontsize=size, **kw)
            self.y += size / 72 * 1.35
        self.y += gap

    def heading(self, s: str) -> None:
        self.y += 0.12
        self.text(0, self.y, s, fontsize=12, fontweight="bold")
        self.y += 0.24
        self.rule()

    def rule(self) -> None:
        y = 1 - self.y / self.height
        self.figure.add_artist(_hline(MARGIN_X / self.width, 1 - MARGIN_X / self.width, y))
        self.y += 0.08

    def footer(self, number: int, total: int, generated: date) -> None:
        y = self.height - MARGIN_BOTTOM + 0.2  # the footer band: 0.6 in above the edge
        self.text(0, y, f"{NOT_A_DIAGNOSIS}", fontsize=7, color=MUTED)
        self.text(USABLE_WIDTH, y, f"Page {number} of {total}", fontsize=7, color=MUTED, ha="right")
        self.text(
            0,
            y + 0.15,
            f"Contraction diary · patient-reported data · generated {generated:%d %b %Y}",
            fontsize=7,
            color=MUTED,
        )


def _hline(x0: float, x1: float, y: float) -> Line2D:
    return Line2D([x0, x1], [y, y], color=RULE, linewidth=0.6)


def _count_words(labels: list[Classification]) -> str:
    by_label = Counter(c.label for c in labels)
    parts = []
    for label in LABELS:
        subtypes = Counter(c.subtype for c in labels if c.label == label and c.subtype)
        detail = ", ".join(f"{s} {n}" for s, n in subtypes.most_common())
        count = by_label.get(label, 0)
        name = {"twitch": "twitches", "spasm": "spasms"}.get(label, label) if count != 1 else label
        parts.append(f"{count} {name}" + (f" ({detail})" if detail else ""))
    return "; ".join(parts)


def _summary_page(report: VisitReport, paper: str) -> _Page:
    page = _Page(paper)
    episodes, labels = report.episodes, [report.labels[e.id or 0] for e in report.episodes]
    weeks = ((report.end - report.start).days + 1) / 7
    page.text(
        0, page.y, "Contraction diary: summary for a clinical visit", fontsize=17, fontweight="bold"
    )
    page.y += 0.4
    if who := _patient_line(report):
        page.line(who, size=11, fontweight="bold")
    page.line(
        f"Period {report.start:%d %b %Y} – {report.end:%d %b %Y} ({weeks:.0f} weeks). "
        "Self-recorded episodes of twitching, spasms and cramps, labelled by rules "
        "from four patient-information documents (000–003) and public guidance.",
        color=MUTED,
    )
    page.heading("Overview")
    if not episodes:
        page.line("No episodes were logged in this period.")
    else:
        pains = [e.pain for e in episodes]
        durations = [e.duration_s for e in episodes]
        night = sum(e.count for e in episodes if report.labels[e.id].subtype == "nocturnal")
        contractions = sum(e.count for e in episodes)
        bouts = f" ({contractions} contractions)" if contractions != len(episodes) else ""
        page.line(
            f"{len(episodes)} episodes{bouts}, {len(episodes) / weeks:.1f} a week: "
            f"{_count_words(labels)}."
        )
        page.line(
            f"Pain (0–10): mean {fmean(pains):.1f}, median {median(pains):g}, "
            f"maximum {max(pains)}.  Duration: median {format_duration(median(durations))}, "
            f"longest {format_duration(max(durations))}."
        )
        sites = Counter(e.where for e in episodes).most_common(6)
        page.line("Most affected: " + ", ".join(f"{s} {n}" for s, n in sites) + ".")
        page.line(
            f"Leg cramps at night: {night}.  Weakness logged: "
            f"{sum(e.weakness for e in episodes)}.  Difficulty breathing logged: "
            f"{sum(e.breathing for e in episodes)}.  Speech changes: "
            f"{sum(e.speech for e in episodes)}.  Swallowing difficulty: "
            f"{sum(e.swallowing for e in episodes)}."
        )
        triggers = Counter(t for e in episodes for t in e.trigger_names).most_common(8)
        page.line(
            "Triggers the patient noted: "
            + (", ".join(f"{t} {n}" for t, n in triggers) if triggers else "none")
            + "."
        )
        if line := _tested_triggers(report):
            page.line(line)
    if report.medicines:
        page.line(
            "Medicines noted with episodes: "
            + "; ".join(
                f"{m.name} ({_span(m.first, m.last)}, {m.episodes} "
                f"episode{'s' if m.episodes != 1 else ''})"
                for m in report.medicines
            )
            + "."
        )
    page.line(
        f"Diary kept (checked in as complete) on {report.kept_days} of {report.period_days} "
        "days of the period"
        + (
            "; on the other days, episodes may have gone unlogged."
            if report.kept_days < report.period_days
            else "."
        ),
        color=MUTED,
    )
    page.heading(f"Flags active on {report.end:%d %b %Y}")
    if not report.episodes:
        page.line(
            "No episodes were logged in this period, so there is nothing to assess: this "
            "is not a finding that all is well."
        )
    elif not report.flags:
        page.line(
            "None of the patterns the source documents single out (severe pain, "
            "weakness, prolonged or recurring spasms, persistent twitching, worsening, "
            "medication link, difficulty breathing, speech or swallowing changes, clonus) "
            "is present."
        )
    for flag in report.flags:
        ink = SEVERITY_INK[flag.severity]
        page.line(
            f"{flag.severity.upper()}  {flag.title}", size=10, gap=0.0, fontweight="bold", color=ink
        )
        page.line(flag.detail, indent=0.2, gap=0.0)
        ids = ", ".join(f"#{i}" for i in flag.episode_ids)
        page.line(
            f"Rule {flag.code}; episodes {ids}; sources {flag.source}",
            indent=0.2,
            size=8,
            color=MUTED,
        )
        if page.y > USABLE_HEIGHT - 0.8:
            page.line("… more flags: see `diary flags`.", color=MUTED)
            break
    if any(f.severity == "urgent" for f in report.flags):
        page.line(SEEK_CARE_NOW, fontweight="bold", color=SEVERITY_INK["urgent"])
    _questions(page, report)
    page.heading("About these data")
    page.line(
        "Episodes are entered by the patient: time, body site, duration, pain 0–10, "
        "visible sign (flicker or bulge), tightness, range of motion and triggers. "
        "Labels (twitch, spasm, unclear) weigh that evidence and say 'unclear' when it "
        "conflicts. Episode ids in flags refer to the table at the end.",
        color=MUTED,
        size=8.5,
    )
    return page


def _patient_line(report: VisitReport) -> str | None:
    parts = []
    if report.patient:
        parts.append(f"Patient: {report.patient}")
    if report.born:
        age = report.generated.year - report.born
        parts.append(f"born {report.born} (about {age - 1}–{age} years old)")
    return ", ".join(parts) or None


def _span(first: date, last: date) -> str:
    return f"{first:%d %b %Y}" if first == last else f"{first:%d %b %Y} – {last:%d %b %Y}"


ABOUT_ROOM = 1.1  # inches kept under the questions for "About these data"


def _questions(page: _Page, report: VisitReport) -> None:
    """The notes the person marked with a leading "?", as far as page 1 has room."""
    questions = report.questions
    if not questions:
        return
    if page.y > TEXT_BOTTOM - ABOUT_ROOM - 0.7:  # the flags left no room for a section
        page.line(
            f"Questions for the visit: {len(questions)} marked (the notes starting with '?' "
            "in the table).",
            fontweight="bold",
        )
        return
    page.heading("Questions for the visit")
    for shown, (e, text) in enumerate(questions):
        if page.y > TEXT_BOTTOM - ABOUT_ROOM - 0.2:
            page.line(
                f"… {len(questions) - shown} more: the notes starting with '?' in the table.",
                color=MUTED,
            )
            break
        page.line(f"• {text}  (#{e.id}, {e.at:%d %b})", gap=0.0)


def _tested_triggers(report: VisitReport) -> str | None:
    """'Tested on kept days (03 Sep – 01 Dec): caffeine (twitches) 38× (95% 3.4–6182);
    no clear link: ...' — the forest plot in words."""
    effects = report.charts.effects
    if effects is None or not effects.rows:
        return None
    clear = [r for r in effects.rows if r.verdict in ("linked", "protective")]
    named = {r.label.split(" (")[0] for r in clear}
    unclear = sorted({r.label.split(" (")[0] for r in effects.rows} - named)
    parts = [
        f"{r.verdict}: {r.label} {ratio_text(r.rate_ratio)}× the rate "
        f"(95% interval {ratio_text(r.low)} to {ratio_text(r.high, unbounded='over 1000')})"
        for r in clear
    ]
    if unclear:
        parts.append("no clear link: " + ", ".join(unclear))
    return (
        f"Triggers tested on kept days ({effects.since:%d %b} – {effects.until:%d %b}): "
        + "; ".join(parts)
        + "."
    )


CHART_TITLE_ROOM = 0.35  # inches above each chart for its title
CHART_AXIS_ROOM = 0.85  # inches below each chart for tick labels and a two-line axis label


def _chart_pages(report: VisitReport, paper: str) -> list[_Page]:
    """Two charts a page. Each slot holds the title, the axes and the tick labels and axis
    label under them, so nothing reaches the footer on A4 or Letter."""
    drawable = [c for c in CHARTS if c.enough(report.charts)]
    pages = []
    for first in range(0, len(drawable), 2):
        page = _Page(paper)
        slot_height = (page.height - MARGIN_TOP - MARGIN_BOTTOM - 0.15) / 2
        for slot, chart in enumerate(drawable[first : first + 2]):
            top = MARGIN_TOP + slot * slot_height + CHART_TITLE_ROOM
            height = slot_height - CHART_TITLE_ROOM - CHART_AXIS_ROOM
            ax = page.figure.add_axes(
                (
                    (MARGIN_X + chart.label_room) / page.width,
                    1 - (top + height) / page.height,
                    (USABLE_WIDTH - chart.label_room - LEGEND_ROOM) / page.width,
                    height / page.height,
                )
            )
            chart.draw(ax, report.charts)
        pages.append(page)
    return pages


def _signs(e: Episode) -> str:
    signs: list[str] = [e.visible] if e.visible != "none" else []
    signs += [
        short
        for name, short in (
            ("stiff", "stiff"),
            ("limited_motion", "limited"),
            ("rhythmic", "rhythmic"),
            ("weakness", "WEAK"),
            ("breathing", "BREATH"),
            ("appearance_change", "LOOKS"),
            ("speech", "SPEECH"),
            ("swallowing", "SWALLOW"),
        )
        if getattr(e, name)
    ]
    return " ".join(signs)


def _when(e: Episode) -> str:
    """The table's time cell: never an invented time."""
    if e.time_known:
        return f"{e.at:%a %d %b %H:%M}"
    if e.part_of_day == "night":
        return f"{e.at:%a %d %b}, night"
    return f"{e.at:%d %b}, time not given"


MAX_PAGES = 8  # a doctor reads a few pages; `diary export` holds every episode
LINE_HEIGHT = TABLE_FONT / 72 * 1.3
TABLE_TOP = 0.6  # inches under the page top for the title and the column headings
GROUPED_COLUMNS = (
    ("from", 0.55),
    ("where", 0.85),
    ("type", 1.3),
    ("entries", 0.5),
    ("contractions", 0.85),
    ("duration", 0.9),
    ("pain", 0.4),
    ("triggers", 1.42),
)
GROUP_SPANS = (7, 14, 28)  # days a row covers: a week, a fortnight, four weeks

Columns = tuple[tuple[str, float], ...]
Row = tuple[str, ...]


def _wrap_cell(cell: str, width: float) -> list[str]:
    """A cell's lines: wrapped to its column, never cut off."""
    limit = max(4, int((width - 0.05) * 72 / (TABLE_FONT * 0.53)))
    return textwrap.wrap(cell, limit, break_long_words=True) or [""]


def _row_height(row: Row, columns: Columns) -> float:
    lines = max(len(_wrap_cell(c, w)) for c, (_, w) in zip(row, columns, strict=True))
    return max(ROW_HEIGHT, lines * LINE_HEIGHT + 0.06)


def _paginate(rows: list[Row], columns: Columns, paper: str) -> list[list[Row]]:
    room = PAPER[paper][1] - MARGIN_TOP - MARGIN_BOTTOM - TABLE_TOP - 0.1
    pages: list[list[Row]] = [[]]
    used = 0.0
    for row in rows:
        height = _row_height(row, columns)
        if pages[-1] and used + height > room:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += height
    return pages if rows else []


def _episode_rows(report: VisitReport) -> list[Row]:
    rows: list[Row] = []
    for e in report.episodes:
        c = report.labels[e.id]
        notes = []
        if e.soreness_hours is not None:
            notes.append(f"sore {e.soreness_hours:g} h")
        if e.note:
            notes.append(e.note)
        rows.append(
            (
                f"#{e.id}",
                _when(e),
                e.where,
                f"×{e.count}",
                format_duration(e.duration_s),
                str(e.pain),
                c.label,
                c.subtype or "-",
                ", ".join(str(t) for t in e.triggers),
                _signs(e),
                "; ".join(notes),
            )
        )
    return rows


def _grouped_rows(report: VisitReport, span: int = 7) -> list[Row]:
    """One row per `span` days, site and side, and type: near-identical twitches read as
    one line ('left eyelid, fasciculation: 12 entries, 3 s, pain 0, caffeine ×7')."""
    from collections import defaultdict

    groups: dict[tuple[date, str, str], list[Episode]] = defaultdict(list)
    for e in report.episodes:
        c = report.labels[e.id]
        week = report.start + timedelta(days=(e.at.date() - report.start).days // span * span)
        kind = f"{c.label}, {c.subtype}" if c.subtype else c.label
        groups[(week, e.where, kind)].append(e)
    rows: list[Row] = []
    for (week, where, kind), members in sorted(groups.items()):
        durations = [e.duration_s for e in members]
        pains = [e.pain for e in members]
        triggers = Counter(str(t) for e in members for t in e.triggers)
        rows.append(
            (
                f"{week:%d %b}",
                where,
                kind,
                str(len(members)),
                str(sum(e.count for e in members)),
                format_duration(min(durations))
                + (
                    f"–{format_duration(max(durations))}" if max(durations) > min(durations) else ""
                ),
                f"{min(pains)}–{max(pains)}" if min(pains) != max(pains) else str(pains[0]),
                ", ".join(f"{t} ×{n}" if n > 1 else t for t, n in triggers.most_common()),
            )
        )
    return rows


def _table_plan(report: VisitReport, paper: str) -> tuple[str, Columns, list[list[Row]]]:
    """The full table when it fits the page budget, else the weekly summary by site."""
    charts = sum(1 for c in CHARTS if c.enough(report.charts))
    budget = max(1, MAX_PAGES - 1 - math.ceil(charts / 2))
    period = f"{report.start:%d %b} – {report.end:%d %b %Y}"
    pages = _paginate(_episode_rows(report), COLUMNS, paper)
    if len(pages) <= budget:
        return f"Every episode, {period}", COLUMNS, pages
    for span in GROUP_SPANS:  # the finest grouping that fits
        pages = _paginate(_grouped_rows(report, span), GROUPED_COLUMNS, paper)
        if len(pages) <= budget:
            break
    words = {7: "week", 14: "fortnight", 28: "four weeks"}[span]
    title = f"Episodes by {words}, place and type, {period}"
    if len(pages) > budget:  # still too long: the latest rows, and say so
        kept = [row for page in pages[-budget:] for row in page]
        pages = _paginate(kept, GROUPED_COLUMNS, paper)[-budget:]
        title += "; latest only"
    return title, GROUPED_COLUMNS, pages


def _table_pages(report: VisitReport, paper: str) -> list[_Page]:
    title, columns, planned = _table_plan(report, paper)
    pages = []
    for number, rows in enumerate(planned):
        page = _Page(paper)
        heading = title if number == 0 else f"{title} (continued)"
        page.text(0, page.y, heading, fontsize=11 if number == 0 else 10, fontweight="bold")
        page.y += 0.3
        if columns is GROUPED_COLUMNS:
            page.text(
                0,
                page.y - 0.08,
                f"{len(report.episodes)} episodes, too many to list here: near-identical ones "
                "are grouped. `diary export` lists each.",
                fontsize=8,
                color=MUTED,
            )
            page.y += 0.12
        x = 0.0
        for name, width in columns:
            page.text(x, page.y, name, fontsize=8, fontweight="bold")
            x += width
        page.y += 0.2
        page.rule()
        for index, row in enumerate(rows):
            height = _row_height(row, columns)
            if index % 2:
                page.figure.add_artist(
                    Rectangle(
                        (MARGIN_X / page.width, 1 - (page.y + height - 0.04) / page.height),
                        USABLE_WIDTH / page.width,
                        height / page.height,
                        color="#f2f2f2",
                        linewidth=0,
                        zorder=-1,
                    )
                )
            x = 0.0
            for (_, width), cell in zip(columns, row, strict=True):
                for line, part in enumerate(_wrap_cell(cell, width)):
                    page.text(x, page.y + line * LINE_HEIGHT, part, fontsize=TABLE_FONT)
                x += width
            page.y += height
        pages.append(page)
    return pages


def visit_pages(report: VisitReport, paper: str = "a4") -> list[Figure]:
    """Every page, drawn and footed, as matplotlib figures (the PDF, and the layout tests)."""
    pages = [
        _summary_page(report, paper),
        *_chart_pages(report, paper),
        *_table_pages(report, paper),
    ]
    for number, page in enumerate(pages, start=1):
        page.footer(number, len(pages), report.generated)
    return [page.figure for page in pages]


def write_visit_pdf(report: VisitReport, out: Path, *, paper: str = "a4") -> int:
    """Write the PDF; returns its number of pages."""
    pages = visit_pages(report, paper)
    metadata = {
        "Title": "Contraction diary: summary for a clinical visit",
        "Author": "diary",
        "Creator": "diary",
        "CreationDate": None,
    }
    with private_file(out, binary=True) as handle, PdfPages(handle, metadata=metadata) as pdf:
        for figure in pages:
            pdf.savefig(figure)
    return len(pages)


def pages_needed(report: VisitReport, paper: str = "a4") -> int:
    charts = sum(1 for c in CHARTS if c.enough(report.charts))
    return 1 + math.ceil(charts / 2) + len(_table_plan(report, paper)[2])
