"""The weekly summary as JSON, as a terminal layout and as markdown."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from diary.analysis.flags import NOT_A_DIAGNOSIS, SEEK_CARE_NOW, merged_by_rule
from diary.analysis.weekly import WeeklySummary
from diary.domain import counted
from diary.parsing import format_duration
from diary.reports.triggers import LAG_WORDS, every_day_words, ratio_text
from diary.shapes import flag_dict, shown

if TYPE_CHECKING:
    from diary.analysis.calm import CalmWeek

PLURAL = {"twitch": "twitches", "spasm": "spasms", "unclear": "unclear"}


def weekly_dict(s: WeeklySummary) -> dict[str, Any]:
    longest = s.longest
    return {
        "week": s.this.week,
        "chosen": s.chosen or None,
        "start": s.this.start.isoformat(),
        "end": s.this.end.isoformat(),
        "episodes": s.this.episodes,
        "contractions": s.this.contractions,
        "kept_days": s.kept_days,
        "days_so_far": s.days_so_far,
        "exposures": s.exposures,
        "by_label": s.this.by_label,
        "by_subtype": s.by_subtype,
        "by_site": s.by_site,
        "by_site_side": s.by_site_side,
        "pain": {"mean": s.this.pain_mean, "max": s.pain_max},
        "total_duration_s": s.total_duration_s,
        "longest": None
        if longest is None
        else {
            "id": longest.id,
            "duration_s": longest.duration_s,
            "site": longest.site,
            "side": longest.side,
            "at": longest.at.isoformat(timespec="seconds"),
        },
        "triggers": s.triggers,
        "relief": s.relief.as_dict(),
        "time_of_day": s.time_of_day,
        "night_cramps": s.night_cramps,
        "night_cramp_entries": s.night_cramp_entries,
        "pain_by_type": s.pain_by_type,
        "previous_week": {
            "week": s.previous.week,
            "start": s.previous.start.isoformat(),
            "end": s.previous.end.isoformat(),
            "episodes": s.previous.episodes,
            "contractions": s.previous.contractions,
            "by_label": s.previous.by_label,
            "pain_mean": s.previous.pain_mean,
        },
        "change": {"episodes": s.this.episodes - s.previous.episodes, "words": s.change},
        "flags": [flag_dict(f) for f in s.flags],
        "trigger_links": []
        if s.triggers_found is None
        else [
            {
                "trigger": r.trigger,
                "kind": r.kind,
                "lag_days": r.lag_days,
                "verdict": r.verdict,
                "rate_ratio": r.rate_ratio,
                "ci95": None if r.ci95 is None else list(r.ci95),
                "q": r.q,
            }
            for r in s.triggers_found.links
        ],
        "triggers_not_enough_data": []
        if s.triggers_found is None
        else list(s.triggers_found.not_enough_data),
        # of those, the exposures had on every kept day (nothing to compare them with)
        "triggers_had_every_day": []
        if s.triggers_found is None
        else list(s.triggers_found.every_day),
        "advice": [{"text": a.text, "source": a.source, "because": a.because} for a in s.advice],
        "disclaimer": NOT_A_DIAGNOSIS,
    }


def _period(s: WeeklySummary) -> str:
    why = f" ({s.chosen})" if s.chosen else ""
    return f"{s.this.start:%a %d %b} – {s.this.end:%a %d %b %Y}{why}"


def _headline(s: WeeklySummary) -> str:
    labels = ", ".join(
        f"{n} {PLURAL[label] if n != 1 else label}" for label, n in s.this.by_label.items() if n
    )
    bouts = (
        f" ({counted(s.this.contractions, 'contraction')})"
        if s.this.contractions != s.this.episodes
        else ""
    )
    return f"{counted(s.this.episodes, 'episode')}{bouts}" + (f": {labels}" if labels else "")


TYPE_WORDS = {"twitch": "twitches", "spasm": "cramps and spasms", "unclear": "unclear"}


def pain_line(s: WeeklySummary) -> str:
    """'Pain of cramps and spasms: median 6/10, worst 7/10 (6 episodes); twitches: 3
    episodes, none painful.' Each type apart: painless twitches never dilute cramp pain."""
    parts = []
    for label in ("spasm", "unclear", "twitch"):
        if (p := s.pain_by_type.get(label)) is None:
            continue
        entries = int(p["entries"] or 0)
        if label == "twitch":
            painful = int(p["painful"] or 0)
            hurt = f"{painful} painful, worst {p['max']}/10" if painful else "none painful"
            parts.append(f"twitches: {counted(entries, 'episode')}, {hurt}")
        else:
            parts.append(
                f"{TYPE_WORDS[label]}: median {p['median']:g}/10, worst {p['max']}/10 "
                f"({counted(entries, 'episode')})"
            )
    text = "Pain of " + "; ".join(parts) if parts else "Pain: -"
    if s.night_cramp_entries:
        cramps = counted(s.night_cramp_entries, "episode")
        if s.night_cramps != s.night_cramp_entries:
            cramps += f", {counted(s.night_cramps, 'contraction')}"
        text += f". Leg cramps at night: {cramps}"
    return text + "."


