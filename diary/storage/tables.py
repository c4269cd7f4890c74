"""The schema as Core tables: what every query uses, cheap to import.

`models.py` maps typed ORM classes onto these same tables; Alembic compares migrations
against this metadata.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

episodes = Table(
    "episodes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("occurred_at", DateTime, nullable=False),  # local wall-clock time
    Column("logged_at", DateTime, nullable=False),
    Column("site", String(40), nullable=False),
    Column("side", String(5)),
    Column("duration_s", Float, nullable=False),
    Column("pain", SmallInteger, nullable=False),
    Column("visible", String(7), nullable=False, default="none"),
    Column("stiff", Boolean, nullable=False, default=False),
    Column("limited_motion", Boolean, nullable=False, default=False),
    Column("rhythmic", Boolean, nullable=False, default=False),
    Column("weakness", Boolean, nullable=False, default=False),
    Column("breathing", Boolean, nullable=False, default=False),
    Column("appearance_change", Boolean, nullable=False, default=False),
    Column("soreness_hours", Float),
    Column("note", Text),
    Index("ix_episodes_occurred_at", "occurred_at"),
    Index("ix_episodes_site_occurred_at", "site", "occurred_at"),
    CheckConstraint("pain >= 0 AND pain <= 10", name="pain_range"),
    CheckConstraint("duration_s > 0", name="duration_positive"),
    CheckConstraint("visible IN ('none', 'flicker', 'bulge')", name="visible_sign"),
    CheckConstraint("side IS NULL OR side IN ('left', 'right', 'both')", name="side_value"),
    CheckConstraint("soreness_hours IS NULL OR soreness_hours >= 0", name="soreness_non_negative"),
)

episode_triggers = Table(
    "episode_triggers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "episode_id",
        Integer,
        ForeignKey("episodes.id", ondelete="CASCADE"),
        nullable=False,  # looked up through the unique (episode_id, name) index
    ),
    Column("position", SmallInteger, nullable=False, default=0),
    Column("name", String(60), nullable=False, index=True),
    Column("detail", String(200)),
    UniqueConstraint("episode_id", "name"),
)
