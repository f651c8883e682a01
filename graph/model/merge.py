"""Identity and merge: many files' records become one record per thing.

A related stub whose URL is any URL of an article the corpus has in full is that
article. Records of the same thing merge field by field, the full article's
fields winning over a stub's, in an order that depends only on the records'
content, never on file order or file names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any

from graph.read.identity import DEFAULT_BASE, provider_domain, topic_key
from graph.read.records import Article, Extra, FileRecords, Image, Provider, Topic
from graph.read.sources import Diagnostic

__all__ = [
    "Corpus",
    "Gathering",
    "UrlClaims",
    "combine_claims",
    "group_records",
    "merge",
    "merge_groups",
    "resolve_file",
    "url_claims",
]

#: What full articles say about URLs: URL → (0 when it is an article's own canonical URL, else 1;
#: that article's IRI). Of two claims on one URL the smaller wins, so claims combine in any order.
UrlClaims = dict[str, tuple[int, str]]


@dataclass(slots=True)
class Corpus:
    """The merged records of a whole build, each mapping sorted by IRI.

    ``files`` keeps what each file said (with stubs already resolved to the
    articles they name), for per-document output and reports.
    ``alternatives`` holds what an export read back (``graph.load``) says files
    said that lost to another file's value, which its records cannot hold:
    source file (``""`` when the export does not say which) → subject →
    (predicate, object) pairs, as N-Triples terms. A build leaves it empty:
    its files say it.
    """

    base: str = DEFAULT_BASE
    articles: dict[str, Article] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    files: list[FileRecords] = field(default_factory=list)
    alternatives: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    #: What the stages above work out from the corpus once for every export (where files disagree):
    #: not part of what the corpus is, never compared. A corpus is not changed once made.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic of every file, in file order."""
        return [d for f in self.files for d in f.diagnostics]

    @property
    def files_rejected(self) -> int:
        """How many files gave no article."""
        return sum(1 for f in self.files if f.rejected)


def merge(files: Iterable[FileRecords], base: str = DEFAULT_BASE) -> Corpus:
    """Merge the records of many files into one :class:`Corpus`.

    The result does not depend on the order of ``files``.

    >>> from graph.read.sources import find_sources, read_document
    >>> from graph.read.records import extract
    >>> corpus = merge(extract(read_document(s)) for s in find_sources(["seeds"]))
    >>> len(corpus.articles), len(corpus.providers), len(corpus.topics), len(corpus.images)
    (4, 4, 2, 4)
    """
    gathering = Gathering(base)
    for f in files:
        gathering.add(f)
    return gathering.corpus()


class Gathering:
    """A corpus gathered file by file: ``merge(files)`` in two steps, :meth:`add` and :meth:`corpus`.

    What can be done before every file is in is done as each comes (a build's
    files arrive one by one from the worker processes, so this work overlaps
    their parsing): the URL claims of its article, and its records grouped by
    IRI. When the files came in name order and no stub is renamed (a stub
    named by another URL of an article the corpus has in full), which is the
    common case, those groups are the ones :func:`merge` merges; otherwise they
    are gathered again, from the files sorted and resolved.
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base
        self.files: list[FileRecords] = []
        self.claims: UrlClaims = {}
        self.groups: Groups = ({}, {}, {}, {})
        self.in_order = True
        self.shared = _Shared()

    def add(self, f: FileRecords) -> None:
        """Take one more file's records."""
        self.shared.file(f)
        files = self.files
        if files and f.source < files[-1].source:
            self.in_order = False
        files.append(f)
        for article in f.main:
            _claim(self.claims, article)
        if self.in_order:
            _group(self.groups, f)

    def corpus(self) -> Corpus:
        """The merged corpus of every file added."""
        files = self.files
        if not self.in_order:
            files.sort(key=_source)  # stable, as sorted(files) was
        # Canonical URL -> the IRI of the full article known by it. A full article owns its canonical
        # URL; its other URLs point at it unless they are another full article's canonical URL. A URL
        # claimed by several full articles goes to the smallest IRI, so the answer is order-free.
        url_map = {url: iri for url, (_, iri) in self.claims.items()}
        resolved = [resolve_file(f, url_map) for f in files]
        groups = self.groups
        if not self.in_order or any(r is not f for r, f in zip(resolved, files, strict=True)):
            groups = group_records(resolved)
        articles, providers, topics, images = merge_groups(groups)
        return Corpus(self.base, articles, providers, topics, images, resolved)


def _source(f: FileRecords) -> str:
    return f.source


