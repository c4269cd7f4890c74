"""The doctor-visit PDF: a summary page, the trend charts and a table of every episode.

Laid out in inches inside the area A4 and US Letter share, so it prints well on either.
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from statistics import median
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from diary.analysis.flags import NOT_A_DIAGNOSIS, SEEK_CARE_NOW, by_rule, sites_title
from diary.analysis.relief import what_helped
from diary.analysis.visit import VisitReport
from diary.domain import LABELS, Episode, Flag
from diary.files import private_file
from diary.parsing import duration_token, format_duration, part_of_day_of
from diary.reports.charts import CHARTS, Chart
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
    ("duration", 0.56),
    ("pain", 0.3),
    ("label", 0.48),  # "unclear" on one line
    ("type", 0.85),  # "fasciculation" on one line
    ("triggers", 0.8),
    ("signs", 0.63),
    ("notes", 0.75),
)
TABLE_FONT = 7.5


NBSP = "\u00a0"  # joins a value's parts ("1 min 30 s") so a line never breaks inside it
MARKS = {"urgent": "▲ URGENT", "doctor": "● DOCTOR", "watch": "○ WATCH"}  # shape, not colour
SHOWN_IDS = 5  # entry ids a flag lists before "+N more"
SOURCE_TITLES = (
    ("000", '"Difference Between Twitch and Spasm"'),
    ("001", '"Beyond The Contractions: Muscle Spasm Vs. Twitch"'),
    ("002", '"Muscle Twitch & Spasms"'),
    ("003", '"Causes of Muscle Twitches and Spasms"'),
)
TYPE_NAMES = {"twitch": "Twitches", "spasm": "Spasms and cramps", "unclear": "Unclear"}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _unbroken(value: str) -> str:
    return value.replace(" ", NBSP)


class _Page:
    """A page that places text by inches from the top-left corner."""

    def __init__(self, paper: str) -> None:
        self.width, self.height = PAPER[paper]
        self.figure = Figure(figsize=(self.width, self.height))
        self.y = MARGIN_TOP

    def text(self, x: float, y: float, s: str, **kw: Any) -> None:
        kw.setdefault("color", INK)
        self.figure.text(
            (MARGIN_X + x) / self.width, 1 - y / self.height, s, va="top", parse_math=False, **kw
        )

    def rule(self) -> None:
        y = 1 - self.y / self.height
        self.figure.add_artist(_hline(MARGIN_X / self.width, 1 - MARGIN_X / self.width, y))
        self.y += 0.08

    def box(self, top: float, bottom: float, *, width: float = 1.4) -> None:
        """A frame around lines: urgent survives grey print."""
        self.figure.add_artist(
            Rectangle(
                ((MARGIN_X - 0.06) / self.width, 1 - (bottom + 0.02) / self.height),
                (USABLE_WIDTH + 0.12) / self.width,
                (bottom - top + 0.08) / self.height,
                fill=False,
                edgecolor=INK,
                linewidth=width,
            )
        )

    def footer(self, number: int, total: int, generated: date, who: str | None) -> None:
        y = self.height - MARGIN_BOTTOM + 0.2  # the footer band: 0.6 in above the edge
        self.text(0, y, f"{NOT_A_DIAGNOSIS}", fontsize=7, color=MUTED)
        self.text(USABLE_WIDTH, y, f"Page {number} of {total}", fontsize=7, color=MUTED, ha="right")
        self.text(
            0,
            y + 0.15,
            (f"{who} · " if who else "")
            + f"Contraction diary · patient-reported data · generated {generated:%d %b %Y}",
            fontsize=7,
            color=MUTED,
        )


def _wrap(s: str, width_in: float, size: float, bold: bool = False) -> list[str]:
    # DejaVu Sans runs to about 0.6 em a character in mixed text (0.65 bold), measured on the
    # page: wrap to the width with that margin, whole words only.
    limit = int(width_in * 72 / (size * (0.65 if bold else 0.6)))
    return textwrap.wrap(s, limit, break_long_words=False, break_on_hyphens=False) or [""]


class _Flow:
    """The summary's text, continued onto a new page rather than run off this one."""

    def __init__(self, paper: str) -> None:
        self.paper = paper
        self.pages = [_Page(paper)]

    @property
    def page(self) -> _Page:
        return self.pages[-1]

    def room(self, inches: float) -> None:
        if self.page.y + inches > TEXT_BOTTOM:
            self.pages.append(_Page(self.paper))
            self.page.text(
                0, self.page.y, "Summary for a clinical visit (continued)", fontsize=10,
                fontweight="bold", color=MUTED,
            )  # fmt: skip
            self.page.y += 0.3

    def line(
        self,
        s: str,
        *,
        size: float = 9,
        gap: float = 0.04,
        indent: float = 0,
        **kw: Any,
    ) -> None:
        step = size / 72 * 1.32
        for part in _wrap(s, USABLE_WIDTH - indent, size, kw.get("fontweight") == "bold"):
            self.room(step)
            self.page.text(indent, self.page.y, part, fontsize=size, **kw)
            self.page.y += step
        self.page.y += gap

    def height(self, s: str, *, size: float = 9, gap: float = 0.04, indent: float = 0) -> float:
        """Inches `line` would take."""
        return len(_wrap(s, USABLE_WIDTH - indent, size)) * size / 72 * 1.32 + gap

    def keep_together(self, inches: float) -> None:
        """A section that fits a page starts on the next one rather than leave a line alone
        on a page of its own."""
        if inches < TEXT_BOTTOM - MARGIN_TOP - 0.3:
            self.room(inches)

    def heading(self, s: str) -> None:
        self.room(0.1 + 0.3 + 0.3)  # a heading never ends a page
        self.page.y += 0.1
        self.page.text(0, self.page.y, s, fontsize=11.5, fontweight="bold")
        self.page.y += 0.22
        self.page.rule()


