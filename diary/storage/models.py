"""Typed ORM classes for episodes and their triggers, mapped onto the Core tables.

Bulk reads and writes use `tables.py` directly; these classes serve code that wants objects
(editing one episode, scripts, the Python API).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from diary.storage import tables


class Base(DeclarativeBase):
    metadata = tables.metadata


class EpisodeRow(Base):
    __table__ = tables.episodes

    id: Mapped[int]
    occurred_at: Mapped[datetime]
    logged_at: Mapped[datetime]
    site: Mapped[str]
    side: Mapped[str | None]
    duration_s: Mapped[float]
    pain: Mapped[int]
    visible: Mapped[str]
    stiff: Mapped[bool]
    limited_motion: Mapped[bool]
    rhythmic: Mapped[bool]
    weakness: Mapped[bool]
    breathing: Mapped[bool]
    appearance_change: Mapped[bool]
    soreness_hours: Mapped[float | None]
    note: Mapped[str | None]

    triggers: Mapped[list[TriggerRow]] = relationship(
        back_populates="episode",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=tables.episode_triggers.c.position,
        lazy="selectin",
    )


class TriggerRow(Base):
    __table__ = tables.episode_triggers

    id: Mapped[int]
    episode_id: Mapped[int]
    position: Mapped[int]
    name: Mapped[str]
    detail: Mapped[str | None]

    episode: Mapped[EpisodeRow] = relationship(back_populates="triggers")
