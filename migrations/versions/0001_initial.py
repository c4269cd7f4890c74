"""Episodes and their triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("logged_at", sa.DateTime(), nullable=False),
        sa.Column("site", sa.String(length=40), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("pain", sa.SmallInteger(), nullable=False),
        sa.Column("visible", sa.String(length=7), nullable=False),
        sa.Column("stiff", sa.Boolean(), nullable=False),
        sa.Column("limited_motion", sa.Boolean(), nullable=False),
        sa.Column("rhythmic", sa.Boolean(), nullable=False),
        sa.Column("weakness", sa.Boolean(), nullable=False),
        sa.Column("breathing", sa.Boolean(), nullable=False),
        sa.Column("appearance_change", sa.Boolean(), nullable=False),
        sa.Column("soreness_hours", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("duration_s > 0", name=op.f("ck_episodes_duration_positive")),
        sa.CheckConstraint("pain >= 0 AND pain <= 10", name=op.f("ck_episodes_pain_range")),
        sa.CheckConstraint(
            "side IS NULL OR side IN ('left', 'right', 'both')", name=op.f("ck_episodes_side_value")
        ),
        sa.CheckConstraint(
            "visible IN ('none', 'flicker', 'bulge')", name=op.f("ck_episodes_visible_sign")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episodes")),
    )
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.create_index("ix_episodes_occurred_at", ["occurred_at"], unique=False)
        batch_op.create_index("ix_episodes_site_occurred_at", ["site", "occurred_at"], unique=False)

    op.create_table(
        "episode_triggers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_episode_triggers_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_triggers")),
        sa.UniqueConstraint("episode_id", "name", name=op.f("uq_episode_triggers_episode_id")),
    )
    with op.batch_alter_table("episode_triggers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_episode_triggers_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_episode_triggers_name"), ["name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("episode_triggers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_episode_triggers_name"))
        batch_op.drop_index(batch_op.f("ix_episode_triggers_episode_id"))
    op.drop_table("episode_triggers")
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_index("ix_episodes_site_occurred_at")
        batch_op.drop_index("ix_episodes_occurred_at")
    op.drop_table("episodes")
