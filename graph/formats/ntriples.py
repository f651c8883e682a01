"""N-Triples: the merged graph, one triple a line, lines sorted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import rdflib

from graph.rdf.mapping import merged_blocks

from . import Exportable, write_atomic


def generate(source: Exportable) -> Iterator[str]:
    """The merged graph as sorted N-Triples lines, a subject's lines at a time.

    >>> from graph import build
    >>> next(generate(build(["seeds"]))).startswith("<https://newsgraph.example/id/article/")
    True
    """
    for subject, pairs in merged_blocks(source.corpus):
        yield lines(subject, pairs)


def lines(subject: str, pairs: list[tuple[str, str]]) -> str:
    """The N-Triples lines of one subject's block."""
    if not pairs:
        return ""
    head = f"{subject} "
    return head + f" .\n{head}".join(map(" ".join, pairs)) + " .\n"


def write(source: Exportable, path: Path) -> None:
    """Write ``path`` as N-Triples, atomically."""
    write_atomic(path, generate(source))


def read(path: Path) -> rdflib.Graph:
    """Parse an N-Triples file into an rdflib Graph."""
    return rdflib.Graph().parse(path, format="nt")
