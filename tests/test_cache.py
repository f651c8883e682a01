"""The build cache is untrusted input (issue 17): nothing in it runs, nothing wrong with it stops a build or
changes what the build writes, and what went wrong is said once.

Each case builds once to fill the cache, spoils it the way a real machine or an attacker would, builds again and
checks: the exports are byte for byte those of a build without a cache, exactly one warning line names the cache and
the problem, and the next build is clean again. Read-only folders and full disks are simulated (the tests run as root,
for whom permission bits stop nothing): ``os.open`` refusing to create files in the cache folder, SQLite's
``max_page_count`` making the database full (the engine's own ``SQLITE_FULL``, what a full disk gives).
"""

from __future__ import annotations

import errno
import io
import os
import pickle
import sqlite3
from pathlib import Path

import pytest
from conftest import SEEDS, generated_corpus

import graph
from graph.cli.main import main
from graph.read import cache as cache_module
from graph.read.cache import CACHE_FILE, RecordCache
from graph.read.codec import decode, encode
from graph.read.records import FileRecords
from graph.util.progress import Feedback


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 generated articles and the seeds: several chunks, so two workers both read the cache."""
    return generated_corpus(tmp_path_factory.mktemp("corpus"), 600, seed=5)


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The N-Triples of a build without any cache."""
    out = tmp_path_factory.mktemp("clean")
    graph.build([corpus]).write(out, "nt")
    return (out / "graph.nt").read_bytes()


def build(paths: list[Path], cache: Path, tmp: Path, workers: int = 1) -> tuple[bytes, list[str], dict[str, int]]:
    """Build with ``cache``: the N-Triples, the lines said on stderr, the counts."""
    said = io.StringIO()
    fb = Feedback(level=0, stream=said)
    kg = graph.build(paths, cache=cache, feedback=fb, workers=workers)
    out = tmp / f"out-{len(list(tmp.iterdir()))}"
    kg.write(out, "nt")
    return (out / "graph.nt").read_bytes(), said.getvalue().splitlines(), fb.counts


def rows(cache: Path) -> list[tuple[bytes, bytes]]:
    db = sqlite3.connect(cache / CACHE_FILE)
    try:
        return list(db.execute("SELECT key, payload FROM records"))
    finally:
        db.close()


def rewrite(cache: Path, change) -> None:
    """Replace every payload of the cache by ``change(payload)``."""
    db = sqlite3.connect(cache / CACHE_FILE)
    with db:
        for key, payload in list(db.execute("SELECT key, payload FROM records")):
            db.execute("UPDATE records SET payload = ? WHERE key = ?", (change(payload), key))
    db.close()


