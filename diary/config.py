"""The configuration file: a TOML file in the user config directory, or the file named by
``DIARY_CONFIG``. Its ``[thresholds]`` table overrides thresholds (each checked against
its range in `diary.thresholds`); its ``[check-in]`` table names what `diary day` asks
about. A bad value is refused with one line naming it.
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diary.errors import ConfigError
from diary.thresholds import DEFAULTS, Thresholds

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

    from diary.files import read_text_file

    # Only a regular file, at most 1 MB: a FIFO would wait forever, /dev/zero never end.
    text = read_text_file(path, what="config file", max_mb=1)
    try:
        data = tomllib.loads(text)
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
    for value in (*names, *units, *units.values()):  # shown in the check-in's prompts
        if not isinstance(value, str) or not 0 < len(value) <= 40 or not value.isprintable():
            raise ConfigError(
                f"{where}: [check-in] value {value!r} is not accepted: exposures and units are "
                'text of 1 to 40 printable characters, e.g. units = { caffeine = "cups" }'
            )
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
