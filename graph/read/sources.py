"""Reading sources: find the article files and read one file into a raw document.

A file is YAML front matter between two ``---`` lines; whatever follows the
second line (a Markdown body) is not part of the article. Reading one file is a
pure function of the file's bytes (:func:`parse_document`), so it runs the same
in this process, in worker processes and on a cluster.

Files are untrusted. Before any YAML is parsed a file is checked for its size
(:data:`MAX_FILE_BYTES`), for binary content and for UTF-8; the YAML is read
with a safe loader that constructs no objects (only mappings, lists, text,
numbers, booleans, null and dates), with bounded nesting (:data:`MAX_DEPTH`),
a bounded number of values even after alias expansion (:data:`MAX_VALUES`) and
a bounded length of any one text (:data:`MAX_TEXT_CHARS`). Every problem is a
:class:`Diagnostic` naming the file, the line where there is one and a short
``code``; nothing here raises on bad data.
"""

from __future__ import annotations

import errno
import heapq
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, unquote

import yaml

from graph.read import fastyaml

__all__ = [
    "LOADER",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "MAX_VALUES",
    "PY_LOADER",
    "SUFFIXES",
    "Diagnostic",
    "Document",
    "Source",
    "SourceError",
    "SourceWalk",
    "WalkPolicy",
    "YamlNote",
    "display_name",
    "find_sources",
    "load_yaml",
    "parse_document",
    "parse_front_matter",
    "read_document",
    "too_large_message",
    "yaml_block",
]

#: The file endings searched for in folders: articles and site data (front matter or plain YAML), JSON API
#: pages, and the pages, layouts and feeds a site publishes beside them (read to be skipped, or kept if they
#: carry front matter with an article or item in it).
SUFFIXES = (".md", ".txt", ".yaml", ".yml", ".json", ".html", ".htm", ".xml")
#: What a file that holds no graph content may be (a site's config, templates, the repository's own docs).
_TEMPLATE_SUFFIXES = (".html", ".htm", ".xml")
_DOC_STEMS = frozenset({"readme", "license", "licence", "changelog", "contributing", "code_of_conduct", "notice"})

#: A file larger than this is rejected unread (real articles are a few kB).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Deepest nesting of lists and mappings accepted (real articles nest 3 deep).
MAX_DEPTH = 64
#: Most values (scalars, lists and mappings) in one file, counted after aliases are expanded.
MAX_VALUES = 50_000
#: Longest text accepted in any one field.
MAX_TEXT_CHARS = 1_000_000

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The only tags that construct anything: plain data. No !!binary (bytes), !!set,
# !!omap, !!pairs, and no application tags (!!python/object and friends).
_ALLOWED_TAGS = ("null", "bool", "int", "float", "str", "seq", "map", "timestamp")


class _Refused(yaml.constructor.ConstructorError):
    """A YAML feature refused on purpose (not a syntax error)."""

    def __init__(self, problem: str, mark: Any, code: str) -> None:
        super().__init__(None, None, problem, mark)
        self.code = code


def _refuse_tag(loader: Any, node: yaml.Node) -> Any:
    raise _Refused(f"the YAML tag {node.tag!r} is not allowed (only plain data)", node.start_mark, "tag")


def _flatten_mapping(loader: Any, node: yaml.MappingNode) -> None:
    # Merge keys (<<) copy mappings at construction time: a billion laughs in disguise.
    for key, _ in node.value:
        if key.tag == "tag:yaml.org,2002:merge":
            raise _Refused("YAML merge keys (<<) are not allowed", key.start_mark, "merge-key")


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    """A mapping as the safe loader builds it (a repeated key keeps its later value); repeats are noted.

    Each repeated key is appended to the loader's ``notes`` as ``("duplicate-key", key, line of its
    first occurrence, line of the one kept, "")``, lines counted from 0 in the YAML text.
    """
    mapping: dict[Any, Any] = yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep)
    if len(mapping) < len(node.value):  # fewer keys than entries: some key came twice
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                line = first.setdefault(key, key_node.start_mark.line)
            except TypeError:  # an unhashable key: the constructor has refused it already
                continue
            if line != key_node.start_mark.line:
                loader.notes.append(("duplicate-key", key, line, key_node.start_mark.line, ""))
                first[key] = key_node.start_mark.line
    return mapping


def _safe_loader(base: Any) -> Any:
    """A subclass of the safe loader ``base`` that builds plain data only, as the fast path does.

    Scalars are built with :data:`graph.read.fastyaml.CONSTRUCTORS` (lenient: a value that cannot be
    built stays text) and repeated keys are noted in the loader's ``notes`` (:data:`YamlNote`).
    """
    constructors = {f"tag:yaml.org,2002:{t}": base.yaml_constructors[f"tag:yaml.org,2002:{t}"] for t in _ALLOWED_TAGS}
    constructors.update(fastyaml.CONSTRUCTORS)
    return type(
        f"_Plain{base.__name__}",
        (base,),
        {
            "yaml_constructors": {**constructors, None: _refuse_tag},  # type: ignore[misc]
            "flatten_mapping": _flatten_mapping,
            "construct_mapping": _construct_mapping,
        },
    )


#: libyaml's safe loader when available (about 10x faster), restricted to plain data: what the build
#: parses with wherever the fast path (:mod:`graph.read.fastyaml`) does not answer.
LOADER: Any = _safe_loader(_Base)
#: The pure-Python one, for what libyaml refuses but Python can read (surrogate escapes).
PY_LOADER: Any = _safe_loader(yaml.SafeLoader)
_Loader, _PyLoader = LOADER, PY_LOADER


#: What loading noticed: ``(code, key, line, line, text)``: a key repeated in one mapping
#: (``duplicate-key``, its first and last lines) or a whole number too long to read (``number-too-large``,
#: its line twice and its text). Lines count from 0 in the YAML text.
YamlNote = tuple[str, Any, int, int, str]