def md_cell(text: str) -> str:
    """A markdown table cell: a `|` in free text would start a new column."""
    return text.replace("\\", "\\\\").replace("|", "\\|")


def kept_line(s: WeeklySummary) -> str:
    """'Diary kept on 5 of 7 days; had: caffeine on 4 days, stress on 2.'"""
    if not s.kept_days:
        return f"Diary kept on 0 of {s.days_so_far} days (`diary day` checks in each evening)."
    had = ", ".join(f"{name} on {n} day{'s' if n != 1 else ''}" for name, n in s.exposures.items())
    return f"Diary kept on {s.kept_days} of {s.days_so_far} days" + (
        f"; had: {had}." if had else "; no tracked exposures."
    )


def windows_line(s: WeeklySummary) -> str:
    """Why a flag's numbers can differ from the week's: flags look at rolling windows."""
    as_of = s.flags_as_of or s.this.end
    short, long = s.windows
    return (
        f"Flags look back from {as_of:%a %d %b} over rolling windows (the last {short} "
        f"and {long} days), not calendar weeks, so their counts can differ from the week's. "
        "`diary flags` lists the evidence, with its statistics."
    )


def triggers_line(s: WeeklySummary) -> str | None:
    """'Triggers on kept days (last 90 days): linked: caffeine, twitches on the same day
    (about 3.8× the rate); not enough data yet: alcohol. `diary triggers` tells more.'"""
    found = s.triggers_found
    if found is None or (not found.tested and not found.not_enough_data):
        return None
    days = (found.until - found.since).days + 1
    parts = []
    if found.links:
        parts.append(
            "; ".join(
                f"{r.verdict}: {r.trigger}, {KIND_NAMES[r.kind]}on {LAG_WORDS[r.lag_days]} "
                f"(about {ratio_text(r.rate_ratio)}× the rate)"
                for r in found.links
            )
        )
    elif found.tested:
        parts.append("no clear link yet")
    if found.short_of_days:
        parts.append(f"not enough data yet: {', '.join(found.short_of_days)}")
    if found.every_day:
        parts.append(every_day_words(found.every_day))
    return (
        f"Triggers on kept days (last {days} days): {'; '.join(parts)}. "
        "`diary triggers` tells more."
    )


KIND_NAMES = {"all": "", "twitch": "twitches ", "spasm": "spasms "}


def _where(site: str, sides: dict[str, int]) -> str:
    named = [f"{n} {side}" for side, n in sides.items() if side != "unspecified"]
    return f"{site} ({', '.join(named)})" if named else site


def _longest(s: WeeklySummary) -> str:
    e = s.longest
    if e is None:
        return "-"
    when = f"{e.at:%a %d %b %H:%M}" if e.time_known else f"{e.at:%a %d %b}"
    return f"{format_duration(e.duration_s)} (#{e.id}, {e.where}, {when})"


