"""Feedback on long builds: a progress bar on a terminal, stage times, counts.

A :class:`Feedback` is handed down the pipeline. It draws a one-line progress
bar on stderr when stderr is a terminal (and says nothing when it is piped or
redirected, so logs stay clean), times each stage, and counts what happened
(files parsed, files taken from the cache, ...). ``level`` 0 is ``--quiet``
(errors only), 1 the default, 2 ``--verbose`` (stage times and counts, also
when piped). The bar is written here in a few lines rather than taken from
tqdm or rich: it needs nothing more than ``\\r`` and a rate.

>>> fb = Feedback(level=0)
>>> with fb.stage("merge"):
...     pass
>>> list(fb.times), fb.counts
(['merge'], {})
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Feedback"]

QUIET, NORMAL, VERBOSE = 0, 1, 2


class Feedback:
    """Progress, stage times (seconds, wall) and counts of one build."""

    def __init__(self, level: int = NORMAL, stream: TextIO | None = None, bar: bool | None = None) -> None:
        self.level = level
        self.stream = stream if stream is not None else sys.stderr
        if bar is None:
            isatty = getattr(self.stream, "isatty", None)
            bar = bool(isatty and isatty())
        #: Draw bars: on a terminal only, and never when quiet.
        self.bar_enabled = bar and level >= NORMAL
        self.times: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self._total = 0
        self._done = 0
        self._label = ""
        self._start = 0.0
        self._drawn = 0.0

    def say(self, message: str) -> None:
        """A line for ``--verbose`` only."""
        if self.level >= VERBOSE:
            self._clear()
            print(message, file=self.stream, flush=True)

    def error(self, message: str) -> None:
        """A line said whatever the level (errors are never quiet)."""
        self._clear()
        print(message, file=self.stream, flush=True)

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the counter ``name``."""
        self.counts[name] = self.counts.get(name, 0) + n

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name`` (times of a repeated stage add up)."""
        start = time.perf_counter()
        if self.bar_enabled:  # on a terminal, say what is going on (a bar may replace it)
            self.stream.write(f"\rnewsgraph: {name}...\x1b[K")
            self.stream.flush()
            self._drawn = start
        try:
            yield
        finally:
            self._clear()
            elapsed = time.perf_counter() - start
            self.times[name] = self.times.get(name, 0.0) + elapsed
            self.say(f"newsgraph: {name}: {elapsed:.2f} s")

    def start(self, label: str, total: int) -> None:
        """Begin a bar of ``total`` steps."""
        self._label, self._total, self._done = label, total, 0
        self._start = time.perf_counter()
        self._drawn = 0.0

    def advance(self, n: int = 1) -> None:
        """``n`` more steps done; redraws at most ten times a second."""
        self._done += n
        if not self.bar_enabled:
            return
        now = time.perf_counter()
        if now - self._drawn >= 0.1 or self._done >= self._total:
            self._drawn = now
            self._draw(now)

    def finish(self) -> None:
        """End the bar (the line is cleared)."""
        self._clear()
        self._total = 0

    def _draw(self, now: float) -> None:
        total = max(self._total, 1)
        frac = min(self._done / total, 1.0)
        width = 30
        filled = int(frac * width)
        rate = self._done / max(now - self._start, 1e-9)
        eta = (self._total - self._done) / rate if rate > 0 else 0.0
        line = (
            f"\r{self._label} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self._done:,}/{self._total:,} {rate:,.0f}/s eta {eta:,.0f} s"
        )
        self.stream.write(line + "\x1b[K")
        self.stream.flush()

    def _clear(self) -> None:
        if self.bar_enabled and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = 0.0
