"""The triple store: the graph in pyoxigraph, for SPARQL, in memory or on disk.

SPARQL runs on `pyoxigraph <https://pyoxigraph.readthedocs.io>`_ (Oxigraph, a
Rust triple store): it bulk-loads the N-Triples that :mod:`graph.formats.ntriples`
writes and answers queries in milliseconds at 100,000 articles, where rdflib's
in-memory SPARQL takes seconds to minutes.

An on-disk store (``newsgraph build --store DIR``) is a plain pyoxigraph
``Store(DIR)``: ``oxigraph serve --location DIR`` and ``pyoxigraph.Store(DIR)``
open it as it is. Its default graph is the merged graph, exactly the triples
of ``graph.nt``. What the RDF does not say but a :class:`graph.KnowledgeGraph`
needs is in that RDF (the build's provenance says which article each file
holds); the named graph :data:`META_GRAPH` marks the folder as a newsgraph store
(format version, base IRI, digests that let the next build rewrite only what
changed: :mod:`graph.store.incremental`), and queries do not see it unless they
ask with ``GRAPH``. :func:`read_corpus` turns a store back into the records,
with the same loader as ``graph.load``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from graph.formats import Exportable
from graph.formats import ntriples as _ntriples
from graph.formats.load import corpus_from_graph
from graph.model.merge import Corpus
from graph.rdf.mapping import PREFIXES, XSD
from graph.store.incremental import META, STORE_VERSION, StoreWriter, in_use, meta_lines

__all__ = [
    "MAX_ROWS",
    "META_GRAPH",
    "Row",
    "Rows",
    "StoreError",
    "TooManyRows",
    "check_store_target",
    "counts",
    "memory_store",
    "open_store",
    "query",
    "read_corpus",
    "stats",
    "to_python",
    "write_store",
]

#: The named graph of an on-disk store that holds what the RDF does not say.
META_GRAPH = META
_META = "urn:x-newsgraph:"
_STRING = f"{XSD}string"

_INTEGERS = {
    f"{XSD}{name}"
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


class Row(tuple[Any, ...]):
    """One result row: a tuple of Python values, also readable by variable name.

    >>> rows = Rows(["title", "n"], [("A", 1)])
    >>> row = rows[0]
    >>> row.title, row["n"], row[0], row.asdict()
    ('A', 1, 'A', {'title': 'A', 'n': 1})
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                key = self._fields.index(key)
            except ValueError:
                raise KeyError(key) from None
        return tuple.__getitem__(self, key)

    def __getattr__(self, name: str) -> Any:
        try:
            return tuple.__getitem__(self, self._fields.index(name))
        except ValueError:
            raise AttributeError(name) from None

    def asdict(self) -> dict[str, Any]:
        """The row as ``{variable: value}``."""
        return dict(zip(self._fields, self, strict=True))

    def __repr__(self) -> str:
        return "Row(" + ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self, strict=True)) + ")"


class Rows(list[Row]):
    """The rows of a query result, a list of :class:`Row`, with the variable names in ``columns``.

    >>> Rows(["a", "b"], [(1, None)])
    [Row(a=1, b=None)]
    """

    def __init__(self, columns: Iterable[str], rows: Iterable[Iterable[Any]] = ()) -> None:
        self.columns = tuple(columns)
        row_type = type("Row", (Row,), {"__slots__": (), "_fields": self.columns})
        super().__init__(row_type(r) for r in rows)


