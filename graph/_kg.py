"""Queries: the KnowledgeGraph, one object over the merged records, networkx and RDF."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

import networkx as nx
import rdflib

from ._build import to_networkx
from ._identity import DEFAULT_BASE
from ._merge import Corpus
from ._pipeline import read_corpus
from ._rdf import PREFIXES
from .formats import WRITERS
from .formats import ntriples as _ntriples

__all__ = ["DEFAULT_FORMATS", "KnowledgeGraph", "build"]

#: What ``kg.write`` and ``newsgraph build`` write when no formats are named.
DEFAULT_FORMATS = ("ttl", "html")


class KnowledgeGraph:
    """A news knowledge graph: merged records, with ``nx`` and ``rdf`` views of them.

    >>> kg = build(["seeds"])
    >>> kg
    <KnowledgeGraph: 4 articles, 4 providers, 2 topics, 4 images, 16 edges>
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
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
            "edges": self.nx.number_of_edges(),
            "files read": len(c.files),
            "files rejected": c.files_rejected,
        }

    def write(self, out_dir: str | os.PathLike[str], formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
        """Write ``out_dir/graph.<format>`` for each format; return the paths written.

        >>> import tempfile
        >>> [p.name for p in build(["seeds"]).write(tempfile.mkdtemp())]
        ['graph.ttl', 'graph.html']
        """
        unknown = [f for f in formats if f not in WRITERS]
        if unknown:
            raise ValueError(f"unknown format {unknown[0]!r}; choose from {', '.join(sorted(WRITERS))}")
        out = Path(out_dir)
        written = []
        for name in formats:
            path = out / f"graph.{name}"
            WRITERS[name](self, path)
            written.append(path)
        return written

    def __repr__(self) -> str:
        c = self.counts()
        return (
            f"<KnowledgeGraph: {c['articles']} articles, {c['providers']} providers, "
            f"{c['topics']} topics, {c['images']} images, {c['edges']} edges>"
        )


def build(
    paths: Iterable[str | os.PathLike[str]],
    base: str = DEFAULT_BASE,
    *,
    drop: Iterable[str] = (),
) -> KnowledgeGraph:
    """Build the knowledge graph of every article file under ``paths``.

    ``drop`` names fields to leave out of every article (say ``secured``).

    >>> kg = build(["seeds"])
    >>> sorted(kind for _, kind in kg.nx.nodes(data="kind")).count("topic")
    2
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return KnowledgeGraph(read_corpus(paths, base, drop=drop))
