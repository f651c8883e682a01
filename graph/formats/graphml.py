"""GraphML: the property graph (``kg.nx``) for Gephi, yEd, Cytoscape and networkx.

Nodes keep their ``kind``, ``label`` and other attributes, edges their
``kind``; list attributes are written as JSON text. So that GraphML loses
nothing the RDF holds, every node also carries its RDF description as
N-Triples (attribute ``rdf``), and the graph carries the statements about no
node (the concept scheme, the build, the source files): :func:`read` gives back
a graph isomorphic to the Turtle export.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import rdflib

from graph.rdf.mapping import iri, merged_blocks

from . import Exportable, write_atomic

# Characters XML 1.0 cannot hold at all, not even as &#...; references: replaced (U+FFFD) in attribute values.
# The node's ``rdf`` attribute keeps them, escaped the N-Triples way, so nothing is lost.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _attr(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _text(value: Any) -> str:
    """A value as XML character data: what XML cannot hold becomes U+FFFD (the extraction warned about it),
    and a carriage return is written ``&#13;``, as XML readers turn a raw one into a line feed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = escape(_NOT_XML.sub("\ufffd", str(value)))
    return text.replace("\r", "&#13;") if "\r" in text else text


def _uchar(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _ntriples(subject: str, pairs: list[tuple[str, str]]) -> str:
    """N-Triples lines XML can hold: characters it cannot are written as N-Triples escapes (``\\uFFFE``)."""
    return _NOT_XML.sub(_uchar, "".join(f"{subject} {predicate} {obj} .\n" for predicate, obj in pairs))


def _keys(items: Iterable[dict[str, Any]], scope: str, prefix: str) -> dict[str, tuple[str, str]]:
    """Attribute name → (key id, GraphML type), in order of first appearance; mixed types become strings."""
    types: dict[str, str] = {}
    for attrs in items:
        for name, value in attrs.items():
            kind = _TYPES.get(type(value), "string")
            if types.setdefault(name, kind) != kind:
                types[name] = "string"
    return {name: (f"{prefix}{i}", kind) for i, (name, kind) in enumerate(types.items())}


def _data(attrs: dict[str, Any], keys: dict[str, tuple[str, str]], indent: str) -> str:
    return "".join(
        f'{indent}<data key="{keys[name][0]}">{_text(value)}</data>\n'
        for name, value in attrs.items()
        if value is not None
    )


def generate(source: Exportable) -> Iterator[str]:
    """The graph as GraphML, chunk by chunk (nodes and edges in ``nx`` order).

    >>> from graph import build
    >>> text = "".join(generate(build(["seeds"])))
    >>> text.count("<node "), text.count("<edge ")
    (14, 16)
    """
    g = source.nx
    described = {subject: _ntriples(subject, pairs) for subject, pairs in merged_blocks(source.corpus)}
    nodes = [(n, {k: _attr(v) for k, v in d.items()}) for n, d in g.nodes(data=True)]
    for n, attrs in nodes:
        attrs["rdf"] = described.pop(iri(n), "")
    rest = "".join(described[s] for s in sorted(described))
    node_keys = _keys((attrs for _, attrs in nodes), "node", "n")
    edge_keys = _keys((d for _, _, d in g.edges(data=True)), "edge", "e")
    yield (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    yield '  <key id="g0" for="graph" attr.name="rdf" attr.type="string" />\n'
    for scope, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, (key, kind) in keys.items():
            yield f'  <key id="{key}" for="{scope}" attr.name={quoteattr(name)} attr.type="{kind}" />\n'
    yield '  <graph edgedefault="directed">\n'
    yield f'    <data key="g0">{_text(rest)}</data>\n'
    for n, attrs in nodes:
        yield f"    <node id={quoteattr(n)}>\n{_data(attrs, node_keys, '      ')}    </node>\n"
    for u, v, k, d in g.edges(keys=True, data=True):
        attrs = {name: _attr(value) for name, value in d.items()}
        yield (
            f"    <edge source={quoteattr(u)} target={quoteattr(v)} id={quoteattr(str(k))}>\n"
            f"{_data(attrs, edge_keys, '      ')}    </edge>\n"
        )
    yield "  </graph>\n</graphml>\n"


def write(source: Exportable, path: Path) -> None:
    """Write ``path`` as GraphML, atomically."""
    write_atomic(path, generate(source))


def read_nx(path: Path) -> nx.MultiDiGraph[str]:
    """Parse a GraphML file into a networkx graph (attributes as written)."""
    g = nx.read_graphml(path, force_multigraph=True)
    assert isinstance(g, nx.MultiDiGraph)  # force_multigraph of a directed graph
    return g


def read(path: Path) -> rdflib.Graph:
    """The RDF a GraphML export carries, as an rdflib Graph (isomorphic to the Turtle)."""
    g = read_nx(path)
    text = str(g.graph.get("rdf", "")) + "".join(str(d.get("rdf", "")) for _, d in g.nodes(data=True))
    return rdflib.Graph().parse(data=text, format="nt")
