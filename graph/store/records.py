"""Records from an on-disk store, a few at a time: what ``graph.open`` answers before reading the whole store.

Reading every record back from a store of 100,000 files takes minutes. The
first questions a notebook asks (the topics, the providers, the articles about
a topic or from a provider) need only a small part of it: that part is found
with SPARQL, and its records are those the build kept beside the store
(:mod:`graph.store.payloads`: the build's records exactly, one read each).
A record without a valid one there (a store written before they were kept, a
damaged file, a bucket a rebuild did not finish) is described statement by
statement and read with the same reader as ``graph.load``
(:class:`graph.formats.load.RecordReader`), as the whole store read back is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from graph.formats.load import Description, RecordReader, ox_term
from graph.model.merge import Corpus
from graph.rdf.mapping import DCTERMS, PREFIXES, RDF, SCHEMA, XSD
from graph.read.identity import DEFAULT_BASE, source_iri
from graph.read.records import Article, Image, Provider, Topic
from graph.store.incremental import store_meta
from graph.store.payloads import KINDS, Kept

__all__ = ["Record", "StoreRecords"]

Record = Article | Provider | Topic | Image
_DEFAULT = ox.DefaultGraph()
_SOURCE = ox.NamedNode(f"{DCTERMS}source")
_SOURCE_TERM = rdflib.URIRef(f"{DCTERMS}source")
_MAIN_ENTITY = ox.NamedNode(f"{SCHEMA}mainEntity")
_HAS_PART = ox.NamedNode(f"{SCHEMA}hasPart")
_TYPE = ox.NamedNode(f"{RDF}type")
_DOCUMENT = ox.NamedNode(f"{SCHEMA}DigitalDocument")
_STRING = f"{XSD}string"
#: Fewer records than this read from their statements are told full or stub one by one, more with one query.
_ONE_BY_ONE = 1000
# The subjects that may be each kind of node (the reader then tells exactly).
_CANDIDATES = {
    "topic": "SELECT DISTINCT ?s WHERE { ?s a skos:Concept }",
    "provider": "SELECT DISTINCT ?s WHERE { ?s a schema:Organization }",
}


def _literal(term: ox.Literal) -> rdflib.Literal:
    """A pyoxigraph literal as rdflib's parsers give it (made each time: most are one of a kind)."""
    datatype = term.datatype.value
    if datatype == _STRING:
        return rdflib.Literal(term.value)
    if datatype == _LANG_STRING:
        return rdflib.Literal(term.value, lang=term.language)
    found = _DATATYPES.get(datatype)
    if found is None:
        found = _DATATYPES[datatype] = rdflib.URIRef(datatype)
    return rdflib.Literal(term.value, datatype=found)


_LANG_STRING = f"{RDF}langString"
_DATATYPES: dict[str, rdflib.URIRef] = {}


