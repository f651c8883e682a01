"""Export formats, one module per format, registered by name.

Every format module has the same verbs: ``generate(source)`` yields the text
in chunks, ``write(source, path)`` writes it atomically, and (for RDF formats)
``read(path)`` parses it back. ``source`` is anything with a ``corpus`` and an
``nx`` graph, such as a :class:`graph.KnowledgeGraph`.

>>> sorted(WRITERS)
['graphml', 'html', 'jsonld', 'nq', 'nt', 'trig', 'ttl']
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

import networkx as nx

from graph.model.merge import Corpus

__all__ = ["WRITERS", "Exportable", "register", "write_atomic"]


class Exportable(Protocol):
    """What a format needs: the merged records and the graph built from them."""

    corpus: Corpus

    @property
    def nx(self) -> nx.MultiDiGraph: ...


Writer = Callable[[Exportable, Path], None]

#: Format name (also the file extension) → the function that writes it.
WRITERS: dict[str, Writer] = {}


def register(name: str, writer: Writer) -> None:
    """Make ``writer`` the writer of format ``name`` (``DIR/graph.<name>``)."""
    WRITERS[name] = writer


def write_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Write text chunks as UTF-8 to a temporary file beside ``path``, then rename it.

    A failed or interrupted write leaves any previous ``path`` as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for chunk in chunks:
                out.write(chunk)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _register_builtins() -> None:
    from . import graphml, jsonld, nq, ntriples, trig, turtle

    for module in (turtle, ntriples, nq, trig, jsonld, graphml):
        register(module.NAME, module.write)

    def html(source: Exportable, path: Path) -> None:
        from graph.view import html

        html.write(source, path)

    register("html", html)


_register_builtins()
