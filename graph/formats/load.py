"""Loading: an export read back into a :class:`~graph.model.merge.Corpus` of records.

Any RDF export (Turtle, N-Triples, JSON-LD, GraphML, which carries its RDF)
holds the merged graph: each node's description becomes one merged record
again. N-Quads and TriG hold one named graph per source file and the build's
graph; flattened, they are the merged graph, read the same way. Values that
lost where files disagreed (under their alternative terms,
:func:`graph.rdf.terms.alternative`) are kept beside the records
(``Corpus.alternatives``, with the file that said each where the export says
it). Either way the corpus gives the same ``nx`` graph (nodes, kinds, labels,
edges) as the build that wrote the export, and writing it again gives the same
RDF.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from graph.formats import for_path, graphml
from graph.model.merge import Corpus
from graph.rdf.mapping import DCTERMS, FIELD_PREDICATES, PROV, RDF, RDFS, SCHEMA, SKOS, VOCAB, XSD, literal, vocab_key
from graph.rdf.mapping import iri as _iri
from graph.rdf.terms import ALTERNATIVE, alternative_of
from graph.read.identity import DEFAULT_BASE, canonical_url
from graph.read.records import Article, FileRecords, Image, Provider, Scalar, Topic
from graph.read.site import CREATIVE_WORKS

__all__ = [
    "Description",
    "Quad",
    "RecordReader",
    "corpus_from_dataset",
    "corpus_from_graph",
    "corpus_from_quads",
    "describe",
    "load_corpus",
    "merged_graph",
    "merged_quads",
    "ox_term",
    "read_rdf",
    "read_merged",
]

_TYPE = rdflib.URIRef(f"{RDF}type")
_S = {name: rdflib.URIRef(f"{SCHEMA}{name}") for name in (
    "NewsArticle", "Organization", "ImageObject", "DigitalDocument", "url", "headline", "abstract", "datePublished",
    "publisher", "about", "image", "name", "logo", "contentUrl", "width", "height", "mainEntity", "hasPart",
    "VideoObject",
)}  # fmt: skip
_CONCEPT = rdflib.URIRef(f"{SKOS}Concept")
_SCHEME = rdflib.URIRef(f"{SKOS}ConceptScheme")
_PREF_LABEL = rdflib.URIRef(f"{SKOS}prefLabel")
_SKOS = {name: rdflib.URIRef(f"{SKOS}{name}") for name in ("broader", "altLabel", "notation", "inScheme")}
_SEE_ALSO = rdflib.URIRef(f"{RDFS}seeAlso")
_RELATION = rdflib.URIRef(f"{DCTERMS}relation")
_SOURCE = rdflib.URIRef(f"{DCTERMS}source")
_IDENTIFIER = rdflib.URIRef(f"{DCTERMS}identifier")
_USED = rdflib.URIRef(f"{PROV}used")
_NG = {name: rdflib.URIRef(f"{VOCAB}{name}") for name in ("type", "domain", "url", "webUrl", "originalUrl", "skipped")}


def _reverse(scope: str) -> dict[str, str]:
    prefix = f"{scope}." if scope else ""
    return {
        pred: key[len(prefix) :]
        for key, pred in FIELD_PREDICATES.items()
        if key.startswith(prefix) and "." not in key[len(prefix) :]
    }


_KEYS = {"": _reverse(""), "provider": _reverse("provider"), "images": _reverse("images"), "topic": _reverse("topic")}

Description = dict[rdflib.URIRef, list[Node]]
#: A statement and the named graph it is in (``None``: the default graph, or an export without graphs).
Quad = tuple[Node, Node, Node, str | None]


def read_rdf(path: str | os.PathLike[str]) -> rdflib.Graph:
    """Parse an export by its extension (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.graphml``).

    >>> len(read_rdf("exports/graph.ttl")) > 100
    True
    """
    path = Path(path)
    fmt = for_path(path, readable=True)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        return fmt.read(path)
    except Exception as exc:  # the parsers raise many kinds of errors
        raise ValueError(f"{path}: not a readable {fmt.extension} export: {exc}") from None


def read_merged(path: str | os.PathLike[str]) -> rdflib.Graph:
    """The merged graph an export holds (for N-Quads and TriG: see :func:`merged_graph`).

    >>> len(read_merged("exports/graph.ttl")) > 100
    True
    """
    g = read_rdf(path)
    return merged_graph(g) if isinstance(g, rdflib.Dataset) else g


def load_corpus(path: str | os.PathLike[str]) -> Corpus:
    """The corpus an export was written from.

    Parsed with pyoxigraph (about ten times faster than rdflib) where it is
    installed, else with rdflib: the same corpus either way.

    >>> corpus = load_corpus("exports/graph.ttl")
    >>> len(corpus.articles), len(corpus.providers), len(corpus.topics), len(corpus.images)
    (4, 4, 2, 4)
    """
    quads = _fast_quads(Path(path))
    if quads is None:
        g = read_rdf(path)
        return corpus_from_quads(merged_quads(g) if isinstance(g, rdflib.Dataset) else ((*t, None) for t in g))
    return corpus_from_quads(quads)


def _fast_quads(path: Path) -> list[Quad] | None:
    """The merged graph's statements parsed by pyoxigraph, or ``None`` (not installed, or a file it cannot read)."""
    try:
        import pyoxigraph as ox
    except ImportError:
        return None
    fmt = for_path(path, readable=True)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        if fmt.oxigraph is None:  # GraphML: its RDF rides in the nodes' data
            g = graphml.read_nx(path)
            text = str(g.graph.get("rdf", "")) + "".join(str(d.get("rdf", "")) for _, d in g.nodes(data=True))
            quads = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
        else:
            quads = ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt.oxigraph))
        terms: dict[Any, Node] = {}
        rows: list[Quad] = [
            (
                ox_term(q.subject, terms),
                ox_term(q.predicate, terms),
                ox_term(q.object, terms),
                q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None,
            )
            for q in quads
        ]
    except (SyntaxError, ValueError, OSError):
        return None  # let rdflib parse it and say what is wrong
    return _default_wins(rows) if fmt.dataset else rows


