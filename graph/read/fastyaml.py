"""A fast path for the plain YAML these feeds are written in; anything else goes to PyYAML.

Parsing dominates a build, and even libyaml's ``CSafeLoader`` parses only
~1,500 front matters a second per core. The feeds use a small, regular subset
of YAML: block mappings and sequences indented with spaces, one scalar per
line, plain scalars and one-line quoted ones. :func:`load` parses exactly that
subset, several times faster, and returns ``None`` for *anything* else (a tab,
a flow collection, a block scalar, an anchor, a tag, a comment after a value,
a multi-line scalar, an odd indentation, a key that is not a plain name...),
so the caller falls back to PyYAML, which then gives its answer or its error.

Whatever it does parse, it parses as the build's safe loader does: a plain
scalar is resolved with PyYAML's own implicit resolvers (YAML 1.1) and built
with the constructors in :data:`CONSTRUCTORS`, which both paths use
(``2021-12-15T08:27:00Z`` is an aware ``datetime``, ``0o17`` is ``15``), and
escapes in double-quoted scalars follow the YAML table. Those constructors
never refuse a value a feed may hold: a date that cannot exist (a 13th month,
the 31st of February, year 0) or a number too long for Python stays the text
it was written as, and only ``true`` and ``false`` (any case) are booleans:
``yes``, ``no``, ``on`` and ``off`` stay text, as in YAML 1.2 and JSON. The
article keeps every such value; reading it into a typed field says what did
not fit. ``tests/test_fastyaml.py`` checks it against
PyYAML on the samples, the seeds, generated corpora and thousands of mutated
documents: the graph never depends on which parser read a file.

>>> load('title: "Hi \\\\u00e9"\\nquality: 59\\npublished: false\\nseen: no\\ntopics:\\n  - AI\\n')
{'title': 'Hi é', 'quality': 59, 'published': False, 'seen': 'no', 'topics': ['AI']}
>>> load("title: [a, b]\\n") is None  # a flow sequence: PyYAML's job
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

__all__ = ["CONSTRUCTORS", "ENABLED", "load"]

#: Set to ``False`` to send every document to PyYAML (the tests compare both paths).
ENABLED = True


class _Unusual(Exception):
    """The document leaves the subset: let PyYAML read it."""


# The subset takes printable characters only (``str.isprintable``, a subset of what YAML
# allows): no tab, no CR, no NEL/LS/PS line breaks, no BOM, no control character.
# The ASCII characters the subset allows: the printable ones and the line feed.
_PRINTABLE_ASCII = bytes([0x0A, *range(0x20, 0x7F)])
# A line: its indentation, a sequence dash, a mapping key (a plain name, then ':' and a
# space or the end of the line), and the rest. Blank lines and comment lines (a '#' first) match nothing.
_LINE = re.compile(r"^( *+)(?!#|$)(- +|-(?= *$))?(?:([A-Za-z_][A-Za-z0-9_.\-]*):(?: +|(?=$)))?(.*)$", re.MULTILINE)
# 2021-12-15T08:27:00Z: a timestamp in UTC to the second, as the feeds write them.
_UTC_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"\Z')
_SINGLE = re.compile(r"'((?:[^']|'')*)'\Z")
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\x09",
    "n": "\x0a",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\x0d",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
# First characters a plain scalar may not start with (PyYAML's scanner, block context);
# '-', '?' and ':' may start one when a non-space follows.
_INDICATORS = frozenset(",[]{}#&*!|>'\"%@`")
_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers
_CONSTRUCTOR = SafeConstructor()


def _lenient(construct: Callable[[Any, ScalarNode], Any], code: str = "") -> Callable[[Any, ScalarNode], Any]:
    """``construct``, giving back the scalar's text when it cannot build the value (never raising).

    With a ``code``, such a value is noted in the loader's ``notes`` list, if it keeps one
    (:data:`graph.read.sources.YamlNote`).
    """

    def build(loader: Any, node: ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):  # 2021-13-45, 0000-01-01, a number of 5,000 digits
            notes = getattr(loader, "notes", None)
            if code and notes is not None:
                notes.append((code, None, node.start_mark.line, node.start_mark.line, node.value))
            return node.value

    return build


def _boolean(loader: Any, node: ScalarNode) -> Any:
    """``true`` and ``false`` in any case are booleans; YAML 1.1's ``yes``, ``no``, ``on``, ``off`` stay text."""
    text = node.value.lower()
    return True if text == "true" else False if text == "false" else node.value


