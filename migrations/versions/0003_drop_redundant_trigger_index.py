"""Drop the index on episode_triggers.episode_id.

The unique (episode_id, name) index already serves every lookup by episode_id (it is the
leading column); keeping both only slowed bulk imports.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("episode_triggers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_episode_triggers_episode_id"))


def downgrade() -> None:
    with op.batch_alter_table("episode_triggers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_episode_triggers_episode_id"), ["episode_id"], unique=False
        )