def _default_wins(rows: Iterable[Quad]) -> list[Quad]:
    """Statements of a dataset, where a dataset written by an earlier newsgraph put the values it chose in
    the default graph: those win over the named graphs' (today's datasets have no default graph)."""
    rows = list(rows)
    chosen: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    for s, p, o, g in rows:
        if g is None:
            chosen[s, p].add(o)
    if not chosen:
        return rows
    return [(s, p, o, g) for s, p, o, g in rows if (s, p) not in chosen or o in chosen[s, p]]


def ox_term(term: Any, cache: dict[Any, Node]) -> Node:
    """A pyoxigraph term as the rdflib term rdflib's own parsers give (kept in ``cache``: IRIs repeat)."""
    found = cache.get(term)
    if found is not None:
        return found
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        out: Node = rdflib.URIRef(term.value)
    elif isinstance(term, ox.BlankNode):
        out = rdflib.BNode(term.value)
    elif term.language:
        out = rdflib.Literal(term.value, lang=term.language)
    elif term.datatype.value == f"{XSD}string":
        out = rdflib.Literal(term.value)
    else:
        out = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    cache[term] = out
    return out


def describe(triples: Iterable[tuple[Node, Node, Node]]) -> dict[Node, Description]:
    """Triples as subject → predicate → objects (in the order they come)."""
    out: dict[Node, Description] = defaultdict(lambda: defaultdict(list))
    for s, p, o in triples:
        out[s][p].append(o)  # type: ignore[index]
    return out


def _kind(desc: Description) -> str | None:
    types = set(desc.get(_TYPE, ()))
    for cls, kind in (
        (_S["NewsArticle"], "article"),
        (_S["Organization"], "provider"),
        (_CONCEPT, "topic"),
        (_S["ImageObject"], "image"),
        (_S["DigitalDocument"], "source"),
        (_SCHEME, "scheme"),
    ):
        if cls in types:
            return kind
    return None


def _schema_type(desc: Description) -> str | None:
    """The schema.org class of a site's collection item (``None``: a news article).

    An item is typed with its own class alone (a video item also with ``schema:VideoObject``, which is
    then its class); a news article with ``schema:NewsArticle``, and a video article also ``VideoObject``.
    """
    types = {str(t) for t in desc.get(_TYPE, ()) if str(t).startswith(SCHEMA)}
    if str(_S["NewsArticle"]) in types or not types:
        return None
    own = sorted(types - {str(_S["VideoObject"])}) or sorted(types)
    return own[0][len(SCHEMA) :]


def _base(descriptions: dict[Node, Description]) -> str:
    for s, desc in descriptions.items():
        if _kind(desc) == "scheme" and str(s).endswith("topics"):
            return str(s)[: -len("topics")]
    return DEFAULT_BASE


