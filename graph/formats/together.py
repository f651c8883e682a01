"""Writing Turtle and N-Triples fast: one pass over the merged graph's blocks, in parallel.

Both formats lay out the same sorted blocks (:func:`graph.rdf.mapping.merged_blocks`).
Making the blocks is most of the cost of writing either, so when both are
asked for they are written side by side from one pass, with the formats' own
layout functions (:func:`graph.formats.turtle.block`,
:func:`graph.formats.ntriples.lines`): the bytes are those of writing each
alone. For a large graph the blocks are cut into contiguous slices written by
forked processes at the same time (``workers``), and the slices' files are
joined in order: the same bytes again. Every file is written atomically
(a temporary file, then a rename).

The same pass can also write the N-Triples for an embedded store
(``also_nt``) and work out the graph's digests by bucket of subjects
(:class:`graph.formats.digest.Digests`), which tell a store what changed.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from graph.formats import FORMATS as REGISTRY
from graph.formats import Exportable, ntriples, turtle
from graph.formats.digest import Digests
from graph.rdf.mapping import Describer, Entry, balanced_cuts, block_entries, entry_blocks
from graph.util.procs import default_workers, paused_gc

__all__ = ["PARALLEL_FROM", "write_together"]

#: Nodes from which the slices are written by several processes.
PARALLEL_FROM = 50_000
#: The formats written here, in the order their files are opened.
FORMATS = ("ttl", "nt")


def write_together(
    source: Exportable,
    out: Path,
    formats: Sequence[str],
    workers: int | None = None,
    *,
    also_nt: Path | None = None,
    digests: Digests | None = None,
) -> list[str]:
    """Write ``graph.ttl`` and/or ``graph.nt``, those of ``formats``, in one pass; return what was written.

    ``workers``: processes writing slices (default: one per core for large graphs).
    ``also_nt``: also write the merged graph's N-Triples there (a scratch file:
    not atomically); ``digests``: add the graph's digests to it. The steps: the
    temporary files opened beside the targets, the slices written into them
    (:func:`_write_slices`), the files put in place.

    >>> import tempfile
    >>> from graph import build
    >>> write_together(build(["seeds"]), Path(tempfile.mkdtemp()), ["ttl", "html", "nt"])
    ['ttl', 'nt']
    """
    names = [name for name in FORMATS if name in formats and REGISTRY[name].module == _MODULES[name]]
    if not names and also_nt is None and digests is None:
        return []  # none asked for, or someone registered other modules under these names: let them write
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    temps: dict[str, str] = {}
    try:
        files: dict[str, BinaryIO] = {}
        for name in names:
            fd, temps[name] = tempfile.mkstemp(prefix=f".graph.{name}.", suffix=".tmp", dir=out)
            files[name] = os.fdopen(fd, "wb", buffering=_BUFFER)
        if also_nt is not None:
            files[_STORE] = open(also_nt, "wb", buffering=_BUFFER)
        try:
            if "ttl" in files:
                files["ttl"].write(turtle.header().encode("utf-8"))
            _write_slices(source, out, files, _writers(source, workers), digests)
        finally:
            for f in files.values():
                f.close()
        umask = os.umask(0)
        os.umask(umask)
        for name in names:
            os.chmod(temps[name], 0o666 & ~umask)
            os.replace(temps[name], out / f"graph.{name}")
        temps.clear()
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
    return [name for name in formats if name in names]


def _writers(source: Exportable, workers: int | None) -> int:
    """How many processes write slices: ``workers``, else one per core for a large graph; one where they cannot fork."""
    corpus = source.corpus
    size = len(corpus.articles) + len(corpus.providers) + len(corpus.topics) + len(corpus.images)
    if workers is None:
        workers = default_workers() if size >= PARALLEL_FROM else 1
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        return 1  # the slices share the corpus with the writers through fork; daemons may not fork
    return workers


def _write_slices(
    source: Exportable, out: Path, files: dict[str, BinaryIO], workers: int, digests: Digests | None
) -> None:
    """The graph's blocks into ``files``: slice 0 straight in; slices 1..n-1 by forked processes into a scratch
    folder in ``out``, appended in order."""
    corpus = source.corpus
    # The sorted subjects are worked out once, here, and shared with the forked writers;
    # the cuts give each process about the same work (an article's block weighs several images').
    describer = Describer(corpus.base)
    entries = block_entries(corpus, describer)
    if workers <= 1:
        _write_blocks(source, entries, describer, 0, len(entries), files, digests)
        return
    cuts = balanced_cuts(entries, workers)
    work = Path(tempfile.mkdtemp(prefix=".write-", dir=out))
    try:
        parts = [{name: work / f"{i}.{name}" for name in files} for i in range(1, workers)]
        digested = [work / f"{i}.digests" for i in range(1, workers)] if digests is not None else []
        context = multiprocessing.get_context("fork")
        children = []
        for i, paths in enumerate(parts, start=1):
            target = digested[i - 1] if digested else None
            child = context.Process(
                target=_write_part,
                args=(source, entries, describer, cuts[i], cuts[i + 1], paths, target),
                daemon=True,
            )
            child.start()
            children.append(child)
        try:
            _write_blocks(source, entries, describer, cuts[0], cuts[1], files, digests)
        finally:
            for child in children:
                child.join()
        failed = [child.exitcode for child in children if child.exitcode != 0]
        if failed:
            raise OSError(f"writing the RDF exports failed in a worker process (exit {failed[0]})")
        for paths in parts:
            for name, piece in paths.items():
                files[name].flush()
                _append(piece, files[name])
        if digests is not None:
            for path in digested:
                digests.update(Digests.from_bytes(path.read_bytes()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


#: The key of the store's N-Triples among the files a pass writes.
_STORE = "store.nt"
_MODULES = {"ttl": turtle.__name__, "nt": ntriples.__name__}


def _append(piece: Path, target: BinaryIO) -> None:
    """Append the file ``piece`` to ``target`` (flushed), in the kernel where it can."""
    with open(piece, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        copy = getattr(os, "copy_file_range", None)
        try:
            while copy is not None and size > 0:
                done = copy(f.fileno(), target.fileno(), size)
                if done <= 0:
                    break
                size -= done
        except OSError:  # not between these files here: copy through Python (from where it stopped)
            pass
        if size > 0:
            shutil.copyfileobj(f, target, 1 << 22)
            target.flush()


def _write_part(
    source: Exportable,
    entries: list[Entry],
    describer: Describer,
    start: int,
    stop: int,
    paths: dict[str, Path],
    digested: Path | None,
) -> None:
    """In a forked process: write the blocks of ``entries[start:stop]`` into a file per format (and digests)."""
    files = {name: open(path, "wb", buffering=_BUFFER) for name, path in paths.items()}
    digests = Digests() if digested is not None else None
    try:
        _write_blocks(source, entries, describer, start, stop, files, digests)
    finally:
        for f in files.values():
            f.close()
    if digested is not None and digests is not None:
        digested.write_bytes(digests.to_bytes())


#: Bytes buffered per file before a write: few, large writes. Each block is encoded alone, so a
#: block with a character beyond Latin-1 never widens a joined batch of others.
_BUFFER = 1 << 20


def _write_blocks(
    source: Exportable,
    entries: list[Entry],
    describer: Describer,
    start: int,
    stop: int,
    files: dict[str, BinaryIO],
    digests: Digests | None = None,
) -> None:
    """The blocks of ``entries[start:stop]`` as Turtle (no header) and/or N-Triples, in UTF-8 (and their digests)."""
    block, lines = turtle.block, ntriples.lines
    write_ttl = files["ttl"].write if "ttl" in files else None
    writes = [files[name].write for name in ("nt", _STORE) if name in files]
    add = digests.add if digests is not None else None
    with paused_gc():
        for subject, pairs in entry_blocks(source.corpus, entries, start, stop, describer):
            if write_ttl is not None:
                write_ttl(block(subject, pairs).encode("utf-8"))
            if writes or add is not None:
                data = lines(subject, pairs).encode("utf-8")
                for write in writes:
                    write(data)
                if add is not None:
                    add(subject, data)