def load_yaml(text: str, loader: Any = LOADER, notes: list[YamlNote] | None = None) -> Any:
    """``yaml.load(text, Loader=loader)``, with what it noticed appended to ``notes`` (:data:`YamlNote`).

    >>> found = []
    >>> load_yaml("a: 1\\nb: yes\\na: 2021-02-31\\n", notes=found), found
    ({'a': '2021-02-31', 'b': 'yes'}, [('duplicate-key', 'a', 0, 2, '')])
    """
    parser = loader(text)
    parser.notes = [] if notes is None else notes
    try:
        return parser.get_single_data()
    finally:
        parser.dispose()


@dataclass(frozen=True, slots=True)
class Source:
    """One input file: where it is, and its name relative to the build root.

    ``problem`` says why it is not read (``""``: it is), ``code`` the kind:
    ``link-outside`` (a symbolic link out of the input, not followed: the file
    is skipped), ``link-loop`` and ``unreadable`` (a folder that cannot be
    listed: the file is rejected). The walk (:func:`find_sources`) names them
    so that the report does.
    """

    path: str | os.PathLike[str]
    name: str
    problem: str = ""
    code: str = ""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something said about one file: an ``error`` rejects it, a ``warning`` does not.

    ``code`` is a short stable name of the kind of problem (``crlf``,
    ``malformed-yaml``, ``no-url``, ...), the same in ``report.json``.
    """

    source: str
    severity: Literal["error", "warning"]
    message: str
    line: int | None = None
    code: str = ""

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.severity}: {self.message}"


@dataclass(slots=True)
class Document:
    """The raw front matter of one file (``data`` is ``None`` when it was rejected).

    ``text`` is the front matter's YAML and ``first_line`` the line of the file
    it starts on, so later stages can say on which line a field is.
    """

    source: str
    data: dict[str, Any] | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str = ""
    first_line: int = 2
    _lines: dict[str, int] | None = field(default=None, repr=False, compare=False)
    #: What the file is as read: ``""`` front matter, ``"data"`` plain YAML (site data such as
    #: ``_data/topics/*.yaml``), ``"page"`` a JSON API page, ``"skipped"`` no graph content (``reason`` says why).
    kind: str = ""
    reason: str = ""

    def line_of(self, key: str) -> int | None:
        """The line of the file where the top-level field ``key`` is written, if it is.

        >>> doc = parse_document(b"---\\ntitle: T\\nwebUrl: https://a.example/\\n---\\n", "a.md")
        >>> doc.line_of("webUrl"), doc.line_of("nope")
        (3, None)
        """
        if self._lines is None:  # one pass over the text, however many lookups follow
            self._lines = {}
            line, at = self.first_line, 0
            for match in _TOP_KEY.finditer(self.text):
                line += self.text.count("\n", at, match.start())
                at = match.start()
                self._lines.setdefault(match.group(1) or match.group(2) or match.group(3) or "", line)
        return self._lines.get(key)


class SourceError(ValueError):
    """A file that cannot be read as an article; ``line`` is 1-based where known.

    ``code`` names the kind of problem; ``key`` is the field it is in, if known.
    """

    def __init__(self, message: str, line: int | None = None, code: str = "", key: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.code = code
        self.key = key


def display_name(name: str) -> str:
    """A file's name as text can show it: bytes of the path that are not UTF-8 are written ``\\xNN``.

    A source's ``name`` keeps such bytes exactly (as lone surrogates, :func:`os.fsdecode`'s way), so two
    files whose names differ only there stay two (their source IRIs percent-encode the raw bytes); only
    where a name is shown or written as text (``report.json``, ``dcterms:identifier``) is it this.

    >>> display_name("b\\udcff.md"), display_name("café.md")
    ('b\\\\xff.md', 'café.md')
    """
    if not _SURROGATE.search(name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _iri_key(name: str) -> str:
    """A name as its source IRI spells it: the raw bytes of the path, percent-encoded."""
    return quote(name.encode("utf-8", "surrogateescape"), safe="/")


def find_sources(paths: Iterable[str | os.PathLike[str]], follow_symlinks: bool = False) -> list[Source]:
    """Every article file under ``paths``, sorted by name, each named relative to the build root.

    Folders are searched for ``*.md``, ``*.txt``, ``*.yaml``, ``*.yml`` (and
    the site files of :data:`SUFFIXES`), however deep; hidden files and folders
    are skipped. The build root is the deepest folder holding every path given,
    so names never collide. Symbolic links follow :class:`WalkPolicy`: one that
    points out of the paths given is named (a skipped file) and not followed
    unless ``follow_symlinks``; folders that cannot be listed and loops of
    links are named too (rejected files), and the walk goes on.

    >>> [s.name for s in find_sources(["seeds"])]
    ['000_538a4fffcd099543.txt', '001_17b63d52bf50f52a.txt']
    """
    roots = _roots(paths)
    policy = WalkPolicy(roots, follow_symlinks)
    # resolved path (as text: pathlib is slow at 100,000 files) -> source, its name still to be made
    found: dict[str, Source] = {}
    seen: set[tuple[int, int]] = set()
    for root in roots:
        if not root.is_dir():
            found.setdefault(os.path.realpath(root), Source(root, ""))
            continue
        if not policy.first_visit(str(root), seen):
            continue
        stack = [(str(root), os.path.realpath(root))]
        while stack:  # depth first, names in order: the same walk however deep (no recursion)
            folder, real = stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                found.setdefault(real, Source(folder, "", *policy.unreadable(exc)))
                continue
            below = []
            for entry in entries:
                kind, detail = policy.classify(entry)
                here = os.path.join(real, entry.name)
                if kind == "file":
                    found.setdefault(here, Source(entry.path, ""))
                elif kind == "link":
                    found.setdefault(detail[0], Source(entry.path, ""))
                elif kind == "problem":
                    found.setdefault(here, Source(entry.path, "", *detail))
                elif kind in ("folder", "followed") and policy.first_visit(entry.path, seen):
                    below.append((entry.path, here if kind == "folder" else detail[0]))
            stack.extend(reversed(below))
    if not found:
        return []
    top = _top(roots)
    sources = [_named(source, resolved, top) for resolved, source in found.items()]
    return sorted(sources, key=lambda s: s.name)


def _roots(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {root}")
    return roots


def _top(roots: list[Path]) -> str:
    """The build root: the deepest folder holding every path given."""
    anchors = [os.path.realpath(r) if r.is_dir() else os.path.dirname(os.path.realpath(r)) for r in roots]
    return os.path.commonpath(anchors) if anchors else ""


def _named(source: Source, resolved: str, top: str) -> Source:
    """``source`` with its name: where it is below the build root (a problem: where it was met)."""
    if source.code:
        path = os.fspath(source.path).rstrip(os.sep) or os.sep
        where = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        name = _source_name(where, path, top)
        if name in ("", "."):
            name = path
        if source.code == "unreadable":  # a folder: named as one, where it sorts among the names below it
            name = name.rstrip("/") + "/"
        return Source(source.path, name, source.problem, source.code)
    return Source(source.path, _source_name(resolved, source.path, top))


class WalkPolicy:
    """What the walk does with each entry of a folder: the one policy of every engine's walk.

    * hidden entries (``.name``) and files of other suffixes: skipped;
    * a folder: walked (each real folder once: a loop ends);
    * a symbolic link into the paths given: a file is read (once, however
      many ways lead to it), a folder is not walked (its files are read where
      they are);
    * a symbolic link out of the paths given: not followed, and named (the
      report lists it as skipped), unless ``follow``: then a file is read and
      a folder walked, named where the link is;
    * a loop of links: named (rejected); a folder that cannot be listed:
      named (rejected, :meth:`unreadable`).

    >>> policy = WalkPolicy([Path("seeds")])
    >>> import os
    >>> with os.scandir("seeds") as listing:
    ...     sorted(policy.classify(e)[0] for e in listing)
    ['file', 'file']
    """

    def __init__(self, roots: Iterable[Path], follow: bool = False) -> None:
        self.follow = follow
        self._folders = [os.path.join(os.path.realpath(r), "") for r in roots if r.is_dir()]
        self._files = {os.path.realpath(r) for r in roots if not r.is_dir()}
        self._roots = [os.path.realpath(r) for r in roots if r.is_dir()]

    def first_visit(self, folder: str, seen: set[tuple[int, int]]) -> bool:
        """Whether ``folder`` was not walked yet in this walk (``seen``: the real folders walked, by device and
        inode; ``folder`` is added to them)."""
        try:
            info = os.stat(folder)
        except OSError:
            return True  # listing it will say what is wrong
        key = (info.st_dev, info.st_ino)
        if key in seen:
            return False
        seen.add(key)
        return True

    def inside(self, real: str) -> bool:
        """Whether the resolved path ``real`` is one of the paths given or below one."""
        return real in self._files or real in self._roots or any(real.startswith(f) for f in self._folders)

    def classify(self, entry: os.DirEntry[str]) -> tuple[str, tuple[str, ...]]:
        """What to do with one entry: ``skip``, ``file``, ``folder``, ``link`` (a linked file to read: its
        resolved path), ``followed`` (a linked folder to walk: its resolved path) or ``problem`` (message, code)."""
        name = entry.name
        if name.startswith("."):
            return "skip", ()
        wanted = name.lower().endswith(SUFFIXES)
        try:
            link = entry.is_symlink()
        except OSError:
            link = False
        if not link:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                return "folder", ()
            return ("file", ()) if wanted else ("skip", ())
        real = os.path.realpath(entry.path)
        try:
            is_dir = stat.S_ISDIR(os.stat(entry.path).st_mode)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "problem", (f"a loop of symbolic links ({_target(entry.path)}); not read", "link-loop")
            return ("link", (real,)) if wanted else ("skip", ())  # a broken link: reading it says so
        if not is_dir and not wanted:
            return "skip", ()
        if self.inside(real):
            return ("skip", ()) if is_dir else ("link", (real,))
        if self.follow:
            return ("followed", (real,)) if is_dir else ("link", (real,))
        what = "folder" if is_dir else "file"
        return "problem", (
            f"a symbolic link to a {what} outside the input ({_target(entry.path)}); "
            "not followed (--follow-symlinks follows it)",
            "link-outside",
        )

    @staticmethod
    def unreadable(exc: OSError) -> tuple[str, str]:
        """The problem of a folder that cannot be listed (its files cannot be found)."""
        return f"cannot read the folder: {exc.strerror or exc}", "unreadable"


def _target(path: str) -> str:
    """Where a link points, as written in it (cut short)."""
    try:
        target = os.readlink(path)
    except OSError:
        return "?"
    target = display_name(target)
    return target if len(target) <= 200 else target[:197] + "..."


def _source_name(resolved: str, path: str | os.PathLike[str], top: str) -> str:
    """A file's name: its resolved path relative to the build root ``top``.

    A link to a file outside the root is named by where the link is (its
    target's path says nothing about the build), failing that by its own name.
    """
    inside = os.path.join(top, "")
    if resolved.startswith(inside):
        rel = resolved[len(inside) :]
    else:
        rel = os.path.relpath(os.path.abspath(path), top)
        if rel.startswith(".."):
            rel = os.path.basename(path)
    return Path(rel).as_posix() if os.sep != "/" else rel


class SourceWalk:
    """The files :func:`find_sources` finds, met one at a time, for corpora larger than memory.

    ``find_sources`` holds every path at once (some 800 MB for a million
    files); a walk holds one folder's listing per level, and the symbolic links
    to files (rare). ``len()`` counts the files (one pass over the folders
    without keeping them); iterating walks again and gives the same sources as
    ``find_sources``, in the order of their names percent-encoded as source
    IRIs are (``quote(name, safe="/")``: :func:`graph.read.identity.source_iri`).
    Files and folders of one folder are visited by that key, a folder's key
    ending in ``/`` like every name below it, so the walk meets names in
    globally sorted order without sorting them all. The walk follows the same
    :class:`WalkPolicy`, with no recursion however deep the folders go.

    >>> walk = SourceWalk(["seeds"])
    >>> len(walk), [s.name for s in walk] == [s.name for s in find_sources(["seeds"])]
    (2, True)
    """

    def __init__(self, paths: Iterable[str | os.PathLike[str]], follow_symlinks: bool = False) -> None:
        self.roots = _roots(paths)
        self.top = _top(self.roots)
        self.policy = WalkPolicy(self.roots, follow_symlinks)
        self._count: int | None = None
        self._links: list[tuple[str, Source]] = []  # symbolic links to files, sorted: they join the walk in order

    def __len__(self) -> int:
        if self._count is None:
            count = 0
            links: dict[str, tuple[str, Source]] = {}
            seen: set[tuple[int, int]] = set()
            for root in self._folders():
                stack = [str(root)] if self.policy.first_visit(str(root), seen) else []
                while stack:
                    folder = stack.pop()
                    try:
                        listing = os.scandir(folder)
                    except OSError:
                        count += 1  # the folder is named: it cannot be listed
                        continue
                    with listing:
                        for entry in listing:
                            kind, detail = self.policy.classify(entry)
                            if kind in ("file", "problem"):
                                count += 1
                            elif kind == "link" and not self._walked(resolved := detail[0]):
                                links.setdefault(resolved, self._keyed(resolved, entry.path))
                            elif kind in ("folder", "followed") and self.policy.first_visit(entry.path, seen):
                                stack.append(entry.path)
            for root in self.roots:
                if not root.is_dir() and not self._walked(resolved := os.path.realpath(root)):
                    links.setdefault(resolved, self._keyed(resolved, str(root)))
            self._links = sorted(links.values(), key=lambda keyed: keyed[0])
            self._count = count + len(self._links)
        return self._count

    def __iter__(self) -> Iterator[Source]:
        len(self)  # the links, found by the counting pass
        seen: set[tuple[int, int]] = set()
        walks = [
            self._walk(str(root), os.path.realpath(root), seen)
            for root in self._folders()
            if self.policy.first_visit(str(root), seen)
        ]
        for _, source in heapq.merge(iter(self._links), *walks, key=lambda keyed: keyed[0]):
            yield source

    def _folders(self) -> list[Path]:
        """The folders to walk: none inside another (its files would come twice)."""
        folders = {os.path.realpath(root): root for root in self.roots if root.is_dir()}
        return [
            root
            for real, root in sorted(folders.items())
            if not any(real.startswith(os.path.join(other, "")) for other in folders if other != real)
        ]

    def _walked(self, resolved: str) -> bool:
        """Whether the walk of some folder meets this (resolved) file as a file of its own."""
        for root in self._folders():
            inside = os.path.join(os.path.realpath(root), "")
            if resolved.startswith(inside) and os.path.isfile(resolved) and not os.path.islink(resolved):
                parts = resolved[len(inside) :].split(os.sep)
                if not any(part.startswith(".") for part in parts) and parts[-1].lower().endswith(SUFFIXES):
                    return True
        return False

    def _keyed(self, resolved: str, path: str, problem: tuple[str, str] = ("", "")) -> tuple[str, Source]:
        source = _named(Source(path, "", *problem), resolved, self.top)
        return _iri_key(source.name), source

    def _walk(self, folder: str, real: str, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Source]]:
        """The files under ``folder`` (whose resolved path is ``real``) in key order.

        A folder's listing is all a walk holds: each entry as its key alone (the
        name comes back by unquoting it), and a folder of more than
        :data:`LISTING_RUN` entries (a flat folder of a million files) is sorted
        in runs on disk and merged, so memory stays flat however many it holds.
        The folders being walked are a stack of such listings, not a recursion.
        """
        with tempfile.TemporaryDirectory(prefix="newsgraph-listing-") as spill:
            stack = [self._listing(folder, real, spill)]
            while stack:
                item = next(stack[-1], None)
                if item is None:
                    stack.pop()
                elif isinstance(item[1], Source):
                    yield item[0], item[1]
                elif self.policy.first_visit(item[1][0], seen):
                    stack.append(self._listing(*item[1], spill))

    def _listing(
        self, folder: str, real: str, spill: str
    ) -> Iterator[tuple[str, Source] | tuple[str, tuple[str, str]]]:
        """One folder's entries in key order: sources, and folders to walk as ``(key, (path, real))``."""
        keys: list[str] = []
        runs: list[str] = []  # sorted runs of keys on disk, one key a line (a key holds no line break)
        odd: dict[str, str] = {}  # key -> name, for names the key does not give back (undecodable bytes)
        special: dict[str, tuple[str, ...]] = {}  # key -> a followed folder's real path, or a problem (rare)
        try:
            listing = os.scandir(folder)
        except OSError as exc:
            yield self._keyed(real, folder, WalkPolicy.unreadable(exc))
            return
        with listing:
            for entry in listing:
                kind, detail = self.policy.classify(entry)
                if kind in ("skip", "link"):
                    continue  # links to files join the walk from the counting pass
                name = entry.name
                key = _iri_key(name) + ("/" if kind in ("folder", "followed") else "")
                if _SURROGATE.search(name):
                    odd[key] = name
                if kind in ("followed", "problem"):
                    special[key] = (kind, *detail)
                keys.append(key)
                if len(keys) >= LISTING_RUN:
                    runs.append(_write_keys(spill, keys))
                    keys = []
        keys.sort()
        for key in heapq.merge(keys, *(_read_keys(run) for run in runs)) if runs else keys:
            name = odd.get(key) or unquote(key.rstrip("/"))
            path, here = os.path.join(folder, name), os.path.join(real, name)
            extra = special.get(key)
            if key.endswith("/"):
                yield key, (path, extra[1] if extra else here)
            elif extra:
                yield self._keyed(here, path, (extra[1], extra[2]))
            else:
                yield self._keyed(here, path)


