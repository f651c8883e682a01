"""Naming a node: one resolver for every method and command that takes an article, provider, topic or image.

A node may be named by

* its record (an :class:`~graph.read.records.Article`, :class:`~graph.read.records.Provider`,
  :class:`~graph.read.records.Topic` or :class:`~graph.read.records.Image`),
* its IRI,
* a URL: an article's URL in any spelling that canonicalizes to one of its URLs
  (case of the scheme and host, default port, tracking parameters, fragment
  aside), an image's URL, or a provider's site (its domain, with
  or without ``www.``, or any URL on it),
* or its label: a topic's label, a provider's name, an article's title, in any
  case, spacing and Unicode normalisation (``"Café"`` composed or not).

:class:`Resolver` does the lookups, over a ``networkx`` graph
(:meth:`Resolver.of_graph`, the node attributes :mod:`graph.model.network` sets)
or over the records themselves (:meth:`Resolver.of_records`); both give the same
answers. A name that matches nothing raises :class:`UnknownNameError` with the
closest labels suggested (``difflib``); a label several nodes of one kind share
raises :class:`AmbiguousNameError` listing their IRIs. Both are ``LookupError``
and ``ValueError``.

>>> from graph import build
>>> kg = build(["seeds"])
>>> r = Resolver.of_graph(kg.nx)
>>> r.resolve("  computer VISION ", "topic")
'https://newsgraph.example/id/topic/computer%20vision'
>>> r.resolve("https://WWW.TechNode.com/about", "provider") == r.resolve("TechNode") == r.resolve(kg.providers()[1])
True
>>> r.resolve("Computer Visoin")
Traceback (most recent call last):
...
graph.model.resolve.UnknownNameError: no node 'Computer Visoin' in the graph; did you mean 'Computer Vision'?
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import networkx as nx

from graph.read.identity import canonical_url, provider_domain
from graph.read.records import Article, Image, Provider, Topic

__all__ = [
    "KINDS",
    "AmbiguousNameError",
    "Named",
    "Resolver",
    "UnknownNameError",
    "kind_of_record",
    "name_key",
    "one_or_many",
    "record_entries",
]

#: The kinds of node.
KINDS = ("article", "provider", "topic", "image")
#: Any record a node may be named by.
Record = Article | Provider | Topic | Image
#: What a method taking a node accepts.
Named = Record | str
# A label names a topic before a provider before an article (images have no label worth a lookup).
_LABEL_ORDER = ("topic", "provider", "article")
_SUGGESTIONS = 3
# One entry per node: its IRI, its label, and the keys (URLs, domains) it is known by, already canonical.
Entry = tuple[str, str, tuple[str, ...]]


class UnknownNameError(LookupError, ValueError):
    """No node of the graph goes by this name; ``suggestions`` holds the closest labels (maybe none)."""

    def __init__(self, message: str, name: object = None, kind: str | None = None, suggestions: Iterable[str] = ()):
        super().__init__(message)
        self.name = name
        self.kind = kind
        self.suggestions = tuple(suggestions)


class AmbiguousNameError(LookupError, ValueError):
    """Several nodes of one kind share this label; ``candidates`` holds their IRIs (name one by IRI or URL)."""

    def __init__(self, message: str, name: object = None, candidates: Iterable[str] = ()):
        super().__init__(message)
        self.name = name
        self.candidates = tuple(candidates)


def name_key(text: str) -> str:
    """A label as lookups compare it: Unicode NFKC, case folded, runs of white space made one space.

    >>> name_key("  Café\\u0301  NEWS ") == name_key("cafe\\u0301\\u0301 news".replace("e\\u0301\\u0301", "é\\u0301"))
    True
    >>> name_key("Computer\\t VISION"), name_key("ﬁne") == name_key("FINE")
    ('computer vision', True)
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def kind_of_record(record: object) -> str | None:
    """The node kind a record stands for (``article``, ``provider``, ``topic``, ``image``); ``None`` if no record.

    >>> kind_of_record(Topic("https://newsgraph.example/id/topic/ai", "AI")), kind_of_record("AI")
    ('topic', None)
    """
    for cls, kind in ((Article, "article"), (Provider, "provider"), (Topic, "topic"), (Image, "image")):
        if isinstance(record, cls):
            return kind
    return None