class _Shared:
    """One object for each value that many files repeat.

    A feed names the same providers and topics, the same field names and the
    same small values (``quality: 49``, ``isCached: true``) in every file, and
    each file's records arrive as objects of their own: sharing one object per
    value takes a third off the memory a corpus holds. Only equal values of
    the same types are shared (``1`` and ``True`` are equal in Python, never
    shared), so no record's content changes, only which objects hold it. The
    records changed are the file's own, fresh from its worker.
    """

    __slots__ = ("records", "texts", "pairs", "extras")

    def __init__(self) -> None:
        self.records: dict[tuple[Any, ...], Any] = {}  # topics, and providers without extra fields
        self.texts: dict[Any, Any] = {}  # strings, and tuples of strings (an article's topics)
        self.pairs: dict[tuple[str, Any], tuple[str, Any]] = {}  # (field name, small value)
        self.extras: dict[Extra, Extra] = {}  # whole extra fields of small values only (an image's)

    def file(self, f: FileRecords) -> None:
        """Share what the records of ``f`` repeat of earlier files'."""
        records, texts = self.records, self.texts
        f.topics = [t if t.profiled else records.setdefault((t.iri, t.label), t) for t in f.topics]
        f.providers = [
            p if p.extra else records.setdefault((p.iri, p.domain, p.name, p.images), p) for p in f.providers
        ]
        for a in f.articles:
            if a.provider is not None:
                _set(a, "provider", texts.setdefault(a.provider, a.provider))
            if a.topics:
                _set(a, "topics", texts.setdefault(a.topics, a.topics))
            if a.type is not None:
                _set(a, "type", texts.setdefault(a.type, a.type))
            if a.extra:
                _set(a, "extra", self.extra(a.extra))
        for m in f.images:
            if m.extra:
                _set(m, "extra", self.extra(m.extra))

    def extra(self, extra: Extra) -> Extra:
        """``extra`` with its field names and small values shared (a value of another type never is)."""
        texts, pairs = self.texts, self.pairs
        out = []
        small = True
        for pair in extra:
            key, value = pair
            kind = type(value)
            # Strings, whole numbers and booleans that are equal and of one type are the same value
            # (not so floats, -0.0 == 0.0, or datetimes of other zones); long strings are one of a kind.
            if not (kind is int or kind is bool or (kind is str and len(value) <= 40)):  # type: ignore[arg-type]
                out.append((texts.setdefault(key, key), value))
                small = False
                continue
            held = pairs.get(pair)
            if held is None:
                held = pairs[pair] = (texts.setdefault(key, key), value)
            elif type(held[1]) is not kind:  # equal, not the same: 1 and True
                held = pair
            out.append(held)
        shared = tuple(out)
        if not small:
            return shared
        known = self.extras.setdefault(shared, shared)
        same = known is shared or all(type(x[1]) is type(y[1]) for x, y in zip(known, shared, strict=True))
        return known if same else shared


# Frozen records are given their shared values as dataclasses give a frozen record its values.
_set = object.__setattr__


#: Records grouped by IRI, one mapping per kind: articles, providers, topics, images.
Groups = tuple[dict[str, list[Article]], dict[str, list[Provider]], dict[str, list[Topic]], dict[str, list[Image]]]
#: One merged record per IRI, each mapping sorted by IRI: articles, providers, topics, images.
Merged = tuple[dict[str, Article], dict[str, Provider], dict[str, Topic], dict[str, Image]]


def group_records(files: Iterable[FileRecords]) -> Groups:
    """The records of ``files`` (stubs already resolved) grouped by IRI, per kind.

    Merging a group does not depend on the order of its records, so groups may
    be gathered from files in any order, or from any part of a corpus.
    """
    groups: Groups = ({}, {}, {}, {})
    for f in files:
        _group(groups, f)
    return groups


def _group(groups: Groups, f: FileRecords) -> None:
    """Add the records of ``f`` to ``groups``."""
    tables: tuple[dict[str, list[Any]], ...] = groups
    kinds: tuple[list[Any], ...] = (f.articles, f.providers, f.topics, f.images)
    for table, records in zip(tables, kinds, strict=True):
        for record in records:
            group = table.get(record.iri)
            if group is None:
                table[record.iri] = [record]
            else:
                group.append(record)


def merge_groups(groups: Groups) -> Merged:
    """One record per IRI: each group of :func:`group_records` merged field by field, sorted by IRI."""
    articles, providers, topics, images = groups
    return (
        {iri: _merge_articles(articles[iri]) for iri in sorted(articles)},
        {iri: _merge_providers(providers[iri]) for iri in sorted(providers)},
        {iri: _merge_topics(topics[iri]) for iri in sorted(topics)},
        {iri: _merge_images(images[iri]) for iri in sorted(images)},
    )