def _empty_week(s: WeeklySummary) -> str:
    """No episodes is news only on days checked in: an unkept week is no data, not calm."""
    text = f"No episodes logged in {s.this.week}"
    if not s.kept_days:
        text += (
            " and no day checked in: no data for this week, which is not a sign that all is "
            "well. Log episodes with `diary log` and check in each evening with `diary day`."
        )
    else:
        text += (
            f"; the diary was kept on {s.kept_days} of {counted(s.days_so_far, 'day')}, with no "
            "episodes on them."
        )
    if s.previous.episodes:
        text += f" The week before had {counted(s.previous.episodes, 'episode')}."
    return text


def relief_lines(s: WeeklySummary) -> list[str]:
    """'What helped': per measure, as the person noted it; descriptive, never a ranking."""
    helped = s.relief
    if helped.empty:
        return []
    lines = [t.words + "." for t in helped.tallies]
    for d in helped.durations:
        lines.append(
            f"Spasms with {d.measure}: median {format_duration(d.median_with_s)}; without: "
            f"{format_duration(d.median_without_s)} ({d.n_with} and {d.n_without} spasms)."
        )
    for measure in helped.daily:
        lines.append(
            f"{measure.capitalize()} was noted on most days, so there are no days without it "
            "to compare: only a planned experiment can tell (`diary experiment`)."
        )
    lines.append("These are your own notes of how it felt, not a test of what works.")
    return lines


RELIEF_HEADING = "What helped (spasms and cramps, as you noted it)"


def _no_flags(s: WeeklySummary) -> str:
    """'None.', or, with nothing logged or kept to look at, that there was nothing to assess."""
    if s.this.episodes or s.previous.episodes or s.kept_days:
        return "None."
    return "None: nothing was logged to assess, which is not the same as all being well."


def weekly_markdown(s: WeeklySummary, calm: CalmWeek | None = None) -> str:
    lines = [f"# Contraction diary: week {s.this.week}", "", f"*{_period(s)}*", ""]
    if calm is not None:  # calm mode: days with twitching, no counts (docs/calm-mode.md)
        lines += [*(f"- {line}" for line in calm.body()), f"- {kept_line(s)}", ""]
    elif not s.this.episodes:
        lines += [_empty_week(s), ""]
    else:
        lines += [
            f"**{_headline(s)}** — {s.change}.",
            "",
            f"- {pain_line(s)}",
            f"- Time in episodes: {format_duration(s.total_duration_s)}; longest {_longest(s)}",
            f"- {kept_line(s)}",
            *([f"- {line}"] if (line := triggers_line(s)) else []),
            "",
            "| site | episodes |",
            "|---|---:|",
            *(
                f"| {md_cell(_where(site, s.by_site_side[site]))} | {n} |"
                for site, n in s.by_site.items()
            ),
            "",
            "| type | episodes |",
            "|---|---:|",
            *(f"| {md_cell(subtype)} | {n} |" for subtype, n in s.by_subtype.items()),
            "",
        ]
        if s.triggers:
            lines += [
                "| trigger | episodes |",
                "|---|---:|",
                *(f"| {md_cell(t)} | {n} |" for t, n in s.triggers.items()),
                "",
            ]
        lines += [
            "| time of day | episodes |",
            "|---|---:|",
            *(f"| {slot} | {n} |" for slot, n in s.time_of_day.items()),
            "",
        ]
    if relief := relief_lines(s):
        lines += [f"## {RELIEF_HEADING}", "", *(f"- {md_cell(line)}" for line in relief), ""]
    lines += ["## Flags", ""]
    if s.flags:
        for f in merged_by_rule(s.flags):  # a rule at several sites reads as one flag
            loud = "**URGENT** " if f.severity == "urgent" else ""
            lines.append(f"- {loud}[{f.severity}] **{f.title}**: {f.words}\n  (sources {f.source})")
        if any(f.severity == "urgent" for f in s.flags):
            lines.append(f"- **{SEEK_CARE_NOW}**")
        lines += ["", windows_line(s)]
    else:
        lines.append(f"No flags at the end of the week{_no_flags(s)[4:]}")
    if s.advice:
        lines += ["", "## Self-care from the source documents", ""]
        lines += [f"- {a.text} ({a.because}; sources {a.source})" for a in s.advice]
    if calm is not None:
        lines += calm.closing_markdown()
    lines += ["", f"*{NOT_A_DIAGNOSIS}*", ""]
    return "\n".join(lines)


