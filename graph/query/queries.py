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
from typing import Any, Unpack

import networkx as nx
import pyoxigraph
import rdflib
from networkx import Graph, MultiDiGraph

from graph.formats import ntriples as _ntriples
from graph.model.merge import Corpus
from graph.model.network import edge_count
from graph.model.resolve import Named, Resolver, name_key
from graph.model.select import DateLike, Selectors, date_bound, degrees, matches_text, select
from graph.query.results import Communities, Community, PathResult, Ranking, Records, SparqlResult, Timeline
from graph.query.sparql import run
from graph.rdf.mapping import PREFIXES
from graph.read.records import Article, Image, Provider, Topic
from graph.store.embedded import memory_store
from graph.util.progress import Feedback

__all__ = [
    "EXACT_BETWEENNESS_UP_TO",
    "HUB_FLOOR",
    "HUB_SHARE",
    "HUB_SPREAD",
    "KINDS",
    "Queries",
    "Record",
    "hub_threshold",
]

#: Any node of the graph, as its merged record.
Record = Article | Provider | Topic | Image
#: The node kinds, in the order answers list them.
KINDS = ("article", "provider", "topic", "image")
_FREQS = ("day", "week", "month", "year")
_CENTRALITIES = ("pagerank", "degree", "betweenness")
#: ``kg.central(by="betweenness")`` is exact on graphs of up to this many nodes, sampled above.
EXACT_BETWEENNESS_UP_TO = 2_000
_BETWEENNESS_SAMPLE = 500
#: A hub has at least this many links, whatever the rest of the graph looks like.
HUB_FLOOR = 10
#: ... and more than the median plus this many (scaled) median absolute deviations of its kind's degrees.
HUB_SPREAD = 10.0
#: A node linked to more than this share of all articles is a hub too (a topic on every article).
HUB_SHARE = 0.5


