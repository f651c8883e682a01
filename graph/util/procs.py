"""Process helpers every stage may use: how many workers, and pausing the garbage collector."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["default_workers", "paused_gc"]


def default_workers() -> int:
    """Worker processes for a large build: the cores this process may run on.

    >>> default_workers() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic structures.

    Records, graphs and triples hold no reference cycles, but with millions of
    them alive every collection walks them all: pausing it makes a build
    markedly faster (the collector runs again afterwards, as it was).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
