"""The pipeline: from paths to a merged corpus.

Each file goes through :func:`process_file` (read, parse, extract: a pure
function of the file) and the records of all files are merged once.

Files are processed in worker processes (``workers``, one per core by default
for large corpora), in chunks, results coming back in file order; with a
``cache`` folder the records of a file whose content did not change come from
the cache instead of being parsed again (:mod:`graph.read.cache`). Neither changes
the result: the merge sorts and does not depend on the order of files, and a
cached entry is the result of the same pure function, as data
(:mod:`graph.read.codec`), checked when it is read: an entry that does not
decode is a miss, the file is parsed again, and the build says so once.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graph.engines.pool import imap
from graph.model.merge import Corpus, Gathering
from graph.read.cache import CacheWriter, RecordCache, record_key
from graph.read.codec import PayloadError, decode, encode
from graph.read.identity import DEFAULT_BASE, check_base
from graph.read.records import FileRecords, extract
from graph.read.sources import MAX_FILE_BYTES, Source, find_sources, parse_document, read_document
from graph.util.procs import default_workers, paused_gc
from graph.util.progress import Feedback

__all__ = [
    "CHUNK",
    "HIT",
    "PICKLED",
    "UNREADABLE",
    "ChunkResult",
    "WorkerSettings",
    "chunk_records",
    "init_worker",
    "map_chunks",
    "parse_again",
    "process_chunk",
    "process_file",
    "process_files",
    "read_corpus",
    "records_of",
    "reset_worker",
    "say_cache_problems",
    "worker_count",
    "worker_settings",
]

T = TypeVar("T")

#: Files per task sent to a worker process.
CHUNK = 256
#: New cache entries written at a time.
FLUSH = 2048
#: Below this many files a build stays in one process (starting workers costs more).
PARALLEL_FROM = 1000


def process_file(source: Source, base: str = DEFAULT_BASE, drop: frozenset[str] = frozenset()) -> FileRecords:
    """Read, parse and extract one file: a pure function of that file.

    >>> records = process_file(find_sources(["seeds"])[0])
    >>> len(records.articles), records.diagnostics
    (3, [])
    """
    return extract(read_document(source), base, drop)


def _read_raw(source: Source) -> bytes | None:
    """The bytes of a regular file within the size limit, else ``None`` (then
    :func:`process_file` reads it and says what is wrong, exactly as without workers).

    Plain ``os`` calls: a file object costs several times the read itself here.
    """
    if source.code:  # not to be read (a link out of the input, a folder that cannot be listed): process_file says so
        return None
    try:  # O_NONBLOCK: a FIFO must not make the worker wait for a writer
        fd = os.open(source.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        parts = [os.read(fd, info.st_size + 1)]
        size = len(parts[0])
        while parts[-1] and size <= MAX_FILE_BYTES:  # it grew since fstat, or a short read: read on
            parts.append(os.read(fd, MAX_FILE_BYTES + 1 - size))
            size += len(parts[-1])
        return b"".join(parts) if len(parts) > 2 else parts[0]
    except OSError:
        return None
    finally:
        os.close(fd)


@dataclass
class WorkerSettings:
    """One worker's settings and cache connection, set by :func:`init_worker`.

    ``keys`` says whether cache keys are made (a cache folder was given),
    ``cache`` is the cache to look files up in (``None`` on a first build, whose
    cache is empty), and ``extra`` holds what an engine built on this one adds
    (the streaming build's formats, for instance).
    """

    base: str
    drop: frozenset[str]
    keys: bool
    cache: RecordCache | None
    extra: dict[str, Any] = field(default_factory=dict)


_SETTINGS: list[WorkerSettings] = []  # this process's settings: at most one


def init_worker(
    base: str, drop: frozenset[str], cache: str | None, lookup: bool = True, extra: dict[str, Any] | None = None
) -> None:
    """Set up this process as a worker: ``cache`` is the cache folder (keys are made for it),
    ``lookup`` whether it may hold anything (a first build's cache is empty: no file is looked up there).

    >>> init_worker("https://example.org/id/", frozenset(), None, extra={"formats": ("nt",)})
    >>> worker_settings().extra["formats"]
    ('nt',)
    >>> reset_worker()
    """
    cached = RecordCache(cache, readonly=True) if cache is not None and lookup else None
    _SETTINGS[:] = [WorkerSettings(base, drop, cache is not None, cached, dict(extra or {}))]


def worker_settings() -> WorkerSettings:
    """The settings :func:`init_worker` gave this process."""
    if not _SETTINGS:
        raise RuntimeError("init_worker() was not called in this process")
    return _SETTINGS[0]


def reset_worker() -> None:
    """Forget this process's worker settings (after work done in the calling process)."""
    _SETTINGS.clear()


#: How a file's payload came back from a worker (flags): from the cache (else parsed now); pickled
#: (records the codec cannot hold, never cached); the cache's database failed to read its entry.
HIT, PICKLED, UNREADABLE = 1, 2, 4

#: What a chunk gives back: per file (cache key or None, its records, how: flags above), and the seconds
#: spent reading, parsing and extracting. A file with a cache key comes back as a payload (as the cache
#: keeps it); one without, as its records themselves, pickled with the whole chunk when they go back from a
#: worker process (once a chunk, and what its files repeat once).
ChunkResult = tuple[list[tuple[bytes | None, FileRecords | bytes, int]], tuple[float, float, float]]


def _payload(records: FileRecords) -> tuple[bytes, int]:
    """Records as a worker sends them back: as the cache stores them, else pickled (never cached)."""
    payload = encode(records)
    if payload is None:
        return pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL), PICKLED
    return payload, 0


def records_of(payload: FileRecords | bytes, how: int, source: Source) -> FileRecords:
    """The records of ``source`` from what :func:`process_chunk` sent for it.

    A cached payload that does not decode, or holds another file's records,
    raises :class:`PayloadError` (the file is then parsed again).
    """
    if isinstance(payload, FileRecords):
        return payload
    if how & PICKLED:
        records: FileRecords = pickle.loads(payload)  # noqa: S301 - made by our own worker just now, never stored
        return records
    records = decode(payload)
    if records.source != source.name:
        raise PayloadError(f"not a records payload of this file (it names {records.source[:80]!r})")
    return records


def process_chunk(chunk: list[Source]) -> ChunkResult:
    """A chunk of files processed in a worker (see :func:`init_worker`), as it goes back to the caller.

    Each file's records come back, as a payload for the cache when it has a cache key, with the stage
    times of the chunk.

    >>> from graph.read.sources import find_sources
    >>> init_worker("https://example.org/id/", frozenset(), None)
    >>> out, times = process_chunk(find_sources(["seeds"]))
    >>> reset_worker()
    >>> sources = find_sources(["seeds"])
    >>> [(key, how) for key, _, how in out], records_of(out[0][1], out[0][2], sources[0]).source
    ([(None, 0), (None, 0)], '000_538a4fffcd099543.txt')
    """
    out, times = chunk_records(chunk)
    for i, (key, got, how) in enumerate(out):
        if key is not None and isinstance(got, FileRecords):
            payload, pickled = _payload(got)
            out[i] = (key, payload, how | pickled)
    return out, times


def chunk_records(chunk: list[Source]) -> ChunkResult:
    """:func:`process_chunk` without making payloads of what was parsed: for work done in the worker itself.

    A file found in the cache comes back as its payload (flag ``HIT``), every other as its records.

    >>> from graph.read.sources import find_sources
    >>> init_worker("https://example.org/id/", frozenset(), None)
    >>> out, times = chunk_records(find_sources(["seeds"]))
    >>> reset_worker()
    >>> [(key, type(got).__name__, how) for key, got, how in out]
    [(None, 'FileRecords', 0), (None, 'FileRecords', 0)]
    """
    settings = worker_settings()
    base, drop, cache, keys = settings.base, settings.drop, settings.cache, settings.keys
    out: list[tuple[bytes | None, FileRecords | bytes, int]] = []
    read_s = parse_s = extract_s = 0.0
    clock = time.process_time  # CPU seconds: what the work costs, whatever else runs
    with paused_gc():
        for source in chunk:
            t0 = clock()
            raw = _read_raw(source)
            t1 = clock()
            read_s += t1 - t0
            if raw is None:
                out.append((None, process_file(source, base, drop), 0))
                parse_s += clock() - t1
                continue
            key = record_key(raw, source.name, base, drop) if keys else None
            how = 0
            if key is not None and cache is not None:
                unreadable = cache.unreadable
                payload = cache.get(key)
                if payload is not None:
                    out.append((key, payload, HIT))
                    read_s += clock() - t1
                    continue
                if cache.unreadable != unreadable:
                    how = UNREADABLE
            # The same as process_file(source, base, drop), on the bytes just read.
            document = parse_document(raw, source.name)
            t2 = clock()
            records = extract(document, base, drop)
            t3 = clock()
            parse_s += t2 - t1
            extract_s += t3 - t2
            out.append((key, records, how))
    return out, (read_s, parse_s, extract_s)


def map_chunks(
    task: Callable[[list[Source]], T],
    chunks: Iterable[list[Source]],
    workers: int,
    init: tuple[Any, ...],
    initializer: Callable[..., None] | None = None,
) -> Iterator[T]:
    """``task`` over ``chunks`` in ``workers`` processes (or here, for 1), results in order.

    At most a few chunks per worker are in flight (:func:`graph.engines.pool.imap`), so results
    never pile up in memory faster than the caller consumes them. ``initializer(*init)`` sets up
    each worker (default: :func:`init_worker` with ``(base, drop, cache)``).
    """
    initializer = initializer or init_worker
    if workers <= 1:
        initializer(*init)
        try:
            yield from map(task, chunks)
        finally:
            reset_worker()
        return
    yield from imap(task, chunks, workers, initializer, init)


def worker_count(workers: int | None, files: int) -> int:
    """How many processes to use for ``files`` files when ``workers`` were asked for.

    >>> worker_count(None, 10), worker_count(4, 10), worker_count(2, 5000)
    (1, 1, 2)
    """
    if workers is None:
        workers = default_workers() if files >= PARALLEL_FROM else 1
    if multiprocessing.current_process().daemon:
        return 1  # a daemonic process (a pool's worker) may not start processes of its own
    return max(1, min(int(workers), (files + CHUNK - 1) // CHUNK or 1))


def process_files(
    sources: list[Source],
    base: str = DEFAULT_BASE,
    drop: frozenset[str] = frozenset(),
    *,
    workers: int | None = None,
    cache: str | os.PathLike[str] | None = None,
    feedback: Feedback | None = None,
) -> Iterator[FileRecords]:
    """The records of every file, in the order of ``sources``, from workers and the cache.

    ``workers``: processes to parse in (``None``: one per core for large
    corpora, else this process; ``1``: this process). ``cache``: a folder for
    the build cache, or ``None`` for none.

    >>> [len(r.articles) for r in process_files(find_sources(["seeds"]), workers=1)]
    [3, 3]
    """
    fb = feedback if feedback is not None else Feedback(level=0)
    n = len(sources)
    store = RecordCache(cache) if cache is not None else None
    cache_arg = str(store.folder) if store is not None and store.usable else None
    init = (base, drop, cache_arg, cache_arg is not None and store is not None and not store.empty())
    # New entries are written by a thread of their own (SQLite lets go of the GIL as it writes),
    # while this one goes on taking the workers' results.
    writer = CacheWriter(store) if store is not None and store.usable else None
    chunks = [sources[i : i + CHUNK] for i in range(0, n, CHUNK)]
    new: list[tuple[bytes, bytes]] = []
    used: list[bytes] = []
    bad = 0
    stage = [0.0, 0.0, 0.0]
    fb.start("reading", n)
    try:
        results = map_chunks(process_chunk, chunks, worker_count(workers, n), init)
        for chunk, (out, times) in zip(chunks, results, strict=True):
            for i in range(3):
                stage[i] += times[i]
            for source, (key, payload, how) in zip(chunk, out, strict=True):
                if how & UNREADABLE:
                    bad += 1
                    if store is not None:
                        store.damaged = True  # its database failed to read: laid out afresh after this build
                try:
                    records = records_of(payload, how, source)
                except PayloadError:  # a cached entry that is not what this code wrote: a miss, said once
                    bad += 1
                    records, entry = parse_again(source, base, drop, key)
                    if entry is not None:
                        used.append(entry[0])
                        new.append(entry)  # replaces the bad one
                    fb.count("files parsed")
                    yield records
                    continue
                if key is not None:
                    used.append(key)
                    if not how & (HIT | PICKLED) and isinstance(payload, bytes):
                        new.append((key, payload))
                fb.count("files from cache" if how & HIT else "files parsed")
                yield records
            fb.advance(len(out))
            if writer is not None and len(new) >= FLUSH:
                writer.put(new)  # a few at a time: new entries never pile up in memory
                new = []
    finally:
        fb.finish()
        for name, seconds in zip(("read", "parse", "extract"), stage, strict=True):
            fb.times[f"{name} (cpu)"] = fb.times.get(f"{name} (cpu)", 0.0) + seconds
        if writer is not None:
            writer.close()
    if store is not None:
        if writer is not None and writer.error is not None:
            store.problems.append(f"cannot be written ({writer.error}); the build goes on without it")
        else:
            update_cache(store, new, used)
        store.close()
        say_cache_problems(fb, store, bad)


def parse_again(
    source: Source, base: str, drop: frozenset[str], key: bytes | None
) -> tuple[FileRecords, tuple[bytes, bytes] | None]:
    """A file whose cached entry was bad, parsed here; the entry to store instead, if the file did not change.

    >>> source = find_sources(["seeds"])[0]
    >>> records, entry = parse_again(source, DEFAULT_BASE, frozenset(), None)
    >>> records == process_file(source), entry
    (True, None)
    """
    raw = _read_raw(source)
    if raw is None or key is None or record_key(raw, source.name, base, drop) != key:
        return process_file(source, base, drop), None
    records = extract(parse_document(raw, source.name), base, drop)
    payload = encode(records)
    return records, None if payload is None else (key, payload)


def say_cache_problems(fb: Feedback, store: RecordCache, bad: int = 0) -> None:
    """Say, in one line on stderr, what went wrong with the cache in this build (nothing when nothing did).

    >>> import io, tempfile
    >>> store = RecordCache(tempfile.mkdtemp())
    >>> store.problems.append("was truncated; emptied")
    >>> fb = Feedback(level=0, stream=io.StringIO())
    >>> say_cache_problems(fb, store, bad=3)
    >>> said = fb.stream.getvalue().replace(str(store.folder), "DIR")
    >>> said.startswith("newsgraph: warning: the build cache DIR was truncated; emptied; 3 entries could not be read")
    True
    """
    said = list(dict.fromkeys(store.problems))
    if bad:
        said.append(f"{bad:,} {'entry' if bad == 1 else 'entries'} could not be read (their files were parsed again)")
        fb.count("cache entries unreadable", bad)
    if said:
        fb.error(f"newsgraph: warning: the build cache {store.folder} " + "; ".join(said))


def update_cache(store: RecordCache, new: list[tuple[bytes, bytes]], used: list[bytes]) -> None:
    """Store the new entries; drop stale ones once they outnumber the live ones (the caller closes the cache)."""
    store.put(new)
    if len(store) > 2 * len(used) + 1000:
        store.prune(used)


def read_corpus(
    paths: Iterable[str | os.PathLike[str]],
    base: str = DEFAULT_BASE,
    *,
    drop: Iterable[str] = (),
    workers: int | None = None,
    cache: str | os.PathLike[str] | None = None,
    feedback: Feedback | None = None,
    follow_symlinks: bool = False,
) -> Corpus:
    """Read every article file under ``paths`` and merge what they say.

    ``drop`` names fields to leave out of every article (say ``secured``).
    ``workers`` is the number of processes that parse (default: one per core
    for large corpora), ``cache`` a folder for the build cache (default: none),
    ``feedback`` a :class:`graph.util.progress.Feedback` for progress, stage times
    and counts. None of them changes the result. ``follow_symlinks`` follows
    symbolic links out of ``paths`` (see :func:`graph.read.sources.find_sources`).

    >>> corpus = read_corpus(["seeds"])
    >>> len(corpus.files), corpus.files_rejected
    (2, 0)
    """
    base = check_base(base)
    fb = feedback if feedback is not None else Feedback(level=0)
    with paused_gc():
        with fb.stage("find"):
            sources = find_sources(paths, follow_symlinks)
        with fb.stage("read+parse"):
            # Records are gathered for the merge as they come, while the workers parse on.
            gathering = Gathering(base)
            for f in process_files(sources, base, frozenset(drop), workers=workers, cache=cache, feedback=fb):
                gathering.add(f)
        with fb.stage("merge"):
            return gathering.corpus()