class Queries:
    """The query methods of :class:`graph.KnowledgeGraph`; see each method."""

    corpus: Corpus

    @property
    def nx(self) -> MultiDiGraph[str]:
        """The graph as a ``networkx.MultiDiGraph`` keyed by IRI (the knowledge graph makes it)."""
        raise NotImplementedError

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

    def _label(self, iri: str) -> str:
        """The label of a node (tables show labels where records hold IRIs)."""
        record = self._record(iri)
        if record is None:
            return iri
        return record.url if isinstance(record, Image) else record.label

    def _table(self, records: Iterable[Any]) -> Records:
        return Records(records, self._label)

    def _filtered(
        self,
        topic: Named | Iterable[Named] | None,
        provider: Named | Iterable[Named] | None,
        since: DateLike,
        until: DateLike,
        kind: str | None,
        text: str | None,
    ) -> list[Article]:
        """The articles passing the filters ``articles`` and ``timeline`` share (the rules of ``select``)."""
        topics = set(self._resolver.resolve_all(topic, "topic", "topic")) if topic is not None else None
        providers = set(self._resolver.resolve_all(provider, "provider", "provider")) if provider is not None else None
        found = self._candidates(topics, providers)
        if topics is not None:
            found = [a for a in found if not topics.isdisjoint(a.topics)]
        if providers is not None:
            found = [a for a in found if a.provider in providers]
        lo = _moment(date_bound(since, "since", start=True))
        hi = _moment(date_bound(until, "until", start=False))
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"since ({since}) is after until ({until})")
        if lo is not None or hi is not None:
            found = [a for a in found if _within(a.date_published, lo, hi)]
        if kind is not None:
            wanted = kind.strip().casefold()
            found = [a for a in found if (a.type or "").casefold() == wanted]
        if text is not None:
            phrase = name_key(text)
            found = [a for a in found if matches_text(phrase, a.title, a.excerpt)]
        return list(found)

    def _candidates(self, topics: set[str] | None, providers: set[str] | None) -> Iterable[Article]:
        """The articles the filters start from: every one (a graph in a store starts from fewer)."""
        return self.corpus.articles.values()

    def _every(self, kind: str) -> Iterable[Any]:
        """Every record of a kind (``provider``, ``topic``, ...), in any order."""
        records: dict[str, Any] = getattr(self.corpus, f"{kind}s")
        return records.values()

    # -- typed lookups ---------------------------------------------------------------------------
    def articles(
        self,
        topic: Named | Iterable[Named] | None = None,
        provider: Named | Iterable[Named] | None = None,
        since: DateLike = None,
        until: DateLike = None,
        kind: str | None = None,
        text: str | None = None,
        *,
        type: str | None = None,
    ) -> Records:
        """Articles, newest first (undated ones last), filtered as ``newsgraph view`` filters; a table too.

        ``topic`` and ``provider`` take one name or a list (any of them will
        do), named any way :class:`graph.model.resolve.Resolver` takes (a
        record, an IRI, a label in any case, a provider's domain or name);
        ``since``/``until`` a ``date``, ``datetime`` or ISO text (both ends
        included; a bare date covers its day); ``kind`` the feed's type
        (``article``, ``video``; ``type`` is its older name); ``text`` a phrase
        the headline or abstract contains, in any case. All filters must hold.
        An unknown topic or provider is an ``UnknownNameError`` (a ``ValueError``).

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> [a.title[:30] for a in kg.articles(topic="computer vision")]
        ['Carmaker Xpeng Deletes 430,000', 'Xpeng Motors fined by Chinese ']
        >>> [a.provider for a in kg.articles(provider="TechNode", until="2021-12-15")]
        ['https://newsgraph.example/id/provider/technode.com']
        >>> len(kg.articles()), len(kg.articles(since="2021-12-14", kind="video"))
        (4, 0)
        >>> [a.title[:20] for a in kg.articles(text="FACIAL recognition", provider=["The Times", "technode.com"])]
        ['Xpeng Motors fined b', 'Chinese man used fac']
        >>> kg.articles(topic="AI").columns
        ('title', 'published', 'provider', 'topics', 'type', 'url', 'iri')
        """
        return self._table(_newest_first(self._filtered(topic, provider, since, until, kind or type, text)))

    def article(self, url_or_iri: Named) -> Article:
        """The article named by its record, IRI, URL in any spelling or title (any case).

        A name the graph does not know raises ``UnknownNameError`` (a ``LookupError``), with close matches.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> kg.article("HTTPS://www.CaixinGlobal.com/2021-12-15/carmaker-xpeng-deletes-430000-photos-for-misuse-of-facial-recognition-101818294.html?utm_source=x").title
        'Carmaker Xpeng Deletes 430,000 Photos for Misuse of Facial Recognition'
        >>> try:
        ...     kg.article("Carmaker Xpeng deletes 430,000 photos")
        ... except LookupError as error:
        ...     print(str(error).replace("; ", "\\n"))
        no article with URL, IRI or title 'Carmaker Xpeng deletes 430,000 photos' in the graph
        did you mean 'Carmaker Xpeng Deletes 430,000 Photos for Misuse of Facial Recognition'?
        """
        return self.corpus.articles[self._iri(url_or_iri, "article")]

    def providers(self) -> Records:
        """Every provider, by label (case-insensitive).

        >>> from graph import build
        >>> [p.label for p in build(["seeds"]).providers()]
        ['Caixin Global', 'TechNode', 'techwireasia.com', 'The Times']
        """
        return self._table(sorted(self._every("provider"), key=lambda p: (p.label.casefold(), p.iri)))

    def topics(self) -> Records:
        """Every topic, by label (case-insensitive).

        >>> from graph import build
        >>> [t.label for t in build(["seeds"]).topics()]
        ['AI', 'Computer Vision']
        """
        return self._table(sorted(self._every("topic"), key=lambda t: (t.label.casefold(), t.iri)))

    def related(self, article: Named, depth: int = 1) -> Records:
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
        return self._table(a for ring in rings for a in ring)

    def images(self, node: Named) -> Records:
        """The images of an article, or the logos of a provider.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> [m.width for m in kg.images("https://technode.com/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/")]
        [1920]
        """
        record = self._record(self._iri(node))
        if isinstance(record, (Article, Provider)):
            return self._table(self._records(record.images))
        return self._table([])

    # -- analysis over networkx ------------------------------------------------------------------
    def neighbors(self, node: Named, kind: str | None = None) -> Records:
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
        return self._table(sorted(records, key=_by_kind_label))

    def path(self, a: Named, b: Named, *, avoid_hubs: bool = True) -> PathResult | None:
        """A shortest path from ``a`` to ``b`` (edges taken either way), as records; ``None`` if none.

        By default the path goes around hubs (see :meth:`hubs`: a topic on
        every article links everything to everything, and says nothing about
        how two articles are related): among the paths that avoid the most
        hubs, the shortest; through a hub only where there is no other way.
        ``path.avoided`` lists the hubs the plain shortest path went through
        and this one does not; ``avoid_hubs=False`` gives the plain shortest
        path.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> p = kg.path("The Times", "caixinglobal.com")
        >>> [r.label for r in p]
        ['The Times', 'Chinese man used facial recognition to steal £18,000 from sleeping ex-girlfriend',
         'Carmaker Xpeng Deletes 430,000 Photos for Misuse of Facial Recognition', 'Caixin Global']
        >>> list(p.avoided), p == kg.path("The Times", "caixinglobal.com", avoid_hubs=False)
        ([], True)
        """
        source, target = self._iri(a), self._iri(b)
        g = self.nx.to_undirected(as_view=True)
        try:
            plain = nx.shortest_path(g, source, target)
        except nx.NetworkXNoPath:
            return None
        hubs = self._hub_set if avoid_hubs else frozenset()
        inner = hubs - {source, target}
        iris = plain
        if inner and not inner.isdisjoint(plain[1:-1]):
            penalty = float(g.number_of_nodes() + 1)  # a hub costs more than any hub-free path

            def cost(u: str, v: str, _: Any) -> float:
                return 1.0 + (penalty if v in inner else 0.0) + (penalty if u in inner else 0.0)

            iris = nx.dijkstra_path(g, source, target, weight=cost)
        avoided = sorted(set(plain[1:-1]) & inner - set(iris), key=lambda n: (-self._degrees[n], n))
        hub_records = sorted(hubs, key=lambda n: (-self._degrees[n], n))
        return PathResult(self._records(iris), self._label, self._records(avoided), self._records(hub_records))

    @cached_property
    def _degrees(self) -> dict[str, int]:
        return degrees(self.nx)

    @cached_property
    def _hub_set(self) -> frozenset[str]:
        by_kind: dict[str, list[str]] = {}
        for n, kind in self.nx.nodes(data="kind"):
            by_kind.setdefault(str(kind), []).append(n)
        hubs: set[str] = set()
        for nodes in by_kind.values():
            threshold = hub_threshold(self._degrees[n] for n in nodes)
            hubs.update(n for n in nodes if self._degrees[n] > threshold)
        most = max(HUB_FLOOR, HUB_SHARE * len(by_kind.get("article", ())))
        hubs.update(n for n, d in self._degrees.items() if d > most)  # on most articles, alone of its kind or not
        return frozenset(hubs)

    def hubs(self) -> Records:
        """The hubs of the graph, most linked first: nodes whose degree is far above the rest.

        A node is a hub when its degree (links either way) is above
        :func:`hub_threshold` of the degrees of the nodes of its kind (a topic
        among topics, a provider among providers, ...): more than
        :data:`HUB_FLOOR`, and more than the median plus :data:`HUB_SPREAD`
        median absolute deviations, a measure that a few huge nodes do not drag
        up (as they do a mean, a standard deviation or a high percentile). A
        node linked to more than :data:`HUB_SHARE` of all articles is a hub
        too, even alone of its kind. A topic on every article is one; so is a
        provider that published far more than the others. :meth:`path` goes
        around them.

        >>> from graph import build
        >>> list(build(["seeds"]).hubs())
        []
        """
        return self._table(self._records(sorted(self._hub_set, key=lambda n: (-self._degrees[n], n))))

    def central(
        self,
        kind: str | None = "article",
        top: int = 10,
        by: str = "pagerank",
        *,
        k: int | None = None,
        exact_up_to: int = EXACT_BETWEENNESS_UP_TO,
        feedback: Feedback | None = None,
    ) -> Ranking:
        """The ``top`` most central nodes of ``kind`` (``None``: any) with their scores, highest first.

        ``by`` is ``pagerank`` (over the directed edges: an article cited as
        related, a topic many articles are about), ``degree`` (edges either way)
        or ``betweenness`` (on the undirected graph: how many shortest paths go
        through a node; exact on graphs of up to ``exact_up_to`` nodes, above
        that estimated from 500 sampled sources with a fixed seed, so the same
        every run, with a progress bar on a terminal). ``k`` is the older name
        of ``top``. The answer is a list of ``(record, score)`` and a table.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> [(t.label, round(score, 3)) for t, score in kg.central("topic", by="degree")]
        [('AI', 2.0), ('Computer Vision', 2.0)]
        >>> kg.central(top=1)[0][0].title
        'Chinese man used facial recognition to steal £18,000 from sleeping ex-girlfriend'
        >>> kg.central(kind="provider", top=2, by="betweenness").columns
        ('kind', 'label', 'score', 'iri')
        """
        _check_kind(kind)
        top = top if k is None else k
        if top < 0:
            raise ValueError(f"top must be 0 or more, not {top}")
        g = self.nx
        if by == "pagerank":
            scores = _pagerank(g)
        elif by == "degree":
            scores = {n: float(d) for n, d in self._degrees.items()}
        elif by == "betweenness":
            scores = _betweenness(_simple(g), exact_up_to, feedback)
        else:
            raise ValueError(f"unknown centrality {by!r}; choose from {', '.join(_CENTRALITIES)}")
        ranked = sorted(
            (n for n, d in g.nodes(data=True) if kind is None or d.get("kind") == kind), key=lambda n: (-scores[n], n)
        )
        return Ranking((r, scores[r.iri]) for r in self._records(ranked[:top]))

    def communities(self, kind: str | None = None) -> Communities:
        """Groups of densely linked nodes (Louvain, fixed seed: the same every run), largest first.

        Each :class:`~graph.query.results.Community` is the list of its members
        (of ``kind`` only, if given; a community with none is left out), with a
        ``name`` made of its main topics and providers (those most of its
        articles are about or published by), its ``size`` (nodes of every
        kind), its ``articles`` count, and its main ``topics`` and ``providers``.

        >>> from graph import build
        >>> groups = build(["seeds"]).communities()
        >>> [(c.name, c.size) for c in groups]
        [('AI · Caixin Global', 4), ('Computer Vision · TechNode', 4), ('The Times', 3), ('techwireasia.com', 3)]
        >>> sorted(t.label for group in build(["seeds"]).communities(kind="topic") for t in group)
        ['AI', 'Computer Vision']
        """
        _check_kind(kind)
        found = nx.community.louvain_communities(_simple(self.nx), seed=0)
        groups = []
        for members in found:
            group = self._community(set(members), kind)
            if group is not None:
                groups.append(group)
        return Communities(sorted(groups, key=lambda c: (-c.size, c.name, c[0].iri)))

    def _community(self, members: set[str], kind: str | None) -> Community | None:
        records = sorted(self._records(members), key=_by_kind_label)
        listed = [r for r in records if kind is None or _kind(r) == kind]
        if not listed:
            return None
        articles = [r for r in records if isinstance(r, Article)]
        by_topic = Counter(t for a in articles for t in a.topics if t in members)
        by_provider = Counter(a.provider for a in articles if a.provider in members)
        c = self.corpus
        topics = [c.topics[t] for t in _main(by_topic, {t: c.topics[t].label for t in by_topic})]
        providers = [c.providers[p] for p in _main(by_provider, {p: c.providers[p].label for p in by_provider})]
        if not topics and not providers:  # no topic or provider inside: a provider or topic alone, or articles
            for r in records:
                if isinstance(r, Topic) and not topics:
                    topics = [r]
                elif isinstance(r, Provider) and not providers:
                    providers = [r]
        parts = [t.label for t in topics] + [p.label for p in providers]
        name = " · ".join(parts) if parts else records[0].label if not isinstance(records[0], Image) else records[0].url
        return Community(
            listed,
            self._label,
            name=name,
            size=len(records),
            topics=topics,
            providers=providers,
            articles=len(articles),
        )

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
        by_iri = self.corpus.topics
        out = []
        for (t, u), n in pairs.items():
            first, second = sorted((by_iri[t], by_iri[u]), key=lambda x: (x.label.casefold(), x.iri))
            out.append((first, second, n))
        return sorted(out, key=lambda x: (-x[2], x[0].label.casefold(), x[1].label.casefold()))

    def timeline(
        self,
        freq: str = "month",
        topic: Named | Iterable[Named] | None = None,
        provider: Named | Iterable[Named] | None = None,
        since: DateLike = None,
        until: DateLike = None,
        kind: str | None = None,
        text: str | None = None,
    ) -> Timeline:
        """Articles per period (``day``, ``week`` from Monday, ``month`` or ``year``), in order, empty periods 0.

        Periods are keyed by their first day (UTC); undated articles are not
        counted. The filters are those of :meth:`articles`. The answer is a
        dict and a table (``period``, ``articles``).

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> kg.timeline("day")
        {datetime.date(2021, 12, 13): 1, datetime.date(2021, 12, 14): 1, datetime.date(2021, 12, 15): 2}
        >>> kg.timeline("day", topic=["AI"], text="xpeng")
        {datetime.date(2021, 12, 15): 2}
        """
        if freq not in _FREQS:
            raise ValueError(f"unknown period {freq!r}; choose from {', '.join(_FREQS)}")
        articles = self._filtered(topic, provider, since, until, kind, text)
        counts = Counter(_period(a.date_published.date(), freq) for a in articles if a.date_published is not None)
        out = Timeline()
        if not counts:
            return out
        day, last = min(counts), max(counts)
        while day <= last:
            out[day] = counts.get(day, 0)
            day = _next_period(day, freq)
        return out

    def subgraph(self, **selectors: Unpack[Selectors]) -> Any:
        """The part of the graph ``newsgraph view`` would show for these selectors, as a KnowledgeGraph.

        The selectors: ``topic=``, ``provider=`` (one name or a list), ``since=``, ``until=``, ``kind=``, ``text=``,
        ``around=`` with ``depth=`` (default 1), ``max_nodes=`` (default: no limit).

        Its records are those of the selected nodes, with links to nodes left
        out removed; its ``note`` says what ``max_nodes`` left out.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> kg.subgraph(topic="AI")
        <KnowledgeGraph: 2 articles, 2 providers, 2 topics, 2 images, 9 edges>
        >>> kg.subgraph(max_nodes=5).note
        'showing the 5 most connected of 14 nodes; left out 9 (...)'
        """
        chosen = select(self.nx, resolver=self._resolver, **selectors)
        sub = self._new(_restrict(self.corpus, set(chosen.nodes)))
        sub.note = chosen.note
        return sub

    # -- conversions and figures -----------------------------------------------------------------
    def to_networkx(self) -> MultiDiGraph[str]:
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
        g.parse(data="".join(_ntriples.generate(self)), format="nt")
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
        edges = edge_count(c)
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
        return memory_store(self)

    def sparql(self, text: str) -> SparqlResult | bool:
        """Run a SPARQL query; ``SELECT`` gives rows of Python values (a table too), ``ASK`` a bool.

        The prefixes ``schema``, ``skos``, ``rdf``, ``rdfs``, ``xsd``,
        ``dcterms``, ``prov`` and ``ng`` (the project vocabulary) are
        predeclared (:data:`graph.query.sparql.PREFIXES`). IRIs come back as
        text, typed literals as ``int``, ``float``, ``bool``, ``datetime``;
        ``CONSTRUCT`` gives rows of ``subject``, ``predicate``, ``object``. A
        malformed query is a :class:`graph.query.sparql.SparqlSyntaxError` (a
        ``ValueError``) saying what was expected where, under the query line.

        >>> from graph import build
        >>> kg = build(["seeds"])
        >>> rows = kg.sparql('''
        ...     SELECT ?name (COUNT(?a) AS ?n) WHERE {
        ...         ?a schema:publisher/schema:name ?name ; schema:about/skos:prefLabel "AI" .
        ...     } GROUP BY ?name ORDER BY ?name''')
        >>> rows
        [Row(name='Caixin Global', n=1), Row(name='TechNode', n=1)]
        >>> rows.columns, rows[0].name, rows[0]["n"], rows.rows()
        (('name', 'n'), 'Caixin Global', 1, [('Caixin Global', 1), ('TechNode', 1)])
        """
        return run(self.store, text)


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


