"""An episode as typed, by `diary log` or the web form: strings in, a checked `NewEpisode` out.

Both ways of logging go through `LogInput.checked`, so an episode logged from the page is
the same row `diary log` would store, refused with the same message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from diary import checks
from diary.domain import SIGN_FIELDS, KeptDay, NewEpisode
from diary.errors import BadInput
from diary.parsing import When, parse_date, parse_duration, parse_when
from diary.vocabulary import resolve_site, split_side, split_typed

REQUIRED = (("site", "--site"), ("duration", "--duration"), ("pain", "--pain"))


@dataclass(frozen=True)
class LogInput:
    """The options of `diary log` as typed (None: not given)."""

    site: str | None = None
    side: str | None = None
    duration: str | None = None
    pain: str | None = None
    triggers: tuple[str, ...] = ()
    visible: str | None = None
    signs: frozenset[str] = field(default_factory=frozenset)  # ticked sign fields
    soreness_hours: str | None = None
    at: str | None = None
    note: str | None = None
    count: str | None = None

    def __post_init__(self) -> None:
        unknown = self.signs - set(SIGN_FIELDS)
        if unknown:
            accepted = ", ".join(SIGN_FIELDS)
            raise BadInput(f"unknown sign {sorted(unknown)[0]!r}; signs are {accepted}")

    @property
    def missing(self) -> list[str]:
        return [option for name, option in REQUIRED if getattr(self, name) is None]

    def checked(self, *, now: datetime) -> Checked:
        """Every value given, checked; the required ones may still be None (to be asked)."""
        side, site = side_from_site(self.site, self.side)
        when = parse_when(self.at, now=now) if self.at is not None else When(now)
        fields: dict[str, Any] = {
            "side": checks.check_side(side),
            "triggers": checks.triggers_from(split_typed(list(self.triggers))),
            "visible": checks.check_visible(self.visible),
            "soreness_hours": checks.check_soreness(self.soreness_hours),
            "note": checks.check_note(self.note),
            "count": checks.check_count(self.count),
            "at": when.at,
            "time_known": when.time_known,
            "part_of_day": when.part_of_day,
            **{name: name in self.signs for name in SIGN_FIELDS},
        }
        return Checked(
            site=resolve_site(site) if site is not None else None,
            duration_s=parse_duration(self.duration) if self.duration is not None else None,
            pain=checks.check_pain(self.pain) if self.pain is not None else None,
            fields=fields,
        )

    def episode(self, *, now: datetime) -> NewEpisode:
        """The episode, or BadInput naming what is missing or wrong."""
        checked = self.checked(now=now)
        if self.missing:
            raise BadInput(
                f"missing {', '.join(self.missing)}; e.g. diary log --site calf --duration 90s "
                "--pain 6"
            )
        return checked.episode()


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