#: Entries of one folder listed in memory at most; more are sorted in runs on disk.
LISTING_RUN = 100_000


def _write_keys(folder: str, keys: list[str]) -> str:
    """Write ``keys``, sorted, as a new run file in ``folder``; return its path."""
    keys.sort()
    fd, path = tempfile.mkstemp(suffix=".keys", dir=folder)
    with open(fd, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(f"{key}\n" for key in keys)
    return path


def _read_keys(path: str) -> Iterator[str]:
    """The keys of a run file, in order (each run is read once, then removed)."""
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            for line in f:
                yield line[:-1]
    finally:
        os.unlink(path)


def read_document(source: Source) -> Document:
    """Read one file and parse its front matter; problems become diagnostics, never exceptions.

    Files larger than :data:`MAX_FILE_BYTES` and anything that is not a regular
    file are rejected without being read.

    >>> doc = read_document(find_sources(["seeds"])[0])
    >>> doc.data["provider"]["name"], doc.diagnostics
    ('TechNode', [])
    """
    name = source.name
    if source.code == "link-outside":  # the walk's policy: named in the report, not read
        return Document(name, None, [], kind="skipped", reason=source.problem)
    if source.code:
        return _rejected(name, source.problem, None, source.code)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused below).
        fd = os.open(source.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                return _rejected(name, "not a regular file", None, "not-a-file")
            if info.st_size > MAX_FILE_BYTES:
                return _rejected(name, too_large_message(info.st_size), None, "too-large")
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return _rejected(name, f"cannot read: {exc.strerror or exc}", None, "unreadable")
    return parse_document(raw, name)


def _rejected(name: str, message: str, line: int | None, code: str) -> Document:
    return Document(name, None, [Diagnostic(name, "error", message, line, code)])


def too_large_message(size: int) -> str:
    """The error a file over :data:`MAX_FILE_BYTES` gets (the same from every engine).

    >>> too_large_message(MAX_FILE_BYTES + 1).startswith("the file is too large")
    True
    """
    return f"the file is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})"


def parse_document(raw: bytes, name: str) -> Document:
    """Parse the bytes of one file into a :class:`Document` (a pure function).

    The steps: the bytes as text (:func:`_text_of`), a JSON API page or a file
    with no graph content told apart, the YAML found (:func:`_yaml_of`), then
    parsed, and what the loader noticed said (:func:`_say_yaml_notes`).

    >>> parse_document(b"---\\ntitle: Hi\\nwebUrl: https://a.example/1\\n---\\n", "a.md").data
    {'title': 'Hi', 'webUrl': 'https://a.example/1'}
    >>> parse_document(b"no front matter", "b.md").diagnostics[0].message
    'no front matter: the file must start with a line "---"'
    >>> print(parse_document(b"\\x00\\x01\\x02binary", "c.md").diagnostics[0])
    c.md: error: a binary file (a NUL byte at offset 0), not text
    """
    notes: list[Diagnostic] = []

    def note(message: str, line: int | None, code: str) -> None:
        notes.append(Diagnostic(name, "warning", message, line, code))

    text = _text_of(raw, name, note)
    if isinstance(text, Document):  # not text: rejected
        return text
    suffix = _suffix(name)
    if suffix == ".json":
        return _parse_json(text, name, notes)
    if not text.startswith("---") or name.rsplit("/", 1)[-1].lower().startswith("_config."):
        reason = _skip_reason(name, suffix)
        if reason is not None:
            return Document(name, None, notes, kind="skipped", reason=reason)
    kind, block, first = "", "", 2
    try:
        kind, block, first = _yaml_of(text, name, suffix, note)
        fixed: list[str] = []
        noticed: list[YamlNote] = []
        try:
            data = parse_front_matter(block, first_line=first, fixed=fixed, notes=noticed)
        except SourceError as exc:
            if exc.code == "not-a-mapping" and (kind == "data" or suffix in _TEMPLATE_SUFFIXES):
                what = "YAML data that is not a mapping" if kind == "data" else "a template with empty front matter"
                return Document(name, None, notes, kind="skipped", reason=f"no graph content ({what})")
            raise
        _say_yaml_notes(Document(name, None, text=block, first_line=first), noticed, fixed, note)
    except SourceError as exc:
        error_line = exc.line
        if error_line is None and exc.key is not None:
            error_line = Document(name, None, text=block, first_line=first).line_of(exc.key)
        return Document(name, None, [*notes, Diagnostic(name, "error", str(exc), error_line, exc.code)])
    except RecursionError:  # pragma: no cover - the depth bound comes first; never crash on a file
        return Document(name, None, [*notes, Diagnostic(name, "error", "nested too deeply", None, "too-deep")])
    return Document(name, data, notes, block, first, kind=kind)


#: How the steps of :func:`parse_document` note a warning: (message, line or None, code).
_Note = Callable[[str, int | None, str], None]


def _text_of(raw: bytes, name: str, note: _Note) -> str | Document:
    """The bytes of a file as the text YAML reads (line ends made LF, characters YAML refuses raw replaced, each
    noted), or the rejected :class:`Document` of a file that is not text (too large, binary, not UTF-8)."""
    if len(raw) > MAX_FILE_BYTES:
        return _rejected(name, too_large_message(len(raw)), None, "too-large")
    nul = raw.find(b"\x00")
    if nul >= 0:
        return _rejected(name, f"a binary file (a NUL byte at offset {nul}), not text", None, "binary")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        note("a byte-order mark at the start of the file; ignored", 1, "bom")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return _rejected(name, f"not UTF-8 (byte {exc.start}: {raw[exc.start]:#04x})", line, "not-utf8")
    if "\r" in text:
        if "\r\n" in text:
            note("CRLF (Windows) line ends; read as LF", None, "crlf")
        else:
            note("CR line ends; read as LF", None, "cr")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Checked as bytes, at C speed: deleting the ASCII YAML allows leaves the characters beyond ASCII (whole
    # UTF-8 sequences) and any ASCII YAML refuses; only those few are searched (the same answer as the text's).
    left = raw.translate(None, _PRINTABLE_ASCII)
    odd = _NON_PRINTABLE.search(text) if left and _NON_PRINTABLE.search(left.decode("utf-8")) else None
    if odd is not None:  # YAML refuses them raw (escaped in double quotes they are fine): keep the rest
        line = text.count("\n", 0, odd.start()) + 1
        note(
            f"control characters YAML does not allow raw (first: U+{ord(odd.group(0)):04X}); replaced by U+FFFD",
            line,
            "control-chars",
        )
        text = _NON_PRINTABLE.sub("\ufffd", text)
    return text


def _yaml_of(text: str, name: str, suffix: str, note: _Note) -> tuple[str, str, int]:
    """What of a file's text is YAML: ``(kind, block, first line)``, ``kind`` ``""`` for front matter or ``"data"``
    for a plain YAML file (site data); a file that is neither raises :class:`SourceError`."""
    if suffix in (".yaml", ".yml") and text.partition("\n")[0].rstrip() != "---":
        # Plain YAML (site data): the first document; a bare "---" after it starts an empty second one.
        block, rest_line = yaml_block(text, name)
        if rest_line is not None:
            note("a second YAML document after the first; it is not read", rest_line, "second-document")
        return "data", block, 1
    kind = ""
    try:
        block, body_line = split_front_matter(text)
    except SourceError as exc:
        if exc.code != "not-closed" or suffix not in (".yaml", ".yml"):
            raise
        # A YAML file that starts with a document marker "---" and is not front matter: its data.
        kind, block, body_line = "data", text.partition("\n")[2], None
    if body_line is not None:
        note("a Markdown body after the front matter; it is not part of the article", body_line, "body")
    return kind, block, 2


def _say_yaml_notes(lines: Document, noticed: list[YamlNote], fixed: list[str], note: _Note) -> None:
    """Say what the YAML loader noticed in the front matter ``lines`` holds (the first 20 of each kind)."""
    block, first = lines.text, lines.first_line
    for code, key, line, kept, value in noticed[:20]:
        if code == "duplicate-key":
            message = f"{key}: a key repeated (lines {line} and {kept}); the later value is kept"
        else:  # a number too long to read: named by the key on its line
            at = block.split("\n")[line - first] if 0 <= line - first < block.count("\n") + 1 else ""
            found = _KEY_AT.match(at)
            where = f"{found.group(1)}: " if found else ""
            message = f"{where}{value[:40]}... ({len(value.lstrip('+-')):,} digits) is beyond 64 bits; kept as text"
        note(message, kept, code)
    for key in fixed[:20]:
        note(f"{key}: a lone UTF-16 surrogate escape; replaced by U+FFFD", lines.line_of(key), "surrogate")


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > name.rfind("/") else ""


def _skip_reason(name: str, suffix: str) -> str | None:
    """Why a file without front matter holds no graph content, or ``None`` if it should have held some."""
    base = name.rsplit("/", 1)[-1].lower()
    stem = base.split(".", 1)[0]
    if stem == "_config" and suffix in (".yml", ".yaml"):  # Jekyll reads its configuration from _config*.yml
        return "the site's configuration (_config.yml; no graph content)"
    if stem in _DOC_STEMS:
        return "the repository's own documentation (no front matter)"
    if suffix in _TEMPLATE_SUFFIXES:
        return f"a template, include or feed ({suffix}) with no front matter"
    return None


def yaml_block(text: str, name: str) -> tuple[str, int | None]:
    """The YAML the build parses in ``text`` (the file ``name``, LF line ends) and the line of anything after it.

    Front matter is the block between the first two ``---`` lines (what follows, a Markdown body, is not
    read); a plain YAML file (``.yaml``/``.yml`` not starting with ``---``) is its first document.

    >>> yaml_block("taxonomy: topic\\nname: AI\\n---\\n", "_data/topics/ai.yaml")
    ('taxonomy: topic\\nname: AI\\n', None)
    >>> yaml_block("---\\ntitle: T\\n---\\n# Body\\n", "a.md")
    ('title: T\\n', 4)
    """
    if _suffix(name) in (".yaml", ".yml") and text.partition("\n")[0].rstrip() != "---":
        match = _FENCE.match(text) or _FENCE_LINE.search(text)
        if match is None:
            return text, None
        rest = text[match.end(1) :]
        stripped = rest.lstrip()
        if not stripped:
            return text[: match.start(1)], None
        return text[: match.start(1)], text.count("\n", 0, len(text) - len(stripped)) + 1
    return split_front_matter(text)


def _parse_json(text: str, name: str, notes: list[Diagnostic]) -> Document:
    """A JSON file: an API page (``{"page", "value": [...], "nextPage"}``) or a file skipped as no graph content."""
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) < len(items):  # a key came twice: the later value is kept, as json.loads keeps it
            seen: set[str] = set()
            repeated.extend(k for k, _ in items if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_int=_json_int)
    except RecursionError:
        return Document(name, None, [*notes, Diagnostic(name, "error", "nested too deeply", None, "too-deep")])
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        message = f"malformed JSON: {getattr(exc, 'msg', exc)}"
        return Document(name, None, [*notes, Diagnostic(name, "error", message, line, "malformed-json")])
    if not (isinstance(data, dict) and isinstance(data.get("value"), list)):
        reason = 'no graph content (JSON that is not an API page {"page", "value": [...]})'
        return Document(name, None, notes, kind="skipped", reason=reason)
    fixed: list[str] = []
    try:
        data = _check_values(data, fixed)
    except SourceError as exc:
        return Document(name, None, [*notes, Diagnostic(name, "error", str(exc), None, exc.code)])
    for key in fixed[:20]:
        notes.append(
            Diagnostic(name, "warning", f"{key}: a lone UTF-16 surrogate escape; replaced by U+FFFD", None, "surrogate")
        )
    for key in dict.fromkeys(repeated[:20]):
        message = f"{key}: a key repeated; the later value is kept"
        notes.append(Diagnostic(name, "warning", message, None, "duplicate-key"))
    return Document(name, data, notes, "", 1, kind="page")


def _json_int(text: str) -> int | str:
    """A JSON integer; one too long for Python to read (thousands of digits) stays its text."""
    return int(text) if len(text) < 4000 else text


def split_front_matter(text: str) -> tuple[str, int | None]:
    """The YAML between the first two ``---`` lines, and the line where a non-blank body starts.

    >>> split_front_matter("---\\na: 1\\n---\\n\\n# Body\\n")
    ('a: 1\\n', 5)
    """
    first, sep, rest = text.partition("\n")
    if first.rstrip() != "---":
        raise SourceError('no front matter: the file must start with a line "---"', 1, "no-front-matter")
    # The closing line: at the very start, or after a newline (a search for "\n" runs at C speed; "^" with
    # re.M tries every position).
    match = _FENCE.match(rest) or _FENCE_LINE.search(rest)
    if match is None:
        raise SourceError('the front matter is not closed by a line "---"', text.count("\n") + 1, "not-closed")
    block = rest[: match.start(1)]
    body = rest[match.end(1) :]
    stripped = body.lstrip()
    if not stripped:
        return block, None
    end_line = 2 + block.count("\n")
    return block, end_line + 1 + body.count("\n", 0, len(body) - len(stripped))


_FENCE = re.compile(r"((?:---|\.\.\.)[ \t]*(?:\n|\Z))")
_FENCE_LINE = re.compile(r"\n((?:---|\.\.\.)[ \t]*(?:\n|\Z))")
_SURROGATE = re.compile("[\ud800-\udfff]")
# What YAML 1.1 does not allow raw in a file (PyYAML's reader refuses the whole file).
_PRINTABLE_ASCII = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])  # the ASCII _NON_PRINTABLE lets through
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FAST_PATH_CHARS = 256 * 1024
# A top-level key: plain, or in double or single quotes, then ':' and a space or the end of the line.
_TOP_KEY = re.compile(r"""^(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#'"\-?:\[\]{},][^\n]*?))[ \t]*:(?:[ \t]|$)""", re.M)
_DEEP_PREFIX = re.compile(r"[ \t?-]{16}")  # at the start of the block, or of a line:
_DEEP_LINE = re.compile(r"\n[ \t?-]{16}")
_KEY_AT = re.compile(r"[ \t-]*([^\s:'\"#{}\[\],][^:\n]{0,80}?)[ \t]*:[ \t]")
_TAB_INDENT = re.compile(r"^ *\t", re.M)
_LONG_LINE = re.compile(f"^[^\n]{{{MAX_TEXT_CHARS + 1}}}", re.M)


