"""Plain-text rendering of episodes and flags for the terminal."""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import typer

from diary.analysis.explain import SIGN_MEANINGS, reasons
from diary.analysis.flags import NOT_A_DIAGNOSIS
from diary.describe import (
    episode_summary,
    label_text,
    relief_text,
    short_when,
    when,
    when_of,
)
from diary.domain import SIGN_FIELDS, Classification, DayRecord, Episode, Flag
from diary.parsing import format_duration
from diary.shapes import shown

SEVERITY_HEADINGS = {
    "urgent": "URGENT: seek care now",
    "doctor": "Worth booking a visit with a doctor",
    "watch": "Keep an eye on",
}
SEVERITY_COLOURS = {"urgent": "red", "doctor": "yellow", "watch": "cyan"}


MIN_WIDTH, MAX_WIDTH = 40, 200
SHOWN_IDS = 8  # evidence ids a flag lists before "+N more"; `--json` has them all


def terminal_width(cap: int = MAX_WIDTH) -> int:
    """The terminal's width (COLUMNS honoured), within MIN_WIDTH and `cap`."""
    return max(MIN_WIDTH, min(cap, shutil.get_terminal_size((80, 24)).columns))


def wrapped(text: str, width: int, *, first: str = "", hang: str | None = None) -> str:
    """Wrapped at the width, whole words only (a word is never broken); later lines hang."""
    return textwrap.fill(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=first if hang is None else hang,
        break_long_words=False,
        break_on_hyphens=False,
    )


def evidence_ids(ids: Sequence[int], shown: int = SHOWN_IDS) -> str:
    listed = ", ".join(f"#{i}" for i in ids[:shown])
    return listed + (f" +{len(ids) - shown} more" if len(ids) > shown else "")


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def logged_line(e: Episode, c: Classification) -> str:
    return (
        f"Logged #{e.id}: {episode_summary(e)} — {when_of(e)}\n"
        f"Looks like: {label_text(c)}, confidence {c.confidence:.2f}. "
        f"`diary show {e.id}` explains why."
    )


EPISODE_COLUMNS = ("id", "when", "where", "count", "duration", "pain", "label", "triggers")
_RIGHT_ALIGNED = (0, 3, 5)


def episode_cells(e: Episode, c: Classification) -> tuple[str, ...]:
    """One row of the episode table."""
    return (
        str(e.id),
        short_when(e),
        e.where,
        f"×{e.count}",
        format_duration(e.duration_s),
        f"{e.pain}/10",
        label_text(c),
        shown(", ".join(e.trigger_names)),
    )


def table_widths(rows: Iterable[Sequence[str]], header: Sequence[str]) -> list[int]:
    """The width of each column but the last (which is not padded)."""
    widths = [len(cell) for cell in header[:-1]]
    for row in rows:
        for i, width in enumerate(widths):
            if len(row[i]) > width:
                widths[i] = len(row[i])
    return widths


def table_line(row: Sequence[str], widths: Sequence[int]) -> str:
    cells = [
        row[i].rjust(w) if i in _RIGHT_ALIGNED else row[i].ljust(w) for i, w in enumerate(widths)
    ]
    return "  ".join([*cells, row[-1]]).rstrip()


def episode_table(episodes: Sequence[Episode], labels: dict[int, Classification]) -> str:
    rows = [episode_cells(e, labels[e.id]) for e in episodes]
    widths = table_widths(rows, EPISODE_COLUMNS)
    return "\n".join(table_line(r, widths) for r in [EPISODE_COLUMNS, *rows])


