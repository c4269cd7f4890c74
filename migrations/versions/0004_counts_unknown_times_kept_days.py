"""Counts, unknown times of day, and the daily check-in.

- `episodes.count`: how many contractions one entry stands for (a bout, a night's cramps);
  existing episodes are one each.
- `episodes.time_known`: false when only the day was given (no invented midnight);
  `episodes.part_of_day`: "night" for a night of unknown hour.
- `kept_days` and `day_exposures`: the days a person checked in, and what they had.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("count", sa.SmallInteger(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(
            sa.Column("time_known", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("part_of_day", sa.String(length=5), nullable=True))
        batch_op.create_check_constraint("count_positive", "count >= 1")
        batch_op.create_check_constraint(
            "part_of_day_value", "part_of_day IS NULL OR part_of_day IN ('night')"
        )
    op.create_table(
        "kept_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("no_episodes", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("checked_in_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_kept_days")),
    )
    op.create_table(
        "day_exposures",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "amount IS NULL OR amount > 0", name=op.f("ck_day_exposures_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["day"],
            ["kept_days.day"],
            name=op.f("fk_day_exposures_day_kept_days"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "name", name=op.f("pk_day_exposures")),
    )


def downgrade() -> None:
    op.drop_table("day_exposures")
    op.drop_table("kept_days")
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_constraint("part_of_day_value", type_="check")
        batch_op.drop_constraint("count_positive", type_="check")
        batch_op.drop_column("part_of_day")
        batch_op.drop_column("time_known")
        batch_op.drop_column("count")