def _hline(x0: float, x1: float, y: float) -> Line2D:
    return Line2D([x0, x1], [y, y], color=RULE, linewidth=0.6)


def _type_line(label: str, report: VisitReport) -> str | None:
    """'Spasms and cramps: 20 entries (27 contractions) on 15 days, 14 of them leg cramps at
    night; pain median 6/10, worst 8/10 (2 at 8/10 or more); lasting median 2 min, longest
    4 min.' Each type apart: cramp pain is never averaged with painless twitches."""
    mine = [e for e in report.episodes if report.labels[e.id].label == label]
    if not mine:
        return None
    contractions = sum(e.count for e in mine)
    days = len({e.at.date() for e in mine})
    text = f"{TYPE_NAMES[label]}: {_plural(len(mine), 'entry', 'entries')}"
    if contractions != len(mine):
        text += f" ({_plural(contractions, 'contraction')})"
    text += f" on {days} of {_plural(_period_days(report), 'day')}"
    subtypes = Counter(
        str(report.labels[e.id].subtype) for e in mine if report.labels[e.id].subtype
    )
    named = [(s, n) for s, n in subtypes.most_common() if s not in ("fasciculation", "skeletal")]
    if named:
        text += ", of which " + ", ".join(f"{n:,} {SUBTYPE_WORDS.get(s, s)}" for s, n in named)
    pains = [e.pain for e in mine]
    severe = report.charts.severe_pain
    if label == "twitch":
        hurt = [p for p in pains if p > 0]
        text += (
            f". Painless: {len(mine) - len(hurt):,} of {len(mine):,}"
            + (f"; the others at most {max(hurt)}/10" if hurt else "")
            + "."
        )
        return text
    worst = sum(p >= severe for p in pains)
    durations = [e.duration_s for e in mine]
    text += (
        f". Pain: median {median(pains):g}/10, worst {max(pains)}/10"
        + (f" ({worst} at {severe}/10 or more)" if worst else "")
        + f"; lasting median {_unbroken(format_duration(median(durations)))}, longest "
        f"{_unbroken(format_duration(max(durations)))}."
    )
    return text


SUBTYPE_WORDS = {
    "nocturnal": "leg cramps at night",
    "ischemic": "during exertion (ischemic)",
    "smooth": "smooth-muscle (abdominal, pelvic)",
    "clonus": "rhythmic series (clonus)",
}
SIGN_WORDS = (
    ("breathing", "difficulty breathing"),
    ("weakness", "weakness"),
    ("speech", "speech change"),
    ("swallowing", "swallowing difficulty"),
    ("appearance_change", "change in how a muscle looks"),
)


def _logged_at(e: Episode) -> str:
    return f"{e.at:%d %b %H:%M}" if e.time_known else f"{e.at:%d %b}"


