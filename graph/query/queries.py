"""Queries: typed lookups, networkx analysis and SPARQL over a knowledge graph.

:class:`Queries` holds the query methods of :class:`graph.KnowledgeGraph`
(which inherits them). They answer with the merged records of ``kg.corpus``
(:class:`~graph.Article`, :class:`~graph.Provider`, :class:`~graph.Topic`,
:class:`~graph.Image`), never copies of networkx attributes, and every answer
comes in a stable order. Selectors (topic, provider, dates, neighbourhood) are
those of ``newsgraph view``: :func:`graph.model.select.select`.

Where a method takes a node (an article, provider, topic or image), it takes
every form :class:`graph.model.resolve.Resolver` does: a record, an IRI, a URL
(an article's in any spelling that canonicalizes to one of its URLs, a
provider's site or domain), or a label (a topic's, a provider's name, an
article's title) in any case, spacing and Unicode normalisation. An unknown
name raises :class:`graph.model.resolve.UnknownNameError` (a ``ValueError``)
with close matches suggested.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from functools import cached_property
from typing import Any

import networkx as nx
import pyoxigraph
import rdflib

from graph.formats import ntriples as _ntriples
from graph.model.merge import Corpus
from graph.model.resolve import Named, Resolver, UnknownNameError
from graph.model.select import DateLike, date_bound, select
from graph.rdf.mapping import PREFIXES
from graph.read.records import Article, Image, Provider, Topic
from graph.store.embedded import Rows, memory_store, query

__all__ = ["KINDS", "Queries", "Record"]

#: Any node of the graph, as its merged record.
Record = Article | Provider | Topic | Image
#: The node kinds, in the order answers list them.
KINDS = ("article", "provider", "topic", "image")
_FREQS = ("day", "week", "month", "year")
_CENTRALITIES = ("pagerank", "degree", "betweenness")


class Queries:
    """The query methods of :class:`graph.KnowledgeGraph`; see each method."""

    corpus: Corpus
    nx: nx.MultiDiGraph
    #: What a subgraph left out (``max_nodes``) or found nothing for; ``None`` otherwise.
    note: str | None = None

    def _new(self, corpus: Corpus) -> Any:
        """A knowledge graph of the same kind over ``corpus``."""
        return type(self)(corpus)  # type: ignore[call-arg]

    # -- records by IRI --------------------------------------------------------------------------
    def _record(self, iri: str) -> Record | None:
        c = self.corpus
        return c.articles.get(iri) or c.providers.get(iri) or c.topics.get(iri) or c.images.get(iri)

    @cached_property
    def _resolver(self) -> Resolver:
        """The one resolver of names (records, IRIs, URLs, labels) over this graph's records."""
        c = self.corpus
        return Resolver.of_records(c.articles, c.providers, c.topics, c.images)

    def _iri(self, x: Named, kind: str | None = None) -> str:
        """The IRI of a node named as :class:`graph.model.resolve.Resolver` takes it; ``UnknownNameError`` if none."""
        return self._resolver.resolve(x, kind)

    def _records(self, iris: Iterable[str]) -> list[Any]:
        return [r for r in (self._record(i) for i in iris) if r is not None]

    # -- typed lookups ---------------------------------------------------------------------------
    def articles(
        self,
        topic: str | None = None,
        provider: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        type: str | None = None,
    ) -> list[Article]:
        """Articles, newest first (undated ones last), filtered as ``newsgraph view`` filters.

        ``topic`` is a label in any case (or an IRI), ``provider`` a domain or a
        name, ``since``/``until`` a ``date``, ``datetime`` or ISO text (both ends
        included; a bare date covers its day), ``type`` the feed's type
        (``article``, ``video``). An unknown topic or provider is a ``ValueError``.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> [a.title[:30] for a in kg.articles(topic="computer vision")]
        ['Carmaker Xpeng Deletes 430,000', 'Xpeng Motors fined by Chinese ']
        >>> [a.provider for a in kg.articles(provider="TechNode", until="2021-12-15")]
        ['https://newsgraph.example/id/provider/technode.com']
        >>> len(kg.articles()), len(kg.articles(since="2021-12-14", type="video"))
        (4, 0)
        """
        # The rules of graph.model.select.select, on the records (no scan of every node per call).
        found = list(self.corpus.articles.values())
        if topic is not None:
            topic_iris = set(self._resolver.resolve_all(topic, "topic", "topic"))
            found = [a for a in found if not topic_iris.isdisjoint(a.topics)]
        if provider is not None:
            provider_iris = set(self._resolver.resolve_all(provider, "provider", "provider"))
            found = [a for a in found if a.provider in provider_iris]
        lo, hi = _moment(date_bound(since, "since", start=True)), _moment(date_bound(until, "until", start=False))
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"since ({since}) is after until ({until})")
        if lo is not None or hi is not None:
            found = [a for a in found if _within(a.date_published, lo, hi)]
        if type is not None:
            wanted = type.strip().casefold()
            found = [a for a in found if (a.type or "").casefold() == wanted]
        return _newest_first(found)

    def article(self, url_or_iri: Named) -> Article | None:
        """The article named by its record, IRI, URL in any spelling or title (any case); ``None`` when absent.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> kg.article("HTTPS://www.CaixinGlobal.com/2021-12-15/carmaker-xpeng-deletes-430000-photos-for-misuse-of-facial-recognition-101818294.html?utm_source=x").title
        'Carmaker Xpeng Deletes 430,000 Photos for Misuse of Facial Recognition'
        >>> kg.article("https://example.com/nothing") is None
        True
        """
        try:
            return self.corpus.articles[self._iri(url_or_iri, "article")]
        except UnknownNameError:
            return None

    def providers(self) -> list[Provider]:
        """Every provider, by label (case-insensitive).

        >>> from graph import build
        >>> [p.label for p in build(["seeds"]).providers()]
        ['Caixin Global', 'TechNode', 'techwireasia.com', 'The Times']
        """
        return sorted(self.corpus.providers.values(), key=lambda p: (p.label.casefold(), p.iri))

    def topics(self) -> list[Topic]:
        """Every topic, by label (case-insensitive).

        >>> from graph import build
        >>> [t.label for t in build(["seeds"]).topics()]
        ['AI', 'Computer Vision']
        """
        return sorted(self.corpus.topics.values(), key=lambda t: (t.label.casefold(), t.iri))

    def related(self, article: Named, depth: int = 1) -> list[Article]:
        """Articles within ``depth`` related-links of ``article`` (either direction), nearest then newest first.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> [a.title[:25] for a in kg.related("https://technode.com/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/")]
        ['Carmaker Xpeng Deletes 43', 'US to shut all doors for ', 'Chinese man used facial r']
        >>> len(kg.related(kg.articles()[0], depth=2))
        3
        """
        if depth < 0:
            raise ValueError(f"depth must be 0 or more, not {depth}")
        start = self._iri(article, "article")
        g = self.nx
        seen = {start}
        frontier = [start]
        rings: list[list[Article]] = []
        for _ in range(depth):
            ring = []
            for n in frontier:
                for m in (*g.successors(n), *g.predecessors(n)):
                    if m not in seen and (g.has_edge(n, m, "related") or g.has_edge(m, n, "related")):
                        seen.add(m)
                        ring.append(m)
            if not ring:
                break
            rings.append(_newest_first(self.corpus.articles[m] for m in ring))
            frontier = ring
        return [a for ring in rings for a in ring]

    def images(self, node: Named) -> list[Image]:
        """The images of an article, or the logos of a provider.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> [m.width for m in kg.images("https://technode.com/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/")]
        [1920]
        """
        record = self._record(self._iri(node))
        if isinstance(record, (Article, Provider)):
            return self._records(record.images)
        return []

    # -- analysis over networkx ------------------------------------------------------------------
    def neighbors(self, node: Named, kind: str | None = None) -> list[Record]:
        """The nodes linked to ``node`` by an edge either way, optionally of one ``kind``.

        Listed by kind (article, provider, topic, image), then label.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> [t.label for t in kg.neighbors("technode.com")]
        ['Xpeng Motors fined by Chinese watchdog for facial recognition breach']
        >>> [n.label for n in kg.neighbors("Computer Vision", kind="article")]
        ['Carmaker Xpeng Deletes 430,000 Photos for Misuse of Facial Recognition', 'Xpeng Motors fined by ...']
        """
        _check_kind(kind)
        iri = self._iri(node)
        g = self.nx
        found = dict.fromkeys((*g.successors(iri), *g.predecessors(iri)))
        found.pop(iri, None)
        records = [r for r in self._records(found) if kind is None or _kind(r) == kind]
        return sorted(records, key=_by_kind_label)

    def path(self, a: Named, b: Named) -> list[Record] | None:
        """A shortest path from ``a`` to ``b`` (edges taken either way), as records; ``None`` if none.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> [r.label for r in kg.path("The Times", "caixinglobal.com")]
        ['The Times', 'Chinese man used facial recognition to steal £18,000 from sleeping ex-girlfriend',
         'Carmaker Xpeng Deletes 430,000 Photos for Misuse of Facial Recognition', 'Caixin Global']
        """
        source, target = self._iri(a), self._iri(b)
        try:
            iris = nx.shortest_path(self.nx.to_undirected(as_view=True), source, target)
        except nx.NetworkXNoPath:
            return None
        return self._records(iris)

    def central(self, kind: str | None = "article", k: int = 10, by: str = "pagerank") -> list[tuple[Record, float]]:
        """The ``k`` most central nodes of ``kind`` (``None``: any) with their scores, highest first.

        ``by`` is ``pagerank`` (over the directed edges: an article cited as
        related, a topic many articles are about), ``degree`` (edges either way)
        or ``betweenness`` (on the undirected graph, sampled from 500 nodes on
        large graphs, with a fixed seed).

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> [(t.label, round(score, 3)) for t, score in kg.central("topic", by="degree")]
        [('AI', 2.0), ('Computer Vision', 2.0)]
        >>> kg.central(k=1)[0][0].title
        'Chinese man used facial recognition to steal £18,000 from sleeping ex-girlfriend'
        """
        _check_kind(kind)
        g = self.nx
        if by == "pagerank":
            scores = _pagerank(g)
        elif by == "degree":
            scores = {n: float(d) for n, d in g.degree()}
        elif by == "betweenness":
            simple = _simple(g)
            sample = min(500, len(simple)) if len(simple) > 500 else None
            scores = nx.betweenness_centrality(simple, k=sample, seed=0)
        else:
            raise ValueError(f"unknown centrality {by!r}; choose from {', '.join(_CENTRALITIES)}")
        ranked = sorted(
            (n for n, d in g.nodes(data="kind") if kind is None or d == kind), key=lambda n: (-scores[n], n)
        )
        return [(r, scores[r.iri]) for r in self._records(ranked[:k])]

    def communities(self, kind: str | None = None) -> list[list[Record]]:
        """Groups of densely linked nodes (Louvain, fixed seed), largest first; members of ``kind`` only if given.

        >>> from graph import build
        >>> groups = build(["seeds"]).communities(kind="topic")
        >>> sorted(t.label for group in groups for t in group)
        ['AI', 'Computer Vision']
        """
        _check_kind(kind)
        found = nx.community.louvain_communities(_simple(self.nx), seed=0)
        groups = []
        for members in found:
            records = [r for r in self._records(members) if kind is None or _kind(r) == kind]
            if records:
                groups.append(sorted(records, key=_by_kind_label))
        return sorted(groups, key=lambda group: (-len(group), group[0].iri))

    def co_topics(self) -> list[tuple[Topic, Topic, int]]:
        """Pairs of topics with the number of articles about both, most shared first.

        >>> from graph import build
        >>> [(a.label, b.label, n) for a, b, n in build(["seeds"]).co_topics()]
        [('AI', 'Computer Vision', 2)]
        """
        pairs: Counter[tuple[str, str]] = Counter()
        for a in self.corpus.articles.values():
            topics = sorted(set(a.topics))
            for i, t in enumerate(topics):
                for u in topics[i + 1 :]:
                    pairs[(t, u)] += 1
        topics = self.corpus.topics
        out = []
        for (t, u), n in pairs.items():
            first, second = sorted((topics[t], topics[u]), key=lambda x: (x.label.casefold(), x.iri))
            out.append((first, second, n))
        return sorted(out, key=lambda x: (-x[2], x[0].label.casefold(), x[1].label.casefold()))

    def timeline(self, freq: str = "month") -> dict[dt.date, int]:
        """Articles per period (``day``, ``week`` from Monday, ``month`` or ``year``), in order, empty periods 0.

        Periods are keyed by their first day (UTC); undated articles are not counted.

        >>> from graph import build
        >>> build(["seeds"]).timeline("day")
        {datetime.date(2021, 12, 13): 1, datetime.date(2021, 12, 14): 1, datetime.date(2021, 12, 15): 2}
        """
        if freq not in _FREQS:
            raise ValueError(f"unknown period {freq!r}; choose from {', '.join(_FREQS)}")
        counts = Counter(
            _period(a.date_published.date(), freq)
            for a in self.corpus.articles.values()
            if a.date_published is not None
        )
        if not counts:
            return {}
        out = {}
        day, last = min(counts), max(counts)
        while day <= last:
            out[day] = counts.get(day, 0)
            day = _next_period(day, freq)
        return out

    def subgraph(
        self,
        *,
        topic: Named | Iterable[Named] | None = None,
        provider: Named | Iterable[Named] | None = None,
        since: DateLike = None,
        until: DateLike = None,
        kind: str | None = None,
        text: str | None = None,
        around: Named | None = None,
        depth: int = 1,
        max_nodes: int | None = None,
    ) -> Any:
        """The part of the graph ``newsgraph view`` would show for these selectors, as a KnowledgeGraph.

        Its records are those of the selected nodes, with links to nodes left
        out removed; its ``note`` says what ``max_nodes`` left out.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> kg.subgraph(topic="AI")
        <KnowledgeGraph: 2 articles, 2 providers, 2 topics, 2 images, 9 edges>
        >>> kg.subgraph(max_nodes=5).note
        'showing the 5 most connected of 14 nodes; left out 9 (...)'
        """
        chosen = select(
            self.nx,
            topic=topic,
            provider=provider,
            since=since,
            until=until,
            kind=kind,
            text=text,
            around=around,
            depth=depth,
            max_nodes=max_nodes,
            resolver=self._resolver,
        )
        sub = self._new(_restrict(self.corpus, set(chosen.nodes)))
        sub.note = chosen.note
        return sub

    # -- conversions and figures -----------------------------------------------------------------
    def to_networkx(self) -> nx.MultiDiGraph:
        """A new ``networkx.MultiDiGraph`` of the graph (a copy of ``kg.nx``, yours to change).

        >>> from graph import build
        >>> build(["seeds"]).to_networkx().number_of_edges()
        16
        """
        return self.nx.copy()

    def to_rdflib(self) -> rdflib.Graph:
        """A new ``rdflib.Graph`` of the merged graph, with the common prefixes bound.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> g = kg.to_rdflib()
        >>> len(g) == len(kg.rdf) and g is not kg.rdf
        True
        """
        g = rdflib.Graph()
        for prefix, namespace in PREFIXES.items():
            g.bind(prefix, namespace, replace=True)
        g.parse(data="".join(_ntriples.generate(self)), format="nt")  # type: ignore[arg-type]
        return g

    def stats(self, top: int = 10) -> dict[str, Any]:
        """Nodes per kind, edges, the ``top`` providers and topics by articles, and the date span.

        >>> from graph import build
        >>> s = build(["seeds"]).stats(top=2)
        >>> s["articles"], s["edges"], s["top topics"], s["first"].date(), s["last"].date()
        (4, 16, [('AI', 2), ('Computer Vision', 2)], datetime.date(2021, 12, 13), datetime.date(2021, 12, 15))
        """
        c = self.corpus
        articles = c.articles.values()
        edges = sum(bool(a.provider) + len(a.topics) + len(a.related) + len(a.images) for a in articles)
        edges += sum(len(p.images) for p in c.providers.values())
        by_provider = Counter(a.provider for a in articles if a.provider in c.providers)
        by_topic = Counter(t for a in articles for t in a.topics if t in c.topics)
        dates = [a.date_published for a in articles if a.date_published is not None]
        return {
            "articles": len(c.articles),
            "providers": len(c.providers),
            "topics": len(c.topics),
            "images": len(c.images),
            "edges": edges,
            "top providers": _top(by_provider, {i: p.label for i, p in c.providers.items()}, top),
            "top topics": _top(by_topic, {i: t.label for i, t in c.topics.items()}, top),
            "first": min(dates) if dates else None,
            "last": max(dates) if dates else None,
        }

    # -- SPARQL ----------------------------------------------------------------------------------
    @cached_property
    def store(self) -> pyoxigraph.Store:
        """The graph in a pyoxigraph ``Store`` (in memory, made on first use; on disk for ``graph.open``).

        >>> from graph import build
        >>> build(["seeds"]).store
        <pyoxigraph.Store object at ...>
        """
        return memory_store(self)  # type: ignore[arg-type]

    def sparql(self, text: str) -> Rows | bool:
        """Run a SPARQL query; ``SELECT`` gives rows of Python values, ``ASK`` a bool.

        The prefixes ``schema``, ``skos``, ``rdf``, ``rdfs``, ``xsd``,
        ``dcterms``, ``prov`` and ``ng`` (the project vocabulary) are bound.
        IRIs come back as text, typed literals as ``int``, ``float``, ``bool``,
        ``datetime``; ``CONSTRUCT`` gives rows of ``subject``, ``predicate``,
        ``object``. A malformed query is a ``ValueError``.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> rows = kg.sparql('''
        ...     SELECT ?name (COUNT(?a) AS ?n) WHERE {
        ...         ?a schema:publisher/schema:name ?name ; schema:about/skos:prefLabel "AI" .
        ...     } GROUP BY ?name ORDER BY ?name''')
        >>> rows
        [Row(name='Caixin Global', n=1), Row(name='TechNode', n=1)]
        >>> rows.columns, rows[0].name, rows[0]["n"]
        (('name', 'n'), 'Caixin Global', 1)
        """
        return query(self.store, text)


