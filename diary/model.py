"""Plain domain objects shared by storage, analysis and rendering (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

Side = Literal["left", "right", "both"]
Visible = Literal["none", "flicker", "bulge"]
Label = Literal["twitch", "spasm", "unclear"]
Severity = Literal["urgent", "doctor", "watch"]

SIDES: tuple[str, ...] = ("left", "right", "both")
VISIBLE_SIGNS: tuple[str, ...] = ("none", "flicker", "bulge")
LABELS: tuple[Label, ...] = ("twitch", "spasm", "unclear")
SEVERITIES: tuple[Severity, ...] = ("urgent", "doctor", "watch")


# The yes/no signs a person logs with an episode (CLINICAL_RULES.md §1), in field order.
SIGN_FIELDS: tuple[str, ...] = (
    "stiff",
    "limited_motion",
    "rhythmic",
    "weakness",
    "breathing",
    "appearance_change",
)


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    name: str
    detail: str | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.detail})" if self.detail else self.name


@dataclass(frozen=True, slots=True)
class Episode:
    """One logged contraction episode, as the person described it."""

    at: datetime
    site: str
    duration_s: float
    pain: int
    side: Side | None = None
    triggers: tuple[TriggerEntry, ...] = ()
    visible: Visible = "none"
    stiff: bool = False
    limited_motion: bool = False
    rhythmic: bool = False
    weakness: bool = False
    breathing: bool = False
    appearance_change: bool = False
    soreness_hours: float | None = None
    note: str | None = None
    id: int | None = None
    logged_at: datetime | None = None

    @property
    def trigger_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.triggers)

    @property
    def where(self) -> str:
        return f"{self.side} {self.site}" if self.side else self.site


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


@dataclass(frozen=True, slots=True)
class Classification:
    label: Label
    subtype: str | None
    confidence: float
    weights: tuple[float, float]  # the winning (or twitch, for unclear) side's weight first
    evidence: tuple[Evidence, ...]
    after_stretch: bool = False

    @property
    def reasons(self) -> tuple[str, ...]:
        """What pushed each way, as sentences citing the source documents."""
        from diary.analysis.explain import reasons

        return reasons(self.label, self.subtype, self.weights, self.evidence, self.after_stretch)


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    severity: Severity
    title: str
    detail: str
    episode_ids: tuple[int, ...]
    source: str
    key: str = field(default="", compare=False)  # distinguishes flags of one code (e.g. site)

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.code, self.severity, self.key)
