"""Streaming builds: N-Triples and N-Quads for corpora larger than memory.

``newsgraph build --stream`` never holds the corpus: files go through the
workers a chunk at a time and each file's statements (what
:func:`graph.rdf.mapping.document_blocks` says about it) are written as they come.

* **N-Quads** (``nq``): each file's statements in its own named graph, written
  in graph-IRI order, the build's graph (the topic scheme and the build) first:
  the layout of ``--format nq`` without ``--stream``.
* **N-Triples** (``nt``): the union of every file's statements, sorted and
  de-duplicated with an external merge sort (sorted runs on disk, merged once),
  so memory stays flat and the output is byte-stable.

What it cannot do, because that needs every file at once: resolve a related
stub known by another URL of an article to that article (a stub stays the node
of its own canonical URL), and merge fields across files (where two files
disagree, say a stub's title and the article's own, N-Triples holds both
values under the same predicate, and so does N-Quads). Where files agree,
which is the common case, the N-Triples equal a full build's byte for byte.
No Turtle, page, networkx graph or store either: build without ``--stream``.
"""

from __future__ import annotations

import functools
import heapq
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from graph.engines.local import (
    CHUNK,
    HIT,
    UNREADABLE,
    chunk_records,
    init_worker,
    map_chunks,
    parse_again,
    records_of,
    say_cache_problems,
    worker_count,
    worker_settings,
)
from graph.model.merge import Corpus
from graph.model.report import EmptyInputError, empty_message
from graph.rdf.mapping import PROV, Block, build_iri, default_blocks, document_blocks, iri
from graph.read.cache import RecordCache
from graph.read.codec import PayloadError, encode
from graph.read.identity import DEFAULT_BASE, check_base, source_iri
from graph.read.records import Topic
from graph.read.sources import Source, SourceWalk
from graph.util.procs import paused_gc
from graph.util.progress import Feedback
from graph.util.publish import publishing

__all__ = ["STREAM_FORMATS", "StreamResult", "gnu_sort", "stream_build"]

#: The formats a streaming build writes.
STREAM_FORMATS = ("nt", "nq")
#: N-Triples lines per sorted run written to disk (bounds the memory of a streaming build).
RUN_LINES = 400_000
#: Runs merged at once (more are merged in rounds): a million generated files make ~140 runs, merged in one.
FAN_IN = 256


@dataclass
class StreamResult:
    """What a streaming build did."""

    files: int = 0
    rejected: int = 0
    triples: int = 0
    quads: int = 0
    written: tuple[Path, ...] = ()


def _init_stream(base: str, drop: frozenset[str], cache: str | None, formats: tuple[str, ...]) -> None:
    init_worker(base, drop, cache, extra={"formats": formats})


#: A chunk's output: new cache entries, N-Quads, sorted N-Triples lines (one text), topic IRIs, the errors of
#: rejected files, the build's ``prov:used`` statements (its graph's lines), stage times, and (cache entries that
#: could not be read, whether the cache's database failed). The statements come encoded (UTF-8) by the worker:
#: the build process only writes them.
StreamChunk = tuple[
    list[tuple[bytes, bytes]], bytes, bytes, set[str], list[str], bytes, tuple[float, float, float], tuple[int, bool]
]
_USED = f"<{PROV}used>"


def _stream_task(chunk: list[Source]) -> StreamChunk:
    """In a worker: a chunk of files to records, and the records to N-Quads and N-Triples text."""
    out, times = chunk_records(chunk)  # the records as they are: no pickling them here to unpickle them here
    settings = worker_settings()
    formats: tuple[str, ...] = settings.extra["formats"]
    base = settings.base
    corpus = Corpus(base)  # no other file is known: stubs stay as they are
    build = iri(build_iri(base))
    new: list[tuple[bytes, bytes]] = []
    quads: list[str] = []
    triples: set[str] = set()
    topics: set[str] = set()
    errors: list[str] = []
    used: list[str] = []
    bad, damaged = 0, False
    with paused_gc():
        for source, (key, got, how) in zip(chunk, out, strict=True):
            if how & UNREADABLE:
                bad, damaged = bad + 1, True
            try:
                f = records_of(got, how, source)
            except PayloadError:  # a cached entry that is not what this code wrote: a miss, said once
                bad += 1
                f, entry = parse_again(source, settings.base, settings.drop, key)
                if entry is not None:
                    new.append(entry)
            else:
                if key is not None and not how & HIT and (payload := encode(f)) is not None:
                    new.append((key, payload))  # what the codec cannot hold is never cached
            if f.rejected:
                errors += [str(d) for d in f.diagnostics if d.severity == "error"] or [f"{f.source}: error: rejected"]
            topics.update(t.iri for t in f.topics)
            used.append(f"{build} {_USED} {iri(source_iri(f.source, base))}")  # every file, rejected or not
            graph, blocks = document_blocks(f, corpus)
            if "nq" in formats:
                end = f" {graph} .\n"
                quads.append("".join([f"{s} {p} {o}{end}" for s, pairs in blocks for p, o in pairs]))
            if "nt" in formats:
                triples.update([f"{s} {p} {o} .\n" for s, pairs in blocks for p, o in pairs])
    if "nt" in formats:
        triples.update(f"{line} .\n" for line in used)
    in_build = f" {build} .\n"
    lines_in_build = "".join(f"{line}{in_build}" for line in used)
    nq, nt = "".join(quads).encode("utf-8"), "".join(sorted(triples)).encode("utf-8")
    return new, nq, nt, topics, errors, lines_in_build.encode("utf-8"), times, (bad, damaged)