def _value(term: Node) -> Scalar:
    """A literal as the Python value the records hold (text for anything untyped)."""
    text = str(term)
    datatype = getattr(term, "datatype", None)
    if datatype is None:
        return text
    kind = str(datatype)[len(XSD) :] if str(datatype).startswith(XSD) else ""
    try:
        if kind == "integer":
            return int(text)
        if kind == "boolean":
            return text.strip() in ("true", "1")
        if kind == "double":
            return float(text)
        if kind == "dateTime":
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)
    except ValueError:
        pass
    return text


def _texts(terms: Sequence[Node]) -> list[str]:
    return sorted(str(t) for t in terms)


class RecordReader:
    """Records from the descriptions of a graph's subjects (the merged graph, or the part of a store one asks about).

    ``descriptions`` are subject → predicate → objects (:func:`describe`);
    source files are named by the ``dcterms:identifier`` of those described.
    """

    def __init__(self, descriptions: dict[Node, Description], base: str) -> None:
        self.d = descriptions
        self.base = base
        self.source_prefix = f"{base}source/"
        self.article_prefix = f"{base}article/"
        self.paths = {
            str(s): str(desc[_IDENTIFIER][0])
            for s, desc in descriptions.items()
            if _kind(desc) == "source" and desc.get(_IDENTIFIER)
        }

    def path(self, source: Node) -> str:
        """A source file's name: from its IRI (the raw bytes of its path, percent-encoded), else as described."""
        text = str(source)
        if text.startswith(self.source_prefix):
            return unquote(text[len(self.source_prefix) :], errors="surrogateescape")
        return self.paths.get(text, text)

    def extra(self, desc: Description, handled: set[rdflib.URIRef], scope: str) -> list[tuple[str, Scalar]]:
        pairs: list[tuple[str, Scalar]] = []
        for p, objects in desc.items():
            if p in handled or p == _TYPE or p.startswith(ALTERNATIVE):
                continue
            key = _KEYS[scope].get(str(p)) or vocab_key(str(p))
            if key is None:
                continue  # a statement from elsewhere: not part of any record
            pairs += ((key, _value(o)) for o in objects)
        return pairs

    @staticmethod
    def single(
        desc: Description, p: rdflib.URIRef, fits: Callable[[Node], bool], key: str
    ) -> tuple[Any, list[tuple[str, Scalar]]]:
        """The value of a one-valued field, and any further or ill-typed values (kept under ``key``)."""
        good = sorted((o for o in desc.get(p, ()) if fits(o)), key=str)
        rest = [(key, _value(o)) for o in desc.get(p, ()) if not fits(o)]
        rest += ((key, _value(o)) for o in good[1:])
        return (_value(good[0]) if good else None), rest

    def kind(self, subject: Node, desc: Description) -> str | None:
        """What a subject is: a site's collection item (typed with its own schema.org class, a Person or an
        Organization among them) is an article-like node, told by its IRI."""
        kind = _kind(desc)
        if kind != "article" and str(subject).startswith(self.article_prefix) and _schema_type(desc) is not None:
            return "article"
        return kind

    def article(self, iri: Node, desc: Description, stub: bool) -> Article:
        is_text = _is_plain
        schema_type = _schema_type(desc)
        named = schema_type is not None and schema_type not in CREATIVE_WORKS  # a Person's title is schema:name
        title, more = self.single(desc, _S["name" if named else "headline"], is_text, "title")
        excerpt, more2 = self.single(desc, _S["abstract"], is_text, "excerpt")
        date, more3 = self.single(desc, _S["datePublished"], _is_datatype("dateTime"), "publishedDateTime")
        kind, more4 = self.single(desc, _NG["type"], is_text, "type")
        # An IRI is the URL percent-encoded where an IRI may not hold a character: the URL as written
        # (webUrl, originalUrl) gives back the canonical URL itself.
        written = {
            _iri(canonical_url(str(o)))[1:-1]: canonical_url(str(o))
            for key in ("webUrl", "originalUrl")
            for o in desc.get(_NG[key], [])
            if _is_plain(o)
        }
        aliases = [o for o in desc.get(_NG["url"], []) if isinstance(o, rdflib.URIRef)]
        primary = [written.get(u, u) for u in _texts(desc.get(_S["url"], []))]
        others = [written.get(u, u) for u in _texts(aliases)]
        urls = tuple(dict.fromkeys([*primary, *others]))
        publishers = _texts(desc.get(_S["publisher"], []))
        handled = {_S[n] for n in ("url", "abstract", "datePublished", "publisher", "about", "image", "hasPart")}
        handled |= {_S["name" if named else "headline"], _NG["type"], _NG["url"], _RELATION, _SOURCE}
        extra = [*more, *more2, *more3, *more4, *self.extra(desc, handled, "")]
        extra += (("url", _value(o)) for o in desc.get(_NG["url"], []) if not isinstance(o, rdflib.URIRef))
        return Article(
            iri=str(iri),
            url=urls[0] if urls else str(iri),
            title=title,
            excerpt=excerpt,
            date_published=date,
            type=kind,
            provider=publishers[0] if publishers else None,
            topics=tuple(_texts(desc.get(_S["about"], []))),
            images=tuple(_texts(desc.get(_S["image"], []))),
            related=tuple(_texts(desc.get(_RELATION, []))),
            urls=urls,
            stub=stub,
            sources=tuple(sorted(self.path(s) for s in desc.get(_SOURCE, []))),
            extra=_sorted_extra(extra),
            schema_type=schema_type,
            parts=tuple(_texts(desc.get(_S["hasPart"], []))),
        )

    def provider(self, iri: Node, desc: Description) -> Provider:
        domain, more = self.single(desc, _NG["domain"], _is_plain, "domain")
        name, more2 = self.single(desc, _S["name"], _is_plain, "name")
        handled = {_NG["domain"], _S["name"], _S["logo"]}
        return Provider(
            iri=str(iri),
            domain=domain or "",
            name=name,
            images=tuple(_texts(desc.get(_S["logo"], []))),
            extra=_sorted_extra([*more, *more2, *self.extra(desc, handled, "provider")]),
        )

    def image(self, iri: Node, desc: Description) -> Image:
        url, more = self.single(desc, _NG["url"], _is_plain, "url")
        if url is None:
            url = next(iter(_texts(desc.get(_S["contentUrl"], []))), str(iri))
        width, more2 = self.single(desc, _S["width"], _is_datatype("integer"), "width")
        height, more3 = self.single(desc, _S["height"], _is_datatype("integer"), "height")
        handled = {_NG["url"], _S["contentUrl"], _S["width"], _S["height"]}
        # A relative URL as written (ng:url) was resolved to where the image is (schema:contentUrl).
        content = next(iter(_texts(desc.get(_S["contentUrl"], []))), None)
        return Image(
            iri=str(iri),
            url=url,
            width=width,
            height=height,
            extra=_sorted_extra([*more, *more2, *more3, *self.extra(desc, handled, "images")]),
            content_url=content if content is not None and not _is_web(url) else None,
        )

    def topic(self, iri: Node, desc: Description) -> Topic:
        labels = _texts(desc.get(_PREF_LABEL, []))
        notation, more = self.single(desc, _SKOS["notation"], _is_plain, "_id")
        handled = {_PREF_LABEL, _SKOS["broader"], _SKOS["altLabel"], _SKOS["notation"], _SKOS["inScheme"]}
        handled |= {_S["image"], _SEE_ALSO}
        extra = [*more, *self.extra(desc, handled, "topic")]
        extra += (("services", str(o)) for o in desc.get(_SEE_ALSO, []))
        return Topic(
            str(iri),
            labels[0] if labels else str(iri),
            broader=tuple(_texts(desc.get(_SKOS["broader"], []))),
            alt_labels=tuple(_texts(desc.get(_SKOS["altLabel"], []))),
            notation=notation,
            images=tuple(_texts(desc.get(_S["image"], []))),
            extra=_sorted_extra(extra),
        )

    def records(self) -> tuple[dict[str, Article], dict[str, Provider], dict[str, Topic], dict[str, Image]]:
        """Every record described, by kind, each sorted by IRI (an article is a stub unless a source file
        is about it, ``schema:mainEntity``, or a JSON API page lists it, ``schema:hasPart``)."""
        mains = {str(o) for desc in self.d.values() for o in desc.get(_S["mainEntity"], [])}
        # A JSON API page lists its (full) articles as parts of the document.
        mains |= {str(o) for desc in self.d.values() if _kind(desc) == "source" for o in desc.get(_S["hasPart"], [])}
        tables: dict[str, dict[str, Any]] = {"article": {}, "provider": {}, "topic": {}, "image": {}}
        for s, desc in self.d.items():
            record = self.record(s, desc, str(s) not in mains)
            if record is not None:
                tables[type(record).__name__.lower()][str(s)] = record
        return (
            _by_iri(tables["article"]),
            _by_iri(tables["provider"]),
            _by_iri(tables["topic"]),
            _by_iri(tables["image"]),
        )

    def record(self, subject: Node, desc: Description, stub: bool) -> Article | Provider | Topic | Image | None:
        """The record a subject's description is (``None``: not a node of the graph, a source file, say);
        ``stub``: an article no source file is about (see :meth:`records`)."""
        kind = self.kind(subject, desc)
        if kind == "article":
            return self.article(subject, desc, stub)
        if kind == "provider":
            return self.provider(subject, desc)
        if kind == "topic":
            return self.topic(subject, desc)
        if kind == "image":
            return self.image(subject, desc)
        return None


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _is_plain(term: Node) -> bool:
    return isinstance(term, rdflib.Literal) and term.datatype is None


