"""CSV and JSON interchange: what `diary export` writes and `diary import` reads.

CSV cells a spreadsheet would run as a formula are written with a leading apostrophe, and
any cell that starts with one gets another, so reading strips exactly one and every value
comes back as it was.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from diary.checks import kept_day_from_record, new_episode_from_record
from diary.domain import (
    EPISODE_FIELDS,
    LOGGED_FIELDS,
    Classification,
    Episode,
    KeptDay,
    NewEpisode,
)
from diary.errors import BadInput, ImportRejected
from diary.shapes import EPISODE_KEYS, classification_dict, episode_values

# The columns: the episode's JSON keys, with its classification flattened.
CSV_COLUMNS: tuple[str, ...] = (*EPISODE_KEYS, "label", "subtype", "confidence")
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in EPISODE_FIELDS if f.metadata.get("required")
)
# Free text a person typed: only these cells are ever neutralised (and restored on import).
TEXT_COLUMNS: tuple[str, ...] = (
    *(f.name for f in EPISODE_FIELDS if "max_length" in f.metadata),
    "triggers",
    "trigger_details",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
JSON_FORMAT = "contraction-diary"
JSON_VERSION = 1


def neutralise(cell: str) -> str:
    return "'" + cell if cell[:1] in _RISKY_FIRST else cell


def unquote_cell(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


_RISKY_FIRST = frozenset((*FORMULA_STARTS, "'"))


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def _joined_details(details: dict[str, str]) -> str:
    return neutralise(";".join(f"{name}={detail}" for name, detail in details.items()))


def _text(value: str | None) -> str:
    return neutralise(value) if value else ""


def _truth(value: bool) -> str:
    return "true" if value else "false"


def _cell_shapers() -> tuple[tuple[int, Callable[[Any], str]], ...]:
    """(column, how its JSON value becomes a cell) for the columns a plain `str` would get
    wrong: text that may need neutralising, lists, and yes/no signs."""
    shapers: list[tuple[int, Callable[[Any], str]]] = []
    signs = {f.name for f in EPISODE_FIELDS if f.metadata.get("check") in ("bool", "time_known")}
    for i, key in enumerate(EPISODE_KEYS):
        if key == "triggers":
            shapers.append((i, lambda names: neutralise(";".join(names))))
        elif key == "trigger_details":
            shapers.append((i, _joined_details))
        elif key in TEXT_COLUMNS:
            shapers.append((i, _text))
        elif key in signs:
            shapers.append((i, _truth))
    return tuple(shapers)


_CELL_SHAPERS = _cell_shapers()


def _csv_row(e: Episode, tail: list[str]) -> list[Any]:
    """One row in CSV_COLUMNS order (None and numbers are written by the csv module)."""
    row = episode_values(e)
    for i, shape in _CELL_SHAPERS:
        row[i] = shape(row[i])
    row.extend(tail)
    return row


def write_csv(
    episodes: Iterable[Episode], label_of: Callable[[Episode], Classification], out: IO[str]
) -> None:
    # A few hundred distinct classifications, each shared by the episodes typed alike: keyed
    # by identity (hashing one means hashing all its evidence), and kept alive here.
    tails: dict[int, tuple[Classification, list[str]]] = {}

    def tail(c: Classification) -> list[str]:
        found = tails.get(id(c))
        if found is None:
            found = tails[id(c)] = (c, [c.label, c.subtype or "", repr(c.confidence)])
        return found[1]

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(e, tail(label_of(e))) for e in episodes)


def write_json(
    episodes: Iterable[Episode],
    label_of: Callable[[Episode], Classification],
    out: IO[str],
    days: Iterable[KeptDay] = (),
) -> None:
    """One episode a line inside the document: streams, and diffs well. Each distinct
    classification (with its sentences) is encoded once."""
    encoded: dict[int, tuple[Classification, str]] = {}  # by identity, as in write_csv
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    out.write(f'{{"format": "{JSON_FORMAT}", "version": {JSON_VERSION}, "episodes": [')
    separator = "\n"
    for e in episodes:
        c = label_of(e)
        found = encoded.get(id(c))
        if found is None:
            found = encoded[id(c)] = (c, dumps(classification_dict(c)))
        label = found[1]
        body = dumps(dict(zip(EPISODE_KEYS, episode_values(e), strict=True)))
        out.write(f'{separator}{body[:-1]}, "classification": {label}}}')
        separator = ",\n"
    out.write('\n], "days": [')
    separator = "\n"
    for day in days:
        out.write(separator + dumps(day_dict(day)))
        separator = ",\n"
    out.write("\n]}\n")


# The daily check-ins: JSON items of the "days" array, and the columns of the days CSV.
DAY_COLUMNS = ("date", "no_episodes", "exposures", "checked_in_at")


def day_dict(day: KeptDay) -> dict[str, Any]:
    return {
        "date": day.day.isoformat(),
        "kept": True,
        "no_episodes": day.no_episodes,
        "exposures": {x.name: x.amount for x in day.exposures},
        "checked_in_at": _iso(day.checked_in_at) or None,
    }


def write_days_csv(days: Iterable[KeptDay], out: IO[str]) -> int:
    """The check-ins as CSV: exposures joined as `name=amount` (or `name`) with ';'."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DAY_COLUMNS)
    written = 0
    for day in days:
        exposures = ";".join(
            x.name if x.amount is None else f"{x.name}={x.amount!r}" for x in day.exposures
        )
        writer.writerow(
            [
                day.day.isoformat(),
                _truth(day.no_episodes),
                neutralise(exposures),
                _iso(day.checked_in_at),
            ]
        )
        written += 1
    return written