def _evidence(ids: Sequence[int]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:SHOWN_IDS])
    return shown + (f" +{len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")


def _red_flags(flow: _Flow, report: VisitReport) -> None:
    """Is anything alarming: the urgent and doctor flags in a line, urgent ones framed and
    worded for a clinician ('Difficulty breathing ...: logged 30 Nov 03:05 (#74)')."""
    by_id = {e.id: e for e in report.episodes}
    urgent = [f for f in report.flags if f.severity == "urgent"]
    doctor = [f for f in report.flags if f.severity == "doctor"]
    if not urgent and not doctor:
        signs = ", ".join(words for _, words in SIGN_WORDS)
        flow.line(
            "Red flags: none logged" + (f" (no {signs})." if report.episodes else "."),
            size=10,
            fontweight="bold",
        )
        if not report.episodes:
            flow.line(
                "Nothing was logged in this period, so there is nothing to assess: this is "
                "not a finding that all is well.",
                color=MUTED,
            )
        return
    flow.line("Red flags (details below):", size=10, fontweight="bold", gap=0.02)
    for flag in urgent:
        flow.room(0.5)
        top = flow.page.y
        times = [_logged_at(by_id[i]) for i in flag.episode_ids if i in by_id][:SHOWN_IDS]
        flow.line(
            f"{MARKS['urgent']}  {flag.title}"
            + (f": logged {', '.join(times)}" if times else "")
            + f" ({_evidence(flag.episode_ids)})",
            size=10,
            fontweight="bold",
            color=SEVERITY_INK["urgent"],
            indent=0.05,
        )
        flow.page.box(top, flow.page.y - 0.04)
        flow.page.y += 0.06
    if doctor:
        flow.line(
            f"{MARKS['doctor']}  "
            + "; ".join(_group_title(group, by_id, short=True) for group in by_rule(doctor))
            + ".",
            size=10,
            fontweight="bold",
            color=SEVERITY_INK["doctor"],
            indent=0.05,
        )


def _group_ids(group: Sequence[Flag]) -> list[int]:
    return sorted({i for flag in group for i in flag.episode_ids})


def _group_title(group: Sequence[Flag], by_id: dict[int, Episode], *, short: bool = False) -> str:
    """'Twitching keeps coming back at 5 sites (eyelid, thigh, ...), both sides, 27 days'."""
    if len(group) == 1:
        return group[0].title
    text = sites_title(group)
    if short:
        return text.split(" (")[0]
    mine = [by_id[i] for i in _group_ids(group) if i in by_id]
    sides = {e.side for e in mine if e.side}
    days = len({e.at.date() for e in mine})
    if {"left", "right"} <= sides or "both" in sides:
        text += ", both sides"
    return text + (f", {_plural(days, 'day')}" if days else "")


def _for_clinician(flag: Flag) -> str:
    """The detail without the advice to the patient to call emergency services: the PDF is
    read by a clinician (the command line and the page keep it)."""
    detail = flag.detail.replace(SEEK_CARE_NOW, "")
    return detail.split(" Seek care now")[0].strip()


def _flag_section(flow: _Flow, report: VisitReport) -> None:
    flow.heading(f"Flags active on {report.end:%d %b %Y} ({len(report.flags)})")
    if not report.flags:
        flow.line(
            "None of the patterns the source articles single out (severe pain, weakness, "
            "prolonged or recurring spasms, persistent twitching, worsening, medication link, "
            "difficulty breathing, speech or swallowing changes, clonus) is present."
            if report.episodes
            else "No flags: nothing was logged to raise one."
        )
        return
    by_id = {e.id: e for e in report.episodes}
    for group in by_rule(report.flags):
        first = group[0]
        flow.room(0.55)
        top, page = flow.page.y, flow.page
        flow.line(
            f"{MARKS[first.severity]}  {_group_title(group, by_id)}",
            size=10,
            gap=0.0,
            fontweight="bold",
            color=SEVERITY_INK[first.severity],
        )
        for flag in group:
            detail = _for_clinician(flag)
            named = not flag.key or detail.lower().startswith(flag.key.lower())
            prefix = "" if len(group) == 1 or named else f"{flag.key}: "
            flow.line(prefix + detail, indent=0.2, gap=0.0, size=8.5 if len(group) > 1 else 9)
        sources = "; ".join(dict.fromkeys(flag.source for flag in group))
        flow.line(
            f"Entries {_evidence(_group_ids(group))} · sources {sources}",
            indent=0.2,
            size=8,
            color=MUTED,
        )
        if first.severity == "urgent" and flow.page is page:
            flow.page.box(top, flow.page.y - 0.05)
            flow.page.y += 0.06


