"""Trend charts drawn with matplotlib's object API (no pyplot state).

Each `draw_*` function fills one Axes from ChartData, so the same drawing serves the PNG/SVG
files and the pages of the doctor-visit PDF. Imported only by the commands that draw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from diary.analysis.series import ROLLING_DAYS, ChartData
from diary.domain import LABELS
from diary.files import private_file, private_folder
from diary.reports.triggers import ratio_text

COLOURS = {"twitch": "#3b75af", "spasm": "#e1812c", "unclear": "#9a9a9a"}
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
class Chart:
    name: str  # file stem
    title: str
    draw: Callable[[Axes, ChartData], None]
    enough: Callable[[ChartData], bool]
    too_little: str  # why it was skipped
    label_room: float = 0.45  # inches left of the axes for tick labels (PDF pages)


def _title(ax: Axes, title: str, period: str) -> None:
    """The title, and under it the period in small grey type (beside it, the two collide on
    a narrow page)."""
    ax.set_title(title, loc="left", pad=15)
    ax.text(
        0.0,
        1.012,
        period,
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=8,
        color="#555555",
    )


def _date_axis(ax: Axes) -> None:
    locator = AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _days_axis(ax: Axes, data: ChartData) -> None:
    """A few days: whole days on the axis (not hours) and a sensible minimum span."""
    if len(data.days) >= 14:
        _date_axis(ax)
        return
    from matplotlib.dates import DateFormatter, DayLocator

    x = date2num(data.days)
    ax.set_xlim(x[0] - 3, x[-1] + 3)
    ax.xaxis.set_major_locator(DayLocator())
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
    for tick in ax.get_xticklabels():
        tick.set_rotation(45)


def _gaps(values: list[float | None]) -> list[float]:
    """None becomes NaN: a gap in the line, not a drop to zero."""
    return [float("nan") if v is None else v for v in values]


def _legend(ax: Axes) -> None:
    """Beside the plot, never over the data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, fontsize="small")


def _labels_present(data: ChartData) -> list[str]:
    return [label for label in LABELS if sum(data.daily[label])]


def draw_episodes_per_day(ax: Axes, data: ChartData) -> None:
    x = date2num(data.days)
    bottom = [0] * len(data.days)
    for label in _labels_present(data):
        counts = data.daily[label]
        if len(data.days) <= 180:
            ax.bar(x, counts, bottom=bottom, width=0.9, color=COLOURS[label], label=label)
        else:
            tops = [b + c for b, c in zip(bottom, counts, strict=True)]
            ax.fill_between(
                x, bottom, tops, step="mid", color=COLOURS[label], label=label, linewidth=0
            )
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
    _days_axis(ax, data)
    _legend(ax)
    _title(ax, "Contractions per day", data.period)


def draw_pain_over_time(ax: Axes, data: ChartData) -> None:
    """One dot per spasm or unclear episode (and per twitch that hurt); those at or above the
    severe-pain threshold ringed and, when few, named by id; a 7-day median only where the
    window holds enough episodes to mean something."""
    severe = data.severe_pain
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
            s=22,
            alpha=0.55,
            color=COLOURS[label],
            linewidths=0,
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
            s=70,
            facecolors="none",
            edgecolors="#c0392b",
            linewidths=1.6,
            label="severe episode",
            zorder=3,
        )
        if len(worst) <= 8:
            for d, p, i in worst:
                ax.annotate(
                    f"#{i}",
                    (d, p),
                    xytext=(5, 4),
                    textcoords="offset points",
                    fontsize=8,
                    color="#c0392b",
                )
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel("pain (0 none – 10 worst)")
    _days_axis(ax, data)
    _legend(ax)
    _title(ax, "Pain of each episode", data.period)


def draw_sites(ax: Axes, data: ChartData) -> None:
    sites = list(data.sites.items())[:TOP_SITES][::-1]
    names = [site for site, _ in sites]
    left = [0] * len(sites)
    for label in _labels_present(data):
        counts = [by_label[label] for _, by_label in sites]
        ax.barh(names, counts, left=left, color=COLOURS[label], label=label)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    for i, total in enumerate(left):
        ax.text(total, i, f" {total}", va="center", fontsize=8)
    _counts_axis(ax.xaxis, max(left))
    ax.set_xlabel("episodes")
    ax.grid(axis="y", visible=False)
    _legend(ax)
    _title(ax, "Where: body sites by type", data.period)


def draw_triggers(ax: Axes, data: ChartData) -> None:
    ranked = data.triggers[:TOP_TRIGGERS][::-1]
    ax.barh(range(len(ranked)), [n for _, n in ranked], color="#5f6b7a")
    ax.set_yticks(range(len(ranked)), [_wrapped_label(name) for name, _ in ranked])
    for i, (_, n) in enumerate(ranked):
        ax.text(n, i, f" {n}", va="center", fontsize=8)
    _counts_axis(ax.xaxis, max(n for _, n in ranked))
    ax.set_xlabel("episodes with this trigger")
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
    bottom = [0] * 24
    for label in _labels_present(data):
        ax.bar(range(24), data.hours[label], bottom=bottom, color=COLOURS[label], label=label)
        bottom = [a + b for a, b in zip(bottom, data.hours[label], strict=True)]
    ax.set_xticks(range(0, 24, 3), [f"{h:02d}:00" for h in range(0, 24, 3)])
    ax.set_xlim(-0.5, 23.5)
    _counts_axis(ax.yaxis, max(bottom))
    ax.set_xlabel("hour of the day")
    ax.set_ylabel("episodes")
    _legend(ax)
    _title(ax, "Time of day", data.period)


