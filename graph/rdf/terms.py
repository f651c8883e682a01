"""The namespaces the RDF is written in, and the alternative term of each predicate.

Where files disagree on a value that has one winner (a stub's title and the
full article's), the winner is under the predicate itself and every other
value under the predicate's *alternative* (:func:`alternative`):
``schema:alternativeHeadline`` for a title, ``ng:alternative:<prefix>:<name>``
for any other predicate ``<prefix>:<name>`` (``ng:alternative:schema:abstract``,
``ng:alternative:ng:quality``). A feed's field name never gives such a term:
field names are percent-encoded into ``ng:`` names, and ``:`` is always
encoded.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

__all__ = [
    "ALTERNATIVE",
    "DCTERMS",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "VOCAB",
    "XSD",
    "alternative",
    "alternative_of",
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
#: Where the alternative terms are: ``ng:alternative:`` + the compact name of the predicate.
ALTERNATIVE = f"{VOCAB}alternative:"

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

_HEADLINE = f"{SCHEMA}headline"
_ALTERNATIVE_HEADLINE = f"{SCHEMA}alternativeHeadline"
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


@lru_cache(maxsize=1024)
def alternative(predicate: str) -> str:
    """The term of the values of ``predicate`` (an N-Triples IRI term) that lost to another file's value.

    >>> alternative("<https://schema.org/headline>")
    '<https://schema.org/alternativeHeadline>'
    >>> alternative("<https://schema.org/abstract>")
    '<https://newsgraph.example/vocab#alternative:schema:abstract>'
    >>> alternative("<https://newsgraph.example/vocab#quality>")
    '<https://newsgraph.example/vocab#alternative:ng:quality>'
    """
    value = predicate[1:-1]
    if value == _HEADLINE:
        return f"<{_ALTERNATIVE_HEADLINE}>"
    for prefix, namespace in _BY_LENGTH:
        if value.startswith(namespace):
            return f"<{ALTERNATIVE}{prefix}:{value[len(namespace) :]}>"
    return f"<{ALTERNATIVE}{quote(value, safe='')}>"  # no predicate of a build is outside the prefixes


def alternative_of(predicate: str) -> str | None:
    """The predicate IRI whose losing values ``predicate`` (an IRI, not a term) holds; ``None`` for other IRIs.

    >>> alternative_of("https://newsgraph.example/vocab#alternative:schema:abstract")
    'https://schema.org/abstract'
    >>> alternative_of("https://schema.org/alternativeHeadline"), alternative_of("https://schema.org/headline")
    ('https://schema.org/headline', None)
    """
    if predicate == _ALTERNATIVE_HEADLINE:
        return _HEADLINE
    if not predicate.startswith(ALTERNATIVE):
        return None
    name = predicate[len(ALTERNATIVE) :]
    prefix, colon, local = name.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return None