def _relief(flow: _Flow, report: VisitReport) -> None:
    """'Tried for relief': what the patient did for spasms and cramps and what they said of
    it, the medicines named, and tingling with its dates (a sensory symptom, no flag)."""
    helped = what_helped(report.episodes, report.labels)
    if not helped.empty:
        flow.line(
            "Tried for relief (spasms and cramps; the patient's own report of whether it "
            "helped): " + "; ".join(t.words for t in helped.tallies) + ".",
        )
        for d in helped.durations:
            flow.line(
                f"Spasm duration with {d.measure}: median {format_duration(d.median_with_s)} "
                f"(n={d.n_with}); without: {format_duration(d.median_without_s)} "
                f"(n={d.n_without}). Descriptive, not a test.",
                color=MUTED,
            )
    tingling = [e for e in report.episodes if e.tingling]
    if tingling:
        days = sorted({e.at.date() for e in tingling})
        shown_days = ", ".join(f"{d:%d %b}" for d in days[:6])
        more = f" +{len(days) - 6} more days" if len(days) > 6 else ""
        flow.line(
            f"Tingling or numbness noted with {_plural(len(tingling), 'entry', 'entries')}: "
            f"{shown_days}{more}."
        )


def _summary_pages(report: VisitReport, paper: str) -> list[_Page]:
    flow = _Flow(paper)
    page = flow.page
    page.text(
        0, page.y, "Contraction diary: summary for a clinical visit", fontsize=17, fontweight="bold"
    )
    page.y += 0.4
    if who := _patient_line(report):
        flow.line(who, size=11, fontweight="bold")
    flow.line(
        f"Period {_span(report.start, report.end)} ({_length(report)}). Recorded by the "
        "patient; labels by rules from four patient-information articles (000–003, listed "
        "at the end) and public guidance.",
        color=MUTED,
    )
    flow.heading("At a glance")
    if not report.episodes:
        flow.line("No episodes were logged in this period.")
    for label in LABELS:
        if line := _type_line(label, report):
            flow.line(line)
    _red_flags(flow, report)
    flow.line(_kept_words(report), color=MUTED)
    _flag_section(flow, report)
    if report.episodes:
        flow.line(_sites_words(report.episodes), size=8.5)
        triggers = Counter(t for e in report.episodes for t in e.trigger_names).most_common(8)
        flow.line(
            "Triggers the patient noted (entries): "
            + (", ".join(f"{t} {n}" for t, n in triggers) if triggers else "none")
            + ".",
            size=8.5,
        )
        if line := _tested_triggers(report):
            flow.line(line, size=8.5)
    if report.medicines:
        flow.line(
            "Medicines noted with episodes: "
            + "; ".join(
                f"{m.name} ({_span(m.first, m.last)}, {_plural(m.episodes, 'entry', 'entries')})"
                for m in report.medicines
            )
            + "."
        )
    _relief(flow, report)
    _questions(flow, report)
    if report.checks_note:  # calm mode: the count of opened summaries, nothing else changes
        flow.line(report.checks_note)
    about = (
        "Entered by the patient; an entry may stand for several contractions (a bout); "
        "labels say 'unclear' when the evidence conflicts; ids (#) refer to the table.",
        "Sources: "
        + "; ".join(f"{code} {title}" for code, title in SOURCE_TITLES)
        + ". Thresholds: public guidance (NHS, NICE CKS, MedlinePlus, Merck Manual, "
        "Boonstra 2016) as named beside each flag.",
    )
    flow.keep_together(sum(flow.height(text, size=8.5) for text in about) + 0.45)
    flow.heading("About these data")
    for text in about:
        flow.line(text, color=MUTED, size=8.5)
    return flow.pages


def _period_days(report: VisitReport) -> int:
    return report.period_days or (report.end - report.start).days + 1


