"""The build cache: what each file said, keyed by the file's content.

A rebuild reads every file (to know its content) but parses only the files
whose content changed: the records of the others come from the cache. The key
of an entry is a SHA-256 over the file's bytes, its name (records carry it),
the build options that shape records (base IRI, dropped fields) and a
fingerprint of the code that makes records, so a changed parser or extractor
never serves stale records. Entries are :mod:`graph.read.codec` payloads (data
only, checked as they are read) in one SQLite file (``records.sqlite``,
standard library, safe to read from many worker processes at once);
``newsgraph build`` keeps it in ``OUT/.cache/``.

The cache is untrusted input: an output folder may be shared, synced or
unpacked from an archive. Nothing read from it can run code, and nothing wrong
with it stops a build or changes what it writes: a damaged, truncated, foreign
(laid out by another version or program) or unreadable file or entry is a
miss, a folder that cannot be written (read-only, full) is not used, and
:attr:`RecordCache.problems` says what happened, for the build to say once.

>>> import tempfile
>>> from graph.read.codec import decode, encode
>>> from graph.read.records import FileRecords
>>> cache = RecordCache(tempfile.mkdtemp())
>>> key = record_key(b"---\\n...", "a.md", "https://newsgraph.example/id/", frozenset())
>>> cache.put([(key, encode(FileRecords("a.md")))])
>>> decode(cache.get(key)).source, cache.get(b"nope"), cache.problems
('a.md', None, [])
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import queue
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from graph.read.codec import FORMAT

__all__ = ["CACHE_FILE", "CacheWriter", "RecordCache", "fingerprint", "record_key"]

#: The cache's file inside the cache folder.
CACHE_FILE = "records.sqlite"
# A rowid table with the key indexed: rows of a few KiB each, inserted in random key order, cost a
# WITHOUT ROWID table page splits of whole rows (3.5x slower to fill here). ``user_version`` says
# which layout a cache file has; a file of another layout is emptied and laid out afresh.
_SCHEMA = "CREATE TABLE IF NOT EXISTS records (key BLOB PRIMARY KEY, payload BLOB)"
#: The columns of that table as ``PRAGMA table_info`` lists them (name, type, not null, primary key).
_COLUMNS = [("key", "BLOB", 0, 1), ("payload", "BLOB", 0, 0)]
_LAYOUT = 3  # 3: codec payloads (2: pickles, never read again)
_SUFFIXES = ("", "-wal", "-shm", "-journal")


def fingerprint(package: Path | None = None, version: str | None = None) -> bytes:
    r"""A digest of the code that turns a file into records (part of every key).

    It covers every module of ``package`` (default: :mod:`graph.read`, this
    module's own package, which holds everything a file's records depend on),
    the distribution's version and the payload format, so any change to that
    code or a new release makes every cached entry a miss.

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
    h = hashlib.sha256(FORMAT.encode())
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


