"""Every clinical threshold, its default and its source, in one place.

docs/clinical-rules.md describes each; a TOML file (``[thresholds]`` table) in the user
config directory, or the file named by ``DIARY_CONFIG``, overrides any of them.
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diary.errors import ConfigError


def _threshold(
    default: float, source: str, meaning: str, *, bounds: tuple[float, float], docs: str = ""
) -> Any:
    """A default with its source, what it means, the range a configured value must lie in,
    and the source documents (000-003) that evidence weighed by it cites."""
    metadata = {"source": source, "meaning": meaning, "bounds": bounds, "docs": docs}
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
    )
    spasm_strong_duration_s: float = _threshold(
        30.0,
        "001, 002: spasms last seconds to minutes; 30 s or more is strong evidence",
        "an episode this long or longer is strong evidence of a spasm",
        bounds=(0.1, 86400),
    )
    twitch_max_pain: int = _threshold(
        2,
        "000-003: twitches are painless or light",
        "pain at or below this points to a twitch",
        bounds=(0, 10),
    )
    spasm_min_pain: int = _threshold(
        4,
        "000-003: spasms are moderate to severe pain",
        "pain at or above this points to a spasm",
        bounds=(0, 10),
    )
    spasm_strong_pain: int = _threshold(
        7,
        "NRS bands: 7-10 is severe pain (Boonstra 2016)",
        "pain at or above this is strong evidence of a spasm (weighs more)",
        bounds=(0, 10),
    )
    unclear_margin: float = _threshold(
        0.25,
        "conflicting evidence without a clear majority is unclear, never a guess",
        "the winning side needs this share of the evidence more than the other",
        bounds=(0, 1),
    )
    night_start_hour: int = _threshold(
        22,
        "NHS leg cramps: about three in four happen at night",
        "night begins at this hour",
        bounds=_HOURS,
    )
    night_end_hour: int = _threshold(
        6,
        "NHS leg cramps: about three in four happen at night",
        "night ends at this hour",
        bounds=_HOURS,
    )
    # Evidence weights: the features the documents agree on most weigh most.
    weight_duration_brief: float = _threshold(
        2.0,
        "000, 001, 002",
        "weight of a brief episode (twitch)",
        bounds=_WEIGHT,
        docs="000, 001, 002",
    )
    weight_duration_long: float = _threshold(
        3.0, "001, 002", "weight of a long episode (spasm)", bounds=_WEIGHT, docs="001, 002"
    )
    weight_duration_middle: float = _threshold(
        1.0,
        "001, 002",
        "weight of a middling duration (spasm, weak)",
        bounds=_WEIGHT,
        docs="001, 002",
    )
    weight_pain_light: float = _threshold(
        2.0,
        "000, 001, 002",
        "weight of none or light pain (twitch)",
        bounds=_WEIGHT,
        docs="000, 001, 002",
    )
    weight_pain_moderate: float = _threshold(
        2.0,
        "001, 002, 003",
        "weight of moderate pain (spasm)",
        bounds=_WEIGHT,
        docs="001, 002, 003",
    )
    weight_pain_strong: float = _threshold(
        3.0,
        "001, 002, 003",
        "weight of strong pain (spasm)",
        bounds=_WEIGHT,
        docs="001, 002, 003",
    )
    weight_visible: float = _threshold(
        2.0,
        "001, 002, 003",
        "weight of a flicker (twitch) or a bulge (spasm)",
        bounds=_WEIGHT,
        docs="001, 002, 003",
    )
    weight_tightness: float = _threshold(
        1.5,
        "001, 002, 003",
        "weight of stiffness, and of limited motion (spasm)",
        bounds=_WEIGHT,
        docs="001, 002, 003",
    )
    weight_no_tightness: float = _threshold(
        0.5,
        "001",
        "weight of no tightness and full motion (twitch, weak)",
        bounds=_WEIGHT,
        docs="001",
    )
    weight_rhythmic: float = _threshold(
        1.0, "001 (clonus)", "weight of a rhythmic series (twitch)", bounds=_WEIGHT, docs="001"
    )
    weight_site: float = _threshold(
        1.0,
        "001, 003",
        "weight of a small (twitch) or large or smooth (spasm) muscle site",
        bounds=_WEIGHT,
        docs="001, 003",
    )
    weight_trigger_each: float = _threshold(
        0.5,
        "000-003 cause lists",
        "weight of each trigger typical of one kind",
        bounds=_WEIGHT,
        docs="000, 001, 002, 003",
    )
    weight_trigger_max: float = _threshold(
        1.0,
        "000-003 cause lists",
        "most weight triggers can add to one side",
        bounds=_WEIGHT,
        docs="000, 001, 002, 003",
    )
    # Flags (docs/clinical-rules.md, "Flags")
    active_window_days: int = _threshold(
        28,
        "a flag must cite recent evidence",
        "a flag is active with evidence from this many days",
        bounds=_DAYS,
    )
    severe_pain_min: int = _threshold(
        8,
        "001 'unbearable', 002; Boonstra 2016: NRS >= 8 is severe for chronic muscle pain",
        "pain at or above this raises severe_pain",
        bounds=(0, 10),
    )
    prolonged_spasm_s: float = _threshold(
        600.0,
        "001, 002 'longer than normal'; NHS, NICE CKS: cramps last up to 10 min",
        "a skeletal spasm longer than this raises prolonged_spasm",
        bounds=(1, 86400),
    )
    lingering_soreness_h: float = _threshold(
        24.0,
        "002 'soreness doesn't go away'; NHS: tender up to 24 h is normal",
        "soreness after a spasm longer than this raises lingering_soreness",
        bounds=(0, 2160),
    )
    persistent_min_days: int = _threshold(
        4,
        "002, 003 'no more than a few days'",
        "distinct days of twitching at one site",
        bounds=(1, 366),
    )
    persistent_window_days: int = _threshold(
        7,
        "002, 003; NHS twitching",
        "those days fall within this many days (watch)",
        bounds=_DAYS,
    )
    persistent_span_days: int = _threshold(
        14,
        "NHS twitching: see a GP after 2 weeks",
        "first and last day further apart (doctor)",
        bounds=_DAYS,
    )
    persistent_sites: int = _threshold(
        2,
        "NHS twitching: in more than one place",
        "sites twitching at once (doctor)",
        bounds=(1, 100),
    )
    recurring_min_per_week: int = _threshold(
        3,
        "002, 003; NICE CKS: 3+ a week is the frequent group",
        "spasms in each of two back-to-back weeks",
        bounds=(1, 1000),
    )
    recurring_week_days: int = _threshold(
        7,
        "NICE CKS counts cramps a week",
        "length of each of the two back-to-back windows of recurring_spasms",
        bounds=(1, 183),
    )
    worsening_window_days: int = _threshold(
        14,
        "001 'frequent and persistent', 002",
        "length of each compared window",
        bounds=(1, 183),
    )
    worsening_rate_ratio: float = _threshold(
        1.5,
        "a 50% rise is a change worth a visit",
        "episode rate ratio, last window over the one before",
        bounds=(1, 100),
    )
    worsening_p_value: float = _threshold(
        0.05,
        "one-sided exact Poisson test at the usual 5% level",
        "the rise must be this unlikely by chance",
        bounds=(1e-9, 0.5),
    )
    worsening_pain_rise: float = _threshold(
        2.0,
        "NRS: a change of 2 points is clinically meaningful",
        "rise in mean pain",
        bounds=(0.1, 10),
    )
    worsening_pain_min_episodes: int = _threshold(
        3,
        "too few episodes give no mean worth comparing",
        "episodes needed in each window to compare pain",
        bounds=(1, 1000),
    )

    # Warning signs around twitching (docs/clinical-rules.md, "Warning signs")
    progressive_weakness_gap_days: int = _threshold(
        7,
        "MND Association / RCGP red-flag tool: symptoms with progression over time; "
        "CLINICAL_RULES 5",
        "weakness at one site on two days at least this far apart",
        bounds=(1, 365),
    )
    serotonergic_window_days: int = _threshold(
        35,
        "CLINICAL_RULES 5: clonus within 5 weeks after a serotonergic medicine; Hunter "
        "criteria (Dunkley et al. 2003, QJM 96:635)",
        "days after a logged serotonergic medicine in which clonus is urgent",
        bounds=(1, 365),
    )

    # Trigger statistics (docs/clinical-rules.md, "Trigger statistics")
    trigger_window_days: int = _threshold(
        90,
        "daily-diary trigger studies need about three months of days (N1-Headache asks "
        "for 90 days of check-ins)",
        "days `diary triggers` looks back over by default",
        bounds=(7, 36600),
    )
    trigger_min_days: int = _threshold(
        3,
        "CLINICAL_RULES 7: fewer than 3 exposed or unexposed kept days say nothing",
        "kept days needed with and without an exposure before it is tested",
        bounds=(1, 365),
    )
    trigger_min_episodes: int = _threshold(
        5,
        "CLINICAL_RULES 7: fewer than 5 episodes in all say nothing",
        "contractions needed in all before an exposure is tested",
        bounds=(1, 10000),
    )
    trigger_alpha: float = _threshold(
        0.05,
        "Benjamini & Hochberg 1995 (J R Stat Soc B 57:289-300): false discovery rate 5%",
        "a link needs q below this",
        bounds=(1e-6, 0.5),
    )
    trigger_together_share: float = _threshold(
        0.8,
        "CLINICAL_RULES 7: exposures on >= 80% of the same days cannot be told apart",
        "share of days with either exposure on which both were had",
        bounds=(0.5, 1.0),
    )
    trigger_detect_ratio: float = _threshold(
        2.0,
        "the issue: 'how many more kept days would detect a doubling'",
        "rate ratio the days-needed estimate aims to detect",
        bounds=(1.1, 100),
    )
    trigger_power: float = _threshold(
        0.8,
        "the usual 80% power (Cohen 1988)",
        "chance of detecting that ratio the days-needed estimate aims for",
        bounds=(0.5, 0.99),
    )
    trigger_permutations: int = _threshold(
        10000,
        "CLINICAL_RULES 7: at least 10,000 seeded shuffles (Besag & Clifford 1991 stop "
        "early once a difference is clearly unremarkable)",
        "shuffles of the exposure over the kept days in the permutation test",
        bounds=(1000, 1000000),
    )
    trigger_dose_levels: int = _threshold(
        3,
        "the issue: a dose-response line needs at least three distinct amounts",
        "distinct amounts needed for a dose-response line",
        bounds=(2, 100),
    )

    def describe(self) -> list[tuple[str, float, str, str]]:
        """(name, value, meaning, source) for every threshold, in declaration order."""
        return [
            (f.name, getattr(self, f.name), f.metadata["meaning"], f.metadata["source"])
            for f in dataclasses.fields(self)
        ]


DEFAULTS = Thresholds()

# Medicines that raise serotonin, matched (case-insensitively, as a word) against the
# name given with a medication trigger (`--trigger medication:sertraline`). Name or brand
# -> its class. Sources: Boyer & Shannon, "The serotonin syndrome", N Engl J Med 2005;
# 352:1112-20 (drugs and interactions associated with the syndrome); Dunkley et al. 2003
# (Hunter criteria: "in the presence of a serotonergic agent"); brand names as on the
# NHS medicines pages and FDA labels.
SEROTONERGIC_MEDICINES: dict[str, str] = {
    **dict.fromkeys(
        [
            "ssri",
            "fluoxetine",
            "prozac",
            "sertraline",
            "zoloft",
            "lustral",
            "paroxetine",
            "paxil",
            "seroxat",
            "citalopram",
            "celexa",
            "cipramil",
            "escitalopram",
            "lexapro",
            "cipralex",
            "fluvoxamine",
            "faverin",
            "luvox",
        ],
        "SSRI",
    ),
    **dict.fromkeys(
        [
            "snri",
            "venlafaxine",
            "effexor",
            "desvenlafaxine",
            "pristiq",
            "duloxetine",
            "cymbalta",
            "milnacipran",
        ],
        "SNRI",
    ),
    **dict.fromkeys(
        [
            "maoi",
            "phenelzine",
            "nardil",
            "tranylcypromine",
            "parnate",
            "isocarboxazid",
            "moclobemide",
            "selegiline",
            "rasagiline",
            "linezolid",
            "zyvox",
            "methylene blue",
            "methylthioninium",
        ],
        "MAO inhibitor",
    ),
    **dict.fromkeys(
        [
            "triptan",
            "sumatriptan",
            "imitrex",
            "imigran",
            "zolmitriptan",
            "zomig",
            "rizatriptan",
            "maxalt",
            "naratriptan",
            "eletriptan",
            "relpax",
            "almotriptan",
            "frovatriptan",
        ],
        "triptan",
    ),
    **dict.fromkeys(
        [
            "tramadol",
            "ultram",
            "zydol",
            "tapentadol",
            "pethidine",
            "meperidine",
            "demerol",
            "fentanyl",
            "methadone",
            "dextromethorphan",
        ],
        "opioid or cough suppressant acting on serotonin",
    ),
    **dict.fromkeys(
        [
            "clomipramine",
            "anafranil",
            "imipramine",
            "amitriptyline",
            "trazodone",
            "mirtazapine",
            "vortioxetine",
            "lithium",
            "buspirone",
            "st john's wort",
            "hypericum",
            "ondansetron",
            "metoclopramide",
            "mdma",
            "ecstasy",
            "amphetamine",
        ],
        "other serotonergic medicine",
    ),
}


def serotonergic_class(name: str, known: dict[str, str] | None = None) -> str | None:
    """The class of a medicine name if it is serotonergic ('Sertraline 50mg' -> 'SSRI')."""
    import re

    words = name.lower()
    for medicine, kind in (known or SEROTONERGIC_MEDICINES).items():
        if re.search(rf"(?<![a-z]){re.escape(medicine)}(?![a-z])", words):
            return kind
    return None


_FIELDS = {f.name: f for f in dataclasses.fields(Thresholds)}


@dataclass(frozen=True)
class LoadedConfig:
    thresholds: Thresholds
    path: Path | None  # the file that was read, if any
    overridden: frozenset[str]
    # What `diary day` asks about, exposure -> unit of its amount (None: had or not).
    exposures: dict[str, str | None] = dataclasses.field(default_factory=dict)


def config_path() -> Path:
    explicit = os.environ.get("DIARY_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    from diary.paths import user_config_dir

    return user_config_dir() / "config.toml"


def load_config(path: Path | None = None) -> LoadedConfig:
    """Defaults, overridden by the config file when it exists."""
    path = path or config_path()
    if not path.exists():
        if os.environ.get("DIARY_CONFIG"):
            raise ConfigError(f"config file {str(path)!r} (from DIARY_CONFIG) does not exist")
        return LoadedConfig(DEFAULTS, None, frozenset(), _tracked({}, where=str(path)))
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML: {exc}") from None
    unknown_tables = set(data) - {"thresholds", "check-in"}
    if unknown_tables:
        raise ConfigError(
            f"config file {str(path)!r}: unknown table or key {sorted(unknown_tables)[0]!r}; "
            "accepted: [thresholds], [check-in]"
        )
    overrides = data.get("thresholds", {})
    if not isinstance(overrides, dict):
        raise ConfigError(f"config file {str(path)!r}: 'thresholds' must be a table")
    return LoadedConfig(
        apply_overrides(overrides, where=str(path)),
        path,
        frozenset(overrides),
        _tracked(data.get("check-in", {}), where=str(path)),
    )


def _tracked(table: Any, *, where: str) -> dict[str, str | None]:
    """The exposures the check-in asks about: `exposures = [...]` and `units = {...}` in
    the [check-in] table, names in the trigger vocabulary (aliases accepted)."""
    from diary.errors import BadInput
    from diary.vocabulary import TRACKED_EXPOSURES, resolve_trigger

    if not isinstance(table, dict) or set(table) - {"exposures", "units"}:
        raise ConfigError(f"{where}: [check-in] takes exposures = [...] and units = {{...}}")
    names = table.get("exposures", list(TRACKED_EXPOSURES))
    units = table.get("units", {})
    if not isinstance(names, list) or not isinstance(units, dict):
        raise ConfigError(f"{where}: [check-in] exposures must be a list, units a table")
    try:
        canonical = [resolve_trigger(str(n)).name for n in names]
        unit_of = {resolve_trigger(str(k)).name: str(v) for k, v in units.items()}
    except BadInput as exc:
        raise ConfigError(f"{where}: [check-in] {exc}") from None
    return {n: unit_of.get(n, TRACKED_EXPOSURES.get(n)) for n in dict.fromkeys(canonical)}


def apply_overrides(overrides: dict[str, Any], *, where: str = "config") -> Thresholds:
    """The defaults with `overrides`; every value a finite number inside its field's range
    (whole where the default is whole)."""
    values: dict[str, Any] = {}
    for key, value in overrides.items():
        if key not in _FIELDS:
            raise ConfigError(
                f"{where}: unknown threshold {key!r}; `diary config show` lists the accepted keys"
            )
        values[key] = _checked(key, value, where)
    thresholds = dataclasses.replace(DEFAULTS, **values)
    for first, second in (
        ("twitch_max_pain", "spasm_min_pain"),
        ("spasm_min_pain", "spasm_strong_pain"),
    ):
        if getattr(thresholds, first) > getattr(thresholds, second):
            raise ConfigError(f"{where}: threshold {first!r} must not be above {second!r}")
    return thresholds


def _checked(key: str, value: Any, where: str) -> float:
    f = _FIELDS[key]
    low, high = f.metadata["bounds"]
    whole = isinstance(f.default, int)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: threshold {key!r} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ConfigError(f"{where}: threshold {key!r} must be a finite number, got {value!r}")
    if whole and not float(value).is_integer():
        raise ConfigError(f"{where}: threshold {key!r} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ConfigError(
            f"{where}: threshold {key!r} is out of range: {value!r}; accepted {low:g} to {high:g}"
        )
    return int(value) if whole else float(value)
