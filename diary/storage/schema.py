"""The schema as Core tables, cheap to import; Alembic compares migrations against it.

The episode columns are derived from `NewEpisode`'s fields (type, length, storage name);
only what is the database's own business (keys, indexes, CHECK constraints) is written
here by hand.
"""

from __future__ import annotations

import types
import typing
from dataclasses import Field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
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
    false,
    text,
    true,
)
from sqlalchemy.types import TypeEngine

from diary.domain import EPISODE_FIELDS, MAX_TRIGGER_DETAIL, NewEpisode

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
LONGEST_STRING = 200  # longer text is stored as TEXT
SMALLINT_MAX = 32767

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def column_name(f: Field[Any]) -> str:
    return str(f.metadata.get("column", f.name))


def _column_type(f: Field[Any], hint: Any) -> tuple[TypeEngine[Any], bool]:
    """The SQL type of a field and whether it may be NULL."""
    args = typing.get_args(hint)
    nullable = typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args
    if nullable:
        hint = next(a for a in args if a is not type(None))
    if typing.get_origin(hint) is typing.Literal:
        return String(max(len(str(v)) for v in typing.get_args(hint))), nullable
    if hint is bool:
        return Boolean(), nullable
    if hint is float:
        return Float(), nullable
    if hint is datetime:
        return DateTime(), nullable
    if hint is int:
        high = f.metadata.get("bounds", (0, SMALLINT_MAX + 1))[1]
        return (SmallInteger() if high <= SMALLINT_MAX else Integer()), nullable
    if hint is str:
        length = f.metadata.get("max_length", LONGEST_STRING + 1)
        return (String(length) if length <= LONGEST_STRING else Text()), nullable
    raise TypeError(f"no column type for field {f.name}: {hint!r}")


def _server_default(value: object) -> Any:
    """A field's default as SQL, spelled per dialect (booleans are 1 or true)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return true() if value else false()
    return text(str(value))


def _episode_columns() -> list[Column[Any]]:
    hints = typing.get_type_hints(NewEpisode)
    columns: list[Column[Any]] = [Column("id", Integer, primary_key=True)]
    for f in EPISODE_FIELDS:
        if f.name in ("id", "triggers", "relief"):  # the key; lists have tables of their own
            continue
        sql_type, nullable = _column_type(f, hints[f.name])
        if f.name == "logged_at":
            nullable = False  # storage always stamps it
        default = f.metadata.get("server_default")  # filled into rows older than the field
        columns.append(
            Column(
                column_name(f),
                sql_type,
                nullable=nullable,
                server_default=_server_default(default),
            )
        )
    return columns


episodes = Table(
    "episodes",
    metadata,
    *_episode_columns(),
    Index("ix_episodes_occurred_at", "occurred_at"),
    Index("ix_episodes_site_occurred_at", "site", "occurred_at"),
    CheckConstraint("pain >= 0 AND pain <= 10", name="pain_range"),
    CheckConstraint("duration_s > 0", name="duration_positive"),
    CheckConstraint("visible IN ('none', 'flicker', 'bulge')", name="visible_sign"),
    CheckConstraint("side IS NULL OR side IN ('left', 'right', 'both')", name="side_value"),
    CheckConstraint("soreness_hours IS NULL OR soreness_hours >= 0", name="soreness_non_negative"),
    CheckConstraint("count >= 1", name="count_positive"),
    CheckConstraint("part_of_day IS NULL OR part_of_day IN ('night')", name="part_of_day_value"),
    # Ids are never reused (a printed "#57" or a FHIR identifier keeps naming one episode);
    # PostgreSQL's serial sequence never goes back either.
    sqlite_autoincrement=True,
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
    Column("detail", String(MAX_TRIGGER_DETAIL)),
    UniqueConstraint("episode_id", "name"),
)

# The daily check-in: a kept day is one for which the diary is complete.
kept_days = Table(
    "kept_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("no_episodes", Boolean, nullable=False, server_default=false()),
    Column("checked_in_at", DateTime, nullable=False),
)

day_exposures = Table(
    "day_exposures",
    metadata,
    Column("day", Date, ForeignKey("kept_days.day", ondelete="CASCADE"), primary_key=True),
    Column("name", String(60), primary_key=True),
    Column("amount", Float),
    Column("position", SmallInteger, nullable=False, default=0),
    CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
)

# What a person did for an episode and whether it helped (yes, some, no; NULL: not known yet).
episode_relief = Table(
    "episode_relief",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("episode_id", Integer, ForeignKey("episodes.id", ondelete="CASCADE"), nullable=False),
    Column("position", SmallInteger, nullable=False, default=0),
    Column("measure", String(60), nullable=False),
    Column("detail", String(MAX_TRIGGER_DETAIL)),
    Column("helped", String(4)),
    Index("ix_episode_relief_episode_id", "episode_id"),
    CheckConstraint("helped IS NULL OR helped IN ('yes', 'some', 'no')", name="helped_value"),
)

# A planned N-of-1 experiment: pairs of blocks, the order inside each pair drawn from `seed`
# and stored in `sequence` (one character a pair: "W" with first, "O" without first).
experiments = Table(
    "experiments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("exposure", String(60), nullable=False),
    Column("outcome", String(6), nullable=False, server_default=text("'all'")),
    Column("block_days", SmallInteger, nullable=False),
    Column("pairs", SmallInteger, nullable=False),
    Column("washout_days", SmallInteger, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("sequence", String(200), nullable=False),
    Column("start", Date, nullable=False),
    Column("status", String(9), nullable=False, server_default=text("'active'")),
    Column("ended_on", Date),
    Column("blinded", Boolean, nullable=False, server_default=false()),
    Column("planned_at", DateTime, nullable=False),
    CheckConstraint("outcome IN ('all', 'twitch', 'spasm')", name="outcome_value"),
    CheckConstraint("status IN ('active', 'paused', 'abandoned')", name="status_value"),
    CheckConstraint("block_days >= 1", name="block_positive"),
    CheckConstraint("washout_days >= 0 AND washout_days < block_days", name="washout_range"),
    CheckConstraint("pairs >= 2", name="pairs_at_least_two"),
)

# Each pause of an experiment: the schedule after it moves on by whole pairs.
experiment_pauses = Table(
    "experiment_pauses",
    metadata,
    Column(
        "experiment_id",
        Integer,
        ForeignKey("experiments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("paused_on", Date, primary_key=True),
    Column("resumed_on", Date),
)

# Small settings of the diary itself (calm mode: key "calm", value "on", since the date).
settings = Table(
    "settings",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("changed_at", DateTime, nullable=False),
)

# When a summary, the flags or the charts were opened (calm mode counts checks); no content.
checks_opened = Table(
    "checks_opened",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("opened_at", DateTime, nullable=False),
    Column("what", String(20), nullable=False),
    Index("ix_checks_opened_opened_at", "opened_at"),
)
