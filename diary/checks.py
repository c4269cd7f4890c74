"""Checks of values from outside (command-line options, import files, the web page).

Each field of `NewEpisode` names its check in its metadata (`check`), and its bounds and
length limits live there too: `new_episode_from_record` walks the fields, so a new field
is validated as soon as it is declared.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, cast

from diary.domain import (
    EPISODE_FIELDS,
    HELPED,
    MAX_ID,
    MAX_TRIGGER_DETAIL,
    PARTS_OF_DAY,
    REQUIRED_FIELDS,
    SIDES,
    VISIBLE_SIGNS,
    Exposure,
    Helped,
    KeptDay,
    NewEpisode,
    ReliefEntry,
    TriggerEntry,
)
from diary.errors import BadInput
from diary.parsing import EARLIEST_YEAR, is_future, parse_duration
from diary.vocabulary import (
    LEADING_MARKS,
    merge_triggers,
    resolve_relief,
    resolve_site,
    resolve_trigger,
)

_META = {f.name: f.metadata for f in EPISODE_FIELDS}


def _bounds(name: str) -> tuple[float, float]:
    low, high = _META[name]["bounds"]
    return low, high


def check_pain(value: Any) -> int:
    low, high = _bounds("pain")
    accepted = f"give a whole number from {low:g} to {high:g}"
    if isinstance(value, bool | float):
        raise BadInput(f"pain {value!r} is not accepted; {accepted}")
    try:
        pain = value if isinstance(value, int) else int(str(value))
    except ValueError:
        raise BadInput(f"pain {value!r} is not accepted; {accepted}") from None
    if not low <= pain <= high:
        raise BadInput(f"pain {pain} is out of range; {accepted}")
    return pain


def _choice(what: str, value: Any, choices: tuple[str, ...], aliases: dict[str, str]) -> str:
    key = str(value).strip().lower()
    key = aliases.get(key, key)
    if key not in choices:
        listed = ", ".join(choices[:-1]) + f" or {choices[-1]}"
        raise BadInput(f"{what} {value!r} is not accepted; give {listed}")
    return key


def check_side(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    return _choice("side", value, SIDES, {"l": "left", "r": "right", "b": "both"})


def check_visible(value: Any) -> str:
    if value is None or str(value).strip() == "":
        return "none"
    aliases = {"flutter": "flicker", "lump": "bulge", "no": "none"}
    return _choice("visible sign", value, VISIBLE_SIGNS, aliases)


def check_soreness(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    low, high = _bounds("soreness_hours")
    if isinstance(value, bool):
        raise BadInput(f"soreness hours {value!r} is not a number of hours")
    try:
        hours = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"soreness hours {value!r} is not a number of hours") from None
    if not low <= hours <= high:
        raise BadInput(f"soreness hours {value!r} is out of range; give {low:g} to {high:g} hours")
    return hours


REPLACEMENT_CHARACTER = "\ufffd"


def check_text(name: str, value: str) -> str:
    """Text both backends store alike: no NUL (PostgreSQL refuses it) and nothing that was
    undecodable on the way in. Undecodable bytes become a lone surrogate in a command-line
    argument and U+FFFD (the replacement character) in a web form or a decoded file: both are
    refused the same way, so the page keeps no text the command line would refuse."""
    if "\x00" in value:
        raise BadInput(f"{name} contains a NUL character; remove it")
    if REPLACEMENT_CHARACTER in value:
        raise BadInput(
            f"{name} is not valid UTF-8 text (it holds U+FFFD, the mark of undecodable bytes); "
            "type it again"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        raise BadInput(f"{name} is not valid UTF-8 text (undecodable: {shown[:40]})") from None
    return value


def check_note(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadInput(f"note {value!r} is not text")
    limit = _META["note"]["max_length"]
    if len(value) > limit:
        raise BadInput(f"note is {len(value)} characters; at most {limit} are kept")
    return check_text("note", value)


MAX_PATIENT_NAME = 80


def check_patient_name(value: str | None) -> str | None:
    """The name printed on the doctor-visit PDF (`--name`)."""
    if value is None:
        return None
    name = value.strip()
    if not name or len(name) > MAX_PATIENT_NAME or not name.isprintable():
        raise BadInput(
            f"--name {value!r} is not accepted: give 1 to {MAX_PATIENT_NAME} printable characters"
        )
    return name


def check_birth_year(value: int | None, *, today: date) -> int | None:
    """`--born YEAR`: a year from 1900 to this year."""
    if value is not None and not EARLIEST_YEAR <= value <= today.year:
        raise BadInput(
            f"--born {value} is not accepted: give a year from {EARLIEST_YEAR} to {today.year}"
        )
    return value


def check_duration(value: Any) -> float:
    if isinstance(value, str):
        try:  # files hold plain seconds ('90.0'); people type '1m30s'
            value = float(value)
        except ValueError:
            return parse_duration(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = _bounds("duration_s")
        if not (low < value <= high) or math.isnan(value):
            raise BadInput(
                f"duration {value!r} must be more than {low:g} and at most {high:g} seconds"
            )
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
    if value is True or value is False:
        return value
    if value is None:
        return False
    answer = _BOOLEANS.get(value) if isinstance(value, str) else None  # as exports write it
    if answer is None:
        answer = _BOOLEANS.get(str(value).strip().lower())
    if answer is None:
        raise BadInput(f"{name} {value!r} is not accepted; give true or false")
    return answer


def check_moment(name: str, value: Any) -> datetime:
    """A local wall-clock time to the second: offsets are converted, fractions dropped."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise BadInput(f"{name} {value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0) if moment.microsecond else moment


