"""Queries: the KnowledgeGraph, one object over the merged records, networkx and RDF."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Unpack

import networkx as nx
import pyoxigraph
import rdflib

from graph.engines.local import read_corpus
from graph.formats import FORMATS, names
from graph.formats import ntriples as _ntriples
from graph.formats.load import load_corpus
from graph.formats.together import write_together
from graph.model.merge import Corpus
from graph.model.network import edge_count, edge_total, to_networkx
from graph.model.report import RejectedFilesError, Report, make_report
from graph.model.resolve import KINDS, Entry, Resolver, record_entries
from graph.model.select import Selectors
from graph.query.queries import Queries
from graph.query.results import summary_html
from graph.rdf.mapping import PREFIXES
from graph.read.identity import DEFAULT_BASE
from graph.read.records import RAW_TEXT, Article
from graph.store.embedded import counts as _store_counts
from graph.store.embedded import open_store
from graph.store.embedded import read_corpus as _store_corpus
from graph.store.embedded import stats as _store_stats
from graph.store.incremental import StoreWriter
from graph.store.payloads import NAME as KEPT
from graph.store.records import Record, StoreRecords
from graph.util.procs import paused_gc
from graph.util.progress import Feedback
from graph.util.publish import publishing
from graph.view.inline import InlinePage
from graph.view.inline import show as _show_inline

__all__ = ["DEFAULT_FORMATS", "KnowledgeGraph", "build", "counts_text", "load", "open_graph", "write_exports"]

#: What ``kg.write`` and ``newsgraph build`` write when no formats are named.
DEFAULT_FORMATS = ("ttl", "html")


class KnowledgeGraph(Queries):
    """A news knowledge graph: merged records, with ``nx`` and ``rdf`` views of them.

    The query methods (``articles``, ``related``, ``central``, ``sparql``, ...)
    come from :class:`graph.query.queries.Queries`.

    >>> kg = build(["seeds"])
    >>> kg
    <KnowledgeGraph: 4 articles, 4 providers, 2 topics, 4 images, 16 edges>
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    @cached_property
    def report(self) -> Report:
        """What became of every file read (kept, merged, warned, rejected) and why."""
        return make_report(self.corpus)

    @cached_property
    def nx(self) -> nx.MultiDiGraph[str]:
        """The graph as a ``networkx.MultiDiGraph`` keyed by IRI."""
        return to_networkx(self.corpus)

    @cached_property
    def rdf(self) -> rdflib.Graph:
        """The merged graph as an ``rdflib.Graph`` (parsed from the N-Triples)."""
        g = rdflib.Graph()
        for prefix, namespace in PREFIXES.items():
            g.bind(prefix, namespace, replace=True)
        g.parse(data="".join(_ntriples.generate(self)), format="nt")
        return g

    def counts(self) -> dict[str, int]:
        """Nodes per kind, edges, files read and files rejected.

        >>> build(["seeds"]).counts()["articles"]
        4
        """
        c = self.corpus
        return {
            "articles": len(c.articles),
            "providers": len(c.providers),
            "topics": len(c.topics),
            "images": len(c.images),
            "edges": edge_total(self.nx) if "nx" in vars(self) else edge_count(c),
            "files read": len(c.files),
            "files rejected": c.files_rejected,
        }

    def write(
        self,
        out_dir: str | os.PathLike[str],
        formats: str | Sequence[str] = DEFAULT_FORMATS,
        *,
        store: str | os.PathLike[str] | None = None,
    ) -> list[Path]:
        """Write ``out_dir/graph.<format>`` for each format (one name or many); return the paths written.

        The files are published together: until every one is complete, the
        folder holds the files it held before (see the README, "Bad input").
        ``store``: also write the embedded store in that folder (``newsgraph build
        --store``), or bring the store there up to date: from the same pass over
        the graph as the Turtle, loaded while the other formats are written.

        >>> import tempfile
        >>> [p.name for p in build(["seeds"]).write(tempfile.mkdtemp())]
        ['graph.ttl', 'graph.html']
        >>> [p.name for p in build(["seeds"]).write(tempfile.mkdtemp(), formats="nq")]
        ['graph.nq']
        """
        wanted = names(formats)
        out = Path(out_dir)
        with publishing(out) as folder:
            write_exports(self, folder, wanted, store=store)
        return [out / FORMATS[name].filename for name in wanted]

    def show(self, height: int = 640, **selectors: Unpack[Selectors]) -> InlinePage:
        """The interactive page, inline in Jupyter (an ``iframe`` with ``srcdoc``: offline, no file written).

        Takes the selectors of ``newsgraph view`` and :meth:`subgraph`: ``topic=``, ``provider=``, ``since=``,
        ``until=``, ``kind=``, ``text=``, ``around=``, ``depth=``, ``max_nodes=`` (default 5,000); ``height`` is
        in pixels. Outside IPython it returns the page object, which renders itself (``_repr_html_``).

        >>> build(["seeds"]).show(topic="computer vision")._repr_html_()[:15]
        '<iframe srcdoc='
        """
        return _show_inline(self.nx, height=height, **selectors)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph: {counts_text(self.counts())}>"

    def _repr_html_(self) -> str:
        """The summary Jupyter shows: counts, date span, the top five providers and topics."""
        return summary_html(self.stats(top=5))


