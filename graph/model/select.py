"""Selection: which nodes of the graph to show or hand back, by topic, provider, dates and neighbourhood.

One function, :func:`select`, shared by ``newsgraph view`` and the Python API.
It reads only the node attributes :mod:`graph.model.network` sets (``kind``,
``label``, an article's ``date``, ``url`` and ``urls``, a provider's
``domain``) and the edges, so it works on any ``kg.nx``.

The rules:

* ``topic``, ``provider``, ``since``, ``until``, ``kind`` and ``text`` filter
  *articles* (all of them must hold). ``topic`` and ``provider`` take one name
  or a list (an article passes when it is about any of the topics, published by
  any of the providers); names are resolved by
  :class:`graph.model.resolve.Resolver` (a record, an IRI, a label in any case,
  spacing or Unicode normalisation, a provider's domain in any spelling or its
  name). ``since``/``until`` keep articles with a date in the range (both ends
  included; a bare date covers its whole day, ``2021-12`` its month, ``2021``
  its year; naive times are UTC). ``kind`` is the feed's type (``article``,
  ``video``: any case), ``text`` a phrase the headline or abstract contains (any
  case). The selection is the articles that pass and the providers, topics and
  images they link to.
* ``around`` (a node named any way the resolver takes: an article's URL in any
  spelling, an IRI, a record, a label) keeps only the nodes within ``depth``
  hops of that node, edges taken in either direction; filters then apply inside
  that neighbourhood, and the centre is always kept.
* ``max_nodes`` keeps the most connected nodes (degree inside the selection;
  ties go to topics, then providers, articles and images, then by IRI; the
  centre always stays) and the ``note`` says what was
  left out.

Unknown topics, providers or centres raise
:class:`graph.model.resolve.UnknownNameError` (a ``ValueError`` and
``LookupError``) with close matches suggested; unreadable dates a
``ValueError``; each with a message meant for the user.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict, Unpack

import networkx as nx

from graph.model.resolve import Named, Resolver, name_key

__all__ = ["Selection", "Selectors", "date_bound", "degrees", "known_names", "matches_text", "select"]

DateLike = dt.date | dt.datetime | str | None

_KIND_ORDER = ("article", "provider", "topic", "image")
# Equally connected nodes: hubs before articles, images last, then by IRI.
_TIE_ORDER = ("topic", "provider", "article", "image")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Selectors(TypedDict, total=False):
    """The selectors that choose part of a graph, as :func:`select` takes them and with it ``newsgraph view``,
    ``kg.subgraph`` and ``kg.show`` (the rules: this module's docstring)."""

    topic: Named | Iterable[Named] | None
    provider: Named | Iterable[Named] | None
    since: DateLike
    until: DateLike
    kind: str | None
    text: str | None
    around: Named | None
    depth: int
    max_nodes: int | None


@dataclass(frozen=True)
class Selection:
    """The nodes chosen from a graph (IRIs, sorted) and, when something was left out, a note saying what."""

    nodes: list[str]
    note: str | None = None


def select(g: nx.MultiDiGraph[str], *, resolver: Resolver | None = None, **selectors: Unpack[Selectors]) -> Selection:
    """Choose the nodes of ``g`` to show by the :class:`Selectors` given: see the module's docstring for the rules.

    None of them means the whole graph; ``depth`` is 1 and ``max_nodes`` no limit unless given.
    ``resolver`` (one made by :meth:`Resolver.of_graph` over ``g``, kept between calls) saves indexing the
    graph's names again.

    >>> from graph import build
    >>> g = build(["seeds"]).nx
    >>> s = select(g, topic="computer VISION", since="2021-12-15")
    >>> [g.nodes[n]["label"] for n in s.nodes if g.nodes[n]["kind"] == "article"]
    ['Xpeng Motors fined by Chinese watchdog for facial recognition breach', 'Carmaker Xpeng Deletes ...']
    >>> url = "HTTPS://TechNode.com/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/#x"
    >>> len(select(g, around=url, depth=1).nodes)
    8
    >>> select(g, max_nodes=3).note
    'showing the 3 most connected of 14 nodes; left out 11 (1 article, 4 providers, 2 topics, 4 images)'
    """
    topic, provider, around = selectors.get("topic"), selectors.get("provider"), selectors.get("around")
    since, until = selectors.get("since"), selectors.get("until")
    kind, text = selectors.get("kind"), selectors.get("text")
    depth, max_nodes = selectors.get("depth", 1), selectors.get("max_nodes")
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be 1 or more, not {max_nodes}")
    lo = date_bound(since, "since", start=True)
    hi = date_bound(until, "until", start=False)
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"since ({since}) is after until ({until})")
    notes: list[str] = []

    names = resolver if resolver is not None else Resolver.of_graph(g)
    center: str | None = None
    if around is not None:
        center = names.resolve(around)
        candidates = set(_neighbourhood(g, center, depth))
    else:
        candidates = set(g)

    filtered = any(x is not None for x in (topic, provider, lo, hi, kind, text))
    if filtered:
        topics = set(names.resolve_all(topic, "topic", "topic")) if topic is not None else None
        providers = set(names.resolve_all(provider, "provider", "provider")) if provider is not None else None
        wanted = kind.strip().casefold() if kind is not None else None
        phrase = name_key(text) if text is not None else None
        attrs = g.nodes
        articles = [
            n
            for n in candidates
            if attrs[n].get("kind") == "article"
            and _passes(g, n, topics, providers, lo, hi)
            and (wanted is None or str(attrs[n].get("type") or "").casefold() == wanted)
            and (phrase is None or matches_text(phrase, attrs[n].get("title"), attrs[n].get("excerpt")))
        ]
        chosen = set(articles)
        for a in articles:
            chosen.update(v for v in g.successors(a) if v in candidates and g.nodes[v].get("kind") != "article")
        if center is not None:
            chosen.add(center)
        if not articles:
            notes.append("no article matches " + _describe(topic, provider, since, until, kind, text))
    else:
        chosen = candidates

    if max_nodes is not None and len(chosen) > max_nodes:
        degree = degrees(g, chosen if len(chosen) != len(g) else None)
        tie = {k: i for i, k in enumerate(_TIE_ORDER)}
        attrs = g._node  # type: ignore[attr-defined]  # each node's attributes: a plain dictionary in a graph, a view in a subgraph view
        kept = set(  # the first max_nodes of the ranking (what sorting everything and cutting gives)
            heapq.nsmallest(
                max_nodes, chosen, key=lambda n: (n != center, -degree[n], tie.get(attrs[n].get("kind"), len(tie)), n)
            )
        )
        left = Counter(attrs[n].get("kind", "node") for n in chosen - kept)
        notes.append(
            f"showing the {max_nodes:,} most connected of {len(chosen):,} nodes; "
            f"left out {len(chosen) - max_nodes:,} ({_kinds(left)})"
        )
        chosen = kept
    return Selection(nodes=sorted(chosen), note="; ".join(notes) or None)