def _length(report: VisitReport) -> str:
    days = _period_days(report)
    return _plural(days // 7, "week") if days % 7 == 0 else _plural(days, "day")


def _kept_words(report: VisitReport) -> str:
    kept, days = report.kept_days, _period_days(report)
    text = f"Diary kept (checked in as complete) on {kept} of {_plural(days, 'day')}"
    missing = days - kept
    if missing:
        return text + (
            f"; on the other {_plural(missing, 'day')} entries may be missing."
            if missing != days
            else "; a day without a check-in may hold unlogged episodes."
        )
    return text + "."


def _sites_words(episodes: Sequence[Episode]) -> str:
    """'Most affected (entries): eyelid 36 (11 left), calf 13 (6 left, 3 right)': sides
    within their site, as the weekly report groups them."""
    sites: dict[str, Counter[str]] = {}
    for e in episodes:
        sites.setdefault(e.site, Counter())[e.side or ""] += 1
    ranked = sorted(sites.items(), key=lambda kv: (-kv[1].total(), kv[0]))[:6]
    parts = []
    for site, sides in ranked:
        named = ", ".join(f"{n} {side}" for side, n in sides.most_common() if side)
        parts.append(f"{site} {sides.total()}" + (f" ({named})" if named else ""))
    return "Most affected (entries): " + ", ".join(parts) + "."


def _patient_line(report: VisitReport) -> str | None:
    parts = []
    if report.patient:
        parts.append(f"Patient: {report.patient}")
    if report.born:
        age = report.generated.year - report.born
        parts.append(f"born {report.born} (about {age - 1}–{age} years old)")
    return ", ".join(parts) or None


def _footer_name(report: VisitReport) -> str | None:
    if not report.patient:
        return None
    return report.patient + (f" (born {report.born})" if report.born else "")


def _span(first: date, last: date) -> str:
    if first == last:
        return f"{first:%d %b %Y}"
    if first.year == last.year:
        return f"{first:%d %b} – {last:%d %b %Y}"
    return f"{first:%d %b %Y} – {last:%d %b %Y}"


def _questions(flow: _Flow, report: VisitReport) -> None:
    """The notes the person marked with a leading "?"."""
    questions = report.questions
    if not questions:
        return
    flow.heading("Questions for the visit")
    for e, text in questions[:MAX_QUESTIONS]:
        flow.line(f"• {text}  (#{e.id}, {e.at:%d %b})", gap=0.0)
    if len(questions) > MAX_QUESTIONS:
        flow.line(
            f"… {len(questions) - MAX_QUESTIONS} more: the notes starting with '?' in the table.",
            color=MUTED,
        )


MAX_QUESTIONS = 8


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
    if report.charts.untested:
        parts.append(
            "not tested: " + ", ".join(f"{n} ({why})" for n, why in report.charts.untested)
        )
    return (
        f"Triggers tested on kept days ({effects.since:%d %b} – {effects.until:%d %b}): "
        + "; ".join(parts)
        + "."
    )


CHART_TITLE_ROOM = 0.35  # inches above each chart for its title
CHART_AXIS_ROOM = 0.85  # inches below each chart for tick labels and a two-line axis label


def _pdf_charts(report: VisitReport) -> list[Chart]:
    """The charts with enough data; with few entries, only the time line and the pain (the
    table lists every entry)."""
    return [c for c in CHARTS if c.enough(report.charts) and report.charts.total >= c.pdf_from]


def _chart_pages(report: VisitReport, paper: str) -> list[_Page]:
    """Two charts a page. Each slot holds the title, the axes and the tick labels and axis
    label under them, so nothing reaches the footer on A4 or Letter."""
    drawable = _pdf_charts(report)
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
            ("tingling", "tingling"),
        )
        if getattr(e, name)
    ]
    return " ".join(signs)


def _when(e: Episode) -> str:
    """The table's time cell: never an invented time."""
    if e.time_known:
        return f"{e.at:%a %d %b %H:%M}"
    part = part_of_day_of(e.at, time_known=False, part_of_day=e.part_of_day)
    if part is not None:  # 'night', or 'afternoon' (stored at a representative hour)
        return f"{e.at:%a %d %b}, {part}"
    return f"{e.at:%d %b}, time not given"


