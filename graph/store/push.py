"""Pushing: an export uploaded to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

``newsgraph push [FILE] --endpoint URL [--graph IRI] [--replace]`` works with
any store that speaks the protocol: Oxigraph (``http://HOST:PORT/store``),
Virtuoso (``http://HOST:8890/sparql-graph-crud-auth``), Jena Fuseki
(``http://HOST:3030/DATASET/data``), GraphDB
(``http://HOST:7200/repositories/REPO/rdf-graphs/service``).

* Turtle, N-Triples and JSON-LD are sent as they are, into the default graph
  (``?default``) or into the named graph ``--graph IRI`` (``?graph=IRI``).
* N-Quads and TriG are sent graph by graph (``?graph=IRI`` each, as canonical
  N-Triples), so every store takes them, even one whose endpoint takes no
  dataset in one request (Virtuoso's answers 200 and stores nothing).
  Statements a dataset has in its default graph go where
  :func:`default_graph_home` says (today: nowhere, counted in one line).
* ``POST`` adds the triples (RDF is a set: pushing twice changes nothing);
  ``--replace`` uses ``PUT``: it replaces the graph, or for a dataset each
  graph the file names, and nothing else (graphs newsgraph did not write are
  never touched).

Credentials, redirects, the deadline and TLS: :mod:`graph.store.http`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from graph.formats import FORMATS, Format, for_path
from graph.rdf.mapping import build_iri
from graph.store.graphs import Run, canonical, graph_runs, whole_graphs
from graph.store.http import Client, Credentials, PushError, public_url
from graph.util.progress import Feedback

__all__ = [
    "CONTENT_TYPES",
    "NTRIPLES",
    "PushError",
    "Pushed",
    "build_bases",
    "default_graph_home",
    "graph_url",
    "left_out_note",
    "push",
    "target",
]

#: Export extension → the media type the store is told (from the format registry).
CONTENT_TYPES = {f.name: f.media_type for f in FORMATS.values() if f.rdf}
#: How a single graph is sent: canonical N-Triples.
NTRIPLES = "application/n-triples; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Pushed:
    """What was sent where, and how the store answered (its last answer, for a dataset)."""

    path: Path
    url: str  #: where it went, without credentials
    method: str
    size: int  #: bytes sent
    status: int
    graphs: int = 1  #: requests made, one per graph
    left_out: int = 0  #: statements of a dataset's default graph that were not sent


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store URL of one graph (``None``: the default graph).

    >>> graph_url("http://localhost:7878/store", "https://example.org/g 1")
    'http://localhost:7878/store?graph=https%3A%2F%2Fexample.org%2Fg%201'
    >>> graph_url("http://localhost:7878/store?x=1", None)
    'http://localhost:7878/store?x=1&default'
    """
    joiner = "&" if urlsplit(endpoint).query else "?"
    return f"{endpoint}{joiner}default" if graph is None else f"{endpoint}{joiner}graph={quote(graph, safe='')}"


def target(endpoint: str, ext: str, graph: str | None = None) -> str:
    """The URL to send a one-graph export (``ttl``, ``nt``, ``jsonld``) to.

    >>> target("http://localhost:7878/store", "ttl")
    'http://localhost:7878/store?default'
    >>> target("http://localhost:7878/store", "nt", "https://example.org/g")
    'http://localhost:7878/store?graph=https%3A%2F%2Fexample.org%2Fg'
    >>> target("http://localhost:7878/store", "nq", "https://example.org/g")
    Traceback (most recent call last):
    ...
    graph.store.http.PushError: a .nq file names its own graphs: push it without --graph
    """
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        shown = public_url(endpoint)
        raise PushError(f"the endpoint must be an http(s) URL, like http://localhost:7878/store: {shown!r}")
    if ext not in CONTENT_TYPES:
        raise PushError(f"cannot push a .{ext} file; push one of {', '.join('.' + e for e in CONTENT_TYPES)}")
    if FORMATS[ext].dataset:
        raise PushError(f"a .{ext} file names its own graphs: push it without --graph")
    return graph_url(endpoint, graph)


def default_graph_home(base: str | None) -> str | None:
    """The named graph a dataset's default-graph statements go to in a store; ``None``: they are not sent.

    A push or a sync writes named graphs only, never a store's default graph:
    others use it, Virtuoso's Graph Store endpoint has none, and what belongs to
    no single document lives in a named graph of the build. ``base`` is the base
    IRI of the build the file describes (:func:`build_bases`), if one is found.

    >>> default_graph_home("https://newsgraph.example/id/") is None
    True
    """
    return None


