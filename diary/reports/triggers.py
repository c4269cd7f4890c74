"""`diary triggers` as JSON and as text a person reads in ten seconds: words first, numbers
after, `no clear link` said as plainly as `linked`."""

from __future__ import annotations

import shlex
import textwrap
from collections.abc import Sequence
from typing import Any

from diary.analysis.triggers import (
    LINKED,
    NOT_ENOUGH_DATA,
    PROTECTIVE,
    DoseResponse,
    TriggerReport,
    TriggerResult,
    headline_of,
)

CAVEAT = (
    "A link is a pattern in your own kept days, not proof that one causes the other: "
    "something that comes with it may be the cause. Bring it to your doctor rather than "
    "acting on it alone."
)
KIND_TITLES = {"all": "All episodes", "twitch": "Twitches", "spasm": "Spasms and cramps"}
LAG_WORDS = {0: "the same day", 1: "the day after"}


def every_day_words(names: Sequence[str]) -> str:
    """'had on every kept day, so nothing to compare with: caffeine; only days planned
    without it can tell (`diary experiment plan caffeine`)'. More days of the same will not
    tell, so it is not "not enough data yet"."""
    first = names[0].split(" + ")[0]
    which = "it" if len(names) == 1 and " + " not in names[0] else "one of them"
    return (
        f"had on every kept day, so nothing to compare with: {', '.join(names)}; only days "
        f"planned without {which} can tell (`diary experiment plan {shlex.quote(first)}`)"
    )


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _pair(pair: tuple[float | None, float | None] | None) -> list[float | None] | None:
    return None if pair is None else [_rounded(pair[0]), _rounded(pair[1])]


def result_dict(r: TriggerResult) -> dict[str, Any]:
    return {
        "trigger": r.trigger,
        "kind": r.kind,
        "lag_days": r.lag_days,
        "exposed_days": r.exposed_days,
        "unexposed_days": r.unexposed_days,
        "episodes_exposed": r.episodes_exposed,
        "episodes_unexposed": r.episodes_unexposed,
        "days_with_episodes_exposed": r.days_with_episodes_exposed,
        "days_with_episodes_unexposed": r.days_with_episodes_unexposed,
        "rate_ratio": _rounded(r.rate_ratio),
        "ci95": _pair(r.ci95),
        "ci95_exact": _pair(r.ci95_exact),
        "dispersion": _rounded(r.dispersion),
        "p": r.p,
        "p_days": r.p_days,
        "p_permutation": r.p_permutation,
        "p_verdict": r.p_verdict,
        "q": r.q,
        "verdict": r.verdict,
        "days_needed": r.days_needed,
        "missing": r.missing,
        "in_runs": r.in_runs,
        "p_runs": r.p_runs,
        "runs_note": r.runs_note,
        "members": list(r.members),
    }


def dose_dict(d: DoseResponse) -> dict[str, Any]:
    return {
        "trigger": d.trigger,
        "levels": [
            {
                "amount": level.amount,
                "days": level.days,
                "episodes": level.contractions,
                "rate": _rounded(level.rate),
                "ci95": _pair(level.ci95),
            }
            for level in d.levels
        ],
        "trend_z": _rounded(d.slope_z),
        "p": d.p,
        "rises": d.rises,
    }


def triggers_dict(report: TriggerReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "kept_days": report.kept_days,
        "period_days": report.period_days,
        "kinds": list(report.kinds),
        "results": [result_dict(r) for r in report.results],
        "dose_response": [dose_dict(d) for d in report.dose],
        "not_separable": [
            {"exposures": list(g.members), "share": _rounded(g.share)} for g in report.together
        ],
        "noted": report.noted,
        "untested": report.untested,
        "caveat": CAVEAT,
    }


def ratio_text(value: float | None, *, unbounded: str = "no upper bound") -> str:
    """A rate ratio as people read it: 38, 4.1, 0.84; 'over 1000' past that."""
    if value is None:
        return unbounded
    if value > 1000:
        return "over 1000"
    if value >= 9.95:
        return f"{value:.0f}"
    if value >= 0.995:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _times(value: float | None) -> str:
    return ratio_text(value) + ("" if value is None else "×")


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _name(result: TriggerResult) -> str:
    title = result.trigger
    return title[:1].upper() + title[1:]


def _p(value: float | None) -> str:
    if value is None:
        return "-"
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}" if value < 0.01 else f"{value:.2f}"


CHANCE = (
    "not counted as a link: many exposures and days were compared, and across that many "
    "comparisons a difference this size turns up by chance"
)


