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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from diary.errors import BadInput, ImportRejected
from diary.model import Classification, Episode
from diary.records import BOOLEAN_FIELDS, episode_dict, episode_from_dict

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
    *BOOLEAN_FIELDS,
    "soreness_hours",
    "note",
    "logged_at",
    "label",
    "subtype",
    "confidence",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
JSON_FORMAT = "contraction-diary"
JSON_VERSION = 1


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith((*FORMULA_STARTS, "'")) else cell


def restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return neutralise(str(value))


def to_csv(episodes: Iterable[Episode], labels: dict[int, Classification]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in episodes:
        c = labels[e.id or 0]
        data = episode_dict(e, None)
        data["triggers"] = ";".join(e.trigger_names)
        data["trigger_details"] = ";".join(f"{t.name}={t.detail}" for t in e.triggers if t.detail)
        data.update(label=c.label, subtype=c.subtype, confidence=c.confidence)
        writer.writerow([_csv_cell(data[column]) for column in CSV_COLUMNS])
    return buffer.getvalue()


def to_json(episodes: Iterable[Episode], labels: dict[int, Classification]) -> str:
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "episodes": [episode_dict(e, labels[e.id or 0]) for e in episodes],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


@dataclass(frozen=True)
class ParsedFile:
    episodes: list[Episode]
    rows: int


def parse_file(text: str, *, kind: str) -> ParsedFile:
    """Validate every row; raises ImportRejected listing each bad row, or returns them all."""
    records = _json_records(text) if kind == "json" else _csv_records(text)
    episodes, problems = [], []
    for label, record in records:
        try:
            episodes.append(episode_from_dict(record))
        except BadInput as exc:
            problems.append(f"{label}: {exc}")
    if problems:
        raise ImportRejected(problems)
    return ParsedFile(episodes, len(records))


def _json_records(text: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"the file is not valid JSON ({exc})") from None
    items = document.get("episodes") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise BadInput("a JSON import needs an object with an 'episodes' array")
    records = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportRejected([f"episode {number}: not an object"])
        records.append((f"episode {number}", item))
    return records


def _csv_records(text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("at", "site", "duration_s", "pain") if c not in header]
    if missing:
        raise BadInput(
            f"the CSV header lacks {', '.join(missing)}; export one with "
            "`diary export --format csv` to see the columns"
        )
    records = []
    for number, row in enumerate(reader, start=1):
        if None in row:
            raise ImportRejected([f"row {number}: more cells than the header has columns"])
        record: dict[str, Any] = {k: restore(v) if v else None for k, v in row.items()}
        details = record.get("trigger_details") or ""
        record["trigger_details"] = dict(
            part.split("=", 1) for part in details.split(";") if "=" in part
        )
        records.append((f"row {number}", record))
    return records


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
        *(getattr(e, name) for name in BOOLEAN_FIELDS),
        e.soreness_hours,
        e.note or "",
    )


def new_episodes(incoming: list[Episode], existing: list[Episode]) -> list[Episode]:
    """Incoming episodes not already in the diary; a file that repeats one episode keeps as
    many copies as it has, less those already stored."""
    stored = Counter(fingerprint(e) for e in existing)
    fresh = []
    for e in incoming:
        key = fingerprint(e)
        if stored[key]:
            stored[key] -= 1
        else:
            fresh.append(e)
    return fresh
