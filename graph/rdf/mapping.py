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
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any
from urllib.parse import quote, unquote

from graph.model.merge import Corpus
from graph.rdf.alternatives import Disputes, disputes
from graph.rdf.terms import DCTERMS, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, VOCAB, XSD, alternative
from graph.read.identity import safe_iri, source_iri, topic_scheme_iri
from graph.read.records import Article, Extra, FileRecords, Image, Provider, Scalar, Topic
from graph.read.site import CREATIVE_WORKS
from graph.read.sources import display_name

__all__ = [
    "DCTERMS",
    "FIELD_PREDICATES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "XSD",
    "PREFIXES",
    "VOCAB",
    "Block",
    "Describer",
    "Entry",
    "balanced_cuts",
    "block_entries",
    "build_iri",
    "dataset_blocks",
    "default_blocks",
    "document_blocks",
    "entry_blocks",
    "iri",
    "literal",
    "merged_blocks",
    "vocab_key",
]

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
    "startDateTime": f"{SCHEMA}startDate",
    "endDateTime": f"{SCHEMA}endDate",
    "provider.description": f"{SCHEMA}description",
    "provider.otherNames": f"{SCHEMA}alternateName",
    "provider._id": f"{DCTERMS}identifier",
    "topic.description": f"{SKOS}definition",
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
    text = safe_iri(value)
    if not text.isascii():  # the characters _ODD_IN_IRI finds are all beyond ASCII
        text = _ODD_IN_IRI.sub(_percent, text)
    return f"<{text}>"


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
    kind = type(value)
    if kind is str:  # most literals: checked first
        return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'  # type: ignore[arg-type]
    if kind is int:  # a feed's numbers are few (scores, sizes): made once each
        term = _INTEGERS.get(value)  # type: ignore[arg-type]
        if term is None:
            term = f'"{value}"^^<{XSD}integer>'
            if len(_INTEGERS) < 65536:
                _INTEGERS[value] = term  # type: ignore[index]
        return term
    if kind is dt.datetime:
        return f'"{_instant(value)}"^^<{XSD}dateTime>'  # type: ignore[arg-type]
    if isinstance(value, bool):
        return _TRUE if value else _FALSE
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, float):
        text = repr(value) if math.isfinite(value) else ("NaN" if value != value else ("INF" if value > 0 else "-INF"))
        return f'"{text}"^^<{XSD}double>'
    if isinstance(value, dt.datetime):
        return f'"{_instant(value)}"^^<{XSD}dateTime>'
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


_TRUE = f'"true"^^<{XSD}boolean>'
_FALSE = f'"false"^^<{XSD}boolean>'
# int -> its literal (``type(value) is int`` only: True, equal to 1, never looks here).
_INTEGERS: dict[int, str] = {}


def _instant(value: dt.datetime) -> str:
    if value.tzinfo is not dt.UTC:  # records hold UTC already: then there is nothing to convert
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


def _predicate(key: str, scope: str = "") -> str:
    """The predicate term of an input key (``scope``: where the key is, ``provider`` or ``images``)."""
    known = _PREDICATES[scope]
    term = known.get(key)
    if term is None:
        name = f"{scope}.{key}" if scope else key
        term = f"<{FIELD_PREDICATES[name]}>" if name in FIELD_PREDICATES else _vocab(key)
        if len(known) < 4096:  # keys are few; a hostile corpus of a million keys must not grow this
            known[key] = term
    return term


# Input key → predicate term, per scope: a plain dict (faster than a cache wrapper in the hot loop).
_PREDICATES: dict[str, dict[str, str]] = {"": {}, "provider": {}, "images": {}, "topic": {}}


def _extra_pairs(extra: Extra, scope: str = "") -> list[tuple[str, str]]:
    known = _PREDICATES[scope]
    return [(known.get(key) or _predicate(key, scope), literal(value)) for key, value in extra]


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


