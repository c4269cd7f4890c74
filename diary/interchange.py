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
    "relief",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
JSON_FORMAT = "contraction-diary"
JSON_VERSION = 1


def neutralise(cell: str) -> str:
    return "'" + cell if cell[:1] in _RISKY_FIRST else cell


def unquote_cell(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


_RISKY_FIRST = frozenset((*FORMULA_STARTS, "'"))


class _LineFeedRows:
    """Rows of a CSV writer told to end lines with CRLF, written with LF.

    The csv module quotes a cell only when it holds a character of the line terminator: with
    a bare LF, a cell holding a carriage return was written unquoted, so a spreadsheet began
    a new row at it (with a live formula after it) and `import` could not read the file.
    Each row's final CRLF is the terminator; any other CR or LF is inside a quoted cell.
    """

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, row: str) -> int:
        return self.out.write(row[:-2] + "\n")


def csv_writer(out: IO[str]) -> Any:
    """A CSV writer that quotes every cell holding a line break (CR or LF); lines end in LF."""
    return csv.writer(_LineFeedRows(out), lineterminator="\r\n")


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def _joined_details(details: dict[str, str]) -> str:
    return neutralise(";".join(f"{name}={detail}" for name, detail in details.items()))


def relief_cell(relief: list[dict[str, str | None]]) -> str:
    """`stretch=yes;medication:baclofen=some;ice` (no outcome: not known yet)."""
    parts = []
    for r in relief:
        what = f"{r['measure']}:{r['detail']}" if r["detail"] else str(r["measure"])
        parts.append(f"{what}={r['helped']}" if r["helped"] else what)
    return neutralise(";".join(parts))


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
        elif key == "relief":
            shapers.append((i, relief_cell))
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

    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(e, tail(label_of(e))) for e in episodes)


def write_json(
    episodes: Iterable[Episode],
    label_of: Callable[[Episode], Classification],
    out: IO[str],
    days: Iterable[KeptDay] = (),
    extra: dict[str, Any] | None = None,
) -> None:
    """One episode a line inside the document: streams, and diffs well. Each distinct
    classification (with its sentences) is encoded once. `extra`: more top-level keys
    (calm mode and its checks)."""
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
    out.write("\n]")
    for key, value in (extra or {}).items():
        out.write(f", {dumps(key)}: {dumps(value)}")
    out.write("}\n")


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
    writer = csv_writer(out)
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


