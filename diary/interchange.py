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

from diary.errors import BadInput, ImportRejected
from diary.model import SIGN_FIELDS, Classification, Episode
from diary.perf import gc_paused
from diary.records import episode_dict, episode_from_dict

CSV_COLUMNS = (
    "id",
    "at",
    "site",
    "side",
    "duration_s",
    "pain",
    "triggers",
    "trigger_details",
    "visible",
    *SIGN_FIELDS,
    "soreness_hours",
    "note",
    "logged_at",
    "label",
    "subtype",
    "confidence",
)
TEXT_COLUMNS = ("site", "triggers", "trigger_details", "note")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
JSON_FORMAT = "contraction-diary"
JSON_VERSION = 1


def neutralise(cell: str) -> str:
    return "'" + cell if cell[:1] in _RISKY_FIRST else cell


def restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


_RISKY_FIRST = frozenset((*FORMULA_STARTS, "'"))


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def _csv_row(e: Episode, c: Classification) -> list[Any]:
    """One row in CSV_COLUMNS order; every text cell goes through `neutralise`."""
    details = ";".join(f"{t.name}={t.detail}" for t in e.triggers if t.detail)
    return [
        e.id,
        _iso(e.at),
        neutralise(e.site),
        e.side or "",
        repr(e.duration_s),
        e.pain,
        neutralise(";".join(t.name for t in e.triggers)),
        neutralise(details),
        e.visible,
        *("true" if getattr(e, name) else "false" for name in SIGN_FIELDS),
        _number(e.soreness_hours),
        neutralise(e.note) if e.note else "",
        _iso(e.logged_at),
        c.label,
        c.subtype or "",
        repr(c.confidence),
    ]


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
    write_csv(episodes, lambda e: labels[e.id or 0], buffer)
    return buffer.getvalue()


def to_json(episodes: Iterable[Episode], labels: dict[int, Classification]) -> str:
    buffer = io.StringIO()
    write_json(episodes, lambda e: labels[e.id or 0], buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ParsedFile:
    episodes: list[Episode]
    rows: int


def parse_file(text: str, *, kind: str) -> ParsedFile:
    """Validate every row; raises ImportRejected listing each bad row, or returns them all."""
    with gc_paused():
        return _parse(text, kind)


def _parse(text: str, kind: str) -> ParsedFile:
    records = _json_records(text) if kind == "json" else _csv_records(text)
    episodes, problems, rows = [], [], 0
    for label, record in records:  # a stream: only the validated episodes are kept
        rows += 1
        try:
            episodes.append(episode_from_dict(record))
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
                record[column] = restore(record[column])
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


def fingerprint(e: Episode) -> tuple[Any, ...]:
    """What makes two episodes the same one: every field a person logged (not the id or
    when it was logged)."""
    return (
        e.at,
        e.site,
        e.side,
        round(e.duration_s, 3),
        e.pain,
        tuple(sorted((t.name, t.detail or "") for t in e.triggers)),
        e.visible,
        *(getattr(e, name) for name in SIGN_FIELDS),
        e.soreness_hours,
        e.note or "",
    )


def new_episodes(incoming: list[Episode], existing: list[Episode]) -> list[Episode]:
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