def degrees(g: nx.MultiDiGraph[str], within: set[str] | None = None) -> dict[str, int]:
    """Each node's degree (edges in and out), counting only edges between nodes of ``within`` if given.

    ``g.degree`` as a dictionary, several times faster on a large graph (it
    reads the adjacency once instead of making a view per node).

    >>> g = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "c")])
    >>> degrees(g), degrees(g, {"a", "b"})
    ({'a': 2, 'b': 3, 'c': 1}, {'a': 2, 'b': 2})
    """
    succ, pred = g._succ, g._pred  # type: ignore[attr-defined]  # plain dictionaries in a graph (filtered views in a subgraph view)
    multi = g.is_multigraph()
    nodes = g if within is None else [n for n in g if n in within]
    out: dict[str, int] = {}
    for n in nodes:
        around = (*succ[n].items(), *pred[n].items())
        if within is not None:
            around = tuple(item for item in around if item[0] in within)
        out[n] = sum(len(keys) for _, keys in around) if multi else len(around)
    return out


def _kinds(counts: Counter[str]) -> str:
    order = [k for k in _KIND_ORDER if counts[k]] + sorted(k for k in counts if k not in _KIND_ORDER)
    return ", ".join(f"{counts[k]:,} {k if counts[k] == 1 else k + 's'}" for k in order)


def matches_text(phrase: str, *fields: str | None) -> bool:
    """Whether any of ``fields`` (a headline, an abstract) contains ``phrase``, compared as :func:`name_key` folds.

    ``phrase`` is given folded already (``name_key(text)``), so a search folds it once.

    >>> matches_text(name_key("FACIAL  recognition"), "Xpeng fined for facial recognition breach", None)
    True
    >>> matches_text(name_key("robots"), "Xpeng fined", "A watchdog")
    False
    """
    return any(field and phrase in name_key(field) for field in fields)


