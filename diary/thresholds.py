"""Every clinical threshold, its default and its source, in one place.

Defaults follow ../shared/CLINICAL_RULES.md; a TOML file (``[thresholds]`` table) in the user
config directory, or the file named by ``DIARY_CONFIG``, overrides any of them.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diary.errors import ConfigError


def _threshold(default: float, source: str, meaning: str) -> Any:
    return field(default=default, metadata={"source": source, "meaning": meaning})


@dataclass(frozen=True)
class Thresholds:
    # Classification (CLINICAL_RULES.md §2)
    twitch_max_duration_s: float = _threshold(
        5,
        "000, 001, 002: twitches are brief, 'a few seconds at most'",
        "an episode this short or shorter points to a twitch",
    )
    spasm_strong_duration_s: float = _threshold(
        30,
        "001, 002: spasms last seconds to minutes; CLINICAL_RULES §2: 30 s is strong",
        "an episode this long or longer is strong evidence of a spasm",
    )
    twitch_max_pain: int = _threshold(
        2, "000-003: twitches are painless or light", "pain at or below this points to a twitch"
    )
    spasm_min_pain: int = _threshold(
        4, "000-003: spasms are moderate to severe pain", "pain at or above this points to a spasm"
    )
    unclear_margin: float = _threshold(
        0.25,
        "CLINICAL_RULES §2: conflicting evidence without a clear majority is unclear",
        "the winning side needs this share of the evidence more than the other",
    )
    night_start_hour: int = _threshold(
        22, "NHS leg cramps: about three in four happen at night", "night begins at this hour"
    )
    night_end_hour: int = _threshold(
        6, "NHS leg cramps: about three in four happen at night", "night ends at this hour"
    )
    # Flags (CLINICAL_RULES.md §3)
    active_window_days: int = _threshold(
        28, "CLINICAL_RULES §3", "a flag is active with evidence from this many days"
    )
    severe_pain_min: int = _threshold(
        8,
        "001 'unbearable', 002; Boonstra 2016: NRS >= 8 is severe",
        "pain at or above this raises severe_pain",
    )
    prolonged_spasm_s: float = _threshold(
        600,
        "001, 002 'longer than normal'; NHS, NICE CKS: cramps last up to 10 min",
        "a skeletal spasm longer than this raises prolonged_spasm",
    )
    lingering_soreness_h: float = _threshold(
        24,
        "002 'soreness doesn't go away'; NHS: tender up to 24 h is normal",
        "soreness after a spasm longer than this raises lingering_soreness",
    )
    persistent_min_days: int = _threshold(
        4, "002, 003 'no more than a few days'", "distinct days of twitching at one site"
    )
    persistent_window_days: int = _threshold(
        7, "002, 003; NHS twitching", "those days fall within this many days (watch)"
    )
    persistent_span_days: int = _threshold(
        14, "NHS twitching: see a GP after 2 weeks", "first and last day further apart (doctor)"
    )
    persistent_sites: int = _threshold(
        2, "NHS twitching: in more than one place", "sites twitching at once (doctor)"
    )
    recurring_min_per_week: int = _threshold(
        3,
        "002, 003; NICE CKS: 3+ a week is the frequent group",
        "spasms in each of two back-to-back weeks",
    )
    worsening_window_days: int = _threshold(
        14, "001 'frequent and persistent', 002", "length of each compared window"
    )
    worsening_rate_ratio: float = _threshold(
        1.5, "CLINICAL_RULES §3", "episode rate ratio, last window over the one before"
    )
    worsening_p_value: float = _threshold(
        0.05,
        "CLINICAL_RULES §3: one-sided exact Poisson test",
        "the rise must be this unlikely by chance",
    )
    worsening_pain_rise: float = _threshold(
        2, "NRS: a change of 2 points is clinically meaningful", "rise in mean pain"
    )
    worsening_pain_min_episodes: int = _threshold(
        3, "CLINICAL_RULES §3", "episodes needed in each window to compare pain"
    )

    def describe(self) -> list[tuple[str, float, str, str]]:
        """(name, value, meaning, source) for every threshold, in declaration order."""
        return [
            (f.name, getattr(self, f.name), f.metadata["meaning"], f.metadata["source"])
            for f in dataclasses.fields(self)
        ]


DEFAULTS = Thresholds()
_FIELDS = {f.name: f for f in dataclasses.fields(Thresholds)}


@dataclass(frozen=True)
class LoadedConfig:
    thresholds: Thresholds
    path: Path | None  # the file that was read, if any
    overridden: frozenset[str]


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
        return LoadedConfig(DEFAULTS, None, frozenset())
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML: {exc}") from None
    unknown_tables = set(data) - {"thresholds"}
    if unknown_tables:
        raise ConfigError(
            f"config file {str(path)!r}: unknown table or key {sorted(unknown_tables)[0]!r}; "
            "accepted: [thresholds]"
        )
    overrides = data.get("thresholds", {})
    if not isinstance(overrides, dict):
        raise ConfigError(f"config file {str(path)!r}: 'thresholds' must be a table")
    return LoadedConfig(apply_overrides(overrides, where=str(path)), path, frozenset(overrides))


def apply_overrides(overrides: dict[str, Any], *, where: str = "config") -> Thresholds:
    values: dict[str, Any] = {}
    for key, value in overrides.items():
        if key not in _FIELDS:
            raise ConfigError(
                f"{where}: unknown threshold {key!r}; `diary config show` lists the accepted keys"
            )
        default = _FIELDS[key].default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: threshold {key!r} must be a number, got {value!r}")
        if isinstance(default, int) and not isinstance(value, int):
            raise ConfigError(f"{where}: threshold {key!r} must be a whole number, got {value!r}")
        if (
            value < 0
            or (key.endswith("_hour") and value > 23)
            or (key == "worsening_p_value" and not 0 < value < 1)
        ):
            raise ConfigError(f"{where}: threshold {key!r} is out of range: {value!r}")
        values[key] = value
    return dataclasses.replace(DEFAULTS, **values)