def one_or_many(value: Any, name: str) -> list[Any] | None:
    """``value`` as a list: ``None`` stays ``None``, one text or record becomes a list of one, an iterable a list.

    Arguments that take one thing or several (``topic="AI"``, ``topic=["AI", "Robotics"]``,
    ``formats="ttl"``) read their value with this; ``name`` is the argument the error names.

    >>> one_or_many("AI", "topic"), one_or_many(("AI", "Robotics"), "topic"), one_or_many(None, "topic")
    (['AI'], ['AI', 'Robotics'], None)
    >>> one_or_many([], "topic")
    Traceback (most recent call last):
    ...
    ValueError: topic: give one value or a non-empty list, not an empty one
    """
    if value is None:
        return None
    if isinstance(value, (str, bytes, Article, Provider, Topic, Image)) or not isinstance(value, Iterable):
        return [value]
    values = list(value)
    if not values:
        raise ValueError(f"{name}: give one value or a non-empty list, not an empty one")
    return values


def record_entries(records: Iterable[Article | Provider | Topic | Image]) -> Iterator[Entry]:
    """The :data:`Entry` of each record: its IRI, its label and the URLs or domain it is known by.

    >>> list(record_entries([Provider("https://newsgraph.example/id/provider/a.example", "a.example", "A")]))
    [('https://newsgraph.example/id/provider/a.example', 'A', ('a.example',))]
    """
    for r in records:
        if isinstance(r, Article):
            yield r.iri, r.label, (r.url, *r.urls)
        elif isinstance(r, Provider):
            yield r.iri, r.label, (r.domain,)
        elif isinstance(r, Image):
            yield r.iri, "", (r.href,)
        else:
            yield r.iri, r.label, ()