class RecordCache:
    """The cache in ``folder`` (made when missing); ``readonly`` for worker processes.

    Opening never raises for a bad cache. A folder that cannot be made or
    written leaves the cache off (:attr:`usable` false: every lookup a miss,
    nothing stored); a file that is not a cache this version laid out (damaged,
    truncated, of another layout or program) is replaced by an empty one.
    Either way :attr:`problems` says so, in words for the build to say once.
    """

    def __init__(self, folder: str | os.PathLike[str], readonly: bool = False) -> None:
        self.folder = Path(folder)
        self.path = self.folder / CACHE_FILE
        #: What went wrong with this cache, each said once (empty: nothing).
        self.problems: list[str] = []
        #: Lookups that failed in the database (damaged pages): each a miss.
        self.unreadable = 0
        self.damaged = False  # the database failed under us: laid out afresh when closed
        self._db: sqlite3.Connection | None = None
        if readonly:
            try:  # a worker: never creates anything; the parent has checked the file
                uri = f"file:{quote(str(self.path.absolute()))}?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            except sqlite3.Error:
                self._db = None
            return
        try:
            self._prepare_folder()
        except OSError as exc:
            self._off(f"cannot be written ({_reason(exc)})")
            return
        try:
            self._db = self._open_checked()
        except (sqlite3.Error, OSError) as exc:
            self._off(f"cannot be opened ({_reason(exc)})")

    @property
    def usable(self) -> bool:
        """Whether entries are looked up and stored (false: the build goes on without the cache)."""
        return self._db is not None

    def _off(self, problem: str) -> None:
        self.problems.append(f"{problem}; the build goes on without it")
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None

    def _prepare_folder(self) -> None:
        """Make the folder, check that it can be written (by writing), and tag it."""
        if self.folder.is_symlink():  # planted: entries would be written wherever it points
            raise OSError(f"a symbolic link to {os.readlink(self.folder)[:200]}, not a folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        probe = self.folder / f".probe-{os.getpid()}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"newsgraph")
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():  # backup tools skip folders with this tag (bford.net/cachedir)
            tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# newsgraph build cache\n")
        ignore = self.folder / ".gitignore"
        if not ignore.exists():  # git ignores the cache wherever the output folder is
            ignore.write_text("# newsgraph build cache: never committed\n*\n")

    def _open_checked(self) -> sqlite3.Connection:
        """The database, checked to be one this version laid out; anything else is replaced by an empty one."""
        problem = "was a symbolic link, not a file" if self.path.is_symlink() else _truncated(self.path)
        if problem is None:
            try:
                db = self._connect()
            except sqlite3.DatabaseError as exc:  # not a database at all
                problem = f"was damaged ({_reason(exc)})"
            else:
                try:
                    problem = _foreign(db)
                except sqlite3.DatabaseError as exc:
                    problem = f"was damaged ({_reason(exc)})"
                if problem is None:
                    return db
                db.close()
        self.problems.append(f"{problem}; emptied and laid out afresh")
        self._remove_files()
        db = self._connect()
        _foreign(db)
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # A cache may lose its last entries in a power cut (they are parsed again), never its
            # consistency: WAL with NORMAL syncs at checkpoints, not at every commit.
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _remove_files(self) -> None:
        for suffix in _SUFFIXES:
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def get(self, key: bytes) -> bytes | None:
        """The payload stored under ``key``, if any (a row that cannot be read: ``None``, counted)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT payload FROM records WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self.unreadable += 1
            return None
        if row is None:
            return None
        payload = row[0]
        return payload if isinstance(payload, bytes) else b""  # not a payload: decoding says so

    def put(self, entries: Iterable[tuple[bytes, bytes]]) -> None:
        """Store ``(key, payload)`` entries; a failure (a full disk) turns the cache off, said in :attr:`problems`."""
        if self._db is None:
            return
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO records (key, payload) VALUES (?, ?)", entries)
        except sqlite3.Error as exc:
            self._failed(exc)

    def _failed(self, exc: sqlite3.Error) -> None:
        """A write failed: a full disk or a read-only file turns the cache off; anything else is damage."""
        reason = _reason(exc)
        if not isinstance(exc, sqlite3.OperationalError) or "malformed" in reason:
            self.damaged = True
        self._off(f"cannot be written ({reason})")

    def empty(self) -> bool:
        """Whether the cache holds no entry at all (a cache that is off is empty)."""
        if self._db is None:
            return True
        try:
            return self._db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None
        except sqlite3.Error:
            return True

    def __len__(self) -> int:
        if self._db is None:
            return 0
        try:
            return int(self._db.execute("SELECT COUNT(*) FROM records").fetchone()[0])
        except sqlite3.Error:
            return 0

    def prune(self, used: Iterable[bytes]) -> int:
        """Drop the entries not in ``used`` (files gone or changed); return how many went."""
        if self._db is None:
            return 0
        try:
            with self._db:
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key BLOB PRIMARY KEY) WITHOUT ROWID")
                self._db.execute("DELETE FROM used")
                self._db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in used))
                gone = self._db.execute("DELETE FROM records WHERE key NOT IN (SELECT key FROM used)").rowcount
                self._db.execute("DELETE FROM used")
        except sqlite3.Error as exc:
            self._failed(exc)
            return 0
        return int(gone)

    def close(self) -> None:
        """Close the database; one found damaged while in use is removed (the next build fills a new one)."""
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                self.damaged = True
            self._db = None
        if self.damaged:
            try:
                self._remove_files()
            except OSError:
                pass


def _reason(exc: BaseException) -> str:
    """An error in a few words, on one line."""
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:200]


def _truncated(path: Path) -> str | None:
    """Why the file at ``path`` cannot be a whole SQLite database, from its header and size (``None``: it may be)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None  # SQLite lays out an empty file
    with open(path, "rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        return "was damaged (not a database)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The size in the header holds when the change counter matches "version valid for"; with no WAL file
    # beside it, every page is in the file.
    valid = header[24:28] == header[92:96] and pages > 0
    if valid and not Path(f"{path}-wal").exists() and size < pages * page_size:
        return f"was truncated ({size:,} of {pages * page_size:,} bytes)"
    return None


def _foreign(db: sqlite3.Connection) -> str | None:
    """Lay out an empty file; say why a file laid out otherwise (another version, another program) is not ours."""
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if not tables:
        db.execute(f"PRAGMA user_version={_LAYOUT}")
        db.execute(_SCHEMA)
        db.commit()
        return None
    columns = [tuple(r[1:3]) + (r[3], r[5]) for r in db.execute("PRAGMA table_info(records)")]
    if version != _LAYOUT or tables != ["records"] or columns != _COLUMNS:
        return "was laid out by another version of newsgraph or another program"
    return None


class CacheWriter:
    """Puts entries into a :class:`RecordCache` from a thread of its own.

    SQLite lets go of the GIL while it writes, so the caller goes on while the
    entries are stored; at most a few batches wait. :meth:`close` waits for
    them all. A failure turns the cache off (:meth:`RecordCache.put`); an
    error of the writing thread itself is kept in :attr:`error`.
    """

    def __init__(self, store: RecordCache) -> None:
        self._store = store
        self._batches: queue.Queue[list[tuple[bytes, bytes]] | None] = queue.Queue(maxsize=4)
        #: What the writing thread raised, if anything (the build goes on without the cache).
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="newsgraph-cache-writer", daemon=True)
        self._thread.start()

    def put(self, entries: list[tuple[bytes, bytes]]) -> None:
        """Store ``entries`` (soon); they must not be changed afterwards."""
        self._batches.put(entries)

    def close(self) -> None:
        """Wait until every batch put is stored (or the cache turned off)."""
        self._batches.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (batch := self._batches.get()) is not None:
            if self.error is None:
                try:
                    self._store.put(batch)
                except Exception as exc:  # said by the build, once
                    self.error = exc
