"""Trend charts drawn with matplotlib's object API (no pyplot state).

Each `draw_*` function fills one Axes from ChartData, so the same drawing serves the PNG/SVG
files and the pages of the doctor-visit PDF. Imported only by the commands that draw.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, DayLocator, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FixedLocator,
    Formatter,
    FuncFormatter,
    MaxNLocator,
    NullFormatter,
    NullLocator,
)

from diary.analysis.series import ROLLING_DAYS, ChartData
from diary.domain import LABELS
from diary.files import private_file, private_folder
from diary.reports.triggers import ratio_text

# Light, middle and dark: told apart in grey print too, and by marker and hatch.
COLOURS = {"twitch": "#9ecae1", "spasm": "#a63603", "unclear": "#8c8c8c"}
MARKERS = {"twitch": "o", "spasm": "s", "unclear": "^"}
HATCHES = {"twitch": "", "spasm": "", "unclear": "//"}
NOT_RECORDED = "#d9d9d9"
STYLE: dict[str, Any] = {
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "hatch.linewidth": 0.6,
    # Text is text: a `$` in a trigger or a note is a dollar, never matplotlib maths.
    "text.parse_math": False,
}
matplotlib.rcParams.update(STYLE)  # type: ignore[arg-type]
DURATION_TICKS = (
    (1, "1 s"),
    (5, "5 s"),
    (10, "10 s"),
    (30, "30 s"),
    (60, "1 min"),
    (300, "5 min"),
    (600, "10 min"),
    (1800, "30 min"),
    (3600, "1 h"),
    (4 * 3600, "4 h"),
    (24 * 3600, "24 h"),
)
TOP_SITES = 12
TOP_TRIGGERS = 15


@dataclass(frozen=True)
class ChartSize:
    """A figure's size in inches and its type sizes in points: the files, the PDF and a
    phone's page (`PHONE`) draw the same charts at their own size."""

    width: float = 10
    height: float = 5
    font: float = 10
    title: float = 12
    dpi: int = 120

    def rc(self) -> dict[str, Any]:
        return {"font.size": self.font, "axes.titlesize": self.title}


DEFAULT_SIZE = ChartSize()
PHONE = ChartSize(width=3.9, height=3.6, font=7.5, title=9, dpi=100)  # 390 px wide


@dataclass(frozen=True)
class Chart:
    name: str  # file stem
    title: str
    draw: Callable[[Axes, ChartData], None]
    enough: Callable[[ChartData], bool]
    too_little: str  # why it was skipped
    label_room: float = 0.45  # inches left of the axes for tick labels (PDF pages)
    # the doctor PDF draws it from this many entries; below, the table already says it all
    pdf_from: int = 1


def _title(ax: Axes, title: str, period: str) -> None:
    """The title, and under it the period in small grey type (beside it, the two collide on
    a narrow page)."""
    if _narrow(ax):  # a phone's page: the title wraps rather than runs off the figure
        import textwrap

        title = "\n".join(textwrap.wrap(title, 26)) or title
    ax.set_title(title, loc="left", pad=15)
    ax.text(
        0.0,
        1.012,
        period,
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize="small",
        color="#555555",
    )


