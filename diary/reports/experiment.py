"""The experiment drawn: blocks as shaded bars, daily counts on kept days, washout marked;
and the doctor-PDF page with the items CENT 2015 asks a report of an N-of-1 trial to give
(Vohra et al., BMJ 2015;350:h1738): design, randomisation (seed and sequence), adherence,
missing data, the estimate with its interval and p, and blinding.

Built with the Figure API (no pyplot state); shown only for an experiment that is over, so
the order of blocks is never revealed before its end.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from diary.analysis.experiment import DayObservation, ExperimentResult

ARM_COLOURS = {"with": "#fdae6b", "without": "#9ecae1"}
WASHOUT_HATCH = "////"
COUNT_COLOUR = "#252525"
MISSING_COLOUR = "#969696"
OUTCOME_WORDS = {"all": "contractions", "twitch": "twitches", "spasm": "spasms and cramps"}


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def interval_words(ci: tuple[float | None, float | None]) -> str:
    low, high = ci
    return (
        f"{'0' if low is None else f'{low:.2f}'} to {'no bound' if high is None else f'{high:.2f}'}"
    )


def summary_title(result: ExperimentResult) -> str:
    x = result.experiment
    test = result.by_assignment
    p = "-" if test.p is None else f"{test.p:.3g}"
    return (
        f"Experiment: {x.exposure} and {OUTCOME_WORDS[x.outcome]}, {result.verdict} "
        f"(rate ratio {_fmt(test.rate_ratio)}, 95% interval {interval_words(test.ci95)}, p {p})"
    )


def draw_experiment(
    ax: Axes, result: ExperimentResult, days: Mapping[date, DayObservation]
) -> None:
    """Blocks as shaded bars (with / without), washout days hatched, the day's count on
    every kept day, and a small mark on days never checked in."""
    x = result.experiment

    def at(day: date) -> float:  # days from the start: the x axis
        return float((day - x.start).days)

    top = max((d.contractions for d in days.values()), default=0)
    height = max(1.0, top * 1.15)
    for block in result.blocks:
        first = block.start
        last = min(block.end, result.cutoff)
        if first > last:
            continue
        ax.axvspan(
            at(first),
            at(last + timedelta(days=1)),
            color=ARM_COLOURS[block.arm],
            alpha=0.55,
            linewidth=0,
        )
        if x.washout_days:
            washout_end = min(first + timedelta(days=x.washout_days), last + timedelta(days=1))
            ax.axvspan(
                at(first),
                at(washout_end),
                facecolor="none",
                edgecolor="#636363",
                hatch=WASHOUT_HATCH,
                linewidth=0,
            )
        if block.block % 2 == 1:
            ax.text(
                at(first) + 0.3,
                height * 0.97,
                f"pair {block.pair}",
                fontsize="x-small",
                va="top",
            )
    kept = sorted(d for d in days if x.start <= d <= result.cutoff)
    ax.vlines(
        [at(d) + 0.5 for d in kept],
        0,
        [days[d].contractions for d in kept],
        colors=COUNT_COLOUR,
        linewidth=2,
    )
    missing = []
    day = x.start
    while day <= result.cutoff:
        if day not in days and any(b.start <= day <= b.end for b in result.blocks):
            missing.append(at(day) + 0.5)
        day += timedelta(days=1)
    if missing:
        ax.plot(missing, [0] * len(missing), "x", color=MISSING_COLOUR, markersize=4)
    ax.set_ylim(0, height)
    ax.set_ylabel(f"{OUTCOME_WORDS[x.outcome]} a day")
    pair_starts = [b.start for b in result.blocks if b.block % 2 == 1]
    step = max(1, len(pair_starts) // 8)
    shown = pair_starts[::step]
    ax.set_xticks([at(d) for d in shown], labels=[f"{d:%d %b %y}" for d in shown])
    ax.set_xlim(0, at(result.cutoff) + 1)
    ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
    ax.legend(
        handles=[
            Patch(color=ARM_COLOURS["with"], alpha=0.55, label=f"with {x.exposure}"),
            Patch(color=ARM_COLOURS["without"], alpha=0.55, label=f"without {x.exposure}"),
            Patch(facecolor="white", edgecolor="#636363", hatch=WASHOUT_HATCH, label="washout"),
            Line2D([], [], color=COUNT_COLOUR, lw=2, label="kept day's count"),
            Line2D([], [], color=MISSING_COLOUR, marker="x", lw=0, label="not checked in"),
        ],
        fontsize="x-small",
        loc="upper right",
        bbox_to_anchor=(1.0, -0.12),
        ncol=5,
        frameon=False,
    )
    ax.set_title("\n".join(textwrap.wrap(summary_title(result), 90)), fontsize="small")


def experiment_figure(
    result: ExperimentResult,
    days: Mapping[date, DayObservation],
    *,
    width: float = 10,
    height: float = 4.5,
    dpi: int = 120,
) -> Figure:
    """The experiment on its own figure (`diary charts`)."""
    figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    draw_experiment(figure.add_subplot(), result, days)
    return figure


def report_lines(result: ExperimentResult) -> list[str]:
    """The CENT items, one short paragraph each, for the doctor's page."""
    x = result.experiment
    main, pp = result.by_assignment, result.per_protocol
    order = " ".join("with-without" if c == "W" else "without-with" for c in x.sequence)
    adherence = result.adherence
    lines = [
        f"Design: randomised N-of-1 experiment on {x.exposure}; outcome "
        f"{OUTCOME_WORDS[x.outcome]} a kept day. {x.pairs} pairs of {x.block_days}-day blocks "
        f"from {x.start:%d %b %Y} to {result.end:%d %b %Y}; the first {x.washout_days} days "
        "of each block are washout, not analysed.",
        f"Randomisation: order inside each pair drawn from stored seed {x.seed}: {order}.",
        "Blinding: "
        + (
            "yes, someone else prepared with and without."
            if x.blinded
            else "none; the person knew each day's assignment."
        ),
        f"Adherence: {'-' if adherence is None else f'{adherence:.0%}'} of kept days lived as "
        f"assigned ({result.adherent_days} of {result.kept_days}).",
        f"Missing data: {result.missed_days} scheduled days never checked in (missing, not "
        "zero); voided pairs (a block with fewer than 3 analysed days): "
        + (", ".join(str(p) for p in result.voided_pairs) or "none")
        + ".",
        f"Estimate (by assignment, {main.pairs_counted} pairs): {_fmt(main.rate_with)} a day "
        f"with, {_fmt(main.rate_without)} without; rate ratio {_fmt(main.rate_ratio)}, 95% "
        f"interval {interval_words(main.ci95)} (randomisation test inverted), "
        f"p = {'-' if main.p is None else f'{main.p:.3g}'} (two-sided randomisation test).",
        f"Per protocol (only days lived as assigned, {pp.pairs_counted} pairs): rate ratio "
        f"{_fmt(pp.rate_ratio)}, 95% interval {interval_words(pp.ci95)}, "
        f"p = {'-' if pp.p is None else f'{pp.p:.3g}'}.",
        f"Verdict, for this person in this period: {result.verdict}"
        + (f" ({'; '.join(result.reasons)})" if result.reasons else "")
        + ".",
        "Reported after CENT 2015 (Vohra et al., BMJ 2015;350:h1738).",
    ]
    return lines


