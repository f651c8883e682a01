"""Pushing: an export uploaded to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

``newsgraph push [FILE] --endpoint URL [--graph IRI] [--replace]`` sends the
file as it is (no parsing, no new dependency: ``urllib``), so it works with any
store that speaks the protocol: Oxigraph (``http://HOST:PORT/store``), Jena
Fuseki (``http://HOST:3030/DATASET/data``), GraphDB
(``http://HOST:7200/repositories/REPO/rdf-graphs/service``).

* Turtle, N-Triples and JSON-LD go into the default graph (``?default``) or
  into the named graph ``--graph IRI`` (``?graph=IRI``).
* N-Quads and TriG go to the endpoint itself and keep their named graphs.
* ``POST`` adds the triples (RDF is a set: pushing twice changes nothing);
  ``--replace`` uses ``PUT`` and replaces the graph (or, for a dataset, the
  whole store).
"""

from __future__ import annotations

import os
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from graph.formats import FORMATS

__all__ = ["CONTENT_TYPES", "PushError", "Pushed", "push", "target"]

#: Export extension → the media type the store is told (from the format registry).
CONTENT_TYPES = {f.name: f.media_type for f in FORMATS.values() if f.rdf}
_DATASETS = frozenset(f.name for f in FORMATS.values() if f.dataset)


class PushError(Exception):
    """The upload failed: the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class Pushed:
    """What was sent where, and how the store answered."""

    path: Path
    url: str
    method: str
    size: int
    status: int


def target(endpoint: str, ext: str, graph: str | None = None) -> str:
    """The URL to send an export to.

    >>> target("http://localhost:7878/store", "ttl")
    'http://localhost:7878/store?default'
    >>> target("http://localhost:7878/store", "nt", "https://example.org/g 1")
    'http://localhost:7878/store?graph=https%3A%2F%2Fexample.org%2Fg%201'
    >>> target("http://localhost:7878/store", "trig")
    'http://localhost:7878/store'
    """
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"the endpoint must be an http(s) URL, like http://localhost:7878/store: {endpoint!r}")
    if ext not in CONTENT_TYPES:
        raise PushError(f"cannot push a .{ext} file; push one of {', '.join('.' + e for e in CONTENT_TYPES)}")
    if ext in _DATASETS:
        if graph is not None:
            raise PushError(f"a .{ext} file names its own graphs: push it without --graph")
        return endpoint
    joiner = "&" if parts.query else "?"
    if graph is None:
        return f"{endpoint}{joiner}default"
    return f"{endpoint}{joiner}graph={quote(graph, safe='')}"


def push(
    path: str | os.PathLike[str],
    endpoint: str,
    graph: str | None = None,
    *,
    replace: bool = False,
    timeout: float = 300.0,
) -> Pushed:
    """Upload the export at ``path`` to ``endpoint``; raise :class:`PushError` on any failure.

    >>> push("exports/graph.ttl", "http://127.0.0.1:9/store")
    Traceback (most recent call last):
    ...
    graph.store.push.PushError: cannot connect to http://127.0.0.1:9/store: connection refused (is the store running?)
    """
    path = Path(path)
    ext = path.suffix.lstrip(".").lower()
    url = target(endpoint, ext, graph)
    if not path.is_file():
        raise PushError(f"no such file: {path}")
    size = path.stat().st_size
    method = "PUT" if replace else "POST"
    headers = {"Content-Type": f"{CONTENT_TYPES[ext]}; charset=utf-8", "Content-Length": str(size)}
    with path.open("rb") as body:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
            detail = f": {' '.join(detail.split())[:500]}" if detail else ""
            raise PushError(f"the store at {url} answered HTTP {exc.code} {exc.reason}{detail}") from None
        except urllib.error.URLError as exc:
            raise PushError(_unreachable(endpoint, exc.reason)) from None
        except TimeoutError:
            raise PushError(f"no answer from {endpoint} within {timeout:g} s") from None
        except (ConnectionError, OSError) as exc:
            raise PushError(_unreachable(endpoint, exc)) from None
    return Pushed(path, url, method, size, status)


def _unreachable(endpoint: str, reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot connect to {endpoint}: connection refused (is the store running?)"
    if isinstance(reason, TimeoutError):
        return f"no answer from {endpoint}: timed out"
    if isinstance(reason, socket.gaierror):
        return f"cannot connect to {endpoint}: unknown host"
    text = getattr(reason, "strerror", None) or str(reason)
    return f"cannot connect to {endpoint}: {text}"
