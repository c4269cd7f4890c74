"""Domain errors: the CLI turns each into one line on stderr and an exit code."""


class DiaryError(Exception):
    """Base of every error the diary reports to a person."""

    exit_code = 1


class BadInput(DiaryError):
    """A value the user gave is not accepted (exit 2, nothing written)."""

    exit_code = 2


class EpisodeNotFound(BadInput):
    def __init__(self, episode_id: int) -> None:
        super().__init__(f"no episode with id {episode_id}; `diary list` shows the ids")
        self.episode_id = episode_id


class ConfigError(BadInput):
    """The configuration file has a key or value the diary does not accept."""


class ImportRejected(BadInput):
    """An import file has invalid rows; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"import rejected, nothing written: {shown}{more}")
        self.problems = problems


class StorageError(DiaryError):
    """The database cannot be opened, read or written (exit 1)."""


class NotEnoughData(DiaryError):
    """A chart or report has too little data to draw anything meaningful."""
