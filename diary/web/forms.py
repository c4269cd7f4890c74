"""The page's forms: posted text in, the same `LogInput` as `diary log` and `diary edit` out.

Form bodies are decoded strictly: a byte that is not UTF-8 (`%FF%FE` in a note) reaches
the checks as the command line's arguments do (a lone surrogate), so it is refused with the
command line's message instead of being stored as replacement characters.
"""

from __future__ import annotations

import codecs
import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser, MultiPartParser

from diary.domain import (
    LOGGED_FIELDS,
    SIGN_FIELDS,
    SIGN_HELP,
    Episode,
    NewEpisode,
    ReliefEntry,
    TriggerEntry,
)
from diary.entries import LogInput

STRICT_CODEC = "diary-utf8-surrogateescape"
# Signs that mean "seek care now" or "see a doctor" (breathing: urgent; speech and swallowing:
# bulbar signs; weakness: progressive weakness): shown apart from the ordinary signs.
WARNING_SIGNS = ("breathing", "speech", "swallowing", "weakness")
SHORT_FIELDS = ("site", "duration", "pain")  # the 3 am form: everything else is under "more"
TEXT_FIELDS = (
    "site",
    "side",
    "duration",
    "pain",
    "visible",
    "at",
    "count",
    "soreness-hours",
    "other-trigger",
)


def _strict_search(name: str) -> codecs.CodecInfo | None:
    if name != STRICT_CODEC.replace("-", "_"):
        return None
    utf8 = codecs.lookup("utf-8")

    def decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
        return utf8.decode(data, "surrogateescape")  # whatever the caller asked for

    return codecs.CodecInfo(utf8.encode, decode, name=STRICT_CODEC)  # type: ignore[arg-type]


codecs.register(_strict_search)


class _StrictMultiPart(MultiPartParser):
    def get_part_charset(self, headers: Any) -> str:
        return STRICT_CODEC


class _StrictForms(FormDataParser):
    def _parse_urlencoded(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: Any
    ) -> Any:
        text = stream.read().decode("utf-8", "surrogateescape")
        items = parse_qsl(text, keep_blank_values=True, errors="surrogateescape")
        return stream, self.cls(items), self.cls()

    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: Any
    ) -> Any:
        parser = _StrictMultiPart(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


class StrictRequest(Request):
    """Flask's request, with form fields decoded as the command line decodes its arguments."""

    form_data_parser_class = _StrictForms


def shown(value: str) -> str:
    """Posted text as it can be shown back (an undecodable byte as its escape)."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class LogForm:
    """The log (or edit) form's values as shown, so a refused post comes back as typed."""

    values: dict[str, str]
    triggers: list[str]
    signs: set[str]
    relief: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def empty(cls) -> LogForm:
        return cls({}, [], set())

    @classmethod
    def from_post(cls, form: MultiDict[str, str]) -> LogForm:
        values = {name: form.get(name, "").strip() for name in TEXT_FIELDS}
        values["note"] = form.get("note", "")  # kept exactly as typed
        triggers = [t for t in form.getlist("trigger") if t.strip()]
        signs = {name for name in SIGN_FIELDS if name.replace("_", "-") in form}
        relief = [r for r in form.getlist("relief") if r.strip()]
        return cls(values, triggers, signs, relief)

    @classmethod
    def of(cls, episode: Episode) -> LogForm:
        """An entry as its edit form shows it."""
        values = {
            "site": episode.site,
            "side": episode.side or "",
            "duration": f"{episode.duration_s:g}s",
            "pain": str(episode.pain),
            "visible": episode.visible,
            "at": at_text(episode),
            "count": str(episode.count),
            "soreness-hours": ""
            if episode.soreness_hours is None
            else f"{episode.soreness_hours:g}",
            "other-trigger": ", ".join(trigger_text(t) for t in episode.triggers),
            "note": episode.note or "",
        }
        relief = [relief_text(r) for r in episode.relief]
        return cls(values, [], {name for name in SIGN_FIELDS if getattr(episode, name)}, relief)

    def relief_shown(self) -> str:
        return shown(", ".join(self.relief))

    def value(self, name: str, default: str = "") -> str:
        return shown(self.values.get(name) or default)

    def typed(self) -> LogInput:
        def given(name: str) -> str | None:
            return self.values.get(name) or None

        other = self.values.get("other-trigger", "")
        return LogInput(
            site=given("site"),
            side=given("side"),
            duration=given("duration"),
            pain=given("pain"),
            triggers=(*self.triggers, *([other] if other else [])),
            visible=given("visible"),
            signs=frozenset(self.signs),
            soreness_hours=given("soreness-hours"),
            at=given("at"),
            note=self.values.get("note") or None,
            count=given("count"),
            relief=tuple(self.relief),
        )

    def edited(self, current: Episode, *, now: datetime) -> Episode:
        """The entry with every field as the edit form gives it, checked as `diary log`
        checks it; an unchanged (or emptied) "when" keeps the time as it was stored, so a
        night of unknown hour stays one."""
        unchanged = self.values.get("at", "") in ("", at_text(current))
        form = dataclasses.replace(self, values={**self.values, "at": ""}) if unchanged else self
        new: NewEpisode = form.typed().episode(now=now)
        values = {name: getattr(new, name) for name in LOGGED_FIELDS}
        if unchanged:
            values.update(at=current.at, time_known=current.time_known)
            values.update(part_of_day=current.part_of_day)
        return dataclasses.replace(current, **values)


def trigger_text(t: TriggerEntry) -> str:
    """A stored trigger as typed: `medication:atorvastatin`."""
    return f"{t.name}:{t.detail}" if t.detail else t.name


def relief_text(r: ReliefEntry) -> str:
    """A stored relief entry as typed: `medication:baclofen=some`."""
    what = f"{r.measure}:{r.detail}" if r.detail else r.measure
    return f"{what}={r.helped}" if r.helped else what


def at_text(e: Episode) -> str:
    """When an entry happened, in a form the "when" field reads back."""
    if e.time_known:
        return f"{e.at:%Y-%m-%d %H:%M}"
    return f"{e.at:%Y-%m-%d}"


def sign_choices(names: tuple[str, ...] = SIGN_FIELDS) -> tuple[list[Any], list[Any]]:
    """(ordinary signs, warning signs), each as (field, form name, help) for the template."""
    listed = [(name, name.replace("_", "-"), SIGN_HELP[name]) for name in names]
    return (
        [s for s in listed if s[0] not in WARNING_SIGNS],
        [s for s in listed if s[0] in WARNING_SIGNS],
    )
