"""Writing Turtle and N-Triples together: one pass over the merged graph's blocks, in parallel.

Both formats lay out the same sorted blocks (:func:`graph._rdf.merged_blocks`).
Making the blocks is most of the cost of writing either, so when both are
asked for they are written side by side from one pass, with the formats' own
layout functions (:func:`graph.formats.turtle.block`,
:func:`graph.formats.ntriples.lines`): the bytes are those of writing each
alone. For a large graph the blocks are cut into contiguous slices written by
forked processes at the same time (``workers``), and the slices' files are
joined in order: the same bytes again. Both files are written atomically
(temporary files, then a rename).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ._pipeline import default_workers, paused_gc
from ._rdf import merged_blocks
from .formats import WRITERS, Exportable, ntriples, turtle

__all__ = ["PARALLEL_FROM", "write_together"]

#: Nodes from which the slices are written by several processes.
PARALLEL_FROM = 50_000


def write_together(source: Exportable, out: Path, formats: Sequence[str], workers: int | None = None) -> list[str]:
    """Write ``graph.ttl`` and ``graph.nt`` in one pass if both are in ``formats``; return what was written.

    ``workers``: processes writing slices (default: one per core for large graphs).

    >>> import tempfile
    >>> from graph import build
    >>> write_together(build(["seeds"]), Path(tempfile.mkdtemp()), ["ttl", "html", "nt"])
    ['ttl', 'nt']
    """
    if not ("ttl" in formats and "nt" in formats):
        return []
    if WRITERS.get("ttl") is not turtle.write or WRITERS.get("nt") is not ntriples.write:
        return []  # someone registered other writers under these names: let them write
    corpus = source.corpus
    size = len(corpus.articles) + len(corpus.providers) + len(corpus.topics) + len(corpus.images)
    if workers is None:
        workers = default_workers() if size >= PARALLEL_FROM else 1
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        workers = 1  # the slices share the corpus with the writers through fork; daemons may not fork
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".write-", dir=out))
    try:
        parts = [(work / f"{i}.ttl", work / f"{i}.nt") for i in range(workers)]
        children = []
        context = multiprocessing.get_context("fork")
        for i in range(1, workers):
            child = context.Process(target=_write_part, args=(source, i, workers, *parts[i]), daemon=True)
            child.start()
            children.append(child)
        _write_part(source, 0, workers, *parts[0])
        for child in children:
            child.join()
            if child.exitcode != 0:
                raise OSError(f"writing the RDF exports failed in a worker process (exit {child.exitcode})")
        umask = os.umask(0)
        os.umask(umask)
        for k, name in enumerate(("ttl", "nt")):
            target = out / f"graph.{name}"
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=out)
            try:
                with os.fdopen(fd, "wb") as f:
                    if name == "ttl":
                        f.write(turtle.header().encode("utf-8"))
                    for part in parts:
                        with open(part[k], "rb") as piece:
                            shutil.copyfileobj(piece, f, 1 << 22)
                os.chmod(tmp, 0o666 & ~umask)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [name for name in formats if name in ("ttl", "nt")]


def _write_part(source: Exportable, i: int, n: int, ttl_path: Path, nt_path: Path) -> None:
    """Write slice ``i`` of ``n`` of the blocks as Turtle and N-Triples (no Turtle header)."""
    with paused_gc():
        with (
            open(ttl_path, "w", encoding="utf-8", newline="\n") as ttl,
            open(nt_path, "w", encoding="utf-8", newline="\n") as nt,
        ):
            for subject, pairs in merged_blocks(source.corpus, (i, n)):
                ttl.write(turtle.block(subject, pairs))
                nt.write(ntriples.lines(subject, pairs))
