"""An episode in words: when it happened, its label and the facts a person checks at a glance.

One formatter for every way the diary speaks: the command line (`diary.cli.render`) and the
page (`diary.web`) say an episode the same way, including a night whose hour was not given.
"""

from __future__ import annotations

from datetime import datetime

from diary.domain import SIGN_FIELDS, Classification, Episode, ReliefEntry
from diary.parsing import format_duration, part_of_day_of
from diary.shapes import shown


def when(moment: datetime) -> str:
    return f"{moment:%a %d %b %Y %H:%M}"


def when_of(e: Episode) -> str:
    """When an episode happened, as precisely as it was given: never an invented time."""
    if e.time_known:
        return when(e.at)
    part = part_of_day_of(e.at, time_known=False, part_of_day=e.part_of_day)
    if part == "night":
        return f"night of {e.at:%a %d %b %Y} (hour not given)"
    if part is not None:  # 'this afternoon': stored at a representative hour, never shown
        return f"{e.at:%a %d %b %Y}, {part} (hour not given)"
    return f"{e.at:%a %d %b %Y} (time not given)"


def short_when(e: Episode) -> str:
    """The 'when' cell of a table: the time, 'night' or 'time not given'."""
    if e.time_known:
        return f"{e.at:%a %Y-%m-%d %H:%M}"
    part = part_of_day_of(e.at, time_known=False, part_of_day=e.part_of_day)
    return f"{e.at:%a %Y-%m-%d} " + (part or "--:--")


def time_of_day(e: Episode) -> str:
    """The time within a day already named: '23:40', 'night (hour not given)'."""
    if e.time_known:
        return f"{e.at:%H:%M}"
    part = part_of_day_of(e.at, time_known=False, part_of_day=e.part_of_day)
    return f"{part} (hour not given)" if part else "time not given"


def label_text(c: Classification) -> str:
    return f"{c.label} ({c.subtype})" if c.subtype else c.label


def relief_text(relief: tuple[ReliefEntry, ...]) -> str:
    """'stretch: helped; ice: did not help; water (sports drink): not known yet'."""
    said = {"yes": "helped", "some": "helped some", "no": "did not help", None: "not known yet"}
    return shown("; ".join(f"{r.what}: {said[r.helped]}" for r in relief))


def episode_summary(e: Episode) -> str:
    """Site and side, duration, pain, triggers: the facts a person checks at a glance."""
    parts = [e.where, format_duration(e.duration_s), f"pain {e.pain}/10"]
    if e.count > 1:
        parts.insert(1, f"×{e.count}")
    if e.triggers:
        parts.append("triggers " + shown(", ".join(str(t) for t in e.triggers)))
    if e.relief:
        parts.append("tried " + relief_text(e.relief))
    signs = [name.replace("_", " ") for name in SIGN_FIELDS if getattr(e, name)]
    if e.visible != "none":
        signs.insert(0, e.visible)
    if signs:
        parts.append(", ".join(signs))
    return " · ".join(parts)