class Describer:
    """Records to (predicate, object) pairs, for one base IRI.

    A build names every node several times (as a subject, and as the object of
    each edge to it) and every source file twice or more: with ``remember``
    their terms are made once and kept, so keep one describer for one corpus
    (its memory grows with the nodes it has named). Without, nothing is kept
    beyond the bounded cache of :func:`iri`.

    >>> d = Describer("https://newsgraph.example/id/")
    >>> d.term("https://newsgraph.example/id/topic/ai"), d.source("2021/a b.md")
    ('<https://newsgraph.example/id/topic/ai>', '<https://newsgraph.example/id/source/2021/a%20b.md>')
    """

    __slots__ = ("base", "scheme", "terms", "sources", "describe")

    def __init__(self, base: str, remember: bool = True) -> None:
        self.base = base
        self.scheme = iri(topic_scheme_iri(base))
        #: IRI of a node → its term; source name → its IRI's term (``None``: not remembered).
        self.terms: dict[str, str] | None = {} if remember else None
        self.sources: dict[str, str] | None = {} if remember else None
        #: The describing method of each kind of record: articles, providers, topics, images.
        self.describe: tuple[Callable[[Any], list[tuple[str, str]]], ...] = (
            self.article,
            self.provider,
            self.topic,
            self.image,
        )

    def term(self, value: str) -> str:
        """``iri(value)``, remembered: the term of a node's IRI."""
        terms = self.terms
        if terms is None:
            return iri(value)
        term = terms.get(value)
        if term is None:
            term = terms[value] = iri(value)
        return term

    def source(self, name: str) -> str:
        """The term of the IRI of the source file ``name``."""
        sources = self.sources
        if sources is None:
            return iri(source_iri(name, self.base))
        term = sources.get(name)
        if term is None:
            term = sources[name] = iri(source_iri(name, self.base))
        return term

    def article(self, a: Article, primary: str | None = None) -> list[tuple[str, str]]:
        """The (predicate, object) pairs that describe an article.

        ``primary`` is the canonical URL of the node the record is (default: the
        record's own): it is ``schema:url``; the article's other canonical URLs are
        ``ng:url`` (IRIs). The URLs as written are kept too (``ng:webUrl``, ...).
        """
        # The hot loop of every RDF export: terms of nodes looked up where they were made already.
        known = self.terms if self.terms is not None else {}
        term = self.term
        primary = a.url if primary is None else primary
        kind = a.schema_type
        pairs = [(_TYPE, _NEWS_ARTICLE if kind is None else _class(kind))]
        urls = a.urls
        if len(urls) == 1 and urls[0] == a.url:
            pairs.append((_URL if a.url == primary else _OTHER_URL, _url_term(a.url)))
        else:
            for url in dict.fromkeys((a.url, *urls)):
                pairs.append((_URL if url == primary else _OTHER_URL, _url_term(url)))
        if a.type == "video":
            pairs.append((_TYPE, _VIDEO_OBJECT))
        if a.title is not None:
            pairs.append((_HEADLINE if kind is None or kind in CREATIVE_WORKS else _NAME, literal(a.title)))
        if a.excerpt is not None:
            pairs.append((_ABSTRACT, literal(a.excerpt)))
        if a.date_published is not None:
            pairs.append((_DATE_PUBLISHED, literal(a.date_published)))
        if a.type is not None:
            pairs.append((_TYPE_FIELD, literal(a.type)))
        if a.provider:
            pairs.append((_PUBLISHER, known.get(a.provider) or term(a.provider)))
        pairs += [(_ABOUT, known.get(t) or term(t)) for t in a.topics]
        pairs += [(_IMAGE, known.get(m) or term(m)) for m in a.images]
        pairs += [(_RELATION, known.get(r) or term(r)) for r in a.related]
        if a.parts:
            pairs += [(_HAS_PART, known.get(r) or term(r)) for r in a.parts]
        pairs += [(_SOURCE, self.source(s)) for s in a.sources]
        # Every other field, webUrl and originalUrl as written among them.
        pairs += _extra_pairs(a.extra)
        return pairs

    def provider(self, p: Provider) -> list[tuple[str, str]]:
        """The (predicate, object) pairs that describe a provider."""
        pairs = [(_TYPE, _ORGANIZATION), (_vocab("domain"), literal(p.domain))]
        if p.name is not None:
            pairs.append((_NAME, literal(p.name)))
        pairs += [(_LOGO, self.term(m)) for m in p.images]
        if p.extra:
            pairs += _extra_pairs(p.extra, "provider")
            if ("taxonomy", "organization") in p.extra:  # an organization profile: its site
                pairs.append((_URL, iri(f"https://{p.domain}/")))
        return pairs

    def topic(self, t: Topic) -> list[tuple[str, str]]:
        """The (predicate, object) pairs that describe a topic (and what the site's taxonomy says of it)."""
        pairs = [(_TYPE, _CONCEPT), (_PREF_LABEL, literal(t.label)), (_IN_SCHEME, self.scheme)]
        if not t.profiled:
            return pairs
        pairs += [(_BROADER, self.term(b)) for b in t.broader]
        pairs += [(_ALT_LABEL, literal(k)) for k in t.alt_labels]
        if t.notation is not None:
            pairs.append((_NOTATION, literal(t.notation)))
        pairs += [(_IMAGE, self.term(m)) for m in t.images]
        for key, value in t.extra:
            if key == "services" and isinstance(value, str):
                pairs.append((_SEE_ALSO, _url_term(value)))
            else:
                pairs.append((_predicate(key, "topic"), literal(value)))
        return pairs

    def image(self, m: Image) -> list[tuple[str, str]]:
        """The (predicate, object) pairs that describe an image."""
        pairs = [(_TYPE, _IMAGE_OBJECT)]
        if m.content_url is not None:  # a relative URL, resolved against the site that shows the image
            pairs.append((_CONTENT_URL, iri(m.content_url)))
        elif _is_web_url(m.url):
            pairs.append((_CONTENT_URL, iri(m.url)))
        pairs.append((_vocab("url"), literal(m.url)))
        if m.width is not None:
            pairs.append((_WIDTH, literal(m.width)))
        if m.height is not None:
            pairs.append((_HEIGHT, literal(m.height)))
        pairs += _extra_pairs(m.extra, "images")
        return pairs

    def source_block(self, f: FileRecords) -> Block:
        """A source file: a ``schema:DigitalDocument`` whose main entity is its article (if it gave one)."""
        pairs = [(_TYPE, _DIGITAL_DOCUMENT), (_IDENTIFIER, literal(display_name(f.source)))]
        if f.kind == "page":  # a JSON API page: every article it lists
            pairs += [(_HAS_PART, self.term(a.iri)) for a in f.main]
        elif f.kind in ("topic", "tag") and f.topics:
            pairs.append((_MAIN_ENTITY, self.term(f.topics[0].iri)))
        elif f.kind == "organization" and f.providers:
            pairs.append((_MAIN_ENTITY, self.term(f.providers[0].iri)))
        elif f.articles and not f.articles[0].stub:
            pairs.append((_MAIN_ENTITY, self.term(f.articles[0].iri)))
        elif f.kind == "skipped":  # read, but no graph content: say why, so a reader can tell it from a rejection
            pairs.append((_vocab("skipped"), literal(f.reason)))
        return self.source(f.source), sorted(set(pairs))


