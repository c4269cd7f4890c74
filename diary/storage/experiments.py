"""Queries on planned experiments and their pauses. Functions take `connection`, never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from diary.analysis.experiment import Experiment, Pause
from diary.storage import schema

_EXPERIMENTS = schema.experiments
_PAUSES = schema.experiment_pauses


def add_experiment(experiment: Experiment, *, planned_at: datetime, connection: Connection) -> int:
    """Store a planned experiment (its pauses too); returns its id."""
    row = _row(experiment, planned_at)
    result = connection.execute(insert(_EXPERIMENTS).values(**row))
    key = result.inserted_primary_key
    assert key is not None
    new_id = int(key[0])
    _add_pauses(new_id, experiment.pauses, connection=connection)
    return new_id


def add_experiments(
    experiments: Sequence[tuple[Experiment, datetime]], *, connection: Connection
) -> None:
    """Imports: each experiment with the moment it was planned, under new ids."""
    for experiment, planned_at in experiments:
        add_experiment(experiment, planned_at=planned_at, connection=connection)


def latest_experiment(*, connection: Connection) -> Experiment | None:
    """The most recently planned experiment, with its pauses."""
    found = all_experiments(connection=connection, last_only=True)
    return found[0][0] if found else None


def all_experiments(
    *, connection: Connection, last_only: bool = False
) -> list[tuple[Experiment, datetime]]:
    """Every experiment (oldest first) with the moment it was planned."""
    e = _EXPERIMENTS.c
    # by when they were planned: an imported older experiment never becomes the current one
    query = select(_EXPERIMENTS).order_by(e.planned_at, e.id)
    if last_only:
        query = select(_EXPERIMENTS).order_by(e.planned_at.desc(), e.id.desc()).limit(1)
    rows = list(connection.execute(query).mappings())
    if not rows:
        return []
    pauses: dict[int, list[Pause]] = defaultdict(list)
    p = _PAUSES.c
    for experiment_id, paused_on, resumed_on in connection.execute(
        select(p.experiment_id, p.paused_on, p.resumed_on)
        .where(p.experiment_id.in_([r["id"] for r in rows]))
        .order_by(p.experiment_id, p.paused_on)
    ):
        pauses[experiment_id].append(Pause(paused_on, resumed_on))
    return [
        (
            Experiment(
                id=r["id"],
                exposure=r["exposure"],
                outcome=r["outcome"],
                block_days=r["block_days"],
                pairs=r["pairs"],
                washout_days=r["washout_days"],
                seed=r["seed"],
                sequence=r["sequence"],
                start=r["start"],
                status=r["status"],
                ended_on=r["ended_on"],
                blinded=bool(r["blinded"]),
                pauses=tuple(pauses.get(r["id"], ())),
            ),
            r["planned_at"],
        )
        for r in rows
    ]


def set_status(
    experiment_id: int, status: str, *, ended_on: date | None = None, connection: Connection
) -> None:
    values: dict[str, Any] = {"status": status}
    if ended_on is not None:
        values["ended_on"] = ended_on
    connection.execute(
        update(_EXPERIMENTS).where(_EXPERIMENTS.c.id == experiment_id).values(**values)
    )


def add_pause(experiment_id: int, paused_on: date, *, connection: Connection) -> None:
    _add_pauses(experiment_id, (Pause(paused_on),), connection=connection)


def end_pause(experiment_id: int, resumed_on: date, *, connection: Connection) -> None:
    """Close the open pause of the experiment."""
    p = _PAUSES.c
    connection.execute(
        update(_PAUSES)
        .where(p.experiment_id == experiment_id, p.resumed_on.is_(None))
        .values(resumed_on=resumed_on)
    )


def drop_open_pause(experiment_id: int, *, connection: Connection) -> None:
    """Remove the open pause (a pause undone the day it was made)."""
    p = _PAUSES.c
    connection.execute(
        delete(_PAUSES).where(p.experiment_id == experiment_id, p.resumed_on.is_(None))
    )


def _add_pauses(experiment_id: int, pauses: Sequence[Pause], *, connection: Connection) -> None:
    if pauses:
        connection.execute(
            insert(_PAUSES),
            [
                {
                    "experiment_id": experiment_id,
                    "paused_on": x.paused_on,
                    "resumed_on": x.resumed_on,
                }
                for x in pauses
            ],
        )


def _row(experiment: Experiment, planned_at: datetime) -> dict[str, Any]:
    return {
        "exposure": experiment.exposure,
        "outcome": experiment.outcome,
        "block_days": experiment.block_days,
        "pairs": experiment.pairs,
        "washout_days": experiment.washout_days,
        "seed": experiment.seed,
        "sequence": experiment.sequence,
        "start": experiment.start,
        "status": experiment.status,
        "ended_on": experiment.ended_on,
        "blinded": experiment.blinded,
        "planned_at": planned_at,
    }
