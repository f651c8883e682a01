"""N-Quads: the dataset, each source file's statements in its own named graph.

The build's graph (the concept scheme and the build) comes first, then one
named graph per source file, ordered by graph IRI; inside each graph the lines
are sorted, so the file is byte-deterministic. Nothing is in the default graph.
The graph IRI derives from the file's path relative to the build root: a store
can replace one document's statements when its file changes. Flattened, the
file is exactly the merged graph (``graph.nt``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import rdflib

from graph.rdf.mapping import dataset_blocks

from . import Exportable, write_atomic


def generate(source: Exportable) -> Iterator[str]:
    """The dataset as N-Quads lines, graph by graph.

    >>> from graph import build
    >>> lines = "".join(generate(build(["seeds"]))).splitlines()
    >>> lines[0].endswith("> .") and lines[-1].endswith("001_17b63d52bf50f52a.txt> .")
    True
    """
    for graph, blocks in dataset_blocks(source.corpus):
        end = " .\n" if graph is None else f" {graph} .\n"
        yield "".join(f"{subject} {predicate} {obj}{end}" for subject, pairs in blocks for predicate, obj in pairs)


def write(source: Exportable, path: Path) -> None:
    """Write ``path`` as N-Quads, atomically."""
    write_atomic(path, generate(source))


def read(path: Path) -> rdflib.Dataset:
    """Parse an N-Quads file into an rdflib Dataset."""
    return rdflib.Dataset().parse(path, format="nquads")
