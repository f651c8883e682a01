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

import heapq
import os
import shutil
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

__all__ = ["STREAM_FORMATS", "StreamResult", "stream_build"]

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


#: A chunk's output: new cache entries, N-Quads text, sorted N-Triples lines, topic IRIs,
#: the errors of rejected files, the build's ``prov:used`` statements (its graph's lines), stage times, and
#: (cache entries that could not be read, whether the cache's database failed).
StreamChunk = tuple[
    list[tuple[bytes, bytes]], str, list[str], set[str], list[str], str, tuple[float, float, float], tuple[int, bool]
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
    return new, "".join(quads), sorted(triples), topics, errors, lines_in_build, times, (bad, damaged)


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

    With ``allow_empty=False``, an input that gives nothing (no file found, or every file rejected)
    raises :class:`graph.model.report.EmptyInputError` before any export is written.

    >>> import tempfile
    >>> result = stream_build(["seeds"], tempfile.mkdtemp(), ["nt", "nq"])
    >>> result.files, [p.name for p in result.written], result.triples > 100
    (2, ['graph.nt', 'graph.nq'], True)
    """
    formats = tuple(dict.fromkeys(formats))
    wrong = [f for f in formats if f not in STREAM_FORMATS]
    if wrong or not formats:
        raise ValueError(
            f"--stream writes {' and '.join(STREAM_FORMATS)} only, not {', '.join(wrong) or 'nothing'}: "
            "Turtle, the page and the other formats need the whole merged graph (build without --stream)"
        )
    base = check_base(base)
    fb = feedback if feedback is not None else Feedback(level=0)
    out = Path(out_dir)
    with fb.stage("find"):
        # Met one at a time, in graph-IRI order (the order of the N-Quads graphs): never all held.
        sources = SourceWalk(paths, follow_symlinks)
        total = len(sources)
    if total == 0 and not allow_empty:
        raise EmptyInputError(empty_message(0, 0))
    store = RecordCache(cache) if cache is not None else None
    cache_arg = str(store.folder) if store is not None and store.usable else None
    result = StreamResult(files=total)
    bad = 0
    topics: set[str] = set()
    # Every file is written into a folder beside the output folder and published with it at once (so is the
    # work of the external sort, removed before).
    with publishing(out, lambda text: fb.error(f"newsgraph: note: {text}")) as folder:
        work = Path(tempfile.mkdtemp(prefix=".stream-", dir=folder))
        try:
            runs: list[Path] = []
            pending: list[list[str]] = []
            pending_lines = used_count = 0
            body = open(work / "body.nq", "w", encoding="utf-8", newline="\n") if "nq" in formats else None
            used = open(work / "used.nq", "w", encoding="utf-8", newline="\n") if "nq" in formats else None
            n = worker_count(workers, total)
            fb.start("streaming", total)
            try:
                with fb.stage("read+parse+rdf"):
                    init = (base, frozenset(drop), cache_arg, formats)
                    results = map_chunks(_stream_task, _chunks(sources), n, init, _init_stream)
                    for chunk_new, quads, lines, chunk_topics, errors, used_lines, _, trouble in results:
                        if store is not None:
                            bad += trouble[0]
                            store.damaged |= trouble[1]
                            if chunk_new:
                                store.put(chunk_new)
                        topics |= chunk_topics
                        result.rejected += len(errors)
                        for error in errors:  # a bad file is said at once, even with --quiet
                            fb.error(error)
                        if body is not None and used is not None:
                            body.write(quads)
                            used.write(used_lines)
                            result.quads += quads.count("\n")
                        if lines:
                            pending.append(lines)
                            pending_lines += len(lines)
                            if pending_lines >= RUN_LINES:
                                runs.append(_write_run(work, len(runs), heapq.merge(*pending)))
                                pending, pending_lines = [], 0
                        done = used_lines.count("\n")
                        used_count += done
                        fb.advance(done)
            finally:
                fb.finish()
                for f in (body, used):
                    if f is not None:
                        f.close()
            if store is not None:
                store.close()
                say_cache_problems(fb, store, bad)
            if result.rejected == total and not allow_empty:  # raised inside: nothing is published
                raise EmptyInputError(empty_message(total, result.rejected))
            # What belongs to no file (the build's graph), but the build's prov:used (one per file, written above).
            corpus = Corpus(base, topics={t: Topic(t, t) for t in sorted(topics)})  # their IRIs are all that is used
            defaults = sorted(default_blocks(corpus), key=lambda block: block[0])
            written: list[Path] = []
            with fb.stage("write"):
                if "nt" in formats:
                    pending.append(sorted(_lines(defaults, " .\n")))
                    runs.append(_write_run(work, len(runs), heapq.merge(*pending)))
                    pending = []
                    result.triples = _merge_runs(runs, work, folder / "graph.nt")
                    written.append(out / "graph.nt")
                if "nq" in formats:
                    tmp = work / "graph.nq"
                    build = iri(build_iri(base))
                    in_build = f" {build} .\n"
                    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                        for subject, pairs in defaults:
                            # The build's block: its pairs sorted, prov:used among them where it sorts.
                            before = [(p, o) for p, o in pairs if p < _USED] if subject == build else pairs
                            f.writelines(_lines([(subject, before)], in_build))
                            if subject == build:
                                _copy(work / "used.nq", f)
                                f.writelines(_lines([(subject, [(p, o) for p, o in pairs if p > _USED])], in_build))
                        _copy(work / "body.nq", f)
                    _publish(tmp, folder / "graph.nq")
                    result.quads += sum(len(pairs) for _, pairs in defaults) + used_count
                    written.append(out / "graph.nq")
            result.written = tuple(written)
            fb.count("files read", result.files)
            fb.count("files rejected", result.rejected)
            return result
        finally:
            shutil.rmtree(work, ignore_errors=True)


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
    with open(path, encoding="utf-8", newline="\n") as f:
        shutil.copyfileobj(f, target, 1 << 20)


def _lines(blocks: Iterable[Block], end: str) -> Iterator[str]:
    for subject, pairs in blocks:
        for predicate, obj in pairs:
            yield f"{subject} {predicate} {obj}{end}"


def _write_run(work: Path, index: int, lines: Iterable[str]) -> Path:
    """Write sorted lines (duplicates dropped) as run file ``index``."""
    path = work / f"run-{index:06d}.nt"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(_unique(lines))
    return path


def _unique(lines: Iterable[str]) -> Iterator[str]:
    """Sorted lines without repeats."""
    last = None
    for line in lines:
        if line != last:
            yield line
            last = line


def _merge_runs(runs: list[Path], work: Path, target: Path) -> int:
    """Merge sorted runs into ``target`` (atomically), duplicates dropped; return the line count."""
    round_ = 0
    while len(runs) > FAN_IN:  # merge in rounds so that few files are open at once
        merged: list[Path] = []
        for i in range(0, len(runs), FAN_IN):
            group = runs[i : i + FAN_IN]
            merged.append(_merge_files(group, work / f"round{round_}-{i:06d}.nt"))
            for path in group:
                path.unlink()
        runs, round_ = merged, round_ + 1
    tmp = work / "graph.nt"
    _merge_files(runs, tmp)
    with open(tmp, "rb") as f:
        count = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    _publish(tmp, target)
    return count


def _merge_files(paths: list[Path], target: Path) -> Path:
    files: list[IO[str]] = [open(p, encoding="utf-8", newline="\n") for p in paths]
    try:
        with open(target, "w", encoding="utf-8", newline="\n") as out:
            out.writelines(_unique(heapq.merge(*files)))
    finally:
        for f in files:
            f.close()
    return target


def _publish(tmp: Path, target: Path) -> None:
    """Move a finished file into the folder that is published (:func:`graph.util.publish.publishing`)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, target)