class _DateLabels(Formatter):
    """'02 Nov', '09', '16' ... '07 Dec': the first tick in view and each new month name the
    month; monthly ticks read 'Nov 2026', 'Dec', 'Jan 2027'."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return f"{num2date(x):%d %b}"

    def format_ticks(self, values: Any) -> list[str]:
        low, high = sorted(self.axis.get_view_interval()) if self.axis else (-1e18, 1e18)
        days = [num2date(v) for v in values]
        monthly = len(days) > 1 and all(d.day == 1 for d in days)
        labels, shown_month, shown_year = [], None, None
        for value, d in zip(values, days, strict=True):
            if not low <= value <= high:
                labels.append("")
                continue
            if monthly:
                labels.append(f"{d:%b}" if d.year == shown_year else f"{d:%b %Y}")
            elif (d.year, d.month) == shown_month:
                labels.append(f"{d:%d}")
            else:
                labels.append(f"{d:%d %b}")
            shown_month, shown_year = (d.year, d.month), d.year
        return labels


def _period_axis(ax: Axes, data: ChartData) -> None:
    """The x-axis is the period under the title, whatever the data: charts on one page line
    up, and a quiet start is shown as quiet, not cut off."""
    first, last = date2num(data.start), date2num(data.end)
    ax.set_xlim(first - 0.5, last + 0.5)
    span = (data.end - data.start).days + 1
    if span <= 14:
        ax.xaxis.set_major_locator(DayLocator(interval=max(1, span // 7)))
    else:
        ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=8))
    ax.xaxis.set_major_formatter(_DateLabels())
    ax.xaxis.set_minor_locator(NullLocator())


def _not_recorded(ax: Axes, data: ChartData) -> None:
    """Days neither checked in nor holding an entry, shaded: unknown, not zero."""
    if data.recorded is None:
        return
    x = date2num(data.days)
    named = False
    run_start: int | None = None
    for i, known in enumerate([*data.recorded, True]):
        if not known and run_start is None:
            run_start = i
        elif known and run_start is not None:
            ax.axvspan(
                x[run_start] - 0.5,
                x[i - 1] + 0.5,
                facecolor=NOT_RECORDED,
                edgecolor="#9a9a9a",
                hatch="..",
                linewidth=0,
                alpha=0.6,
                zorder=0,
                label=None if named else "not recorded",
            )
            named, run_start = True, None


def _gaps(values: list[float | None]) -> list[float]:
    """None becomes NaN: a gap in the line, not a drop to zero."""
    return [float("nan") if v is None else v for v in values]


def _legend(ax: Axes) -> None:
    """Beside the plot, never over the data; under it on a narrow figure (a phone's page),
    where beside it would leave the plot no room."""
    if _narrow(ax):
        handles, labels = ax.get_legend_handles_labels()
        ax.figure.legend(handles, labels, loc="outside lower left", fontsize="small")
        return
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, fontsize="small")


NARROW_INCHES = 5.0  # a figure narrower than this is drawn for a phone's page


def _narrow(ax: Axes) -> bool:
    figure = ax.get_figure(root=True)
    return isinstance(figure, Figure) and figure.get_figwidth() < NARROW_INCHES


def _labels_present(data: ChartData) -> list[str]:
    return [label for label in LABELS if sum(data.daily[label])]


def _bar_style(label: str) -> dict[str, Any]:
    return {
        "color": COLOURS[label],
        "hatch": HATCHES[label],
        "edgecolor": "#333333" if HATCHES[label] else COLOURS[label],
        "linewidth": 0,
    }


def draw_episodes_per_day(ax: Axes, data: ChartData) -> None:
    x = date2num(data.days)
    _not_recorded(ax, data)
    bottom = [0] * len(data.days)
    for label in _labels_present(data):
        counts = data.daily[label]
        if len(data.days) <= 180:
            ax.bar(x, counts, bottom=bottom, width=0.9, label=label, **_bar_style(label))
        else:
            tops = [b + c for b, c in zip(bottom, counts, strict=True)]
            ax.fill_between(x, bottom, tops, step="mid", label=label, **_bar_style(label))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    if sum(1 for v in data.rolling_mean if v is not None) >= 2:  # only what is drawn is named
        ax.plot(
            x, _gaps(data.rolling_mean), color="black", linewidth=1.6, label="7-day average (all)"
        )
    if data.entries is not None:  # some entries stand for several contractions: show both
        logged = [(d, n) for d, n in zip(x, data.entries, strict=True) if n]
        ax.scatter(
            [d for d, _ in logged],
            [n for _, n in logged],
            marker="_",
            s=60,
            color="black",
            linewidths=1.5,
            label="entries logged",
            zorder=3,
        )
    ax.set_ylabel("contractions per day")
    _counts_axis(ax.yaxis, max([*bottom, *(data.entries or [])]))
    _period_axis(ax, data)
    _legend(ax)
    _title(ax, "Contractions per day", data.period)


def draw_pain_over_time(ax: Axes, data: ChartData) -> None:
    """One dot per spasm or unclear episode (and per twitch that hurt); those at or above the
    severe-pain threshold ringed and, when few, named by id; a 7-day median only where the
    window holds enough episodes to mean something."""
    severe = data.severe_pain
    _not_recorded(ax, data)
    ax.axhspan(
        severe - 0.5,
        10.5,
        color="#c0392b",
        alpha=0.06,
        linewidth=0,
        label=f"severe: {severe}/10 or more",
    )
    worst: list[tuple[float, int, int]] = []
    for label in LABELS:
        points = data.pain_points[label]
        if not points:
            continue
        x = date2num([at for at, _, _ in points])
        ax.scatter(
            x,
            [pain for _, pain, _ in points],
            s=26,
            marker=MARKERS[label],
            color=COLOURS[label],
            edgecolors="#222222",
            linewidths=0.6,
            label=label if label != "twitch" else "twitch (only those\nwith pain)",
            zorder=2,
        )
        worst += [(d, pain, i) for d, (_, pain, i) in zip(x, points, strict=True) if pain >= severe]
        median_line = data.pain_rolling_median[label]
        # The twitch median mixes in every painless twitch (not drawn): it would say 0.
        # A median over less than a week of days is a stub, not a trend.
        if label != "twitch" and sum(v is not None for v in median_line) >= ROLLING_DAYS:
            ax.plot(
                date2num(data.days),
                _gaps(median_line),
                color=COLOURS[label],
                linewidth=1.6,
                label=f"{label}: 7-day median",
            )
    if worst:
        ax.scatter(
            [d for d, _, _ in worst],
            [p for _, p, _ in worst],
            s=80,
            facecolors="none",
            edgecolors="#c0392b",
            linewidths=1.6,
            label="severe episode",
            zorder=3,
        )
        if len(worst) <= 8:
            span = (data.end - data.start).days + 1
            late = date2num(data.end) - span / 8  # near the right edge: the label goes left
            for d, p, i in _apart(worst, span, late):
                ax.annotate(
                    f"#{i}",
                    (d, p),
                    xytext=(-5 if d > late else 5, 4),
                    textcoords="offset points",
                    ha="right" if d > late else "left",
                    fontsize="small",
                    color="#c0392b",
                )
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel("pain (0 none – 10 worst)")
    _period_axis(ax, data)
    _legend(ax)
    _title(ax, "Pain of each episode", data.period)


def _apart(
    points: list[tuple[float, int, int]], span: int, late: float
) -> list[tuple[float, int, int]]:
    """The points whose id label has room: one too close to a labelled one is left unnamed
    (its ring stays; the flag lists its id). A label after `late` is written to the left of
    its point, so it needs twice the room."""
    placed: list[tuple[float, int, int]] = []
    for point in sorted(points):
        # days a label of this many characters takes on the narrowest axis (a PDF page)
        room = max(1.0, span * (len(f"#{point[2]}") + 1) / 40)
        need = 2 * room if point[0] > late else room
        if all(abs(point[0] - d) >= need or abs(point[1] - p) >= 1 for d, p, _ in placed):
            placed.append(point)
    return placed


def draw_sites(ax: Axes, data: ChartData) -> None:
    sites = list(data.sites.items())[:TOP_SITES][::-1]
    names = [site for site, _ in sites]
    left = [0] * len(sites)
    for label in _labels_present(data):
        counts = [by_label[label] for _, by_label in sites]
        ax.barh(names, counts, left=left, label=label, **_bar_style(label))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    for i, total in enumerate(left):
        ax.text(total, i, f" {total}", va="center", fontsize="small")
    _counts_axis(ax.xaxis, max(left))
    ax.set_xlabel("entries")
    ax.grid(axis="y", visible=False)
    _legend(ax)
    _title(ax, "Where: body sites by type", data.period)


def draw_triggers(ax: Axes, data: ChartData) -> None:
    ranked = data.triggers[:TOP_TRIGGERS][::-1]
    ax.barh(range(len(ranked)), [n for _, n in ranked], color="#5f6b7a")
    ax.set_yticks(range(len(ranked)), [_wrapped_label(name) for name, _ in ranked])
    for i, (_, n) in enumerate(ranked):
        ax.text(n, i, f" {n}", va="center", fontsize="small")
    _counts_axis(ax.xaxis, max(n for _, n in ranked))
    ax.set_xlabel("entries with this trigger noted")
    ax.grid(axis="y", visible=False)
    _title(ax, "Triggers, most frequent first", data.period)


def _counts_axis(axis: Any, top: float) -> None:
    """Whole numbers only (no 2.5 episodes) and room above the tallest bar."""
    axis.set_major_locator(MaxNLocator(integer=True))
    if axis is axis.axes.yaxis:
        axis.axes.set_ylim(0, max(top, 1) * 1.12)
    else:
        axis.axes.set_xlim(0, max(top, 1) * 1.12)


def _wrapped_label(text: str, width: int = 16) -> str:
    """Long tick labels (free-text triggers) wrap onto lines instead of being cut off."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_long_words=True)) or text


def draw_time_of_day(ax: Axes, data: ChartData) -> None:
    """Each type as a share of its own entries by hour: 4 cramps at night stay visible beside
    400 twitches by day (stacked counts would bury them)."""
    start, end = data.night_hours
    spans = [(start, end)] if start < end else [(start, 24), (0, end)]
    for i, (first, stop) in enumerate(spans):
        ax.axvspan(
            first - 0.5,
            stop - 0.5,
            color="#1f2a44",
            alpha=0.07,
            linewidth=0,
            label="night" if i == 0 else None,
        )
    top = 0.0
    for label in LABELS:
        counts = data.hours[label]
        n = sum(counts)
        if not n:
            continue
        shares = [100 * c / n for c in counts]
        top = max(top, *shares)
        ax.plot(
            range(24),
            shares,
            color=COLOURS[label] if label != "twitch" else "#3b75af",
            marker=MARKERS[label],
            markersize=4,
            linewidth=1.4,
            label=f"{label} ({n} {'entry' if n == 1 else 'entries'})",
        )
    step = 6 if _narrow(ax) else 3  # on a phone's page, four labels that do not overlap
    ax.set_xticks(range(0, 24, step), [f"{h:02d}:00" for h in range(0, 24, step)])
    ax.set_xlim(-0.5, 23.5)
    ax.set_ylim(0, max(top, 1) * 1.12)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}%"))
    ax.set_xlabel("hour of the day")
    ax.set_ylabel("share of that type's entries")
    _legend(ax)
    _title(ax, "Time of day, each type apart", data.period)