def write_exports(
    kg: KnowledgeGraph, folder: Path, formats: Sequence[str], store: str | os.PathLike[str] | None = None
) -> list[str]:
    """Write ``folder/graph.<format>`` for each of ``formats`` (checked names) as they are: no publishing step.

    A build writes into the folder :func:`graph.util.publish.publishing` gives, then publishes them all at once.
    ``store``: also write the embedded store in that folder, or bring the store there up to date, from the same
    pass over the graph as the Turtle, loaded while the other formats are written.

    >>> import tempfile
    >>> write_exports(build(["seeds"]), Path(tempfile.mkdtemp()), ["nt", "ttl"])
    ['nt', 'ttl']
    """
    writer = StoreWriter(store, kg) if store is not None else None
    try:
        with paused_gc():  # millions of short-lived tuples, no cycles
            scratch = writer.nt if writer is not None and "nt" not in formats else None
            digests = writer.digests if writer is not None else None
            # Turtle and/or N-Triples (and the store's N-Triples and digests), in one pass
            together = write_together(kg, folder, formats, also_nt=scratch, digests=digests)
            if writer is not None:
                writer.start(folder / "graph.nt" if "nt" in together else None)  # loads while the rest is written
            for name in formats:
                if name not in together:
                    FORMATS[name].write(kg, folder / FORMATS[name].filename)
        if writer is not None:
            writer.finish()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    return list(formats)


def counts_text(counts: Mapping[str, int]) -> str:
    """Nodes per kind and edges, as the summaries say them (from :meth:`KnowledgeGraph.counts` or ``stats()``).

    >>> counts_text({"articles": 229504, "providers": 2000, "topics": 20, "images": 241456, "edges": 901495})
    '229,504 articles, 2,000 providers, 20 topics, 241,456 images, 901,495 edges'
    """
    kinds = ("articles", "providers", "topics", "images", "edges")
    return ", ".join(f"{counts[kind]:,} {kind}" for kind in kinds)


def _cache_folder(cache: object) -> str | os.PathLike[str] | None:
    """``build``'s ``cache``, checked: a folder, or ``None`` (``False`` too, as ``--no-cache``) for none."""
    if cache is None or cache is False:
        return None
    if isinstance(cache, (str, os.PathLike)):
        return cache
    raise TypeError(f"cache: a folder for the build cache (a str or a path), or None for no cache; not {cache!r}")


