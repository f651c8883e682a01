"""Records as bytes that hold data only: what the build cache stores and workers send back.

A file's :class:`~graph.read.records.FileRecords` become a MessagePack array
of arrays (one per record, its fields in order) written and read by
`msgspec <https://jcristharris.com/msgspec/>`_: nothing in a payload can make
the reader run code (unlike a pickle), and :func:`decode` checks every value
against the records' own type hints, so a damaged, truncated or foreign
payload is a :class:`PayloadError`, never a record of the wrong shape. A
digest of the body comes first: a payload whose bytes changed in any way
(a flipped bit inside a title would still be well-formed) is refused too.

>>> from graph.read.records import Article, FileRecords
>>> records = FileRecords("a.md", [Article("https://x.example/id/a", "https://a.example/")])
>>> decode(encode(records)) == records
True
>>> decode(b"\\x80\\x04 a pickle")
Traceback (most recent call last):
...
graph.read.codec.PayloadError: not a records payload (too short or damaged)

One merged record alone is a payload the same way (:func:`encode_record`,
:func:`decode_record`): what an embedded store keeps beside its statements.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import typing
from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

import msgspec

from graph.read.records import FILE_KINDS, Article, Extra, FileRecords, Image, Provider, Topic
from graph.read.sources import Diagnostic

__all__ = ["FORMAT", "RECORD_FORMAT", "PayloadError", "decode", "decode_record", "encode", "encode_record"]

#: The payload format, part of the cache's code fingerprint: a new format (or msgspec release) is a new cache.
FORMAT = f"msgpack-rows-1/msgspec-{msgspec.__version__}"

_DIGEST = 16  # bytes of BLAKE2b before the body


class PayloadError(ValueError):
    """A payload that is not records this code wrote: damaged, truncated, foreign or planted."""


class _Date(msgspec.Struct, array_like=True, tag=0):
    """A date among a record's ``extra`` values (msgspec reads a text or a date, not both, in one place)."""

    at: dt.datetime


_RECORDS = (Article, Provider, Topic, Image, Diagnostic)
_EXTRA_ROW = tuple[tuple[str, str | int | float | bool | _Date], ...]


def _row_type(cls: type) -> Any:
    """The type of a record's row: its fields' types, in order (``extra`` with dates tagged)."""
    hints = typing.get_type_hints(cls)
    return tuple[tuple(_EXTRA_ROW if hints[f.name] == Extra else hints[f.name] for f in fields(cls))]  # type: ignore[misc]


_ROW: dict[type, Any] = {cls: _row_type(cls) for cls in _RECORDS}
#: Field values of a record as a tuple, gathered in C.
_VALUES: dict[type, Any] = {cls: attrgetter(*(f.name for f in fields(cls))) for cls in _RECORDS}
#: Where ``extra`` is in a record's row (``None``: it has none).
_EXTRA_AT: dict[type, int | None] = {
    cls: next((i for i, f in enumerate(fields(cls)) if f.name == "extra"), None) for cls in _RECORDS
}
_FILE = tuple[
    str,
    list[_ROW[Article]],  # type: ignore[valid-type]
    list[_ROW[Provider]],  # type: ignore[valid-type]
    list[_ROW[Topic]],  # type: ignore[valid-type]
    list[_ROW[Image]],  # type: ignore[valid-type]
    list[_ROW[Diagnostic]],  # type: ignore[valid-type]
    str,
    str,
]
assert [f.name for f in fields(FileRecords)] == [
    "source",
    "articles",
    "providers",
    "topics",
    "images",
    "diagnostics",
    "kind",
    "reason",
], "FileRecords changed: change _FILE, encode and decode with it"

_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(_FILE)


def _rows(items: list[Any], cls: type) -> list[tuple[Any, ...]]:
    values, at = _VALUES[cls], _EXTRA_AT[cls]
    return [_tagged(values(item), at) for item in items]


def _tagged(row: tuple[Any, ...], at: int | None) -> tuple[Any, ...]:
    """A record's row with the dates among its ``extra`` values tagged (``at``: where ``extra`` is)."""
    if at is not None and row[at] and any(type(v) is dt.datetime for _, v in row[at]):
        extra = tuple((k, _Date(v) if type(v) is dt.datetime else v) for k, v in row[at])
        row = (*row[:at], extra, *row[at + 1 :])
    return row


def encode(records: FileRecords) -> bytes | None:
    """The payload of ``records``, or ``None`` when they hold what MessagePack cannot
    (an integer beyond 64 bits): such a file is simply not cached.

    >>> encode(FileRecords("a.md"))[:16] != encode(FileRecords("b.md"))[:16]
    True
    """
    return _sealed(
        (
            records.source,
            _rows(records.articles, Article),
            _rows(records.providers, Provider),
            _rows(records.topics, Topic),
            _rows(records.images, Image),
            _rows(records.diagnostics, Diagnostic),
            records.kind,
            records.reason,
        )
    )


