"""The view: the graph as one self-contained, interactive HTML page.

pyvis is the engine: its bundled vis-network script is inlined from the pyvis
package and :meth:`pyvis.network.Network.generate_html` renders our own Jinja
template (``graph/view/templates/page.html``) with autoescaping on. Nothing is
fetched from a CDN and no ``lib/`` folder is written.

The page's data is built directly from the networkx graph (pyvis'
``add_node``/``add_edge`` are quadratic) and travels as one JSON document
inside ``<script type="application/json">``, with ``<``, ``>``, ``&`` and ``'``
escaped, so no feed text can close the script. The page's script only ever
puts feed text into the DOM with ``textContent``; only ``http``/``https`` URLs
become links or images, checked here and again in the browser.

Every page is laid out here (:func:`layout`) and drawn with physics off (the
reader may switch it on for a few seconds); hubs (a topic or provider on at
least half of the articles) neither pull the layout together nor anchor it.
Communities (:func:`communities`, Louvain with a fixed seed) are computed here
too, for the page's "colour by community". Pages are byte-deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Unpack
from urllib.parse import quote, urlsplit

import jinja2
import networkx as nx
import pyvis
from markupsafe import Markup
from pyvis.network import Network

from graph.model.network import EDGE_KINDS, NODE_KINDS, edge_total
from graph.model.select import Selection, Selectors, select

__all__ = [
    "COLORS",
    "DEFAULT_MAX_NODES",
    "LAYOUT_THRESHOLD",
    "OVERVIEW_THRESHOLD",
    "SHAPES",
    "communities",
    "hubs",
    "chosen_page",
    "fit",
    "layout",
    "page",
    "page_data",
    "safe_url",
]

#: Node colour per kind.
COLORS = {"article": "#4e79a7", "provider": "#f28e2b", "topic": "#59a14f", "image": "#b07aa1"}
#: Node shape (vis-network) per kind.
SHAPES = {"article": "dot", "provider": "diamond", "topic": "triangle", "image": "square"}
#: Edge style per kind: colour, dash pattern (empty: solid), width, arrow.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "publisher": {"color": "#f28e2b", "dashes": [], "width": 1.5, "arrow": False, "label": "published by"},
    "about": {"color": "#59a14f", "dashes": [6, 4], "width": 1.2, "arrow": False, "label": "about"},
    "related": {"color": "#4e79a7", "dashes": [], "width": 1, "arrow": True, "label": "related to"},
    "image": {"color": "#b07aa1", "dashes": [2, 3], "width": 1, "arrow": False, "label": "has image"},
    "broader": {"color": "#2f6b2a", "dashes": [], "width": 1.5, "arrow": True, "label": "broader topic"},
    "part": {"color": "#76b7b2", "dashes": [], "width": 1.5, "arrow": True, "label": "has part"},
}
_OTHER_EDGE = {"color": "#8a949e", "dashes": [], "width": 1, "arrow": True}
#: Above this many nodes the layout is computed in Python and physics starts off (every page, now).
LAYOUT_THRESHOLD = 0
#: Above this many nodes the page opens on an overview: topics and providers, with their article counts.
OVERVIEW_THRESHOLD = 20000
#: Above this many nodes the page opens decluttered (images hidden until asked for).
DECLUTTER_THRESHOLD = 60
#: A topic or provider on at least this share of the articles shown is a hub.
HUB_SHARE = 0.5
#: Palette for colouring by provider or community (the rest are grey).
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#3b8bc2",
    "#86bc86",
    "#d4a6c8",
)
#: The most nodes a page shows unless told otherwise (the most connected are kept).
DEFAULT_MAX_NODES = 5000

_LABEL_CHARS = 32
_HTTP = re.compile(r"https?://", re.IGNORECASE)
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\"'<>\\`\x7f]")
_VIS_SCRIPT = ("lib", "vis-9.1.2", "vis-network.min.js")


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute ``http``/``https`` URL that may become a link, else ``None``.

    Spaces, quotes, angle brackets and controls are percent-encoded.

    >>> safe_url("https://example.com/it's a <b>?b=1")
    'https://example.com/it%27s%20a%20%3Cb%3E?b=1'
    >>> safe_url(" JavaScript:alert(1)"), safe_url("data:text/html,x"), safe_url("//example.com/x")
    (None, None, None)
    """
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not _HTTP.match(text):
        return None
    text = _UNSAFE_IN_URL.sub(lambda m: quote(m.group(0), safe=""), text)
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.netloc else None