def _csv_table(text: str, what: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the numbered rows of a CSV file. Strict: a quote left open (which
    would swallow the rest of the file into one cell) and a row with fewer or more cells
    than the header (cut off, or shifted) are refused with the row's number, never read
    with the missing cells left blank."""
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise BadInput(f"the {what} header is not valid CSV ({exc})") from None
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportRejected(
                    [f"row {number + 1}: not valid CSV ({exc}; a quote left open?)"]
                ) from None
            number += 1
            if not row:  # a blank line
                continue
            if len(row) != width:
                more = "more" if len(row) > width else "fewer"
                raise ImportRejected(
                    [
                        f"row {number}: {len(row)} cells, {more} than the header's {width} "
                        "columns (a cut-off or damaged row)"
                    ]
                )
            yield number, row

    return header, rows()


def parse_days_csv(text: str) -> list[KeptDay]:
    header, rows = _csv_table(text, "days CSV")
    if "date" not in header:
        raise BadInput("the days CSV header lacks date; export one to see the columns")
    records = []
    for number, row in rows:
        record: dict[str, Any] = dict(zip(header, row, strict=True))
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
    # What a JSON export carries beyond episodes and days, as read: calm mode and its checks
    # ({"calm": ..., "checks": ...}) and planned experiments. The use cases that own them
    # check them before anything is written (diary.services.exchange.check_import).
    calm: dict[str, Any] | None = None
    experiments: Any = None


def parse_file(text: str, *, kind: str, now: datetime | None = None) -> ParsedFile:
    """Validate every row; raises ImportRejected listing each bad row, or returns them all."""
    days: list[KeptDay] = []
    calm: dict[str, Any] | None = None
    experiments: Any = None
    if kind == "json":
        document = _json_document(text)
        records = _json_records(document)
        if isinstance(document, dict) and document.get("days") is not None:
            listed = document["days"]
            if not isinstance(listed, list):
                raise BadInput("'days' in a JSON import must be an array")
            days = _checked_days(
                (f"day {i}", _typed_day(item)) for i, item in enumerate(listed, start=1)
            )
        if isinstance(document, dict) and ("calm" in document or "checks" in document):
            calm = {"calm": document.get("calm"), "checks": document.get("checks")}
        if isinstance(document, dict):
            experiments = document.get("experiments")
    else:
        records = _csv_records(text)
    episodes, problems, rows = [], [], 0
    for label, record in records:  # a stream: only the validated episodes are kept
        rows += 1
        try:
            if kind == "json":
                _check_json_types(record)
            episodes.append(new_episode_from_record(record, now=now))
        except BadInput as exc:
            problems.append(f"{label}: {exc}")
    if problems:
        raise ImportRejected(problems)
    return ParsedFile(episodes, rows, days, calm, experiments)


def _json_document(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"the file is not valid JSON ({exc})") from None
    except RecursionError:
        raise BadInput("the file is nested too deeply to be an export") from None
    except ValueError as exc:  # a number of thousands of digits
        raise BadInput(f"the file holds a number no export has ({exc})") from None


def _check_document(document: dict[str, Any]) -> None:
    """An object that names a format must name ours, at a version this code reads."""
    name = document.get("format", JSON_FORMAT)
    if name != JSON_FORMAT:
        raise BadInput(
            f"the file's format is {name!r}, not {JSON_FORMAT!r}: it is not a diary export"
        )
    version = document.get("version", JSON_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BadInput(f"the file's version {version!r} is not accepted: give {JSON_VERSION}")
    if version > JSON_VERSION:
        raise BadInput(
            f"the file is version {version} of the export, written by a newer diary; this "
            f"one reads version {JSON_VERSION}: upgrade diary to import it"
        )


# JSON values are strictly typed: a number given as text ("pain": "7") or one name given
# where a list belongs ("triggers": "caffeine") is refused, not converted. Null stands for
# a value not given. (CSV cells are all text: its checks convert. Ids and notes have strict
# checks of their own.)
_NUMBER = (int, float)
_JSON_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "moment": ((str,), "an ISO 8601 date-time in a string"),
    "site": ((str,), "text"),
    "side": ((str,), "text"),
    "duration": (_NUMBER, "a number of seconds"),
    "pain": ((int,), "a whole number"),
    "triggers": ((list,), "a list of names"),
    "visible": ((str,), "text"),
    "bool": ((bool,), "true or false"),
    "time_known": ((bool,), "true or false"),
    "soreness": (_NUMBER, "a number of hours"),
    "count": ((int,), "a whole number"),
    "part_of_day": ((str,), "text"),
    "relief": ((list,), "a list"),
}
_TYPED_KEYS = tuple(
    (f.name, *_JSON_TYPES[f.metadata["check"]])
    for f in EPISODE_FIELDS
    if f.metadata.get("check") in _JSON_TYPES
)


def _check_json_types(item: dict[str, Any]) -> None:
    for key, types, accepted in _TYPED_KEYS:
        value = item.get(key)
        if value is None:
            continue
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            raise BadInput(f"{key} {value!r} is not {accepted}")
    details = item.get("trigger_details")
    if details is not None and not isinstance(details, dict):
        raise BadInput(f"trigger_details {details!r} is not accepted: give an object")


def _typed_day(item: Any) -> Any:
    """A JSON check-in, strictly typed like its episodes (returned as it is)."""
    if not isinstance(item, dict):
        return item
    no_episodes = item.get("no_episodes")
    if no_episodes is not None and not isinstance(no_episodes, bool):
        raise ImportRejected(
            [f"day {item.get('date')}: no_episodes {no_episodes!r} is not true or false"]
        )
    exposures = item.get("exposures")
    if isinstance(exposures, dict):
        for name, amount in exposures.items():
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, _NUMBER)):
                raise ImportRejected(
                    [f"day {item.get('date')}: amount {amount!r} of {name} is not a number or null"]
                )
    return item


def _json_records(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(document, dict):
        _check_document(document)
    items = document.get("episodes") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise BadInput("a JSON import needs an object with an 'episodes' array")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportRejected([f"episode {number}: not an object"])
        yield f"episode {number}", item


def _csv_records(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    header, rows = _csv_table(text, "CSV")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BadInput(
            f"the CSV header lacks {', '.join(missing)}; export one with "
            "`diary export --format csv` to see the columns"
        )
    text_columns = [c for c in TEXT_COLUMNS if c in header]  # only these are ever neutralised
    for number, row in rows:
        record: dict[str, Any] = {k: v or None for k, v in zip(header, row, strict=True)}
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
    "relief": lambda relief: tuple(
        sorted((r.measure, r.detail or "", r.helped or "") for r in relief)
    ),
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
