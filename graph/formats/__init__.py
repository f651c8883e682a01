"""Export formats: one registry of every format's facts, one module per format.

:data:`FORMATS` is the only place that says what a format is called, its file
extension, its media type, whether it carries named graphs, and which module
writes and reads it; ``newsgraph build --format``, ``KnowledgeGraph.write``,
``graph.load``, ``newsgraph push``, ``newsgraph view`` and the Dask engine all
read it. Adding a format is one :func:`register` call plus its module.

Every format module has the same verbs: ``generate(source)`` yields the text
in chunks, ``write(source, path)`` writes it atomically, and (for formats that
can be read back) ``read(path)`` parses it. ``source`` is anything with a
``corpus`` and an ``nx`` graph, such as a :class:`graph.KnowledgeGraph`.

>>> list(FORMATS)
['ttl', 'nt', 'nq', 'trig', 'jsonld', 'graphml', 'html']
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import networkx as nx

from graph.model.merge import Corpus
from graph.util.publish import write_atomic

if TYPE_CHECKING:
    import rdflib

__all__ = ["FORMATS", "Exportable", "Format", "for_path", "get", "names", "register", "write_atomic"]


class Exportable(Protocol):
    """What a format needs: the merged records and the graph built from them."""

    corpus: Corpus

    @property
    def nx(self) -> nx.MultiDiGraph[str]: ...


Writer = Callable[[Exportable, Path], None]
Reader = Callable[[Path], "rdflib.Graph"]


@dataclass(frozen=True, slots=True)
class Format:
    """Every fact about one export format, in one place.

    ``module`` names the module that implements it, with the same verbs for
    every format: ``write(source, path)`` (and ``generate(source)``), and
    ``read(path)`` for the formats that can be read back. It is imported when
    the format is first used, so a format may live in any layer (the page is
    written by :mod:`graph.view.html`).

    >>> FORMATS["nq"].filename, FORMATS["nq"].media_type, FORMATS["nq"].dataset
    ('graph.nq', 'application/n-quads', True)
    """

    name: str  #: the ``--format`` name, also the file extension
    title: str  #: what users call it
    media_type: str  #: the ``Content-Type`` a triple store is told
    module: str  #: the module with ``write`` (and ``read``)
    rdf: bool = True  #: is it RDF (pushed, validated, queried)
    dataset: bool = False  #: does it carry named graphs (one per document)
    readable: bool = True  #: can :func:`graph.load` read it back
    oxigraph: str | None = None  #: pyoxigraph's ``RdfFormat`` name, for fast parsing

    @property
    def extension(self) -> str:
        """The file extension, with its dot."""
        return f".{self.name}"

    @property
    def filename(self) -> str:
        """The file a build writes (``graph.<name>``)."""
        return f"graph.{self.name}"

    def write(self, source: Exportable, path: Path) -> None:
        """Write ``source`` to ``path`` in this format, atomically."""
        writer: Writer = importlib.import_module(self.module).write
        writer(source, path)

    def read(self, path: Path) -> rdflib.Graph:
        """Parse ``path`` (an export of this format) into rdflib."""
        if not self.readable:
            raise ValueError(f"{path}: a {self.title} file cannot be read back")
        reader: Reader = importlib.import_module(self.module).read
        return reader(path)


#: Format name → its :class:`Format`, in the order users see them.
FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> None:
    """Make ``fmt`` a format of ``newsgraph build --format`` and of every command that reads exports."""
    FORMATS[fmt.name] = fmt


def get(name: str) -> Format:
    """The format called ``name`` (case-insensitive), or a ``ValueError`` that lists them all.

    >>> get("TTL").title
    'Turtle'
    >>> get("t")
    Traceback (most recent call last):
    ...
    ValueError: unknown format 't'; choose from graphml, html, jsonld, nq, nt, trig, ttl
    """
    fmt = FORMATS.get(name.strip().lower().lstrip("."))
    if fmt is None:
        raise ValueError(f"unknown format {name!r}; choose from {', '.join(sorted(FORMATS))}")
    return fmt


def names(formats: str | Iterable[str]) -> list[str]:
    """Format names from one name, a comma-separated list or many names: checked, in order, once each.

    >>> names("ttl"), names("ttl, NT"), names(["nq", "trig", "nq"])
    (['ttl'], ['ttl', 'nt'], ['nq', 'trig'])
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    return list(dict.fromkeys(get(item).name for item in items if item.strip()))


def for_path(path: str | os.PathLike[str], *, readable: bool = False, rdf: bool = False) -> Format:
    """The format of an export file, by its extension (``readable``/``rdf``: only such formats).

    >>> for_path("exports/graph.trig").dataset
    True
    >>> for_path("graph.html", readable=True)
    Traceback (most recent call last):
    ...
    ValueError: graph.html: cannot load a .html file; choose from .ttl, .nt, .nq, .trig, .jsonld, .graphml
    """
    ext = Path(path).suffix.lstrip(".").lower()
    allowed = [f for f in FORMATS.values() if (f.readable or not readable) and (f.rdf or not rdf)]
    for fmt in allowed:
        if fmt.name == ext:
            return fmt
    verb = "push" if rdf else "load" if readable else "write"
    choices = ", ".join(f.extension for f in allowed)
    raise ValueError(f"{os.fspath(path)}: cannot {verb} a .{ext} file; choose from {choices}")


for _fmt in (
    Format("ttl", "Turtle", "text/turtle", "graph.formats.turtle", oxigraph="TURTLE"),
    Format("nt", "N-Triples", "application/n-triples", "graph.formats.ntriples", oxigraph="N_TRIPLES"),
    Format("nq", "N-Quads", "application/n-quads", "graph.formats.nq", dataset=True, oxigraph="N_QUADS"),
    Format("trig", "TriG", "application/trig", "graph.formats.trig", dataset=True, oxigraph="TRIG"),
    Format("jsonld", "JSON-LD", "application/ld+json", "graph.formats.jsonld", oxigraph="JSON_LD"),
    Format("graphml", "GraphML", "application/graphml+xml", "graph.formats.graphml", rdf=False),
    Format("html", "the page", "text/html", "graph.view.html", rdf=False, readable=False),
):
    register(_fmt)