def _is_datatype(name: str) -> Callable[[Node], bool]:
    datatype = rdflib.URIRef(f"{XSD}{name}")

    def fits(term: Node) -> bool:
        return isinstance(term, rdflib.Literal) and term.datatype == datatype and not isinstance(_value(term), str)

    return fits


def _sorted_extra(pairs: list[tuple[str, Scalar]]) -> tuple[tuple[str, Scalar], ...]:
    return tuple(sorted(pairs, key=lambda pair: (pair[0], type(pair[1]).__name__, str(pair[1]))))


def _by_iri(records: dict[str, Any]) -> dict[str, Any]:
    return {iri: records[iri] for iri in sorted(records)}


#: What the description of a source file says: its main entity (none when it was rejected or skipped),
#: the articles it lists as a JSON API page, and why it was skipped.
_Document = tuple[list[str], list[str], list[str]]


def _sources(descriptions: dict[Node, Description], reader: RecordReader) -> list[tuple[str, _Document]]:
    """Every source file the build used, by path, with what its description says."""
    used = {str(o) for desc in descriptions.values() for o in desc.get(_USED, [])}
    documents: dict[str, _Document] = {s: ([], [], []) for s in used}
    for s, desc in descriptions.items():
        if _kind(desc) == "source":
            documents[str(s)] = (
                _texts(desc.get(_S["mainEntity"], []))[:1],
                _texts(desc.get(_S["hasPart"], [])),
                _texts(desc.get(_NG["skipped"], [])),
            )
    return sorted((reader.path(rdflib.URIRef(s)), document) for s, document in documents.items())


