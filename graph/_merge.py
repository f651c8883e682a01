"""Identity and merge: many files' records become one record per thing.

A related stub whose URL is any URL of an article the corpus has in full is that
article. Records of the same thing merge field by field, the full article's
fields winning over a stub's, in an order that depends only on the records'
content, never on file order or file names.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any

from ._identity import DEFAULT_BASE, provider_domain, topic_key
from ._records import Article, Extra, FileRecords, Image, Provider, Topic
from ._sources import Diagnostic

__all__ = [
    "Corpus",
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
    """

    base: str = DEFAULT_BASE
    articles: dict[str, Article] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    files: list[FileRecords] = field(default_factory=list)

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

    >>> from graph._sources import find_sources, read_document
    >>> from graph._records import extract
    >>> corpus = merge(extract(read_document(s)) for s in find_sources(["seeds"]))
    >>> len(corpus.articles), len(corpus.providers), len(corpus.topics), len(corpus.images)
    (4, 4, 2, 4)
    """
    files = sorted(files, key=lambda f: f.source)
    url_map = _url_map(files)
    files = [resolve_file(f, url_map) for f in files]
    articles, providers, topics, images = merge_groups(group_records(files))
    return Corpus(base, articles, providers, topics, images, files)


#: Records grouped by IRI, one mapping per kind: articles, providers, topics, images.
Groups = tuple[dict[str, list[Article]], dict[str, list[Provider]], dict[str, list[Topic]], dict[str, list[Image]]]
#: One merged record per IRI, each mapping sorted by IRI: articles, providers, topics, images.
Merged = tuple[dict[str, Article], dict[str, Provider], dict[str, Topic], dict[str, Image]]


def group_records(files: Iterable[FileRecords]) -> Groups:
    """The records of ``files`` (stubs already resolved) grouped by IRI, per kind.

    Merging a group does not depend on the order of its records, so groups may
    be gathered from files in any order, or from any part of a corpus.
    """
    articles: dict[str, list[Article]] = defaultdict(list)
    providers: dict[str, list[Provider]] = defaultdict(list)
    topics: dict[str, list[Topic]] = defaultdict(list)
    images: dict[str, list[Image]] = defaultdict(list)
    for f in files:
        for article in f.articles:
            articles[article.iri].append(article)
        for provider in f.providers:
            providers[provider.iri].append(provider)
        for topic in f.topics:
            topics[topic.iri].append(topic)
        for image in f.images:
            images[image.iri].append(image)
    return articles, providers, topics, images


def merge_groups(groups: Groups) -> Merged:
    """One record per IRI: each group of :func:`group_records` merged field by field, sorted by IRI."""
    articles, providers, topics, images = groups
    return (
        {iri: _merge_articles(articles[iri]) for iri in sorted(articles)},
        {iri: _merge_providers(providers[iri]) for iri in sorted(providers)},
        {iri: _merge_topics(topics[iri]) for iri in sorted(topics)},
        {iri: _merge_images(images[iri]) for iri in sorted(images)},
    )


def _url_map(files: Sequence[FileRecords]) -> dict[str, str]:
    """Canonical URL → IRI of the full article known by it.

    A full article owns its canonical URL; its other URLs point at it unless
    they are another full article's canonical URL. A URL claimed by several
    full articles goes to the smallest IRI, so the answer is order-free.
    """
    return {url: iri for url, (_, iri) in url_claims(files).items()}


def url_claims(files: Iterable[FileRecords]) -> UrlClaims:
    """The :data:`UrlClaims` of the full articles of ``files`` (stubs claim nothing).

    >>> from graph._records import Article
    >>> a = FileRecords("a.md", [Article("id:a", "https://a.example/1", urls=("https://a.example/1", "https://b.example/1"))])
    >>> url_claims([a])
    {'https://a.example/1': (0, 'id:a'), 'https://b.example/1': (1, 'id:a')}
    """
    claims: UrlClaims = {}
    for f in files:
        if f.rejected:
            continue
        article = f.articles[0]
        for rank, url in enumerate(article.urls):
            claim = (min(rank, 1), article.iri)
            if url not in claims or claim < claims[url]:
                claims[url] = claim
    return claims


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
    for article in f.articles:
        iri = next((url_map[u] for u in article.urls if u in url_map), article.iri)
        renamed[article.iri] = iri
        articles.append(article if iri == article.iri else replace(article, iri=iri))
    if not renamed or all(k == v for k, v in renamed.items()):
        return f
    articles = [replace(a, related=_unique(renamed.get(r, r) for r in a.related)) if a.related else a for a in articles]
    return replace(f, articles=articles)


def _rank(article: Article) -> tuple[Any, ...]:
    """Sort key: full articles first, then the record that says the most, then content."""
    return (*_head(article), repr(_content(article)))


def _head(article: Article) -> tuple[bool, int, int]:
    said = sum(
        v is not None and v != ()
        for v in (article.title, article.excerpt, article.date_published, article.type, article.provider)
    )
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
        keys_here: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for pair in extra:
            keys_here[pair[0]].append(pair)
        for key, pairs in keys_here.items():
            chosen.setdefault(key, pairs)
    return tuple(pair for key in sorted(chosen) for pair in chosen[key])


def _merge_articles(records: list[Article]) -> Article:
    if len(records) == 1:
        return records[0]
    records = _ranked(records)
    winner = records[0]
    return Article(
        iri=winner.iri,
        url=winner.url,
        title=_first(r.title for r in records),
        excerpt=_first(r.excerpt for r in records),
        date_published=_first(r.date_published for r in records),
        type=_first(r.type for r in records),
        provider=_first(r.provider for r in records),
        topics=_union(r.topics for r in records),
        images=_union(r.images for r in records),
        related=_union(r.related for r in records),
        urls=(winner.url, *sorted({u for r in records for u in r.urls} - {winner.url})),
        stub=all(r.stub for r in records),
        sources=_union(r.sources for r in records),
        extra=_merge_extra(r.extra for r in records),
    )


def _merge_providers(records: list[Provider]) -> Provider:
    first = records[0]
    if len(records) == 1 and (first.name is None or _is_real_name(first)):
        return first
    # Many files say the same of a provider: count the names with every record, merge the distinct ones
    # (two records with the same sort key are the same record, so dropping repeats changes nothing).
    said = Counter(records)
    real: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for r, times in said.items():
        if r.name:
            named[r.name] += times
            if _is_real_name(r):
                real[r.name] += times
    names = real or named
    name = min(names, key=lambda n: (-names[n], n)) if names else None
    records = sorted(said, key=lambda r: repr((r.name, r.images, r.extra)))
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
    spellings = Counter(r.label for r in records)
    label = min(spellings, key=lambda s: (-spellings[s], s))
    assert all(topic_key(s) == topic_key(label) for s in spellings)
    return Topic(records[0].iri, label)


def _merge_images(records: list[Image]) -> Image:
    if len(records) == 1:
        return records[0]
    records = sorted(  # repeats dropped first: records with the same sort key are the same record
        dict.fromkeys(records),
        key=lambda r: (r.width is None, r.height is None, repr((r.url, r.width, r.height, r.extra))),
    )
    return Image(
        iri=records[0].iri,
        url=records[0].url,
        width=_first(r.width for r in records),
        height=_first(r.height for r in records),
        extra=_merge_extra(r.extra for r in records),
    )


def _union(tuples: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(sorted({item for t in tuples for item in t}))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
