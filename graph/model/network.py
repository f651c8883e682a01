"""Building the graph: the merged corpus as a ``networkx.MultiDiGraph``.

Nodes are keyed by IRI, the same IRI the RDF uses. Every node has ``kind``
(``article``, ``provider``, ``topic`` or ``image``) and ``label``; every edge
has ``kind`` (``publisher``, ``about``, ``related``, ``image``, ``broader``: a topic to its parent,
``part``: a collection item to an item it lists) and uses that
kind as its key, so there is at most one edge per (source, target, kind).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.model.merge import Corpus
from graph.read.records import Article, Image, Provider, Topic

__all__ = ["EDGE_KINDS", "NODE_KINDS", "add_keyed_edges", "article_attrs", "edge_count", "edge_total", "to_networkx"]

NODE_KINDS = ("article", "provider", "topic", "image")
EDGE_KINDS = ("publisher", "about", "related", "image", "broader", "part")


def article_attrs(a: Article) -> dict[str, Any]:
    """The node attributes of an article (values networkx writers can store).

    ``urls``: its canonical URL first, then its other URLs in sorted order (as an export gives them back).
    """
    urls = list(a.urls) if len(a.urls) < 3 else [a.urls[0], *sorted(a.urls[1:])]
    attrs: dict[str, Any] = {"kind": "article", "label": a.label, "url": a.url, "urls": urls, "stub": a.stub}
    if a.title is not None:
        attrs["title"] = a.title
    if a.excerpt is not None:
        attrs["excerpt"] = a.excerpt
    if a.date_published is not None:
        d = a.date_published  # as strftime("%Y-%m-%dT%H:%M:%SZ") writes it, several times faster
        attrs["date"] = f"{d.year}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}Z"
    if a.type is not None:
        attrs["type"] = a.type
    if a.schema_type is not None:
        attrs["class"] = a.schema_type
    attrs["sources"] = list(a.sources)
    return attrs


def provider_attrs(p: Provider, images: dict[str, Image] | None = None) -> dict[str, Any]:
    """The node attributes of a provider; an organization profile adds ``description`` and ``logo`` (a URL).

    >>> provider_attrs(Provider("id:p", "a.example", "A", extra=(("description", "Makes A."),)))
    {'kind': 'provider', 'label': 'A', 'domain': 'a.example', 'description': 'Makes A.'}
    """
    attrs: dict[str, Any] = {"kind": "provider", "label": p.label, "domain": p.domain}
    if p.extra:
        description = next((v for k, v in p.extra if k == "description" and isinstance(v, str)), None)
        if description is not None:
            attrs["description"] = description
    if p.images and images is not None:
        logos = [images[m] for m in p.images if m in images]
        if logos:  # the largest logo the provider has
            best = max(logos, key=lambda m: ((m.width or 0) * (m.height or 0), m.href))
            attrs["logo"] = best.href
    return attrs


def topic_attrs(t: Topic) -> dict[str, Any]:
    """The node attributes of a topic (a taxonomy topic adds ``notation`` and ``keywords``, sorted)."""
    attrs: dict[str, Any] = {"kind": "topic", "label": t.label}
    if t.notation is not None:
        attrs["notation"] = t.notation
    if t.alt_labels:
        attrs["keywords"] = sorted(t.alt_labels)
    return attrs


def image_attrs(i: Image) -> dict[str, Any]:
    """The node attributes of an image."""
    url = i.href  # where the image is (a relative URL as written resolved against its site)
    attrs: dict[str, Any] = {"kind": "image", "label": url.rsplit("/", 1)[-1] or url, "url": url}
    if i.width is not None:
        attrs["width"] = i.width
    if i.height is not None:
        attrs["height"] = i.height
    return attrs


def to_networkx(corpus: Corpus) -> nx.MultiDiGraph[str]:
    """The corpus as a MultiDiGraph, nodes and edges added in IRI order.

    >>> from graph import build
    >>> g = to_networkx(build(["seeds"]).corpus)
    >>> g.number_of_nodes(), g.number_of_edges()
    (14, 16)
    """
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    g.add_nodes_from((iri, article_attrs(a)) for iri, a in corpus.articles.items())
    g.add_nodes_from((iri, provider_attrs(p, corpus.images)) for iri, p in corpus.providers.items())
    g.add_nodes_from((iri, topic_attrs(t)) for iri, t in corpus.topics.items())
    g.add_nodes_from((iri, image_attrs(i)) for iri, i in corpus.images.items())
    edges: list[tuple[str, str, str]] = []
    for iri, a in corpus.articles.items():
        if a.provider:
            edges.append((iri, a.provider, "publisher"))
        edges.extend((iri, t, "about") for t in a.topics)
        edges.extend((iri, r, "related") for r in a.related)
        edges.extend((iri, m, "image") for m in a.images)
        edges.extend((iri, m, "part") for m in a.parts)
    for iri, p in corpus.providers.items():
        edges.extend((iri, m, "image") for m in p.images)
    for iri, t in corpus.topics.items():
        if t.broader or t.images:
            edges.extend((iri, b, "broader") for b in t.broader)
            edges.extend((iri, m, "image") for m in t.images)
    add_keyed_edges(g, edges)
    return g


def add_keyed_edges(g: nx.MultiDiGraph[str], edges: list[tuple[str, str, str]]) -> None:
    """``g.add_edges_from((u, v, kind, {"kind": kind}) ...)``, for edges between nodes ``g`` has, faster.

    networkx's own loop costs ~3.5 µs an edge, most of it for what these edges
    never need (a new node, a key to invent, attributes to merge); here they go
    straight into the adjacency, exactly as networkx lays it out (one key
    dictionary shared by the successor and predecessor views, one attribute
    dictionary per edge). An edge to a node ``g`` lacks takes networkx's way.

    >>> g = nx.MultiDiGraph([("a", "b")])
    >>> add_keyed_edges(g, [("a", "b", "about"), ("b", "a", "related")])
    >>> list(g.edges(keys=True, data="kind"))
    [('a', 'b', 0, None), ('a', 'b', 'about', 'about'), ('b', 'a', 'related', 'related')]
    """
    # networkx's own adjacency (its documented data structure; the stubs do not declare it).
    succ: dict[str, dict[str, Any]] = g._succ  # type: ignore[attr-defined]
    pred: dict[str, dict[str, Any]] = g._pred  # type: ignore[attr-defined]
    new_keys, new_attrs = type(g).edge_key_dict_factory, type(g).edge_attr_dict_factory
    for u, v, kind in edges:
        if u not in succ or v not in succ:
            g.add_edge(u, v, key=kind, kind=kind)
            continue
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = new_keys()
        attrs = keys.get(kind)
        if attrs is None:
            attrs = keys[kind] = new_attrs()
        attrs["kind"] = kind
    clear = getattr(nx, "_clear_cache", None)
    if clear is not None:  # networkx >= 3.3 caches backend conversions on the graph
        clear(g)


def edge_total(g: nx.MultiDiGraph[str]) -> int:
    """``g.number_of_edges()``, reading the adjacency once.

    >>> edge_total(nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "c")]))
    3
    """
    if not g.is_multigraph():
        return g.number_of_edges()
    succ: dict[str, dict[str, dict[str, Any]]] = g._succ  # type: ignore[attr-defined]
    return sum(len(keys) for nbrs in succ.values() for keys in nbrs.values())


def edge_count(corpus: Corpus) -> int:
    """The number of edges :func:`to_networkx` would give, without building the graph.

    An edge is one (source, target, kind): the count of distinct ones per node.

    >>> from graph import build
    >>> edge_count(build(["seeds"]).corpus)
    16
    """
    n = 0
    for iri, a in corpus.articles.items():
        n += bool(a.provider) + len(set(a.topics)) + len(set(a.related)) + len(set(a.images)) + len(set(a.parts))
        p = corpus.providers.get(iri)
        if p is not None:  # an article and a provider under one IRI share its image edges
            n += len(set(p.images) - set(a.images))
    for iri, p in corpus.providers.items():
        if iri not in corpus.articles:
            n += len(set(p.images))
    for t in corpus.topics.values():
        n += len(set(t.broader)) + len(set(t.images))
    return n
