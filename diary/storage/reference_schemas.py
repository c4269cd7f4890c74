# ruff: noqa: E501  (generated data: one line per table)
"""The schema each revision's migrations create, as `restore` compares a backup against it.

Building one takes Alembic and a scratch diary (about 1 s, on every `diary restore`); this
module holds the description instead, written by

    python -m diary.storage.backup --write-reference-schemas

and kept in step with the migrations by tests/test_storage.py (which builds each revision
and compares). A revision missing here is built as before.
"""

from __future__ import annotations

Schema = dict[str, tuple[object, ...]]

# fmt: off
SCHEMAS: dict[str, Schema] = {
    '0001': {
        'index ix_episode_triggers_episode_id': ('episode_triggers', (('episode_id',),)),
        'index ix_episode_triggers_name': ('episode_triggers', (('name',),)),
        'index ix_episodes_occurred_at': ('episodes', (('occurred_at',),)),
        'index ix_episodes_site_occurred_at': ('episodes', (('site',), ('occurred_at',))),
        'table alembic_version': ((('version_num', 'VARCHAR(32)', 1, None, 1),), ()),
        'table episode_triggers': ((('id', 'INTEGER', 1, None, 1), ('episode_id', 'INTEGER', 1, None, 0), ('position', 'SMALLINT', 1, None, 0), ('name', 'VARCHAR(60)', 1, None, 0), ('detail', 'VARCHAR(200)', 0, None, 0)), (('episodes', 'episode_id', 'id', 'CASCADE'),)),
        'table episodes': ((('id', 'INTEGER', 1, None, 1), ('occurred_at', 'DATETIME', 1, None, 0), ('logged_at', 'DATETIME', 1, None, 0), ('site', 'VARCHAR(40)', 1, None, 0), ('side', 'VARCHAR(5)', 0, None, 0), ('duration_s', 'FLOAT', 1, None, 0), ('pain', 'SMALLINT', 1, None, 0), ('visible', 'VARCHAR(7)', 1, None, 0), ('stiff', 'BOOLEAN', 1, None, 0), ('limited_motion', 'BOOLEAN', 1, None, 0), ('rhythmic', 'BOOLEAN', 1, None, 0), ('weakness', 'BOOLEAN', 1, None, 0), ('breathing', 'BOOLEAN', 1, None, 0), ('appearance_change', 'BOOLEAN', 1, None, 0), ('soreness_hours', 'FLOAT', 0, None, 0), ('note', 'TEXT', 0, None, 0)), ()),
    },
    '0002': {
        'index ix_episode_triggers_episode_id': ('episode_triggers', (('episode_id',),)),
        'index ix_episode_triggers_name': ('episode_triggers', (('name',),)),
        'index ix_episodes_occurred_at': ('episodes', (('occurred_at',),)),
        'index ix_episodes_site_occurred_at': ('episodes', (('site',), ('occurred_at',))),
        'table alembic_version': ((('version_num', 'VARCHAR(32)', 1, None, 1),), ()),
        'table episode_triggers': ((('id', 'INTEGER', 1, None, 1), ('episode_id', 'INTEGER', 1, None, 0), ('position', 'SMALLINT', 1, None, 0), ('name', 'VARCHAR(60)', 1, None, 0), ('detail', 'VARCHAR(200)', 0, None, 0)), (('episodes', 'episode_id', 'id', 'CASCADE'),)),
        'table episodes': ((('id', 'INTEGER', 1, None, 1), ('occurred_at', 'DATETIME', 1, None, 0), ('logged_at', 'DATETIME', 1, None, 0), ('site', 'VARCHAR(40)', 1, None, 0), ('side', 'VARCHAR(5)', 0, None, 0), ('duration_s', 'FLOAT', 1, None, 0), ('pain', 'SMALLINT', 1, None, 0), ('visible', 'VARCHAR(7)', 1, None, 0), ('stiff', 'BOOLEAN', 1, None, 0), ('limited_motion', 'BOOLEAN', 1, None, 0), ('rhythmic', 'BOOLEAN', 1, None, 0), ('weakness', 'BOOLEAN', 1, None, 0), ('breathing', 'BOOLEAN', 1, None, 0), ('appearance_change', 'BOOLEAN', 1, None, 0), ('soreness_hours', 'FLOAT', 0, None, 0), ('note', 'TEXT', 0, None, 0)), ()),
    },
    '0003': {
        'index ix_episode_triggers_name': ('episode_triggers', (('name',),)),
        'index ix_episodes_occurred_at': ('episodes', (('occurred_at',),)),
        'index ix_episodes_site_occurred_at': ('episodes', (('site',), ('occurred_at',))),
        'table alembic_version': ((('version_num', 'VARCHAR(32)', 1, None, 1),), ()),
        'table episode_triggers': ((('id', 'INTEGER', 1, None, 1), ('episode_id', 'INTEGER', 1, None, 0), ('position', 'SMALLINT', 1, None, 0), ('name', 'VARCHAR(60)', 1, None, 0), ('detail', 'VARCHAR(200)', 0, None, 0)), (('episodes', 'episode_id', 'id', 'CASCADE'),)),
        'table episodes': ((('id', 'INTEGER', 1, None, 1), ('occurred_at', 'DATETIME', 1, None, 0), ('logged_at', 'DATETIME', 1, None, 0), ('site', 'VARCHAR(40)', 1, None, 0), ('side', 'VARCHAR(5)', 0, None, 0), ('duration_s', 'FLOAT', 1, None, 0), ('pain', 'SMALLINT', 1, None, 0), ('visible', 'VARCHAR(7)', 1, None, 0), ('stiff', 'BOOLEAN', 1, None, 0), ('limited_motion', 'BOOLEAN', 1, None, 0), ('rhythmic', 'BOOLEAN', 1, None, 0), ('weakness', 'BOOLEAN', 1, None, 0), ('breathing', 'BOOLEAN', 1, None, 0), ('appearance_change', 'BOOLEAN', 1, None, 0), ('soreness_hours', 'FLOAT', 0, None, 0), ('note', 'TEXT', 0, None, 0)), ()),
    },
    '0004': {
        'index ix_episode_triggers_name': ('episode_triggers', (('name',),)),
        'index ix_episodes_occurred_at': ('episodes', (('occurred_at',),)),
        'index ix_episodes_site_occurred_at': ('episodes', (('site',), ('occurred_at',))),
        'table alembic_version': ((('version_num', 'VARCHAR(32)', 1, None, 1),), ()),
        'table day_exposures': ((('day', 'DATE', 1, None, 1), ('name', 'VARCHAR(60)', 1, None, 2), ('amount', 'FLOAT', 0, None, 0), ('position', 'SMALLINT', 1, None, 0)), (('kept_days', 'day', 'day', 'CASCADE'),)),
        'table episode_triggers': ((('id', 'INTEGER', 1, None, 1), ('episode_id', 'INTEGER', 1, None, 0), ('position', 'SMALLINT', 1, None, 0), ('name', 'VARCHAR(60)', 1, None, 0), ('detail', 'VARCHAR(200)', 0, None, 0)), (('episodes', 'episode_id', 'id', 'CASCADE'),)),
        'table episodes': ((('id', 'INTEGER', 1, None, 1), ('occurred_at', 'DATETIME', 1, None, 0), ('logged_at', 'DATETIME', 1, None, 0), ('site', 'VARCHAR(40)', 1, None, 0), ('side', 'VARCHAR(5)', 0, None, 0), ('duration_s', 'FLOAT', 1, None, 0), ('pain', 'SMALLINT', 1, None, 0), ('visible', 'VARCHAR(7)', 1, None, 0), ('stiff', 'BOOLEAN', 1, None, 0), ('limited_motion', 'BOOLEAN', 1, None, 0), ('rhythmic', 'BOOLEAN', 1, None, 0), ('weakness', 'BOOLEAN', 1, None, 0), ('breathing', 'BOOLEAN', 1, None, 0), ('appearance_change', 'BOOLEAN', 1, None, 0), ('soreness_hours', 'FLOAT', 0, None, 0), ('note', 'TEXT', 0, None, 0), ('count', 'SMALLINT', 1, '1', 0), ('time_known', 'BOOLEAN', 1, '1', 0), ('part_of_day', 'VARCHAR(5)', 0, None, 0)), ()),
        'table kept_days': ((('day', 'DATE', 1, None, 1), ('no_episodes', 'BOOLEAN', 1, '0', 0), ('checked_in_at', 'DATETIME', 1, None, 0)), ()),
    },
    '0005': {
        'index ix_episode_triggers_name': ('episode_triggers', (('name',),)),
        'index ix_episodes_occurred_at': ('episodes', (('occurred_at',),)),
        'index ix_episodes_site_occurred_at': ('episodes', (('site',), ('occurred_at',))),
        'table alembic_version': ((('version_num', 'VARCHAR(32)', 1, None, 1),), ()),
        'table day_exposures': ((('day', 'DATE', 1, None, 1), ('name', 'VARCHAR(60)', 1, None, 2), ('amount', 'FLOAT', 0, None, 0), ('position', 'SMALLINT', 1, None, 0)), (('kept_days', 'day', 'day', 'CASCADE'),)),
        'table episode_triggers': ((('id', 'INTEGER', 1, None, 1), ('episode_id', 'INTEGER', 1, None, 0), ('position', 'SMALLINT', 1, None, 0), ('name', 'VARCHAR(60)', 1, None, 0), ('detail', 'VARCHAR(200)', 0, None, 0)), (('episodes', 'episode_id', 'id', 'CASCADE'),)),
        'table episodes': ((('id', 'INTEGER', 1, None, 1), ('occurred_at', 'DATETIME', 1, None, 0), ('logged_at', 'DATETIME', 1, None, 0), ('site', 'VARCHAR(40)', 1, None, 0), ('side', 'VARCHAR(5)', 0, None, 0), ('duration_s', 'FLOAT', 1, None, 0), ('pain', 'SMALLINT', 1, None, 0), ('visible', 'VARCHAR(7)', 1, None, 0), ('stiff', 'BOOLEAN', 1, None, 0), ('limited_motion', 'BOOLEAN', 1, None, 0), ('rhythmic', 'BOOLEAN', 1, None, 0), ('weakness', 'BOOLEAN', 1, None, 0), ('breathing', 'BOOLEAN', 1, None, 0), ('appearance_change', 'BOOLEAN', 1, None, 0), ('soreness_hours', 'FLOAT', 0, None, 0), ('note', 'TEXT', 0, None, 0), ('count', 'SMALLINT', 1, '1', 0), ('time_known', 'BOOLEAN', 1, '1', 0), ('part_of_day', 'VARCHAR(5)', 0, None, 0), ('speech', 'BOOLEAN', 1, '0', 0), ('swallowing', 'BOOLEAN', 1, '0', 0)), ()),
        'table kept_days': ((('day', 'DATE', 1, None, 1), ('no_episodes', 'BOOLEAN', 1, '0', 0), ('checked_in_at', 'DATETIME', 1, None, 0)), ()),
    },
    '0006': {
        'index ix_checks_opened_opened_at': ('checks_opened', (('opened_at',),)),
        'index ix_episode_relief_episode_id': ('episode_relief', (('episode_id',),)),
        'index ix_episode_triggers_name': ('episode_triggers', (('name',),)),
        'index ix_episodes_occurred_at': ('episodes', (('occurred_at',),)),
        'index ix_episodes_site_occurred_at': ('episodes', (('site',), ('occurred_at',))),
        'table alembic_version': ((('version_num', 'VARCHAR(32)', 1, None, 1),), ()),
        'table checks_opened': ((('id', 'INTEGER', 1, None, 1), ('opened_at', 'DATETIME', 1, None, 0), ('what', 'VARCHAR(20)', 1, None, 0)), ()),
        'table day_exposures': ((('day', 'DATE', 1, None, 1), ('name', 'VARCHAR(60)', 1, None, 2), ('amount', 'FLOAT', 0, None, 0), ('position', 'SMALLINT', 1, None, 0)), (('kept_days', 'day', 'day', 'CASCADE'),)),
        'table episode_relief': ((('id', 'INTEGER', 1, None, 1), ('episode_id', 'INTEGER', 1, None, 0), ('position', 'SMALLINT', 1, None, 0), ('measure', 'VARCHAR(60)', 1, None, 0), ('detail', 'VARCHAR(200)', 0, None, 0), ('helped', 'VARCHAR(4)', 0, None, 0)), (('episodes', 'episode_id', 'id', 'CASCADE'),)),
        'table episode_triggers': ((('id', 'INTEGER', 1, None, 1), ('episode_id', 'INTEGER', 1, None, 0), ('position', 'SMALLINT', 1, None, 0), ('name', 'VARCHAR(60)', 1, None, 0), ('detail', 'VARCHAR(200)', 0, None, 0)), (('episodes', 'episode_id', 'id', 'CASCADE'),)),
        'table episodes': ((('id', 'INTEGER', 1, None, 1), ('occurred_at', 'DATETIME', 1, None, 0), ('logged_at', 'DATETIME', 1, None, 0), ('site', 'VARCHAR(40)', 1, None, 0), ('side', 'VARCHAR(5)', 0, None, 0), ('duration_s', 'FLOAT', 1, None, 0), ('pain', 'SMALLINT', 1, None, 0), ('visible', 'VARCHAR(7)', 1, None, 0), ('stiff', 'BOOLEAN', 1, None, 0), ('limited_motion', 'BOOLEAN', 1, None, 0), ('rhythmic', 'BOOLEAN', 1, None, 0), ('weakness', 'BOOLEAN', 1, None, 0), ('breathing', 'BOOLEAN', 1, None, 0), ('appearance_change', 'BOOLEAN', 1, None, 0), ('soreness_hours', 'FLOAT', 0, None, 0), ('note', 'TEXT', 0, None, 0), ('count', 'SMALLINT', 1, '1', 0), ('time_known', 'BOOLEAN', 1, '1', 0), ('part_of_day', 'VARCHAR(5)', 0, None, 0), ('speech', 'BOOLEAN', 1, '0', 0), ('swallowing', 'BOOLEAN', 1, '0', 0), ('tingling', 'BOOLEAN', 1, '0', 0)), ()),
        'table experiment_pauses': ((('experiment_id', 'INTEGER', 1, None, 1), ('paused_on', 'DATE', 1, None, 2), ('resumed_on', 'DATE', 0, None, 0)), (('experiments', 'experiment_id', 'id', 'CASCADE'),)),
        'table experiments': ((('id', 'INTEGER', 1, None, 1), ('exposure', 'VARCHAR(60)', 1, None, 0), ('outcome', 'VARCHAR(6)', 1, "'all'", 0), ('block_days', 'SMALLINT', 1, None, 0), ('pairs', 'SMALLINT', 1, None, 0), ('washout_days', 'SMALLINT', 1, None, 0), ('seed', 'BIGINT', 1, None, 0), ('sequence', 'VARCHAR(200)', 1, None, 0), ('start', 'DATE', 1, None, 0), ('status', 'VARCHAR(9)', 1, "'active'", 0), ('ended_on', 'DATE', 0, None, 0), ('blinded', 'BOOLEAN', 1, '0', 0), ('planned_at', 'DATETIME', 1, None, 0)), ()),
        'table kept_days': ((('day', 'DATE', 1, None, 1), ('no_episodes', 'BOOLEAN', 1, '0', 0), ('checked_in_at', 'DATETIME', 1, None, 0)), ()),
        'table settings': ((('key', 'VARCHAR(40)', 1, None, 1), ('value', 'VARCHAR(200)', 1, None, 0), ('changed_at', 'DATETIME', 1, None, 0)), ()),
    },
}
# fmt: on