def result_line(
    r: TriggerResult,
    *,
    units: dict[str, str | None] | None = None,
    width: int = 100,
    detail: bool = False,
) -> str:
    """'Caffeine: episodes on 9 of 14 days with it, against 3 of 47 without: linked
    (about 3.8× the rate, 95% interval 2.2× to 6.8×)', then, with `detail`, the numbers."""
    name = _name(r)
    if r.verdict == NOT_ENOUGH_DATA:
        text = f"{name}: not enough data: {r.missing}."
        if r.days_needed:
            text += (
                f" About {r.days_needed} more kept days at the current rates would show a doubling."
            )
        return _wrapped(text, first="  ", width=width)
    words = (
        f"{name}: episodes on {r.days_with_episodes_exposed} of {_days(r.exposed_days)} "
        f"with it, against {r.days_with_episodes_unexposed} of {r.unexposed_days} without: "
        f"{r.verdict}"
    )
    if r.rate_ratio is not None and r.ci95 is not None:
        about = "about " if r.verdict in (LINKED, PROTECTIVE) else ""
        words += (
            f" ({about}{_times(r.rate_ratio)} the rate, 95% interval "
            f"{_times(r.ci95[0])} to {_times(r.ci95[1])})"
        )
        low, high = r.ci95
        apart = (low is not None and low > 1) or (high is not None and high < 1)
        if r.runs_note:  # it came in runs: why it stays uncertain, and the way to know
            words += f"; {r.runs_note}"
        elif r.verdict not in (LINKED, PROTECTIVE) and apart:
            words += f"; {CHANCE}"
    text = _wrapped(f"{words}.", first="  ", width=width)
    if not detail:
        return text
    numbers = (
        f"{r.episodes_exposed} vs {r.episodes_unexposed} contractions; "
        f"p {_p(r.p)}, days p {_p(r.p_days)}, permutation p {_p(r.p_permutation)}, "
        f"q {_p(r.q)}"
    )
    if r.dispersion is not None and r.dispersion > 1:
        numbers += f"; days vary {r.dispersion:.1f}× Poisson, interval widened"
    if r.in_runs:
        numbers += f"; it came in runs of days: whole weeks shuffled, p {_p(r.p_runs)}"
    return text + "\n" + _wrapped(numbers, first="      ", hang="      ", width=width)


def _dose_line(
    d: DoseResponse,
    units: dict[str, str | None],
    *,
    linked: bool,
    width: int = 100,
    detail: bool = False,
) -> str:
    unit = units.get(d.trigger) or ""
    title = d.trigger[:1].upper() + d.trigger[1:]
    if d.rises and linked:
        verdict = "more contractions on days with more of it"
    elif d.rises:
        verdict = (
            "more contractions on days with more of it, though days with it and without it "
            "show no clear link: a hint worth testing, not a finding"
        )
    else:
        verdict = "no clear rise with the amount"
    trend = f" (trend p {_p(d.p)})" if detail else ""
    lines = [_wrapped(f"{title} by amount, on the same day: {verdict}{trend}.", width=width)]
    for level in d.levels:
        named = unit[:-1] if level.amount == 1 and unit.endswith("s") else unit
        amount = f"{level.amount:g}{' ' + named if named else ''}"
        if detail:
            text = (
                f"{amount}: {level.rate:.1f} contractions a day (95% interval "
                f"{level.ci95[0]:.1f} to {level.ci95[1]:.1f}) over {_days(level.days)}"
            )
        else:
            text = f"{amount}: {level.rate:.1f} contractions a day over {_days(level.days)}"
        lines.append(_wrapped(text, first="  ", width=width))
    return "\n".join(lines)


def _wrapped(text: str, *, first: str = "", hang: str | None = None, width: int = 100) -> str:
    """Wrapped to a terminal's width; the lines after the first hang under an item."""
    return textwrap.fill(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=(first + "    " if first else "") if hang is None else hang,
        break_on_hyphens=False,
        break_long_words=False,
    )


