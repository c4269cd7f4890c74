"""What calm mode shows and says (pure: no I/O): every calm text, the week's view in days
rather than counts, and the charts without per-day twitch series. The use cases, which read
and count, are in `diary.services.calm`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diary.analysis.series import ChartData
    from diary.domain import Classification, Episode, Flag

LOUD = ("urgent", "doctor")  # severities calm mode never touches

# --- wording: every calm text in one place ------------------------------------------------

NOTED = "Noted."

ON_TEXT = """\
Calm mode is on. What changes:
- `diary log` answers "Noted." and nothing more, unless an entry needs a doctor.
- The weekly summary (`diary report weekly`) is the place to look: days with
  twitching rather than counts, and how often summaries were opened.
- `diary flags`, the charts and the page leave out twitch counts and watch-level
  notes; those notes are in the weekly summary.
- The diary counts when summaries, flags and charts are opened (never what was shown).
What never changes:
- Urgent and doctor flags (breathing, speech, swallowing, weakness...) show at once
  and in full, on the command line, on the page and in every report.
- Every entry is kept; JSON, exports and the doctor PDF keep every number.
`diary calm off` brings everything back."""

OFF_TEXT = (
    "Calm mode is off: labels, counts and charts are back as before. "
    "The count of opened summaries is kept."
)

FLAGS_ELSEWHERE = "Calm mode: watch-level notes are in the weekly summary (`diary report weekly`)."
NO_LOUD_FLAGS = "No flags that need a doctor as of {day:%a %d %b %Y}."

BASE_RATES_TITLE = "Twitching: what is known"
BASE_RATES = (
    "Twitching is common: about 70% of healthy people notice it (Reed & Kurland 1963, as "
    "cited by Blexrud 1993).",
    "Of 121 Mayo Clinic patients with benign fasciculations followed for 2 to 32 years, none "
    "developed motor neuron disease (Blexrud, Windebank & Daube, Ann Neurol 1993;34:622-5); "
    "a 2024 review of 180 patients found the same (Mattiuzzi & Lippi, Neurol Sci 2024).",
    "ALS is rare: about 2 new cases per 100,000 people a year (Logroscino et al., "
    "J Neurol Neurosurg Psychiatry 2010).",
    "The clue to benign twitching is the absence of weakness (Turner & Talbot, Pract Neurol "
    "2013): weakness is a sign to log, and the diary flags it at once.",
)
BASE_RATES_ONCE = "These figures show once a week."
CHECKS_LINE = "summaries opened this week: {this} (last week {last})"
CHECKS_ADVICE = (
    "Checking the body and seeking reassurance keep health worry going (Salkovskis & Warwick, "
    "Behav Res Ther 1986); the NHS advice on health anxiety is to count checks and cut them "
    "down over the weeks."
)
GP_LINE = (
    "If worry about your health gets in the way of life, talk to a GP: CBT for health "
    "anxiety works."
)
WEEKLY_ON_PAGE = "The weekly summary"


def loud(flags: Iterable[Flag]) -> list[Flag]:
    """The urgent and doctor flags: calm mode shows these exactly as ever."""
    return [f for f in flags if f.severity in LOUD]


@dataclass(frozen=True)
class CalmWeek:
    """What the weekly summary shows in calm mode instead of counts."""

    days: int  # days of the week so far
    twitch_days: int
    unclear_days: int
    spasms: int  # spasm and cramp entries (their pain is shown as ever)
    night_cramps: int  # of those, at night
    spasm_pain_mean: float | None
    spasm_pain_max: int | None
    checks_this_week: int
    checks_last_week: int
    base_rates: bool  # the first weekly summary opened this week shows the base rates

    def body(self) -> list[str]:
        """The lines that stand in for the week's counts, tables and comparison."""
        lines = [f"Twitching on {self.twitch_days} of {self.days} days."]
        if self.unclear_days:
            lines.append(f"Other entries on {self.unclear_days} of {self.days} days.")
        if self.spasms:
            night = f" ({self.night_cramps} at night)" if self.night_cramps else ""
            plural = "" if self.spasms == 1 else "s"
            lines.append(
                f"Spasms or cramps: {self.spasms} entr{'y' if plural == '' else 'ies'}{night}; "
                f"pain mean {self.spasm_pain_mean}/10, max {self.spasm_pain_max}/10."
            )
        else:
            lines.append("No spasms or cramps.")
        return lines

    def closing(self) -> list[str]:
        """The lines after the flags: base rates (once a week), the checks, the GP line."""
        lines: list[str] = []
        if self.base_rates:
            lines += [f"{BASE_RATES_TITLE}:", *(f"- {line}" for line in BASE_RATES)]
            lines.append(BASE_RATES_ONCE)
        lines += [
            CHECKS_LINE.format(this=self.checks_this_week, last=self.checks_last_week),
            CHECKS_ADVICE,
            GP_LINE,
        ]
        return lines

    def closing_markdown(self) -> list[str]:
        """`closing` as markdown: a section for the base rates, then one paragraph a line."""
        lines: list[str] = []
        if self.base_rates:
            lines += ["", f"## {BASE_RATES_TITLE}", "", *(f"- {line}" for line in BASE_RATES)]
            lines += ["", f"*{BASE_RATES_ONCE}*"]
        lines += ["", "## Checking", ""]
        lines += [CHECKS_LINE.format(this=self.checks_this_week, last=self.checks_last_week)]
        lines += ["", CHECKS_ADVICE, "", f"**{GP_LINE}**"]
        return lines


def calm_week(
    episodes: Sequence[Episode],
    labels: dict[int, Classification],
    *,
    week_start: date,
    days: int,
    checks: tuple[int, int],
    base_rates: bool,
) -> CalmWeek:
    """Pure: the week's episodes and their labels in, the calm view out."""
    end = week_start + timedelta(days=7)
    this = [e for e in episodes if week_start <= e.at.date() < end]

    def days_with(label: str) -> int:
        return len({e.at.date() for e in this if labels[e.id].label == label})

    spasms = [e for e in this if labels[e.id].label == "spasm"]
    return CalmWeek(
        days=days,
        twitch_days=days_with("twitch"),
        unclear_days=days_with("unclear"),
        spasms=len(spasms),
        night_cramps=sum(1 for e in spasms if labels[e.id].subtype == "nocturnal"),
        spasm_pain_mean=round(fmean(e.pain for e in spasms), 1) if spasms else None,
        spasm_pain_max=max((e.pain for e in spasms), default=None),
        checks_this_week=checks[0],
        checks_last_week=checks[1],
        base_rates=base_rates,
    )


CHARTS_NOTE = (
    "calm mode: the charts leave out per-day twitch counts and twitch trends; the weekly "
    "summary shows the days with twitching"
)


def charts_view(data: ChartData) -> ChartData:
    """The chart data without per-day twitch counts or twitch trends: no twitch bars per day,
    no 7-day average (it counts twitches), no per-day entry marks, no twitch pain series.
    Spasm and cramp bars and pain, and the charts over the whole period, stay."""
    n = len(data.days)
    return dataclasses.replace(
        data,
        daily={**data.daily, "twitch": [0] * n},
        rolling_mean=[None] * n,
        entries=None,
        pain_daily={**data.pain_daily, "twitch": [None] * n},
        pain_rolling_median={**data.pain_rolling_median, "twitch": [None] * n},
        pain_points={**data.pain_points, "twitch": []},
    )