def check_count(value: Any) -> int:
    """How many contractions an entry stands for: a whole number, 1 or more."""
    if value is None or value == "":
        return 1
    low, high = _bounds("count")
    accepted = f"give a whole number from {low:g} to {high:g}"
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise BadInput(f"count {value!r} is not accepted; {accepted}")
    try:
        count = int(value) if isinstance(value, int | float) else int(str(value).strip())
    except ValueError:
        raise BadInput(f"count {value!r} is not accepted; {accepted}") from None
    if not low <= count <= high:
        raise BadInput(f"count {value!r} is out of range; {accepted}")
    return count


def check_part_of_day(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return _choice("part of day", value, PARTS_OF_DAY, {})


def check_id(value: Any) -> int | None:
    """An id from a file: a whole number in the id column's range on every backend (JSON
    integers, or digits in a CSV cell; not true, 1.7 or 1e23)."""
    if value is None or value == "":
        return None
    accepted = f"give a whole number from 1 to {MAX_ID}"
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"id {value!r} is not accepted: {accepted}")
    if not 1 <= value <= MAX_ID:
        raise BadInput(f"id {value} is out of range: {accepted}")
    return value


def triggers_from(
    names: list[str], details: dict[str, str] | None = None
) -> tuple[TriggerEntry, ...]:
    entries = []
    for name in names:
        entry = resolve_trigger(check_text("trigger", name))
        detail = (details or {}).get(entry.name)
        if detail and not entry.detail:
            entry = TriggerEntry(entry.name, detail)
        if entry.detail is not None:
            check_text("trigger detail", entry.detail)
            _check_detail_length("trigger detail", entry.detail)
        entries.append(entry)
    return tuple(merge_triggers(entries))


def _triggers_of_record(data: dict[str, Any]) -> tuple[TriggerEntry, ...]:
    raw = data.get("triggers") or []
    if isinstance(raw, str):
        raw = [t for t in raw.split(";") if t.strip()]
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise BadInput("triggers must be a list of names (text)")
    details = data.get("trigger_details") or {}
    if not isinstance(details, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in details.items()
    ):
        raise BadInput("trigger_details must map trigger names to text")
    return triggers_from(raw, details)


def _check_detail_length(what: str, detail: str) -> None:
    """A trigger's or relief's detail fits its column ('medication:atorvastatin 20 mg')."""
    if len(detail) > MAX_TRIGGER_DETAIL:
        raise BadInput(
            f"{what} {detail[:20]!r}... is {len(detail)} characters; at most "
            f"{MAX_TRIGGER_DETAIL} are kept"
        )


def relief_entry(text: str) -> ReliefEntry:
    """`stretch`, `stretch=yes`, `medication:baclofen=some`, `sports drink=no`."""
    check_text("relief", text)
    text = text.strip().lstrip(LEADING_MARKS)  # '=ice' from a spreadsheet, '- stretch'
    measure_text, sep, outcome = text.rpartition("=")
    if not sep:
        measure_text, outcome = text, ""
    helped = outcome.strip().lower() or None
    if sep and helped not in HELPED:
        raise BadInput(
            f"relief outcome {outcome.strip()!r} for {measure_text.strip()!r} is not accepted; "
            "give yes, some or no after '=' (or leave it out: not known yet)"
        )
    if measure_text.strip().lower() in HELPED:  # '=yes', 'yes'
        raise BadInput(
            f"relief {text!r} names no measure; give MEASURE=yes|some|no, e.g. stretch=yes"
        )
    measure, detail = resolve_relief(measure_text)
    if detail is not None:
        _check_detail_length("relief detail", detail)
    return ReliefEntry(measure, detail, cast(Helped | None, helped))