def _short(text: str, limit: int = _LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def page(
    g: nx.MultiDiGraph[str],
    heading: str = "newsgraph",
    *,
    selection: Selection | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> str:
    """The HTML of a self-contained interactive page showing ``g`` (or ``selection`` of it).

    When more than ``max_nodes`` nodes would be shown, the most connected are
    kept (see :func:`graph.model.select.select`) and the page says what was left out.

    >>> from graph import build
    >>> text = page(build(["seeds"]).nx)
    >>> "network = new vis.Network" in text, "<script src" in text, "<link" in text
    (True, False, False)
    """
    chosen = fit(g, selection, max_nodes)
    data = page_data(g, chosen.nodes, heading=heading, note=chosen.note)
    return _render(heading, data)


def chosen_page(
    g: nx.MultiDiGraph[str], heading: str = "newsgraph", **selectors: Unpack[Selectors]
) -> tuple[str, Selection]:
    """The page of the nodes :func:`graph.model.select.select` chooses (``newsgraph view``, ``kg.show``), and them.

    ``max_nodes`` defaults to :data:`DEFAULT_MAX_NODES` here (``None``: no limit).

    >>> from graph import build
    >>> text, shown = chosen_page(build(["seeds"]).nx, topic="computer vision")
    >>> len(shown.nodes), "network = new vis.Network" in text
    (8, True)
    """
    max_nodes = selectors.pop("max_nodes", DEFAULT_MAX_NODES)
    shown = fit(g, select(g, **selectors), max_nodes)
    return page(g, heading, selection=shown, max_nodes=None), shown


def fit(
    g: nx.MultiDiGraph[str], selection: Selection | None = None, max_nodes: int | None = DEFAULT_MAX_NODES
) -> Selection:
    """``selection`` (default: the whole graph) cut to at most ``max_nodes`` nodes, the notes of both joined.

    >>> from graph import build
    >>> fit(build(["seeds"]).nx, max_nodes=10).note
    'showing the 10 most connected of 14 nodes; left out 4 (4 images)'
    """
    nodes: list[str] = list(g) if selection is None else list(selection.nodes)
    notes = [selection.note] if selection is not None and selection.note else []
    if max_nodes is not None and len(nodes) > max_nodes:
        cut = select(g.subgraph(nodes) if selection is not None else g, max_nodes=max_nodes)
        nodes = cut.nodes
        if cut.note:
            notes.append(cut.note)
    return Selection(nodes=nodes, note="; ".join(notes) or None)


def page_data(g: nx.MultiDiGraph[str], nodes: Iterable[str], *, heading: str, note: str | None) -> dict[str, Any]:
    """The page's data: nodes, edges, details and options, as JSON-ready values.

    Nodes are ``[iri, kind index, label, degree, x, y]`` (``x``/``y`` null when
    the browser lays out), edges a flat list of ``source, target, kind index``
    triples, and ``info`` the details of each node, by position.
    """
    shown = set(nodes)
    order = [n for n in g if n in shown] if len(shown) != len(g) else list(g)
    index = {n: i for i, n in enumerate(order)}
    kind_index = {k: i for i, k in enumerate(NODE_KINDS)}
    sub = g.subgraph(order) if len(order) != len(g) else g
    hub_set = hubs(sub)
    positions = layout(sub, hubs=hub_set) if len(order) > LAYOUT_THRESHOLD else {}
    groups = communities(sub, hubs=hub_set)

    kinds_present: list[str] = []
    raw_edges: list[tuple[int, int, str]] = []
    for u in order:
        iu = index[u]
        for v, keys in g.succ[u].items():
            iv = index.get(v)
            if iv is None:
                continue
            for key, attrs in keys.items():
                kind = str(attrs.get("kind", key))
                raw_edges.append((iu, iv, kind))
    seen_kinds = {k for _, _, k in raw_edges}
    kinds_present = [k for k in EDGE_KINDS if k in seen_kinds] + sorted(seen_kinds - set(EDGE_KINDS))
    edge_index = {k: i for i, k in enumerate(kinds_present)}
    edges: list[int] = []
    for iu, iv, kind in raw_edges:
        edges.extend((iu, iv, edge_index[kind]))

    out_nodes: list[list[Any]] = []
    info: list[dict[str, Any]] = []
    community_of = {n: c for c, members in enumerate(groups) for n in members}
    for n in order:
        attrs = g.nodes[n]
        kind = attrs.get("kind", "article")
        label = str(attrs.get("label", n))
        xy = positions.get(n)
        out_nodes.append(
            [
                n,
                kind_index.get(kind, 0),
                "" if kind == "image" else _short(label),  # images: the panel and the tooltip name them
                sub.degree(n),
                xy[0] if xy else None,
                xy[1] if xy else None,
                community_of.get(n, -1),
            ]
        )
        info.append(_info(g, n, kind, attrs))
    counts = {k: 0 for k in NODE_KINDS}
    for n in order:
        counts[g.nodes[n].get("kind", "article")] += 1
    return {
        "heading": heading,
        "note": note,
        "total": {"nodes": g.number_of_nodes(), "edges": edge_total(g)},
        "counts": counts,
        "kinds": [{"name": k, "color": COLORS[k], "shape": SHAPES[k]} for k in NODE_KINDS],
        "edgeKinds": [
            {"name": k, **EDGE_STYLES.get(k, {**_OTHER_EDGE, "label": k.replace("_", " ")})} for k in kinds_present
        ],
        "laidOut": bool(positions),
        "hubs": sorted(index[n] for n in hub_set),
        "communities": [_community_name(sub, members, hub_set) for members in groups],
        "palette": list(PALETTE),
        "declutter": len(order) > DECLUTTER_THRESHOLD,
        "overview": len(order) > OVERVIEW_THRESHOLD,
        "nodes": out_nodes,
        "edges": edges,
        "info": info,
        "options": _options(len(order), laid_out=bool(positions)),
        "physics": PHYSICS,
    }


def hubs(g: nx.MultiDiGraph[str], share: float = HUB_SHARE) -> set[str]:
    """Topics and providers on at least ``share`` of the articles of ``g`` (and on 10 or more): they say little.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("t", {"kind": "topic"}), ("u", {"kind": "topic"})])
    >>> for i in range(12):
    ...     g.add_node(i, kind="article"); _ = g.add_edge(i, "t", key="about", kind="about")
    >>> _ = g.add_edge(0, "u", key="about", kind="about")
    >>> sorted(hubs(g))
    ['t']
    """
    attrs = g.nodes
    articles = sum(1 for n in g if attrs[n].get("kind") == "article")
    out: set[str] = set()
    for n in g:
        if attrs[n].get("kind") in ("topic", "provider"):
            count = sum(1 for u in g.pred[n] if g.nodes[u].get("kind") == "article")
            if count >= 10 and count >= share * articles:
                out.add(n)
    return out


def communities(g: nx.MultiDiGraph[str], *, hubs: set[str] | None = None, seed: int = 7) -> list[list[str]]:
    """Louvain communities of the non-image nodes of ``g`` (hubs left out), largest first, each sorted.

    Deterministic: the graph is rebuilt in sorted order and Louvain runs with a fixed ``seed``.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("a", "t"), ("b", "t"), ("c", "u"), ("d", "u")])
    >>> communities(g)
    [['a', 'b', 't'], ['c', 'd', 'u']]
    """
    skip = hubs or set()
    simple: nx.Graph = nx.Graph()  # type: ignore[type-arg]
    keep = sorted(n for n in g if g.nodes[n].get("kind") != "image" and n not in skip)
    simple.add_nodes_from(keep)
    kept = set(keep)
    pairs = sorted({(min(u, v), max(u, v)) for u, v in g.edges() if u in kept and v in kept and u != v})
    simple.add_edges_from(pairs)
    if not pairs:
        return []
    found = nx.community.louvain_communities(simple, seed=seed)
    groups = [sorted(c) for c in found if len(c) > 1]
    groups.sort(key=lambda c: (-len(c), c[0]))
    return groups


def _community_name(g: nx.MultiDiGraph[str], members: list[str], hub_set: set[str]) -> dict[str, Any]:
    """A community named after its main topics (else providers, else its best connected node)."""
    inside = set(members)
    for wanted in ("topic", "provider", "article"):
        ranked = sorted(
            (n for n in members if g.nodes[n].get("kind") == wanted),
            key=lambda n: (-sum(1 for u in g.pred[n] if u in inside) - sum(1 for v in g.succ[n] if v in inside), n),
        )
        if ranked:
            names = [_short(str(g.nodes[n].get("label", n)), 24) for n in ranked[:2]]
            return {"name": " · ".join(names), "size": len(members)}
    return {"name": "community", "size": len(members)}


def _info(g: nx.MultiDiGraph[str], n: str, kind: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """What the details panel shows for one node (full texts; links only when safe)."""
    out: dict[str, Any] = {"label": str(attrs.get("label", n))}
    if kind == "article":
        for key, short in (("title", "title"), ("date", "date"), ("excerpt", "excerpt"), ("type", "type")):
            if attrs.get(key) is not None:
                out[short] = str(attrs[key])
        if attrs.get("url"):
            out["url"] = str(attrs["url"])
            out["link"] = safe_url(attrs["url"])
        if attrs.get("stub"):
            out["stub"] = True
        topics, images = [], []
        for v, keys in g.succ[n].items():
            for key, e in keys.items():
                ek = e.get("kind", key)
                if ek == "publisher":
                    out["provider"] = [v, str(g.nodes[v].get("label", v))]
                elif ek == "about":
                    topics.append([v, str(g.nodes[v].get("label", v))])
                elif ek == "image" and safe_url(g.nodes[v].get("url")):
                    images.append(safe_url(g.nodes[v].get("url")))
        if topics:
            out["topics"] = sorted(topics, key=lambda t: (t[1].casefold(), t[0]))
        if images:
            out["image"] = images[0]
    elif kind in ("provider", "topic"):
        edge = "publisher" if kind == "provider" else "about"
        out["articles"] = sum(1 for u in g.pred[n] if edge in g.pred[n][u])
        if kind == "provider" and attrs.get("domain"):
            out["domain"] = str(attrs["domain"])
        if attrs.get("description"):
            out["description"] = str(attrs["description"])
        if attrs.get("logo") and safe_url(attrs["logo"]):
            out["logo"] = safe_url(attrs["logo"])
        broader = sorted(
            ([v, str(g.nodes[v].get("label", v))] for v, keys in g.succ[n].items() if "broader" in keys),
            key=lambda t: (t[1].casefold(), t[0]),
        )
        narrower = sorted(
            ([u, str(g.nodes[u].get("label", u))] for u, keys in g.pred[n].items() if "broader" in keys),
            key=lambda t: (t[1].casefold(), t[0]),
        )
        if broader:
            out["broader"] = broader
        if narrower:
            out["narrower"] = narrower
    elif kind == "image":
        if attrs.get("url"):
            out["url"] = str(attrs["url"])
            out["link"] = safe_url(attrs["url"])
        for key in ("width", "height"):
            if attrs.get(key) is not None:
                out[key] = attrs[key]
    return out


def _options(n: int, *, laid_out: bool) -> dict[str, Any]:
    """vis-network options: physics for small graphs, a precomputed layout and cheap drawing for large ones."""
    big = n > 2000
    return {
        "autoResize": True,
        "layout": {"improvedLayout": n <= 100, "randomSeed": 7},
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 12, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"min": 8, "max": 36, "label": {"enabled": True, "min": 11, "max": 16, "drawThreshold": 8}},
        },
        "edges": {
            "smooth": False,
            "selectionWidth": 2,
            "hoverWidth": 0,
            "arrows": {"to": {"enabled": False, "scaleFactor": 0.4}},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
        },
        "physics": {"enabled": False, "stabilization": {"enabled": False}},
    }


#: The physics the reader switches on: gentle, from the current positions, settling in a few seconds.
PHYSICS = {
    "enabled": True,
    "solver": "forceAtlas2Based",
    "forceAtlas2Based": {
        "gravitationalConstant": -12,
        "centralGravity": 0.004,
        "springLength": 30,
        "springConstant": 0.04,
        "damping": 0.7,
        "avoidOverlap": 0.3,
    },
    "maxVelocity": 12,
    "minVelocity": 0.75,
    "timestep": 0.35,
    "stabilization": {"enabled": False},
}


# -- layout ----------------------------------------------------------------------------------------------------

_GOLDEN = math.pi * (3 - math.sqrt(5))
_SPACING = 22.0


def layout(g: nx.MultiDiGraph[str], hubs: set[str] | None = None) -> dict[str, tuple[int, int]]:
    """Node positions (integers, vis-network units), drawn as they are (browser physics is for the reader).

    Linear in the graph's size (but for sorting the nodes), pure Python, and
    deterministic: a function of the nodes and edges, whatever their order. The best connected
    nodes (providers, topics, hub articles) are laid out by a small
    force-directed pass, weighted by how many nodes they share; every other
    node is then placed, breadth first, on a sunflower spiral around the
    centre of its already placed neighbours, so articles gather around their
    topics and providers, and images sit beside their article. Parts of the
    graph that touch no hub are packed below. Nodes in ``hubs`` (a topic on
    nearly every article) take no part: each is placed afterwards at the centre
    of its neighbours, so it does not pull the drawing into a ball.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("a", "t"), ("b", "t"), ("c", "t"), ("a", "p"), ("a", "i")])
    >>> pos = layout(g)
    >>> sorted(pos) == sorted(g) and all(isinstance(v, int) for xy in pos.values() for v in xy)
    True
    >>> layout(g) == pos
    True
    """
    order = sorted(g)  # not g's order: a subgraph view iterates a set, which varies with the hash seed
    if not order:
        return {}
    rank = {n: i for i, n in enumerate(order)}
    skip = hubs or set()
    nbrs: dict[str, list[str]] = {}
    hub_nbrs: dict[str, list[str]] = {}
    for n in order:
        seen = dict.fromkeys(g.succ[n])
        seen.update(dict.fromkeys(g.pred[n]))
        seen.pop(n, None)
        if n in skip:
            hub_nbrs[n] = sorted((v for v in seen if v not in skip), key=rank.__getitem__)
            nbrs[n] = []
            continue
        nbrs[n] = sorted((v for v in seen if v not in skip), key=rank.__getitem__)
    order_all = order
    order = [n for n in order if n not in skip] or order
    by_degree = sorted(order, key=lambda n: (-len(nbrs[n]), rank[n]))
    n_hubs = min(150, max(1, int(math.sqrt(len(order)) * 2)))
    centres = [n for n in by_degree[:n_hubs] if len(nbrs[n]) >= 3] or by_degree[:1]
    side = _SPACING * math.sqrt(len(order)) * 1.6
    pos: dict[str, tuple[float, float]] = {}
    for n, xy in _hub_layout(centres, nbrs).items():
        pos[n] = (xy[0] * side, xy[1] * side)
    _grow(list(pos), nbrs, pos)
    # What no hub reaches: a few small parts ring the main drawing; many are packed on rows below it.
    left = [n for n in by_degree if n not in pos]
    parts: list[dict[str, tuple[float, float]]] = []
    taken: set[str] = set()
    for n in left:
        if n in taken:
            continue
        part: dict[str, tuple[float, float]] = {n: (0.0, 0.0)}
        _grow([n], nbrs, part, skip=pos)
        parts.append(part)
        taken.update(part)
    if parts and pos and len(parts) <= 60:
        cx = sum(x for x, _ in pos.values()) / len(pos)
        cy = sum(y for _, y in pos.values()) / len(pos)
        radius = max(math.hypot(x - cx, y - cy) for x, y in pos.values()) + 3 * _SPACING
        for k, part in enumerate(parts):
            a = 2 * math.pi * (k + 0.5) / len(parts) + math.pi / 2
            mx = sum(x for x, _ in part.values()) / len(part)
            my = sum(y for _, y in part.values()) / len(part)
            for m, (px, py) in part.items():
                pos[m] = (cx + radius * math.cos(a) + px - mx, cy + radius * math.sin(a) + py - my)
    elif parts:
        y0 = max((y for _, y in pos.values()), default=0.0) + 6 * _SPACING
        x0 = min((x for x, _ in pos.values()), default=0.0)
        x, row_h = x0, 0.0
        width = max(side, 40 * _SPACING)
        for part in parts:
            xs = [p[0] for p in part.values()]
            ys = [p[1] for p in part.values()]
            w, h = max(xs) - min(xs) + 2 * _SPACING, max(ys) - min(ys) + 2 * _SPACING
            if x + w > x0 + width:
                x, y0, row_h = x0, y0 + row_h, 0.0
            for m, (px, py) in part.items():
                pos[m] = (x + px - min(xs) + _SPACING, y0 + py - min(ys) + _SPACING)
            x += w
            row_h = max(row_h, h)
    for k, hub in enumerate(sorted(hub_nbrs, key=lambda n: (-len(hub_nbrs[n]), rank[n]))):
        placed = [pos[v] for v in hub_nbrs[hub] if v in pos] or list(pos.values()) or [(0.0, 0.0)]
        cx = sum(p[0] for p in placed) / len(placed)
        cy = sum(p[1] for p in placed) / len(placed)
        pos[hub] = (cx + _SPACING * 2 * k, cy - _SPACING * 3 * k)
    spread = max(1.0, 3.6 - math.log10(len(order_all)))  # small graphs get room around their (large) nodes
    return {n: (round(x * spread), round(y * spread)) for n, (x, y) in ((n, pos[n]) for n in order_all)}


def _hub_layout(hubs: list[str], nbrs: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold on the hubs in the unit square; hubs sharing many neighbours attract."""
    idx = {h: i for i, h in enumerate(hubs)}
    m = len(hubs)
    if m == 1:
        return {hubs[0]: (0.0, 0.0)}
    weight: dict[tuple[int, int], float] = defaultdict(float)
    for h in hubs:  # direct links between hubs
        for v in nbrs[h]:
            if v in idx and idx[h] < idx[v]:
                weight[idx[h], idx[v]] += 2.0
    shared: dict[str, list[int]] = defaultdict(list)  # the hubs each non-hub node links
    for h in hubs:
        for v in nbrs[h]:
            if v not in idx:
                shared[v].append(idx[h])
    for hs in shared.values():
        for a in range(len(hs)):
            for b in range(a + 1, len(hs)):
                i, j = min(hs[a], hs[b]), max(hs[a], hs[b])
                weight[i, j] += 1.0
    # Cosine-normalized: two big topics sharing many articles are no closer than two small hubs sharing a few.
    size = [len(nbrs[h]) for h in hubs]
    norm = {ij: w / math.sqrt(size[ij[0]] * size[ij[1]]) for ij, w in weight.items()}
    top = max(norm.values(), default=1.0)
    links = [(i, j, w / top) for (i, j), w in sorted(norm.items())]
    xs = [0.5 * math.cos(2 * math.pi * i / m) for i in range(m)]
    ys = [0.5 * math.sin(2 * math.pi * i / m) for i in range(m)]
    # ForceAtlas2-like masses: big hubs push each other apart harder, so topics do not pile up in the middle.
    roots = [math.sqrt(x) for x in size]
    mean = sum(roots) / m
    mass = [r / mean for r in roots]
    k = math.sqrt(1.0 / m)
    kk = k * k
    temp = 0.1
    iterations = 60
    for _ in range(iterations):
        dx = [0.0] * m
        dy = [0.0] * m
        for i in range(m):
            xi, yi, mi = xs[i], ys[i], mass[i]
            for j in range(i + 1, m):
                ddx, ddy = xi - xs[j], yi - ys[j]
                d2 = ddx * ddx + ddy * ddy or 1e-9
                f = kk * mi * mass[j] / d2  # repulsion k²/d, along the unit vector
                dx[i] += ddx * f
                dy[i] += ddy * f
                dx[j] -= ddx * f
                dy[j] -= ddy * f
        for i, j, w in links:
            ddx, ddy = xs[i] - xs[j], ys[i] - ys[j]
            d = math.sqrt(ddx * ddx + ddy * ddy) or 1e-9
            f = w * d / k  # attraction d²/k, along the unit vector
            dx[i] -= ddx * f
            dy[i] -= ddy * f
            dx[j] += ddx * f
            dy[j] += ddy * f
        for i in range(m):
            d = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) or 1e-9
            step = min(d, temp) / d
            xs[i] += dx[i] * step
            ys[i] += dy[i] * step
        temp -= 0.1 / (iterations + 1)
    cx, cy = sum(xs) / m, sum(ys) / m
    spread = max(max(abs(x - cx), abs(y - cy)) for x, y in zip(xs, ys, strict=True)) or 1.0
    return {h: ((xs[i] - cx) / (2 * spread), (ys[i] - cy) / (2 * spread)) for h, i in idx.items()}


def _grow(
    start: list[str],
    nbrs: dict[str, list[str]],
    pos: dict[str, tuple[float, float]],
    skip: dict[str, tuple[float, float]] | None = None,
) -> None:
    """Place, breadth first from ``start``, every reachable node around its placed neighbours."""
    frontier = start
    placed_count: dict[str, int] = defaultdict(int)  # how many have been placed around a centre
    while frontier:
        groups: dict[tuple[str, ...], dict[str, None]] = {}
        for n in frontier:
            for v in nbrs[n]:
                if v in pos or (skip is not None and v in skip):
                    continue
                anchors = tuple(u for u in nbrs[v] if u in pos)
                groups.setdefault(anchors, {})[v] = None
        nxt: list[str] = []
        for anchors, members in groups.items():
            # Specific anchors (few neighbours, like a provider) pull harder than broad ones (a big topic).
            weights = [1.0 / len(nbrs[a]) for a in anchors]
            total = sum(weights)
            cx = sum(w * pos[a][0] for w, a in zip(weights, anchors, strict=True)) / total
            cy = sum(w * pos[a][1] for w, a in zip(weights, anchors, strict=True)) / total
            key = "|".join(anchors)
            base = placed_count[key]
            r0 = _SPACING * (1.4 if len(anchors) == 1 else 0.6)
            for j, v in enumerate(members, start=base):
                r = r0 + _SPACING * 0.55 * math.sqrt(j + 0.5)
                a = j * _GOLDEN
                pos[v] = (cx + r * math.cos(a), cy + r * math.sin(a))
                nxt.append(v)
            placed_count[key] = base + len(members)
        frontier = nxt


@cache
def _vis_script() -> str:
    path = Path(pyvis.__file__).parent.joinpath("templates", *_VIS_SCRIPT)
    text = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", path.read_text(encoding="utf-8"))
    return _inline(text, "script")


def _inline(text: str, tag: str) -> str:
    """``text`` made safe to stand inside an inline ``<tag>`` element (it cannot close it)."""
    return re.sub(f"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)


@cache
def _asset(name: str) -> str:
    return resources.files("graph.view").joinpath("templates", name).read_text(encoding="utf-8")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("graph.view", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": True}
    return env


def _render(heading: str, data: dict[str, Any]) -> str:
    """Render the page through pyvis, with our template in an autoescaping environment."""
    net = Network(height="100%", width="100%", directed=True, heading=heading)
    net.options = data["options"]
    net.path = "page.html"
    net.templateEnv = _environment()
    scripts = [_vis_script(), _inline(_asset("page.js"), "script")]
    # generate_html passes only pyvis' own variables; ours travel as globals of this environment.
    net.templateEnv.globals.update(
        data=data,
        vis_script=Markup(scripts[0]),
        page_script=Markup(scripts[1]),
        page_style=Markup(_inline(_asset("page.css"), "style")),
        csp=_csp(scripts),
        pyvis_version=getattr(pyvis, "__version__", "0.3"),
    )
    html: str = net.generate_html()
    return html


def _csp(scripts: list[str]) -> str:
    """A Content-Security-Policy that runs only our two scripts and fetches nothing but article images.

    Injected markup could neither run (no inline handlers, no other scripts) nor
    load anything; thumbnails of articles the reader opens are the only requests.
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'" for s in scripts
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src http: https: data:; "
        "base-uri 'none'; form-action 'none'; frame-src 'none'; object-src 'none'"
    )