def build(
    paths: Iterable[str | os.PathLike[str]],
    base: str = DEFAULT_BASE,
    *,
    drop: Iterable[str] = (),
    strict: bool = False,
    raw_text: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    cache: str | os.PathLike[str] | None = None,
    feedback: Feedback | None = None,
    follow_symlinks: bool = False,
) -> KnowledgeGraph:
    """Build the knowledge graph of every article file under ``paths``.

    ``drop`` names fields to leave out of every article (say ``"secured"``, or a list of names).
    Files that cannot be read are left out and said why in ``kg.report``; with
    ``strict=True`` any rejected file raises one :class:`RejectedFilesError`
    listing them all. Text is read as a browser shows it (HTML character
    references decoded, Unicode in NFC); ``raw_text=True`` keeps it exactly as
    written.

    ``engine="dask"`` reads, parses and merges on a Dask cluster (the one at
    ``scheduler``, else a local one; ``pip install "newsgraph[dask]"``), with
    the same result; ``paths`` may then be fsspec URLs too.

    ``workers`` (processes that parse; default one per core for large corpora;
    with ``engine="dask"`` and no ``scheduler``, the local cluster's size),
    ``cache`` (a build-cache folder: unchanged files are not parsed again; ``None`` or ``False``: none) and
    ``feedback`` (progress, stage times, counts) change how fast, never what.
    A symbolic link that points out of ``paths`` is named in ``kg.report``
    (skipped) and not followed, unless ``follow_symlinks=True``.

    >>> kg = build(["seeds"])
    >>> sorted(kind for _, kind in kg.nx.nodes(data="kind")).count("topic")
    2
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if isinstance(drop, str):  # one key, not its letters
        drop = [drop]
    cache = _cache_folder(cache)
    if raw_text:
        drop = (*drop, RAW_TEXT)
    if engine == "dask":
        from graph.engines.dask import read_corpus as read_on_dask  # the optional extra, imported only when asked for

        kg = KnowledgeGraph(
            read_on_dask(
                paths,
                base,
                drop=drop,
                scheduler=scheduler,
                workers=workers,
                feedback=feedback,
                follow_symlinks=follow_symlinks,
            )
        )
    elif engine != "local":
        raise ValueError(f"unknown engine {engine!r}; choose from dask, local")
    else:
        kg = KnowledgeGraph(
            read_corpus(
                paths, base, drop=drop, workers=workers, cache=cache, feedback=feedback, follow_symlinks=follow_symlinks
            )
        )
    if strict and kg.report.rejected:
        raise RejectedFilesError(kg.report)
    return kg


def open_graph(path: str | os.PathLike[str]) -> KnowledgeGraph:
    """``graph.open``: the knowledge graph in the on-disk store ``newsgraph build --store DIR`` wrote.

    SPARQL runs on that store (opened read-only) at once, with no rebuild; the
    records are read back from it (as ``graph.load`` reads an export) the first
    time something needs them.

    >>> import tempfile
    >>> from graph.store.embedded import write_store
    >>> folder = write_store(build(["seeds"]), tempfile.mkdtemp() + "/store")
    >>> kg = open_graph(folder)
    >>> kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?t a skos:Concept }")
    [Row(n=2)]
    >>> kg
    <KnowledgeGraph: 4 articles, 4 providers, 2 topics, 4 images, 16 edges>
    >>> [a.title[:20] for a in kg.articles(topic="computer vision")]
    ['Carmaker Xpeng Delet', 'Xpeng Motors fined b']
    """
    return _StoredKnowledgeGraph(open_store(path), Path(path) / KEPT)


class _StoredKnowledgeGraph(KnowledgeGraph):
    """A KnowledgeGraph over an on-disk store.

    Its records are read from the store on first use; until then the first
    questions (``topics``, ``providers``, ``articles`` about topics or from
    providers, ``counts``, ``stats``) are answered with SPARQL on the store,
    reading only the records they give; the networkx view is made only when a
    graph algorithm asks for it.
    """

    def __init__(self, store: pyoxigraph.Store, kept: Path | None = None) -> None:
        self.store = store
        self._lookup = StoreRecords(store, kept)

    @cached_property
    def corpus(self) -> Corpus:  # type: ignore[override]
        """The merged records, read back from the store (those kept beside it as they are kept)."""
        return self._lookup.with_kept(_store_corpus(self.store))

    def _new(self, corpus: Corpus) -> KnowledgeGraph:
        return KnowledgeGraph(corpus)

    def _read(self) -> bool:
        """Whether the records have been read back (then the answers come from them)."""
        return "corpus" in vars(self)

    def _candidates(self, topics: set[str] | None, providers: set[str] | None) -> Iterable[Article]:
        if self._read() or (topics is None and providers is None):
            return super()._candidates(topics, providers)
        return self._lookup.articles(topics, providers)

    def _every(self, kind: str) -> Iterable[Any]:
        if self._read() or kind not in ("topic", "provider"):
            return super()._every(kind)
        return (self._lookup.topics() if kind == "topic" else self._lookup.providers()).values()

    def _record(self, iri: str) -> Record | None:
        return super()._record(iri) if self._read() else self._lookup.record(iri)

    @cached_property
    def _resolver(self) -> Resolver:
        """Names resolved from the store: topics and providers at once, articles and images from the records."""

        def kind_of(iri: str) -> str | None:
            if self._read():
                return next((k for k, t in zip(KINDS, _tables(self.corpus), strict=True) if iri in t), None)
            if not iri.startswith(("http://", "https://", "urn:")) or any(c in iri for c in ' <>"{}|^`\\'):
                return None  # a label, not an IRI
            record = self._lookup.record(iri)
            return None if record is None else type(record).__name__.lower()

        def entries(kind: str) -> Iterator[Entry]:
            return record_entries(self._every(kind))

        return Resolver(kind_of, entries)

    def counts(self) -> dict[str, int]:
        """As ``KnowledgeGraph.counts``; counted in the store while the records are not read back."""
        if self._read():
            return super().counts()
        kept = self._lookup.meta.counts  # what the build counted, kept in the store
        return {k: kept[k] for k in _COUNTS} if all(k in kept for k in _COUNTS) else _store_counts(self.store)

    def stats(self, top: int = 10) -> dict[str, Any]:
        """As ``KnowledgeGraph.stats``; computed in the store while the records are not read back."""
        if self._read():
            return super().stats(top)
        return _store_stats(self.store, top)


_COUNTS = ("articles", "providers", "topics", "images", "edges", "files read", "files rejected")


def _tables(corpus: Corpus) -> tuple[Mapping[str, Any], ...]:
    return corpus.articles, corpus.providers, corpus.topics, corpus.images


def load(path: str | os.PathLike[str]) -> KnowledgeGraph:
    """``graph.load``: the knowledge graph an export holds (``.ttl .nt .nq .trig .jsonld .graphml``).

    Its ``nx`` has the same nodes, kinds, labels and edges as the graph built
    from the files, and it writes the same RDF again.

    >>> load("exports/graph.ttl")
    <KnowledgeGraph: 4 articles, 4 providers, 2 topics, 4 images, 16 edges>
    """
    return KnowledgeGraph(load_corpus(path))