def triggers_text(
    report: TriggerReport,
    *,
    units: dict[str, str | None] | None = None,
    width: int = 100,
    detail: bool = False,
) -> str:
    """The plain-words summary first; the statistics with `detail`."""
    units = units or {}
    lines = [
        _wrapped(
            f"Triggers: kept days from {report.since:%a %d %b %Y} to {report.until:%a %d %b %Y} "
            f"({report.kept_days} of {report.period_days} days kept)",
            width=width,
        )
    ]
    if report.kept_days == 0:
        lines += [
            "",
            _wrapped(
                "No kept days in this period, so nothing can be compared: only days checked "
                "in with `diary day` count (a day never checked in says nothing about what "
                "happened).",
                width=width,
            ),
        ]
        return "\n".join(lines) + "\n"
    if not report.results:
        lines += [
            "",
            _wrapped(
                "No exposure was named at a check-in in this period: `diary day --had "
                "coffee=2` records one.",
                width=width,
            ),
        ]
    if report.results:  # the plain words open the report
        lines = [_wrapped(_in_short(report), width=width), "", *lines]
    for kind in report.kinds:
        mine = [r for r in report.results if r.kind == kind]
        if not mine:
            continue
        same_day = [r for r in mine if r.lag_days == 0]
        next_day = [r for r in mine if r.lag_days == 1]
        lines += ["", f"{KIND_TITLES[kind]}, on the same day:"]
        if kind == "all":
            lines += [result_line(r, width=width, detail=detail) for r in same_day]
        else:
            clear = [r for r in same_day if r.verdict in (LINKED, PROTECTIVE)]
            lines += [result_line(r, width=width, detail=detail) for r in clear]
            lines.append(_wrapped(_others(same_day, clear), first="  ", width=width))
        clear_next = [r for r in next_day if r.verdict in (LINKED, PROTECTIVE)]
        lines.append(f"{KIND_TITLES[kind]}, on the day after:")
        lines += [result_line(r, width=width, detail=detail) for r in clear_next]
        lines.append(_wrapped(_others(next_day, clear_next), first="  ", width=width))
    if report.dose:
        for d in report.dose:
            linked = any(
                r.trigger == d.trigger and r.lag_days == 0 and r.verdict == LINKED
                for r in report.results
            )
            lines += ["", _dose_line(d, units, linked=linked, width=width, detail=detail)]
    if not detail and report.results:
        lines += ["", _wrapped("`diary triggers --detail` adds the statistics.", width=width)]
    for group in report.together:
        names = " and ".join(group.members)
        lines += [
            "",
            _wrapped(
                f"Cannot be told apart: {names} came together on {group.share:.0%} of the "
                f"days with any of them, so they are tested as one "
                f"({' + '.join(group.members)}).",
                width=width,
            ),
        ]
    if report.noted:
        lines += ["", "Noted on episodes:"]
        lines += [
            _wrapped(_noted(report, n), first="  ", width=width)
            for n in sorted(report.noted, key=lambda n: -report.noted[n])
        ]
    lines += ["", _wrapped(CAVEAT, width=width)]
    return "\n".join(lines) + "\n"


def _in_short(report: TriggerReport) -> str:
    """'In short: linked: caffeine (twitches, the same day). No clear link: stress. Not
    enough data: alcohol.'"""
    clear: dict[str, list[str]] = {}
    for r in report.results:
        if r.verdict in (LINKED, PROTECTIVE):
            where = f"{KIND_TITLES[r.kind].lower()}, {LAG_WORDS[r.lag_days]}"
            clear.setdefault(f"{r.verdict}: {r.trigger}", []).append(where)
    names = {r.trigger for r in report.results}
    decided = {key.split(": ", 1)[1] for key in clear}
    thin = headline_of(report)  # what is short of data, and what was had every day
    unclear = sorted(names - decided - set(thin.not_enough_data))
    parts = [f"{key} ({'; '.join(where)})" for key, where in clear.items()]
    if unclear:
        parts.append(f"no clear link: {', '.join(unclear)}")
    if thin.short_of_days:
        parts.append(f"not enough data yet: {', '.join(thin.short_of_days)}")
    if thin.every_day:
        parts.append(every_day_words(thin.every_day))
    return "In short: " + ". ".join(part[:1].upper() + part[1:] for part in parts) + "."


def _others(results: list[TriggerResult], shown: list[TriggerResult]) -> str:
    rest = [r for r in results if r not in shown]
    if not rest:
        return "nothing else to compare." if shown else "nothing to compare."
    unclear = [r.trigger for r in rest if r.verdict != NOT_ENOUGH_DATA]
    thin = [r.trigger for r in rest if r.verdict == NOT_ENOUGH_DATA]
    parts = []
    if unclear:
        parts.append(f"no clear link: {', '.join(unclear)}")
    if thin:
        parts.append(f"not enough data: {', '.join(thin)}")
    return ("Others: " if shown else "") + "; ".join(parts) + "."


def _noted(report: TriggerReport, name: str) -> str:
    count = report.noted[name]
    noted = f"{name} on {count} {'episode' if count == 1 else 'episodes'}"
    if name in report.untested:
        how = f"`diary day --had {shlex.quote(name)}`"
        return f"{noted} (never named at a check-in, so not tested: {how} records it)"
    mine = [r for r in report.results if name in (r.members or (r.trigger,))]
    clear = [r for r in mine if r.verdict in (LINKED, PROTECTIVE)]
    if clear:
        r = clear[0]
        kind = KIND_TITLES[r.kind].lower()
        return f"{noted} (tested on kept days: {r.verdict} for {kind}, {LAG_WORDS[r.lag_days]})"
    tested = next((r for r in mine if r.kind == "all" and r.lag_days == 0), None)
    if tested is None:
        return noted
    return f"{noted} (tested on kept days: {tested.verdict})"