def _describe(
    topic: object, provider: object, since: DateLike, until: DateLike, kind: str | None, text: str | None
) -> str:
    parts = []
    for name, value in (("topic", topic), ("provider", provider)):
        if isinstance(value, str):
            parts.append(f"{name} {value!r}")
        elif value is not None:
            label = getattr(value, "label", None)
            values = [label] if label is not None else [getattr(v, "label", v) for v in value]  # type: ignore[attr-defined]
            parts.append(f"{name} " + " or ".join(repr(v) for v in values))
    if since is not None:
        parts.append(f"since {since}")
    if until is not None:
        parts.append(f"until {until}")
    if kind is not None:
        parts.append(f"kind {kind!r}")
    if text is not None:
        parts.append(f"text {text!r}")
    return ", ".join(parts)


def _passes(
    g: nx.MultiDiGraph[str], n: str, topics: set[str] | None, providers: set[str] | None, lo: str | None, hi: str | None
) -> bool:
    if lo is not None or hi is not None:
        date = g.nodes[n].get("date")
        if date is None or (lo is not None and date < lo) or (hi is not None and date > hi):
            return False
    if topics is not None and not any(g.has_edge(n, t, "about") for t in topics):
        return False
    if providers is not None and not any(g.has_edge(n, p, "publisher") for p in providers):
        return False
    return True


def known_names(names: list[str]) -> str:
    """A few of the ``names`` a lookup knows, as an error message ends with them (empty when none).

    >>> known_names(["AI", "Computer Vision"])
    " (known: 'AI', 'Computer Vision')"
    >>> known_names([str(i) for i in range(10)])
    " (known: '0', '1', '2', '3', '4', '5', '6', '7', …)"
    >>> known_names([])
    ''
    """
    if not names:
        return ""
    shown = ", ".join(repr(x) for x in names[:8])
    return f" (known: {shown}{', …' if len(names) > 8 else ''})"


def _neighbourhood(g: nx.MultiDiGraph[str], center: str, depth: int) -> list[str]:
    seen = {center}
    frontier = [center]
    for _ in range(depth):
        nxt = []
        for n in frontier:
            for m in (*g.successors(n), *g.predecessors(n)):
                if m not in seen:
                    seen.add(m)
                    nxt.append(m)
        if not nxt:
            break
        frontier = nxt
    return sorted(seen)


def date_bound(value: DateLike, name: str, *, start: bool) -> str | None:
    """A date bound as the ``YYYY-MM-DDTHH:MM:SSZ`` text articles carry (dates compare as text); ``None`` for none.

    ``start`` picks the first moment of a bare year, month or day (for
    ``since``), else the last (for ``until``); naive times are UTC, aware ones
    are converted. ``name`` is the argument the error message names.

    >>> date_bound("2021-12", "since", start=True), date_bound("2021-12", "until", start=False)
    ('2021-12-01T00:00:00Z', '2021-12-31T23:59:59Z')
    >>> date_bound("soon", "until", start=False)
    Traceback (most recent call last):
    ...
    ValueError: until: 'soon' is not a date; use YYYY, YYYY-MM, YYYY-MM-DD or an ISO date-time
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time.min if start else dt.time(23, 59, 59))
    else:
        text = str(value).strip()
        year, month = _YEAR.match(text), _MONTH.match(text)
        try:
            if year:
                moment = dt.datetime(int(text), 1, 1) if start else dt.datetime(int(text), 12, 31, 23, 59, 59)
            elif month:
                y, m = int(month.group(1)), int(month.group(2))
                first = dt.datetime(y, m, 1)
                nxt = dt.datetime(y + (m == 12), m % 12 + 1, 1)
                moment = first if start else nxt - dt.timedelta(seconds=1)
            elif len(text) == 10:
                day = dt.date.fromisoformat(text)
                moment = dt.datetime.combine(day, dt.time.min if start else dt.time(23, 59, 59))
            else:
                moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{name}: {value!r} is not a date; use YYYY, YYYY-MM, YYYY-MM-DD or an ISO date-time"
            ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
