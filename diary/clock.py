"""The current local time; `DIARY_NOW` (ISO 8601) pins it for reproducible scripts and tests."""

from __future__ import annotations

import os
from datetime import datetime

# The diary's years: nothing before 1900 is stored, and a date a year and a week after "now"
# must still be a date (reports look a week ahead, queries a year).
FIRST_YEAR, LAST_YEAR = 1900, 9997


def now() -> datetime:
    pinned = os.environ.get("DIARY_NOW")
    if pinned:
        from diary.errors import BadInput

        try:
            moment = datetime.fromisoformat(pinned).replace(microsecond=0, tzinfo=None)
        except ValueError:
            raise BadInput(f"DIARY_NOW {pinned!r} is not an ISO 8601 date-time") from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise BadInput(
                f"DIARY_NOW {pinned!r} is not accepted: give a date-time in the years "
                f"{FIRST_YEAR} to {LAST_YEAR}"
            )
        return moment
    return datetime.now().replace(microsecond=0)