_OTHER_URL = f"<{VOCAB}url>"
_TYPE_FIELD = f"<{VOCAB}type>"
_ORGANIZATION = f"<{SCHEMA}Organization>"
_NAME = f"<{SCHEMA}name>"
_LOGO = f"<{SCHEMA}logo>"
_CONCEPT = f"<{SKOS}Concept>"
_PREF_LABEL = f"<{SKOS}prefLabel>"
_IN_SCHEME = f"<{SKOS}inScheme>"
_DIGITAL_DOCUMENT = f"<{SCHEMA}DigitalDocument>"
_IDENTIFIER = f"<{DCTERMS}identifier>"
_MAIN_ENTITY = f"<{SCHEMA}mainEntity>"
_HAS_PART = f"<{SCHEMA}hasPart>"
_BROADER = f"<{SKOS}broader>"
_ALT_LABEL = f"<{SKOS}altLabel>"
_NOTATION = f"<{SKOS}notation>"
_SEE_ALSO = f"<{RDFS}seeAlso>"


@lru_cache(maxsize=64)
def _class(name: str) -> str:
    return f"<{SCHEMA}{name}>"


def _blocks(
    articles: Iterable[Article],
    providers: Iterable[Provider],
    topics: Iterable[Topic],
    images: Iterable[Image],
    describer: Describer,
    primary: dict[str, Article] | None = None,
) -> Iterator[Block]:
    term = describer.term
    by_subject: dict[str, set[tuple[str, str]]] = {}
    for a in articles:
        url = primary[a.iri].url if primary is not None and a.iri in primary else None
        by_subject.setdefault(term(a.iri), set()).update(describer.article(a, url))
    for p in providers:
        by_subject.setdefault(term(p.iri), set()).update(describer.provider(p))
    for t in topics:
        by_subject.setdefault(term(t.iri), set()).update(describer.topic(t))
    for m in images:
        by_subject.setdefault(term(m.iri), set()).update(describer.image(m))
    for subject in sorted(by_subject):
        yield subject, sorted(by_subject[subject])


