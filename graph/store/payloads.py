"""The build's records kept beside the store: each article's, provider's and topic's merged record as data.

Reading a record back from the store's statements costs about 20 µs a
statement (pyoxigraph's reads from disk), some 25 statements an article: the
articles of one topic at 100,000 files take 5 s. So the store's folder also
holds the records themselves, the ones the build's corpus holds, exactly:
:data:`NAME`, a small SQLite database, one row per record (its kind, its IRI,
its bucket of subjects and its payload, :func:`graph.read.codec.encode_record`:
data only, its digest checked and its values checked against the record's
types when read, never a pickle). ``graph.open`` finds the nodes with SPARQL
as before and reads their rows (about 10 µs each); a record without a valid
row is read from its statements, so the answers are the same either way.

* **Inside the store's folder**, so it moves with it when a new store is
  switched in (:func:`graph.util.publish.switch_folder`). Oxigraph (RocksDB)
  leaves files of names it does not know alone: ``pyoxigraph.Store(DIR)`` and
  ``oxigraph serve --location DIR`` open the folder as it is, and keep the file
  (checked in the tests). SQLite's rollback journal (the default) leaves no
  other file once a write is done.
* **Valid only with the statements it was written with.** The store's digests
  by bucket of subjects (:mod:`graph.formats.digest`) count the payloads too
  (:func:`payload_rows`), and the file keeps, per bucket, the store's digest
  its rows were written with. A row is used only where that digest is the
  store's digest of its bucket now: a rebuild forgets the store's digests of
  the buckets it rewrites first and writes them last, so a rebuild that stops
  half-way leaves no row that would be used for what it rewrote. A record of
  the same statements in another order (topics reordered in a file) changes
  the payload and so the digest: the rows are rewritten.
* **Checked when opened.** A file of another layout (:data:`graph.read.codec.RECORD_FORMAT`),
  another schema, not a regular file, or that SQLite cannot read is not used
  (a warning says why, once); a damaged row is skipped. Either way the records
  are read from the statements instead.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import warnings
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from graph.formats.digest import Digests, bucket
from graph.model.merge import Corpus
from graph.rdf.mapping import iri
from graph.read.codec import RECORD_FORMAT, PayloadError, decode_record, encode_record
from graph.read.records import Article, Provider, Topic

__all__ = [
    "KINDS",
    "NAME",
    "Kept",
    "digest_text",
    "payload_digests",
    "payload_rows",
    "update_payloads",
    "write_payloads",
]

#: The file inside the store's folder.
NAME = "newsgraph-records.sqlite"
#: The kinds of record kept, by the name of their kind.
KINDS: dict[str, type[Article] | type[Provider] | type[Topic]] = {
    "article": Article,
    "provider": Provider,
    "topic": Topic,
}
_LAYOUT = f"newsgraph-records-1 {RECORD_FORMAT}"
_SCHEMA = (
    "CREATE TABLE layout (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE buckets (bucket INTEGER PRIMARY KEY, digest TEXT NOT NULL)",
    "CREATE TABLE records (kind TEXT NOT NULL, iri TEXT NOT NULL, bucket INTEGER NOT NULL,"
    " payload BLOB NOT NULL, PRIMARY KEY (kind, iri))",
    "CREATE INDEX records_bucket ON records (bucket)",
)
_PAGE_SIZE = 16384  # rows of about 1.2 kB: a third less file and time than SQLite's 4 kB pages
_CHUNK = 500  # IRIs per query (SQLite allows 32,766 parameters since 3.32; older ones 999)

Row = tuple[str, str, int, bytes]


def digest_text(pair: tuple[int, int]) -> str:
    """A bucket's digest as the store's metadata writes it.

    >>> digest_text((1, 255))
    '0000000000000001 00000000000000ff'
    """
    return f"{pair[0]:016x} {pair[1]:016x}"


def payload_rows(
    corpus: Corpus, buckets: Collection[int] | None = None, digests: Digests | None = None
) -> Iterator[Row]:
    """``(kind, iri, bucket, payload)`` of each article, provider and topic of ``corpus`` (of ``buckets``; ``None``:
    of all), in kind then IRI order; ``digests``: each payload's digest is counted there, in its bucket.

    A record whose IRI the store holds percent-encoded, or that MessagePack cannot hold, has no row: it is read
    from its statements.

    >>> from graph import build
    >>> [(kind, b) for kind, _, b, _ in payload_rows(build(["seeds"]).corpus) if kind == "topic"]
    [('topic', 1872), ('topic', 3971)]
    """
    count = digests.count if digests is not None else None
    for kind, table in (("article", corpus.articles), ("provider", corpus.providers), ("topic", corpus.topics)):
        for record in table.values():
            term = iri(record.iri)
            if term[1:-1] != record.iri:
                continue
            b = bucket(term)
            if buckets is not None and b not in buckets:
                continue
            payload = encode_record(record)
            if payload is None:
                continue
            if count is not None:
                count(b, int.from_bytes(payload[:8], "little"))
            yield kind, record.iri, b, payload


def payload_digests(corpus: Corpus) -> Digests:
    """The digests of every payload of ``corpus``, by bucket (to add to the digests of its statements)."""
    digests = Digests()
    for _ in payload_rows(corpus, None, digests):
        pass
    return digests


def write_payloads(path: Path, corpus: Corpus, statements: Digests) -> Digests:
    """Write a new file of every record of ``corpus`` at ``path``; return the store's digests: those of the
    ``statements`` with the payloads counted."""
    digests = Digests()
    digests.update(statements)

    def buckets() -> Iterator[tuple[int, str]]:  # run after the records' rows: once every payload was counted
        for b, pair in digests.of_buckets().items():
            yield b, digest_text(pair)

    _write_anew(path, payload_rows(corpus, None, digests), buckets())
    return digests


def update_payloads(path: Path, corpus: Corpus, digests: dict[int, tuple[int, int]]) -> list[int]:
    """Bring the file at ``path`` up to date for a store whose digests are ``digests``: the rows of every bucket
    written for another digest (or none) are rewritten, in one transaction. Returns those buckets.

    A missing file, or one that cannot be used, is written anew.
    """
    want = {b: digest_text(pair) for b, pair in digests.items()}
    try:
        con = _open(path, write=True)
    except _Unusable:
        con = None
    try:
        if con is not None:
            kept = dict(con.execute("SELECT bucket, digest FROM buckets").fetchall())
            stale = sorted(b for b in want.keys() | kept.keys() if want.get(b) != kept.get(b))
            if stale:
                with con:
                    for i in range(0, len(stale), _CHUNK):
                        chunk = stale[i : i + _CHUNK]
                        marks = ", ".join("?" * len(chunk))
                        con.execute(f"DELETE FROM records WHERE bucket IN ({marks})", chunk)
                        con.execute(f"DELETE FROM buckets WHERE bucket IN ({marks})", chunk)
                    con.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", payload_rows(corpus, set(stale)))
                    con.executemany("INSERT INTO buckets VALUES (?, ?)", ((b, want[b]) for b in stale if b in want))
            return stale
    except sqlite3.Error:  # damaged beyond what opening it checks: written anew
        pass
    finally:
        if con is not None:
            con.close()
    _write_anew(path, payload_rows(corpus), sorted(want.items()))
    return sorted(want)


def _write_anew(path: Path, rows: Iterable[Row], buckets: Iterable[tuple[int, str]]) -> None:
    """A new file at ``path`` of the records' ``rows`` and the ``buckets``' digests (inserted in that order)."""
    path.unlink(missing_ok=True)
    con = _create(path)
    try:
        with con:
            con.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", rows)
            con.executemany("INSERT INTO buckets VALUES (?, ?)", buckets)
    finally:
        con.close()


def _create(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
    with con:
        con.execute("BEGIN")
        for statement in _SCHEMA:
            con.execute(statement)
        con.execute("INSERT INTO layout VALUES ('format', ?)", (_LAYOUT,))
    con.isolation_level = "DEFERRED"
    return con


class _Unusable(Exception):
    """A file that is not one this code wrote (missing, damaged, another layout): the records are not read from
    it."""


def _expected_schema() -> list[tuple[Any, ...]]:
    con = sqlite3.connect(":memory:")
    try:
        for statement in _SCHEMA:
            con.execute(statement)
        return _schema(con)
    finally:
        con.close()


def _schema(con: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def _open(path: Path, write: bool = False) -> sqlite3.Connection:
    """The file at ``path``, checked to be what this code writes (else :class:`_Unusable`)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise _Unusable("") from None  # a store written before the records were kept beside it
    except OSError as exc:
        raise _Unusable(exc.strerror or str(exc)) from None
    if not stat.S_ISREG(mode):
        raise _Unusable("not a regular file")
    try:
        if write:
            con = sqlite3.connect(path)
        else:
            con = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _Unusable(str(exc)) from None
    try:
        con.execute("PRAGMA trusted_schema = OFF")  # no function a planted schema names is run
        if _schema(con) != _expected_schema():
            raise _Unusable("not the tables newsgraph writes")
        layout = con.execute("SELECT value FROM layout WHERE key = 'format'").fetchall()
        if layout != [(_LAYOUT,)]:
            raise _Unusable("written by another version of newsgraph")
    except (sqlite3.Error, _Unusable) as exc:
        con.close()
        raise _Unusable(str(exc)) from None
    return con