def _moment(bound: str | None) -> dt.datetime | None:
    """A bound as ``select`` writes it (``YYYY-MM-DDTHH:MM:SSZ``) as an aware datetime."""
    return None if bound is None else dt.datetime.strptime(bound, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _within(when: dt.datetime | None, lo: dt.datetime | None, hi: dt.datetime | None) -> bool:
    if when is None:
        return False
    when = when.replace(microsecond=0)  # select compares whole seconds
    return (lo is None or when >= lo) and (hi is None or when <= hi)


def _kind(record: Record) -> str:
    return type(record).__name__.lower()


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")


def _by_kind_label(record: Record) -> tuple[int, str, str]:
    label = record.url if isinstance(record, Image) else record.label
    return (KINDS.index(_kind(record)), label.casefold(), record.iri)


def _newest_first(articles: Iterable[Article]) -> list[Article]:
    ordered = sorted(articles, key=lambda a: a.iri)
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(ordered, key=lambda a: (a.date_published is not None, a.date_published or epoch), reverse=True)


def _top(counts: Counter[str], labels: dict[str, str], k: int) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], labels[item[0]].casefold(), item[0]))
    return [(labels[iri], n) for iri, n in ranked[:k]]


def _simple(g: nx.MultiDiGraph) -> nx.Graph:
    """``g`` as a simple undirected graph, nodes and edges in ``g``'s order."""
    simple = nx.Graph()
    simple.add_nodes_from(g)
    simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
    return simple


