"""Building the graph: the merged corpus as a ``networkx.MultiDiGraph``.

Nodes are keyed by IRI, the same IRI the RDF uses. Every node has ``kind``
(``article``, ``provider``, ``topic`` or ``image``) and ``label``; every edge
has ``kind`` (``publisher``, ``about``, ``related`` or ``image``) and uses that
kind as its key, so there is at most one edge per (source, target, kind).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from ._merge import Corpus
from ._records import Article, Image, Provider, Topic

__all__ = ["EDGE_KINDS", "NODE_KINDS", "article_attrs", "edge_count", "to_networkx"]

NODE_KINDS = ("article", "provider", "topic", "image")
EDGE_KINDS = ("publisher", "about", "related", "image")


def article_attrs(a: Article) -> dict[str, Any]:
    """The node attributes of an article (values networkx writers can store)."""
    attrs: dict[str, Any] = {"kind": "article", "label": a.label, "url": a.url, "urls": list(a.urls), "stub": a.stub}
    if a.title is not None:
        attrs["title"] = a.title
    if a.excerpt is not None:
        attrs["excerpt"] = a.excerpt
    if a.date_published is not None:
        attrs["date"] = a.date_published.strftime("%Y-%m-%dT%H:%M:%SZ")
    if a.type is not None:
        attrs["type"] = a.type
    attrs["sources"] = list(a.sources)
    return attrs


def provider_attrs(p: Provider) -> dict[str, Any]:
    """The node attributes of a provider."""
    return {"kind": "provider", "label": p.label, "domain": p.domain}


def topic_attrs(t: Topic) -> dict[str, Any]:
    """The node attributes of a topic."""
    return {"kind": "topic", "label": t.label}


def image_attrs(i: Image) -> dict[str, Any]:
    """The node attributes of an image."""
    attrs: dict[str, Any] = {"kind": "image", "label": i.url.rsplit("/", 1)[-1] or i.url, "url": i.url}
    if i.width is not None:
        attrs["width"] = i.width
    if i.height is not None:
        attrs["height"] = i.height
    return attrs


def to_networkx(corpus: Corpus) -> nx.MultiDiGraph:
    """The corpus as a MultiDiGraph, nodes and edges added in IRI order.

    >>> from graph import build
    >>> g = to_networkx(build(["seeds"]).corpus)
    >>> g.number_of_nodes(), g.number_of_edges()
    (14, 16)
    """
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    g.add_nodes_from((iri, article_attrs(a)) for iri, a in corpus.articles.items())
    g.add_nodes_from((iri, provider_attrs(p)) for iri, p in corpus.providers.items())
    g.add_nodes_from((iri, topic_attrs(t)) for iri, t in corpus.topics.items())
    g.add_nodes_from((iri, image_attrs(i)) for iri, i in corpus.images.items())
    edges: list[tuple[str, str, str, dict[str, str]]] = []
    for iri, a in corpus.articles.items():
        if a.provider:
            edges.append((iri, a.provider, "publisher", {"kind": "publisher"}))
        edges.extend((iri, t, "about", {"kind": "about"}) for t in a.topics)
        edges.extend((iri, r, "related", {"kind": "related"}) for r in a.related)
        edges.extend((iri, m, "image", {"kind": "image"}) for m in a.images)
    for iri, p in corpus.providers.items():
        edges.extend((iri, m, "image", {"kind": "image"}) for m in p.images)
    g.add_edges_from(edges)
    return g


def edge_count(corpus: Corpus) -> int:
    """The number of edges :func:`to_networkx` would give, without building the graph.

    An edge is one (source, target, kind): the count of distinct ones per node.

    >>> from graph import build
    >>> edge_count(build(["seeds"]).corpus)
    16
    """
    n = 0
    for iri, a in corpus.articles.items():
        n += bool(a.provider) + len(set(a.topics)) + len(set(a.related)) + len(set(a.images))
        p = corpus.providers.get(iri)
        if p is not None:  # an article and a provider under one IRI share its image edges
            n += len(set(p.images) - set(a.images))
    for iri, p in corpus.providers.items():
        if iri not in corpus.articles:
            n += len(set(p.images))
    return n
