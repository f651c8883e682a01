"""Where files disagree: the values that lost, found as cheaply as a large build needs.

A node many files describe (an article and the stubs of it in other files'
related lists, a provider every article names) has one merged record; a file
*disagrees* where its description of the node says a (predicate, object) pair
that the merged description does not (a stub's title that lost to the full
article's). :func:`disputes` finds every such pair. The RDF keeps them under
the predicate's alternative term (:func:`graph.rdf.terms.alternative`), in the
merged graph and in the graph of the file that said them, so the dataset
flattened is the merged graph.

Describing every record of every file again would cost about what writing
the graph costs; instead a record is first compared with its merged record
field by field (:func:`agrees`): a record whose every value the merged one
has, type for type, says nothing the merged graph lacks. Only the others are
described and compared pair by pair.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from graph.model.merge import Corpus
from graph.read.records import Article, Extra, Image, Provider, Topic

if TYPE_CHECKING:
    from graph.rdf.mapping import Describer

__all__ = ["Disputes", "agrees", "disputes"]

#: Subject term → the (predicate, object) pairs files said of it that its merged description does not hold.
Disputes = dict[str, set[tuple[str, str]]]


def disputes(corpus: Corpus, describer: Describer) -> Disputes:
    """Every pair some file says of a node that the merged graph does not (none where files agree).

    >>> from graph import build
    >>> from graph.rdf.mapping import Describer
    >>> corpus = build(["seeds"]).corpus
    >>> disputes(corpus, Describer(corpus.base))
    {}
    """
    tables: tuple[dict[str, Any], ...] = (corpus.articles, corpus.providers, corpus.topics, corpus.images)
    held: dict[str, set[tuple[str, str]]] = {}
    exact: Exact = {}
    out: Disputes = {}
    for f in corpus.files:
        kinds: tuple[list[Any], ...] = (f.articles, f.providers, f.topics, f.images)
        for kind, records in enumerate(kinds):
            table = tables[kind]
            check = _AGREES[kind]
            for r in records:
                m = table.get(r.iri)
                if m is None or r is m or check(r, m, exact):
                    continue
                subject = describer.term(r.iri)
                said = describer.article(r, m.url) if kind == 0 else describer.describe[kind](r)
                merged = held.get(subject)
                if merged is None:
                    merged = held[subject] = _merged_pairs(corpus, r.iri, describer)
                lost = [pair for pair in said if pair not in merged]
                if lost:
                    out.setdefault(subject, set()).update(lost)
    return out


def _merged_pairs(corpus: Corpus, iri: str, describer: Describer) -> set[tuple[str, str]]:
    """The merged description of the node ``iri`` (every kind of record it is)."""
    pairs: set[tuple[str, str]] = set()
    tables: tuple[dict[str, Any], ...] = (corpus.articles, corpus.providers, corpus.topics, corpus.images)
    for table, describe in zip(tables, describer.describe, strict=True):
        if iri in table:
            pairs.update(describe(table[iri]))
    return pairs


def agrees(record: Article | Provider | Topic | Image, merged: Article | Provider | Topic | Image) -> bool:
    """Whether every value ``record`` holds is the merged record's too (then its RDF is within the merged RDF).

    ``False`` does not mean a disagreement, only that the RDF must be compared.

    >>> from graph.read.records import Article
    >>> full = Article("id:a", "https://a.example/1", title="T", urls=("https://a.example/1",), extra=(("quality", 5),))
    >>> agrees(Article("id:a", "https://a.example/1", title="T", stub=True), full)
    True
    >>> agrees(Article("id:a", "https://a.example/1", title="T", extra=(("quality", True),)), full)
    False
    """
    kind = (Article, Provider, Topic, Image).index(type(record))
    return _AGREES[kind](record, merged, {})


#: id of a merged record's extra fields -> (its pairs, the keys with a boolean or float value), made once.
Exact = dict[int, tuple[frozenset[tuple[str, Any]], frozenset[str]]]
# Values equal in Python whose RDF differs: 1 and True, 0.0 and -0.0.
_ODD = (bool, float)


def _same(value: Any, merged: Any) -> bool:
    """``value`` is not said, or is ``merged`` exactly (same type: ``1`` is not ``True``; ``-0.0`` is not ``0.0``)."""
    if value is None or value is merged:
        return True
    kind = type(value)
    if kind is not type(merged):
        return False
    return repr(value) == repr(merged) if kind is float else bool(value == merged)


def _within(extra: Extra, merged: Extra, exact: Exact) -> bool:
    """Every (key, value) of ``extra`` is one of ``merged``'s, type for type."""
    if not extra or extra is merged:
        return True
    held = exact.get(id(merged))
    if held is None:
        held = exact[id(merged)] = (frozenset(merged), frozenset(k for k, v in merged if type(v) in _ODD))
    pairs, odd = held
    for pair in extra:
        if pair not in pairs:
            return False
        key, value = pair
        if (type(value) in _ODD or key in odd) and not any(k == key and _same(value, v) for k, v in merged):
            return False
    return True


def _article_agrees(r: Article, m: Article, exact: Exact) -> bool:
    # Topics, images, related articles, parts and sources merge as unions: always within the merged record.
    return (
        r.schema_type == m.schema_type  # the class, and whether the title is schema:headline or schema:name
        and _same(r.title, m.title)
        and _same(r.excerpt, m.excerpt)
        and _same(r.date_published, m.date_published)
        and _same(r.type, m.type)
        and _same(r.provider, m.provider)
        and (r.url == m.url or r.url in m.urls)
        and _within(r.extra, m.extra, exact)
    )


def _provider_agrees(r: Provider, m: Provider, exact: Exact) -> bool:
    return r.domain == m.domain and _same(r.name, m.name) and _within(r.extra, m.extra, exact)


def _topic_agrees(r: Topic, m: Topic, exact: Exact) -> bool:
    if r.label != m.label:
        return False
    return not r.profiled or (_same(r.notation, m.notation) and _within(r.extra, m.extra, exact))


def _image_agrees(r: Image, m: Image, exact: Exact) -> bool:
    return r.url == m.url and _same(r.width, m.width) and _same(r.height, m.height) and _within(r.extra, m.extra, exact)


_AGREES: tuple[Callable[[Any, Any, Exact], bool], ...] = (
    _article_agrees,
    _provider_agrees,
    _topic_agrees,
    _image_agrees,
)
