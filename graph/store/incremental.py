"""Writing the embedded store fast, and keeping it current from build to build.

The store's default graph is the merged graph, exactly ``graph.nt`` (a store of
one named graph per document would answer ``?a schema:publisher ?p`` once per
document that says it: Oxigraph's union default graph does not merge repeated
triples). Its graph :data:`~graph.store.embedded.META_GRAPH` holds the store's
format version, its base IRI and the digests of the merged graph by bucket of
subjects (:class:`graph.formats.digest.Digests`).

* **A new store** is bulk-loaded from the N-Triples that the build's export
  pass writes beside Turtle (:func:`graph.formats.together.write_together`, one
  pass over the blocks, several processes), in a thread of its own: Oxigraph
  loads while the build writes the page and the report. It replaces the
  previous folder only once complete.
* **A rebuild** compares the new digests with the store's: only the buckets
  that changed are rewritten, in place (the statements of their subjects
  deleted, the new ones loaded). One changed file changes the buckets of the
  few nodes it describes; a deleted file's nodes leave their buckets. The
  digests of the buckets being rewritten are forgotten first, so a rebuild
  that fails half-way leaves them to be rewritten by the next one. When more
  than :data:`REWRITE_SHARE` of the buckets that hold anything changed, the
  store is written anew.
* **The records beside it** (:mod:`graph.store.payloads`): each article's,
  provider's and topic's merged record, in a file inside the store's folder,
  written while the statements load (a new store) or rewritten by bucket after
  the statements (in place). The digests count the payloads too, so a record
  that changed in any way rewrites its bucket.
"""

from __future__ import annotations

import errno
import os
import shutil
import struct
import tempfile
import threading
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # not POSIX (Windows): the engine's own error says that a store is in use
    fcntl = None  # type: ignore[assignment]

import pyoxigraph as ox

from graph.formats import Exportable
from graph.formats.digest import Digests, bucket
from graph.formats.ntriples import lines
from graph.formats.together import write_together
from graph.model.merge import Corpus
from graph.model.network import edge_count
from graph.rdf.mapping import Describer, block_entries, entry_blocks, literal
from graph.store.payloads import NAME, payload_digests, update_payloads, write_payloads
from graph.util.publish import clean_beside, switch_folder

__all__ = [
    "META",
    "REWRITE_SHARE",
    "STORE_VERSION",
    "StoreMeta",
    "StoreWriter",
    "corpus_counts",
    "in_use",
    "meta_lines",
    "store_meta",
]

#: The named graph of the store's own facts (``urn:x-newsgraph:store``) and the namespace of its terms.
META = "urn:x-newsgraph:store"
_NS = "urn:x-newsgraph:"
#: The layout of the store: 2 adds the digests by bucket (a store of version 1 is written anew).
STORE_VERSION = "2"
#: A rebuild that changes more than this share of the buckets writes the store anew (a bulk load).
REWRITE_SHARE = 0.25

_DIGEST = f"<{_NS}digest>"
_COUNT = f"{_NS}count:"
_N_TRIPLES = ox.RdfFormat.N_TRIPLES


