"""The pipeline: from paths to a merged corpus.

Each file goes through :func:`process_file` (read, parse, extract: a pure
function of the file) and the records of all files are merged once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from ._identity import DEFAULT_BASE, check_base
from ._merge import Corpus, merge
from ._records import FileRecords, extract
from ._sources import Source, find_sources, read_document

__all__ = ["process_file", "read_corpus"]


def process_file(source: Source, base: str = DEFAULT_BASE, drop: frozenset[str] = frozenset()) -> FileRecords:
    """Read, parse and extract one file: a pure function of that file.

    >>> records = process_file(find_sources(["seeds"])[0])
    >>> len(records.articles), records.diagnostics
    (3, [])
    """
    return extract(read_document(source), base, drop)


def read_corpus(
    paths: Iterable[str | os.PathLike[str]],
    base: str = DEFAULT_BASE,
    *,
    drop: Iterable[str] = (),
) -> Corpus:
    """Read every article file under ``paths`` and merge what they say.

    ``drop`` names fields to leave out of every article (say ``secured``).

    >>> corpus = read_corpus(["seeds"])
    >>> len(corpus.files), corpus.files_rejected
    (2, 0)
    """
    base = check_base(base)
    sources = find_sources(paths)
    dropped = frozenset(drop)
    return merge((process_file(s, base, dropped) for s in sources), base)
