"""HTML: the interactive page of the whole graph, one self-contained file.

Graphs larger than :data:`graph.view.page.DEFAULT_MAX_NODES` (5,000) nodes fall back to
their most connected nodes, and the page says what it left out; ``newsgraph
view`` writes the page of any chosen part.
"""

from __future__ import annotations

from pathlib import Path

from graph.formats import Exportable, write_atomic
from graph.view import page


def generate(source: Exportable, max_nodes: int | None = -1) -> str:
    """The page as one string, of at most ``max_nodes`` nodes (default: ``DEFAULT_MAX_NODES``; ``None``: all).

    >>> from graph import build
    >>> text = generate(build(["seeds"]))
    >>> text.startswith("<!DOCTYPE html>") and "var network = null;" in text
    True
    """
    return page.page(source.nx, max_nodes=page.DEFAULT_MAX_NODES if max_nodes == -1 else max_nodes)


def write(source: Exportable, path: Path, max_nodes: int | None = -1) -> None:
    """Write ``path`` as the page, atomically, in UTF-8."""
    write_atomic(path, [generate(source, max_nodes)])
