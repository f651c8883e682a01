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
    if term.startswith("<"):
        value = term[1:-1]
        for prefix, namespace in _BY_LENGTH:
            if value.startswith(namespace) and _LOCAL.match(value[len(namespace) :]):
                return f"{prefix}:{value[len(namespace) :]}"
        return term
    if term.endswith(">") and f"^^<{XSD}" in term:
        head, _, datatype = term.rpartition("^^")
        return f"{head}^^{compact(datatype)}"
    return term


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
    lines = [compact(subject)]
    last = None
    # rdf:type first ("a"), as people write Turtle; otherwise the blocks' sorted order.
    for predicate, obj in sorted(pairs, key=lambda pair: pair[0] != _TYPE):
        if predicate == last:
            lines[-1] += ","
            lines.append(f"        {compact(obj)}")
            continue
        if last is not None:
            lines[-1] += " ;"
        p = "a" if predicate == _TYPE else compact(predicate)
        lines.append(f"    {p} {compact(obj)}")
        last = predicate
    return "\n".join(lines) + " .\n\n"


def write(source: Exportable, path: Path) -> None:
    """Write ``path`` as Turtle, atomically."""
    write_atomic(path, generate(source))


def read(path: Path) -> rdflib.Graph:
    """Parse a Turtle file into an rdflib Graph."""
    return rdflib.Graph().parse(path, format="turtle")