class Resolver:
    """Finds the IRI of a node named by record, IRI, URL, domain or label; see the module's docstring.

    ``kind_of(iri)`` says which kind a node is (``None``: no such node);
    ``entries(kind)`` lists that kind's nodes as ``(iri, label, keys)``, keys
    being the canonical URLs (articles, images) or domains (providers) a node is
    known by. The indexes are made on first use, one kind at a time.
    """

    def __init__(self, kind_of: Callable[[str], str | None], entries: Callable[[str], Iterable[Entry]]) -> None:
        self._kind_of = kind_of
        self._entries = entries
        self._keys: dict[str, dict[str, str]] = {}
        self._names: dict[str, dict[str, list[str]]] = {}
        self._labels: dict[str, dict[str, str]] = {}

    @classmethod
    def of_graph(cls, g: nx.MultiDiGraph[str]) -> Resolver:
        """A resolver over the nodes of a graph :func:`graph.model.network.to_networkx` made (or ``kg.nx``).

        >>> from graph import build
        >>> Resolver.of_graph(build(["seeds"]).nx).resolve("the times")
        'https://newsgraph.example/id/provider/thetimes.co.uk'
        """
        nodes = g.nodes

        def kind_of(iri: str) -> str | None:
            return nodes[iri].get("kind") if iri in nodes else None

        def entries(kind: str) -> Iterator[Entry]:
            for n, d in nodes(data=True):
                if d.get("kind") != kind:
                    continue
                label = str(d.get("label", ""))
                if kind == "article":
                    yield n, label, (str(d.get("url", "")), *d.get("urls", ()))
                elif kind == "provider":
                    yield n, label, (provider_domain(str(d.get("domain", ""))),)
                elif kind == "image":
                    yield n, "", (str(d.get("url", "")),)
                else:
                    yield n, label, ()

        return cls(kind_of, entries)

    @classmethod
    def of_records(
        cls,
        articles: Mapping[str, Article],
        providers: Mapping[str, Provider],
        topics: Mapping[str, Topic],
        images: Mapping[str, Image],
    ) -> Resolver:
        """A resolver over merged records keyed by IRI (a :class:`~graph.model.merge.Corpus`'s dictionaries).

        >>> from graph import build
        >>> c = build(["seeds"]).corpus
        >>> Resolver.of_records(c.articles, c.providers, c.topics, c.images).resolve("AI", "topic")
        'https://newsgraph.example/id/topic/ai'
        """
        tables: dict[str, Mapping[str, Any]] = {
            "article": articles,
            "provider": providers,
            "topic": topics,
            "image": images,
        }

        def kind_of(iri: str) -> str | None:
            return next((kind for kind, table in tables.items() if iri in table), None)

        def entries(kind: str) -> Iterator[Entry]:
            return record_entries(tables[kind].values())

        return cls(kind_of, entries)

    # -- the indexes ------------------------------------------------------------------------------
    def _by_key(self, kind: str) -> dict[str, str]:
        """URL or domain → IRI for the nodes of ``kind`` (made on first use: a lookup by URL folds no titles).

        A node's first key (an article's canonical URL) is its own: it wins over the same URL known as
        another node's alias (one article's ``originalUrl`` that is another's ``webUrl``). Of two aliases,
        the node with the smaller IRI has it, so the answer does not depend on the order of the nodes.
        """
        if kind not in self._keys:
            own: dict[str, str] = {}
            aliases: dict[str, str] = {}
            for iri, _, known in self._entries(kind):
                for i, key in enumerate(known):
                    if not key:
                        continue
                    table = own if i == 0 else aliases
                    held = table.get(key)
                    if held is None or iri < held:
                        table[key] = iri
            self._keys[kind] = {**aliases, **own}
        return self._keys[kind]

    def _by_name(self, kind: str) -> dict[str, list[str]]:
        """Folded label → IRIs (sorted) for the nodes of ``kind``, made on first use."""
        if kind not in self._names:
            names: dict[str, list[str]] = {}
            labels: dict[str, str] = {}
            for iri, label, _ in self._entries(kind):
                if label:
                    key = name_key(label)
                    names.setdefault(key, []).append(iri)
                    labels.setdefault(key, label)
            for iris in names.values():
                iris.sort()
            self._names[kind], self._labels[kind] = names, labels
        return self._names[kind]

    def labels(self, kind: str) -> list[str]:
        """Every distinct label of the nodes of ``kind`` (one spelling per :func:`name_key`), sorted.

        >>> from graph import build
        >>> Resolver.of_graph(build(["seeds"]).nx).labels("topic")
        ['AI', 'Computer Vision']
        """
        self._by_name(kind)
        return sorted(self._labels[kind].values(), key=lambda x: (x.casefold(), x))

    # -- lookups ----------------------------------------------------------------------------------
    def resolve(self, thing: Named, kind: str | None = None) -> str:
        """The IRI of the node ``thing`` names, of ``kind`` if given (else any kind).

        Raises :class:`UnknownNameError` (close labels suggested) when nothing
        matches, :class:`AmbiguousNameError` when a label names several nodes of
        one kind, ``TypeError`` for something that is no name at all.

        >>> from graph import build
        >>> r = Resolver.of_graph(build(["seeds"]).nx)
        >>> r.resolve("HTTPS://TechNode.com:443/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/?utm_source=x#top")
        'https://newsgraph.example/id/article/04f3b0dadecc5748b8cc'
        >>> r.resolve("AI", "provider")
        Traceback (most recent call last):
        ...
        graph.model.resolve.UnknownNameError: 'AI' names a topic, not a provider
        >>> r.resolve("nope.example", "provider")
        Traceback (most recent call last):
        ...
        graph.model.resolve.UnknownNameError: no provider with domain or name 'nope.example' in the graph (known: ...)
        """
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
        record_kind = kind_of_record(thing)
        if record_kind is not None:
            return self._record(thing, record_kind, kind)  # type: ignore[arg-type]
        if not isinstance(thing, str):
            raise TypeError(f"name a node by its record, IRI, URL or label, not by {type(thing).__name__} {thing!r}")
        text = thing.strip()
        found_kind = self._kind_of(text) if text else None
        if found_kind is not None and (kind is None or found_kind == kind):
            return text
        if text:
            for k in (kind,) if kind else ("article", "image", "provider"):
                for key in _keys_of(text, k, site=kind == "provider"):
                    hit = self._by_key(k).get(key)
                    if hit is not None:
                        return hit
            key = name_key(text)
            for k in (kind,) if kind else _LABEL_ORDER:
                iris = self._by_name(k).get(key)
                if iris and len(iris) == 1:
                    return iris[0]
                if iris:
                    shown = ", ".join(iris[:5]) + (", …" if len(iris) > 5 else "")
                    raise AmbiguousNameError(
                        f"{thing!r} is the label of {len(iris):,} {k}s ({shown}); name one by its IRI or URL",
                        thing,
                        iris,
                    )
        raise self._unknown(thing, kind, found_kind)

    def resolve_all(self, things: Named | Iterable[Named], kind: str | None = None, name: str = "") -> list[str]:
        """The IRIs of one name or several (see :func:`one_or_many`), each resolved, in order, without repeats.

        >>> from graph import build
        >>> r = Resolver.of_graph(build(["seeds"]).nx)
        >>> [iri.rsplit("/", 1)[1] for iri in r.resolve_all(["AI", "computer vision", "ai"], "topic")]
        ['ai', 'computer%20vision']
        """
        values = one_or_many(things, name or kind or "node") or []
        return list(dict.fromkeys(self.resolve(v, kind) for v in values))

    def _record(self, record: Record, record_kind: str, kind: str | None) -> str:
        if kind is not None and record_kind != kind:
            raise UnknownNameError(f"{record.iri!r} names {_a(record_kind)}, not {_a(kind)}", record, kind)
        if self._kind_of(record.iri) != record_kind:
            raise UnknownNameError(f"no {record_kind} {record.iri!r} in the graph", record, record_kind)
        return record.iri

    def _unknown(self, thing: str, kind: str | None, found_kind: str | None) -> UnknownNameError:
        if found_kind is None and kind is not None:  # does it name a node of another kind?
            try:
                found_kind = self._kind_of(self.resolve(thing))
            except (UnknownNameError, AmbiguousNameError):
                pass
        if found_kind is not None:
            return UnknownNameError(f"{thing!r} names {_a(found_kind)}, not {_a(kind)}", thing, kind)
        key = name_key(thing)
        labels: dict[str, str] = {}
        for k in (kind,) if kind else _LABEL_ORDER:
            self._by_name(k)
            for folded, label in self._labels[k].items():
                labels.setdefault(folded, label)
            if k == "provider":
                for domain in self._by_key(k):
                    labels.setdefault(domain, domain)
        close = [labels[m] for m in difflib.get_close_matches(key, list(labels), n=_SUGGESTIONS, cutoff=0.6)]
        what = {
            None: "node",
            "provider": "provider with domain or name",
            "article": "article with URL, IRI or title",
        }.get(kind, kind)
        message = f"no {what} {thing!r} in the graph"
        if close:
            message += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
        elif kind in ("topic", "provider"):
            known = sorted(self._labels[kind].values() if kind == "topic" else self._by_key(kind), key=str.casefold)
            shown = ", ".join(repr(x) for x in known[:8])
            message += f" (known: {shown}{', …' if len(known) > 8 else ''})" if known else ""
        else:
            message += " (give a record, an IRI, a URL, a domain or a label)"
        return UnknownNameError(message, thing, kind, close)


def _keys_of(text: str, kind: str, *, site: bool) -> list[str]:
    """The keys ``text`` may be in the index of ``kind``: canonical URLs, or domains.

    A provider is named by its domain or its home page; with ``site`` (a
    provider was asked for) by any URL on its site too.
    """
    if kind == "provider":
        parts = urlsplit(text if "://" in text else "//" + text)
        if not site and parts.path.strip("/"):
            return []
        return [provider_domain(parts.hostname or text)]
    if kind in ("article", "image"):
        keys = [text]
        try:
            canonical = canonical_url(text)
        except ValueError:
            return keys
        return keys if canonical == text else [canonical, text]
    return []


def _a(kind: str | None) -> str:
    return "a node" if kind is None else ("an " if kind[0] in "aeiou" else "a ") + kind