def url_claims(files: Iterable[FileRecords]) -> UrlClaims:
    """The :data:`UrlClaims` of the full articles of ``files`` (stubs claim nothing).

    >>> from graph.read.records import Article
    >>> a = FileRecords("a.md", [Article("id:a", "https://a.example/1", urls=("https://a.example/1", "https://b.example/1"))])
    >>> url_claims([a])
    {'https://a.example/1': (0, 'id:a'), 'https://b.example/1': (1, 'id:a')}
    """
    claims: UrlClaims = {}
    for f in files:
        for article in f.main:
            _claim(claims, article)
    return claims


def _claim(claims: UrlClaims, article: Article) -> None:
    """Add the claims of a file's own (full) article to ``claims``."""
    for rank, url in enumerate(article.urls):
        claim = (min(rank, 1), article.iri)
        held = claims.get(url)
        if held is None or claim < held:
            claims[url] = claim


def combine_claims(parts: Iterable[UrlClaims]) -> UrlClaims:
    """The claims of several parts of a corpus as if made by one (order-free)."""
    claims: UrlClaims = {}
    for part in parts:
        for url, claim in part.items():
            if url not in claims or claim < claims[url]:
                claims[url] = claim
    return claims


def resolve_file(f: FileRecords, url_map: Mapping[str, str]) -> FileRecords:
    """The file's records with each article under the IRI of the node it is.

    ``url_map`` maps canonical URLs to IRIs (from :data:`UrlClaims`); it must
    hold every URL of the file's articles that the whole corpus maps.
    """
    renamed: dict[str, str] = {}
    articles = []
    get = url_map.get
    for article in f.articles:
        iri = article.iri
        for url in article.urls:  # the node of the first URL the corpus knows, else its own
            known = get(url)
            if known is not None:
                iri = known
                break
        renamed[article.iri] = iri
        articles.append(article if iri == article.iri else replace(article, iri=iri))
    if not renamed or all(k == v for k, v in renamed.items()):
        return f
    articles = [replace(a, related=_unique(renamed.get(r, r) for r in a.related)) if a.related else a for a in articles]
    articles = [replace(a, parts=_unique(renamed.get(r, r) for r in a.parts)) if a.parts else a for a in articles]
    return replace(f, articles=articles)


def _rank(article: Article) -> tuple[Any, ...]:
    """Sort key: full articles first, then the record that says the most, then content."""
    return (*_head(article), repr(_content(article)))


def _head(article: Article) -> tuple[bool, int, int]:
    said = 0
    for v in (article.title, article.excerpt, article.date_published, article.type, article.provider):
        if v is not None and v != ():
            said += 1
    return (article.stub, -said, -len(article.extra))


def _ranked(records: list[Article]) -> list[Article]:
    """``sorted(records, key=_rank)``, the costly text of a record's content made only to break ties."""
    cheap = sorted(((_head(r), r) for r in records), key=lambda pair: pair[0])
    out: list[Article] = []
    for _, group in groupby(cheap, key=lambda pair: pair[0]):
        tied = [r for _, r in group]
        out += sorted(tied, key=lambda r: repr(_content(r))) if len(tied) > 1 else tied
    return out


def _content(article: Article) -> tuple[Any, ...]:
    return (
        article.url,
        article.title,
        article.excerpt,
        article.date_published,
        article.type,
        article.provider,
        article.topics,
        article.images,
        article.related,
        article.extra,
    )


def _first(values: Iterable[Any]) -> Any:
    return next((v for v in values if v is not None), None)


def _merge_extra(extras: Iterable[Extra]) -> Extra:
    """Per key, the values of the first record (in rank order) that has the key."""
    chosen: dict[str, list[tuple[str, Any]]] = {}
    for extra in extras:
        mine: dict[str, list[tuple[str, Any]]] = {}  # the keys this record is the first to have
        for pair in extra:
            key = pair[0]
            pairs = mine.get(key)
            if pairs is not None:
                pairs.append(pair)
            elif key not in chosen:
                mine[key] = chosen[key] = [pair]
    return tuple([pair for key in sorted(chosen) for pair in chosen[key]])