def echo_lines(lines: Iterable[str], *, batch: int = 2000) -> None:
    """Lines written a batch at a time (one write per line costs more than forming it)."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == batch:
            typer.echo("\n".join(chunk))
            chunk.clear()
    if chunk:
        typer.echo("\n".join(chunk))


def print_json_array(items: Iterable[Any]) -> None:
    """`print_json` of a list, written an item at a time: the same text, without holding
    the list."""
    first = True
    for item in items:
        # JSON text holds no raw line break but its own: each line is indented as a list item
        body = "  " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        typer.echo(("[\n" if first else ",\n") + body, nl=False)
        first = False
    typer.echo("[]" if first else "\n]")


_W = 20


def episode_detail(e: Episode, c: Classification) -> str:
    lines = [
        f"Episode #{e.id} — {when_of(e)}",
        f"  {'where:':<{_W}}{e.where}",
        f"  {'count:':<{_W}}{e.count} contraction{'s' if e.count > 1 else ''}",
        f"  {'duration:':<{_W}}{format_duration(e.duration_s)}",
        f"  {'pain:':<{_W}}{e.pain}/10",
        f"  {'triggers:':<{_W}}{shown(', '.join(str(t) for t in e.triggers)) or '-'}",
        f"  {'tried for relief:':<{_W}}{relief_text(e.relief) if e.relief else '-'}",
        f"  {'visible:':<{_W}}{e.visible}",
    ]
    for name in SIGN_FIELDS:
        lines.append(f"  {name.replace('_', ' ') + ':':<{_W}}{'yes' if getattr(e, name) else 'no'}")
    ticked = [name for name in SIGN_FIELDS if getattr(e, name) and name in SIGN_MEANINGS]
    if ticked:
        lines.append("  What the signs you ticked mean:")
        lines.extend(f"    {name.replace('_', ' ')}: {SIGN_MEANINGS[name]}" for name in ticked)
    if e.soreness_hours is not None:
        lines.append(f"  {'soreness:':<{_W}}{e.soreness_hours:g} h afterwards")
    if e.note:
        lines.append(f"  {'note:':<{_W}}{shown(e.note)}")
    if e.logged_at:
        lines.append(f"  {'logged:':<{_W}}{when(e.logged_at)}")
    lines.append("")
    lines.append(f"Classification: {label_text(c)}, confidence {c.confidence:.2f}")
    lines.append("Why:")
    lines.extend(f"  - {reason}" for reason in reasons(c))
    lines.append("Sources: 000-003 are the four source documents (see README).")
    lines.append(NOT_A_DIAGNOSIS)
    return "\n".join(lines)


def flag_block(flag: Flag, width: int | None = None) -> str:
    """A flag wrapped at the terminal's width, its evidence cut to a few ids."""
    width = width or terminal_width()
    return "\n".join(
        [
            wrapped(f"- [{flag.severity}] {flag.title}", width, hang="  "),
            wrapped(shown(flag.detail), width, first="    "),
            wrapped(
                f"evidence: {evidence_ids(flag.episode_ids)} · sources: {flag.source} · "
                f"rule: {flag.code}",
                width,
                first="    ",
            ),
        ]
    )


def echo_flags(
    flags: Sequence[Flag], *, heading: str | None = None, disclaimer: bool = True
) -> None:
    """Flags grouped by severity, urgent first and loud; calm words for the rest."""
    width = terminal_width()
    if heading:
        typer.echo(heading)
    for severity, title in SEVERITY_HEADINGS.items():
        group = [f for f in flags if f.severity == severity]
        if not group:
            continue
        loud = severity == "urgent"
        typer.secho(f"\n{'!! ' if loud else ''}{title}", fg=SEVERITY_COLOURS[severity], bold=loud)
        for flag in group:
            typer.echo(flag_block(flag, width))
    if disclaimer:
        typer.echo("\n" + wrapped(NOT_A_DIAGNOSIS, width))


def day_dict(record: DayRecord) -> dict[str, Any]:
    return {
        "date": record.day.isoformat(),
        "kept": record.kept,
        "exposures": record.exposures,
        "episodes": record.episodes,
        "contractions": record.contractions,
        "no_episodes": record.no_episodes,
    }


def _amount(name: str, amount: float | None, units: dict[str, str | None]) -> str:
    if amount is None:
        return shown(name)
    unit = units.get(name)
    if unit and amount == 1 and unit.endswith("s"):
        unit = unit[:-1]  # 1 cup, 1 unit
    return f"{shown(name)} {amount:g}" + (f" {unit}" if unit else "")


def day_line(record: DayRecord, *, units: dict[str, str | None]) -> str:
    """'Mon 16 Nov 2026  kept  caffeine 2 cups, stress · 2 entries (5 contractions)'."""
    had = ", ".join(_amount(n, a, units) for n, a in record.exposures.items())
    if not record.kept:
        state = "not checked in"
    else:
        state = "kept: " + (had or "nothing tracked")
        had = ""
    if record.episodes:
        plural = "entry" if record.episodes == 1 else "entries"
        logged = f"{record.episodes} {plural}"
        if record.contractions != record.episodes:
            logged += f" ({record.contractions} contractions)"
    elif record.kept:
        logged = "no episodes"
    else:
        logged = ""
    noted = f" · noted: {had}" if had else ""
    return f"{record.day:%a %d %b %Y}  {state}{noted}" + (f" · {logged}" if logged else "")
