"""SQLAlchemy models: episodes and their triggers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class EpisodeRow(Base):
    __tablename__ = "episodes"
    __table_args__ = (
        Index("ix_episodes_occurred_at", "occurred_at"),
        Index("ix_episodes_site_occurred_at", "site", "occurred_at"),
        CheckConstraint("pain >= 0 AND pain <= 10", name="pain_range"),
        CheckConstraint("duration_s > 0", name="duration_positive"),
        CheckConstraint("visible IN ('none', 'flicker', 'bulge')", name="visible_sign"),
        CheckConstraint("side IS NULL OR side IN ('left', 'right', 'both')", name="side_value"),
        CheckConstraint(
            "soreness_hours IS NULL OR soreness_hours >= 0", name="soreness_non_negative"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)  # local wall-clock time
    logged_at: Mapped[datetime] = mapped_column(DateTime)
    site: Mapped[str] = mapped_column(String(40))
    side: Mapped[str | None] = mapped_column(String(5))
    duration_s: Mapped[float] = mapped_column(Float)
    pain: Mapped[int] = mapped_column(SmallInteger)
    visible: Mapped[str] = mapped_column(String(7), default="none")
    stiff: Mapped[bool] = mapped_column(Boolean, default=False)
    limited_motion: Mapped[bool] = mapped_column(Boolean, default=False)
    rhythmic: Mapped[bool] = mapped_column(Boolean, default=False)
    weakness: Mapped[bool] = mapped_column(Boolean, default=False)
    breathing: Mapped[bool] = mapped_column(Boolean, default=False)
    appearance_change: Mapped[bool] = mapped_column(Boolean, default=False)
    soreness_hours: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)

    triggers: Mapped[list[TriggerRow]] = relationship(
        back_populates="episode",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="TriggerRow.position",
        lazy="selectin",
    )


class TriggerRow(Base):
    __tablename__ = "episode_triggers"
    __table_args__ = (UniqueConstraint("episode_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    name: Mapped[str] = mapped_column(String(60), index=True)
    detail: Mapped[str | None] = mapped_column(String(200))

    episode: Mapped[EpisodeRow] = relationship(back_populates="triggers")