@dataclass(frozen=True, slots=True)
class StoreMeta:
    """What a store says of itself: its layout version, base IRI, digests by bucket and the build's counts."""

    version: str | None = None
    base: str | None = None
    digests: dict[int, tuple[int, int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def meta_lines(
    base: str, digests: dict[int, tuple[int, int]] | None = None, counts: dict[str, int] | None = None
) -> Iterator[str]:
    """The N-Triples of the store's own facts: version, base IRI and (for an on-disk store) digests and counts.

    >>> list(meta_lines("https://x.example/", {7: (1, 2)}))[2]
    '<urn:x-newsgraph:store:bucket:7> <urn:x-newsgraph:digest> "0000000000000001 0000000000000002" .\\n'
    """
    node = f"<{META}>"
    yield f'{node} <{_NS}version> "{STORE_VERSION}" .\n'
    yield f"{node} <{_NS}base> {literal(base)} .\n"
    for b, pair in sorted((digests or {}).items()):
        yield _digest_line(b, pair)
    yield from _count_lines(counts or {})


def _digest_line(b: int, pair: tuple[int, int]) -> str:
    return f'<{META}:bucket:{b}> {_DIGEST} "{pair[0]:016x} {pair[1]:016x}" .\n'


def _count_lines(counts: dict[str, int]) -> Iterator[str]:
    for name, n in counts.items():
        yield f"<{META}> <{_COUNT}{name.replace(' ', '-')}> {literal(n)} .\n"


def corpus_counts(corpus: Corpus) -> dict[str, int]:
    """``kg.counts()`` of a corpus, kept in the store so that ``graph.open`` says them at once."""
    return {
        "articles": len(corpus.articles),
        "providers": len(corpus.providers),
        "topics": len(corpus.topics),
        "images": len(corpus.images),
        "edges": edge_count(corpus),
        "files read": len(corpus.files),
        "files rejected": corpus.files_rejected,
    }


def store_meta(store: ox.Store) -> StoreMeta:
    """What a store says of itself (:class:`StoreMeta`; ``None`` or empty where it says nothing)."""
    graph = ox.NamedNode(META)
    version = base = None
    digests: dict[int, tuple[int, int]] = {}
    counts: dict[str, int] = {}
    prefix = f"{META}:bucket:"
    for q in store.quads_for_pattern(None, None, None, graph):
        subject, predicate, value = _text(q.subject), q.predicate.value, _text(q.object)
        if predicate == f"{_NS}version":
            version = value
        elif predicate == f"{_NS}base":
            base = value
        elif predicate == f"{_NS}digest" and subject.startswith(prefix):
            blocks, _, subjects = value.partition(" ")
            digests[int(subject[len(prefix) :])] = (int(blocks, 16), int(subjects, 16))
        elif predicate.startswith(_COUNT):
            counts[predicate[len(_COUNT) :].replace("-", " ")] = int(value)
    return StoreMeta(version, base, digests, counts)


class StoreWriter:
    """Writes, or brings up to date, the store in the folder ``path`` for one build.

    Made before the build's export pass (:attr:`nt` and :attr:`digests` are what
    that pass fills), :meth:`start` after it (the loading runs in a thread),
    :meth:`finish` at the end (it waits, and puts a new store in place).
    ``path`` must be a newsgraph store, an empty folder or nothing (else ``ValueError``).
    """

    def __init__(self, path: str | os.PathLike[str], source: Exportable) -> None:
        self.path = Path(path)
        self.source = source
        self.digests = Digests()
        self.changed: list[int] = []
        #: The buckets whose records beside the store were (re)written by an update in place.
        self.rewritten: list[int] = []
        self._thread: _Worker | None = None
        self._store: ox.Store | None = None
        self._old: dict[int, tuple[int, int]] = {}
        self._current = False  # a store of this layout and base is there: brought up to date in place
        self._scratch: Path | None = None
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"{self.path}: exists and is not a newsgraph store; not replacing it")
        if self.path.is_dir() and any(self.path.iterdir()):
            self._open_existing()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        clean_beside(self.path)  # what killed builds left beside the store
        if not self._current:
            self._scratch = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent))

    def _open_existing(self) -> None:
        """Read what the store there says of itself (read-only: a folder that is no store is never touched)."""
        busy = in_use(self.path)
        if busy:
            raise ValueError(busy)
        try:
            store = ox.Store.read_only(str(self.path))
        except OSError:
            raise ValueError(f"{self.path}: exists and is not a newsgraph store; not replacing it") from None
        try:
            meta = store_meta(store)
        finally:
            del store
        if meta.version is None:
            raise ValueError(f"{self.path}: exists and is not a newsgraph store; not replacing it")
        if meta.version == STORE_VERSION and meta.base == self.source.corpus.base:
            self._old, self._current = meta.digests, True
        # else another layout or base: a new store is written, then put in its place

    def write(self) -> Path:
        """Write or update the store on its own (not beside the exports): the export pass, then :meth:`finish`."""
        try:
            work = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", suffix=".pass", dir=self.path.parent))
            try:
                write_together(self.source, work, [], also_nt=self.nt, digests=self.digests)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            self.start()
            return self.finish()
        except BaseException:
            self.abort()
            raise

    @property
    def nt(self) -> Path | None:
        """Where the export pass should write the merged graph's N-Triples for the store (``None``: not needed)."""
        return None if self._scratch is None else self._scratch / "graph.nt"

    @property
    def incremental(self) -> bool:
        """Whether the store there is brought up to date in place (else a new one is written)."""
        return self._current

    def start(self, nt: Path | None = None) -> None:
        """Start loading (a new store, from ``nt``, default :attr:`nt`) or updating, in a thread of its own."""
        if self._current:
            new = self._with_payloads().of_buckets()
            self.changed = sorted(b for b in new.keys() | self._old.keys() if new.get(b) != self._old.get(b))
            if len(self.changed) <= REWRITE_SHARE * max(len(new), len(self._old)):
                self._store = self._writable() if self.changed else None
                self._run(self._update, new)
                return
            self._rewrite_anew()
        source = nt if nt is not None else self.nt
        assert source is not None and self._scratch is not None
        self._run(self._load, source)

    def _writable(self) -> ox.Store:
        """The store, opened to be updated in place (one that another program took meanwhile: a clear error)."""
        try:
            return ox.Store(str(self.path))
        except OSError:
            busy = in_use(self.path)
            if busy:
                raise OSError(busy) from None
            raise

    def _with_payloads(self) -> Digests:
        """The store's digests: those of the statements (:attr:`digests`) with the records' payloads counted."""
        digests = payload_digests(self.source.corpus)
        digests.update(self.digests)
        return digests

    def _rewrite_anew(self) -> None:
        """Too much changed to rewrite in place: a new store, from N-Triples written now."""
        self._current = False
        self._scratch = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent))
        assert self.nt is not None
        write_together(self.source, self._scratch, [], also_nt=self.nt)

    def _run(self, work: Any, *args: Any) -> None:
        self._thread = _Worker(work, *args)
        self._thread.start()

    def _load(self, nt: Path) -> None:
        assert self._scratch is not None
        corpus = self.source.corpus
        # The records beside the store, in a thread of their own: Oxigraph loads without the GIL meanwhile.
        records = self._scratch / NAME
        beside = _Worker(write_payloads, records, corpus, self.digests)
        beside.start()
        try:
            store = ox.Store(str(self._scratch / "store"))
            # lenient: the file is this build's own N-Triples (checked by rapper and pyoxigraph in the tests):
            # not validating its IRIs again saves about a tenth of the load.
            store.bulk_load(path=str(nt), format=_N_TRIPLES, lenient=True)
        except BaseException:
            beside.join()
            raise
        digests = beside.result()  # the store's digests: the statements' and the payloads'
        meta = "".join(meta_lines(corpus.base, digests.of_buckets(), corpus_counts(corpus)))
        store.bulk_load(input=meta.encode("utf-8"), format=_N_TRIPLES, to_graph=ox.NamedNode(META))
        store.flush()  # a bulk load writes sorted files: no optimize() (it took 5 s of 30 at 100,000 files)
        del store
        os.replace(records, self._scratch / "store" / NAME)

    def _update(self, new: dict[int, tuple[int, int]]) -> None:
        store = self._store
        changed = set(self.changed)
        if store is not None and changed:
            self._rewrite(store, changed, new)
        # 3. The records beside the store of every bucket written for other digests (or none), in one transaction.
        self.rewritten = update_payloads(self.path / NAME, self.source.corpus, new)
        if store is not None and changed:
            self._close(store, changed, new)

    def _rewrite(self, store: ox.Store, changed: set[int], new: dict[int, tuple[int, int]]) -> None:
        """Steps 1 and 2 of an update in place: forget the digests of ``changed``, rewrite their statements."""
        meta = ox.NamedNode(META)
        # 1. Forget the digests of what is rewritten: if this stops half-way, the next build rewrites it.
        stale = [q for b in changed for q in store.quads_for_pattern(_bucket_node(b), None, None, meta)]
        for q in stale:
            store.remove(q)
        store.flush()
        # 2. The statements of every subject of those buckets, old and new, go; the new ones come.
        blocks = _blocks_in(self.source, changed)
        subjects = {subject for subject, _ in blocks}
        moved = {b for b in changed if new.get(b, (0, 0))[1] != self._old.get(b, (0, 0))[1]}
        if moved:  # subjects came or went: which were there is only known to the store
            subjects |= {s for s in _subjects(store) if bucket(s) in moved}
        _delete_subjects(store, subjects)
        text = "".join(lines(subject, pairs) for subject, pairs in blocks)
        if text:
            store.load(input=text.encode("utf-8"), format=_N_TRIPLES)

    def _close(self, store: ox.Store, changed: set[int], new: dict[int, tuple[int, int]]) -> None:
        """Step 4 of an update in place: the new digests and counts, last."""
        meta = ox.NamedNode(META)
        counts = [
            q
            for q in store.quads_for_pattern(ox.NamedNode(META), None, None, meta)
            if q.predicate.value.startswith(_COUNT)
        ]
        for q in counts:
            store.remove(q)
        digests = "".join(_digest_line(b, new[b]) for b in sorted(changed) if b in new)
        digests += "".join(_count_lines(corpus_counts(self.source.corpus)))
        store.load(input=digests.encode("utf-8"), format=_N_TRIPLES, to_graph=meta)
        store.flush()

    def finish(self) -> Path:
        """Wait for the loading or updating; put a new store in place. Returns the store's folder."""
        try:
            if self._thread is not None:
                self._thread.result()
            if not self._current and self._scratch is not None:
                switch_folder(self._scratch / "store", self.path)  # in one step: the old store or the new one
        finally:
            self.abort()
        return self.path

    def abort(self) -> None:
        """Leave things as they were (a build that failed before :meth:`finish`): remove the scratch folder."""
        if self._thread is not None and self._thread.is_alive():
            self._thread.join()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        self._store = None


