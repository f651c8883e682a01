"""HTML: the interactive page of the whole graph."""

from __future__ import annotations

from pathlib import Path

from .._view import page
from . import Exportable, write_atomic

NAME = "html"


def generate(source: Exportable) -> str:
    """The page as one string."""
    return page(source.nx)


def write(source: Exportable, path: Path) -> None:
    """Write ``path`` as the page, atomically, in UTF-8."""
    write_atomic(path, [generate(source)])
