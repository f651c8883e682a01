"""The view: the graph as an interactive pyvis (vis-network) page.

The page's data is built directly from the networkx graph (pyvis'
``add_node``/``add_edge`` are quadratic); pyvis renders it. Feed text is
untrusted: every label and tooltip is escaped before it reaches the page.
"""

from __future__ import annotations

import html
from typing import Any

import networkx as nx
from pyvis.network import Network

__all__ = ["COLORS", "page"]

#: Node colour per kind.
COLORS = {"article": "#4e79a7", "provider": "#f28e2b", "topic": "#59a14f", "image": "#b07aa1"}
SHAPES = {"article": "dot", "provider": "diamond", "topic": "triangle", "image": "square"}
EDGE_COLORS = {"publisher": "#f28e2b", "about": "#59a14f", "related": "#4e79a7", "image": "#b07aa1"}


def _tooltip(iri: str, attrs: dict[str, Any]) -> str:
    lines = [f"{attrs['kind']}: {attrs['label']}"]
    for key in ("date", "url", "domain", "excerpt"):
        if key in attrs:
            lines.append(f"{key}: {attrs[key]}")
    lines.append(iri)
    return html.escape("\n".join(lines))


def page(g: nx.MultiDiGraph, heading: str = "newsgraph") -> str:
    """The HTML of an interactive page showing ``g``.

    >>> from graph import build
    >>> text = page(build(["seeds"]).nx)
    >>> "var network" in text or "network = new vis.Network" in text
    True
    """
    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line")
    degree = dict(g.degree())
    net.nodes = [
        {
            "id": iri,
            "label": html.escape(str(attrs["label"])[:60]),
            "title": _tooltip(iri, attrs),
            "color": COLORS[attrs["kind"]],
            "shape": SHAPES[attrs["kind"]],
            "size": 10 + 3 * degree.get(iri, 0) ** 0.5,
            "kind": attrs["kind"],
        }
        for iri, attrs in g.nodes(data=True)
    ]
    net.node_ids = [n["id"] for n in net.nodes]
    net.node_map = {n["id"]: n for n in net.nodes}
    net.edges = [
        {"from": u, "to": v, "title": kind, "color": EDGE_COLORS[kind], "arrows": "to"}
        for u, v, kind in g.edges(keys=True)
    ]
    net.heading = ""
    return net.generate_html()
