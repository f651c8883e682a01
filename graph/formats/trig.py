"""TriG: the dataset in Turtle syntax, one named graph per source file.

The same layout as :mod:`graph.formats.nq` (the build's graph first, then one
graph per file by graph IRI), each subject written as in the Turtle export.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import rdflib

from graph.rdf.mapping import dataset_blocks

from . import Exportable, write_atomic
from .turtle import block, compact, header


def generate(source: Exportable) -> Iterator[str]:
    """The dataset as TriG text, chunk by chunk.

    >>> from graph import build
    >>> text = "".join(generate(build(["seeds"])))
    >>> text.count(" {\\n"), "a skos:ConceptScheme" in text  # the build's graph and one graph per file
    (3, True)
    """
    yield header()
    for graph, blocks in dataset_blocks(source.corpus):
        if graph is None:
            yield "".join(block(subject, pairs) for subject, pairs in blocks)
            continue
        body = "".join(block(subject, pairs) for subject, pairs in blocks).rstrip("\n")
        yield (
            f"{compact(graph)} {{\n" + "\n".join(f"    {line}" if line else "" for line in body.split("\n")) + "\n}\n\n"
        )


def write(source: Exportable, path: Path) -> None:
    """Write ``path`` as TriG, atomically."""
    write_atomic(path, generate(source))


def read(path: Path) -> rdflib.Dataset:
    """Parse a TriG file into an rdflib Dataset."""
    return rdflib.Dataset().parse(path, format="trig")