BOX_MIN = 5  # fewer episodes of a type: each one is drawn, not a box


def draw_durations(ax: Axes, data: ChartData) -> None:
    """A box per type from BOX_MIN episodes; below that, each episode as a point (a box of
    two values says nothing a dot does not)."""
    present = [label for label in LABELS if data.durations[label]]
    boxed = [label for label in present if len(data.durations[label]) >= BOX_MIN]
    if boxed:
        box = ax.boxplot(
            [data.durations[label] for label in boxed],
            positions=[present.index(label) + 1 for label in boxed],
            whis=(5, 95),
            showfliers=False,
            patch_artist=True,
            widths=0.5,
        )
        for patch, label in zip(box["boxes"], boxed, strict=True):
            patch.set_facecolor(COLOURS[label])
            patch.set_hatch(HATCHES[label])
        for median_line in box["medians"]:
            median_line.set_color("black")
    for position, label in enumerate(present, start=1):
        if label in boxed:
            continue
        values = data.durations[label]
        ax.scatter(
            [position] * len(values),
            values,
            marker=MARKERS[label],
            color=COLOURS[label],
            edgecolors="#222222",
            linewidths=0.6,
            s=30,
            zorder=3,
        )
    ax.set_xticks(
        range(1, len(present) + 1),
        [
            f"{label}\n({n} {'entry' if n == 1 else 'entries'})"
            for label in present
            for n in [len(data.durations[label])]
        ],
    )
    ax.set_xlim(0.4, len(present) + 0.6)
    ax.set_yscale("log")
    shortest = min(min(data.durations[label]) for label in present)
    longest = max(max(data.durations[label]) for label in present)
    ticks = [(t, name) for t, name in DURATION_TICKS if shortest / 3 <= t <= longest * 3]
    ax.set_yticks([t for t, _ in ticks], [name for _, name in ticks])
    ax.minorticks_off()
    ax.set_ylabel("duration (log scale)")
    if boxed:
        dots = f"; under {BOX_MIN}: each entry" if len(boxed) < len(present) else ""
        ax.set_xlabel(f"box: the middle half, line: median, whiskers: 5–95%{dots}")
    else:
        ax.set_xlabel("each entry")
    _title(ax, "How long episodes last", data.period)


