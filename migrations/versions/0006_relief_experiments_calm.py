"""Ids never reused, tingling, relief per episode, experiments, calm mode and its checks count.

- `episodes`: SQLite's AUTOINCREMENT, so that deleting the newest episode never hands its id
  to the next one (a printed "#57" or a FHIR identifier keeps naming one episode; PostgreSQL's
  serial sequence never goes back already). A new sign, `tingling`; existing episodes have none.
- `episode_relief`: what a person did for an episode and whether it helped.
- `experiments` and `experiment_pauses`: a planned N-of-1 experiment, its drawn sequence and
  its pauses.
- `settings` (calm mode) and `checks_opened` (when a summary was opened; no content).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _on_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    # SQLite can only switch AUTOINCREMENT on by copying the table (named CHECK constraints
    # and indexes are carried over; foreign keys are off while migrating).
    with op.batch_alter_table(
        "episodes",
        schema=None,
        recreate="always" if _on_sqlite() else "auto",
        table_kwargs={"sqlite_autoincrement": True},
    ) as batch_op:
        batch_op.add_column(
            sa.Column("tingling", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "episode_relief",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("measure", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.Column("helped", sa.String(length=4), nullable=True),
        sa.CheckConstraint(
            "helped IS NULL OR helped IN ('yes', 'some', 'no')",
            name=op.f("ck_episode_relief_helped_value"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_episode_relief_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_relief")),
    )
    op.create_index("ix_episode_relief_episode_id", "episode_relief", ["episode_id"])
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exposure", sa.String(length=60), nullable=False),
        sa.Column("outcome", sa.String(length=6), server_default=sa.text("'all'"), nullable=False),
        sa.Column("block_days", sa.SmallInteger(), nullable=False),
        sa.Column("pairs", sa.SmallInteger(), nullable=False),
        sa.Column("washout_days", sa.SmallInteger(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("sequence", sa.String(length=200), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column(
            "status", sa.String(length=9), server_default=sa.text("'active'"), nullable=False
        ),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("blinded", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("block_days >= 1", name=op.f("ck_experiments_block_positive")),
        sa.CheckConstraint(
            "outcome IN ('all', 'twitch', 'spasm')", name=op.f("ck_experiments_outcome_value")
        ),
        sa.CheckConstraint("pairs >= 2", name=op.f("ck_experiments_pairs_at_least_two")),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'abandoned')",
            name=op.f("ck_experiments_status_value"),
        ),
        sa.CheckConstraint(
            "washout_days >= 0 AND washout_days < block_days",
            name=op.f("ck_experiments_washout_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiments")),
    )
    op.create_table(
        "experiment_pauses",
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("paused_on", sa.Date(), nullable=False),
        sa.Column("resumed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_experiment_pauses_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("experiment_id", "paused_on", name=op.f("pk_experiment_pauses")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "checks_opened",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("what", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checks_opened")),
    )
    op.create_index("ix_checks_opened_opened_at", "checks_opened", ["opened_at"])


def downgrade() -> None:
    op.drop_index("ix_checks_opened_opened_at", table_name="checks_opened")
    op.drop_table("checks_opened")
    op.drop_table("settings")
    op.drop_table("experiment_pauses")
    op.drop_table("experiments")
    op.drop_index("ix_episode_relief_episode_id", table_name="episode_relief")
    op.drop_table("episode_relief")
    with op.batch_alter_table(
        "episodes",
        schema=None,
        recreate="always" if _on_sqlite() else "auto",
        table_kwargs={"sqlite_autoincrement": False},
    ) as batch_op:
        batch_op.drop_column("tingling")
