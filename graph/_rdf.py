"""RDF: the corpus as triples, written as N-Triples terms.

Every resource is an IRI (no blank nodes), every literal is typed the same way
every time, and subjects, predicates and objects are emitted in sorted order,
so the output is byte-stable. Triples are produced per subject as *blocks*
``(subject, [(predicate, object), ...])``; the serializers in
:mod:`graph.formats` lay blocks out as N-Triples, Turtle, N-Quads or TriG.

The mapping of input fields to predicates is :data:`FIELD_PREDICATES` (and the
README's table); fields schema.org has no term for go under :data:`VOCAB`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache, partial
from typing import Any
from urllib.parse import quote, unquote

from ._identity import safe_iri, source_iri, topic_scheme_iri
from ._merge import Corpus
from ._records import Article, Extra, FileRecords, Image, Provider, Scalar, Topic

__all__ = [
    "FIELD_PREDICATES",
    "PREFIXES",
    "VOCAB",
    "Block",
    "Entry",
    "balanced_cuts",
    "block_entries",
    "build_iri",
    "dataset_blocks",
    "resolution_blocks",
    "default_blocks",
    "document_blocks",
    "entry_blocks",
    "iri",
    "literal",
    "merged_blocks",
    "vocab_key",
]

SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: The project vocabulary: fields schema.org has no term for. Fixed, whatever ``--base``.
VOCAB = "https://newsgraph.example/vocab#"

#: Prefixes written in Turtle and TriG and bound for SPARQL.
PREFIXES = {
    "dcterms": DCTERMS,
    "ng": VOCAB,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "skos": SKOS,
    "xsd": XSD,
}

#: A block: a subject and its (predicate, object) pairs, all as N-Triples terms.
Block = tuple[str, list[tuple[str, str]]]

#: Input field → predicate, for the fields with a standard term. Any other field
#: ``key`` becomes ``ng:key`` (nested keys joined by dots: ``images.isCached`` →
#: ``ng:isCached`` on the image). Keys are as in the input; fields of an image are
#: under ``images.`` wherever the image is (article images, provider logos).
FIELD_PREDICATES = {
    "title": f"{SCHEMA}headline",
    "excerpt": f"{SCHEMA}abstract",
    "publishedDateTime": f"{SCHEMA}datePublished",
    "category": f"{SCHEMA}articleSection",
    "provider": f"{SCHEMA}publisher",
    "topics": f"{SCHEMA}about",
    "images": f"{SCHEMA}image",
    "related": f"{DCTERMS}relation",
    "provider.name": f"{SCHEMA}name",
    "provider.images": f"{SCHEMA}logo",
    "images.url": f"{SCHEMA}contentUrl",
    "images.width": f"{SCHEMA}width",
    "images.height": f"{SCHEMA}height",
    "images.title": f"{SCHEMA}name",
}

_TYPE = f"<{RDF}type>"
# Terms the blocks use again and again, made once.
_NEWS_ARTICLE = f"<{SCHEMA}NewsArticle>"
_VIDEO_OBJECT = f"<{SCHEMA}VideoObject>"
_IMAGE_OBJECT = f"<{SCHEMA}ImageObject>"
_URL = f"<{SCHEMA}url>"
_HEADLINE = f"<{SCHEMA}headline>"
_ABSTRACT = f"<{SCHEMA}abstract>"
_DATE_PUBLISHED = f"<{SCHEMA}datePublished>"
_PUBLISHER = f"<{SCHEMA}publisher>"
_ABOUT = f"<{SCHEMA}about>"
_IMAGE = f"<{SCHEMA}image>"
_RELATION = f"<{DCTERMS}relation>"
_SOURCE = f"<{DCTERMS}source>"
_CONTENT_URL = f"<{SCHEMA}contentUrl>"
_WIDTH = f"<{SCHEMA}width>"
_HEIGHT = f"<{SCHEMA}height>"
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Also escaped: the line breaks some N-Triples readers split lines on (U+0085, U+2028, U+2029); a lone
# surrogate (no UTF-8 form) becomes U+FFFD.
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]')
_ODD_IN_IRI = re.compile("[\u2028\u2029\ud800-\udfff]")


@lru_cache(maxsize=1 << 16)  # a pure function; providers, topics and images come up again and again
def iri(value: str) -> str:
    """An IRI as an N-Triples term, percent-encoding what an IRI may not hold.

    >>> iri("https://example.com/a b\u2028")
    '<https://example.com/a%20b%E2%80%A8>'
    """
    return f"<{_ODD_IN_IRI.sub(_percent, safe_iri(value))}>"


def _percent(match: re.Match[str]) -> str:
    char = match.group(0)
    return "%EF%BF%BD" if "\ud800" <= char <= "\udfff" else quote(char, safe="")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def literal(value: Scalar) -> str:
    """A Python value as a typed N-Triples literal.

    >>> literal("say \\"hi\\"\\n"), literal(42), literal(True)
    ('"say \\\\"hi\\\\"\\\\n"', '"42"^^<http://www.w3.org/2001/XMLSchema#integer>', '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>')
    """
    if type(value) is str:  # most literals: checked first
        return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, float):
        text = repr(value) if math.isfinite(value) else ("NaN" if value != value else ("INF" if value > 0 else "-INF"))
        return f'"{text}"^^<{XSD}double>'
    if isinstance(value, dt.datetime):
        return f'"{_instant(value)}"^^<{XSD}dateTime>'
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


def _instant(value: dt.datetime) -> str:
    value = value.astimezone(dt.UTC)
    # Not strftime: its %Y does not pad years before 1000, and xsd:dateTime needs four digits.
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


@lru_cache(maxsize=4096)
def _vocab(key: str) -> str:
    return f"<{VOCAB}{quote(key, safe='.-_')}>"


def vocab_key(predicate: str) -> str | None:
    """The input key a project-vocabulary predicate IRI stands for (``None`` for other IRIs).

    >>> vocab_key("https://newsgraph.example/vocab#isCached")
    'isCached'
    """
    if not predicate.startswith(VOCAB):
        return None
    return unquote(predicate[len(VOCAB) :])


@lru_cache(maxsize=4096)  # keys are few
def _predicate(key: str, scope: str = "") -> str:
    name = f"{scope}.{key}" if scope else key
    return f"<{FIELD_PREDICATES[name]}>" if name in FIELD_PREDICATES else _vocab(key)


def _extra_pairs(extra: Extra, scope: str = "") -> list[tuple[str, str]]:
    return [(_predicate(key, scope), literal(value)) for key, value in extra]


_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _url_term(url: str) -> str:
    """An absolute URL as an IRI; anything else (a URL the feed got wrong) as text."""
    return iri(url) if _ABSOLUTE.match(url) else literal(url)


def build_iri(base: str) -> str:
    """The IRI of the build (a ``prov:Activity`` that used every source file).

    >>> build_iri("https://newsgraph.example/id/")
    'https://newsgraph.example/id/build'
    """
    return f"{base}build"


def article_pairs(a: Article, base: str, primary: str | None = None) -> list[tuple[str, str]]:
    """The (predicate, object) pairs that describe an article.

    ``primary`` is the canonical URL of the node the record is (default: the
    record's own): it is ``schema:url``; the article's other canonical URLs are
    ``ng:url`` (IRIs). The URLs as written are kept too (``ng:webUrl``, ...).
    """
    primary = a.url if primary is None else primary
    pairs = [(_TYPE, _NEWS_ARTICLE)]
    other_url = _vocab("url")
    for url in dict.fromkeys((a.url, *a.urls)):
        pairs.append((_URL if url == primary else other_url, _url_term(url)))
    if a.type == "video":
        pairs.append((_TYPE, _VIDEO_OBJECT))
    if a.title is not None:
        pairs.append((_HEADLINE, literal(a.title)))
    if a.excerpt is not None:
        pairs.append((_ABSTRACT, literal(a.excerpt)))
    if a.date_published is not None:
        pairs.append((_DATE_PUBLISHED, literal(a.date_published)))
    if a.type is not None:
        pairs.append((_vocab("type"), literal(a.type)))
    if a.provider:
        pairs.append((_PUBLISHER, iri(a.provider)))
    pairs += [(_ABOUT, iri(t)) for t in a.topics]
    pairs += [(_IMAGE, iri(m)) for m in a.images]
    pairs += [(_RELATION, iri(r)) for r in a.related]
    pairs += [(_SOURCE, iri(source_iri(s, base))) for s in a.sources]
    # Every other field, webUrl and originalUrl as written among them.
    pairs += _extra_pairs(a.extra)
    return pairs


def provider_pairs(p: Provider) -> list[tuple[str, str]]:
    """The (predicate, object) pairs that describe a provider."""
    pairs = [(_TYPE, f"<{SCHEMA}Organization>"), (_vocab("domain"), literal(p.domain))]
    if p.name is not None:
        pairs.append((f"<{SCHEMA}name>", literal(p.name)))
    pairs += [(f"<{SCHEMA}logo>", iri(m)) for m in p.images]
    pairs += _extra_pairs(p.extra, "provider")
    return pairs


def topic_pairs(t: Topic, scheme: str) -> list[tuple[str, str]]:
    """The (predicate, object) pairs that describe a topic."""
    return [
        (_TYPE, f"<{SKOS}Concept>"),
        (f"<{SKOS}prefLabel>", literal(t.label)),
        (f"<{SKOS}inScheme>", iri(scheme)),
    ]


def image_pairs(m: Image) -> list[tuple[str, str]]:
    """The (predicate, object) pairs that describe an image."""
    pairs = [(_TYPE, _IMAGE_OBJECT)]
    if _is_web_url(m.url):
        pairs.append((_CONTENT_URL, iri(m.url)))
    pairs.append((_vocab("url"), literal(m.url)))
    if m.width is not None:
        pairs.append((_WIDTH, literal(m.width)))
    if m.height is not None:
        pairs.append((_HEIGHT, literal(m.height)))
    pairs += _extra_pairs(m.extra, "images")
    return pairs


def source_block(f: FileRecords, base: str) -> Block:
    """A source file: a ``schema:DigitalDocument`` whose main entity is its article (if it gave one)."""
    pairs = [(_TYPE, f"<{SCHEMA}DigitalDocument>"), (f"<{DCTERMS}identifier>", literal(f.source))]
    if not f.rejected:
        pairs.append((f"<{SCHEMA}mainEntity>", iri(f.articles[0].iri)))
    return iri(source_iri(f.source, base)), sorted(pairs)


def _blocks(
    articles: Iterable[Article],
    providers: Iterable[Provider],
    topics: Iterable[Topic],
    images: Iterable[Image],
    base: str,
    primary: dict[str, Article] | None = None,
) -> Iterator[Block]:
    scheme = topic_scheme_iri(base)
    by_subject: dict[str, set[tuple[str, str]]] = {}
    for a in articles:
        url = primary[a.iri].url if primary is not None and a.iri in primary else None
        by_subject.setdefault(iri(a.iri), set()).update(article_pairs(a, base, url))
    for p in providers:
        by_subject.setdefault(iri(p.iri), set()).update(provider_pairs(p))
    for t in topics:
        by_subject.setdefault(iri(t.iri), set()).update(topic_pairs(t, scheme))
    for m in images:
        by_subject.setdefault(iri(m.iri), set()).update(image_pairs(m))
    for subject in sorted(by_subject):
        yield subject, sorted(by_subject[subject])


def merged_blocks(corpus: Corpus, part: tuple[int, int] = (0, 1)) -> Iterator[Block]:
    """The merged graph: one description per node, sorted by subject.

    It is exactly the union of :func:`default_blocks` and every file's
    :func:`document_blocks` wherever the files agree; where they disagree on a
    field that has one value (a stub's title), the merged record's value wins.
    ``part=(i, n)`` gives the i-th of n contiguous slices of the blocks, in order.

    >>> from graph import build
    >>> subject, pairs = next(merged_blocks(build(["seeds"]).corpus))
    >>> subject.startswith("<https://newsgraph.example/id/article/")
    True
    """
    entries = block_entries(corpus)
    i, n = part
    yield from entry_blocks(corpus, entries, len(entries) * i // n, len(entries) * (i + 1) // n)


#: What :func:`merged_blocks` makes its blocks from: (subject, what, data) sorted by subject,
#: ``what`` 0 for a node (data: its records), 1 for a source file, 2 for a ready block (data: its pairs).
Entry = tuple[str, int, Any]


def block_entries(corpus: Corpus) -> list[Entry]:
    """The subjects of :func:`merged_blocks`, sorted, each with what its block is made from.

    The blocks are made one at a time, in subject order, and never all held at
    once: only this (light) list is sorted. Same blocks, same order as sorting
    every block of ``_blocks(...)``, the source blocks and the defaults.
    """
    base = corpus.base
    nodes: dict[str, list[tuple[int, Any]]] = {}
    for kind, table in enumerate((corpus.articles, corpus.providers, corpus.topics, corpus.images)):
        for record in table.values():
            nodes.setdefault(iri(record.iri), []).append((kind, record))
    entries: list[Entry] = [(subject, 0, nodes[subject]) for subject in sorted(nodes)]
    del nodes
    entries += [(iri(source_iri(f.source, base)), 1, f) for f in corpus.files]
    entries += [(subject, 2, pairs) for subject, pairs in default_blocks(corpus)]
    entries.sort(key=lambda entry: entry[0])  # stable, as sorting the blocks was
    return entries


def balanced_cuts(entries: Sequence[Entry], n: int) -> list[int]:
    """``n + 1`` indexes cutting ``entries`` into ``n`` contiguous slices of about equal work.

    Work is counted in (predicate, object) pairs, roughly: an article's block
    is several times an image's, so equal numbers of entries would not do.

    >>> balanced_cuts([("a", 1, None)] * 10, 3)
    [0, 4, 7, 10]
    """
    weights = [_weight(what, data) for _, what, data in entries]
    total = sum(weights)
    cuts = [0]
    done = 0
    for index, weight in enumerate(weights):
        if len(cuts) < n and done >= total * len(cuts) / n:
            cuts.append(index)
        done += weight
    cuts += [len(entries)] * (n + 1 - len(cuts))
    return cuts


def _weight(what: int, data: Any) -> int:
    if what == 1:
        return 3
    if what == 2:
        return len(data)
    weight = 0
    for kind, r in data:
        if kind == 0:
            weight += 6 + len(r.urls) + len(r.topics) + len(r.images) + len(r.related) + len(r.sources) + len(r.extra)
        elif kind == 1:
            weight += 3 + len(r.images) + len(r.extra)
        elif kind == 2:
            weight += 3
        else:
            weight += 4 + len(r.extra)
    return weight


def entry_blocks(corpus: Corpus, entries: Sequence[Entry], start: int = 0, stop: int | None = None) -> Iterator[Block]:
    """The blocks of ``entries[start:stop]`` (from :func:`block_entries`), in order."""
    base = corpus.base
    scheme = topic_scheme_iri(base)
    describe: tuple[Callable[[Any], list[tuple[str, str]]], ...] = (
        lambda a: article_pairs(a, base),
        provider_pairs,
        lambda t: topic_pairs(t, scheme),
        image_pairs,
    )
    for index in range(start, len(entries) if stop is None else stop):
        subject, what, data = entries[index]
        if what == 0:
            pairs: set[tuple[str, str]] = set()
            for kind, record in data:
                pairs.update(describe[kind](record))
            yield subject, sorted(pairs)
        elif what == 1:
            yield source_block(data, base)
        else:
            yield subject, data


def default_blocks(corpus: Corpus) -> Iterator[Block]:
    """What belongs to no single file: the topic concept scheme and the build (PROV-O)."""
    scheme = topic_scheme_iri(corpus.base)
    yield (
        iri(build_iri(corpus.base)),
        sorted(
            [(_TYPE, f"<{PROV}Activity>"), (f"<{RDFS}label>", literal("newsgraph build"))]
            + [(f"<{PROV}used>", iri(source_iri(f.source, corpus.base))) for f in corpus.files]
        ),
    )
    yield (
        iri(scheme),
        sorted(
            [(_TYPE, f"<{SKOS}ConceptScheme>"), (f"<{SKOS}prefLabel>", literal("newsgraph topics"))]
            + [(f"<{SKOS}hasTopConcept>", iri(t)) for t in corpus.topics]
        ),
    )


def document_blocks(f: FileRecords, corpus: Corpus) -> tuple[str, list[Block]]:
    """What one file says, as (graph IRI, blocks), with stubs resolved to their nodes.

    The graph IRI is the file's source IRI (from its path relative to the build
    root); the graph also describes the file itself (:func:`source_block`).

    >>> from graph import build
    >>> corpus = build(["seeds"]).corpus
    >>> name, blocks = document_blocks(corpus.files[0], corpus)
    >>> name
    '<https://newsgraph.example/id/source/000_538a4fffcd099543.txt>'
    """
    blocks = list(_blocks(f.articles, f.providers, f.topics, f.images, corpus.base, corpus.articles))
    blocks.append(source_block(f, corpus.base))
    return iri(source_iri(f.source, corpus.base)), sorted(blocks, key=lambda block: block[0])


def _merged_describers(corpus: Corpus) -> dict[str, Callable[[], list[tuple[str, str]]]]:
    """Subject term → a function giving its merged pairs, for nodes that more than one record describes."""
    seen: Counter[str] = Counter()
    for f in corpus.files:
        seen.update(r.iri for records in (f.articles, f.providers, f.topics, f.images) for r in records)
    scheme = topic_scheme_iri(corpus.base)
    out: dict[str, Callable[[], list[tuple[str, str]]]] = {}
    for table, describe in (
        (corpus.articles, lambda a: article_pairs(a, corpus.base)),
        (corpus.providers, provider_pairs),
        (corpus.topics, lambda t: topic_pairs(t, scheme)),
        (corpus.images, image_pairs),
    ):
        for key, record in table.items():
            if seen[key] > 1:
                out[iri(key)] = partial(describe, record)
    return out


def resolution_blocks(corpus: Corpus) -> list[Block]:
    """Where files disagree, the merged graph's values (for the default graph of the dataset).

    A node's (subject, predicate) is in disagreement when some file's graph
    says a value the merged graph does not (a stub's title that lost to the
    full article's). These blocks hold the merged values of exactly those: the
    flattened dataset stays the union of what the files said, and a reader can
    tell which value the build chose. Where files agree there are none.

    >>> from graph import build
    >>> resolution_blocks(build(["seeds"]).corpus)
    []
    """
    describers = _merged_describers(corpus)
    disputed: dict[str, set[str]] = {}
    for f in corpus.files:
        _, blocks = document_blocks(f, corpus)
        for subject, pairs in blocks:
            if subject not in describers:
                continue
            merged = set(describers[subject]())
            for pair in pairs:
                if pair not in merged:
                    disputed.setdefault(subject, set()).add(pair[0])
    return [
        (subject, sorted(pair for pair in describers[subject]() if pair[0] in disputed[subject]))
        for subject in sorted(disputed)
    ]


def dataset_blocks(corpus: Corpus) -> Iterator[tuple[str | None, list[Block]]]:
    """The dataset: the default graph (``None``) first, then one named graph per file, by graph IRI.

    The default graph holds what belongs to no single file: the concept
    scheme, the build and, where files disagree, the merged values
    (:func:`resolution_blocks`).

    >>> from graph import build
    >>> [name for name, _ in dataset_blocks(build(["seeds"]).corpus)][:2]
    [None, '<https://newsgraph.example/id/source/000_538a4fffcd099543.txt>']
    """
    yield None, sorted([*default_blocks(corpus), *resolution_blocks(corpus)], key=lambda block: block[0])
    for f in sorted(corpus.files, key=lambda f: iri(source_iri(f.source, corpus.base))):
        yield document_blocks(f, corpus)