class Kept:
    """The records kept beside a store (the file ``path``) that are valid for the store's ``digests`` now.

    Nothing here raises: a file that cannot be used gives no record, a damaged row is skipped (either way a
    warning says why, once). Every record not given is read from the store's statements by the caller.

    >>> import tempfile, pyoxigraph
    >>> from graph import build
    >>> from graph.store.embedded import write_store
    >>> from graph.store.incremental import store_meta
    >>> folder = write_store(build(["seeds"]), tempfile.mkdtemp() + "/store")
    >>> digests = store_meta(pyoxigraph.Store.read_only(str(folder))).digests
    >>> ai = "https://newsgraph.example/id/topic/ai"
    >>> Kept(folder / NAME, digests).get("topic", [ai])[ai].label
    'AI'
    >>> Kept(folder / NAME, {}).get("topic", [ai])  # the store's digests are not those it was written for
    {}
    """

    def __init__(self, path: Path, digests: dict[int, tuple[int, int]]) -> None:
        self.path = path
        self.digests = digests
        self._con: sqlite3.Connection | None = None
        self._valid: set[int] | None = None
        self._failed = False
        self._said = False

    def _connection(self) -> sqlite3.Connection | None:
        if self._con is None and not self._failed:
            try:
                con = _open(self.path)
                kept = con.execute("SELECT bucket, digest FROM buckets").fetchall()
            except _Unusable as exc:
                self._fail(str(exc))
                return None
            except sqlite3.Error as exc:
                con.close()
                self._fail(str(exc))
                return None
            store = {b: digest_text(pair) for b, pair in self.digests.items()}
            self._valid = {b for b, digest in kept if store.get(b) == digest}
            self._con = con
        return self._con

    def _fail(self, reason: str) -> None:
        """Use the file no more; say why (unless it is simply not there)."""
        self._failed = True
        if self._con is not None:
            self._con.close()
            self._con = None
        if reason:
            self._say(f"the records kept beside the store cannot be used ({reason[:200]})")

    def _say(self, what: str) -> None:
        """Warn once a file: later faults are the same fault seen again."""
        if self._said:
            return
        self._said = True
        warnings.warn(
            f"{self.path}: {what}; they are read from the store's statements (slower). "
            "`newsgraph build --store` writes them again.",
            RuntimeWarning,
            stacklevel=5,
        )

    def get(self, kind: str, iris: Iterable[str]) -> dict[str, Any]:
        """The valid records of ``kind`` among ``iris`` (the store's IRIs), by IRI."""
        con = self._connection()
        if con is None or not self._valid:
            return {}
        valid = self._valid
        wanted = [i for i in iris if bucket(f"<{i}>") in valid]
        out: dict[str, Any] = {}
        try:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                rows = con.execute(
                    f"SELECT iri, payload FROM records WHERE kind = ? AND iri IN ({marks})", [kind, *chunk]
                )
                self._decode(kind, rows, out)
        except sqlite3.Error as exc:
            self._fail(str(exc))
        return out

    def every(self, kind: str) -> dict[str, Any]:
        """Every valid record of ``kind``, by IRI."""
        con = self._connection()
        if con is None or not self._valid:
            return {}
        out: dict[str, Any] = {}
        try:
            rows = con.execute("SELECT iri, payload FROM records WHERE kind = ?", (kind,))
            valid = self._valid
            self._decode(kind, ((i, p) for i, p in rows if isinstance(i, str) and bucket(f"<{i}>") in valid), out)
        except sqlite3.Error as exc:
            self._fail(str(exc))
        return out

    def _decode(self, kind: str, rows: Iterable[tuple[Any, Any]], out: dict[str, Any]) -> None:
        cls = KINDS[kind]
        damaged = ""
        for key, payload in rows:
            try:
                record = decode_record(payload, cls)
            except PayloadError as exc:
                damaged = str(exc)
                continue
            if record.iri == key:  # else planted under another IRI: not used
                out[key] = record
        if damaged:  # the other rows are still the build's: only the damaged ones are read from the statements
            self._say(f"a damaged row of the records kept beside the store ({damaged[:200]}) is not used")