MAX_PAGES = 8  # a doctor reads a few pages; `diary export` holds every episode
LINE_HEIGHT = TABLE_FONT / 72 * 1.3
TABLE_TOP = 0.6  # inches under the page top for the title and the column headings
GROUPED_COLUMNS = (
    ("from", 0.5),
    ("where", 0.8),
    ("type", 1.02),
    ("first ids", 0.75),
    ("entries", 0.48),
    ("contractions", 0.84),
    ("duration", 0.85),
    ("pain", 0.4),
    ("triggers", 1.11),
)
GROUP_SPANS = (7, 14, 28)  # days a row covers: a week, a fortnight, four weeks

Columns = tuple[tuple[str, float], ...]
Row = tuple[str, ...]


@cache
def _advance(char: str) -> float:
    """A character's width in points at the table's size (measured at 720 dpi: at 72 dpi
    every glyph rounds up to a whole point)."""
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    font = FT2Font(findfont(FontProperties()))
    font.set_size(TABLE_FONT, 720)
    font.set_text(char)
    return font.get_width_height()[0] / 640


def _points(text: str) -> float:
    return sum(_advance(c) for c in text) * 1.08  # 8%: a screen at 72 dpi rounds glyphs up


def _wrap_cell(cell: str, width: float) -> list[str]:
    """A cell's lines: whole words wrapped to the column by their printed width; only a word
    wider than the column itself is cut."""
    room = (width - 0.05) * 72
    lines: list[str] = []
    current = ""
    for word in cell.split(" "):
        candidate = f"{current} {word}" if current else word
        if _points(candidate) <= room:
            current = candidate
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and _points(word) > room:
            cut = max(1, max(i for i in range(1, len(word) + 1) if _points(word[:i]) <= room))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    lines.append(current)
    return lines


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
                duration_token(e.duration_s),  # '1m30s': short, never split in a cell
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
        ids = sorted(e.id for e in members)
        rows.append(
            (
                f"{week:%d %b}",
                where,
                kind,
                ", ".join(f"#{i}" for i in ids[:2]) + (f" +{len(ids) - 2}" if len(ids) > 2 else ""),
                str(len(members)),
                str(sum(e.count for e in members)),
                duration_token(min(durations))
                + (f"–{duration_token(max(durations))}" if max(durations) > min(durations) else ""),
                f"{min(pains)}–{max(pains)}" if min(pains) != max(pains) else str(pains[0]),
                ", ".join(f"{t} ×{n}" if n > 1 else t for t, n in triggers.most_common()),
            )
        )
    return rows


def _table_plan(
    report: VisitReport, paper: str, summary_pages: int | None = None
) -> tuple[str, Columns, list[list[Row]]]:
    """The full table when it fits the page budget, else the weekly summary by site."""
    if summary_pages is None:
        summary_pages = len(_summary_pages(report, paper))
    charts = len(_pdf_charts(report))
    budget = max(1, MAX_PAGES - summary_pages - math.ceil(charts / 2) - _experiment_count(report))
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


def _table_pages(report: VisitReport, paper: str, summary_pages: int) -> list[_Page]:
    title, columns, planned = _table_plan(report, paper, summary_pages)
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
                f"{len(report.episodes):,} entries: near-identical ones grouped (first ids shown); "
                "`diary export` lists each.",
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
    summary = _summary_pages(report, paper)
    pages = [
        *summary,
        *_chart_pages(report, paper),
        *_experiment_pages(report, paper),
        *_table_pages(report, paper, len(summary)),
    ]
    for number, page in enumerate(pages, start=1):
        page.footer(number, len(pages), report.generated, _footer_name(report))
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
    summary = len(_summary_pages(report, paper))
    charts = len(_pdf_charts(report))
    return (
        summary
        + math.ceil(charts / 2)
        + _experiment_count(report)
        + len(_table_plan(report, paper, summary)[2])
    )


def _experiment_count(report: VisitReport) -> int:
    return min(1, len(report.experiments))


def _experiment_pages(report: VisitReport, paper: str) -> list[_Page]:
    """The latest planned experiment over in the period, after CENT (one page)."""
    from diary.reports.experiment import draw_experiment_page

    pages = []
    for result, days in report.experiments[-1:]:
        page = _Page(paper)
        draw_experiment_page(
            page.figure,
            result,
            days,
            left=MARGIN_X,
            top=MARGIN_TOP,
            width=USABLE_WIDTH,
            height=USABLE_HEIGHT - 0.3,  # the footer band stays clear
        )
        pages.append(page)
    return pages