def merge_relief(
    entries: Iterable[ReliefEntry], updates: Iterable[ReliefEntry] = ()
) -> tuple[ReliefEntry, ...]:
    """One entry per measure (and detail), first-seen order kept. A later entry with an
    outcome updates the earlier one (`edit --relief stretch=yes` the morning after); a later
    one without an outcome leaves a known outcome alone. `medication=yes` updates the one
    medication noted when it was named (`medication:baclofen`)."""
    merged: dict[tuple[str, str | None], ReliefEntry] = {}
    for entry in entries:
        key = (entry.measure, entry.detail)
        if key in merged and entry.helped is None:
            continue
        merged[key] = entry
    for entry in updates:
        key = (entry.measure, entry.detail)
        if key not in merged and entry.detail is None:
            named = [k for k in merged if k[0] == entry.measure]
            if len(named) == 1:
                key = named[0]
                entry = ReliefEntry(entry.measure, key[1], entry.helped)
        if key in merged and entry.helped is None:
            continue
        merged[key] = entry
    return tuple(merged.values())


def relief_from(values: Any) -> tuple[ReliefEntry, ...]:
    """Relief as typed (a list of `MEASURE[=yes|some|no]`), as a CSV cell (`stretch=yes;ice`)
    or as JSON (a list of {"measure", "detail", "helped"} objects, strictly typed)."""
    if values is None or values == "":
        return ()
    if isinstance(values, str):
        values = [v for v in values.split(";") if v.strip()]
    if not isinstance(values, list | tuple):
        raise BadInput("relief must be a list of measures (text, or objects with a measure)")
    entries: list[ReliefEntry] = []
    for value in values:
        if isinstance(value, ReliefEntry):
            entries.append(value)
        elif isinstance(value, str):
            entries.append(relief_entry(value))
        elif isinstance(value, dict):
            entries.append(_relief_object(value))
        else:
            raise BadInput(f"relief item {value!r} is not accepted: give text or an object")
    return merge_relief(entries)


def _relief_object(value: dict[str, Any]) -> ReliefEntry:
    unknown = set(value) - {"measure", "detail", "helped"}
    measure, detail, helped = value.get("measure"), value.get("detail"), value.get("helped")
    if unknown or not isinstance(measure, str):
        raise BadInput(
            f"relief item {value!r} is not accepted: give "
            '{"measure": text, "detail": text or null, "helped": "yes"|"some"|"no"|null}'
        )
    if detail is not None and not isinstance(detail, str):
        raise BadInput(f"relief detail {detail!r} is not accepted: give text or null")
    if helped is not None and helped not in HELPED:
        raise BadInput(f"relief outcome {helped!r} is not accepted: give yes, some, no or null")
    name, typed_detail = resolve_relief(check_text("relief", measure))
    if detail is not None:
        check_text("relief detail", detail)
        if ";" in detail or "=" in detail:
            raise BadInput(f"relief detail {detail!r} contains ';' or '=': leave them out")
        _check_detail_length("relief detail", detail)  # as typed on the command line
    entry = relief_entry(name if typed_detail is None else f"{name}:{typed_detail}")
    return ReliefEntry(entry.measure, detail if detail is not None else entry.detail, helped)


# The check each field names in its metadata: (field name, record) -> value.
_CHECKS: dict[str, Callable[[str, dict[str, Any]], Any]] = {
    "moment": lambda name, data: check_moment(name, data[name]) if data.get(name) else None,
    "site": lambda name, data: resolve_site(str(data[name])),
    "side": lambda name, data: check_side(data.get(name)),
    "duration": lambda name, data: check_duration(data[name]),
    "pain": lambda name, data: check_pain(data[name]),
    "triggers": lambda name, data: _triggers_of_record(data),
    "visible": lambda name, data: check_visible(data.get(name)),
    "bool": lambda name, data: check_bool(name, data.get(name)),
    "soreness": lambda name, data: check_soreness(data.get(name)),
    "note": lambda name, data: check_note(data.get(name)),
    "id": lambda name, data: check_id(data.get(name)),
    "count": lambda name, data: check_count(data.get(name)),
    # Files from before unknown times existed have no such key: their times were given.
    "time_known": lambda name, data: (
        True if data.get(name) is None else check_bool(name, data[name])
    ),
    "part_of_day": lambda name, data: check_part_of_day(data.get(name)),
    "relief": lambda name, data: relief_from(data.get(name)),
}