def days_csv_path(path: Path) -> Path:
    """Where the check-ins of a CSV export go: `diary.csv` -> `diary.days.csv`."""
    return path.with_name(f"{path.stem}.days{path.suffix or '.csv'}")


def parse_days_csv(text: str) -> list[KeptDay]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    if "date" not in header:
        raise BadInput("the days CSV header lacks date; export one to see the columns")
    records = []
    for number, row in enumerate(reader, start=1):
        record: dict[str, Any] = dict(zip(header, row, strict=False))
        cell = unquote_cell(record.get("exposures") or "")
        exposures: dict[str, Any] = {}
        for part in filter(None, cell.split(";")):
            name, _, amount = part.partition("=")
            exposures[name] = amount or None
        record["exposures"] = exposures
        records.append((f"days row {number}", record))
    return _checked_days(records)


def _checked_days(records: Iterable[tuple[str, Any]]) -> list[KeptDay]:
    days, problems, seen = [], [], set()
    for label, record in records:
        try:
            day = kept_day_from_record(record)
            if day.day in seen:
                raise BadInput(f"date {day.day.isoformat()} appears twice")
            seen.add(day.day)
            days.append(day)
        except BadInput as exc:
            problems.append(f"{label}: {exc}")
    if problems:
        raise ImportRejected(problems)
    return days


def to_csv(episodes: Iterable[Episode], labels: dict[int, Classification]) -> str:
    buffer = io.StringIO()
    write_csv(episodes, lambda e: labels[e.id], buffer)
    return buffer.getvalue()


def to_json(episodes: Iterable[Episode], labels: dict[int, Classification]) -> str:
    buffer = io.StringIO()
    write_json(episodes, lambda e: labels[e.id], buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ParsedFile:
    episodes: list[NewEpisode]
    rows: int
    days: list[KeptDay] = field(default_factory=list)


def parse_file(text: str, *, kind: str, now: datetime | None = None) -> ParsedFile:
    """Validate every row; raises ImportRejected listing each bad row, or returns them all."""
    days: list[KeptDay] = []
    if kind == "json":
        document = _json_document(text)
        records = _json_records(document)
        if isinstance(document, dict) and document.get("days") is not None:
            listed = document["days"]
            if not isinstance(listed, list):
                raise BadInput("'days' in a JSON import must be an array")
            days = _checked_days((f"day {i}", item) for i, item in enumerate(listed, start=1))
    else:
        records = _csv_records(text)
    episodes, problems, rows = [], [], 0
    for label, record in records:  # a stream: only the validated episodes are kept
        rows += 1
        try:
            episodes.append(new_episode_from_record(record, now=now))
        except BadInput as exc:
            problems.append(f"{label}: {exc}")
    if problems:
        raise ImportRejected(problems)
    return ParsedFile(episodes, rows, days)


def _json_document(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"the file is not valid JSON ({exc})") from None
    except RecursionError:
        raise BadInput("the file is nested too deeply to be an export") from None
    except ValueError as exc:  # a number of thousands of digits
        raise BadInput(f"the file holds a number no export has ({exc})") from None


def _json_records(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    items = document.get("episodes") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise BadInput("a JSON import needs an object with an 'episodes' array")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportRejected([f"episode {number}: not an object"])
        yield f"episode {number}", item


def _csv_records(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BadInput(
            f"the CSV header lacks {', '.join(missing)}; export one with "
            "`diary export --format csv` to see the columns"
        )
    width = len(header)
    text_columns = [c for c in TEXT_COLUMNS if c in header]  # only these are ever neutralised
    for number, row in enumerate(reader, start=1):
        if len(row) > width:
            raise ImportRejected([f"row {number}: more cells than the header has columns"])
        record: dict[str, Any] = {k: v or None for k, v in zip(header, row, strict=False)}
        for column in text_columns:
            cell = record.get(column)
            if cell and cell[0] == "'":
                record[column] = cell[1:]
        details = record.get("trigger_details")
        record["trigger_details"] = (
            dict(part.split("=", 1) for part in details.split(";") if "=" in part)
            if details
            else {}
        )
        yield f"row {number}", record


def sniff_kind(name: str, text: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith(".csv"):
        return "csv"
    return "json" if text.lstrip().startswith(("{", "[")) else "csv"


def fingerprint(e: NewEpisode) -> tuple[Any, ...]:
    """What makes two episodes the same one: every field a person logged (not the id or
    when it was logged)."""
    return tuple(_FINGERPRINT[name](getattr(e, name)) for name in LOGGED_FIELDS)


def _same(value: Any) -> Any:
    return value


_FINGERPRINT: dict[str, Callable[[Any], Any]] = {
    **{name: _same for name in LOGGED_FIELDS},
    "duration_s": lambda seconds: round(seconds, 3),
    "triggers": lambda triggers: tuple(sorted((t.name, t.detail or "") for t in triggers)),
    "note": lambda note: note or "",
}


def new_episodes(incoming: list[NewEpisode], existing: list[Episode]) -> list[NewEpisode]:
    """Incoming episodes not already in the diary; a file that repeats one episode keeps as
    many copies as it has, less those already stored."""
    if not existing:
        return list(incoming)
    stored = Counter(fingerprint(e) for e in existing)
    fresh = []
    for e in incoming:
        key = fingerprint(e)
        if stored[key]:
            stored[key] -= 1
        else:
            fresh.append(e)
    return fresh