def parse_front_matter(
    block: str, first_line: int = 2, fixed: list[str] | None = None, notes: list[YamlNote] | None = None
) -> dict[str, Any]:
    """The mapping of fields in a front-matter YAML ``block`` (bounded, plain data only).

    ``first_line`` is the line of the file the block starts on, for messages;
    the fields where lone surrogates were replaced are appended to ``fixed``,
    what loading noticed to ``notes`` (:data:`YamlNote`, lines of the file).
    Raises :class:`SourceError` for anything that is not a usable mapping.

    >>> parse_front_matter("title: Hi\\ntopics: [AI]\\n")
    {'title': 'Hi', 'topics': ['AI']}
    >>> parse_front_matter("x: !!python/object/apply:os.system [ls]\\n")
    Traceback (most recent call last):
    ...
    graph.read.sources.SourceError: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed ...
    """
    _check_shape(block, first_line)
    data = _load_yaml(block, first_line, notes)
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise SourceError(f"the front matter is not a mapping of fields (it is {kind})", first_line, "not-a-mapping")
    if len(block) <= MAX_TEXT_CHARS and "*" not in block and "\\" not in block:
        # No alias (no '*'), so _check_shape's bounds hold for what was loaded; no escape (no '\\'),
        # so no lone surrogate; no text longer than the block: nothing for _check_values to do.
        return data
    return _check_values(data, [] if fixed is None else fixed)


