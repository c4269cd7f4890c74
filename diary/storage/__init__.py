"""Storage: the only package that knows about SQL, engines and migrations."""

from diary.storage.database import (
    Database,
    Target,
    open_database,
    resolve_target,
    upgrade_schema,
)
from diary.storage.episodes import (
    add_episode,
    add_episodes,
    count_between,
    delete_episode,
    episodes_between,
    get_episode,
    iter_episodes_between,
    iter_observations_between,
    replace_episode,
    time_span,
)
from diary.storage.revisions import HEAD_REVISION, KNOWN_REVISIONS

__all__ = [
    "HEAD_REVISION",
    "KNOWN_REVISIONS",
    "Database",
    "Target",
    "add_episode",
    "add_episodes",
    "count_between",
    "delete_episode",
    "episodes_between",
    "get_episode",
    "iter_episodes_between",
    "iter_observations_between",
    "open_database",
    "replace_episode",
    "resolve_target",
    "time_span",
    "upgrade_schema",
]
