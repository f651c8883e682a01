"""Turtle: the merged graph, one block per subject, sorted, with prefixes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import rdflib

from .._rdf import PREFIXES, XSD, merged_blocks
from . import Exportable, write_atomic

NAME = "ttl"

# A local name that every Turtle parser takes (a subset of PN_LOCAL).
_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*\Z")
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def compact(term: str) -> str:
    """An N-Triples term in Turtle, shortened with a prefix where one fits.

    >>> compact("<https://schema.org/headline>")
    'schema:headline'
    >>> compact('"5"^^<http://www.w3.org/2001/XMLSchema#integer>')
    '"5"^^xsd:integer'
    """
    first = term[0]
    if first == '"':
        if term[-1] != ">":  # a plain or language-tagged literal: as it is
            return term
        done = _DATATYPES.get(term.rpartition("^^")[2])
        if done is not None:
            head = term[: term.rindex("^^")]
            return f"{head}^^{done}"
    elif first == "<" and _SLASH_HASH:
        # Every namespace ends with '/' or '#' and a local name holds neither:
        # the namespace can only be the IRI up to its last '/' or '#'.
        value = term[1:-1]
        cut = max(value.rfind("/"), value.rfind("#")) + 1
        prefix = _BY_NAMESPACE.get(value[:cut])
        if prefix is None or not _LOCAL.match(value, cut):
            return term
        return f"{prefix}:{value[cut:]}"
    return _compact(term)


def _compact(term: str) -> str:
    if term.startswith("<"):
        value = term[1:-1]
        for prefix, namespace in _BY_LENGTH:
            if value.startswith(namespace) and _LOCAL.match(value[len(namespace) :]):
                return f"{prefix}:{value[len(namespace) :]}"
        return term
    if term.endswith(">") and f"^^<{XSD}" in term:
        head, _, datatype = term.rpartition("^^")
        return f"{head}^^{_compact(datatype)}"
    return term


_SLASH_HASH = all(namespace.endswith(("/", "#")) for namespace in PREFIXES.values())
_BY_NAMESPACE = {namespace: prefix for prefix, namespace in _BY_LENGTH[::-1]}
# Datatype IRI term -> its compact form, for the datatypes of XSD the literals use.
_DATATYPES = {
    f"<{XSD}{name}>": _compact(f"<{XSD}{name}>")
    for name in ("integer", "boolean", "double", "decimal", "dateTime", "date", "string", "anyURI")
}


def header() -> str:
    """The prefix lines."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())) + "\n"


def generate(source: Exportable) -> Iterator[str]:
    """The merged graph as Turtle text, chunk by chunk.

    >>> from graph import build
    >>> text = "".join(generate(build(["seeds"])))
    >>> "a schema:NewsArticle" in text
    True
    """
    yield header()
    for subject, pairs in merged_blocks(source.corpus):
        yield block(subject, pairs)


def block(subject: str, pairs: list[tuple[str, str]]) -> str:
    """One subject with its predicates and objects, in Turtle."""
    c = compact
    # rdf:type first ("a"), as people write Turtle; otherwise the blocks' sorted order.
    if pairs and pairs[0][0] != _TYPE and any(predicate == _TYPE for predicate, _ in pairs):
        pairs = [pair for pair in pairs if pair[0] == _TYPE] + [pair for pair in pairs if pair[0] != _TYPE]
    out = [c(subject)]
    last = None
    for predicate, obj in pairs:
        if predicate == last:  # another object of the same predicate
            out.append(",\n        ")
        else:
            p = _PREDICATES.get(predicate)
            if p is None:
                p = _PREDICATES[predicate] = "a" if predicate == _TYPE else c(predicate)
            out.append(f"\n    {p} " if last is None else f" ;\n    {p} ")
            last = predicate
        out.append(c(obj))
    out.append(" .\n\n")
    return "".join(out)


# Predicate term -> how it is written (predicates are few: a small memo).
_PREDICATES: dict[str, str] = {}


def write(source: Exportable, path: Path) -> None:
    """Write ``path`` as Turtle, atomically."""
    write_atomic(path, generate(source))


def read(path: Path) -> rdflib.Graph:
    """Parse a Turtle file into an rdflib Graph."""
    return rdflib.Graph().parse(path, format="turtle")
