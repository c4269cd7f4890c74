"""Episodes and flags as plain dicts: the JSON shapes of CLI_CONTRACT.md, and back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from diary.errors import BadInput
from diary.model import (
    SIDES,
    SIGN_FIELDS,
    VISIBLE_SIGNS,
    Classification,
    Episode,
    Flag,
    TriggerEntry,
)
from diary.parsing import MAX_DURATION_S, parse_duration
from diary.vocabulary import merge_triggers, resolve_site, resolve_trigger

MAX_NOTE = 4000


def classification_dict(c: Classification) -> dict[str, Any]:
    return {
        "label": c.label,
        "subtype": c.subtype,
        "confidence": c.confidence,
        "reasons": list(c.reasons),
    }


def episode_dict(episode: Episode, classification: Classification | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": episode.id,
        "at": episode.at.isoformat(timespec="seconds"),
        "site": episode.site,
        "side": episode.side,
        "duration_s": float(episode.duration_s),
        "pain": episode.pain,
        "triggers": list(episode.trigger_names),
        "trigger_details": {t.name: t.detail for t in episode.triggers if t.detail},
        "visible": episode.visible,
        **{name: getattr(episode, name) for name in SIGN_FIELDS},
        "soreness_hours": episode.soreness_hours,
        "note": episode.note,
        "logged_at": (
            episode.logged_at.isoformat(timespec="seconds") if episode.logged_at else None
        ),
    }
    if classification is not None:
        data["classification"] = classification_dict(classification)
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


# --- validation of values from outside (CLI options, import files) -------------------------


def check_pain(value: Any) -> int:
    if isinstance(value, bool):
        raise BadInput(f"pain {value!r} is not accepted; give a whole number from 0 to 10")
    try:
        pain = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise BadInput(
            f"pain {value!r} is not accepted; give a whole number from 0 to 10"
        ) from None
    if not 0 <= pain <= 10:
        raise BadInput(f"pain {pain} is out of range; give a whole number from 0 to 10")
    return pain


def check_side(value: str | None) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    key = str(value).strip().lower()
    key = {"l": "left", "r": "right", "b": "both"}.get(key, key)
    if key not in SIDES:
        raise BadInput(f"side {value!r} is not accepted; give left, right or both")
    return key


def check_visible(value: str | None) -> str:
    if value is None or str(value).strip() == "":
        return "none"
    key = str(value).strip().lower()
    key = {"flutter": "flicker", "lump": "bulge", "no": "none"}.get(key, key)
    if key not in VISIBLE_SIGNS:
        raise BadInput(f"visible sign {value!r} is not accepted; give none, flicker or bulge")
    return key


def check_soreness(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    try:
        hours = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"soreness hours {value!r} is not a number of hours") from None
    if not 0 <= hours <= 24 * 90:
        raise BadInput(f"soreness hours {value!r} is out of range; give 0 to 2160 hours")
    return hours


def check_note(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if len(value) > MAX_NOTE:
        raise BadInput(f"note is {len(value)} characters; at most {MAX_NOTE} are kept")
    return value


def check_duration(value: Any) -> float:
    if isinstance(value, str):
        try:  # files hold plain seconds ('90.0'); people type '1m30s'
            value = float(value)
        except ValueError:
            return parse_duration(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 < value <= MAX_DURATION_S:
            raise BadInput(f"duration {value!r} must be more than 0 and at most 86400 seconds")
        return float(value)
    return parse_duration(str(value))


_BOOLEANS = {
    "true": True,
    "1": True,
    "yes": True,
    "y": True,
    "false": False,
    "0": False,
    "no": False,
    "n": False,
    "": False,
}


def check_bool(name: str, value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    answer = _BOOLEANS.get(str(value).strip().lower())
    if answer is None:
        raise BadInput(f"{name} {value!r} is not accepted; give true or false")
    return answer


def _moment(name: str, value: Any) -> datetime:
    """A local wall-clock time to the second: offsets are converted, fractions dropped."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise BadInput(f"{name} {value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0) if moment.microsecond else moment


def triggers_from(
    names: list[str], details: dict[str, str] | None = None
) -> tuple[TriggerEntry, ...]:
    entries = []
    for name in names:
        entry = resolve_trigger(name)
        detail = (details or {}).get(entry.name)
        if detail and not entry.detail:
            entry = TriggerEntry(entry.name, detail)
        entries.append(entry)
    return tuple(merge_triggers(entries))


def episode_from_dict(data: dict[str, Any]) -> Episode:
    """Validate an imported record; raises BadInput naming the first bad field."""
    missing = [k for k in ("at", "site", "duration_s", "pain") if data.get(k) in (None, "")]
    if missing:
        raise BadInput(f"missing {', '.join(missing)}")
    at = _moment("at", data["at"])
    logged_raw = data.get("logged_at")
    logged_at = _moment("logged_at", logged_raw) if logged_raw else None
    raw_triggers = data.get("triggers") or []
    if isinstance(raw_triggers, str):
        raw_triggers = [t for t in raw_triggers.split(";") if t.strip()]
    details = data.get("trigger_details") or {}
    if not isinstance(raw_triggers, list) or not isinstance(details, dict):
        raise BadInput("triggers must be a list of names")
    raw_id = data.get("id")
    try:
        episode_id = int(raw_id) if raw_id not in (None, "") else None
    except (TypeError, ValueError):
        raise BadInput(f"id {raw_id!r} is not a whole number") from None
    return Episode(
        id=episode_id,
        at=at,
        logged_at=logged_at,
        site=resolve_site(str(data["site"])),
        side=check_side(data.get("side")),  # type: ignore[arg-type]
        duration_s=check_duration(data["duration_s"]),
        pain=check_pain(data["pain"]),
        triggers=triggers_from([str(t) for t in raw_triggers], details),
        visible=check_visible(data.get("visible")),  # type: ignore[arg-type]
        stiff=check_bool("stiff", data.get("stiff")),
        limited_motion=check_bool("limited_motion", data.get("limited_motion")),
        rhythmic=check_bool("rhythmic", data.get("rhythmic")),
        weakness=check_bool("weakness", data.get("weakness")),
        breathing=check_bool("breathing", data.get("breathing")),
        appearance_change=check_bool("appearance_change", data.get("appearance_change")),
        soreness_hours=check_soreness(data.get("soreness_hours")),
        note=check_note(data.get("note")),
    )
