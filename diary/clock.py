"""The current local time; `DIARY_NOW` (ISO 8601) pins it for reproducible scripts and tests."""

from __future__ import annotations

import os
from datetime import datetime


def now() -> datetime:
    pinned = os.environ.get("DIARY_NOW")
    if pinned:
        try:
            return datetime.fromisoformat(pinned).replace(microsecond=0, tzinfo=None)
        except ValueError:
            from diary.errors import BadInput

            raise BadInput(f"DIARY_NOW {pinned!r} is not an ISO 8601 date-time") from None
    return datetime.now().replace(microsecond=0)