def _file(
    path: str,
    document: _Document,
    cited: list[str],
    corpus: tuple[dict[str, Article], dict[str, Provider], dict[str, Topic], dict[str, Image]],
) -> FileRecords:
    """The records of one source file, as far as the merged graph tells them."""
    articles, providers, topics, images = corpus
    main, parts, skipped = document
    if skipped:
        return FileRecords(path, kind="skipped", reason=skipped[0])
    if parts:  # a JSON API page: its articles, then what they name (stubs in this file)
        listed = [articles[i] for i in parts if i in articles]
        said = listed + [replace(articles[i], stub=True) for i in cited if i not in parts]
        kind = "page"
    elif main and main[0] in articles:
        said = [articles[main[0]]] + [articles[i] for i in cited if i != main[0]]
        kind = "article" if said[0].schema_type is None else "item"
    elif main and main[0] in topics:  # a topic or tag of the site's taxonomy, with its parents
        topic = topics[main[0]]
        own = [topic, *(topics[b] for b in topic.broader if b in topics)]
        kind = "tag" if ("taxonomy", "tag") in topic.extra else "topic"
        return FileRecords(path, topics=own, images=[images[m] for m in topic.images if m in images], kind=kind)
    elif main and main[0] in providers:  # an organization profile
        org = providers[main[0]]
        logos = [images[m] for m in org.images if m in images]
        return FileRecords(path, providers=[org], images=logos, kind="organization")
    else:
        return FileRecords(path)  # rejected, or skipped: nothing of it is in the graph
    provs = [providers[a.provider] for a in said if a.provider in providers]
    owners: list[Article | Provider] = [*said, *provs]
    return FileRecords(
        path,
        articles=said,
        providers=provs,
        topics=[topics[t] for a in said for t in a.topics if t in topics],
        images=[images[m] for x in owners for m in x.images if m in images],
        kind=kind,
    )


