"""The build cache: what each file said, keyed by the file's content.

A rebuild reads every file (to know its content) but parses only the files
whose content changed: the records of the others come from the cache. The key
of an entry is a SHA-256 over the file's bytes, its name (records carry it),
the build options that shape records (base IRI, dropped fields) and a
fingerprint of the code that makes records, so a changed parser or extractor
never serves stale records. Entries are pickled :class:`FileRecords` in one
SQLite file (``records.sqlite``, standard library, safe to read from many
worker processes at once); ``newsgraph build`` keeps it in ``OUT/.cache/``.

>>> import tempfile
>>> from graph.read.records import FileRecords
>>> cache = RecordCache(tempfile.mkdtemp())
>>> key = record_key(b"---\\n...", "a.md", "https://newsgraph.example/id/", frozenset())
>>> cache.put([(key, dump(FileRecords("a.md")))])
>>> load(cache.get(key)).source, cache.get(b"nope")
('a.md', None)
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import queue
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from graph.read.records import FileRecords

__all__ = ["CACHE_FILE", "CacheWriter", "RecordCache", "dump", "fingerprint", "load", "record_key"]

#: The cache's file inside the cache folder.
CACHE_FILE = "records.sqlite"
# A rowid table with the key indexed: rows of a few KiB each, inserted in random key order, cost a
# WITHOUT ROWID table page splits of whole rows (3.5x slower to fill here). ``user_version`` says
# which layout a cache file has; a file of another layout is emptied and laid out afresh.
_SCHEMA = "CREATE TABLE IF NOT EXISTS records (key BLOB PRIMARY KEY, payload BLOB)"
_LAYOUT = 2


def fingerprint(package: Path | None = None, version: str | None = None) -> bytes:
    r"""A digest of the code that turns a file into records (part of every key).

    It covers every module of ``package`` (default: :mod:`graph.read`, this
    module's own package, which holds everything a file's records depend on)
    and the distribution's version, so any change to that code or a new
    release makes every cached entry a miss.

    >>> import pathlib, shutil, tempfile
    >>> here = pathlib.Path(__file__).parent
    >>> copy = pathlib.Path(tempfile.mkdtemp()) / "read"
    >>> _ = shutil.copytree(here, copy, ignore=shutil.ignore_patterns("__pycache__"))
    >>> fingerprint(copy) == fingerprint()
    True
    >>> with (copy / "records.py").open("a") as f:
    ...     _ = f.write("# an edit\n")
    >>> fingerprint(copy) == fingerprint()
    False
    """
    package = Path(__file__).parent if package is None else package
    h = hashlib.sha256(str(pickle.HIGHEST_PROTOCOL).encode())
    h.update((version if version is not None else _version()).encode())
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.digest()


def _version() -> str:
    try:
        return importlib.metadata.version("newsgraph")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


_FINGERPRINT = fingerprint()


def record_key(raw: bytes, name: str, base: str, drop: frozenset[str]) -> bytes:
    """The cache key of a file's records: its bytes, its name, the options, the code."""
    h = hashlib.sha256(_FINGERPRINT)
    h.update("\0".join([name, base, *sorted(drop)]).encode("utf-8", "surrogateescape"))
    h.update(b"\0\0")
    h.update(raw)
    return h.digest()


def dump(records: FileRecords) -> bytes:
    """A cache entry's payload."""
    return pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)


def load(payload: bytes) -> FileRecords:
    """The records of a payload made by :func:`dump`."""
    records: FileRecords = pickle.loads(payload)  # noqa: S301 - our own cache, keyed by content
    return records


class RecordCache:
    """The cache in ``folder`` (made when missing); ``readonly`` for worker processes."""

    def __init__(self, folder: str | os.PathLike[str], readonly: bool = False) -> None:
        self.folder = Path(folder)
        self.path = self.folder / CACHE_FILE
        if readonly:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            tag = self.folder / "CACHEDIR.TAG"
            if not tag.exists():  # backup tools skip folders with this tag (bford.net/cachedir)
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# newsgraph build cache\n")
            ignore = self.folder / ".gitignore"
            if not ignore.exists():  # git ignores the cache wherever the output folder is
                ignore.write_text("# newsgraph build cache: never committed\n*\n")
            try:
                self._db = self._open_writable()
            except sqlite3.DatabaseError:  # not a database (a damaged cache): start afresh
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                self._db = self._open_writable()

    def _open_writable(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # A cache may lose its last entries in a power cut (they are parsed again), never its
            # consistency: WAL with NORMAL syncs at checkpoints, not at every commit.
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != _LAYOUT:
                db.execute("DROP TABLE IF EXISTS records")
                db.execute(f"PRAGMA user_version={_LAYOUT}")
            db.execute(_SCHEMA)
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get(self, key: bytes) -> bytes | None:
        """The payload stored under ``key``, if any."""
        try:
            row = self._db.execute("SELECT payload FROM records WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return None if row is None else bytes(row[0])

    def put(self, entries: Iterable[tuple[bytes, bytes]]) -> None:
        """Store ``(key, payload)`` entries."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO records (key, payload) VALUES (?, ?)", entries)

    def empty(self) -> bool:
        """Whether the cache holds no entry at all."""
        return self._db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def prune(self, used: Iterable[bytes]) -> int:
        """Drop the entries not in ``used`` (files gone or changed); return how many went."""
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key BLOB PRIMARY KEY) WITHOUT ROWID")
            self._db.execute("DELETE FROM used")
            self._db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in used))
            gone = self._db.execute("DELETE FROM records WHERE key NOT IN (SELECT key FROM used)").rowcount
            self._db.execute("DELETE FROM used")
        return int(gone)

    def close(self) -> None:
        """Close the database."""
        self._db.close()


class CacheWriter:
    """Puts entries into a :class:`RecordCache` from a thread of its own.

    SQLite lets go of the GIL while it writes, so the caller goes on while the
    entries are stored; at most a few batches wait. :meth:`close` waits for
    them all and raises what writing raised, if anything.
    """

    def __init__(self, store: RecordCache) -> None:
        self._store = store
        self._batches: queue.Queue[list[tuple[bytes, bytes]] | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="newsgraph-cache-writer", daemon=True)
        self._thread.start()

    def put(self, entries: list[tuple[bytes, bytes]]) -> None:
        """Store ``entries`` (soon); they must not be changed afterwards."""
        self._batches.put(entries)

    def close(self) -> None:
        """Wait until every batch put is stored."""
        self._batches.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (batch := self._batches.get()) is not None:
            if self._error is None:
                try:
                    self._store.put(batch)
                except BaseException as exc:  # said by close(), in the caller's thread
                    self._error = exc