def _merge_articles(records: list[Article]) -> Article:
    if len(records) == 1:
        return records[0]
    records = _ranked(records)
    winner = records[0]
    # The first value said, in rank order, of each single-valued field.
    title = excerpt = date_published = kind = provider = None
    for r in records:
        if title is None:
            title = r.title
        if excerpt is None:
            excerpt = r.excerpt
        if date_published is None:
            date_published = r.date_published
        if kind is None:
            kind = r.type
        if provider is None:
            provider = r.provider
    urls: set[str] = set().union(*[r.urls for r in records])
    urls.discard(winner.url)
    return Article(
        iri=winner.iri,
        url=winner.url,
        title=title,
        excerpt=excerpt,
        date_published=date_published,
        type=kind,
        provider=provider,
        topics=_union([r.topics for r in records]),
        images=_union([r.images for r in records]),
        related=_union([r.related for r in records]),
        urls=(winner.url, *sorted(urls)),
        stub=all(r.stub for r in records),
        sources=_union([r.sources for r in records]),
        extra=_merge_extra([r.extra for r in records]),
        schema_type=_first(r.schema_type for r in records),
        parts=_union([r.parts for r in records]),
    )


def _merge_providers(records: list[Provider]) -> Provider:
    first = records[0]
    if len(records) == 1 and (first.name is None or _is_real_name(first)):
        return first
    # Many files say the same of a provider: count the names with every record, merge the distinct ones
    # (two records with the same sort key are the same record, so dropping repeats changes nothing).
    # Counted by their fields (iri aside: one group, one IRI) as a tuple, at C speed; extra values by
    # their text, as the sort below sees them: ``1`` and ``True`` are equal in Python, not in RDF, and
    # must not be one class counted under whichever came first.
    counted: dict[tuple[Any, ...], list[Any]] = {}
    for r in records:
        key = (r.domain, r.name, r.images, repr(r.extra) if r.extra else ())
        seen = counted.get(key)
        if seen is None:
            counted[key] = [r, 1]
        else:
            seen[1] += 1
    said = list(counted.values())  # not a dict of records: their equality is the one set aside above
    real: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for r, times in said:
        if r.name:
            named[r.name] += times
            if _is_real_name(r):
                real[r.name] += times
    # The site's own profile of the organization (``_data/organizations/*``) names it, whatever articles say.
    profiled = Counter(r.name for r, _ in said if r.name and ("taxonomy", "organization") in r.extra)
    names = profiled or real or named
    name = min(names, key=lambda n: (-names[n], n)) if names else None
    records = sorted((r for r, _ in said), key=lambda r: repr((r.name, r.images, r.extra)))
    return Provider(
        iri=first.iri,
        domain=first.domain,
        name=name,
        images=_union(r.images for r in records),
        extra=_merge_extra(r.extra for r in records),
    )


def _is_real_name(provider: Provider) -> bool:
    """A name that is more than the domain repeated."""
    return bool(provider.name) and provider_domain(provider.name or "") != provider.domain


def _merge_topics(records: list[Topic]) -> Topic:
    if len(records) == 1:
        return records[0]
    profiles = [r for r in records if r.profiled]
    # The taxonomy's name wins over the articles' spellings; of several taxonomy files, the most said.
    spellings = Counter(r.label for r in (profiles or records))
    label = min(spellings, key=lambda s: (-spellings[s], s))
    assert all(topic_key(r.label) == topic_key(label) for r in records)
    if not profiles:
        return Topic(records[0].iri, label)
    profiles.sort(key=lambda r: repr((r.notation, r.label, r.broader, r.alt_labels, r.images, r.extra)))
    return Topic(
        records[0].iri,
        label,
        broader=_union(r.broader for r in profiles),
        alt_labels=_union(r.alt_labels for r in profiles),
        notation=_first(r.notation for r in profiles),
        images=_union(r.images for r in profiles),
        extra=_merge_extra(r.extra for r in profiles),
    )


def _merge_images(records: list[Image]) -> Image:
    if len(records) == 1:
        return records[0]
    # Repeats dropped first, by the sort key: records with the same key are the same record (the
    # records' own equality would not do: ``1 == True``, so it would keep whichever came first).
    unique: dict[tuple[bool, bool, str], Image] = {}
    for r in records:
        unique.setdefault(
            (r.width is None, r.height is None, repr((r.url, r.width, r.height, r.extra, r.content_url))), r
        )
    records = [unique[key] for key in sorted(unique)]
    return Image(
        iri=records[0].iri,
        url=records[0].url,
        width=_first(r.width for r in records),
        height=_first(r.height for r in records),
        extra=_merge_extra(r.extra for r in records),
        content_url=_first(r.content_url for r in records),
    )


def _union(tuples: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(sorted(set().union(*tuples)))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
