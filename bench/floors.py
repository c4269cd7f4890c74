"""Stdlib floors for the whole-diary commands: the same rows and the same cells (ISO times,
true/false, triggers with their details, formula-safe text; everything but the label), with
nothing but `sqlite3`, `csv` and `json`, written as a plain stdlib program would. The
benchmark reports each command as a multiple of its floor, measured in the same run, so the
ratio means something on a shared, noisy machine.

    python bench/floors.py export-csv DIARY OUT
    python bench/floors.py export-json DIARY OUT
    python bench/floors.py import-csv DIARY CSV NEWDB   # NEWDB gets DIARY's empty schema
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

EPISODES = (
    "SELECT id, occurred_at, site, side, duration_s, pain, visible, stiff, limited_motion, "
    "rhythmic, weakness, breathing, appearance_change, soreness_hours, note, logged_at "
    "FROM episodes ORDER BY occurred_at, id"
)
TRIGGERS = "SELECT episode_id, name, detail FROM episode_triggers ORDER BY episode_id, position"
KEYS = (
    "id",
    "at",
    "site",
    "side",
    "duration_s",
    "pain",
    "triggers",
    "trigger_details",
    "visible",
    "stiff",
    "limited_motion",
    "rhythmic",
    "weakness",
    "breathing",
    "appearance_change",
    "soreness_hours",
    "note",
    "logged_at",
)
RISKY = ("=", "+", "-", "@", "\t", "\r", "'")


def _records(diary: str) -> Iterator[dict[str, Any]]:
    """The episodes with their triggers, shaped as the diary's JSON export shapes them:
    ISO times, true/false signs, trigger names and details."""
    connection = sqlite3.connect(diary)
    triggers: dict[int, list[tuple[str, str | None]]] = {}
    for episode_id, name, detail in connection.execute(TRIGGERS):
        triggers.setdefault(episode_id, []).append((name, detail))
    for row in connection.execute(EPISODES):
        (episode_id, at, site, side, duration, pain, visible, *signs) = row[:13]
        soreness, note, logged = row[13:]
        named = triggers.get(episode_id, [])
        yield {
            "id": episode_id,
            "at": datetime.fromisoformat(at).isoformat(timespec="seconds"),
            "site": site,
            "side": side,
            "duration_s": duration,
            "pain": pain,
            "triggers": [name for name, _ in named],
            "trigger_details": {name: detail for name, detail in named if detail},
            "visible": visible,
            **dict(zip(KEYS[9:15], (bool(s) for s in signs), strict=True)),
            "soreness_hours": soreness,
            "note": note,
            "logged_at": datetime.fromisoformat(logged).isoformat(timespec="seconds"),
        }


def _safe(text: str) -> str:
    return "'" + text if text[:1] in RISKY else text


def export_csv(diary: str, out: str) -> None:
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(KEYS)
        for r in _records(diary):
            details = ";".join(f"{k}={v}" for k, v in r["trigger_details"].items())
            writer.writerow(
                [
                    r["id"],
                    r["at"],
                    _safe(r["site"]),
                    r["side"],
                    r["duration_s"],
                    r["pain"],
                    _safe(";".join(r["triggers"])),
                    _safe(details),
                    r["visible"],
                    *("true" if r[k] else "false" for k in KEYS[9:15]),
                    r["soreness_hours"],
                    _safe(r["note"]) if r["note"] else "",
                    r["logged_at"],
                ]
            )


def export_json(diary: str, out: str) -> None:
    with open(out, "w", encoding="utf-8") as handle:
        handle.write('{"episodes": [')
        separator = "\n"
        for record in _records(diary):
            handle.write(separator)
            handle.write(json.dumps(record, ensure_ascii=False))
            separator = ",\n"
        handle.write("\n]}\n")


def import_csv(diary: str, source: str, new_db: str) -> None:
    schema = [
        sql
        for (sql,) in sqlite3.connect(diary).execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        )
    ]
    connection = sqlite3.connect(new_db)
    for statement in schema:
        connection.execute(statement)
    episodes: list[tuple[Any, ...]] = []
    triggers: list[tuple[int, int, str, str | None]] = []

    def moment(text: str) -> str:  # stored as SQLAlchemy stores a DateTime on SQLite
        return datetime.fromisoformat(text).isoformat(" ", "microseconds")

    def text(cell: str) -> str:
        return cell[1:] if cell.startswith("'") else cell

    with open(source, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        at = {name: i for i, name in enumerate(next(reader))}
        signs = [at[k] for k in KEYS[9:15]]
        for row in reader:
            episode_id = int(row[at["id"]])
            pain, duration = int(row[at["pain"]]), float(row[at["duration_s"]])
            if not (0 <= pain <= 10 and duration > 0):
                raise SystemExit(f"bad row {episode_id}")
            soreness = row[at["soreness_hours"]]
            episodes.append(
                (
                    episode_id,
                    moment(row[at["at"]]),
                    moment(row[at["logged_at"]]),
                    text(row[at["site"]]),
                    row[at["side"]] or None,
                    duration,
                    pain,
                    row[at["visible"]],
                    *(row[i] == "true" for i in signs),
                    float(soreness) if soreness else None,
                    text(row[at["note"]]) or None,
                )
            )
            names = text(row[at["triggers"]])
            details = dict(
                part.split("=", 1) for part in text(row[at["trigger_details"]]).split(";") if part
            )
            if names:
                triggers.extend(
                    (episode_id, i, name, details.get(name))
                    for i, name in enumerate(names.split(";"))
                )
    with connection:
        connection.executemany(
            "INSERT INTO episodes (id, occurred_at, logged_at, site, side, duration_s, pain, "
            "visible, stiff, limited_motion, rhythmic, weakness, breathing, appearance_change, "
            "soreness_hours, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            episodes,
        )
        connection.executemany(
            "INSERT INTO episode_triggers (episode_id, position, name, detail) VALUES (?, ?, ?, ?)",
            triggers,
        )


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    floors: dict[str, Callable[..., None]] = {
        "export-csv": export_csv,
        "export-json": export_json,
        "import-csv": import_csv,
    }
    floors[command](*arguments)
