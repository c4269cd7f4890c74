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
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from diary.checks import new_episode_from_record
from diary.domain import EPISODE_FIELDS, LOGGED_FIELDS, Classification, Episode, NewEpisode
from diary.errors import BadInput, ImportRejected
from diary.shapes import EPISODE_KEYS, episode_dict

# The columns: the episode's JSON keys, with its classification flattened.
CSV_COLUMNS: tuple[str, ...] = (*EPISODE_KEYS, "label", "subtype", "confidence")
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


def _csv_cell(key: str) -> Callable[[dict[str, Any]], str]:
    """How one column is written from the episode's JSON shape."""
    if key == "triggers":
        return lambda d: neutralise(";".join(d["triggers"]))
    if key == "trigger_details":
        return lambda d: neutralise(";".join(f"{k}={v}" for k, v in d["trigger_details"].items()))
    if key in TEXT_COLUMNS:
        return lambda d: neutralise(d[key]) if d[key] else ""
    return lambda d: _plain(d[key])


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


_CSV_CELLS = [_csv_cell(key) for key in EPISODE_KEYS]


def _csv_row(e: Episode, c: Classification) -> list[Any]:
    """One row in CSV_COLUMNS order; every text cell goes through `neutralise`."""
    data = episode_dict(e, None)
    return [*(cell(data) for cell in _CSV_CELLS), c.label, c.subtype or "", repr(c.confidence)]


def write_csv(
    episodes: Iterable[Episode], label_of: Callable[[Episode], Classification], out: TextIO
) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(e, label_of(e)) for e in episodes)


def write_json(
    episodes: Iterable[Episode], label_of: Callable[[Episode], Classification], out: TextIO
) -> None:
    """One episode a line inside the document: streams, and diffs well."""
    out.write(f'{{"format": "{JSON_FORMAT}", "version": {JSON_VERSION}, "episodes": [')
    separator = "\n"
    for e in episodes:
        out.write(separator)
        out.write(json.dumps(episode_dict(e, label_of(e)), ensure_ascii=False))
        separator = ",\n"
    out.write("\n]}\n")


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


def parse_file(text: str, *, kind: str) -> ParsedFile:
    """Validate every row; raises ImportRejected listing each bad row, or returns them all."""
    records = _json_records(text) if kind == "json" else _csv_records(text)
    episodes, problems, rows = [], [], 0
    for label, record in records:  # a stream: only the validated episodes are kept
        rows += 1
        try:
            episodes.append(new_episode_from_record(record))
        except BadInput as exc:
            problems.append(f"{label}: {exc}")
    if problems:
        raise ImportRejected(problems)
    return ParsedFile(episodes, rows)


def _json_records(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"the file is not valid JSON ({exc})") from None
    items = document.get("episodes") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise BadInput("a JSON import needs an object with an 'episodes' array")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportRejected([f"episode {number}: not an object"])
        yield f"episode {number}", item


def _csv_records(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("at", "site", "duration_s", "pain") if c not in header]
    if missing:
        raise BadInput(
            f"the CSV header lacks {', '.join(missing)}; export one with "
            "`diary export --format csv` to see the columns"
        )
    for number, row in enumerate(reader, start=1):
        if None in row:
            raise ImportRejected([f"row {number}: more cells than the header has columns"])
        record: dict[str, Any] = {k: v or None for k, v in row.items()}
        for column in TEXT_COLUMNS:  # only these are ever neutralised on export
            if record.get(column):
                record[column] = unquote_cell(record[column])
        details = record.get("trigger_details") or ""
        record["trigger_details"] = dict(
            part.split("=", 1) for part in details.split(";") if "=" in part
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
