"""Small helpers for the bulk paths (years of episodes)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building many small objects creates no reference cycles, yet triggers the cyclic
    collector again and again over everything alive; pausing it halves bulk load times."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
