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
# A line: its indentation, a sequence dash, a mapping key (a plain name, then ':' and a
# space or the end of the line), and the rest.
_LINE = re.compile(r"^( *)(- +|-(?= *$))?(?:([A-Za-z_][A-Za-z0-9_.\-]*):(?: +|(?=$)))?(.*)$", re.MULTILINE)
# 2021-12-15T08:27:00Z: a timestamp in UTC to the second, as the feeds write them.
_UTC_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
_UTC_STAMP_PARTS = re.compile(r"[0-9]+")
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
    if not ENABLED or not text.replace("\n", " ").isprintable():
        return None
    # One C-speed pass splits every line into (indent, "- ", key, rest); blank and comment lines go.
    lines = [
        [len(indent), dash, key, rest]
        for indent, dash, key, rest in _LINE.findall(text)
        if dash or key or (rest and rest[0] != "#")
    ]
    if not lines or lines[0][1] or not lines[0][2]:
        return None
    try:
        data, pos = _Parser(lines).mapping(0, lines[0][0])
    except _Unusual:
        return None
    return data if pos == len(lines) else None


class _Parser:
    __slots__ = ("lines", "n")

    def __init__(self, lines: list[list[Any]]) -> None:
        self.lines = lines
        self.n = len(lines)

    def node(self, pos: int, indent: int) -> tuple[Any, int]:
        _, dash, key, _ = self.lines[pos]
        if dash:
            return self.sequence(pos, indent)
        if key:
            return self.mapping(pos, indent)
        raise _Unusual

    def mapping(self, pos: int, indent: int) -> tuple[dict[str, Any], int]:
        lines, n = self.lines, self.n
        out: dict[str, Any] = {}
        while pos < n:
            here, dash, key, rest = lines[pos]
            if here != indent:
                break
            if dash or not key:
                raise _Unusual
            if key[0] in _RESOLVERS and type(_plain(key)) is not str:
                raise _Unusual  # a key such as `true` or `null`
            if key in out:
                raise _Unusual  # a repeated key: PyYAML's path says where
            pos += 1
            if rest:
                value = _scalar(rest)
            elif pos < n and lines[pos][0] > indent:
                value, pos = self.node(pos, lines[pos][0])
            elif pos < n and lines[pos][0] == indent and lines[pos][1]:
                value, pos = self.sequence(pos, indent)
            else:
                value = None
            if pos < n and lines[pos][0] > indent:
                raise _Unusual  # a continuation line, or an indentation PyYAML should judge
            out[key] = value
        return out, pos

    def sequence(self, pos: int, indent: int) -> tuple[list[Any], int]:
        lines, n = self.lines, self.n
        out: list[Any] = []
        while pos < n:
            line = lines[pos]
            here, dash, key, rest = line
            if here != indent or not dash:
                break
            if key:
                # "- key: value": a mapping that starts on this line, at this column.
                column = here + len(dash)
                line[0], line[1] = column, ""
                item, pos = self.mapping(pos, column)
            elif rest:
                item = _scalar(rest)
                pos += 1
            else:
                pos += 1
                if pos < n and lines[pos][0] > indent:
                    item, pos = self.node(pos, lines[pos][0])
                else:
                    item = None
            if pos < n and lines[pos][0] > indent:
                raise _Unusual
            out.append(item)
        return out, pos


def _scalar(text: str) -> Any:
    """A one-line scalar (leading spaces already gone)."""
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
    if len(text) == 20 and text[19] == "Z" and _UTC_STAMP.match(text):  # the feeds' dates: built here, not cached
        try:
            year, month, day, hour, minute, second = map(int, _UTC_STAMP_PARTS.findall(text))
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)  # as PyYAML builds it
        except ValueError:
            return text  # a 13th month: the text, as the timestamp constructor gives it
    return _plain(text)


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
