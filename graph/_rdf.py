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
import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from ._identity import safe_iri, source_iri, topic_scheme_iri
from ._merge import Corpus
from ._records import Article, Extra, FileRecords, Image, Provider, Scalar, Topic

__all__ = [
    "FIELD_PREDICATES",
    "PREFIXES",
    "VOCAB",
    "Block",
    "document_blocks",
    "literal",
    "merged_blocks",
    "iri",
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
#: ``key`` becomes ``ng:key``.
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
}

_TYPE = f"<{RDF}type>"
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


def iri(value: str) -> str:
    """An IRI as an N-Triples term, percent-encoding what an IRI may not hold.

    >>> iri("https://example.com/a b")
    '<https://example.com/a%20b>'
    """
    return f"<{safe_iri(value)}>"


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def literal(value: Scalar) -> str:
    """A Python value as a typed N-Triples literal.

    >>> literal("say \\"hi\\"\\n"), literal(42), literal(True)
    ('"say \\\\"hi\\\\"\\\\n"', '"42"^^<http://www.w3.org/2001/XMLSchema#integer>', '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>')
    """
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, float):
        return f'"{value!r}"^^<{XSD}double>'
    if isinstance(value, dt.datetime):
        return f'"{_instant(value)}"^^<{XSD}dateTime>'
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


def _instant(value: dt.datetime) -> str:
    value = value.astimezone(dt.UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def _vocab(key: str) -> str:
    return f"<{VOCAB}{quote(key, safe='.-_')}>"


def _predicate(key: str, scope: str = "") -> str:
    name = f"{scope}.{key}" if scope else key
    return f"<{FIELD_PREDICATES[name]}>" if name in FIELD_PREDICATES else _vocab(key)


def _extra_pairs(extra: Extra, scope: str = "") -> list[tuple[str, str]]:
    return [(_predicate(key, scope), literal(value)) for key, value in extra]


def _is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def article_pairs(a: Article, base: str) -> list[tuple[str, str]]:
    """The (predicate, object) pairs that describe an article."""
    pairs = [(_TYPE, f"<{SCHEMA}NewsArticle>"), (f"<{SCHEMA}url>", iri(a.url))]
    if a.type == "video":
        pairs.append((_TYPE, f"<{SCHEMA}VideoObject>"))
    if a.title is not None:
        pairs.append((f"<{SCHEMA}headline>", literal(a.title)))
    if a.excerpt is not None:
        pairs.append((f"<{SCHEMA}abstract>", literal(a.excerpt)))
    if a.date_published is not None:
        pairs.append((f"<{SCHEMA}datePublished>", literal(a.date_published)))
    if a.type is not None:
        pairs.append((_vocab("type"), literal(a.type)))
    if a.provider:
        pairs.append((f"<{SCHEMA}publisher>", iri(a.provider)))
    pairs += [(f"<{SCHEMA}about>", iri(t)) for t in a.topics]
    pairs += [(f"<{SCHEMA}image>", iri(m)) for m in a.images]
    pairs += [(f"<{DCTERMS}relation>", iri(r)) for r in a.related]
    pairs += [(_vocab("url"), iri(u)) for u in a.urls[1:]]
    pairs += [(f"<{DCTERMS}source>", iri(source_iri(s, base))) for s in a.sources]
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
    pairs = [(_TYPE, f"<{SCHEMA}ImageObject>")]
    if _is_web_url(m.url):
        pairs.append((f"<{SCHEMA}contentUrl>", iri(m.url)))
    pairs.append((_vocab("url"), literal(m.url)))
    if m.width is not None:
        pairs.append((f"<{SCHEMA}width>", literal(m.width)))
    if m.height is not None:
        pairs.append((f"<{SCHEMA}height>", literal(m.height)))
    pairs += _extra_pairs(m.extra, "images")
    return pairs


def _blocks(
    articles: Iterable[Article],
    providers: Iterable[Provider],
    topics: Iterable[Topic],
    images: Iterable[Image],
    base: str,
) -> Iterator[Block]:
    scheme = topic_scheme_iri(base)
    by_subject: dict[str, set[tuple[str, str]]] = {}
    for a in articles:
        by_subject.setdefault(iri(a.iri), set()).update(article_pairs(a, base))
    for p in providers:
        by_subject.setdefault(iri(p.iri), set()).update(provider_pairs(p))
    for t in topics:
        by_subject.setdefault(iri(t.iri), set()).update(topic_pairs(t, scheme))
    for m in images:
        by_subject.setdefault(iri(m.iri), set()).update(image_pairs(m))
    for subject in sorted(by_subject):
        yield subject, sorted(by_subject[subject])


def merged_blocks(corpus: Corpus) -> Iterator[Block]:
    """The merged graph: one description per node, sorted by subject.

    >>> from graph import build
    >>> subject, pairs = next(merged_blocks(build(["seeds"]).corpus))
    >>> subject.startswith("<https://newsgraph.example/id/article/")
    True
    """
    blocks = list(
        _blocks(
            corpus.articles.values(),
            corpus.providers.values(),
            corpus.topics.values(),
            corpus.images.values(),
            corpus.base,
        )
    )
    blocks += default_blocks(corpus)
    yield from sorted(blocks, key=lambda block: block[0])


def default_blocks(corpus: Corpus) -> Iterator[Block]:
    """What belongs to no single file: the topic concept scheme."""
    scheme = topic_scheme_iri(corpus.base)
    yield (
        iri(scheme),
        sorted(
            [(_TYPE, f"<{SKOS}ConceptScheme>"), (f"<{SKOS}prefLabel>", literal("newsgraph topics"))]
            + [(f"<{SKOS}hasTopConcept>", iri(t)) for t in corpus.topics]
        ),
    )


def document_blocks(f: FileRecords, corpus: Corpus) -> tuple[str, list[Block]]:
    """What one file says, as (graph IRI, blocks), with stubs resolved to their nodes."""
    blocks = list(_blocks(f.articles, f.providers, f.topics, f.images, corpus.base))
    return iri(source_iri(f.source, corpus.base)), blocks
