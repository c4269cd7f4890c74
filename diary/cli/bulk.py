"""The one place the diary trades memory hygiene for speed, at the edge of a bulk command."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a command streams the whole diary.

    Reading, classifying and writing 100,000 episodes creates millions of small objects and
    no reference cycles, yet each allocation burst sets the collector scanning everything
    alive again: pausing it cut `export` and `import` by about a third on 100,000 episodes
    (bench/run.py). Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def bulk_command(command: Callable[P, R]) -> Callable[P, R]:
    """Run a whole-diary command with the collector paused (see `collector_paused`)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return command(*args, **kwargs)

    return run