_BUILD_TYPE = " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/prov#Activity>"


def build_bases(lines: Iterable[str]) -> Iterator[str]:
    """The base IRIs of the newsgraph builds described in N-Triples ``lines`` (``<BASE build> a prov:Activity``).

    >>> list(build_bases(["<https://newsgraph.example/id/build>" + _BUILD_TYPE]))
    ['https://newsgraph.example/id/']
    """
    for line in lines:
        if line.endswith(_BUILD_TYPE) and line.startswith("<"):
            subject = line[1 : line.index("> ")]
            base = subject[: -len("build")]
            if subject.endswith("build") and build_iri(base) == subject:
                yield base


def left_out_note(count: int, verb: str) -> str:
    """The line that says how many default-graph statements were not sent.

    >>> left_out_note(99, "synced")
    '99 statements in the default graph were not synced: only named graphs are written to a store'
    """
    return f"{count:,} statements in the default graph were not {verb}: only named graphs are written to a store"


def push(
    path: str | os.PathLike[str],
    endpoint: str,
    graph: str | None = None,
    *,
    replace: bool = False,
    timeout: float = 60.0,
    credentials: Credentials | None = None,
    ca_bundle: str | os.PathLike[str] | None = None,
    insecure: bool = False,
    feedback: Feedback | None = None,
) -> Pushed:
    """Upload the export at ``path`` to ``endpoint``; raise :class:`PushError` on any failure.

    ``timeout`` is the deadline of each request, in seconds; ``credentials``
    (or a ``USER:PASSWORD@`` in the endpoint) answer a store that asks.

    >>> push("exports/graph.ttl", "http://127.0.0.1:9/store")
    Traceback (most recent call last):
    ...
    graph.store.http.PushError: cannot connect to http://127.0.0.1:9/store?default: connection refused (is the ...)
    """
    path = Path(path)
    fmt = _format(path)
    if not fmt.dataset or graph is not None:
        target(endpoint, fmt.name, graph)  # the usage errors, before the file is looked at
    if not path.is_file():
        raise PushError(f"no such file: {path}")
    method = "PUT" if replace else "POST"
    with Client(endpoint, credentials=credentials, timeout=timeout, ca_bundle=ca_bundle, insecure=insecure) as client:
        if fmt.dataset:
            return _push_dataset(client, path, method, feedback or Feedback(level=0))
        url = target(client.endpoint, fmt.name, graph)
        answer = client.request(method, url, path, {"Content-Type": f"{fmt.media_type}; charset=utf-8"})
        return Pushed(path, public_url(url), method, path.stat().st_size, answer.status)


def _format(path: Path) -> Format:
    try:
        return for_path(path, rdf=True)
    except ValueError:
        ext = path.suffix.lstrip(".").lower()
        raise PushError(f"cannot push a .{ext} file; push one of {', '.join('.' + e for e in CONTENT_TYPES)}") from None


def _push_dataset(client: Client, path: Path, method: str, feedback: Feedback) -> Pushed:
    """Each graph of a dataset sent on its own; the default graph's statements go to :func:`default_graph_home`."""
    layout = graph_runs(path)
    split = {name for name, n in layout.items() if n > 1} | {None}
    default: Run | None = None
    status, graphs = 0, 0
    feedback.start("push", sum(1 for name in layout if name is not None))
    for run in whole_graphs(path, split):
        if run.graph is None:
            default = run
            continue
        status = _send(client, method, run.graph, run.lines)
        graphs += 1
        feedback.advance()
    feedback.finish()
    left_out = 0
    if default is not None:
        bases = set(build_bases(default.lines))
        home = default_graph_home(bases.pop() if len(bases) == 1 else None)
        if home is None:
            left_out = len(set(default.lines))
        else:
            status = _send(client, "POST", home, default.lines)
            graphs += 1
    return Pushed(path, public_url(client.endpoint), method, client.bytes_sent, status, graphs, left_out)


def _send(client: Client, method: str, graph: str, lines: list[str]) -> int:
    answer = client.request(method, graph_url(client.endpoint, graph), canonical(lines), {"Content-Type": NTRIPLES})
    return answer.status
