"""Turtle: the merged graph, one block per subject, sorted, with prefixes."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path

import rdflib

from graph.rdf.mapping import PREFIXES, XSD, merged_blocks

from . import Exportable, write_atomic

# A local name that every Turtle parser takes (a subset of PN_LOCAL).
_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*\Z")
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_AFTER_TYPE = _TYPE + "\0"  # sorts after every (rdf:type, object) pair, before every later predicate
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
    """One subject with its (sorted) predicates and objects, in Turtle.

    >>> pairs = [("<https://schema.org/name>", '"X"'), (_TYPE, "<https://schema.org/Thing>")]
    >>> print(block("<https://newsgraph.example/id/x>", sorted(pairs)), end="")
    <https://newsgraph.example/id/x>
        a schema:Thing ;
        schema:name "X" .
    """
    if pairs and pairs[0][0] != _TYPE:
        pairs = _types_first(pairs)
    out = [compact(subject)]
    add = out.append
    heads = _HEADS
    last = None
    for predicate, obj in pairs:
        if predicate == last:  # another object of the same predicate
            add(",\n        ")
        else:
            head = heads.get(predicate)
            if head is None:
                head = heads[predicate] = f" ;\n    {'a' if predicate == _TYPE else compact(predicate)} "
            add(head)
            last = predicate
        # compact(obj), without the call where the answer is known: a plain literal stays as it is,
        # an IRI outside every prefix's namespace too, and typed literals (few values: numbers,
        # booleans) are remembered.
        if obj[-1] == '"' or (obj[0] == "<" and not obj.startswith(_NAMESPACE_TERMS)):
            add(obj)
        elif obj[0] == '"':
            short = _TYPED.get(obj)
            if short is None:
                short = compact(obj)
                if len(obj) < 64 and len(_TYPED) < 100_000:
                    _TYPED[obj] = short
            add(short)
        else:
            add(compact(obj))
    if last is not None:
        out[1] = out[1][2:]  # the first predicate follows the subject on a line of its own, no " ;" before it
    add(" .\n\n")
    return "".join(out)


def _types_first(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Sorted pairs with the ``rdf:type`` ones (a run, where they sort) moved to the front."""
    start = bisect_left(pairs, (_TYPE,))
    stop = bisect_left(pairs, (_AFTER_TYPE,), start)
    return pairs if start == stop else pairs[start:stop] + pairs[:start] + pairs[stop:]


# Predicate term -> " ;", a new line and the predicate as written (predicates are few: a small memo).
_HEADS: dict[str, str] = {}
# A short typed literal (a number, a boolean) -> how it is written.
_TYPED: dict[str, str] = {}
# An IRI term can only be shortened if it starts with one of these.
_NAMESPACE_TERMS = tuple(f"<{namespace}" for namespace in PREFIXES.values())


def write(source: Exportable, path: Path) -> None:
    """Write ``path`` as Turtle, atomically."""
    write_atomic(path, generate(source))


def read(path: Path) -> rdflib.Graph:
    """Parse a Turtle file into an rdflib Graph."""
    return rdflib.Graph().parse(path, format="turtle")