def _sealed(value: Any) -> bytes | None:
    """``value`` in MessagePack after a digest of it (:func:`_checked` undoes it), or ``None`` when it holds what
    MessagePack cannot."""
    try:
        body = _ENCODER.encode(value)
    except (OverflowError, TypeError, ValueError, UnicodeError, msgspec.EncodeError):
        return None
    return hashlib.blake2b(body, digest_size=_DIGEST).digest() + body


def _made(cls: type, rows: list[Any]) -> list[Any]:
    at = _EXTRA_AT[cls]
    return [_one(cls, row, at) for row in rows]


def _one(cls: type, row: Any, at: int | None) -> Any:
    """The record of a decoded row (the dates among its ``extra`` values untagged)."""
    if at is not None and row[at] and any(type(v) is _Date for _, v in row[at]):
        extra = tuple((k, v.at if type(v) is _Date else v) for k, v in row[at])
        row = (*row[:at], extra, *row[at + 1 :])
    return cls(*row)


def _checked(payload: Any, what: str) -> memoryview:
    """The body of a payload whose digest matches it (``what``: the kind of payload, for the error)."""
    if not isinstance(payload, bytes) or len(payload) <= _DIGEST:
        raise PayloadError(f"not a {what} (too short or damaged)")
    body = memoryview(payload)[_DIGEST:]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != payload[:_DIGEST]:
        raise PayloadError(f"not a {what} (its digest does not match: damaged)")
    return body


def decode(payload: bytes) -> FileRecords:
    """The records of a payload :func:`encode` made; anything else is a :class:`PayloadError`.

    >>> payload = bytearray(encode(FileRecords("a.md", kind="skipped", reason="why")))
    >>> payload[-2] ^= 1  # one bit of the reason
    >>> decode(bytes(payload))
    Traceback (most recent call last):
    ...
    graph.read.codec.PayloadError: not a records payload (its digest does not match: damaged)
    """
    body = _checked(payload, "records payload")
    try:
        source, articles, providers, topics, images, diagnostics, kind, reason = _DECODER.decode(body)
        if kind not in FILE_KINDS:
            raise PayloadError(f"not a records payload (a file kind {kind[:40]!r} no version wrote)")
        return FileRecords(
            source,
            _made(Article, articles),
            _made(Provider, providers),
            _made(Topic, topics),
            _made(Image, images),
            _made(Diagnostic, diagnostics),
            kind,
            reason,
        )
    except PayloadError:
        raise
    except Exception as exc:  # msgspec's DecodeError and ValidationError, a record refusing its values
        raise PayloadError(f"not a records payload ({str(exc)[:200]})") from None


# -- one record ------------------------------------------------------------------------------------------------

#: A merged record kept alone (:func:`encode_record`).
R = TypeVar("R", bound=Article | Provider | Topic | Image)

#: The layout of one record's payload: the payload format, and every record's fields and their types in order
#: (two fields of one type swapped would still decode: a payload of another layout is never read).
RECORD_FORMAT = (
    f"{FORMAT}/records-"
    + hashlib.blake2b(
        repr([(cls.__name__, [f.name for f in fields(cls)], _ROW[cls]) for cls in _RECORDS]).encode("utf-8"),
        digest_size=8,
    ).hexdigest()
)
_RECORD_DECODERS: dict[type, Any] = {
    cls: msgspec.msgpack.Decoder(_ROW[cls]) for cls in (Article, Provider, Topic, Image)
}


def encode_record(record: Article | Provider | Topic | Image) -> bytes | None:
    """The payload of one record (a digest of the body, then its fields in order), or ``None`` when it holds
    what MessagePack cannot (an integer beyond 64 bits, a lone surrogate in a text).

    >>> topic = Topic("https://x.example/id/topic/ai", "AI", alt_labels=("ai",))
    >>> decode_record(encode_record(topic), Topic) == topic
    True
    """
    cls = type(record)
    return _sealed(_tagged(_VALUES[cls](record), _EXTRA_AT[cls]))


def decode_record(payload: bytes, cls: type[R]) -> R:
    """The record of class ``cls`` a payload :func:`encode_record` made; anything else is a :class:`PayloadError`.

    >>> payload = encode_record(Topic("https://x.example/id/topic/ai", "AI"))
    >>> decode_record(payload, Article)
    Traceback (most recent call last):
    ...
    graph.read.codec.PayloadError: not a record payload (Expected `array` of length 16, got 7)
    >>> decode_record(payload[:-1] + b"B", Topic)
    Traceback (most recent call last):
    ...
    graph.read.codec.PayloadError: not a record payload (its digest does not match: damaged)
    """
    body = _checked(payload, "record payload")
    try:
        return _one(cls, _RECORD_DECODERS[cls].decode(body), _EXTRA_AT[cls])  # type: ignore[no-any-return]
    except Exception as exc:  # msgspec's DecodeError and ValidationError, a record refusing its values
        raise PayloadError(f"not a record payload ({str(exc)[:200]})") from None