def stream_build(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = ("nt",),
    base: str = DEFAULT_BASE,
    *,
    drop: Iterable[str] = (),
    workers: int | None = None,
    cache: str | os.PathLike[str] | None = None,
    feedback: Feedback | None = None,
    follow_symlinks: bool = False,
    allow_empty: bool = True,
) -> StreamResult:
    """Write ``out_dir/graph.nt`` and/or ``graph.nq`` from ``paths`` without holding the corpus.

    The steps: find the files (one folder at a time), stream them through the
    workers into the work of :class:`_StreamWork`, then write and publish the
    exports. With ``allow_empty=False``, an input that gives nothing (no file
    found, or every file rejected) raises
    :class:`graph.model.report.EmptyInputError` before any export is written.

    >>> import tempfile
    >>> result = stream_build(["seeds"], tempfile.mkdtemp(), ["nt", "nq"])
    >>> result.files, [p.name for p in result.written], result.triples > 100
    (2, ['graph.nt', 'graph.nq'], True)
    """
    formats = _stream_formats(formats)
    base = check_base(base)
    fb = feedback if feedback is not None else Feedback(level=0)
    with fb.stage("find"):
        # Met one at a time, in graph-IRI order (the order of the N-Quads graphs): never all held.
        sources = SourceWalk(paths, follow_symlinks)
        total = len(sources)
    if total == 0 and not allow_empty:
        raise EmptyInputError(empty_message(0, 0))
    result = StreamResult(files=total)
    out = Path(out_dir)
    # Every file is written into a folder beside the output folder and published with it at once (so is the
    # work of the external sort, removed before).
    with publishing(out, lambda text: fb.error(f"newsgraph: note: {text}")) as folder:
        work = _StreamWork(folder, formats, base)
        try:
            settings = (base, frozenset(drop), worker_count(workers, total))
            _stream_files(sources, work, result, settings, RecordCache(cache) if cache is not None else None, fb)
            if result.rejected == total and not allow_empty:  # raised inside: nothing is published
                raise EmptyInputError(empty_message(total, result.rejected))
            with fb.stage("write"):
                result.written = tuple(out / name for name in work.write(folder, result))
        finally:
            work.remove()
    fb.count("files read", result.files)
    fb.count("files rejected", result.rejected)
    return result