VERDICT_COLOURS = {
    "linked": "#c0392b",
    "protective": "#2e8b57",
    "no clear link": "#5f6b7a",
}
VERDICT_MARKERS = {"linked": "s", "protective": "D", "no clear link": "o"}
RATIO_CAP = 20.0  # the forest plot's scale stops here (and at its inverse); said on the chart
RATIO_TICKS = (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 20)
PHONE_RATIO_TICKS = (0.1, 0.5, 1, 2, 4, 20)


def draw_trigger_effects(ax: Axes, data: ChartData) -> None:
    """A forest plot: each exposure's same-day rate ratio with its 95% interval, log scale with
    plain ticks, the line at 1 (no difference); the scale capped at RATIO_CAP and the cap
    said; exposures that cannot be compared named with the reason."""
    assert data.effects is not None
    rows = list(data.effects.rows)[::-1]
    narrow = _narrow(ax)  # a phone's page: fewer ticks, each label above its row
    finite = [v for r in rows for v in (r.low, r.high, r.rate_ratio) if v and v > 0]
    left = max(min(min(finite) / 1.3, 0.5), 1 / RATIO_CAP)
    right = min(max(max(finite) * 1.3, 2.0), RATIO_CAP)
    capped = False
    for y, row in enumerate(rows):
        colour = VERDICT_COLOURS.get(row.verdict, "#5f6b7a")
        low = max(row.low, left) if row.low and row.low > 0 else left
        high = min(row.high, right) if row.high is not None else right
        ax.plot([low, high], [y, y], color=colour, linewidth=2, solid_capstyle="butt")
        if row.high is None or row.high > right:
            capped = True
            ax.annotate(
                "",
                xy=(right, y),
                xytext=(right / 1.25, y),
                arrowprops={"arrowstyle": "->", "color": colour},
            )
        estimate = min(max(row.rate_ratio, left), right)
        capped = capped or estimate != row.rate_ratio
        ax.plot(
            [estimate],
            [y],
            marker=VERDICT_MARKERS.get(row.verdict, "o"),
            markersize=7,
            color=colour,
        )
        ax.text(
            1.01,
            y,
            # on a phone's page the verdict is said by the colour and the marker only
            f"{ratio_text(row.rate_ratio)}×" + ("" if narrow else f", {row.verdict}"),
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize="small",
            color=colour,
        )
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlim(left, right)
    ticks = [t for t in (PHONE_RATIO_TICKS if narrow else RATIO_TICKS) if left <= t <= right]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())
    if narrow:
        ax.set_yticks([])
        for y, row in enumerate(rows):
            ax.text(0.01, y + 0.18, row.label, transform=ax.get_yaxis_transform(),
                    va="bottom", fontsize="small", color="#333333")  # fmt: skip
        ax.set_ylim(-0.5, len(rows) - 0.1)
    else:
        ax.set_yticks(range(len(rows)), [r.label for r in rows])
        ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="y", visible=False)
    notes = ["episodes a day on kept days with it ÷ without it (1 = no difference; line: 95%)"]
    if capped:
        notes.append(f"scale stops at {RATIO_CAP:g}× and 1/{RATIO_CAP:g}: an arrow runs past it")
    if data.untested:
        notes.append("not tested: " + "; ".join(f"{name} ({why})" for name, why in data.untested))
    width = 40 if narrow else 90  # a phone's page: the notes wrap narrower
    ax.set_xlabel("\n".join(_wrap_note(note, width) for note in notes), fontsize="small")
    _title(
        ax,
        "Triggers, same day",
        f"kept days {data.effects.since:%d %b} – {data.effects.until:%d %b %Y}",
    )