#: The constructors of plain scalars both parsing paths use (the fast path, and PyYAML's for the rest).
CONSTRUCTORS: dict[str, Callable[[Any, ScalarNode], Any]] = {
    "tag:yaml.org,2002:bool": _boolean,
    "tag:yaml.org,2002:float": SafeConstructor.yaml_constructors["tag:yaml.org,2002:float"],
    "tag:yaml.org,2002:int": _lenient(SafeConstructor.yaml_constructors["tag:yaml.org,2002:int"], "number-too-large"),
    "tag:yaml.org,2002:null": SafeConstructor.yaml_constructors["tag:yaml.org,2002:null"],
    "tag:yaml.org,2002:timestamp": _lenient(SafeConstructor.yaml_constructors["tag:yaml.org,2002:timestamp"]),
}
_CONSTRUCTORS = CONSTRUCTORS


def load(text: str) -> dict[str, Any] | None:
    """The mapping ``text`` holds, as PyYAML's safe loader reads it, or ``None`` if it is unusual.

    ``None`` means "not in the subset", never "invalid": the caller asks PyYAML.

    >>> load("a: 1\\nb:\\n  - url: x\\n    width: 2\\n")
    {'a': 1, 'b': [{'url': 'x', 'width': 2}]}
    >>> load("a: 1\\n  b: 2\\n") is None
    True
    """
    if not ENABLED:
        return None
    # Printable, line feeds aside: the printable ASCII bytes are deleted at C speed, and what is left
    # (the characters beyond ASCII, and any control character) must be printable.
    if (
        not text.encode("utf-8", "surrogatepass")
        .translate(None, _PRINTABLE_ASCII)
        .decode("utf-8", "surrogatepass")
        .isprintable()
    ):
        return None
    # One C-speed pass splits every line into (indent, "- ", key, rest); blank and comment lines
    # match nothing. An indentation stays a string of spaces: strings of spaces compare as their lengths.
    lines = _LINE.findall(text)
    if not lines or lines[0][1] or not lines[0][2]:
        return None
    try:
        data, pos = _mapping(lines, 0, len(lines), lines[0][0], False)
    except _Unusual:
        return None
    return data if pos == len(lines) else None


# A line is (indent, dash, key, rest), each a string.
_Line = tuple[str, str, str, str]


def _node(lines: list[_Line], pos: int, n: int, indent: str) -> tuple[Any, int]:
    """The block collection that starts at line ``pos``, indented by ``indent``."""
    _, dash, key, _ = lines[pos]
    if dash:
        return _sequence(lines, pos, n, indent)
    if key:
        return _mapping(lines, pos, n, indent, False)
    raise _Unusual


def _mapping(lines: list[_Line], pos: int, n: int, indent: str, item: bool) -> tuple[dict[str, Any], int]:
    """A block mapping at ``indent``; ``item``: its first line is a sequence's ``- key: ...``, whose key
    stands at ``indent``."""
    out: dict[str, Any] = {}
    while pos < n:
        here, dash, key, rest = lines[pos]
        if item:
            item = False
        elif here != indent:
            break
        elif dash or not key:
            raise _Unusual
        if key not in _KEYS:
            if key[0] in _RESOLVERS and type(_plain(key)) is not str:
                raise _Unusual  # a key such as `true` or `null`
            if len(_KEYS) < _KEYS_KEPT:
                _KEYS.add(key)
        if key in out:
            raise _Unusual  # a repeated key: PyYAML's path says where
        pos += 1
        if rest:
            # A double-quoted text without escapes (the feeds' titles, excerpts, URLs): taken as it is.
            if rest[0] == '"' and rest[-1] == '"' and len(rest) > 1 and '"' not in (body := rest[1:-1]):
                value = body if "\\" not in body else _scalar(rest)
            elif (value := _SEEN.get(rest, _scalar)) is _scalar:  # a plain value seen before (a number, a name)
                value = _scalar(rest)
            if pos < n and lines[pos][0] > indent:
                raise _Unusual  # a continuation line, or an indentation PyYAML should judge
        elif pos < n:
            below = lines[pos][0]
            if below > indent:
                value, pos = _node(lines, pos, n, below)
                if pos < n and lines[pos][0] > indent:
                    raise _Unusual
            elif below == indent and lines[pos][1]:
                value, pos = _sequence(lines, pos, n, indent)
            else:
                value = None
        else:
            value = None
        out[key] = value
    return out, pos