def merged_blocks(corpus: Corpus, part: tuple[int, int] = (0, 1)) -> Iterator[Block]:
    """The merged graph: one description per node, sorted by subject.

    It is exactly the union of every graph of :func:`dataset_blocks`. Where
    files disagree on a field that has one value (a stub's title), the merged
    record's value is under the field's predicate and every other value under
    its alternative (:func:`graph.rdf.terms.alternative`).
    ``part=(i, n)`` gives the i-th of n contiguous slices of the blocks, in order.

    >>> from graph import build
    >>> subject, pairs = next(merged_blocks(build(["seeds"]).corpus))
    >>> subject.startswith("<https://newsgraph.example/id/article/")
    True
    """
    describer = Describer(corpus.base)
    entries = block_entries(corpus, describer)
    i, n = part
    cuts = balanced_cuts(entries, n)
    yield from entry_blocks(corpus, entries, cuts[i], cuts[i + 1], describer)


#: What :func:`merged_blocks` makes its blocks from: (subject, what, data) sorted by subject.
#: ``what`` 0 to 3 for a node's record (an article, provider, topic or image: entries of one
#: subject are one block), 4 for a source file (data: its records), 5 for a ready block (data: its pairs).
Entry = tuple[str, int, Any]
_SOURCE_ENTRY = 4
_READY_ENTRY = 5


def block_entries(corpus: Corpus, describer: Describer | None = None) -> list[Entry]:
    """The subjects of :func:`merged_blocks`, sorted, each with what its block is made from.

    The blocks are made one at a time, in subject order, and never all held at
    once: only this (light) list is sorted. Same blocks, same order as sorting
    every block of ``_blocks(...)``, the source blocks and the defaults.
    """
    d = describer if describer is not None else Describer(corpus.base)
    alternatives_of(corpus, d)  # worked out once, before the blocks are cut into slices (forked writers share it)
    term = d.term
    entries: list[Entry] = []
    tables: tuple[dict[str, Any], ...] = (corpus.articles, corpus.providers, corpus.topics, corpus.images)
    for kind, table in enumerate(tables):
        entries += [(term(record.iri), kind, record) for record in table.values()]
    source = d.source
    entries += [(source(f.source), _SOURCE_ENTRY, f) for f in corpus.files]
    entries += [(subject, _READY_ENTRY, pairs) for subject, pairs in default_blocks(corpus, d)]
    entries.sort(key=itemgetter(0))  # stable: a subject's records stay in kind order, then files, then defaults
    return entries


