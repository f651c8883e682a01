"""Digests of the merged graph by bucket of subjects: what changed between two builds, without the old graph.

The merged graph's blocks (one subject and its statements) fall into
:data:`BUCKETS` buckets by a CRC-32 of the subject term. A bucket's digest is
the sum (modulo 2**64) of the BLAKE2b digests of its blocks' N-Triples, and of
its subject terms: a sum does not depend on the order the blocks come in, so
the slices that several processes write add up to the whole graph's digests.
Two builds whose digests of a bucket are equal have the same statements about
the same subjects there; an embedded store keeps the digests and, on the next
build, rewrites only the buckets whose digests changed
(:mod:`graph.store.incremental`).
"""

from __future__ import annotations

import zlib
from array import array
from hashlib import blake2b

__all__ = ["BUCKETS", "Digests", "bucket"]

#: Buckets of subjects: about 115 subjects each at 100,000 files.
BUCKETS = 4096
_MASK = (1 << 64) - 1


def bucket(subject: str) -> int:
    """The bucket of a subject (its N-Triples term).

    >>> bucket("<https://newsgraph.example/id/topic/ai>")
    1872
    """
    return zlib.crc32(subject.encode("utf-8")) % BUCKETS


def _digest(data: bytes) -> int:
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "little")


class Digests:
    """The digests of the blocks and of the subjects of each bucket (see the module).

    >>> d = Digests()
    >>> d.add("<https://x.example/a>", b"<https://x.example/a> <https://x.example/p> \\"1\\" .\\n")
    >>> e = Digests.from_bytes(d.to_bytes())
    >>> e == d, len(d.of_buckets())
    (True, 1)
    """

    __slots__ = ("blocks", "subjects")

    def __init__(self) -> None:
        self.blocks = array("Q", bytes(8 * BUCKETS))
        self.subjects = array("Q", bytes(8 * BUCKETS))

    def add(self, subject: str, data: bytes) -> None:
        """Count the block of ``subject`` whose N-Triples (UTF-8) are ``data``."""
        term = subject.encode("utf-8")
        b = zlib.crc32(term) % BUCKETS
        self.blocks[b] = (self.blocks[b] + _digest(data)) & _MASK
        self.subjects[b] = (self.subjects[b] + _digest(term)) & _MASK

    def count(self, b: int, digest: int) -> None:
        """Count a 64-bit digest of something kept beside the blocks of bucket ``b`` (a record's payload).

        >>> d = Digests()
        >>> d.count(7, 5); d.count(7, 6); d.blocks[7], d.of_buckets()
        (11, {})
        """
        self.blocks[b] = (self.blocks[b] + digest) & _MASK

    def update(self, other: Digests) -> None:
        """Add the digests of another part of the graph."""
        for b in range(BUCKETS):
            self.blocks[b] = (self.blocks[b] + other.blocks[b]) & _MASK
            self.subjects[b] = (self.subjects[b] + other.subjects[b]) & _MASK

    def of_buckets(self) -> dict[int, tuple[int, int]]:
        """Bucket → (blocks' digest, subjects' digest), for the buckets that hold any subject."""
        return {b: (self.blocks[b], self.subjects[b]) for b in range(BUCKETS) if self.subjects[b]}

    def to_bytes(self) -> bytes:
        """The digests as bytes (from a writer process to the build's)."""
        return self.blocks.tobytes() + self.subjects.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Digests:
        """Digests from :meth:`to_bytes`."""
        out = cls()
        out.blocks = array("Q", data[: 8 * BUCKETS])
        out.subjects = array("Q", data[8 * BUCKETS :])
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Digests) and self.blocks == other.blocks and self.subjects == other.subjects

    __hash__ = None  # type: ignore[assignment]