def to_python(term: Any) -> Any:
    """An RDF term from pyoxigraph as a plain Python value.

    IRIs become their text, typed literals ``int``, ``float``, ``Decimal``,
    ``bool``, ``datetime`` (aware) or ``date``, other literals their text, blank
    nodes ``"_:id"`` and an unbound variable ``None``.

    >>> to_python(ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")))
    42
    >>> to_python(ox.Literal("2021-12-15T08:27:00Z", datatype=ox.NamedNode(XSD + "dateTime")))
    datetime.datetime(2021, 12, 15, 8, 27, tzinfo=datetime.timezone.utc)
    >>> to_python(ox.NamedNode("https://schema.org/headline")), to_python(None)
    ('https://schema.org/headline', None)
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return _literal_value(term.value, term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return (to_python(term.subject), to_python(term.predicate), to_python(term.object))
    return str(term)


def _literal_value(text: str, datatype: str) -> Any:
    try:
        if datatype in _INTEGERS:
            return int(text)
        if datatype == f"{XSD}boolean":
            return text.strip() in ("true", "1")
        if datatype in (f"{XSD}double", f"{XSD}float"):
            return float(text)
        if datatype == f"{XSD}decimal":
            return Decimal(text)
        if datatype in (f"{XSD}dateTime", f"{XSD}dateTimeStamp"):
            return dt.datetime.fromisoformat(text)
        if datatype == f"{XSD}date":
            return dt.date.fromisoformat(text)
    except (ValueError, InvalidOperation):
        pass
    return text


#: The most rows a query may give (each is held in memory): more is a :class:`TooManyRows`.
MAX_ROWS = 1_000_000


class StoreError(ValueError):
    """A folder that is not a newsgraph store this version can read (missing, damaged, foreign), or a store that
    failed while answering: the message is one line naming the folder or the file and the problem."""


class TooManyRows(ValueError):
    """A query whose result has more rows than may be held in memory (:data:`MAX_ROWS`)."""


def query(store: ox.Store, text: str, max_rows: int | None = MAX_ROWS) -> Rows | bool:
    """Run a SPARQL query with the common prefixes bound; rows of Python values.

    ``SELECT`` gives :class:`Rows`, ``ASK`` a ``bool``, ``CONSTRUCT`` and
    ``DESCRIBE`` rows of ``subject``, ``predicate``, ``object``. A bad query
    raises ``ValueError`` saying where; a result of more than ``max_rows``
    rows (``None``: no limit) :class:`TooManyRows`, before they are all held;
    a store that fails while answering (damaged files) :class:`StoreError`.

    >>> from graph import build
    >>> store = memory_store(build(["seeds"]))
    >>> query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a a schema:NewsArticle }")
    [Row(n=4)]
    >>> query(store, "ASK { ?t skos:prefLabel 'AI' }")
    True
    >>> query(store, "SELECT * WHERE { ?s ?p ?o }", max_rows=10)
    Traceback (most recent call last):
    ...
    graph.store.embedded.TooManyRows: the result has more than 10 rows (the most a query may give): add a LIMIT
    """
    try:
        result = store.query(text, prefixes=PREFIXES)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            return Rows(columns, _capped(([to_python(s[i]) for i in range(len(columns))] for s in result), max_rows))
        triples = ((to_python(t.subject), to_python(t.predicate), to_python(t.object)) for t in result)
        return Rows(("subject", "predicate", "object"), _capped(triples, max_rows))
    except SyntaxError as exc:
        raise ValueError(f"SPARQL syntax error: {exc}") from None
    except (OSError, RuntimeError) as exc:  # the engine's own errors: damaged files, a SERVICE that failed
        raise StoreError(_answer_failed(exc)) from None


def _capped(rows: Iterable[Any], limit: int | None) -> Iterator[Any]:
    """``rows``, raising :class:`TooManyRows` at the first row past ``limit``."""
    if limit is None:
        yield from rows
        return
    for n, row in enumerate(rows):
        if n >= limit:
            raise TooManyRows(f"the result has more than {limit:,} rows (the most a query may give): add a LIMIT")
        yield row


def _one_line(exc: BaseException) -> str:
    """The engine's message, on one line, cut short."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _answer_failed(exc: BaseException) -> str:
    reason = _one_line(exc)
    if "Corruption" in reason or "No such file" in reason or "IO error" in reason:
        return f"the store is damaged ({reason}); build it again with `newsgraph build --store DIR`"
    return f"the store could not answer the query ({reason})"


# What tells each kind of node in the merged graph: every article (a site's collection item too, whatever its
# class) names its source files, every provider has its domain; topics and images by their class.
_KIND_PATTERNS = {
    "articles": "?s dcterms:source ?x",
    "providers": "?s ng:domain ?x",
    "topics": "?s a skos:Concept",
    "images": "?s a schema:ImageObject",
}


def stats(store: ox.Store, top: int = 10) -> dict[str, Any]:
    """``kg.stats()`` computed in the store with SPARQL, without reading the records back.

    >>> from graph import build
    >>> kg = build(["seeds"])
    >>> stats(memory_store(kg)) == kg.stats()
    True
    """

    def ask(text: str) -> Rows:
        result = query(store, text)
        assert isinstance(result, Rows)
        return result

    out: dict[str, Any] = _node_counts(store)
    names = ask(
        """SELECT ?p (SAMPLE(?name) AS ?label) (SAMPLE(?domain) AS ?d) WHERE {
            ?p ng:domain ?domain OPTIONAL { ?p schema:name ?name }
        } GROUP BY ?p"""
    )
    labels = {r.p: r.label or r.d or r.p for r in names}
    counts = ask("SELECT ?p (COUNT(?a) AS ?n) WHERE { ?a schema:publisher ?p } GROUP BY ?p")
    out["top providers"] = _ranked(((r.p, labels[r.p], r.n) for r in counts if r.p in labels), top)
    names = ask("SELECT ?t (SAMPLE(?l) AS ?label) WHERE { ?t a skos:Concept ; skos:prefLabel ?l } GROUP BY ?t")
    labels = {r.t: r.label for r in names}
    counts = ask("SELECT ?t (COUNT(?a) AS ?n) WHERE { ?a schema:about ?t } GROUP BY ?t")
    out["top topics"] = _ranked(((r.t, labels[r.t], r.n) for r in counts if r.t in labels), top)
    span = ask(
        """SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {
            ?a schema:datePublished ?d . FILTER(datatype(?d) = xsd:dateTime)
        }"""
    )[0]
    out["first"], out["last"] = span.first, span.last
    return out