class StoreRecords:
    """Typed records read from a store on demand, those of every topic and provider kept once read.

    ``kept``: the file of the records kept beside the store (:data:`graph.store.payloads.NAME` in its folder;
    ``None``: every record is read from its statements).

    >>> import tempfile
    >>> from graph import build
    >>> from graph.store.embedded import write_store
    >>> from graph.store.payloads import NAME
    >>> folder = write_store(build(["seeds"]), tempfile.mkdtemp() + "/s")
    >>> records = StoreRecords(ox.Store.read_only(str(folder)), folder / NAME)
    >>> sorted(t.label for t in records.topics().values())
    ['AI', 'Computer Vision']
    >>> [a.title[:20] for a in records.articles(topics=["https://newsgraph.example/id/topic/computer%20vision"])]
    ['Xpeng Motors fined b', 'Carmaker Xpeng Delet']
    """

    def __init__(self, store: ox.Store, kept: Path | None = None) -> None:
        self.store = store
        self.meta = store_meta(store)
        self.base = self.meta.base or DEFAULT_BASE
        self.kept = Kept(kept, self.meta.digests) if kept is not None else None
        self._terms: dict[Any, Node] = {}
        self._kinds: dict[str, dict[str, Any]] = {}

    def _select(self, text: str) -> list[ox.NamedNode]:
        """The IRIs a one-variable ``SELECT`` gives."""
        solutions = self.store.query(text, prefixes=PREFIXES)
        assert isinstance(solutions, ox.QuerySolutions)
        return [s[0] for s in solutions if isinstance(s[0], ox.NamedNode)]

    def _describe(self, subjects: Iterable[ox.NamedNode]) -> tuple[dict[Node, Description], set[ox.NamedNode]]:
        """The statements of ``subjects`` as the loader reads them, and the source files they name."""
        # The hot loop of graph.open's answers: a few hundred thousand statements, terms made once each.
        terms, quads = self._terms, self.store.quads_for_pattern
        named, literal, source, default = ox.NamedNode, _literal, _SOURCE, _DEFAULT
        out: dict[Node, Description] = {}
        sources: set[ox.NamedNode] = set()
        for subject in subjects:
            desc: dict[Any, list[Node]] = {}
            out[ox_term(subject, terms)] = desc
            for q in quads(subject, None, None, default):
                predicate, obj = q.predicate, q.object
                key = terms.get(predicate) or ox_term(predicate, terms)
                objects = desc.get(key)
                if objects is None:
                    objects = desc[key] = []
                if type(obj) is named:
                    objects.append(terms.get(obj) or ox_term(obj, terms))
                    if predicate == source:
                        sources.add(obj)
                else:
                    objects.append(literal(obj))  # type: ignore[arg-type]
        return out, sources

    def _paths(self, sources: Iterable[ox.NamedNode], out: dict[Node, Description]) -> None:
        """Describe the source files whose path their IRI does not give back exactly (``dcterms:identifier``).

        A source IRI is ``BASE source/`` + the path percent-encoded: the reader decodes it. Only where that
        does not give the same IRI again, or gives U+FFFD (what a lone surrogate became), is the path asked.
        """
        prefix = f"{self.base}source/"
        for source in sources:
            iri = source.value
            path = unquote(iri[len(prefix) :]) if iri.startswith(prefix) else ""
            if not path or "\ufffd" in path or source_iri(path, self.base) != iri:
                desc: Description = {}
                out[ox_term(source, self._terms)] = desc
                for q in self.store.quads_for_pattern(source, None, None, _DEFAULT):
                    desc.setdefault(ox_term(q.predicate, self._terms), []).append(ox_term(q.object, self._terms))  # type: ignore[arg-type]

    def _mains(self, subjects: Sequence[ox.NamedNode], pattern: str | None) -> set[str]:
        """Those of ``subjects`` a source file is about or a JSON API page lists: full articles, not stubs.

        ``pattern``: a SPARQL pattern that binds ``?a`` to ``subjects`` (one query then asks for all).
        """
        if pattern is None:
            quads = self.store.quads_for_pattern
            return {
                s.value
                for s in subjects
                if next(quads(None, _MAIN_ENTITY, s, _DEFAULT), None) is not None
                or any(self._is_document(q.subject) for q in quads(None, _HAS_PART, s, _DEFAULT))  # type: ignore[arg-type]
            }
        about = f"SELECT DISTINCT ?a WHERE {{ {pattern} ?f schema:mainEntity ?a }}"
        listed = f"SELECT DISTINCT ?a WHERE {{ {pattern} ?f schema:hasPart ?a ; a schema:DigitalDocument }}"
        return {s.value for text in (about, listed) for s in self._select(text)}

    def _is_document(self, subject: ox.NamedNode) -> bool:
        """Whether ``subject`` is a source file (a JSON API page lists its articles with ``schema:hasPart``)."""
        return next(self.store.quads_for_pattern(subject, _TYPE, _DOCUMENT, _DEFAULT), None) is not None

    def _records(
        self, subjects: Sequence[ox.NamedNode], kind: str | None, pattern: str | None = None
    ) -> dict[str, Record]:
        """The records of ``subjects`` (those that are nodes of the graph), by IRI: those kept beside the store
        (looked for as ``kind`` first), the others read from their statements (``pattern``: see :meth:`_mains`).
        """
        found = self._kept(kind, [s.value for s in subjects])
        rest = [s for s in subjects if s.value not in found]
        if rest:
            found.update(self._read(rest, pattern if len(rest) >= _ONE_BY_ONE else None))
        return found

    def _kept(self, kind: str | None, iris: list[str]) -> dict[str, Record]:
        """The records of ``iris`` kept beside the store, of any kind: ``kind`` is looked in first (a candidate of
        one kind may be a record of another: an organization's profile is an article)."""
        found: dict[str, Record] = {}
        if self.kept is None:
            return found
        for each in sorted(KINDS, key=lambda k: k != kind):  # ``kind`` first, the others in their order
            rest = [i for i in iris if i not in found]
            if not rest:
                break
            found.update(self.kept.get(each, rest))
        return found

    def _read(self, subjects: Sequence[ox.NamedNode], pattern: str | None = None) -> dict[str, Record]:
        """The records of ``subjects`` read from their statements, by IRI (``pattern``: see :meth:`_mains`)."""
        descriptions, sources = self._describe(subjects)
        self._paths(sources, descriptions)
        reader = RecordReader(descriptions, self.base)
        mains = self._mains(subjects, pattern) if any(self._may_be_article(d) for d in descriptions.values()) else set()
        out = {}
        for subject in subjects:
            term = ox_term(subject, self._terms)
            record = reader.record(term, descriptions[term], subject.value not in mains)
            if record is not None:
                out[subject.value] = record
        return out

    @staticmethod
    def _may_be_article(desc: Description) -> bool:
        return _SOURCE_TERM in desc

    def _of_kind(self, kind: str) -> dict[str, Any]:
        if kind not in self._kinds:
            records = self._records(self._select(_CANDIDATES[kind]), kind)
            self._kinds[kind] = {i: r for i, r in sorted(records.items()) if type(r).__name__.lower() == kind}
        return self._kinds[kind]

    def topics(self) -> dict[str, Topic]:
        """Every topic, by IRI."""
        return self._of_kind("topic")

    def providers(self) -> dict[str, Provider]:
        """Every provider, by IRI."""
        return self._of_kind("provider")

    def articles(self, topics: Iterable[str] | None = None, providers: Iterable[str] | None = None) -> list[Article]:
        """The articles about any of ``topics`` and published by any of ``providers`` (IRIs; ``None``: any), by IRI.

        A superset of what the filters of ``kg.articles`` keep: filter them as it does.
        """
        patterns = []
        if topics is not None:
            patterns.append(f"VALUES ?t {{ {' '.join(f'<{t}>' for t in topics)} }} ?a schema:about ?t .")
        if providers is not None:
            patterns.append(f"VALUES ?p {{ {' '.join(f'<{p}>' for p in providers)} }} ?a schema:publisher ?p .")
        pattern = " ".join(patterns)
        subjects = self._select(f"SELECT DISTINCT ?a WHERE {{ {pattern} ?a dcterms:source ?s }}")
        records = self._records(subjects, "article", pattern)
        return [r for _, r in sorted(records.items()) if isinstance(r, Article)]

    def record(self, iri: str) -> Record | None:
        """The record of the node ``iri`` (``None``: no node of the graph)."""
        for kind in ("topic", "provider"):
            # A table names many of them: they are read all at once (there are few).
            if kind in self._kinds or iri.startswith(f"{self.base}{kind}/"):
                found = self._of_kind(kind).get(iri)
                if found is not None:
                    return found  # type: ignore[no-any-return]
        return self._records([ox.NamedNode(iri)], None).get(iri)

    def with_kept(self, corpus: Corpus) -> Corpus:
        """``corpus`` (the whole store read back) with the records kept beside the store in place of those read
        from their statements: the same records whichever way a question is answered."""
        if self.kept is None:
            return corpus
        kept = self.kept

        def each(kind: str, table: dict[str, Any]) -> dict[str, Any]:
            found = kept.every(kind)
            return {i: found.get(i, r) for i, r in table.items()} if found else table

        articles, providers = each("article", corpus.articles), each("provider", corpus.providers)
        return replace(corpus, articles=articles, providers=providers, topics=each("topic", corpus.topics), memo={})