_FIELD_CHECKS = tuple((f.name, _CHECKS[f.metadata["check"]]) for f in EPISODE_FIELDS)
_CHECK_OF = dict(_FIELD_CHECKS)


def check_field(name: str, data: dict[str, Any]) -> Any:
    """The checked value of one episode field from a record (absent: the field's default), by
    the check its metadata names: typed, posted and imported values meet the same check."""
    return _CHECK_OF[name](name, data)


def new_episode_from_record(data: dict[str, Any], *, now: datetime | None = None) -> NewEpisode:
    """Validate an imported record (the JSON shape); raises BadInput naming the bad field.
    With `now`, its time follows the rule of `diary log`: from 1900, not in the future."""
    missing = [name for name in REQUIRED_FIELDS if data.get(name) in (None, "")]
    if missing:
        raise BadInput(f"missing {', '.join(missing)}")
    episode = NewEpisode(**{name: check(name, data) for name, check in _FIELD_CHECKS})
    if now is not None:
        check_episode_time(episode.at, now=now, time_known=episode.time_known)
    return episode


def check_episode_time(at: datetime, *, now: datetime, time_known: bool = True) -> datetime:
    """One rule for every episode, typed or imported: from 1900, and not in the future."""
    if at.year < EARLIEST_YEAR:
        raise BadInput(f"at {at.isoformat()} is before {EARLIEST_YEAR}")
    if is_future(at, now=now, time_known=time_known):
        raise BadInput(f"at {at.isoformat()} is in the future; episodes must have happened")
    return at


MAX_AMOUNT = 1000.0


def check_exposure(text: Any, *, amount: Any = None) -> Exposure:
    """`coffee=3`, `alcohol`, `poor sleep`: an exposure in the trigger vocabulary (aliases
    accepted, unknown names kept as free text) with an optional amount > 0. The one parser
    of `EXPOSURE[=AMOUNT]` (command line and page): a name is required, and one `=` at most."""
    typed = check_text("exposure", str(text))
    raw = typed.strip().lstrip(LEADING_MARKS)  # '=sauna' from a spreadsheet is 'sauna'
    if amount is None and "=" in raw:
        raw, _, amount = raw.partition("=")
        if "=" in amount:
            raise BadInput(
                f"exposure {typed!r} has more than one '='; give NAME=AMOUNT, e.g. coffee=3"
            )
    if not raw.strip() or _is_number(raw):  # '=3' is an amount without its name
        raise BadInput(f"exposure {typed!r} has no name; give NAME or NAME=AMOUNT, e.g. coffee=3")
    name = resolve_trigger(raw).name
    return Exposure(name, check_amount(name, amount))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_amount(name: str, value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    accepted = f"give a number more than 0 and at most {MAX_AMOUNT:g}, e.g. {name}=2"
    if isinstance(value, bool):
        raise BadInput(f"amount {value!r} for {name} is not accepted; {accepted}")
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"amount {value!r} for {name} is not a number; {accepted}") from None
    if not (0 < amount <= MAX_AMOUNT):
        raise BadInput(f"amount {value!r} for {name} is out of range; {accepted}")
    return amount


def exposures_from(values: list[str]) -> tuple[Exposure, ...]:
    """`--had` values, one per exposure (a repeat is refused: which amount is meant?)."""
    seen: dict[str, Exposure] = {}
    for value in values:
        exposure = check_exposure(value)
        if exposure.name in seen:
            raise BadInput(f"--had {value!r} repeats {exposure.name}; give it once")
        seen[exposure.name] = exposure
    return tuple(seen.values())


def kept_day_from_record(data: Any) -> KeptDay:
    """A check-in from an import (the JSON `days` item shape)."""
    if not isinstance(data, dict):
        raise BadInput("not an object")
    raw_date = data.get("date")
    if not isinstance(raw_date, str):
        raise BadInput(f"date {raw_date!r} is not an ISO date")
    try:
        day = date.fromisoformat(raw_date)
    except ValueError:
        raise BadInput(f"date {raw_date!r} is not an ISO date") from None
    exposures = data.get("exposures") or {}
    if not isinstance(exposures, dict):
        raise BadInput("exposures must map each exposure to its amount or null")
    checked = data.get("checked_in_at")
    return KeptDay(
        day=day,
        exposures=tuple(
            Exposure(
                resolve_trigger(check_text("exposure", str(name))).name,
                check_amount(str(name), amount),
            )
            for name, amount in exposures.items()
        ),
        no_episodes=check_bool("no_episodes", data.get("no_episodes")),
        checked_in_at=check_moment("checked_in_at", checked) if checked else None,
    )