def balanced_cuts(entries: Sequence[Entry], n: int) -> list[int]:
    """``n + 1`` indexes cutting ``entries`` into ``n`` contiguous slices of about equal work.

    Work is counted in (predicate, object) pairs, roughly: an article's block
    is several times an image's, so equal numbers of entries would not do. A
    cut never falls between the records of one node.

    >>> balanced_cuts([("a", 4, None)] * 10, 3)
    [0, 4, 7, 10]
    """
    weights = [_weight(what, data) for _, what, data in entries]
    total = sum(weights)
    cuts = [0]
    done = 0
    for index, weight in enumerate(weights):
        if len(cuts) < n and done >= total * len(cuts) / n and not _same_node(entries, index):
            cuts.append(index)
        done += weight
    cuts += [len(entries)] * (n + 1 - len(cuts))
    return cuts


def _same_node(entries: Sequence[Entry], index: int) -> bool:
    """Whether ``entries[index]`` is another record of the node of the entry before it."""
    if index == 0 or entries[index][1] >= _SOURCE_ENTRY:
        return False
    before = entries[index - 1]
    return before[1] < _SOURCE_ENTRY and before[0] == entries[index][0]


def _weight(what: int, r: Any) -> int:
    if what == 0:
        return 6 + len(r.urls) + len(r.topics) + len(r.images) + len(r.related) + len(r.sources) + len(r.extra)
    if what == 1:
        return 3 + len(r.images) + len(r.extra)
    if what == 2:
        return 3 + len(r.broader) + len(r.alt_labels) + len(r.images) + len(r.extra)
    if what == 3:
        return 4 + len(r.extra)
    if what == _SOURCE_ENTRY:
        return 3
    return len(r)


def entry_blocks(
    corpus: Corpus,
    entries: Sequence[Entry],
    start: int = 0,
    stop: int | None = None,
    describer: Describer | None = None,
) -> Iterator[Block]:
    """The blocks of ``entries[start:stop]`` (from :func:`block_entries`), in order.

    ``start`` and ``stop`` must not cut a node's records apart (:func:`balanced_cuts` does not).
    """
    d = describer if describer is not None else Describer(corpus.base)
    describe = d.describe
    lost = alternatives_of(corpus, d)[1]
    stop = len(entries) if stop is None else stop
    index = start
    while index < stop:
        subject, what, data = entries[index]
        index += 1
        if what < _SOURCE_ENTRY:
            pairs = describe[what](data)
            while index < stop and entries[index][1] < _SOURCE_ENTRY and entries[index][0] == subject:
                pairs += describe[entries[index][1]](entries[index][2])  # one node, several kinds
                index += 1
            if lost and subject in lost:
                pairs += lost[subject]
            yield subject, sorted(set(pairs))
        elif what == _SOURCE_ENTRY:
            yield d.source_block(data)
        else:
            yield subject, data


def default_blocks(corpus: Corpus, describer: Describer | None = None) -> Iterator[Block]:
    """What belongs to no single file: the topic concept scheme and the build (PROV-O).

    In the dataset they are the build's named graph (:func:`build_iri`), never the default graph.
    """
    d = describer if describer is not None else Describer(corpus.base, remember=False)
    yield (
        iri(build_iri(corpus.base)),
        sorted(
            [(_TYPE, f"<{PROV}Activity>"), (f"<{RDFS}label>", literal("newsgraph build"))]
            + [(f"<{PROV}used>", d.source(f.source)) for f in corpus.files]
        ),
    )
    yield (
        d.scheme,
        sorted(
            [(_TYPE, f"<{SKOS}ConceptScheme>"), (f"<{SKOS}prefLabel>", literal("newsgraph topics"))]
            + [(f"<{SKOS}hasTopConcept>", d.term(t)) for t in corpus.topics]
        ),
    )


