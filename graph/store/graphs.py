"""A dataset export (N-Quads, TriG) read graph by graph, with each graph's canonical form and content hash.

What a store is sent for one named graph is its *canonical N-Triples*: every
distinct triple once, as pyoxigraph writes it, sorted, one ``S P O .`` a line.
Its **content hash** is the SHA-256 of those bytes, so the same graph has the
same hash whatever the syntax, order or repetition in the file, and whatever
a store answers when the graph is read back (it is parsed and written the same
way). A graph that is absent has the hash of no bytes (:data:`EMPTY_HASH`):
stores keep no empty graphs.

The file is parsed in one stream (pyoxigraph); :func:`runs` yields each
*run* of consecutive statements of one graph, so only one graph is held in
memory when the file keeps each graph together (as newsgraph's exports do).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from graph.formats import for_path
from graph.store.http import PushError

__all__ = [
    "EMPTY_HASH",
    "Run",
    "canonical",
    "content_hash",
    "dataset_format",
    "read_graph",
    "runs",
    "graph_runs",
    "whole_graphs",
]


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive statements of one graph in a file: its IRI (``None``: the default graph) and its triples."""

    graph: str | None
    lines: list[str]  #: N-Triples statements without the final `` .``, as parsed (repeats kept)
    blank: bool  #: does a triple hold a blank node (whose label a store does not keep)


def content_hash(body: bytes) -> str:
    """The content hash of a graph's canonical N-Triples.

    >>> content_hash(b"")
    'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    return "sha256:" + hashlib.sha256(body).hexdigest()


#: The hash of a graph that holds nothing (a store keeps no empty graph: an absent one hashes to this).
EMPTY_HASH = content_hash(b"")


def canonical(lines: Iterable[str]) -> bytes:
    """A graph's canonical N-Triples: each distinct statement once, sorted.

    >>> canonical(['<b:x> <b:p> "2"', '<a:x> <a:p> "1"', '<b:x> <b:p> "2"'])
    b'<a:x> <a:p> "1" .\\n<b:x> <b:p> "2" .\\n'
    """
    return "".join(f"{line} .\n" for line in sorted(set(lines))).encode("utf-8")


def dataset_format(path: str | os.PathLike[str]) -> pyoxigraph.RdfFormat:
    """pyoxigraph's format for a dataset export (``.nq``, ``.trig``); a :class:`PushError` for anything else.

    >>> dataset_format("exports/graph.trig")
    <RdfFormat TriG>
    >>> dataset_format("exports/graph.ttl")
    Traceback (most recent call last):
    ...
    graph.store.http.PushError: exports/graph.ttl is not a dataset: sync needs named graphs, from an .nq or .trig export
    """
    try:
        fmt = for_path(path, rdf=True)
    except ValueError as exc:
        raise PushError(str(exc)) from None
    if not fmt.dataset or fmt.oxigraph is None:
        raise PushError(f"{os.fspath(path)} is not a dataset: sync needs named graphs, from an .nq or .trig export")
    format_: pyoxigraph.RdfFormat = getattr(pyoxigraph.RdfFormat, fmt.oxigraph)
    return format_


def _quads(path: Path) -> Iterator[pyoxigraph.Quad]:
    format_ = dataset_format(path)
    if not path.is_file():
        raise PushError(f"no such file: {path}")
    try:
        yield from pyoxigraph.parse(path=str(path), format=format_)
    except SyntaxError as exc:
        raise PushError(f"{path}: not valid {format_.name}: {exc}") from None


def runs(path: str | os.PathLike[str], default_into: str | None = None) -> Iterator[Run]:
    """Each run of consecutive statements of one graph in the dataset at ``path``, in file order.

    ``default_into``: the default graph's statements are given as statements of that named graph.
    A syntax error is a :class:`PushError` naming the file and the place.

    >>> import graph, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> _ = graph.build(["seeds"]).write(out, ["nq"])
    >>> [(r.graph.rsplit("/", 1)[-1], len(r.lines) > 0) for r in runs(out / "graph.nq") if r.graph][:2]
    [('build', True), ('000_538a4fffcd099543.txt', True)]
    """
    path = Path(path)
    current: object = None
    lines: list[str] = []
    blank = False
    for quad in _quads(path):
        name = quad.graph_name
        if name != current:
            if lines:
                yield Run(_graph_name(path, current, default_into), lines, blank)
            current, lines, blank = name, [], False
        lines.append(str(quad.triple))
        if not blank and (type(quad.subject) is pyoxigraph.BlankNode or type(quad.object) is pyoxigraph.BlankNode):
            blank = True
    if lines:
        yield Run(_graph_name(path, current, default_into), lines, blank)


def graph_runs(path: str | os.PathLike[str], default_into: str | None = None) -> dict[str | None, int]:
    """How many runs each graph of the file has, in order of first appearance (a quick pass over graph names).

    A graph with more than one run is *split*: its statements are not all together.
    """
    path = Path(path)
    counts: dict[object, int] = {}
    current: object = None
    for quad in _quads(path):
        name = quad.graph_name
        if name != current:
            counts[name] = counts.get(name, 0) + 1
            current = name
    named: dict[str | None, int] = {}
    for graph_name, n in counts.items():
        key = _graph_name(path, graph_name, default_into)
        named[key] = named.get(key, 0) + n
    return named


def whole_graphs(
    path: str | os.PathLike[str],
    split: Collection[str | None],
    only: Container[str | None] | None = None,
    default_into: str | None = None,
) -> Iterator[Run]:
    """Each graph once with all its statements (of those in ``only``, default all), named as :func:`runs` names them.

    A graph in ``split`` (see :func:`graph_runs`) is gathered and given at the end; every other graph is
    given as soon as its run ends, so memory holds one graph at a time.
    """
    held: dict[str | None, Run] = {}
    for run in runs(path, default_into):
        if only is not None and run.graph not in only:
            continue
        if run.graph not in split:
            yield run
            continue
        before = held.get(run.graph)
        held[run.graph] = run if before is None else Run(run.graph, before.lines + run.lines, before.blank or run.blank)
    yield from held.values()


def _graph_name(path: Path, name: object, default_into: str | None = None) -> str | None:
    if isinstance(name, pyoxigraph.NamedNode):
        return name.value
    if isinstance(name, pyoxigraph.DefaultGraph):
        return default_into
    raise PushError(f"{path}: a graph is named by a blank node ({name}); a store cannot address it")


def read_graph(body: bytes, media_type: str) -> list[str]:
    """The statements of a graph a store sent back (any RDF syntax it names), as :func:`runs` gives them."""
    format_ = pyoxigraph.RdfFormat.from_media_type(media_type)
    if format_ is None:
        raise PushError(f"the store sent a graph as {media_type!r}, which newsgraph cannot read")
    try:
        return [str(q.triple) for q in pyoxigraph.parse(body, format=format_)]
    except SyntaxError as exc:
        raise PushError(f"the store sent a graph newsgraph cannot parse ({format_.name}): {exc}") from None