def in_use(path: Path) -> str | None:
    """Why the store at ``path`` cannot be written now: another program (or this one) holds it open for
    writing, as ``oxigraph serve`` does; ``None`` if nothing holds it (or where this cannot be told).

    Oxigraph's engine (RocksDB) locks the file ``LOCK`` of its folder with a POSIX lock; an open-file-description
    lock of the whole file conflicts with it, even in the process that holds it, and taking it and letting it go
    at once never touches that process's own lock (Linux; elsewhere the engine's own error says it later).

    >>> import tempfile
    >>> from graph import build
    >>> from graph.store.embedded import write_store
    >>> folder = write_store(build(["seeds"]), tempfile.mkdtemp() + "/store")
    >>> in_use(folder) is None
    True
    >>> held = ox.Store(str(folder))
    >>> in_use(folder)  # doctest: +ELLIPSIS
    '.../store: in use, opened for writing by an `oxigraph serve --location` or a `pyoxigraph.Store` ...'
    >>> del held
    """
    op = getattr(fcntl, "F_OFD_SETLK", None)
    if op is None:
        return None
    try:
        fd = os.open(path / "LOCK", os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except OSError:  # no lock file (no store yet), or not ours to open: the engine says it when it opens
        return None
    try:
        # struct flock: l_type, l_whence, l_start, l_len (0: the whole file), l_pid (0 for these locks)
        fcntl.fcntl(fd, op, struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return (
                f"{path}: in use, opened for writing by an `oxigraph serve --location` or a `pyoxigraph.Store` "
                "(of another program or of this one); stop it or let the store go, or build into another folder: "
                "nothing was written"
            )
        return None
    finally:
        os.close(fd)  # the probe's lock goes with it
    return None


class _Worker(threading.Thread):
    """A thread that runs ``work(*args)`` and keeps what it returns or raises for :meth:`result`."""

    def __init__(self, work: Any, *args: Any) -> None:
        super().__init__(name="newsgraph-store", daemon=True)
        self.work, self.args = work, args
        self.value: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.value = self.work(*self.args)
        except BaseException as exc:  # handed to the thread that waits for it
            self.error = exc

    def result(self) -> Any:
        """Wait for the work: what it returned (or raise what it raised)."""
        self.join()
        if self.error is not None:
            # The failed work's locals go (the traceback keeps its lines): a store they held is closed now,
            # its lock released, so a build of the same process can open it again.
            traceback.clear_frames(self.error.__traceback__)
            raise self.error
        return self.value


def _bucket_node(b: int) -> ox.NamedNode:
    return ox.NamedNode(f"{META}:bucket:{b}")


def _blocks_in(source: Exportable, buckets: set[int]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The merged graph's blocks whose subjects fall in ``buckets``."""
    corpus = source.corpus
    describer = Describer(corpus.base)
    entries = [e for e in block_entries(corpus, describer) if bucket(e[0]) in buckets]
    return list(entry_blocks(corpus, entries, 0, len(entries), describer))


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The text of an IRI or a literal."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def _subjects(store: ox.Store) -> Iterator[str]:
    """Every subject of the store's default graph, as an N-Triples term."""
    solutions = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        term = solution[0]
        if isinstance(term, ox.NamedNode):
            yield f"<{term.value}>"


def _delete_subjects(store: ox.Store, subjects: Iterable[str], chunk: int = 500) -> None:
    """Delete every statement of ``subjects`` (N-Triples terms) from the default graph, a few updates at a time."""
    terms = sorted(subjects)
    for i in range(0, len(terms), chunk):
        values = " ".join(terms[i : i + chunk])
        store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
