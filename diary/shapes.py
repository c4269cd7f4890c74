"""Episodes, classifications and flags as plain dicts: the JSON shapes users script against.

The episode shape is derived from `NewEpisode`'s fields: the id first, then every logged
field in declaration order (triggers as a list of names plus their details), then when it
was logged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from diary.analysis.explain import reasons
from diary.domain import LOGGED_FIELDS, Classification, Episode, Flag, NewEpisode


def _moment(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _encoders() -> list[tuple[str, Callable[[NewEpisode], Any]]]:
    """(key, how to read it from an episode) in the order the shape lists them."""
    special: dict[str, list[tuple[str, Callable[[NewEpisode], Any]]]] = {
        "at": [("at", lambda e: _moment(e.at))],
        "duration_s": [("duration_s", lambda e: float(e.duration_s))],
        "triggers": [
            ("triggers", lambda e: [t.name for t in e.triggers]),
            ("trigger_details", lambda e: {t.name: t.detail for t in e.triggers if t.detail}),
        ],
    }
    encoders: list[tuple[str, Callable[[NewEpisode], Any]]] = [("id", lambda e: e.id)]
    for name in LOGGED_FIELDS:
        encoders.extend(special.get(name, [(name, _attribute(name))]))
    encoders.append(("logged_at", lambda e: _moment(e.logged_at)))
    return encoders


def _attribute(name: str) -> Callable[[NewEpisode], Any]:
    return lambda e: getattr(e, name)


EPISODE_ENCODERS = _encoders()
EPISODE_KEYS: tuple[str, ...] = tuple(key for key, _ in EPISODE_ENCODERS)


def classification_dict(c: Classification) -> dict[str, Any]:
    return {
        "label": c.label,
        "subtype": c.subtype,
        "confidence": c.confidence,
        "reasons": list(reasons(c)),
    }


def episode_dict(episode: Episode | NewEpisode, c: Classification | None) -> dict[str, Any]:
    data = {key: read(episode) for key, read in EPISODE_ENCODERS}
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
