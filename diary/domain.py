"""The diary's domain objects, and the one definition of an episode (no I/O).

`NewEpisode` lists, once, every field a person logs. Storage columns, the CSV and JSON
shapes, the duplicate fingerprint and the input checks are all derived from its fields
(`dataclasses.fields`), so a new field is added here and nowhere else by hand. A stored
`Episode` is a `NewEpisode` that always has its id and the time it was logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple

Side = Literal["left", "right", "both"]
Visible = Literal["none", "flicker", "bulge"]
Label = Literal["twitch", "spasm", "unclear"]
Severity = Literal["urgent", "doctor", "watch"]

SIDES: tuple[str, ...] = ("left", "right", "both")
VISIBLE_SIGNS: tuple[str, ...] = ("none", "flicker", "bulge")
LABELS: tuple[Label, ...] = ("twitch", "spasm", "unclear")
SEVERITIES: tuple[Severity, ...] = ("urgent", "doctor", "watch")

MAX_DURATION_S = 24 * 3600
MAX_NOTE = 4000
MAX_TRIGGER_DETAIL = 200  # the detail column's length ("medication:atorvastatin 20 mg")
MAX_ID = 2**31 - 1  # the id column's range on every backend (PostgreSQL's integer)
MAX_SORENESS_H = 24 * 90
MAX_COUNT = 10_000  # contractions one entry stands for (a day of twitching is ~hundreds)
UNPAIRED_SITES = frozenset(
    {"face", "jaw", "neck", "chest", "upper back", "lower back", "abdomen", "pelvis", "tongue"}
)
PartOfDay = Literal["night"]
PARTS_OF_DAY: tuple[str, ...] = ("night",)


def _spec(default: Any = None, *, factory: Any = None, **meta: Any) -> Any:
    """A field with what the rest of the diary derives from it.

    Keys: `column` (storage name, when not the field's), `max_length` (text), `bounds`
    (lowest, highest accepted number), `sign` (a yes/no sign a person ticks), `check` (the
    name of the input check in `diary.checks`), `required` (a person must give it).
    """
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    if default is _REQUIRED:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


_REQUIRED = object()


def _sign(help_text: str, *, off: str | None = None, **meta: Any) -> Any:
    """A yes/no sign. `help` is what `diary log --help` and the page say of it; `off` is the
    option `diary edit` takes to untick it (default `--no-NAME`). Options, form fields and
    checks are derived from this, so a new sign is declared here and nowhere else by hand."""
    return _spec(False, sign=True, check="bool", help=help_text, off=off, **meta)


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    name: str
    detail: str | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.detail})" if self.detail else self.name


Helped = Literal["yes", "some", "no"]
HELPED: tuple[str, ...] = ("yes", "some", "no")


@dataclass(frozen=True, slots=True)
class ReliefEntry:
    """Something a person did for an episode (stretch, ice, medication: baclofen) and whether
    it helped: yes, some, no, or None while not known yet."""

    measure: str
    detail: str | None = None
    helped: Helped | None = None

    @property
    def what(self) -> str:
        return f"{self.measure} ({self.detail})" if self.detail else self.measure

    def __str__(self) -> str:
        return f"{self.what}: {self.helped}" if self.helped else self.what


@dataclass(kw_only=True, slots=True)
class NewEpisode:
    """One contraction episode as the person described it, not yet stored.

    An import may bring the `id` and `logged_at` it was exported with; storage keeps them
    when it can.
    """

    at: datetime = _spec(_REQUIRED, column="occurred_at", check="moment", required=True)
    site: str = _spec(_REQUIRED, max_length=40, check="site", required=True)
    side: Side | None = _spec(None, check="side")
    duration_s: float = _spec(
        _REQUIRED, bounds=(0, MAX_DURATION_S), check="duration", required=True
    )
    pain: int = _spec(_REQUIRED, bounds=(0, 10), check="pain", required=True)
    triggers: tuple[TriggerEntry, ...] = _spec(factory=tuple, check="triggers")
    visible: Visible = _spec("none", check="visible")
    stiff: bool = _sign("The muscle felt tight or stiff.", off="--not-stiff")
    limited_motion: bool = _sign(
        "You could not move it through its full range.", off="--full-motion"
    )
    rhythmic: bool = _sign(
        "A rhythmic series of rapid beats (e.g. after a stretch).", off="--not-rhythmic"
    )
    weakness: bool = _sign("The muscle felt weak.")
    breathing: bool = _sign("You had difficulty breathing.")
    appearance_change: bool = _sign("The muscle looks different (wasting, a lasting bulge).")
    # Added in 0005: older rows read false.
    speech: bool = _sign("Your speech was slurred or changed.", server_default=False)
    swallowing: bool = _sign(
        "Difficulty swallowing, or choking on food or drink.", server_default=False
    )
    # Added in 0006: older rows read false. A sensory symptom, no flag of its own (003).
    tingling: bool = _sign("Tingling or numbness with the twitching.", server_default=False)
    soreness_hours: float | None = _spec(None, bounds=(0, MAX_SORENESS_H), check="soreness")
    note: str | None = _spec(None, max_length=MAX_NOTE, check="note")
    count: int = _spec(1, bounds=(1, MAX_COUNT), check="count", server_default=1)
    time_known: bool = _spec(True, check="time_known", server_default=True)
    part_of_day: PartOfDay | None = _spec(None, check="part_of_day")
    # What was done for it; stored in a table of its own, like triggers.
    relief: tuple[ReliefEntry, ...] = _spec(factory=tuple, check="relief")
    id: int | None = _spec(None, check="id")
    logged_at: datetime | None = _spec(None, check="moment")

    @property
    def trigger_names(self) -> tuple[str, ...]:
        return tuple([t.name for t in self.triggers])

    @property
    def where(self) -> str:
        return where(self.site, self.side)


def where(site: str, side: str | None) -> str:
    """'left calf', 'both calves', or the site alone when no side was given."""
    if side == "both":
        return f"both {plural(site)}"
    return f"{side} {site}" if side else site


def last_days(end: date, days: int, *, not_before: date | None = None) -> tuple[date, date]:
    """The recent period: the `days` days ending on `end` (both included), starting no
    earlier than `not_before`. Every "last N days" of the diary is this one period."""
    first = end - timedelta(days=days - 1)
    if not_before is not None:
        first = max(first, min(not_before, end))
    return first, end


def counted(n: int, one: str, many: str | None = None) -> str:
    """'1 episode', '3 episodes', '1 kept day': a count in proper words."""
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def plural(site: str) -> str:
    """'calf' -> 'calves', 'eyelid' -> 'eyelids': for 'both calves'."""
    irregular = {"calf": "calves", "foot": "feet", "shin": "shins", "knee": "knees"}
    if site in irregular:
        return irregular[site]
    if site in UNPAIRED_SITES:
        return site
    return site if site.endswith("s") else f"{site}s"


@dataclass(kw_only=True, slots=True)
class Episode(NewEpisode):
    """A stored episode: it always has its id and the time it was logged."""

    id: int
    logged_at: datetime


EPISODE_FIELDS = fields(NewEpisode)
# What a person logs: every field but the ones storage assigns.
LOGGED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in EPISODE_FIELDS if f.name not in ("id", "logged_at")
)
REQUIRED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in EPISODE_FIELDS if f.metadata.get("required")
)
# The yes/no signs a person ticks, in field order.
SIGN_FIELDS: tuple[str, ...] = tuple(f.name for f in EPISODE_FIELDS if f.metadata.get("sign"))
SIGN_HELP: dict[str, str] = {
    f.name: f.metadata["help"] for f in EPISODE_FIELDS if f.name in SIGN_FIELDS
}


def option_name(field_name: str) -> str:
    """The command-line option of a field: `limited_motion` -> `--limited-motion`."""
    return "--" + field_name.replace("_", "-")


# The option `diary edit` takes to untick each sign.
SIGN_OFF: dict[str, str] = {
    f.name: f.metadata.get("off") or "--no-" + f.name.replace("_", "-")
    for f in EPISODE_FIELDS
    if f.name in SIGN_FIELDS
}


def stored(episode: NewEpisode, *, id: int, logged_at: datetime) -> Episode:
    """The stored form of a new episode."""
    values = {name: getattr(episode, name) for name in LOGGED_FIELDS}
    return Episode(**values, id=id, logged_at=logged_at)


Evidence = tuple[str, Any, Any]  # (kind, value, threshold), rendered by analysis.explain


class Observation(NamedTuple):
    """What an episode's label and the trend charts depend on, and nothing more: the light
    form in which years of episodes are streamed for charts."""

    at: datetime
    site: str
    duration_s: float
    pain: int
    visible: str
    stiff: bool
    limited_motion: bool
    rhythmic: bool
    trigger_names: tuple[str, ...]
    id: int
    count: int = 1  # type: ignore[assignment]  # the field shadows tuple.count
    time_known: bool = True
    part_of_day: str | None = None
    side: str | None = None


@dataclass(frozen=True, slots=True)
class Classification:
    label: Label
    subtype: str | None
    confidence: float
    weights: tuple[float, float]  # the winning (or twitch, for unclear) side's weight first
    evidence: tuple[Evidence, ...]
    after_stretch: bool = False


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    severity: Severity
    title: str
    detail: str
    episode_ids: tuple[int, ...]
    source: str
    key: str = field(default="", compare=False)  # distinguishes flags of one code (e.g. site)
    plain: str = field(default="", compare=False)  # the detail in plain words, no statistics

    @property
    def words(self) -> str:
        """What a person reads in the weekly report: plain words when the detail carries
        test names and p-values (those stay in `diary flags` and JSON)."""
        return self.plain or self.detail

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.code, self.severity, self.key)


@dataclass(frozen=True, slots=True)
class Exposure:
    """Something a person had on a kept day (caffeine, 3 cups); amount in its own unit."""

    name: str
    amount: float | None = None


@dataclass(frozen=True, slots=True)
class KeptDay:
    """A day the person checked in: the diary is complete for it. An exposure that is not
    listed was not had; `no_episodes` says there were none that day."""

    day: date
    exposures: tuple[Exposure, ...] = ()
    no_episodes: bool = False
    checked_in_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DayRecord:
    """A day as `diary days` shows it: kept or not, what was had (from the check-in and the
    triggers noted on its episodes), its entries and the contractions they stand for."""

    day: date
    kept: bool
    exposures: dict[str, float | None]
    episodes: int
    contractions: int
    no_episodes: bool = False