class _Planted:
    """What an attacker plants: unpickling it writes a file (it could run anything)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "the cache ran code"))


def test_a_planted_pickle_in_the_cache_never_runs(corpus: Path, clean: bytes, tmp_path: Path):
    cache = tmp_path / "cache"
    build([corpus], cache, tmp_path)
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Planted(marker))
    rewrite(cache, lambda payload: evil)
    pickle.loads(evil)
    assert marker.exists()  # the payload does run when unpickled...
    marker.unlink()
    nt, said, counts = build([corpus], cache, tmp_path, workers=2)
    assert not marker.exists()  # ...and the build never unpickles it
    assert nt == clean
    assert len(said) == 1 and f"the build cache {cache} " in said[0] and "602 entries could not be read" in said[0]
    assert counts["files parsed"] == 602 and "files from cache" not in counts
    # The planted entries were replaced: the next build takes every file from the cache, silently.
    nt, said, counts = build([corpus], cache, tmp_path, workers=2)
    assert (nt, said, counts) == (clean, [], {"files from cache": 602})
    assert all(payload != evil for _, payload in rows(cache))


def test_damaged_cache_rows_are_misses_with_one_warning(corpus: Path, clean: bytes, tmp_path: Path):
    cache = tmp_path / "cache"
    build([corpus], cache, tmp_path)
    spoilt = iter(range(10**6))

    def damage(payload: bytes) -> bytes:
        n = next(spoilt)
        if n % 4 == 0:  # one bit inside the body: still well-formed MessagePack, a different title
            return payload[:-40] + bytes([payload[-40] ^ 1]) + payload[-39:]
        if n % 4 == 1:
            return payload[: len(payload) // 2]  # cut short
        if n % 4 == 2:
            return b""
        return os.urandom(len(payload))

    rewrite(cache, damage)
    db = sqlite3.connect(cache / CACHE_FILE)
    with db:  # a row whose payload is text, and one whose payload is NULL
        keys = [k for (k,) in db.execute("SELECT key FROM records LIMIT 2")]
        db.execute("UPDATE records SET payload = 'text' WHERE key = ?", (keys[0],))
        db.execute("UPDATE records SET payload = NULL WHERE key = ?", (keys[1],))
    db.close()
    nt, said, counts = build([corpus], cache, tmp_path, workers=2)
    assert nt == clean
    assert said == [
        f"newsgraph: warning: the build cache {cache} 602 entries could not be read (their files were parsed again)"
    ]
    assert build([corpus], cache, tmp_path)[1:] == ([], {"files from cache": 602})


def test_a_cache_entry_holding_another_files_records_is_a_miss(tmp_path: Path):
    cache = tmp_path / "cache"
    build([SEEDS], cache, tmp_path)
    other = encode(FileRecords("someone-else.md"))
    rewrite(cache, lambda payload: other)
    nt, said, counts = build([SEEDS], cache, tmp_path)
    assert nt == build([SEEDS], tmp_path / "fresh", tmp_path)[0]
    assert len(said) == 1 and "2 entries could not be read" in said[0]


def test_a_truncated_cache_database_is_a_miss_with_one_warning(corpus: Path, clean: bytes, tmp_path: Path):
    cache = tmp_path / "cache"
    build([corpus], cache, tmp_path)
    db = cache / CACHE_FILE
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.truncate(size // 3)
    nt, said, counts = build([corpus], cache, tmp_path, workers=2)
    assert nt == clean
    assert len(said) == 1 and said[0].startswith(f"newsgraph: warning: the build cache {cache} was truncated (")
    assert said[0].endswith("emptied and laid out afresh")
    assert build([corpus], cache, tmp_path)[1:] == ([], {"files from cache": 602})


def test_a_cache_file_that_is_no_database_is_a_miss_with_one_warning(tmp_path: Path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(os.urandom(5000))
    nt, said, _ = build([SEEDS], cache, tmp_path)
    assert nt == build([SEEDS], tmp_path / "fresh", tmp_path)[0]
    assert said == [
        f"newsgraph: warning: the build cache {cache} was damaged (not a database); emptied and laid out afresh"
    ]


@pytest.mark.parametrize(
    "schema",
    [
        ["CREATE TABLE records (key TEXT PRIMARY KEY, value TEXT)", "PRAGMA user_version=3"],
        [
            "CREATE TABLE records (key BLOB PRIMARY KEY, payload BLOB)",
            "CREATE TABLE other (x)",
            "PRAGMA user_version=3",
        ],
        ["CREATE TABLE records (key BLOB PRIMARY KEY, payload BLOB)", "PRAGMA user_version=99"],
        ["CREATE TABLE files (path TEXT, body BLOB)"],
    ],
    ids=["other-columns", "another-table", "a-later-version", "another-program"],
)
def test_a_cache_laid_out_by_another_version_is_a_miss_with_one_warning(tmp_path: Path, schema: list[str]):
    cache = tmp_path / "cache"
    cache.mkdir()
    db = sqlite3.connect(cache / CACHE_FILE)
    for statement in schema:
        db.execute(statement)
    db.commit()
    db.close()
    nt, said, counts = build([SEEDS], cache, tmp_path)
    assert nt == build([SEEDS], tmp_path / "fresh", tmp_path)[0]
    assert said == [
        f"newsgraph: warning: the build cache {cache} was laid out by another version of newsgraph "
        "or another program; emptied and laid out afresh"
    ]
    assert build([SEEDS], cache, tmp_path)[1:] == ([], {"files from cache": 2})


def test_a_read_only_cache_folder_builds_without_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cache = tmp_path / "cache"
    build([SEEDS], cache, tmp_path)
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):  # as a read-only folder answers (root ignores chmod)
        if str(path).startswith(str(cache)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    before = rows(cache)
    nt, said, counts = build([SEEDS], cache, tmp_path)
    assert nt == build([SEEDS], tmp_path / "fresh", tmp_path)[0]
    assert said == [
        f"newsgraph: warning: the build cache {cache} cannot be written (Read-only file system); "
        "the build goes on without it"
    ]
    assert counts == {"files parsed": 2} and rows(cache) == before


def test_a_full_disk_builds_without_the_cache(corpus: Path, clean: bytes, tmp_path: Path, monkeypatch):
    connect = RecordCache._connect

    def small(self):  # the database may grow to 20 pages: then SQLite answers SQLITE_FULL, as on a full disk
        db = connect(self)
        db.execute("PRAGMA max_page_count=20")
        return db

    monkeypatch.setattr(RecordCache, "_connect", small)
    cache = tmp_path / "cache"
    nt, said, counts = build([corpus], cache, tmp_path, workers=2)
    assert nt == clean
    assert said == [
        f"newsgraph: warning: the build cache {cache} cannot be written (database or disk is full); "
        "the build goes on without it"
    ]


def test_no_room_for_the_cache_folder_builds_without_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cache = tmp_path / "cache"
    real_open = os.open

    def full(path, flags, *args, **kwargs):
        if str(path).startswith(str(cache)) and flags & os.O_CREAT:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", full)
    nt, said, counts = build([SEEDS], cache, tmp_path)
    assert said == [
        f"newsgraph: warning: the build cache {cache} cannot be written (No space left on device); "
        "the build goes on without it"
    ]
    assert counts == {"files parsed": 2}


def test_a_cache_path_that_is_a_file_builds_without_the_cache(tmp_path: Path):
    cache = tmp_path / "cache"
    cache.write_text("someone's notes\n")
    nt, said, counts = build([SEEDS], cache, tmp_path)
    assert cache.read_text() == "someone's notes\n"
    assert len(said) == 1 and "cannot be written (File exists)" in said[0]


def test_a_cache_folder_or_file_that_is_a_link_is_never_written_through(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("not the cache's")
    cache = tmp_path / "cache"
    cache.symlink_to(elsewhere)
    nt, said, counts = build([SEEDS], cache, tmp_path)
    assert said == [
        f"newsgraph: warning: the build cache {cache} cannot be written (a symbolic link to {elsewhere}, "
        "not a folder); the build goes on without it"
    ]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.txt"]
    other = tmp_path / "other-cache"
    other.mkdir()
    (other / CACHE_FILE).symlink_to(elsewhere / "precious.txt")
    nt, said, counts = build([SEEDS], other, tmp_path)
    assert said == [
        f"newsgraph: warning: the build cache {other} was a symbolic link, not a file; emptied and laid out afresh"
    ]
    assert (elsewhere / "precious.txt").read_text() == "not the cache's" and not (other / CACHE_FILE).is_symlink()


def test_the_command_line_says_a_damaged_cache_once_and_never_a_traceback(tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(SEEDS), "--out", str(out), "--format", "nt", "-q"]) == 0
    first = (out / "graph.nt").read_bytes()
    rewrite(out / ".cache", lambda payload: b"\x80\x04junk")
    capsys.readouterr()
    assert main(["build", str(SEEDS), "--out", str(out), "--format", "nt", "-q"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"newsgraph: warning: the build cache {out / '.cache'} 2 entries could not be read "
        "(their files were parsed again)"
    ]
    assert (out / "graph.nt").read_bytes() == first


def test_a_streaming_build_treats_damaged_cache_rows_as_misses(tmp_path: Path):
    from graph.engines.stream import stream_build

    cache = tmp_path / "cache"
    stream_build([SEEDS], tmp_path / "first", ["nt"], cache=cache)
    rewrite(cache, lambda payload: payload[:-1])
    said = io.StringIO()
    stream_build([SEEDS], tmp_path / "second", ["nt"], cache=cache, feedback=Feedback(level=0, stream=said))
    assert (tmp_path / "second" / "graph.nt").read_bytes() == (tmp_path / "first" / "graph.nt").read_bytes()
    assert said.getvalue().splitlines() == [
        f"newsgraph: warning: the build cache {cache} 2 entries could not be read (their files were parsed again)"
    ]


def test_payloads_hold_data_only_and_decode_to_the_same_records(corpus: Path):
    from graph.engines.local import process_file
    from graph.read.sources import find_sources

    for source in find_sources([corpus])[:50]:
        records = process_file(source)
        payload = encode(records)
        assert payload is not None and b"\x80\x04" not in payload[:20]
        assert decode(payload) == records


def test_the_fingerprint_names_the_payload_format():
    from graph.read.codec import FORMAT

    assert cache_module.fingerprint(version="x") != cache_module.fingerprint(version="y")
    assert FORMAT.startswith("msgpack-rows-")