def corpus_from_graph(g: rdflib.Graph | Iterable[tuple[Node, Node, Node]]) -> Corpus:
    """The corpus of a merged graph (Turtle, N-Triples, JSON-LD, GraphML).

    >>> from graph import build
    >>> kg = build(["seeds"])
    >>> corpus_from_graph(kg.rdf).articles == kg.corpus.articles
    False
    >>> sorted(corpus_from_graph(kg.rdf).articles) == sorted(kg.corpus.articles)
    True
    """
    return corpus_from_quads((s, p, o, None) for s, p, o in g)


def corpus_from_quads(quads: Iterable[Quad]) -> Corpus:
    """The corpus of statements (each with its graph, or ``None``) that flattened are a merged graph.

    Values under alternative terms are kept in ``Corpus.alternatives``, by the
    file whose graph held them (``""`` for no file's).
    """
    said: dict[tuple[Node, Node, Node], set[str | None]] = {}
    for s, p, o, g in quads:
        graphs = said.get((s, p, o))
        if graphs is None:
            said[s, p, o] = {g}
        else:
            graphs.add(g)
    descriptions = describe(said)
    base = _base(descriptions)
    reader = RecordReader(descriptions, base)
    records = reader.records()
    articles, providers, topics, images = records
    cited: dict[str, list[str]] = defaultdict(list)
    for a in articles.values():
        for name in a.sources:
            cited[name].append(a.iri)
    files = [_file(path, document, cited[path], records) for path, document in _sources(descriptions, reader)]
    corpus = Corpus(base, articles, providers, topics, images, files)
    corpus.alternatives = _alternatives(said, reader)
    return corpus


def _alternatives(
    said: dict[tuple[Node, Node, Node], set[str | None]], reader: RecordReader
) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """The statements under alternative terms: source file ("" for none) → subject → pairs (N-Triples terms)."""
    found: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    for (s, p, o), graphs in said.items():
        if alternative_of(str(p)) is None:
            continue
        pair = (_term(p), _term(o))
        for g in graphs:
            source = reader.paths.get(g, "") if g is not None else ""
            found[source][_term(s)].add(pair)
    return {
        source: {subject: sorted(pairs) for subject, pairs in sorted(subjects.items())}
        for source, subjects in sorted(found.items())
    }


def _term(term: Node) -> str:
    """An rdflib term as the N-Triples term newsgraph writes."""
    if isinstance(term, rdflib.Literal):
        text = literal(str(term))
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != f"{XSD}string":
            return f"{text}^^<{term.datatype}>"
        return text
    return f"<{term}>"


def corpus_from_dataset(ds: rdflib.Dataset) -> Corpus:
    """The corpus of a dataset (N-Quads, TriG): every graph flattened, read as :func:`corpus_from_graph` reads.

    >>> from graph.formats import trig
    >>> import tempfile, pathlib
    >>> from graph import build
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "graph.trig"
    >>> trig.write(build(["seeds"]), path)
    >>> len(corpus_from_dataset(trig.read(path)).articles)
    4
    """
    return corpus_from_quads(merged_quads(ds))


def merged_quads(ds: rdflib.Dataset) -> list[Quad]:
    """The statements of a dataset with their graphs (``None``: the default graph).

    Flattened, they are the merged graph (a dataset written by an earlier
    newsgraph held the values it chose in the default graph: those win).
    """
    default = str(DATASET_DEFAULT_GRAPH_ID)
    rows: list[Quad] = []
    for s, p, o, c in ds.quads((None, None, None, None)):
        name = None if c is None else str(getattr(c, "identifier", c))
        rows.append((s, p, o, None if name == default else name))
    return _default_wins(rows)


def merged_graph(ds: rdflib.Dataset) -> rdflib.Graph:
    """The merged graph of a dataset: every graph flattened (see :func:`merged_quads`).

    >>> from graph.formats import nq
    >>> import tempfile, pathlib
    >>> from graph import build
    >>> kg = build(["seeds"])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "graph.nq"
    >>> nq.write(kg, path)
    >>> len(merged_graph(nq.read(path))) == len(kg.rdf)
    True
    """
    merged = rdflib.Graph()
    for s, p, o, _ in merged_quads(ds):
        merged.add((s, p, o))
    return merged
