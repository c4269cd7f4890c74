"""The week and the triggers as the page says them: plain words first, the numbers on request.

Pure functions from the reports' results to small records the templates lay out; no command
lines, no rule codes and no id lists (the templates link to the entries instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from diary.analysis.flags import merged_by_rule
from diary.analysis.triggers import LINKED, NOT_ENOUGH_DATA, PROTECTIVE, TriggerReport
from diary.analysis.weekly import WeeklySummary
from diary.domain import Flag, counted
from diary.parsing import format_duration
from diary.reports.triggers import (
    CAVEAT,
    KIND_TITLES,
    LAG_WORDS,
    every_day_words,
    ratio_text,
    result_line,
)

PLURAL = {"twitch": "twitches", "spasm": "spasms", "unclear": "unclear"}
WHAT_IT_MEANS = {
    LINKED: "more episodes on days with it",
    PROTECTIVE: "fewer episodes on days with it",
}


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, str]
    rows: list[tuple[str, int]]


@dataclass
class WeekView:
    headline: str
    lines: list[str]
    kept: str
    triggers: list[str]
    tables: list[Table]
    flags: list[Flag]
    advice: list[Any]
    windows: str
    empty: bool
    longest_id: int | None = None
    flags_as_of: date | None = None  # the flags are those of this day: their links say it


def week_view(s: WeeklySummary) -> WeekView:
    this = s.this
    labels = ", ".join(
        f"{n} {PLURAL[label] if n != 1 else label}" for label, n in this.by_label.items() if n
    )
    bouts = f" ({this.contractions} contractions)" if this.contractions != this.episodes else ""
    headline = (
        f"{counted(this.episodes, 'episode')}{bouts}" + (f": {labels}" if labels else "") + "."
    )
    lines = []
    if this.episodes:
        lines.append(f"{s.change[:1].upper()}{s.change[1:]}.")
        lines.append(f"Pain: {this.pain_mean}/10 on average, {s.pain_max}/10 at worst.")
        lines.append(f"Night cramps: {s.night_cramps}.")
        longest = s.longest
        if longest is not None:
            lines.append(
                f"Time in episodes: {format_duration(s.total_duration_s)}; the longest "
                f"{format_duration(longest.duration_s)}, {longest.where}."
            )
    else:
        lines.append(
            f"Nothing logged this week; the week before had {s.previous.episodes}. "
            "A quiet week is good news."
        )
    if s.kept_days:
        had = ", ".join(f"{name} on {counted(n, 'day')}" for name, n in s.exposures.items())
        kept = f"Checked in on {s.kept_days} of {s.days_so_far} days" + (
            f"; had: {had}." if had else "; nothing tracked was had."
        )
    else:
        kept = f"No check-in on any of the {s.days_so_far} days yet."
    found = s.triggers_found
    triggers: list[str] = []
    if found is not None:
        triggers += [
            f"{r.trigger}: {WHAT_IT_MEANS.get(r.verdict, r.verdict)} "
            f"({KIND_TITLES[r.kind].lower()}, {LAG_WORDS[r.lag_days]}; about "
            f"{ratio_text(r.rate_ratio)}× the rate)"
            for r in found.links
        ]
        if found.tested and not found.links:
            triggers.append("No clear link with anything checked in so far.")
        if found.short_of_days:
            triggers.append(f"Not enough days yet for: {', '.join(found.short_of_days)}.")
        if found.every_day:
            words = plain(every_day_words(found.every_day))  # the page has no command line
            triggers.append(f"{words[:1].upper()}{words[1:]}")
    sites = {
        site: _where(site, s.by_site_side.get(site, {})) for site in s.by_site
    }  # 'calf (3 left, 1 right)'
    tables = [
        Table("Where", ("site", "episodes"), [(sites[k], n) for k, n in s.by_site.items()]),
        Table("What kind", ("kind", "episodes"), list(s.by_subtype.items())),
        Table("Triggers noted", ("trigger", "episodes"), list(s.triggers.items())),
        Table("Time of day", ("time", "episodes"), list(s.time_of_day.items())),
    ]
    as_of = s.flags_as_of or this.end
    short, long = s.windows  # the configured windows, as the weekly report says them
    windows = (
        f"Flags look back from {as_of:%a %d %b} over the last {short} and {long} days, not "
        "calendar weeks, so their counts can differ from the week's."
    )
    return WeekView(
        flags_as_of=as_of,
        headline=headline,
        lines=lines,
        kept=kept,
        triggers=triggers,
        tables=[t for t in tables if t.rows],
        flags=merged_by_rule(s.flags),  # a rule at several sites reads as one flag
        advice=[(plain(a.text), a.because) for a in s.advice],
        windows=windows,
        empty=this.episodes == 0,
        longest_id=None if s.longest is None else s.longest.id,
    )


def plain(text: str) -> str:
    """A line as the page says it: the page has no command line, so a command in brackets
    ("(`diary experiment resume` goes on)") and a clause naming one are left out."""
    return _without_commands(re.sub(r"\s*\([^()`]*`[^`]*`[^()]*\)", "", text))


COMMAND = re.compile(r"`|\bdiary (?:log|day|days|edit|experiment|triggers|report|calm|flags)\b")


def _without_commands(text: str) -> str:
    kept = [part for part in re.split(r"(?<=[.;])\s+", text) if not COMMAND.search(part)]
    return " ".join(kept).rstrip(";,") + ("" if not kept or kept[-1].endswith(".") else ".")


def _where(site: str, sides: dict[str, int]) -> str:
    named = [f"{n} {side}" for side, n in sides.items() if side != "unspecified"]
    return f"{site} ({', '.join(named)})" if named else site


@dataclass
class Finding:
    words: str
    numbers: str


@dataclass
class KindView:
    title: str
    findings: list[Finding]
    others: list[str]


@dataclass
class TriggersView:
    period: str
    kept_days: int
    in_short: list[str]
    kinds: list[KindView] = field(default_factory=list)
    dose: list[list[str]] = field(default_factory=list)
    together: list[str] = field(default_factory=list)
    noted: list[str] = field(default_factory=list)
    caveat: str = CAVEAT
    nothing_named: bool = False


def _finding(r: Any) -> Finding:
    text = result_line(r, width=10_000)
    words, _, numbers = text.strip().partition("\n")
    return Finding(plain(" ".join(words.split())), plain(" ".join(numbers.split())))


def _others(results: list[Any]) -> list[str]:
    unclear = [r.trigger for r in results if r.verdict != NOT_ENOUGH_DATA]
    thin = [r.trigger for r in results if r.verdict == NOT_ENOUGH_DATA]
    return [
        *([f"No clear link: {', '.join(unclear)}."] if unclear else []),
        *([f"Not enough data yet: {', '.join(thin)}."] if thin else []),
    ]


def triggers_view(report: TriggerReport, units: dict[str, str | None]) -> TriggersView:
    period = (
        f"Kept days from {report.since:%a %d %b %Y} to {report.until:%a %d %b %Y}: "
        f"{report.kept_days} of {report.period_days} days checked in."
    )
    clear = [r for r in report.results if r.verdict in (LINKED, PROTECTIVE)]
    decided = {r.trigger for r in clear}
    names = {r.trigger for r in report.results}
    thin = sorted(
        n
        for n in names - decided
        if all(r.verdict == NOT_ENOUGH_DATA for r in report.results if r.trigger == n)
    )
    unclear = sorted(names - decided - set(thin))
    in_short = [
        f"{r.trigger}: {r.verdict} ({KIND_TITLES[r.kind].lower()}, {LAG_WORDS[r.lag_days]})"
        for r in clear
    ]
    if unclear:
        in_short.append(f"No clear link: {', '.join(unclear)}")
    if thin:
        in_short.append(f"Not enough data yet: {', '.join(thin)}")
    view = TriggersView(period, report.kept_days, in_short, nothing_named=not report.results)
    for kind in report.kinds:
        mine = [r for r in report.results if r.kind == kind]
        for lag in (0, 1):
            at_lag = [r for r in mine if r.lag_days == lag]
            if not at_lag:
                continue
            shown = (
                at_lag
                if kind == "all" and lag == 0
                else [r for r in at_lag if r.verdict in (LINKED, PROTECTIVE)]
            )
            view.kinds.append(
                KindView(
                    f"{KIND_TITLES[kind]}, on {LAG_WORDS[lag]}",
                    [_finding(r) for r in shown],
                    _others([r for r in at_lag if r not in shown]),
                )
            )
    for d in report.dose:
        unit = units.get(d.trigger) or ""
        verdict = "the rate rises with the amount" if d.rises else "no clear rise with the amount"
        lines = [f"{d.trigger[:1].upper()}{d.trigger[1:]} by amount: {verdict}."]
        lines += [
            f"{level.amount:g} {unit}: {level.rate:.1f} episodes a day over "
            f"{counted(level.days, 'day')}".replace("  ", " ")
            for level in d.levels
        ]
        view.dose.append(lines)
    view.together = [
        f"{' and '.join(g.members)} came together on {g.share:.0%} of the days with any of "
        "them, so they are tested as one."
        for g in report.together
    ]
    for name in sorted(report.noted, key=lambda n: -report.noted[n]):
        noted = f"{name}: noted on {counted(report.noted[name], 'episode')}"
        if name in report.untested:
            noted += " (never named at a check-in, so not tested; tick it at the check-in)"
        view.noted.append(noted)
    return view
