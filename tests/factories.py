"""Small builders for episodes in analysis tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from diary.domain import Episode, TriggerEntry

AS_OF = date(2026, 11, 20)


def episode(
    *,
    id: int = 1,
    day: date | None = None,
    at: datetime | None = None,
    site: str = "calf",
    duration_s: float = 90,
    pain: int = 6,
    triggers: tuple[str, ...] = (),
    **fields: Any,
) -> Episode:
    moment = at or datetime.combine(day or AS_OF, time(14, 0))
    fields.setdefault("logged_at", moment)
    return Episode(
        id=id,
        at=moment,
        site=site,
        duration_s=duration_s,
        pain=pain,
        triggers=tuple(
            TriggerEntry(*t.split(":", 1)) if ":" in t else TriggerEntry(t) for t in triggers
        ),
        **fields,
    )


def twitch(id: int, day: date, site: str = "eyelid") -> Episode:
    return episode(id=id, day=day, site=site, duration_s=3, pain=0, visible="flicker")


def spasm(id: int, day: date, site: str = "calf", **fields: Any) -> Episode:
    values: dict[str, Any] = {"visible": "bulge", "duration_s": 90, "pain": 6, "stiff": True}
    return episode(id=id, day=day, site=site, **{**values, **fields})


def days_before(n: int, as_of: date = AS_OF) -> date:
    return as_of - timedelta(days=n)
