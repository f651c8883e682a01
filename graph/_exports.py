"""Writing Turtle and N-Triples fast: one pass over the merged graph's blocks, two processes.

Both formats lay out the same sorted blocks (:func:`graph._rdf.merged_blocks`).
Making the blocks is most of the cost of writing either, so they are made
once, and each is laid out with the formats' own layout functions
(:func:`graph.formats.turtle.block`, :func:`graph.formats.ntriples.lines`):
the bytes are those of writing each format alone.

For a large graph the work is split by format, not by slice: this process
makes the blocks and their N-Triples lines, and another Python process reads
those lines through a pipe and lays them out as Turtle (a block's N-Triples
lines are its subject, predicates and objects, as they were). The Turtle
writer holds nothing of the corpus, so the build's memory stays that of one
process, and the two formats are written at once. Every file is written
atomically (a temporary file, then a rename).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from ._pipeline import paused_gc
from ._rdf import Describer, block_entries, entry_blocks
from .formats import WRITERS, Exportable, ntriples, turtle

__all__ = ["PARALLEL_FROM", "write_together"]

#: Nodes from which Turtle is laid out by a process of its own.
PARALLEL_FROM = 50_000
#: The formats written here.
FORMATS = ("ttl", "nt")
#: Bytes buffered per file before a write: few, large writes.
_BUFFER = 1 << 20


def write_together(source: Exportable, out: Path, formats: Sequence[str], workers: int | None = None) -> list[str]:
    """Write ``graph.ttl`` and/or ``graph.nt``, those of ``formats``, in one pass; return what was written.

    ``workers``: 1 to lay out everything in this process, 2 or more for a
    Turtle writer beside it (default: for large graphs).

    >>> import tempfile
    >>> from graph import build
    >>> write_together(build(["seeds"]), Path(tempfile.mkdtemp()), ["ttl", "html", "nt"])
    ['ttl', 'nt']
    """
    names = [name for name in FORMATS if name in formats and WRITERS.get(name) is _BUILTIN[name]]
    if not names:
        return []  # none asked for, or someone registered other writers under these names: let them write
    corpus = source.corpus
    size = len(corpus.articles) + len(corpus.providers) + len(corpus.topics) + len(corpus.images)
    beside = "ttl" in names and (size >= PARALLEL_FROM if workers is None else workers > 1)
    if not sys.executable:
        beside = False  # an embedded Python that cannot start another: all in this process
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    temps = {name: _temporary(out, name) for name in names}
    # The Turtle writer starts first: its start-up overlaps the sorting of the subjects.
    child = _writer_process(temps["ttl"], temps.get("nt")) if beside else None
    try:
        describer = Describer(corpus.base)
        entries = block_entries(corpus, describer)
        with paused_gc():
            if child is not None:
                _write_beside(entry_blocks(corpus, entries, 0, None, describer), child)
            else:
                _write_here(entry_blocks(corpus, entries, 0, None, describer), temps.get("ttl"), temps.get("nt"))
        umask = os.umask(0)
        os.umask(umask)
        for name in names:
            os.chmod(temps[name], 0o666 & ~umask)
            os.replace(temps[name], out / f"graph.{name}")
        temps.clear()
    finally:
        if child is not None and child.poll() is None:  # a failure before the blocks were all sent
            _close(child)
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
    return [name for name in formats if name in names]


_BUILTIN = {"ttl": turtle.write, "nt": ntriples.write}


def _temporary(out: Path, name: str) -> str:
    fd, path = tempfile.mkstemp(prefix=f".graph.{name}.", suffix=".tmp", dir=out)
    os.close(fd)
    return path


def _write_here(blocks: Iterator[tuple[str, list[tuple[str, str]]]], ttl_path: str | None, nt_path: str | None) -> None:
    """Lay out every block in this process, as Turtle and/or N-Triples."""
    block, lines = turtle.block, ntriples.lines
    ttl = open(ttl_path, "wb", buffering=_BUFFER) if ttl_path else None
    nt = open(nt_path, "wb", buffering=_BUFFER) if nt_path else None
    try:
        if ttl is not None:
            ttl.write(turtle.header().encode("utf-8"))
        for subject, pairs in blocks:
            if ttl is not None:
                ttl.write(block(subject, pairs).encode("utf-8"))
            if nt is not None:
                nt.write(lines(subject, pairs).encode("utf-8"))
    finally:
        for f in (ttl, nt):
            if f is not None:
                f.close()


def _write_beside(blocks: Iterator[tuple[str, list[tuple[str, str]]]], child: subprocess.Popen[bytes]) -> None:
    """Make the blocks' N-Triples lines here and send them to ``child``, which writes both files."""
    lines = ntriples.lines
    assert child.stdin is not None
    feeder = _Feeder(child.stdin)
    try:
        batch: list[str] = []
        size = 0
        for subject, pairs in blocks:
            text = lines(subject, pairs)  # its lines, each ending with a line break (a block has a line or more)
            batch.append(text)
            size += len(text)
            if size >= _BATCH:
                feeder.put(_joined(batch))
                batch.clear()
                size = 0
        if batch:
            feeder.put(_joined(batch))
    finally:
        feeder.close()
        _close(child)
    if child.returncode != 0:
        raise OSError(f"writing the RDF exports failed in their process (exit {child.returncode})")