def _node_counts(store: ox.Store) -> dict[str, int]:
    """Nodes of each kind and edges, counted in the store."""

    def count(text: str) -> int:
        result = query(store, text)
        assert isinstance(result, Rows)
        return int(result[0].n)

    out = {kind: count(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {p} }}") for kind, p in _KIND_PATTERNS.items()}
    # Simple patterns only: these predicates are used on articles (logos on providers, images and parents on
    # topics, parts on collection items) and nowhere else but a JSON API page's parts, and a join on rdf:type
    # would cost twenty times as much.
    out["edges"] = sum(
        count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {p} ?o }}")
        for p in (
            "schema:publisher",
            "schema:about",
            "schema:image",
            "dcterms:relation",
            "schema:logo",
            "skos:broader",
            "schema:hasPart",
        )
    )
    out["edges"] -= count("SELECT (COUNT(*) AS ?n) WHERE { ?s a schema:DigitalDocument ; schema:hasPart ?o }")
    return out


def counts(store: ox.Store) -> dict[str, int]:
    """``kg.counts()`` computed in the store with SPARQL, without reading the records back.

    >>> from graph import build
    >>> kg = build(["seeds"])
    >>> counts(memory_store(kg)) == kg.counts()
    True
    """
    out = _node_counts(store)
    used = "?b a prov:Activity ; prov:used ?d ."
    out["files read"] = int(query(store, f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {used} }}")[0].n)  # type: ignore[index]
    # A file the build read that is about nothing, lists nothing and was not skipped gave no record: rejected.
    said = "FILTER NOT EXISTS { ?d schema:mainEntity|schema:hasPart|ng:skipped ?x }"
    out["files rejected"] = int(query(store, f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {used} {said} }}")[0].n)  # type: ignore[index]
    return out


def _ranked(counts: Iterable[tuple[str, str, int]], k: int) -> list[tuple[str, int]]:
    ranked = sorted(counts, key=lambda item: (-item[2], item[1].casefold(), item[0]))
    return [(label, n) for _, label, n in ranked[:k]]


class _ChunkReader(io.RawIOBase):
    """A binary file over text chunks, so pyoxigraph can stream what a generator writes."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks).encode("utf-8")
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def _lines(source: Exportable) -> Iterator[str]:
    """N-Triples of the merged graph, in chunks of many lines."""
    batch: list[str] = []
    for line in _ntriples.generate(source):
        batch.append(line)
        if len(batch) >= 20_000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


def _load(store: ox.Store, source: Exportable) -> None:
    nt = ox.RdfFormat.N_TRIPLES
    store.bulk_load(input=io.BufferedReader(_ChunkReader(_lines(source)), 1 << 20), format=nt)
    store.bulk_load(input="".join(meta_lines(source.corpus.base)), format=nt, to_graph=ox.NamedNode(META_GRAPH))


def memory_store(source: Exportable) -> ox.Store:
    """A new in-memory store holding the merged graph (and the store metadata).

    >>> from graph import build
    >>> query(memory_store(build(["seeds"])), "ASK { ?a schema:headline ?title }")
    True
    """
    store = ox.Store()
    _load(store, source)
    return store


def write_store(source: Exportable, path: str | os.PathLike[str]) -> Path:
    """Write the graph as an on-disk pyoxigraph store in the folder ``path``, or bring the store there up to date.

    A new store replaces the previous one only once complete; a store of this
    newsgraph and base is updated in place, only where the graph changed
    (:class:`graph.store.incremental.StoreWriter`); a folder that holds
    anything else is left alone (``ValueError``).

    >>> import tempfile, pyoxigraph
    >>> from graph import build
    >>> path = write_store(build(["seeds"]), tempfile.mkdtemp() + "/store")
    >>> store = pyoxigraph.Store.read_only(str(path))
    >>> query(store, "SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }")
    [Row(n=4)]
    """
    path = check_store_target(path)  # someone else's folder or a damaged store: never written over
    return StoreWriter(path, source).write()


def open_store(path: str | os.PathLike[str], any_version: bool = False) -> ox.Store:
    """Open an on-disk store that ``newsgraph build --store`` wrote, read-only, after checking it is one.

    ``any_version``: a newsgraph store of another format version is opened too (to be written anew).

    A missing folder, a file, an empty folder, a folder of other files, a
    damaged store (what the engine finds wrong when it opens it and reads the
    store's own metadata) and a triple store without newsgraph's metadata
    (someone else's data: it is never read whole) are each a
    :class:`StoreError` naming the folder and the problem.

    >>> open_store("no/such/store")
    Traceback (most recent call last):
    ...
    graph.store.embedded.StoreError: no/such/store: no such store (write one with `newsgraph build --store DIR`)
    >>> open_store("seeds")
    Traceback (most recent call last):
    ...
    graph.store.embedded.StoreError: seeds: not a triple store (a folder of other files)
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path}: no such store (write one with `newsgraph build --store DIR`)")
    if not path.is_dir():
        raise StoreError(f"{path}: a file, not a store (a store is a folder `newsgraph build --store DIR` writes)")
    try:
        listed = [p.name for p in path.iterdir()]
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not listed:
        raise StoreError(f"{path}: an empty folder, not a store (write one with `newsgraph build --store DIR`)")
    if "CURRENT" not in listed:  # every store the engine writes has it
        raise StoreError(f"{path}: not a triple store (a folder of other files)")
    try:
        store = ox.Store.read_only(str(path))
        version = _store_version(store)
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"{path}: a damaged store ({_one_line(exc)})") from None
    if version is None:
        raise StoreError(
            f"{path}: a triple store without newsgraph's metadata (someone else's data, or damaged); not read"
        )
    if version != STORE_VERSION and not any_version:
        raise StoreError(
            f"{path}: a newsgraph store of format {version[:20]!r}, this version reads {STORE_VERSION!r}: "
            "build it again with `newsgraph build --store DIR`"
        )
    return store


