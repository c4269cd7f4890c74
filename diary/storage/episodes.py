"""Queries on episodes. Functions take `connection` and never commit: the caller owns the
transaction. Rows and objects are matched by name (the columns derive from `NewEpisode`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Boolean, Table, delete, func, insert, select, text, tuple_, update
from sqlalchemy.engine import Connection

from diary.domain import (
    EPISODE_FIELDS,
    MAX_ID,
    Episode,
    NewEpisode,
    Observation,
    ReliefEntry,
    TriggerEntry,
)
from diary.errors import EpisodeNotFound
from diary.storage import schema

_EPISODES = schema.episodes
_TRIGGERS = schema.episode_triggers
_RELIEF = schema.episode_relief
INSERT_BATCH = 5000
EPISODE_PAGE = 5000  # episodes a streamed read holds at once (~8 MB)
_Paged = TypeVar("_Paged", Episode, Observation)
# (field name, column name) of every field stored in the episodes table itself.
_STORED = tuple(
    (f.name, schema.column_name(f))
    for f in EPISODE_FIELDS
    if f.name not in ("id", "triggers", "relief")
)


def _row_values(episode: NewEpisode, *, logged_at: datetime) -> dict[str, Any]:
    values = {column: getattr(episode, name) for name, column in _STORED}
    values["logged_at"] = episode.logged_at or logged_at
    return values


def _trigger_rows(episode_id: int, triggers: Iterable[TriggerEntry]) -> list[dict[str, Any]]:
    return [
        {"episode_id": episode_id, "position": i, "name": t.name, "detail": t.detail}
        for i, t in enumerate(triggers)
    ]


def _relief_rows(episode_id: int, relief: Iterable[ReliefEntry]) -> list[dict[str, Any]]:
    return [
        {
            "episode_id": episode_id,
            "position": i,
            "measure": r.measure,
            "detail": r.detail,
            "helped": r.helped,
        }
        for i, r in enumerate(relief)
    ]


def add_episode(episode: NewEpisode, *, connection: Connection, logged_at: datetime) -> int:
    """Store one episode with its triggers and relief; returns its new id."""
    values = _row_values(episode, logged_at=logged_at)
    result = connection.execute(insert(_EPISODES).returning(_EPISODES.c.id), [values])
    episode_id = int(result.scalar_one())
    if episode.triggers:
        connection.execute(insert(_TRIGGERS), _trigger_rows(episode_id, episode.triggers))
    if episode.relief:
        connection.execute(insert(_RELIEF), _relief_rows(episode_id, episode.relief))
    return episode_id


def _high_water(connection: Connection) -> int:
    """The largest id ever handed out, deleted ones included: ids are never reused."""
    if connection.dialect.name == "sqlite":
        seq = connection.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = 'episodes'")
        ).scalar()
        return int(seq or 0)
    if connection.dialect.name == "postgresql":
        last, called = connection.execute(
            text("SELECT last_value, is_called FROM episodes_id_seq")
        ).one()
        return int(last) if called else 0
    return 0


def add_episodes(
    episodes: Sequence[NewEpisode], *, connection: Connection, logged_at: datetime
) -> list[int]:
    """Insert many episodes at once (imports, the demo); returns their ids.

    An episode keeps the id it brings when that id is free, so an exported diary imported into
    an empty one comes back identical; the rest get ids above the largest in use.
    """
    if not episodes:
        return []
    postgres = connection.dialect.name == "postgresql"
    if postgres:  # nobody else takes ids until this transaction ends
        connection.execute(text("LOCK TABLE episodes IN EXCLUSIVE MODE"))
    taken = set(connection.execute(select(_EPISODES.c.id)).scalars())
    used = _high_water(connection)
    wanted = [e.id for e in episodes if e.id is not None]
    # An id is kept only if no episode ever had it here (a deleted #57 stays retired).
    kept = {i for i, n in Counter(wanted).items() if n == 1 and i not in taken and i > used}
    next_id = max(taken | kept | {used}, default=0) + 1
    ids = []
    for e in episodes:
        if e.id is not None and e.id in kept:
            ids.append(e.id)
        else:
            ids.append(next_id)
            next_id += 1
    for start in range(0, len(episodes), INSERT_BATCH):  # rows built a batch at a time
        batch = range(start, min(start + INSERT_BATCH, len(episodes)))
        rows = [{"id": ids[i], **_row_values(episodes[i], logged_at=logged_at)} for i in batch]
        _insert_many(connection, _EPISODES, rows)
        _insert_many(
            connection,
            _TRIGGERS,
            [row for i in batch for row in _trigger_rows(ids[i], episodes[i].triggers)],
        )
        _insert_many(
            connection,
            _RELIEF,
            [row for i in batch for row in _relief_rows(ids[i], episodes[i].relief)],
        )
    if postgres:
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('episodes', 'id'), "
                "(SELECT MAX(id) FROM episodes))"
            )
        )
    return ids


def _insert_many(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany straight to the driver, with the column types' own bind processing.

    Same values as `connection.execute(insert(table), rows)` (a test compares the stored
    bytes), without SQLAlchemy's per-row bookkeeping, which costs more than SQLite's own
    work for imports of many thousands.
    """
    if not rows:
        return
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    if compiled.positiontup is None:  # named parameters: SQLAlchemy's own path is as good
        connection.execute(insert(table), rows)
        return
    # The dialect's own type (sqlite.DATETIME, not DateTime) formats values as SQLAlchemy
    # stores them, so bulk and single inserts compare alike in time-range queries.
    # Booleans need no processing: the driver binds True as 1, as the processor would.
    order = compiled.positiontup
    processors = [
        (i, process)
        for i, name in enumerate(order)
        if not isinstance(table.c[name].type, Boolean)
        and (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    pick = itemgetter(*order)
    batch = []
    for row in rows:
        values = list(pick(row))
        for i, process in processors:
            values[i] = process(values[i])
        batch.append(tuple(values))
    connection.exec_driver_sql(compiled.string, batch)


def replace_episode(episode: Episode, *, connection: Connection) -> None:
    """Overwrite every logged field of a stored episode, keeping its id and logged time."""
    _existing_id(episode.id)
    values = _row_values(episode, logged_at=episode.logged_at)
    del values["logged_at"]
    result = connection.execute(update(_EPISODES).where(_EPISODES.c.id == episode.id), values)
    if result.rowcount == 0:
        raise EpisodeNotFound(episode.id)
    connection.execute(delete(_TRIGGERS).where(_TRIGGERS.c.episode_id == episode.id))
    if episode.triggers:
        connection.execute(insert(_TRIGGERS), _trigger_rows(episode.id, episode.triggers))
    connection.execute(delete(_RELIEF).where(_RELIEF.c.episode_id == episode.id))
    if episode.relief:
        connection.execute(insert(_RELIEF), _relief_rows(episode.id, episode.relief))


def _existing_id(episode_id: int) -> int:
    """An id no row can have (0, negative, past the column's range) is simply not found,
    on every backend, instead of an overflow from the driver."""
    if not 1 <= episode_id <= MAX_ID:
        raise EpisodeNotFound(episode_id)
    return episode_id


def delete_episode(episode_id: int, *, connection: Connection) -> None:
    _existing_id(episode_id)
    connection.execute(delete(_TRIGGERS).where(_TRIGGERS.c.episode_id == episode_id))
    connection.execute(delete(_RELIEF).where(_RELIEF.c.episode_id == episode_id))
    result = connection.execute(delete(_EPISODES).where(_EPISODES.c.id == episode_id))
    if result.rowcount == 0:
        raise EpisodeNotFound(episode_id)


def get_episode(episode_id: int, *, connection: Connection) -> Episode:
    _existing_id(episode_id)
    episodes = _load(connection, _EPISODES.c.id == episode_id)
    if not episodes:
        raise EpisodeNotFound(episode_id)
    return episodes[0]


def in_day_order(episodes: Iterable[Episode]) -> Iterator[Episode]:
    """Episodes read in (time, id) order, with each night of unknown hour moved after the
    rest of its day. Such a night is stored at its evening's date, 00:00 (nothing invents
    an hour for it), so the query alone lists the night of 25 Nov before that day's 10:00
    entry. A stream: it holds back only the nights of the day being read."""
    held: list[Episode] = []
    for episode in episodes:
        if held and episode.at.date() != held[0].at.date():
            yield from held
            held.clear()
        if episode.part_of_day == "night" and not episode.time_known:
            held.append(episode)
        else:
            yield episode
    yield from held


def episodes_between(
    start: datetime | None,
    end: datetime | None,
    *,
    connection: Connection,
    with_trigger: str | None = None,
) -> list[Episode]:
    """Episodes with start <= time < end (either bound open), oldest first (a night of
    unknown hour after its day); `with_trigger`: only those logged with that trigger."""
    conditions = _time_filter(start, end)
    if with_trigger is not None:
        having = select(_TRIGGERS.c.episode_id).where(_TRIGGERS.c.name == with_trigger)
        conditions.append(_EPISODES.c.id.in_(having))
    return list(in_day_order(_load(connection, *conditions)))


def latest_episodes(
    count: int, start: datetime | None, end: datetime | None, *, connection: Connection
) -> list[Episode]:
    """The latest `count` episodes with start <= time < end, oldest first: one LIMIT query
    finds where they begin, however long the diary."""
    latest = _latest(count, start, end, connection)
    return list(in_day_order(_load(connection, *_time_filter(start, end), *latest)))


def _latest(
    count: int, start: datetime | None, end: datetime | None, connection: Connection
) -> list[Any]:
    """The condition that keeps only the latest `count` episodes of the period."""
    e = _EPISODES.c
    first = connection.execute(
        select(e.occurred_at, e.id)
        .where(*_time_filter(start, end))
        .order_by(e.occurred_at.desc(), e.id.desc())
        .limit(1)
        .offset(count - 1)
    ).first()
    return [] if first is None else [tuple_(e.occurred_at, e.id) >= tuple_(*first)]


def iter_episodes_between(
    start: datetime | None,
    end: datetime | None,
    *,
    connection: Connection,
    page: int | None = None,
    last: int | None = None,
) -> Iterator[Episode]:
    """Like `episodes_between` (`last`: only the latest so many), a page at a time: memory
    stays flat however long the diary."""
    page = page or EPISODE_PAGE
    latest = _latest(last, start, end, connection) if last is not None else []
    return in_day_order(
        _paged(start, end, page, lambda *where: _load(connection, *where, *latest, limit=page))
    )


def iter_observations_between(
    start: datetime | None, end: datetime | None, *, connection: Connection, page: int = 20000
) -> Iterator[Observation]:
    """The facts charts and labels need, streamed a page at a time (one query for episodes,
    one for their trigger names, per page)."""
    return _paged(start, end, page, lambda *where: _observations(connection, *where, limit=page))


def _paged(
    start: datetime | None,
    end: datetime | None,
    page: int,
    load: Callable[..., list[_Paged]],
) -> Iterator[_Paged]:
    """Keyset paging on (time, id), which the time index serves without rescanning."""
    e = _EPISODES.c
    after: tuple[datetime, int] | None = None
    while True:
        conditions = _time_filter(start, end)
        if after is not None:
            conditions.append(tuple_(e.occurred_at, e.id) > tuple_(*after))
        batch = load(*conditions)
        yield from batch
        if len(batch) < page:
            return
        after = (batch[-1].at, batch[-1].id)


_OBSERVED = tuple(n for n in Observation._fields if n != "trigger_names")


def _observations(connection: Connection, *conditions: Any, limit: int) -> list[Observation]:
    e, t = _EPISODES.c, _TRIGGERS.c
    columns = [e[_column_of(name)] for name in _OBSERVED]
    rows = connection.execute(
        select(*columns).where(*conditions).order_by(e.occurred_at, e.id).limit(limit)
    ).all()
    if not rows:
        return []
    names: dict[int, tuple[str, ...]] = {}
    last = (rows[-1].occurred_at, rows[-1].id) if len(rows) == limit else None
    for episode_id, name in _triggers_of(connection, conditions, last, t.name):
        names[episode_id] = (*names.get(episode_id, ()), name)
    empty: tuple[str, ...] = ()
    return [
        Observation(**dict(zip(_OBSERVED, r, strict=True)), trigger_names=names.get(r.id, empty))
        for r in rows
    ]


def _column_of(field_name: str) -> str:
    return next((c for n, c in _STORED if n == field_name), field_name)


def _triggers_of(
    connection: Connection,
    conditions: Sequence[Any],
    last: tuple[datetime, int] | None,
    *columns: Any,
    table: Table = _TRIGGERS,
) -> Any:
    """The trigger (or relief) rows of the episodes that `conditions` select, up to `last`
    (time, id) when the episodes were read a page at a time: one indexed join, however many
    episodes."""
    e, t = _EPISODES.c, table.c
    query = select(t.episode_id, *columns).join(_EPISODES, e.id == t.episode_id).where(*conditions)
    if last is not None:
        query = query.where(tuple_(e.occurred_at, e.id) <= tuple_(*last))
    return connection.execute(query.order_by(t.episode_id, t.position))


def _time_filter(start: datetime | None, end: datetime | None) -> list[Any]:
    conditions: list[Any] = []
    if start is not None:
        conditions.append(_EPISODES.c.occurred_at >= start)
    if end is not None:
        conditions.append(_EPISODES.c.occurred_at < end)
    return conditions


_LOADED = ("id", *(name for name, _ in _STORED))


def _load(connection: Connection, *conditions: Any, limit: int | None = None) -> list[Episode]:
    e = _EPISODES.c
    rows = connection.execute(
        select(*(e[_column_of(name)] for name in _LOADED))
        .where(*conditions)
        .order_by(e.occurred_at, e.id)
        .limit(limit)
    ).all()
    if not rows:
        return []
    t = _TRIGGERS.c
    last = (rows[-1].occurred_at, rows[-1].id) if len(rows) == limit else None
    triggers: dict[int, tuple[TriggerEntry, ...]] = {}
    shared: dict[tuple[str, str | None], TriggerEntry] = {}  # one object per distinct trigger
    for episode_id, name, detail in _triggers_of(connection, conditions, last, t.name, t.detail):
        entry = shared.get((name, detail))
        if entry is None:
            entry = shared[(name, detail)] = TriggerEntry(name, detail)
        triggers[episode_id] = (*triggers.get(episode_id, ()), entry)
    relief: dict[int, tuple[ReliefEntry, ...]] = {}
    r = _RELIEF.c
    for episode_id, *values in _triggers_of(
        connection, conditions, last, r.measure, r.detail, r.helped, table=_RELIEF
    ):
        relief[episode_id] = (*relief.get(episode_id, ()), ReliefEntry(*values))
    empty: tuple[TriggerEntry, ...] = ()
    return [
        Episode(
            **dict(zip(_LOADED, row, strict=True)),
            triggers=triggers.get(row.id, empty),
            relief=relief.get(row.id, ()),
        )
        for row in rows
    ]


def count_between(start: datetime | None, end: datetime | None, *, connection: Connection) -> int:
    return int(
        connection.execute(
            select(func.count()).select_from(_EPISODES).where(*_time_filter(start, end))
        ).scalar_one()
    )


def time_span(*, connection: Connection) -> tuple[datetime, datetime] | None:
    """Times of the first and last episode, or None for an empty diary."""
    first, last = connection.execute(
        select(func.min(_EPISODES.c.occurred_at), func.max(_EPISODES.c.occurred_at))
    ).one()
    return (first, last) if first is not None else None


def trigger_spans(
    name: str, end: datetime, *, connection: Connection
) -> list[tuple[str | None, datetime, datetime, int]]:
    """Each detail noted with trigger `name` before `end` (`medication:sertraline`): the
    first and last time it was noted and on how many episodes, earliest first."""
    e, t = _EPISODES.c, _TRIGGERS.c
    rows = connection.execute(
        select(t.detail, func.min(e.occurred_at), func.max(e.occurred_at), func.count())
        .join(_EPISODES, e.id == t.episode_id)
        .where(t.name == name, e.occurred_at < end)
        .group_by(t.detail)
        .order_by(func.min(e.occurred_at))
    )
    return [(detail, first, last, int(n)) for detail, first, last, n in rows]


def diary_state(*, connection: Connection) -> tuple[Any, ...]:
    """A cheap fingerprint of the diary for caches: it changes when an episode or a check-in
    is added or deleted, or a check-in replaced. An `edit` keeps the id and the logged time,
    so caches keyed on it also expire by age."""
    e, d = _EPISODES.c, schema.kept_days.c
    episodes = connection.execute(select(func.count(), func.max(e.id), func.max(e.logged_at))).one()
    days = connection.execute(select(func.count(), func.max(d.checked_in_at))).one()
    return (*episodes, *days)