def _pagerank(g: nx.MultiDiGraph, alpha: float = 0.85, tol: float = 1.0e-6, max_iter: int = 100) -> dict[str, float]:
    """PageRank over the distinct directed links of ``g`` (networkx's needs scipy; this is plain Python)."""
    nodes = list(g)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    out = [[index[v] for v in dict.fromkeys(g.successors(node))] for node in nodes]
    rank = [1.0 / n] * n
    for _ in range(max_iter):
        new = [0.0] * n
        dangling = 0.0
        for i, targets in enumerate(out):
            if targets:
                share = alpha * rank[i] / len(targets)
                for j in targets:
                    new[j] += share
            else:
                dangling += rank[i]
        spread = (1.0 - alpha + alpha * dangling) / n
        new = [x + spread for x in new]
        err = sum(abs(x - y) for x, y in zip(new, rank, strict=True))
        rank = new
        if err < n * tol:
            break
    return dict(zip(nodes, rank, strict=True))


def _period(day: dt.date, freq: str) -> dt.date:
    if freq == "week":
        return day - dt.timedelta(days=day.weekday())
    if freq == "month":
        return day.replace(day=1)
    if freq == "year":
        return day.replace(month=1, day=1)
    return day


def _next_period(day: dt.date, freq: str) -> dt.date:
    if freq == "day":
        return day + dt.timedelta(days=1)
    if freq == "week":
        return day + dt.timedelta(days=7)
    if freq == "month":
        return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return dt.date(day.year + 1, 1, 1)


def _restrict(corpus: Corpus, keep: set[str]) -> Corpus:
    """The corpus limited to the nodes ``keep``, links to other nodes removed."""

    def inside(iris: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(i for i in iris if i in keep)

    articles = {
        iri: replace(
            a,
            provider=a.provider if a.provider in keep else None,
            topics=inside(a.topics),
            images=inside(a.images),
            related=inside(a.related),
        )
        for iri, a in corpus.articles.items()
        if iri in keep
    }
    return Corpus(
        base=corpus.base,
        articles=articles,
        providers={i: replace(p, images=inside(p.images)) for i, p in corpus.providers.items() if i in keep},
        topics={i: t for i, t in corpus.topics.items() if i in keep},
        images={i: m for i, m in corpus.images.items() if i in keep},
        files=[f for f in corpus.files if f.articles and f.articles[0].iri in keep],
    )
