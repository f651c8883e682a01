"""Reading sources: find the article files and read one file into a raw document.

A file is YAML front matter between two ``---`` lines; whatever follows the
second line (a Markdown body) is not part of the article. Reading one file is a
pure function of the file's bytes (:func:`parse_document`), so it runs the same
in this process, in worker processes and on a cluster.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

__all__ = [
    "SUFFIXES",
    "Diagnostic",
    "Document",
    "Source",
    "find_sources",
    "parse_document",
    "read_document",
]

#: The file endings searched for in folders.
SUFFIXES = (".md", ".txt", ".yaml", ".yml")

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Source:
    """One input file: where it is, and its name relative to the build root."""

    path: Path
    name: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something said about one file: an ``error`` rejects it, a ``warning`` does not."""

    source: str
    severity: Literal["error", "warning"]
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.severity}: {self.message}"


@dataclass(slots=True)
class Document:
    """The raw front matter of one file (``data`` is ``None`` when it was rejected)."""

    source: str
    data: dict[str, Any] | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


class SourceError(ValueError):
    """A file that cannot be read as an article; ``line`` is 1-based where known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def find_sources(paths: Iterable[str | os.PathLike[str]]) -> list[Source]:
    """Every article file under ``paths``, sorted by name, each named relative to the build root.

    Folders are searched recursively for ``*.md``, ``*.txt``, ``*.yaml`` and
    ``*.yml``; hidden files and folders are skipped. The build root is the
    deepest folder holding every path given, so names never collide.

    >>> [s.name for s in find_sources(["seeds"])]
    ['000_538a4fffcd099543.txt', '001_17b63d52bf50f52a.txt']
    """
    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {root}")
    found: dict[Path, Path] = {}
    for root in roots:
        if root.is_file():
            found.setdefault(root.resolve(), root)
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                    path = Path(folder, name)
                    found.setdefault(path.resolve(), path)
    if not found:
        return []
    anchors = [r.resolve() if r.is_dir() else r.resolve().parent for r in roots]
    top = Path(os.path.commonpath(anchors))
    sources = [Source(path, resolved.relative_to(top).as_posix()) for resolved, path in found.items()]
    return sorted(sources, key=lambda s: s.name)


def read_document(source: Source) -> Document:
    """Read one file and parse its front matter; problems become diagnostics, never exceptions.

    >>> doc = read_document(find_sources(["seeds"])[0])
    >>> doc.data["provider"]["name"], doc.diagnostics
    ('TechNode', [])
    """
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        return Document(source.name, None, [Diagnostic(source.name, "error", f"cannot read: {exc.strerror}")])
    return parse_document(raw, source.name)


def parse_document(raw: bytes, name: str) -> Document:
    """Parse the bytes of one file into a :class:`Document` (a pure function).

    >>> parse_document(b"---\\ntitle: Hi\\nwebUrl: https://a.example/1\\n---\\n", "a.md").data
    {'title': 'Hi', 'webUrl': 'https://a.example/1'}
    >>> parse_document(b"no front matter", "b.md").diagnostics[0].message
    'no front matter: the file must start with a line "---"'
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Document(name, None, [Diagnostic(name, "error", f"not UTF-8 (byte {exc.start})")])
    try:
        data = parse_front_matter(text)
    except SourceError as exc:
        return Document(name, None, [Diagnostic(name, "error", str(exc), exc.line)])
    return Document(name, data)


def parse_front_matter(text: str) -> dict[str, Any]:
    """The YAML mapping between the first two ``---`` lines of ``text``."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise SourceError('no front matter: the file must start with a line "---"', 1)
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        raise SourceError('the front matter is not closed by a line "---"', len(lines))
    block = "".join(lines[1:end])
    try:
        data = yaml.load(block, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 2 if mark is not None else None
        raise SourceError(f"malformed YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"malformed YAML: {exc}") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise SourceError(f"the front matter is not a mapping of fields (it is {kind})", 2)
    return data