def _store_version(store: ox.Store) -> str | None:
    """The format version in the store's metadata graph (``None``: it has none)."""
    graph = ox.NamedNode(META_GRAPH)
    for quad in store.quads_for_pattern(graph, ox.NamedNode(f"{_META}version"), None, graph):
        value = quad.object
        return value.value if isinstance(value, ox.Literal) else str(value)
    return None


def check_store_target(path: str | os.PathLike[str]) -> Path:
    """Check that a store may be written at ``path`` (before anything else is): return it.

    It must be a folder or not exist yet, hold nothing or a newsgraph store of
    any format version (never someone else's data, nor a damaged store that
    cannot be told from it), and its parent must take new folders (it is written beside, then
    switched in). Anything else is a :class:`StoreError` naming the problem.

    >>> check_store_target("README.md")
    Traceback (most recent call last):
    ...
    graph.store.embedded.StoreError: README.md: a file, not a folder; not replacing it with a store
    >>> check_store_target("seeds")
    Traceback (most recent call last):
    ...
    graph.store.embedded.StoreError: seeds: exists and is not a newsgraph store (...); not replacing it
    """
    path = Path(path)
    if path.exists() or path.is_symlink():
        if not path.is_dir():
            raise StoreError(f"{path}: a file, not a folder; not replacing it with a store")
        if any(path.iterdir()):
            try:
                open_store(path, any_version=True)  # closed again at once: only its check counts
            except StoreError as exc:
                reason = str(exc).removeprefix(f"{path}: ")
                raise StoreError(f"{path}: exists and is not a newsgraph store ({reason}); not replacing it") from None
            busy = in_use(path)  # a server writing into it would lose its writes to a store switched in
            if busy:
                raise StoreError(busy)
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise StoreError(f"{path}: cannot be made ({ancestor} is a file)")
    try:
        probe = tempfile.mkdtemp(prefix=".newsgraph-probe-", dir=ancestor)
        os.rmdir(probe)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be written ({ancestor}: {exc.strerror or exc})") from None
    return path


# -- the store back to records ---------------------------------------------------------------------


def _rdflib_term(term: Any, cache: dict[str, rdflib.URIRef]) -> Any:
    if isinstance(term, ox.NamedNode):
        found = cache.get(term.value)
        if found is None:
            found = cache[term.value] = rdflib.URIRef(term.value)
        return found
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=_rdflib_term(term.datatype, cache))
    return rdflib.BNode(term.value)


class _Triples:
    """The store's default graph as rdflib triples, for the export loader."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        cache: dict[str, rdflib.URIRef] = {}
        for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            yield _rdflib_term(q.subject, cache), _rdflib_term(q.predicate, cache), _rdflib_term(q.object, cache)


def read_corpus(store: ox.Store) -> Corpus:
    """The merged records of the graph in ``store``, read back as ``graph.load`` reads an export.

    >>> from graph import build
    >>> built = build(["seeds"])
    >>> corpus = read_corpus(memory_store(built))
    >>> sorted(corpus.articles) == sorted(built.corpus.articles), corpus.providers == built.corpus.providers
    (True, True)
    """
    try:
        return corpus_from_graph(_Triples(store))
    except (OSError, RuntimeError) as exc:  # the engine's own errors: damaged files
        raise StoreError(_answer_failed(exc)) from None