def _sequence(lines: list[_Line], pos: int, n: int, indent: str) -> tuple[list[Any], int]:
    """A block sequence whose dashes stand at ``indent``."""
    out: list[Any] = []
    while pos < n:
        here, dash, key, rest = lines[pos]
        if here != indent or not dash:
            break
        if key:
            # "- key: value": a mapping that starts on this line, its keys at the column of this key.
            item, pos = _mapping(lines, pos, n, " " * (len(here) + len(dash)), True)
        elif rest:
            if (item := _SEEN.get(rest, _scalar)) is _scalar:
                item = _scalar(rest)
            pos += 1
        else:
            pos += 1
            if pos < n and lines[pos][0] > indent:
                item, pos = _node(lines, pos, n, lines[pos][0])
            else:
                item = None
        if pos < n and lines[pos][0] > indent:
            raise _Unusual
        out.append(item)
    return out, pos


#: Plain scalars already read, by their text as written (a feed repeats its names, numbers and flags;
#: every value is immutable: text, a number, a boolean, None, a date), and how many are remembered at most.
_SEEN: dict[str, Any] = {}
_SEEN_KEPT = 1 << 16

#: Keys already known to be plain text (a feed uses a few dozen), and how many are remembered at most.
_KEYS: set[str] = set()
_KEYS_KEPT = 4096


def _scalar(text: str) -> Any:
    """A one-line scalar (leading spaces already gone).

    A plain scalar other than a UTC timestamp is remembered in :data:`_SEEN` by its text as written.
    """
    original = text
    if text[-1] == " ":
        text = text.rstrip(" ")
    first = text[0]
    if first == '"':
        body = text[1:-1]
        if text[-1] == '"' and len(text) > 1 and '"' not in body and "\\" not in body:
            return body
        match = _DOUBLE.match(text)
        if match is None:
            raise _Unusual
        body = match.group(1)
        return _ESCAPE.sub(_unescape, body) if "\\" in body else body
    if first == "'":
        match = _SINGLE.match(text)
        if match is None:
            raise _Unusual
        return match.group(1).replace("''", "'")
    if first in _INDICATORS or (first in "-?:" and (len(text) == 1 or text[1] == " ")):
        raise _Unusual
    if ": " in text or text[-1] == ":" or " #" in text:
        raise _Unusual
    if len(text) == 20 and text[19] == "Z" and _UTC_STAMP.match(text):  # the feeds' dates: built here, not kept
        if text[11:13] > "23":
            raise _Unusual  # hour 24: PyYAML says what is wrong
        try:
            return dt.datetime.fromisoformat(text)  # what PyYAML builds: an aware datetime in UTC (dt.UTC)
        except ValueError:
            return text  # a 13th month: the text, as the timestamp constructor gives it
    value = _plain(text)
    if len(_SEEN) < _SEEN_KEPT:
        _SEEN[original] = value
    return value


@lru_cache(maxsize=1 << 14)
def _plain(text: str) -> Any:
    """A plain scalar resolved and built as PyYAML's safe loader does."""
    resolvers = _RESOLVERS.get(text[0])
    if not resolvers:
        return text
    for tag, regexp in resolvers:
        if regexp.match(text):
            construct = _CONSTRUCTORS.get(tag)
            if construct is None:
                raise _Unusual  # merge keys, `=`, tags and anchors
            try:
                if tag == "tag:yaml.org,2002:int":
                    if len(text) >= 4000:
                        raise _Unusual  # too long to read as a number: PyYAML's path notes it
                    if _DECIMAL.match(text):
                        return int(text)
                return construct(_CONSTRUCTOR, ScalarNode(tag, text))
            except (ValueError, OverflowError, TypeError):
                raise _Unusual from None  # a date out of range, a huge number: PyYAML says what is wrong
    return text


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    try:
        return _ESCAPES[code]
    except KeyError:
        raise _Unusual from None