def draw_experiment_page(
    figure: Figure,
    result: ExperimentResult,
    days: Mapping[date, DayObservation],
    *,
    left: float,
    top: float,
    width: float,
    height: float,
    font: float = 8.5,
) -> None:
    """A doctor-PDF page: the chart, then the CENT items, inside the box given in inches
    from the page's top-left corner."""
    page_w, page_h = figure.get_size_inches()
    figure.text(
        left / page_w,
        1 - top / page_h,
        f"Planned experiment (randomised N-of-1): {result.experiment.exposure}",
        fontsize=font * 1.5,
        weight="bold",
        va="top",
    )
    top += 0.4
    height -= 0.4
    chart_h = min(3.2, height * 0.4)
    ax = figure.add_axes(
        (
            (left + 0.5) / page_w,
            (page_h - top - chart_h) / page_h,
            (width - 0.6) / page_w,
            (chart_h - 0.45) / page_h,
        )
    )
    with matplotlib.rc_context({"font.size": font}):
        draw_experiment(ax, result, days)
    y = top + chart_h + 0.55
    per_line = font * 1.45 / 72
    chars = int(width / (font * 0.62 / 72))  # DejaVu Sans averages ~0.58 em a character
    for paragraph in report_lines(result):
        for line in textwrap.wrap(paragraph, chars):
            if y > top + height:
                return
            figure.text(left / page_w, 1 - y / page_h, line, fontsize=font, va="top")
            y += per_line
        y += per_line * 0.4


def write_experiment_charts(
    charted: Sequence[tuple[ExperimentResult, Mapping[date, DayObservation]]],
    out_dir: Path,
    fmt: str,
) -> list[Path]:
    """One file per experiment that is over: `experiment-caffeine-2026-08-25.png`."""
    from diary.files import private_file, private_folder

    drawn = []
    for result, days in charted:
        buffer = io.BytesIO()
        metadata = {"png": {"Software": None}, "svg": {"Date": None}}.get(
            fmt, {"CreationDate": None}
        )
        experiment_figure(result, days).savefig(buffer, format=fmt, metadata=metadata)
        x = result.experiment
        name = f"experiment-{x.exposure.replace(' ', '-')}-{x.start.isoformat()}.{fmt}"
        drawn.append((name, buffer.getvalue()))
    written = []
    if drawn:
        private_folder(out_dir)
    for name, content in drawn:
        path = out_dir / name
        with private_file(path, binary=True) as handle:
            handle.write(content)
        written.append(path)
    return written