def _stream_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, checked: a streaming build writes :data:`STREAM_FORMATS` only."""
    wanted = tuple(dict.fromkeys(formats))
    wrong = [f for f in wanted if f not in STREAM_FORMATS]
    if wrong or not wanted:
        raise ValueError(
            f"--stream writes {' and '.join(STREAM_FORMATS)} only, not {', '.join(wrong) or 'nothing'}: "
            "Turtle, the page and the other formats need the whole merged graph (build without --stream)"
        )
    return wanted


def _stream_files(
    sources: SourceWalk,
    work: _StreamWork,
    result: StreamResult,
    settings: tuple[str, frozenset[str], int],
    store: RecordCache | None,
    fb: Feedback,
) -> None:
    """Every file through the workers, a chunk at a time, its statements into ``work`` as they come.

    ``settings``: the base IRI, the record options and the number of worker processes. A rejected file is
    said at once; new cache entries go into ``store``.
    """
    base, drop, n = settings
    cache_arg = str(store.folder) if store is not None and store.usable else None
    bad = 0
    fb.start("streaming", result.files)
    try:
        with fb.stage("read+parse+rdf"):
            results = map_chunks(_stream_task, _chunks(sources), n, (base, drop, cache_arg, work.formats), _init_stream)
            for chunk_new, quads, lines, topics, errors, used_lines, _, trouble in results:
                if store is not None:
                    bad += trouble[0]
                    store.damaged |= trouble[1]
                    if chunk_new:
                        store.put(chunk_new)
                result.rejected += len(errors)
                for error in errors:  # a bad file is said at once, even with --quiet
                    fb.error(error)
                fb.advance(work.take(quads, lines, topics, used_lines))
    finally:
        fb.finish()
        work.close()
    if store is not None:
        store.close()
        say_cache_problems(fb, store, bad)


class _StreamWork:
    """What a streaming build holds while the files come, in a work folder of its own.

    N-Quads are appended as they come (each file's graph, and the build's ``prov:used`` apart). Each chunk's
    N-Triples come sorted; with GNU ``sort`` (:func:`gnu_sort`) each goes to disk as it is, a run, and ``sort -m``
    merges the runs at the end, outside Python; without it, they gather in memory up to :data:`RUN_LINES` and go
    to disk merged into longer runs, merged at the end by :func:`heapq.merge`. The same bytes either way.
    """

    def __init__(self, folder: Path, formats: tuple[str, ...], base: str) -> None:
        self.formats = formats
        self.base = base
        self.folder = Path(tempfile.mkdtemp(prefix=".stream-", dir=folder))
        self.sort = gnu_sort()
        self.runs: list[Path] = []
        self.pending: list[bytes] = []
        self.pending_lines = 0
        self.topics: set[str] = set()
        self.quads = self.used_count = 0
        nq = "nq" in formats
        self.body = open(self.folder / "body.nq", "wb") if nq else None
        self.used = open(self.folder / "used.nq", "wb") if nq else None

    def take(self, quads: bytes, lines: bytes, topics: set[str], used_lines: bytes) -> int:
        """One chunk's statements (see :data:`StreamChunk`); returns how many files it held."""
        self.topics |= topics
        if self.body is not None and self.used is not None:
            self.body.write(quads)
            self.used.write(used_lines)
            self.quads += quads.count(b"\n")
        if lines:
            self._add_run(lines)
        done = used_lines.count(b"\n")
        self.used_count += done
        return done

    def _add_run(self, lines: bytes) -> None:
        """Sorted N-Triples lines without repeats (one UTF-8 text): a run on disk now, or gathered into a longer
        one (UTF-8 bytes sort as the code points of the text)."""
        if self.sort is not None:
            path = self.folder / f"run-{len(self.runs):06d}.nt"
            with open(path, "wb") as f:
                f.write(lines)
            self.runs.append(path)
            return
        self.pending.append(lines)
        self.pending_lines += lines.count(b"\n")
        if self.pending_lines >= RUN_LINES:
            self._spill()

    def _spill(self) -> None:
        """The N-Triples lines gathered so far, to disk as one sorted run."""
        if self.pending:
            # Lines end at b"\n" only (bytes.splitlines would also cut at b"\r", were one ever written raw).
            merged = heapq.merge(*(iter(io.BytesIO(text)) for text in self.pending))
            self.runs.append(_write_run(self.folder, len(self.runs), merged))
        self.pending, self.pending_lines = [], 0

    def close(self) -> None:
        """No more chunks: the N-Quads being appended are closed."""
        for f in (self.body, self.used):
            if f is not None:
                f.close()

    def write(self, folder: Path, result: StreamResult) -> list[str]:
        """Write the exports into ``folder`` (counted in ``result``); return their file names."""
        # What belongs to no file (the build's graph), but the build's prov:used (one per file, written above).
        corpus = Corpus(self.base, topics={t: Topic(t, t) for t in sorted(self.topics)})  # their IRIs are all used
        defaults = sorted(default_blocks(corpus), key=lambda block: block[0])
        written = []
        if "nt" in self.formats:
            self._add_run("".join(sorted(set(_lines(defaults, " .\n")))).encode("utf-8"))
            self._spill()
            result.triples = _merge_runs(self.runs, self.folder, folder / "graph.nt", self.sort)
            written.append("graph.nt")
        if "nq" in self.formats:
            result.quads = self._write_nq(defaults, folder / "graph.nq")
            written.append("graph.nq")
        return written

    def _write_nq(self, defaults: list[Block], target: Path) -> int:
        """``graph.nq``: the build's graph (its ``prov:used`` where they sort), then every file's; the quads."""
        tmp = self.folder / "graph.nq"
        build = iri(build_iri(self.base))
        in_build = f" {build} .\n"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            for subject, pairs in defaults:
                # The build's block: its pairs sorted, prov:used among them where it sorts.
                before = [(p, o) for p, o in pairs if p < _USED] if subject == build else pairs
                f.writelines(_lines([(subject, before)], in_build))
                if subject == build:
                    _copy(self.folder / "used.nq", f)
                    f.writelines(_lines([(subject, [(p, o) for p, o in pairs if p > _USED])], in_build))
            _copy(self.folder / "body.nq", f)
        _publish(tmp, target)
        return self.quads + sum(len(pairs) for _, pairs in defaults) + self.used_count

    def remove(self) -> None:
        """The work folder, gone (after the exports were written, or a failure)."""
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _chunks(sources: Iterable[Source]) -> Iterator[list[Source]]:
    """``sources`` in lists of :data:`CHUNK`, made as they are needed."""
    chunk: list[Source] = []
    for source in sources:
        chunk.append(source)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _copy(path: Path, target: IO[str]) -> None:
    """Append the file at ``path`` to the text file ``target``, as bytes (its text was written as UTF-8)."""
    target.flush()
    with open(path, "rb") as f:
        shutil.copyfileobj(f, target.buffer, 1 << 22)  # type: ignore[attr-defined]