def _load_yaml(block: str, first_line: int, notes: list[YamlNote] | None = None) -> Any:
    """YAML text to plain data with the safe loader; every failure is a :class:`SourceError`.

    This is the one place a faster parser may answer first (falling back here
    for anything unusual): :func:`_check_shape` runs before and
    :func:`_check_values` after, whichever parser answered.
    """
    try:
        try:
            # The fast path answers for the plain subset the feeds use, else None: PyYAML reads it.
            # Past _FAST_PATH_CHARS (50x a real article) libyaml goes first: its time per byte is bounded.
            fast = fastyaml.load(block) if len(block) <= _FAST_PATH_CHARS else None
            if fast:
                return fast
            found: list[YamlNote] = []
            data = load_yaml(block, _Loader, found)
            if notes is not None:
                notes += [(code, key, a + first_line, b + first_line, text) for code, key, a, b, text in found]
            return data
        except yaml.MarkedYAMLError as exc:
            # libyaml refuses \ud800-style escapes; Python reads them (and _check_values repairs them).
            if _Loader is _PyLoader or "invalid Unicode character escape" not in str(exc.problem):
                raise
            found = []
            data = load_yaml(block, _PyLoader, found)
            if notes is not None:
                notes += [(code, key, a + first_line, b + first_line, text) for code, key, a, b, text in found]
            return data
    except _Refused as exc:
        mark = exc.problem_mark
        raise SourceError(str(exc.problem), mark.line + first_line if mark else None, exc.code) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        tab = _tab_line(block, first_line, line)
        if tab is not None:
            raise SourceError("tabs used for indentation (YAML indents with spaces only)", tab, "tabs") from None
        raise SourceError(f"malformed YAML: {exc.problem or exc}", line, "malformed-yaml") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"malformed YAML: {exc}", None, "malformed-yaml") from None
    except RecursionError:
        raise SourceError(f"nested too deeply (the limit is {MAX_DEPTH} levels)", None, "too-deep") from None
    except Exception as exc:  # int("9" * 5000), a date out of range, "!!timestamp x", ...
        reason = str(exc).split(";")[0]
        raise SourceError(f"malformed YAML: a value that cannot be read ({reason})", None, "malformed-yaml") from None