def alternatives_of(corpus: Corpus, d: Describer) -> tuple[Disputes, dict[str, list[tuple[str, str]]]]:
    """Where files disagree: the pairs files said that lost (:func:`graph.rdf.alternatives.disputes`),
    and the merged graph's alternative pairs by subject (those, and those a loaded corpus read back).

    Worked out once per corpus (for a describer of its base), kept in ``corpus.memo``.
    """
    memo = corpus.memo.get("alternatives")
    if memo is None:
        found = disputes(corpus, d) if corpus.files else {}
        merged = {subject: [(alternative(p), o) for p, o in pairs] for subject, pairs in found.items()}
        for said in corpus.alternatives.values():
            for subject, pairs in said.items():
                merged.setdefault(subject, []).extend(pairs)
        memo = corpus.memo["alternatives"] = (found, merged)
    found, merged = memo
    return found, merged


def document_blocks(
    f: FileRecords, corpus: Corpus, describer: Describer | None = None, lost: Disputes | None = None
) -> tuple[str, list[Block]]:
    """What one file says, as (graph IRI, blocks), with stubs resolved to their nodes.

    The graph IRI is the file's source IRI (from its path relative to the build
    root); the graph also describes the file itself (:meth:`Describer.source_block`).
    A value of the file's that lost to another file's is under its alternative
    term, as in the merged graph. ``describer``: one shared by every file of a
    corpus (default: a new one); ``lost``: the values that lost (default: worked
    out from the corpus, :func:`alternatives_of`).

    >>> from graph import build
    >>> corpus = build(["seeds"]).corpus
    >>> name, blocks = document_blocks(corpus.files[0], corpus)
    >>> name
    '<https://newsgraph.example/id/source/000_538a4fffcd099543.txt>'
    """
    d = describer if describer is not None else Describer(corpus.base)
    found = alternatives_of(corpus, d)[0] if lost is None else lost
    blocks = list(_blocks(f.articles, f.providers, f.topics, f.images, d, corpus.articles))
    if found:
        blocks = [(s, _said(pairs, found[s])) if s in found else (s, pairs) for s, pairs in blocks]
    blocks.append(d.source_block(f))
    loaded = corpus.alternatives.get(f.source)
    if loaded:
        blocks = _joined(blocks, loaded.items())
    return d.source(f.source), sorted(blocks, key=lambda block: block[0])


def _said(pairs: list[tuple[str, str]], lost: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """A file's pairs of one subject, those that lost under their alternative terms (sorted)."""
    return sorted({(alternative(p), o) if (p, o) in lost else (p, o) for p, o in pairs})


def _joined(blocks: Iterable[Block], more: Iterable[tuple[str, list[tuple[str, str]]]]) -> list[Block]:
    """``blocks`` with the pairs of ``more`` added to their subjects' blocks (or as blocks of their own)."""
    by_subject: dict[str, set[tuple[str, str]]] = {}
    for subject, pairs in (*blocks, *more):
        by_subject.setdefault(subject, set()).update(pairs)
    return [(subject, sorted(by_subject[subject])) for subject in sorted(by_subject)]


def dataset_blocks(corpus: Corpus) -> Iterator[tuple[str | None, list[Block]]]:
    """The dataset: the build's graph first, then one named graph per file, by graph IRI.

    The build's graph (:func:`build_iri`) holds what belongs to no single file:
    the concept scheme and the build (:func:`default_blocks`); nothing is in the
    default graph (``None``), so a store's default graph is never touched.
    Flattened, the dataset is exactly the merged graph (:func:`merged_blocks`).

    >>> from graph import build
    >>> [name for name, _ in dataset_blocks(build(["seeds"]).corpus)][:2]
    ['<https://newsgraph.example/id/build>', '<https://newsgraph.example/id/source/000_538a4fffcd099543.txt>']
    """
    d = Describer(corpus.base)
    sources = {f.source for f in corpus.files}
    unclaimed = [b for source, said in corpus.alternatives.items() if source not in sources for b in said.items()]
    yield iri(build_iri(corpus.base)), _joined(default_blocks(corpus, d), unclaimed)
    for f in sorted(corpus.files, key=lambda f: d.source(f.source)):
        yield document_blocks(f, corpus, d)
