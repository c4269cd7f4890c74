"""An episode as typed, by `diary log`, `diary edit` or the page: strings in, checked fields out.

Every way in goes through `LogInput`: the typed forms are parsed once (`record`) and each
field then meets the check its declaration names (`checks.check_field`), the same check an
import meets. An episode logged from the page is the row `diary log` would store, and a
value `diary edit` refuses is refused with `diary log`'s message.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from diary import checks
from diary.domain import (
    LOGGED_FIELDS,
    SIGN_FIELDS,
    SIGN_HELP,
    SIGN_OFF,
    KeptDay,
    NewEpisode,
    option_name,
)
from diary.errors import BadInput
from diary.parsing import When, parse_date, parse_when
from diary.vocabulary import split_side, split_typed

REQUIRED = (("site", "--site"), ("duration", "--duration"), ("pain", "--pain"))
# Asked on a terminal when not typed (`diary log`); every other field has a default.
ASKED = ("site", "duration_s", "pain")
WHEN_FIELDS = ("at", "time_known", "part_of_day")  # what `--at` sets


@dataclass(frozen=True)
class SignOption:
    """A yes/no sign as typed: its field, `diary log`'s option, `diary edit`'s option that
    unticks it, the page's form field, and the help, all from the domain's declaration."""

    field: str
    option: str
    off: str
    help: str

    @property
    def form_name(self) -> str:
        return self.option.removeprefix("--")


SIGN_OPTIONS: tuple[SignOption, ...] = tuple(
    SignOption(name, option_name(name), SIGN_OFF[name], SIGN_HELP[name]) for name in SIGN_FIELDS
)


@dataclass(frozen=True)
class LogInput:
    """An episode's options as typed by `diary log`, `diary edit` or the page (None or
    empty: not given). `record` and `changes` are the one way from typed text to checked
    field values, and the checks are the ones an import meets (`checks.check_field`)."""

    site: str | None = None
    side: str | None = None
    duration: str | None = None
    pain: str | None = None
    # Repeatable list options (`--trigger T --trigger U`): one tuple of typed values each.
    triggers: tuple[str, ...] = ()
    clear_triggers: bool = False  # `edit --clear-triggers`: the empty list, given
    relief: tuple[str, ...] = ()  # `--relief stretch=yes`: what was done, and if it helped
    clear_relief: bool = False  # `edit --no-relief`
    visible: str | None = None
    signs: frozenset[str] = field(default_factory=frozenset)  # ticked sign fields
    unticked: frozenset[str] = field(default_factory=frozenset)  # `edit --no-...`
    soreness_hours: str | None = None
    at: str | None = None
    note: str | None = None
    count: str | None = None

    def __post_init__(self) -> None:
        unknown = (self.signs | self.unticked) - set(SIGN_FIELDS)
        if unknown:
            accepted = ", ".join(SIGN_FIELDS)
            raise BadInput(f"unknown sign {sorted(unknown)[0]!r}; signs are {accepted}")
        both = self.signs & self.unticked
        if both:
            name = sorted(both)[0]
            raise BadInput(f"{option_name(name)} and {SIGN_OFF[name]} contradict; give one")

    @property
    def missing(self) -> list[str]:
        return [option for name, option in REQUIRED if getattr(self, name) is None]

    def record(self, *, now: datetime) -> dict[str, Any]:
        """The fields given, by field name, parsed from the forms people type (a side in the
        site, '1m30s', 'last night 3am', 'coffee, stress') but not yet checked."""
        side, site = side_from_site(self.site, self.side)
        given: dict[str, Any] = {
            "site": site,
            "side": side,
            "duration_s": self.duration,
            "pain": self.pain,
            "visible": self.visible,
            "soreness_hours": self.soreness_hours,
            "note": self.note,
            "count": self.count,
        }
        record = {name: value for name, value in given.items() if value is not None}
        if self.triggers or self.clear_triggers:
            record["triggers"] = split_typed(list(self.triggers))
        if self.relief or self.clear_relief:
            record["relief"] = split_typed(list(self.relief))
        record.update({name: True for name in self.signs})
        record.update({name: False for name in self.unticked})
        if self.at is not None:
            when = parse_when(self.at, now=now)
            record.update(at=when.at, time_known=when.time_known, part_of_day=when.part_of_day)
        return record

    def changes(self, *, now: datetime, current: NewEpisode | None = None) -> dict[str, Any]:
        """The checked values of the fields given, by field name (what `diary edit` sets).
        Relief given for the `current` episode adds to or updates what it has (the outcome
        known the morning after), unless `--no-relief` cleared it first."""
        record = self.record(now=now)
        changed = {name: checks.check_field(name, record) for name in record}
        if "relief" in changed and current is not None:
            kept = () if self.clear_relief else current.relief
            changed["relief"] = checks.merge_relief(kept, changed["relief"])
        if "at" in changed:
            checks.check_episode_time(changed["at"], now=now, time_known=changed["time_known"])
        return changed

    def checked(self, *, now: datetime) -> Checked:
        """Every value given, checked; the required ones may still be None (to be asked)."""
        record = self.record(now=now)
        if "at" not in record:
            record.update(at=When(now).at, time_known=True, part_of_day=None)
        values = {
            name: checks.check_field(name, record)
            for name in LOGGED_FIELDS
            if name in record or name not in ASKED
        }
        return Checked(
            site=values.pop("site", None),
            duration_s=values.pop("duration_s", None),
            pain=values.pop("pain", None),
            fields=values,
        )

    def answered(self, option: str, text: str, *, now: datetime) -> Checked:
        """Everything checked with `text` as the option `option` (a prompt's answer): an
        answer is checked as the option typed on the command line would be."""
        given: dict[str, Any] = {option: text}
        return replace(self, **given).checked(now=now)

    def episode(self, *, now: datetime) -> NewEpisode:
        """The episode, or BadInput naming what is missing or wrong."""
        checked = self.checked(now=now)
        if self.missing:
            raise BadInput(
                f"missing {', '.join(self.missing)}; e.g. diary log --site calf --duration 90s "
                "--pain 6"
            )
        return checked.episode()


# The edit command's input is the same as log's: one class, one path.
EpisodeInput = LogInput


@dataclass
class Checked:
    site: str | None
    duration_s: float | None
    pain: int | None
    fields: dict[str, Any]

    def episode(self) -> NewEpisode:
        assert self.site is not None and self.duration_s is not None and self.pain is not None
        return NewEpisode(site=self.site, duration_s=self.duration_s, pain=self.pain, **self.fields)


def side_from_site(site: str | None, side: str | None) -> tuple[str | None, str | None]:
    """Accept `--site "left calf"` as well as `--site calf --side left`."""
    if site is None:
        return side, site
    typed_side, rest = split_side(site)
    if typed_side is None:
        return side, site
    if side not in (None, "") and checks.check_side(side) != typed_side:
        raise BadInput(f"site {site!r} says {typed_side} but --side says {side}; give one side")
    return typed_side, rest


def split_listed(values: list[str]) -> list[str]:
    """`--had coffee=3,stress` is two exposures, as `--trigger` is."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def day_input(on: str | None, had: list[str], none: bool, *, now: datetime) -> KeptDay:
    """The check-in of `diary day` and of the page, checked: the date (default today, not in
    the future) and what was had (`EXPOSURE[=AMOUNT]`)."""
    the_day = parse_date(on, today=now.date()) if on else now.date()
    if the_day > now.date():
        raise BadInput(
            f"date {on!r} ({the_day.isoformat()}) is in the future; check in for today or before"
        )
    return KeptDay(the_day, checks.exposures_from(split_listed(had)), none, checked_in_at=now)