def _wrap_note(text: str, width: int = 90) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


PDF_DETAIL_FROM = 10  # entries before the PDF draws sites, triggers, hours, durations
CHARTS: tuple[Chart, ...] = (
    Chart(
        "episodes_per_day",
        "Contractions per day",
        draw_episodes_per_day,
        lambda d: d.total > 0,
        "no episodes in the period",
    ),
    Chart(
        "pain_over_time",
        "Pain over time",
        draw_pain_over_time,
        lambda d: any(d.pain_points.values()),
        "no spasm, unclear episode or painful twitch in the period",
    ),
    Chart(
        "sites_by_label",
        "Body sites",
        draw_sites,
        lambda d: d.total > 0,
        "no episodes in the period",
        label_room=1.15,
        pdf_from=PDF_DETAIL_FROM,
    ),
    Chart(
        "triggers_ranked",
        "Triggers",
        draw_triggers,
        lambda d: bool(d.triggers),
        "no triggers logged in the period",
        label_room=1.15,
        pdf_from=PDF_DETAIL_FROM,
    ),
    Chart(
        "trigger_effects",
        "Triggers on kept days",
        draw_trigger_effects,
        lambda d: d.effects is not None and bool(d.effects.rows),
        "no exposure has enough kept days with and without it (`diary day --had ...`)",
        label_room=1.7,
    ),
    Chart(
        "time_of_day",
        "Time of day, each type apart",
        draw_time_of_day,
        lambda d: any(any(hours) for hours in d.hours.values()),
        "no episode in the period has a time of day",
        pdf_from=PDF_DETAIL_FROM,
    ),
    Chart(
        "duration_by_label",
        "Durations",
        draw_durations,
        lambda d: d.total > 0,
        "no episodes in the period",
        pdf_from=PDF_DETAIL_FROM,
    ),
)