def hub_threshold(degrees: Iterable[int], floor: int = HUB_FLOOR, spread: float = HUB_SPREAD) -> float:
    """The degree above which a node is a hub: ``max(floor, median + spread × MAD)``.

    MAD is the median absolute deviation of the degrees, scaled (×1.4826) to
    match a standard deviation on normal data, and at least 1: medians are not
    moved by the few huge nodes being looked for, so a topic on every article
    stands out however large the corpus.

    >>> hub_threshold([3, 3, 4, 2, 3, 5, 3, 400])
    13.0
    >>> hub_threshold([1, 2])
    11.5
    """
    values = sorted(d for d in degrees if d > 0)
    if not values:
        return floor
    median = _median(values)
    mad = _median(sorted(abs(d - median) for d in values)) * 1.4826
    return max(floor, median + spread * max(mad, 1.0))


def _median(values: list[int] | list[float]) -> float:
    n = len(values)
    mid = n // 2
    return float(values[mid]) if n % 2 else (values[mid - 1] + values[mid]) / 2


def _main(counts: Counter[str], labels: dict[str, str], share: float = 0.5, most: int = 2) -> list[str]:
    """The main ones of ``counts``: the largest, and up to ``most`` of those with at least ``share`` of its count."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], labels[item[0]].casefold(), item[0]))
    if not ranked:
        return []
    first = ranked[0][1]
    return [iri for iri, n in ranked[:most] if n >= share * first]


def _betweenness(g: Graph[str], exact_up_to: int, feedback: Feedback | None) -> dict[str, float]:
    """Betweenness centrality (normalised, as networkx's), exact up to ``exact_up_to`` nodes, sampled above.

    Sources are taken in chunks so that a progress bar can advance; the sum
    over chunks is the sum networkx's sampled betweenness makes over its
    sample (the same fixed seed picks the sources).
    """
    n = g.number_of_nodes()
    if n <= exact_up_to:
        return dict(nx.betweenness_centrality(g))
    import random

    sources = random.Random(0).sample(list(g), min(_BETWEENNESS_SAMPLE, n))
    fb = feedback if feedback is not None else Feedback()
    total: dict[str, float] = dict.fromkeys(g, 0.0)
    step = max(1, len(sources) // 50)
    fb.start("betweenness", len(sources))
    try:
        for i in range(0, len(sources), step):
            chunk = sources[i : i + step]
            part = nx.betweenness_centrality_subset(g, sources=chunk, targets=list(g), normalized=False)
            for node, value in part.items():
                total[node] += value
            fb.advance(len(chunk))
    finally:
        fb.finish()
    # betweenness_centrality_subset halves undirected pairs; networkx's sampled estimate scales by n / k
    # and normalises by (n - 1)(n - 2) / 2 pairs.
    scale = (n / len(sources)) * 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return {node: value * scale for node, value in total.items()}


def _simple(g: MultiDiGraph[str]) -> Graph[str]:
    """``g`` as a simple undirected graph, nodes and edges in ``g``'s order."""
    simple: Graph[str] = nx.Graph()
    simple.add_nodes_from(g)
    simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
    return simple


def _pagerank(g: MultiDiGraph[str], alpha: float = 0.85, tol: float = 1.0e-6, max_iter: int = 100) -> dict[str, float]:
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
