"""Every clinical threshold, its default, its range and its source, in one place.

Each source names the section of docs/clinical-rules.md that explains the threshold, then
the documents behind its default; the configuration file (`diary.config`) overrides any
of them within its range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

RULES_PAGE = "docs/clinical-rules.md"
SECTIONS = ("classification", "flags", "trigger-statistics")  # its headings, as anchors


def _threshold(
    default: float,
    source: str,
    meaning: str,
    *,
    bounds: tuple[float, float],
    section: str | None = None,
    docs: str = "",
) -> Any:
    """A default with its source, what it means, the range a configured value must lie in,
    and the source documents (000-003) that evidence weighed by it cites. The source shown
    is the section of the rules page that explains it, then the documents behind the
    default: 'docs/clinical-rules.md#flags; 002, 003; NHS twitching'."""
    shown = f"{RULES_PAGE}#{section}; {source}" if section else source
    metadata = {"source": shown, "meaning": meaning, "bounds": bounds, "docs": docs}
    return field(default=default, metadata=metadata)


_HOURS = (0, 23)
_DAYS = (1, 366)
_WEIGHT = (0, 10)


@dataclass(frozen=True)
class Thresholds:
    # Classification (docs/clinical-rules.md, "Classification")
    twitch_max_duration_s: float = _threshold(
        5.0,
        "000, 001, 002: twitches are brief, 'a few seconds at most'",
        "an episode this short or shorter points to a twitch",
        bounds=(0.1, 3600),
        section="classification",
    )
    spasm_strong_duration_s: float = _threshold(
        30.0,
        "001, 002: spasms last seconds to minutes; 30 s or more is strong evidence",
        "an episode this long or longer is strong evidence of a spasm",
        bounds=(0.1, 86400),
        section="classification",
    )
    twitch_max_pain: int = _threshold(
        2,
        "000-003: twitches are painless or light",
        "pain at or below this points to a twitch",
        bounds=(0, 10),
        section="classification",
    )
    spasm_min_pain: int = _threshold(
        4,
        "000-003: spasms are moderate to severe pain",
        "pain at or above this points to a spasm",
        bounds=(0, 10),
        section="classification",
    )
    spasm_strong_pain: int = _threshold(
        7,
        "NRS bands: 7-10 is severe pain (Boonstra 2016)",
        "pain at or above this is strong evidence of a spasm (weighs more)",
        bounds=(0, 10),
        section="classification",
    )
    unclear_margin: float = _threshold(
        0.25,
        "conflicting evidence without a clear majority is unclear, never a guess",
        "the winning side needs this share of the evidence more than the other",
        bounds=(0, 1),
        section="classification",
    )
    night_start_hour: int = _threshold(
        22,
        "NHS leg cramps: about three in four happen at night",
        "night begins at this hour",
        bounds=_HOURS,
        section="classification",
    )
    night_end_hour: int = _threshold(
        6,
        "NHS leg cramps: about three in four happen at night",
        "night ends at this hour",
        bounds=_HOURS,
        section="classification",
    )
    # Evidence weights: the features the documents agree on most weigh most.
    weight_duration_brief: float = _threshold(
        2.0,
        "000, 001, 002",
        "weight of a brief episode (twitch)",
        bounds=_WEIGHT,
        docs="000, 001, 002",
        section="classification",
    )
    weight_duration_long: float = _threshold(
        3.0,
        "001, 002",
        "weight of a long episode (spasm)",
        bounds=_WEIGHT,
        docs="001, 002",
        section="classification",
    )
    weight_duration_middle: float = _threshold(
        1.0,
        "001, 002",
        "weight of a middling duration (spasm, weak)",
        bounds=_WEIGHT,
        docs="001, 002",
        section="classification",
    )
    weight_pain_light: float = _threshold(
        2.0,
        "000, 001, 002",
        "weight of none or light pain (twitch)",
        bounds=_WEIGHT,
        docs="000, 001, 002",
        section="classification",
    )
    weight_pain_moderate: float = _threshold(
        2.0,
        "001, 002, 003",
        "weight of moderate pain (spasm)",
        bounds=_WEIGHT,
        docs="001, 002, 003",
        section="classification",
    )
    weight_pain_strong: float = _threshold(
        3.0,
        "001, 002, 003",
        "weight of strong pain (spasm)",
        bounds=_WEIGHT,
        docs="001, 002, 003",
        section="classification",
    )
    weight_visible: float = _threshold(
        2.0,
        "001, 002, 003",
        "weight of a flicker (twitch) or a bulge (spasm)",
        bounds=_WEIGHT,
        docs="001, 002, 003",
        section="classification",
    )
    weight_tightness: float = _threshold(
        1.5,
        "001, 002, 003",
        "weight of stiffness, and of limited motion (spasm)",
        bounds=_WEIGHT,
        docs="001, 002, 003",
        section="classification",
    )
    weight_no_tightness: float = _threshold(
        0.5,
        "001",
        "weight of no tightness and full motion (twitch, weak)",
        bounds=_WEIGHT,
        docs="001",
        section="classification",
    )
    weight_rhythmic: float = _threshold(
        1.0,
        "001 (clonus)",
        "weight of a rhythmic series (twitch)",
        bounds=_WEIGHT,
        docs="001",
        section="classification",
    )
    weight_site: float = _threshold(
        1.0,
        "001, 003",
        "weight of a small (twitch) or large or smooth (spasm) muscle site",
        bounds=_WEIGHT,
        docs="001, 003",
        section="classification",
    )
    weight_trigger_each: float = _threshold(
        0.5,
        "000-003 cause lists",
        "weight of each trigger typical of one kind",
        bounds=_WEIGHT,
        docs="000, 001, 002, 003",
        section="classification",
    )
    weight_trigger_max: float = _threshold(
        1.0,
        "000-003 cause lists",
        "most weight triggers can add to one side",
        bounds=_WEIGHT,
        docs="000, 001, 002, 003",
        section="classification",
    )
    # Flags (docs/clinical-rules.md, "Flags")
    active_window_days: int = _threshold(
        28,
        "a flag must cite recent evidence",
        "a flag is active with evidence from this many days",
        bounds=_DAYS,
        section="flags",
    )
    urgent_recent_days: int = _threshold(
        2,
        "seek-care-now advice is about what is happening now (NHS: call 999 for sudden "
        "difficulty breathing); serotonin toxicity mostly starts within hours of a dose "
        "(Boyer & Shannon 2005, NEJM 352:1112); older, the doctor needs to hear of it",
        "an urgent sign says 'seek care now' while logged within this many days (the "
        "as-of day and the day before), then reminds to tell the doctor",
        bounds=(1, 28),
        section="flags",
    )
    severe_pain_min: int = _threshold(
        8,
        "001 'unbearable', 002; Boonstra 2016: NRS >= 8 is severe for chronic muscle pain",
        "pain at or above this raises severe_pain",
        bounds=(0, 10),
        section="flags",
    )
    prolonged_spasm_s: float = _threshold(
        600.0,
        "001, 002 'longer than normal'; NHS, NICE CKS: cramps last up to 10 min",
        "a skeletal spasm longer than this raises prolonged_spasm",
        bounds=(1, 86400),
        section="flags",
    )
    lingering_soreness_h: float = _threshold(
        24.0,
        "002 'soreness doesn't go away'; NHS: tender up to 24 h is normal",
        "soreness after a spasm longer than this raises lingering_soreness",
        bounds=(0, 2160),
        section="flags",
    )
    persistent_min_days: int = _threshold(
        4,
        "002, 003 'no more than a few days'",
        "distinct days of twitching at one site",
        bounds=(1, 366),
        section="flags",
    )
    persistent_window_days: int = _threshold(
        7,
        "002, 003; NHS twitching",
        "those days fall within this many days (watch)",
        bounds=_DAYS,
        section="flags",
    )
    persistent_span_days: int = _threshold(
        14,
        "NHS twitching: see a GP after 2 weeks",
        "first and last day further apart (doctor)",
        bounds=_DAYS,
        section="flags",
    )
    persistent_sites: int = _threshold(
        2,
        "NHS twitching: in more than one place",
        "sites twitching at once (doctor)",
        bounds=(1, 100),
        section="flags",
    )
    recurring_min_per_week: int = _threshold(
        3,
        "002, 003; NICE CKS: 3+ a week is the frequent group",
        "spasms in each of two back-to-back weeks",
        bounds=(1, 1000),
        section="flags",
    )
    recurring_week_days: int = _threshold(
        7,
        "NICE CKS counts cramps a week",
        "length of each of the two back-to-back windows of recurring_spasms",
        bounds=(1, 183),
        section="flags",
    )
    worsening_window_days: int = _threshold(
        14,
        "001 'frequent and persistent', 002",
        "length of each compared window",
        bounds=(1, 183),
        section="flags",
    )
    worsening_rate_ratio: float = _threshold(
        1.5,
        "a 50% rise is a change worth a visit",
        "episode rate ratio, last window over the one before",
        bounds=(1, 100),
        section="flags",
    )
    worsening_p_value: float = _threshold(
        0.05,
        "one-sided exact Poisson test at the usual 5% level",
        "the rise must be this unlikely by chance",
        bounds=(1e-9, 0.5),
        section="flags",
    )
    worsening_pain_rise: float = _threshold(
        2.0,
        "NRS: a change of 2 points is clinically meaningful",
        "rise in mean pain",
        bounds=(0.1, 10),
        section="flags",
    )
    worsening_pain_min_episodes: int = _threshold(
        3,
        "too few episodes give no mean worth comparing",
        "episodes needed in each window to compare pain",
        bounds=(1, 1000),
        section="flags",
    )

    # Warning signs around twitching (docs/clinical-rules.md, "Warning signs")
    progressive_weakness_gap_days: int = _threshold(
        7,
        "001, 003 (weakness); MND Association / RCGP red-flag tool: symptoms with "
        "progression over time",
        "weakness at one site on two days at least this far apart",
        bounds=(1, 365),
        section="flags",
    )
    serotonergic_window_days: int = _threshold(
        35,
        "Hunter criteria (Dunkley et al. 2003, QJM 96:635): clonus with a serotonergic "
        "agent; fluoxetine label: allow at least 5 weeks after stopping it",
        "days after a logged serotonergic medicine in which clonus is urgent",
        bounds=(1, 365),
        section="flags",
    )

    # Trigger statistics (docs/clinical-rules.md, "Trigger statistics")
    trigger_window_days: int = _threshold(
        90,
        "daily-diary trigger studies need about three months of days (N1-Headache asks "
        "for 90 days of check-ins)",
        "days `diary triggers` looks back over by default",
        bounds=(7, 36600),
        section="trigger-statistics",
    )
    trigger_min_days: int = _threshold(
        3,
        "the diary's floor: a rate from fewer than 3 kept days on either side says nothing",
        "kept days needed with and without an exposure before it is tested",
        bounds=(1, 365),
        section="trigger-statistics",
    )
    trigger_min_episodes: int = _threshold(
        5,
        "the diary's floor: fewer than 5 contractions in all say nothing",
        "contractions needed in all before an exposure is tested",
        bounds=(1, 10000),
        section="trigger-statistics",
    )
    trigger_alpha: float = _threshold(
        0.05,
        "Benjamini & Hochberg 1995 (J R Stat Soc B 57:289-300): false discovery rate 5%",
        "a link needs q below this",
        bounds=(1e-6, 0.5),
        section="trigger-statistics",
    )
    trigger_together_share: float = _threshold(
        0.8,
        "the diary's rule: exposures had on 80% or more of the same days cannot be told apart",
        "share of days with either exposure on which both were had",
        bounds=(0.5, 1.0),
        section="trigger-statistics",
    )
    trigger_detect_ratio: float = _threshold(
        2.0,
        "a doubling of the rate is the smallest link worth changing a habit for",
        "rate ratio the days-needed estimate aims to detect",
        bounds=(1.1, 100),
        section="trigger-statistics",
    )
    trigger_power: float = _threshold(
        0.8,
        "the usual 80% power (Cohen 1988)",
        "chance of detecting that ratio the days-needed estimate aims for",
        bounds=(0.5, 0.99),
        section="trigger-statistics",
    )
    trigger_permutations: int = _threshold(
        10000,
        "10,000 seeded shuffles estimate a p-value near 0.05 to within about 0.004 (binomial "
        "standard error 0.0022); Besag & Clifford 1991 stop early once a difference is "
        "clearly unremarkable",
        "shuffles of the exposure over the kept days in the permutation test",
        bounds=(1000, 1000000),
        section="trigger-statistics",
    )
    trigger_dose_levels: int = _threshold(
        3,
        "a line through two amounts cannot show a trend: at least three distinct amounts",
        "distinct amounts needed for a dose-response line",
        bounds=(2, 100),
        section="trigger-statistics",
    )

    def describe(self) -> list[tuple[str, float, str, str]]:
        """(name, value, meaning, source) for every threshold, in declaration order."""
        return [
            (f.name, getattr(self, f.name), f.metadata["meaning"], f.metadata["source"])
            for f in dataclasses.fields(self)
        ]


DEFAULTS = Thresholds()
