"""Storage: the only package that knows about SQL, engines and migrations."""

from diary.storage.database import (
    Database,
    Target,
    open_database,
    resolve_target,
    upgrade_schema,
)
from diary.storage.days import (
    add_days,
    episode_tallies,
    kept_day_dates,
    kept_days_between,
    put_day,
)
from diary.storage.episodes import (
    add_episode,
    add_episodes,
    count_between,
    delete_episode,
    diary_state,
    episodes_between,
    get_episode,
    iter_episodes_between,
    iter_observations_between,
    latest_episodes,
    replace_episode,
    time_span,
    trigger_spans,
)
from diary.storage.revisions import HEAD_REVISION, KNOWN_REVISIONS
from diary.storage.settings import has_experiments

__all__ = [
    "HEAD_REVISION",
    "KNOWN_REVISIONS",
    "Database",
    "Target",
    "add_days",
    "add_episode",
    "add_episodes",
    "count_between",
    "delete_episode",
    "diary_state",
    "episode_tallies",
    "episodes_between",
    "get_episode",
    "has_experiments",
    "iter_episodes_between",
    "iter_observations_between",
    "kept_day_dates",
    "kept_days_between",
    "latest_episodes",
    "open_database",
    "put_day",
    "replace_episode",
    "resolve_target",
    "time_span",
    "trigger_spans",
    "upgrade_schema",
]