def weekly_text(
    s: WeeklySummary, *, width: int = 100, colour: bool = False, calm: CalmWeek | None = None
) -> str:
    """A terminal layout with rich tables."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=colour,
        no_color=not colour,
        highlight=False,
        emoji=False,
    )
    console.print(f"[bold]Week {s.this.week}[/bold]  {_period(s)}")
    if calm is not None:  # calm mode: days with twitching, no counts (docs/calm-mode.md)
        for line in [*calm.body(), kept_line(s)]:
            console.print(escape(line))
    elif not s.this.episodes:
        console.print(_empty_week(s))
    else:
        console.print(f"[bold]{_headline(s)}[/bold] — {s.change}.")
        console.print(Text(pain_line(s)))
        console.print(
            f"Time in episodes: {format_duration(s.total_duration_s)}; longest {_longest(s)}."
        )
        console.print(kept_line(s))
        if found := triggers_line(s):
            console.print(found)
        parts = [
            _table("Site", s.by_site, {k: _where(k, v) for k, v in s.by_site_side.items()}),
            _table("Type", s.by_subtype),
            _table("Trigger", s.triggers or {"none logged": 0}),
            _table("Time of day", s.time_of_day),
        ]
        # Side by side on a terminal; two by two, or one under the other, on a narrow one.
        across = 4 if width >= 90 else 2 if width >= 60 else 1
        tables = Table.grid(padding=(0, 3))
        for first in range(0, len(parts), across):
            tables.add_row(*parts[first : first + across])
        console.print(tables)
    if relief := relief_lines(s):
        console.print(f"[bold]{RELIEF_HEADING}[/bold]")
        for line in relief:
            console.print(bullet(escape(line), 2))
    console.print("[bold]Flags at the end of the week[/bold]")
    if not s.flags:
        console.print(indented(_no_flags(s), 2))
    for f in merged_by_rule(s.flags):  # a rule at several sites reads as one flag
        style = {"urgent": "bold red", "doctor": "yellow", "watch": "cyan"}[f.severity]
        console.print(indented(f"[{style}]{f.severity.upper()}[/{style}] {f.title}", 2))
        console.print(indented(f.words, 4))
        console.print(indented(f"[dim]sources {f.source}[/dim]", 4))
    if any(f.severity == "urgent" for f in s.flags):
        console.print(indented(f"[bold red]{SEEK_CARE_NOW}[/bold red]", 2))
    if s.flags:
        console.print(indented(f"[dim]{windows_line(s)}[/dim]", 2))
    if s.advice:
        console.print("[bold]Self-care from the source documents[/bold]")
        for a in s.advice:
            console.print(bullet(f"{a.text} [dim]({a.because}; sources {a.source})[/dim]", 2))
    for line in calm.closing() if calm is not None else []:
        console.print(bullet(escape(line[2:]), 2) if line.startswith("- ") else escape(line))
    console.print(f"[italic]{NOT_A_DIAGNOSIS}[/italic]")
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def bullet(markup: str, left: int) -> Any:
    """'- text' whose wrapped lines stay under the text, not under the dash."""
    from rich.padding import Padding
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row("-", markup)
    return Padding(grid, (0, 0, 0, left))


def indented(markup: str, left: int) -> Any:
    """Wrapped lines keep their indent."""
    from rich.padding import Padding

    return Padding(markup, (0, 0, 0, left))


def _table(title: str, counts: dict[str, int], names: dict[str, str] | None = None) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=None, show_edge=False, box=None, pad_edge=False)
    table.add_column(title, style="bold")
    table.add_column("n", justify="right")
    for key, n in counts.items():  # Text, not markup: a trigger may be free text
        table.add_row(Text(shown((names or {}).get(key, key))), str(n))
    return table
