"""Use cases: what the command line and the page call. Each opens the transactions it needs
and returns analysis results to render; nothing here prints or draws.

One module per use case: `episodes` (log, list, show, edit, delete, the flags of an
episode), `home` (the page's home), `days` (the check-in), `reports` (weekly, charts, doctor
visit, triggers), `exchange` (import, export, backup, restore, demo), `periods` (how days
and periods are bounded), and two features with their own words and records: `calm` (calm
mode) and `experiments` (`diary experiment`), imported as modules when used."""

from diary.services.days import check_in, day_history, get_day, kept_days_in
from diary.services.episodes import (
    Labelled,
    LabelledStream,
    LoggedEpisode,
    active_flags,
    add_episode,
    count_episodes,
    delete_episode,
    diary_state,
    edit_episode,
    flag_entries,
    flags_of_episode,
    get_episode,
    labelled_episode,
    labelled_episodes,
    labelled_stream,
    list_episodes,
    log_episode,
    replace_episode,
)
from diary.services.exchange import (
    CheckedImport,
    DemoFilled,
    ImportResult,
    Restored,
    add_many,
    backup_diary,
    check_import,
    export_episodes,
    fill_demo,
    import_episodes,
    restore_diary,
)
from diary.services.home import HomePage, home_page, recent_episodes
from diary.services.periods import day_after, day_start, diary_start, period_or_default
from diary.services.reports import chart_data_for, trigger_report, visit_report, weekly_report

__all__ = [
    "CheckedImport",
    "DemoFilled",
    "HomePage",
    "ImportResult",
    "Labelled",
    "LabelledStream",
    "LoggedEpisode",
    "Restored",
    "active_flags",
    "add_episode",
    "add_many",
    "backup_diary",
    "chart_data_for",
    "check_import",
    "check_in",
    "count_episodes",
    "day_after",
    "day_history",
    "day_start",
    "delete_episode",
    "diary_start",
    "diary_state",
    "edit_episode",
    "export_episodes",
    "fill_demo",
    "flag_entries",
    "flags_of_episode",
    "get_day",
    "get_episode",
    "home_page",
    "import_episodes",
    "kept_days_in",
    "labelled_episode",
    "labelled_episodes",
    "labelled_stream",
    "list_episodes",
    "log_episode",
    "period_or_default",
    "recent_episodes",
    "replace_episode",
    "restore_diary",
    "trigger_report",
    "visit_report",
    "weekly_report",
]