def _tab_line(block: str, first_line: int, error_line: int | None) -> int | None:
    """The line of a tab used for indentation at or before ``error_line``, if there is one."""
    lines = [first_line + block.count("\n", 0, m.start()) for m in _TAB_INDENT.finditer(block)]
    if not lines:
        return None
    before = [n for n in lines if error_line is None or n <= error_line]
    return before[-1] if before else None


def _check_shape(block: str, first_line: int) -> None:
    """Reject nesting deeper than :data:`MAX_DEPTH` or more than :data:`MAX_VALUES` nodes, before loading.

    A cheap upper bound from the text decides whether the YAML events must be
    counted; the events come from an iterative parser, so a hostile file cannot
    exhaust the stack, and counting stops at the first bound crossed.
    """
    if len(block) > MAX_TEXT_CHARS:  # a longer line cannot be read as a text within bounds: refuse before parsing
        long_line = _LONG_LINE.search(block)
        if long_line is not None:
            line = first_line + block.count("\n", 0, long_line.start())
            end = block.find("\n", long_line.start())
            length = (len(block) if end < 0 else end) - long_line.start()
            key = _KEY_AT.match(block, long_line.start(), long_line.start() + 200)
            where = f" in field {key.group(1)!r}" if key else ""
            message = f"a line of {length:,} characters{where} (no text may be longer than {MAX_TEXT_CHARS:,})"
            raise SourceError(message, line, "field-too-large")
    # Depth <= brackets + 2 * (longest run of indentation, "- " and "? " + 1): at most 16 + 2 * 17 < MAX_DEPTH.
    brackets = block.count("[") + block.count("{")
    deep = brackets > 16 or _DEEP_PREFIX.match(block) is not None or _DEEP_LINE.search(block) is not None
    # Each character counted below is one of len(block): a short block cannot hold too many values (no count needed).
    many = 2 * (len(block) + 1) > MAX_VALUES and (
        2 * (block.count(",") + block.count("\n") + brackets + block.count("-") + block.count("?") + 1) > MAX_VALUES
    )
    if not (deep or many):
        return
    depth = values = 0
    try:
        for event in yaml.parse(block, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    start = event.start_mark
                    at = start.line + first_line if start is not None else None
                    raise SourceError(f"nested too deeply (the limit is {MAX_DEPTH} levels)", at, "too-deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                continue
            elif not isinstance(event, yaml.NodeEvent):
                continue
            values += 1
            if values > MAX_VALUES:
                raise SourceError(f"too many values (the limit is {MAX_VALUES:,})", None, "too-many-values")
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.6 (PyYAML >= 6.0.3 wheels) stops at its own depth limit before we count to ours.
        if "maximum nesting depth" in str(exc.problem):
            mark = exc.problem_mark
            at = mark.line + first_line if mark is not None else None
            raise SourceError(f"nested too deeply (the limit is {MAX_DEPTH} levels)", at, "too-deep") from None
        return  # loading reports it, with its line
    except yaml.YAMLError:
        return  # loading reports it, with its line


def _check_values(data: dict[str, Any], fixed: list[str]) -> dict[str, Any]:
    """Bound what was loaded (by any parser) and make every text valid Unicode.

    Aliases share objects, so the walk counts every reference: a billion-laughs
    file stops at :data:`MAX_VALUES`. A recursive alias is refused. Lone
    surrogates (from ``\\ud800`` escapes) cannot be written as UTF-8: a valid
    pair becomes its character, a lone one U+FFFD (its field is added to ``fixed``).
    """
    values = 0
    stack: list[tuple[Any, int, frozenset[int]]] = [(data, 1, frozenset())]
    while stack:
        node, depth, path = stack.pop()
        values += 1
        if values > MAX_VALUES:
            raise SourceError(
                f"too many values once aliases are expanded (the limit is {MAX_VALUES:,})", None, "too-many-values"
            )
        if depth > MAX_DEPTH:
            raise SourceError(f"nested too deeply (the limit is {MAX_DEPTH} levels)", None, "too-deep")
        if isinstance(node, dict):
            if id(node) in path:
                raise SourceError("a recursive alias (a value that contains itself)", None, "recursive-alias")
            inner = path | {id(node)}
            for key in list(node):
                value = node[key]
                if isinstance(key, str) and (len(key) > MAX_TEXT_CHARS or _SURROGATE.search(key)):
                    del node[key]
                    key = _check_text(key, key, fixed)
                    node[key] = value
                if isinstance(value, str):
                    node[key] = _check_text(value, key, fixed)
                    values += 1
                elif isinstance(value, (dict, list)):
                    stack.append((value, depth + 1, inner))
                else:
                    values += 1
        elif isinstance(node, list):
            if id(node) in path:
                raise SourceError("a recursive alias (a value that contains itself)", None, "recursive-alias")
            inner = path | {id(node)}
            for i, value in enumerate(node):
                if isinstance(value, str):
                    node[i] = _check_text(value, "", fixed)
                    values += 1
                elif isinstance(value, (dict, list)):
                    stack.append((value, depth + 1, inner))
                else:
                    values += 1
    return data


def _check_text(value: str, key: Any, fixed: list[str]) -> str:
    if len(value) > MAX_TEXT_CHARS:
        where = f" in field {str(key)[:80]!r}" if key else ""
        raise SourceError(
            f"a text of {len(value):,} characters{where} (the limit is {MAX_TEXT_CHARS:,})",
            None,
            "field-too-large",
            str(key) if key else None,
        )
    if not _SURROGATE.search(value):
        return value
    text = _fix_surrogates(value)
    name = _fix_surrogates(str(key)) if key else "a value"
    if text.count("\ufffd") > value.count("\ufffd") and name not in fixed:
        fixed.append(name)
    return text


def _fix_surrogates(text: str) -> str:
    """Join surrogate pairs into their characters; replace lone surrogates by U+FFFD.

    >>> _fix_surrogates("a\\ud83d\\ude00b\\ud800c")
    'a😀b\\ufffdc'
    """
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
