"""Episodes, classifications and flags as plain dicts: the JSON shapes users script against.

The episode shape is derived from `NewEpisode`'s fields: the id first, then every logged
field in declaration order (triggers as a list of names plus their details), then when it
was logged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from operator import attrgetter
from typing import Any

from diary.analysis.explain import reasons
from diary.domain import (
    LOGGED_FIELDS,
    Classification,
    Episode,
    Flag,
    NewEpisode,
    ReliefEntry,
    TriggerEntry,
)


def _moment(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _names(triggers: tuple[TriggerEntry, ...]) -> list[str]:
    return [t.name for t in triggers]


def _details(triggers: tuple[TriggerEntry, ...]) -> dict[str, str]:
    return {t.name: t.detail for t in triggers if t.detail}


def _relief(relief: tuple[ReliefEntry, ...]) -> list[dict[str, str | None]]:
    return [{"measure": r.measure, "detail": r.detail, "helped": r.helped} for r in relief]


# A field that becomes more than one key: triggers are names plus their details.
_KEYS_OF = {"triggers": ("triggers", "trigger_details")}
# Key -> (the attribute it is read from, how the value is shaped; None: as it is).
_SPECIAL: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "at": ("at", _moment),
    "duration_s": ("duration_s", float),
    "triggers": ("triggers", _names),
    "trigger_details": ("triggers", _details),
    "relief": ("relief", _relief),
    "logged_at": ("logged_at", _moment),
}
EPISODE_KEYS: tuple[str, ...] = (
    "id",
    *(key for name in LOGGED_FIELDS for key in _KEYS_OF.get(name, (name,))),
    "logged_at",
)
_read_all = attrgetter(*(_SPECIAL[key][0] if key in _SPECIAL else key for key in EPISODE_KEYS))
_SHAPED = tuple((i, _SPECIAL[key][1]) for i, key in enumerate(EPISODE_KEYS) if key in _SPECIAL)


def episode_values(episode: NewEpisode) -> list[Any]:
    """The episode's JSON values in `EPISODE_KEYS` order (one attribute read for all, then
    the few that need shaping): the hot path of exports."""
    values = list(_read_all(episode))
    for i, shape in _SHAPED:
        values[i] = shape(values[i])
    return values


def classification_dict(c: Classification) -> dict[str, Any]:
    return {
        "label": c.label,
        "subtype": c.subtype,
        "confidence": c.confidence,
        "reasons": list(reasons(c)),
    }


def episode_dict(episode: Episode | NewEpisode, c: Classification | None) -> dict[str, Any]:
    data = dict(zip(EPISODE_KEYS, episode_values(episode), strict=True))
    if c is not None:
        data["classification"] = classification_dict(c)
    return data


def flag_dict(flag: Flag) -> dict[str, Any]:
    return {
        "code": flag.code,
        "severity": flag.severity,
        "title": flag.title,
        "detail": flag.detail,
        "episode_ids": list(flag.episode_ids),
        "source": flag.source,
    }


def shown(text: str) -> str:
    """User text as the terminal shows it: control characters (ANSI and OSC escapes, bells,
    backspaces, newlines) and invisible direction overrides written out as escapes, so a
    note or trigger can never move the cursor, retitle the window or reorder the line.
    JSON output keeps the exact text."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
