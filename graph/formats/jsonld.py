"""JSON-LD: the merged graph as one JSON document, node objects sorted by ``@id``.

Written directly from the blocks (no JSON-LD processor needed): a ``@context``
with the project's prefixes and a ``@graph`` of flat node objects. Typed
literals keep their exact lexical form (``{"@value": "59", "@type":
"xsd:integer"}``), so the document is lossless and byte-deterministic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rdflib

from graph.rdf.mapping import PREFIXES, merged_blocks

from . import Exportable, write_atomic
from .turtle import compact

_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_UNESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(["\\nrtbf]))')
_SIMPLE = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        return chr(int(code, 16)) if code else _SIMPLE[m.group(3)]

    return _UNESCAPE.sub(one, text)


def _key(term: str) -> str:
    """A predicate or class as a JSON-LD key: ``prefix:local`` where it fits, else the full IRI."""
    short = compact(term)
    return term[1:-1] if short.startswith("<") else short


def value(term: str) -> Any:
    """An N-Triples object term as a JSON-LD value.

    >>> value("<https://a.example/x>")
    {'@id': 'https://a.example/x'}
    >>> value('"59"^^<http://www.w3.org/2001/XMLSchema#integer>')
    {'@value': '59', '@type': 'xsd:integer'}
    >>> value('"say \\\\"hi\\\\""')
    'say "hi"'
    """
    if term.startswith("<"):
        return {"@id": term[1:-1]}
    if term.endswith('"'):
        return _unescape(term[1:-1])
    text, _, datatype = term.rpartition("^^")
    return {"@value": _unescape(text[1:-1]), "@type": _key(datatype)}


def node(subject: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """One subject's block as a flat JSON-LD node object."""
    out: dict[str, Any] = {"@id": subject[1:-1]}
    for predicate, obj in pairs:
        if predicate == _TYPE:
            out.setdefault("@type", []).append(_key(obj))
        else:
            out.setdefault(_key(predicate), []).append(value(obj))
    return out


def generate(source: Exportable) -> Iterator[str]:
    """The merged graph as JSON-LD text, one node object a line.

    >>> from graph import build
    >>> doc = json.loads("".join(generate(build(["seeds"]))))
    >>> doc["@context"]["schema"], len(doc["@graph"])
    ('https://schema.org/', 18)
    """
    context = json.dumps(dict(sorted(PREFIXES.items())), ensure_ascii=False)
    yield '{\n"@context": ' + context + ',\n"@graph": [\n'
    first = True
    for subject, pairs in merged_blocks(source.corpus):
        text = json.dumps(node(subject, pairs), ensure_ascii=False, sort_keys=True)
        yield ("" if first else ",\n") + text
        first = False
    yield "\n]\n}\n"


def write(source: Exportable, path: Path) -> None:
    """Write ``path`` as JSON-LD, atomically."""
    write_atomic(path, generate(source))


def read(path: Path) -> rdflib.Graph:
    """Parse a JSON-LD file into an rdflib Graph."""
    return rdflib.Graph().parse(path, format="json-ld")