def draw_durations(ax: Axes, data: ChartData) -> None:
    present = [label for label in LABELS if data.durations[label]]
    box = ax.boxplot(
        [data.durations[label] for label in present],
        whis=(5, 95),
        showfliers=False,
        patch_artist=True,
        widths=0.5,
    )
    for patch, label in zip(box["boxes"], present, strict=True):
        patch.set_facecolor(COLOURS[label])
        patch.set_alpha(0.8)
    for median_line in box["medians"]:
        median_line.set_color("black")
    ax.set_xticks(
        range(1, len(present) + 1),
        [
            f"{label}\n({n} episode{'s' if n != 1 else ''})"
            for label in present
            for n in [len(data.durations[label])]
        ],
    )
    ax.set_yscale("log")
    shortest = min(min(data.durations[label]) for label in present)
    longest = max(max(data.durations[label]) for label in present)
    ticks = [(t, name) for t, name in DURATION_TICKS if shortest / 3 <= t <= longest * 3]
    ax.set_yticks([t for t, _ in ticks], [name for _, name in ticks])
    ax.minorticks_off()
    ax.set_ylabel("duration (log scale)")
    ax.set_xlabel("box: the middle half of episodes, line: median, whiskers: 5–95%")
    _title(ax, "How long episodes last", data.period)


VERDICT_COLOURS = {
    "linked": "#c0392b",
    "protective": "#2e8b57",
    "no clear link": "#5f6b7a",
}


def draw_trigger_effects(ax: Axes, data: ChartData) -> None:
    """A forest plot: each exposure's same-day rate ratio with its 95% interval, log scale,
    the line at 1 (no difference)."""
    assert data.effects is not None
    rows = list(data.effects.rows)[::-1]
    finite = [v for r in rows for v in (r.low, r.high, r.rate_ratio) if v and v > 0]
    left = min(min(finite) / 1.5, 0.5)
    right = max(max(finite) * 1.5, 2.0)
    for y, row in enumerate(rows):
        colour = VERDICT_COLOURS.get(row.verdict, "#5f6b7a")
        low = row.low if row.low and row.low > 0 else left
        high = row.high if row.high is not None else right
        ax.plot([low, high], [y, y], color=colour, linewidth=2, solid_capstyle="butt")
        if row.high is None:
            ax.annotate(
                "",
                xy=(right, y),
                xytext=(right / 1.3, y),
                arrowprops={"arrowstyle": "->", "color": colour},
            )
        ax.plot([row.rate_ratio], [y], marker="s", markersize=7, color=colour)
        ax.text(
            1.01,
            y,
            f"{ratio_text(row.rate_ratio)}× ({ratio_text(row.low)}–"
            f"{ratio_text(row.high, unbounded='∞')}) "
            f"{row.verdict}",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8,
            color=colour,
        )
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlim(left, right)
    ax.set_yticks(range(len(rows)), [r.label for r in rows])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(
        "episodes a day on kept days with it ÷ without it\n"
        "(log scale; 1 = no difference; line: 95% interval)"
    )
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    _title(
        ax,
        "Triggers, same day",
        f"kept days {data.effects.since:%d %b} – {data.effects.until:%d %b %Y}",
    )


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
    ),
    Chart(
        "triggers_ranked",
        "Triggers",
        draw_triggers,
        lambda d: bool(d.triggers),
        "no triggers logged in the period",
        label_room=1.15,
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
        "Time of day",
        draw_time_of_day,
        lambda d: any(any(hours) for hours in d.hours.values()),
        "no episode in the period has a time of day",
    ),
    Chart(
        "duration_by_label",
        "Durations",
        draw_durations,
        lambda d: d.total > 0,
        "no episodes in the period",
    ),
)


def new_figure(width: float = 10, height: float = 5) -> Figure:
    return Figure(figsize=(width, height), dpi=120, layout="constrained")


def write_charts(data: ChartData, out_dir: Path, fmt: str) -> tuple[list[Path], list[str]]:
    """Draw every chart that has enough data; returns the files written and what was skipped."""
    private_folder(out_dir)
    written, skipped = [], []
    for chart in CHARTS:
        if not chart.enough(data):
            skipped.append(f"{chart.name}: {chart.too_little}")
            continue
        figure = new_figure()
        chart.draw(figure.add_subplot(), data)
        path = out_dir / f"{chart.name}.{fmt}"
        with private_file(path, binary=True) as handle:
            figure.savefig(handle, format=fmt, metadata=_metadata(fmt))
        written.append(path)
    return written, skipped


def _metadata(fmt: str) -> dict[str, str | None]:
    # Reproducible files: no creation date stamped into them.
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None}
    return {"CreationDate": None}