def _lines(blocks: Iterable[Block], end: str) -> Iterator[str]:
    for subject, pairs in blocks:
        for predicate, obj in pairs:
            yield f"{subject} {predicate} {obj}{end}"


def _write_run(work: Path, index: int, lines: Iterable[bytes]) -> Path:
    """Write sorted lines (UTF-8; duplicates dropped) as run file ``index``."""
    path = work / f"run-{index:06d}.nt"
    with open(path, "wb") as f:
        f.writelines(_unique(lines))
    return path


def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Sorted lines without repeats."""
    last = None
    for line in lines:
        if line != last:
            yield line
            last = line


def _merge_runs(runs: list[Path], work: Path, target: Path, sort: str | None = None) -> int:
    """Merge sorted runs into ``target`` (atomically), duplicates dropped; return the line count.

    ``sort``: GNU ``sort`` (:func:`gnu_sort`) does the merge; ``None``: :func:`heapq.merge` does.
    """
    tmp = work / "graph.nt"
    if sort is not None:
        _sort_merge(sort, runs, work, tmp)
    else:
        round_ = 0
        while len(runs) > FAN_IN:  # merge in rounds so that few files are open at once
            merged: list[Path] = []
            for i in range(0, len(runs), FAN_IN):
                group = runs[i : i + FAN_IN]
                merged.append(_merge_files(group, work / f"round{round_}-{i:06d}.nt"))
                for path in group:
                    path.unlink()
            runs, round_ = merged, round_ + 1
        _merge_files(runs, tmp)
    with open(tmp, "rb") as f:
        count = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    _publish(tmp, target)
    return count


def _merge_files(paths: list[Path], target: Path) -> Path:
    files: list[IO[bytes]] = [open(p, "rb") for p in paths]
    try:
        with open(target, "wb") as out:
            out.writelines(_unique(heapq.merge(*files)))
    finally:
        for f in files:
            f.close()
    return target


def gnu_sort() -> str | None:
    """The path of GNU ``sort`` (coreutils), which merges the runs of a streaming build; ``None`` where there is
    none (then Python merges them). ``NEWSGRAPH_NO_SORT=1`` asks for Python's merge.

    Its merge gives the bytes of Python's: in the C locale it compares lines byte by byte, and UTF-8 bytes sort
    as the code points Python compares; ``-u`` drops a line equal to the one before, byte for byte.
    """
    return None if os.environ.get("NEWSGRAPH_NO_SORT") else _find_gnu_sort()


@functools.cache
def _find_gnu_sort() -> str | None:
    found = shutil.which("sort")
    if found is None:
        return None
    try:
        version = subprocess.run(
            [found, "--version"], capture_output=True, text=True, timeout=10, env=_c_locale(), check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return found if "GNU coreutils" in version.stdout else None


def _c_locale() -> dict[str, str]:
    """The environment of ``sort``: the C locale (bytes compared as they are, its messages in English)."""
    return {**os.environ, "LC_ALL": "C"}


def _sort_merge(sort: str, runs: list[Path], work: Path, target: Path) -> None:
    """``sort -m -u`` of the sorted ``runs`` into ``target`` (its own temporary files in ``work``)."""
    listing = work / "runs.list"
    listing.write_bytes(b"".join(os.fsencode(p) + b"\0" for p in runs))
    command = [sort, "-m", "-u", f"--batch-size={FAN_IN}", "-T", str(work), "--files0-from", str(listing)]
    with open(target, "wb") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, env=_c_locale(), check=False)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OSError(f"merging the sorted N-Triples with {sort} failed: {said[-1] if said else done.returncode}")
    for path in runs:
        path.unlink()
    listing.unlink()


def _publish(tmp: Path, target: Path) -> None:
    """Move a finished file into the folder that is published (:func:`graph.util.publish.publishing`)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, target)