def new_figure(width: float = 10, height: float = 5, dpi: int = 120) -> Figure:
    return Figure(figsize=(width, height), dpi=dpi, layout="constrained")


def draw_chart(chart: Chart, data: ChartData, size: ChartSize = DEFAULT_SIZE) -> Figure:
    """One chart on its own figure, at `size` (the files, or `PHONE` for the page)."""
    figure = new_figure(size.width, size.height, size.dpi)
    with matplotlib.rc_context(size.rc()):  # type: ignore[arg-type]
        chart.draw(figure.add_subplot(), data)
    return figure


def write_charts(
    data: ChartData, out_dir: Path, fmt: str, size: ChartSize = DEFAULT_SIZE
) -> tuple[list[Path], list[str]]:
    """Draw every chart that has enough data; returns the files written and what was skipped.
    Every figure is drawn before the folder is made: a chart that fails leaves nothing."""
    drawn, skipped = [], []
    for chart in CHARTS:
        if not chart.enough(data):
            skipped.append(f"{chart.name}: {chart.too_little}")
            continue
        buffer = io.BytesIO()
        draw_chart(chart, data, size).savefig(buffer, format=fmt, metadata=_metadata(fmt))
        drawn.append((chart.name, buffer.getvalue()))
    private_folder(out_dir)
    written = []
    for name, content in drawn:
        path = out_dir / f"{name}.{fmt}"
        with private_file(path, binary=True) as handle:
            handle.write(content)
        written.append(path)
    return written, skipped


def _metadata(fmt: str) -> dict[str, str | None]:
    # Reproducible files: no creation date stamped into them.
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None}
    return {"CreationDate": None}
