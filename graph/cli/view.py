"""The view command: ``newsgraph view`` writes the page for a chosen subgraph.

``newsgraph view [PATH ...] [--store DIR] [--out FILE] [--topic T] [--provider DOMAIN]
[--since DATE] [--until DATE] [--around URL_OR_IRI --depth N] [--max-nodes N]``
builds the graph as ``newsgraph build`` would (or reads it back from one export,
``.ttl .nt .nq .trig .jsonld .graphml``, or from an embedded store), selects nodes with
:func:`graph.model.select.select` (the same rules as the Python API) and writes one
self-contained page. An empty graph is an error, not an empty page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graph.formats import FORMATS, write_atomic
from graph.kg import KnowledgeGraph, build, load, open_graph
from graph.read.identity import DEFAULT_BASE
from graph.view import page as view_page
from graph.view.page import DEFAULT_MAX_NODES, chosen_page

__all__ = ["add_parsers", "heading", "oversize_note", "source_graph"]


def add_parsers(sub: Any) -> None:
    """Add the ``view`` command to the ``newsgraph`` subparsers."""
    v = sub.add_parser(
        "view",
        help="write the interactive page of a chosen subgraph",
        description="Write one self-contained interactive page (HTML) of the graph or of a chosen part of it. "
        "Filters keep the articles that match all of them, with their providers, topics and images.",
    )
    v.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files or folders (default: seeds/), or one export (.ttl .nt .nq .trig .jsonld .graphml)",
    )
    v.add_argument(
        "--store", metavar="DIR", help="draw the graph of the embedded store `newsgraph build --store` wrote"
    )
    v.add_argument("--out", default="view.html", metavar="FILE", help="the page to write (default: view.html)")
    v.add_argument("--topic", metavar="T", help="articles about this topic (its label, any case)")
    v.add_argument("--provider", metavar="DOMAIN", help="articles of this provider (its domain or name)")
    v.add_argument("--since", metavar="DATE", help="articles published on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD)")
    v.add_argument("--until", metavar="DATE", help="articles published on or before DATE (the whole day, month…)")
    v.add_argument("--around", metavar="NODE", help="only the neighbourhood of this node (a URL, an IRI or a label)")
    v.add_argument("--depth", type=int, default=None, metavar="N", help="with --around: how many hops (default: 1)")
    v.add_argument(
        "--max-nodes",
        type=int,
        default=DEFAULT_MAX_NODES,
        metavar="N",
        help=f"keep the N most connected nodes and say what was left out (default: {DEFAULT_MAX_NODES}; 0: no limit)",
    )
    v.add_argument("--base", default=DEFAULT_BASE, metavar="IRI", help=f"base of minted IRIs (default: {DEFAULT_BASE})")
    v.set_defaults(run=_run)


def heading(args: argparse.Namespace) -> str:
    """The page's title: what was asked for.

    >>> heading(argparse.Namespace(topic="AI", provider=None, since="2021-12", until=None, around=None, depth=None))
    'newsgraph · topic AI · since 2021-12'
    """
    parts = ["newsgraph"]
    for name in ("topic", "provider", "since", "until", "around"):
        value = getattr(args, name)
        if value:
            parts.append(f"{name} {value}")
    if args.around and args.depth is not None:
        parts.append(f"depth {args.depth}")
    return " · ".join(parts)


def source_graph(paths: list[str], store: str | None = None, base: str = DEFAULT_BASE) -> KnowledgeGraph:
    """The knowledge graph ``view`` draws: built from article files, read from one export, or from a store.

    >>> source_graph(["exports/graph.ttl"])
    <KnowledgeGraph: 4 articles, 4 providers, 2 topics, 4 images, 16 edges>
    """
    if store is not None:
        if paths:
            raise ValueError("--store draws the store's graph: give no PATH with it")
        return open_graph(store)
    exports = [p for p in paths if _is_export(p) and not Path(p).is_dir()]
    if exports:
        if len(paths) != 1:
            raise ValueError(f"{exports[0]}: an export is drawn on its own; give it as the only PATH")
        return load(exports[0])
    return build(paths or ["seeds"], base=base)


def _run(args: argparse.Namespace) -> int:
    if args.depth is not None and args.around is None:
        raise ValueError("--depth needs --around")
    if args.max_nodes < 0:
        raise ValueError(f"--max-nodes must be 0 (no limit) or more, not {args.max_nodes}")
    kg = source_graph(args.paths, args.store, args.base)
    for d in kg.corpus.diagnostics:
        print(d, file=sys.stderr)
    g = kg.nx
    if g.number_of_nodes() == 0:
        where = args.store or ", ".join(args.paths or ["seeds"])
        print(f"newsgraph view: nothing to draw: {where} holds no articles (the graph is empty)", file=sys.stderr)
        return 1
    text, shown = chosen_page(
        g,
        heading(args),
        topic=args.topic,
        provider=args.provider,
        since=args.since,
        until=args.until,
        around=args.around,
        depth=1 if args.depth is None else args.depth,
        max_nodes=args.max_nodes or None,
    )
    write_atomic(Path(args.out), [text])
    print(
        f"wrote {args.out}: {len(shown.nodes):,} of {g.number_of_nodes():,} nodes"
        + (f"; {shown.note}" if shown.note else "")
    )
    return 0


def oversize_note(n: int, max_nodes: int | None = None) -> str | None:
    """What ``newsgraph build`` says when the whole graph is too large for one page.

    >>> oversize_note(120_000)
    'the graph has 120,000 nodes; the page shows the 5,000 most connected (use `newsgraph view` to choose a part)'
    >>> oversize_note(14) is None
    True
    """
    max_nodes = view_page.DEFAULT_MAX_NODES if max_nodes is None else max_nodes
    if n <= max_nodes:
        return None
    return (
        f"the graph has {n:,} nodes; the page shows the {max_nodes:,} most connected "
        "(use `newsgraph view` to choose a part)"
    )


def _is_export(path: str) -> bool:
    """Is ``path`` named like an export that can be read back (by the format registry)?"""
    fmt = FORMATS.get(Path(path).suffix.lstrip(".").lower())
    return fmt is not None and fmt.readable
