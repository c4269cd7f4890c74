"""Soreness hours can never be negative.

SQLite cannot add a CHECK constraint in place, so this runs in batch mode (copy the table,
swap it in). The app runs migrations with foreign keys off, so the copy does not cascade
into the episodes' triggers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "soreness_non_negative", "soreness_hours IS NULL OR soreness_hours >= 0"
        )


def downgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_constraint("soreness_non_negative", type_="check")