def _joined(texts: list[str]) -> bytes:
    """Blocks' N-Triples lines, each block followed by a blank line, in UTF-8."""
    return ("\n".join(texts) + "\n").encode("utf-8")


#: Bytes of N-Triples sent to the Turtle writer at a time.
_BATCH = 1 << 18


class _Feeder:
    """Writes batches into a pipe from a thread of its own, so the maker never waits on a full pipe.

    Up to :data:`_AHEAD` batches wait here: the two processes run at once even
    when one of them is briefly slower (a pipe alone holds 64 KiB to 1 MiB).
    A pipe the reader has closed ends the feeding quietly: the reader's exit
    status says why.
    """

    def __init__(self, pipe: BinaryIO) -> None:
        self._pipe = pipe
        _widen(pipe.fileno())
        self._batches: queue.Queue[bytes | None] = queue.Queue(maxsize=_AHEAD)
        self._thread = threading.Thread(target=self._run, name="newsgraph-turtle-feeder", daemon=True)
        self._thread.start()

    def put(self, batch: bytes) -> None:
        self._batches.put(batch)

    def close(self) -> None:
        self._batches.put(None)
        self._thread.join()

    def _run(self) -> None:
        broken = False
        while (batch := self._batches.get()) is not None:
            if not broken:
                try:
                    self._pipe.write(batch)
                except (BrokenPipeError, ValueError):  # the reader stopped (or the pipe was closed)
                    broken = True


#: Batches waiting for the pipe at most.
_AHEAD = 64


def _widen(fd: int) -> None:
    """Give a pipe the largest buffer the system allows a user (Linux: 1 MiB by default)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _BUFFER)
    except (ImportError, AttributeError, OSError):
        pass  # another system, or a lower cap: the default buffer, with the feeder's queue, works too


def _close(child: subprocess.Popen[bytes]) -> None:
    """End the writer's stream and wait for it to finish."""
    try:
        if child.stdin is not None:
            child.stdin.close()
    except BrokenPipeError:
        pass
    child.wait()


def _writer_process(ttl_path: str, nt_path: str | None) -> subprocess.Popen[bytes]:
    """A new Python process that writes the blocks it reads on its standard input (:func:`write_streamed`).

    A new process, not a fork: a fork keeps this process's pages, and as this
    one goes on reading the corpus (reading a Python object writes its
    reference count), each page it touches is copied, doubling the build's
    memory. The new one imports with this one's ``sys.path``, so it runs the
    same newsgraph.
    """
    code = (
        "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
        "from graph._exports import write_streamed; write_streamed(*sys.argv[2:])"
    )
    args = [sys.executable, "-c", code, json.dumps(sys.path), ttl_path, *([nt_path] if nt_path else [])]
    return subprocess.Popen(args, stdin=subprocess.PIPE)


def write_streamed(ttl_path: str, nt_path: str | None = None) -> None:
    """In the writer process: blocks as N-Triples lines on standard input, written as Turtle (and N-Triples).

    Each block is its N-Triples lines, then a blank line. Exits with status 1
    and a one-line message on failure (no traceback).
    """
    block = turtle.block
    try:
        with open(ttl_path, "wb", buffering=_BUFFER) as ttl, open(nt_path or os.devnull, "wb", buffering=_BUFFER) as nt:
            ttl.write(turtle.header().encode("utf-8"))
            rest = b""
            while chunk := sys.stdin.buffer.read1(_BUFFER):
                data = rest + chunk
                cut = data.rfind(b"\n\n")
                if cut < 0:
                    rest = data
                    continue
                rest = data[cut + 2 :]  # the start of a block still coming, or nothing
                if nt_path:
                    nt.write(data[: cut + 1].replace(b"\n\n", b"\n"))  # the lines as they came
                for text in data[:cut].decode("utf-8").split("\n\n"):
                    subject, pairs = _block_of(text.split("\n"))
                    ttl.write(block(subject, pairs).encode("utf-8"))
            if rest:
                raise OSError("the stream of blocks ended inside a block")
    except Exception as exc:  # said in one line (the build then says the export failed): no traceback
        print(f"newsgraph: writing the RDF exports failed: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:  # the build was interrupted (the build says so)
        sys.exit(130)


def _block_of(lines: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """A block from its N-Triples lines (without line breaks): its subject and (predicate, object) pairs.

    Subjects and predicates are IRIs, which hold no space, so a line splits at
    its first two spaces; the object is the rest, less the closing `` .``.

    >>> _block_of(['<s> <p> "a b" .', "<s> <q> <o> ."])
    ('<s>', [('<p>', '"a b"'), ('<q>', '<o>')])
    """
    first = lines[0]
    subject = first[: first.index(" ")]
    start = len(subject) + 1
    pairs = []
    for line in lines:
        predicate, _, obj = line[start:-2].partition(" ")
        pairs.append((predicate, obj))
    return subject, pairs
