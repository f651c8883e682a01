"""``graph.open`` answers from the records kept beside the store (issue 18: the first questions in under 3 s at
100,000 files): exactly the build's records, and the store's statements wherever a record has no valid one there
(a store written before, a damaged file, a rebuild that stopped half-way)."""

from __future__ import annotations

import gc
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import GEN_CORPUS
from stores import run_oxigraph

import graph
from graph.store import incremental
from graph.store.embedded import write_store
from graph.store.incremental import StoreWriter
from graph.store.payloads import NAME
from graph.store.records import StoreRecords


@pytest.fixture(scope="module")
def built(samples: Path) -> graph.KnowledgeGraph:
    return graph.build(["seeds", samples])


@pytest.fixture(scope="module")
def written(built: graph.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(built, tmp_path_factory.mktemp("kept") / "store")


@pytest.fixture
def folder(written: Path, tmp_path: Path) -> Path:
    """A copy of the samples' store, for a test to change."""
    return Path(shutil.copytree(written, tmp_path / "store"))


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    folder = tmp_path / "feed"
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", "60", "--out", str(folder)], check=True)
    return folder


def _questions(kg: graph.KnowledgeGraph) -> list[Any]:
    return [
        kg.topics(),
        kg.providers(),
        kg.articles(topic="AI"),
        kg.articles(provider="techcrunch.com"),
        kg.articles(topic=["computer vision", "AI in Robotics"], since="2021-06"),
    ]


def _iris(answers: list[Any]) -> list[list[str]]:
    return [[r.iri for r in table] for table in answers]


def _never_from_statements(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any record is read from the store's statements."""

    def read(self: StoreRecords, subjects: Any, pattern: str | None = None) -> Any:
        raise AssertionError(f"read from the statements: {[s.value for s in subjects][:3]}")

    monkeypatch.setattr(StoreRecords, "_read", read)


def _count_statement_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many records each question read from the statements (the calls are kept in the list returned)."""
    calls: list[int] = []
    original = StoreRecords._read

    def read(self: StoreRecords, subjects: Any, pattern: str | None = None) -> Any:
        calls.append(len(subjects))
        return original(self, subjects, pattern)

    monkeypatch.setattr(StoreRecords, "_read", read)
    return calls


def _all_articles(kg: graph.KnowledgeGraph, built: graph.KnowledgeGraph) -> list[Any]:
    """Every article, asked topic by topic and provider by provider (the questions that read only what they give)."""
    out = {}
    for t in built.topics():
        out.update((a.iri, a) for a in kg.articles(topic=t.iri))
    for p in built.providers():
        out.update((a.iri, a) for a in kg.articles(provider=p.iri))
    return [out[i] for i in sorted(out)]


def test_open_answers_with_the_records_of_the_build_kept_beside_the_store(
    built: graph.KnowledgeGraph, folder: Path, monkeypatch: pytest.MonkeyPatch
):
    assert (folder / NAME).is_file()
    opened = graph.open(folder)
    with monkeypatch.context() as m:
        _never_from_statements(m)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            answers = _questions(opened)
    assert answers == _questions(built)  # the records themselves, not only the same nodes: lists in the files' order
    assert "corpus" not in vars(opened) and "nx" not in vars(opened)
    read = graph.open(folder)  # the whole store read back: the same records
    c, b = read.corpus, built.corpus
    assert (c.articles, c.providers, c.topics, c.images) == (b.articles, b.providers, b.topics, b.images)
    assert _questions(read) == answers


def test_open_reads_the_statements_of_a_store_without_its_records_file(
    built: graph.KnowledgeGraph, folder: Path, monkeypatch: pytest.MonkeyPatch
):
    (folder / NAME).unlink()  # a store written before the records were kept beside it
    opened = graph.open(folder)
    calls = _count_statement_reads(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to warn about
        answers = _questions(opened)
    assert len(calls) == 5 and calls[2] == len(answers[2])
    assert _iris(answers) == _iris(_questions(built))
    read = graph.open(folder)
    read.corpus  # noqa: B018  the whole store read back
    assert _questions(read) == answers


def _flip_one_payload(path: Path) -> None:
    con = sqlite3.connect(path)
    with con:
        (key, payload) = con.execute("SELECT iri, payload FROM records WHERE kind = 'article' LIMIT 1").fetchone()
        damaged = bytearray(payload)
        damaged[-3] ^= 0x01
        con.execute("UPDATE records SET payload = ? WHERE kind = 'article' AND iri = ?", (bytes(damaged), key))
    con.close()


def _planted_view(path: Path) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("ALTER TABLE records RENAME TO kept")
        con.execute("CREATE VIEW records AS SELECT * FROM kept")
    con.close()


def _another_layout(path: Path) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE layout SET value = 'msgpack-rows-0'")
    con.close()


def _moved_under_another_iri(path: Path) -> None:
    """Each article's payload under the IRI of another: well-formed, of the right type, but not that record."""
    con = sqlite3.connect(path)
    with con:
        rows = con.execute("SELECT iri, payload FROM records WHERE kind = 'article' ORDER BY iri").fetchall()
        for (key, _), (_, payload) in zip(rows, rows[1:] + rows[:1], strict=True):
            con.execute("UPDATE records SET payload = ? WHERE kind = 'article' AND iri = ?", (payload, key))
    con.close()


def _replace_with_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _replace_with_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # opening it to read would wait for a writer forever


DAMAGE: dict[str, tuple[Callable[[Path], None], str | None]] = {
    "random-bytes": (lambda p: p.write_bytes(random.Random(5).randbytes(p.stat().st_size)), "file is not a database"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "malformed"),
    "empty-file": (lambda p: p.write_bytes(b""), "not the tables newsgraph writes"),
    "flipped-payload": (_flip_one_payload, "a damaged row of the records kept beside the store (not a record payload"),
    "planted-view": (_planted_view, "not the tables newsgraph writes"),
    "another-layout": (_another_layout, "written by another version of newsgraph"),
    "a-folder": (_replace_with_folder, "not a regular file"),
    "a-fifo": (_replace_with_fifo, "not a regular file"),
    "moved-under-another-iri": (_moved_under_another_iri, None),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_records_file_falls_back_to_the_statements(
    built: graph.KnowledgeGraph, folder: Path, case: str, monkeypatch: pytest.MonkeyPatch
):
    damage, reason = DAMAGE[case]
    damage(folder / NAME)
    read = graph.open(folder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read.corpus  # noqa: B018  the whole store read back: from the statements (the file is asked too)
        truth = _questions(read)
    opened = graph.open(folder)
    calls = _count_statement_reads(monkeypatch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        answers = _questions(opened)
        again = _questions(opened)
    assert _iris(answers) == _iris(_questions(built)) and again == answers
    for mine, true, theirs in zip(answers, truth, _questions(built), strict=True):
        # each record is the build's (kept beside the store, where still valid) or read from the statements
        assert all(r in (t, b) for r, t, b in zip(mine, true, theirs, strict=True))
    assert calls  # the statements were read
    said = [str(w.message) for w in caught]
    if reason is None:
        assert said == []
    else:  # once, naming the file and the problem
        assert len(said) == 1 and str(folder / NAME) in said[0] and reason in said[0], said
        assert all(w.category is RuntimeWarning for w in caught)


def _edit_title(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8")


def _article_of(kg: graph.KnowledgeGraph, name: str) -> Any:
    return next(a for a in kg.corpus.articles.values() if name in a.sources and not a.stub)


def _as_opened(opened: graph.KnowledgeGraph, article: Any) -> Any:
    """The record ``graph.open`` gives for the node of ``article`` (asked as a notebook would: by a topic)."""
    return next(a for a in opened.articles(topic=article.topics[0]) if a.iri == article.iri)


def test_a_rebuild_in_place_rewrites_the_records_of_the_changed_file(
    tmp_path: Path, feed: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "store"
    first = graph.build([feed])
    write_store(first, path)
    changed = sorted(feed.rglob("*.txt"))[7]
    _edit_title(changed)
    second = graph.build([feed])
    writer = StoreWriter(path, second)
    writer.write()
    assert writer.incremental and writer.rewritten == writer.changed and 0 < len(writer.changed) <= 3
    opened = graph.open(path)
    _never_from_statements(monkeypatch)
    edited = _article_of(second, changed.name)
    assert edited.title.startswith("Edited ") and _as_opened(opened, edited) == edited
    assert _all_articles(opened, second) == [second.corpus.articles[i] for i in sorted(second.corpus.articles)]


def test_a_rebuild_in_place_after_a_deletion_and_an_addition_keeps_exactly_the_new_records(
    tmp_path: Path, feed: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "store"
    first = graph.build([feed])
    write_store(first, path)
    files = sorted(feed.rglob("*.txt"))
    deleted = next(f for f in files[3:] if len(_article_of(first, f.name).sources) == 1)  # its only file
    gone = _article_of(first, deleted.name)
    added = files[5].with_name("added-article.txt")
    text = files[5].read_text(encoding="utf-8")
    moved = re.sub(r'^(\w+Url): "https://', r'\1: "https://added.example/', text, flags=re.M)  # another article
    added.write_text(moved, encoding="utf-8")
    deleted.unlink()
    second = graph.build([feed])
    new = _article_of(second, added.name)
    left = second.corpus.articles.get(gone.iri)  # its full record gone (a stub where another file relates it)
    assert (left is None or left.stub) and new.iri not in first.corpus.articles
    writer = StoreWriter(path, second)
    writer.write()
    assert writer.incremental and writer.rewritten == writer.changed and writer.changed
    opened = graph.open(path)
    _never_from_statements(monkeypatch)
    assert _as_opened(opened, new) == new
    assert _all_articles(opened, second) == [second.corpus.articles[i] for i in sorted(second.corpus.articles)]
    assert all(a.iri != gone.iri or a == left for t in second.topics() for a in opened.articles(topic=t.iri))


def _swap_first_two_topics(path: Path) -> bool:
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("topics:") + 1
    if not (lines[start].startswith("  - ") and lines[start + 1].startswith("  - ")):
        return False
    lines[start], lines[start + 1] = lines[start + 1], lines[start]
    path.write_text("\n".join(lines), encoding="utf-8")
    return True


def test_a_file_that_only_reorders_its_topics_rewrites_its_record(
    tmp_path: Path, feed: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "store"
    first = graph.build([feed])
    write_store(first, path)
    changed = next(f for f in sorted(feed.rglob("*.txt")) if _swap_first_two_topics(f))
    second = graph.build([feed])
    before, after = _article_of(first, changed.name), _article_of(second, changed.name)
    assert after.topics != before.topics and set(after.topics) == set(before.topics)  # the same statements
    writer = StoreWriter(path, second)
    writer.write()
    assert 0 < len(writer.changed) <= 3 and writer.rewritten == writer.changed
    _never_from_statements(monkeypatch)
    assert _as_opened(graph.open(path), after) == after


def test_a_rebuild_that_stops_half_way_leaves_no_record_that_would_be_used(
    tmp_path: Path, feed: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "store"
    write_store(graph.build([feed]), path)
    changed = sorted(feed.rglob("*.txt"))[7]
    _edit_title(changed)
    second = graph.build([feed])

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as m:  # the statements rewritten, the records beside them not
        m.setattr(incremental, "update_payloads", crash)
        with pytest.raises(OSError, match="disk full"):
            write_store(second, path)
    edited = _article_of(second, changed.name)
    found = _as_opened(graph.open(path), edited)  # from the statements: the kept record is the old title's
    assert found.title == edited.title and found.title.startswith("Edited ")
    write_store(second, path)  # the next build finishes it
    _never_from_statements(monkeypatch)
    assert _as_opened(graph.open(path), edited) == edited


def test_a_failed_rebuild_in_place_releases_the_store_for_the_next_build(
    tmp_path: Path, feed: Path, monkeypatch: pytest.MonkeyPatch
):
    """Regression: the failed update's traceback held the open store (and its lock) until the garbage collector
    ran, so the next build of the same process (a notebook trying again) failed with "lock hold by current
    process"."""
    path = tmp_path / "store"
    write_store(graph.build([feed]), path)
    _edit_title(sorted(feed.rglob("*.txt"))[7])
    second = graph.build([feed])

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    gc.disable()  # the collector would hide the fault by breaking the traceback's cycle first
    try:
        with monkeypatch.context() as m:
            m.setattr(incremental, "update_payloads", crash)
            with pytest.raises(OSError, match="disk full"):
                write_store(second, path)
        write_store(second, path)
    finally:
        gc.enable()
    assert graph.open(path).counts() == second.counts()


@pytest.mark.parametrize("case", ["missing", "random-bytes", "another-layout"])
def test_a_rebuild_writes_the_records_file_again(tmp_path: Path, feed: Path, case: str, monkeypatch):
    path = tmp_path / "store"
    kg = graph.build([feed])
    write_store(kg, path)
    if case == "missing":
        (path / NAME).unlink()
    else:
        DAMAGE[case][0](path / NAME)
    writer = StoreWriter(path, kg)
    writer.write()
    assert writer.incremental and writer.changed == []  # the statements are as they were
    assert len(writer.rewritten) == len(incremental.store_meta(ox.Store.read_only(str(path))).digests)
    _never_from_statements(monkeypatch)
    assert _all_articles(graph.open(path), kg) == [kg.corpus.articles[i] for i in sorted(kg.corpus.articles)]


def test_a_store_written_anew_holds_its_records_file(tmp_path: Path, built: graph.KnowledgeGraph, monkeypatch):
    path = tmp_path / "store"
    write_store(graph.build(["seeds"]), path)
    other = graph.build(["seeds"], base="https://data.example.org/news/")
    writer = StoreWriter(path, other)
    assert not writer.incremental
    writer.write()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no scratch file or folder left beside it
    _never_from_statements(monkeypatch)
    opened = graph.open(path)
    assert opened.articles(topic="AI") == other.articles(topic="AI") and opened.providers() == other.providers()


@contextmanager
def _served(folder: Path) -> Any:
    """``oxigraph serve --location`` on ``folder / "db"``."""
    servers = run_oxigraph(folder)
    try:
        yield next(servers)
    finally:
        servers.close()


def test_oxigraph_opening_the_store_keeps_the_records_file(
    built: graph.KnowledgeGraph, written: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = Path(shutil.copytree(written, tmp_path / "srv" / "db"))
    kept = (db / NAME).read_bytes()
    store = ox.Store(str(db))  # opened read-write by pyoxigraph, written to and compacted
    store.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:b"), ox.Literal("c"), ox.NamedNode("urn:x:g")))
    store.optimize()
    store.flush()
    del store
    with _served(tmp_path / "srv") as server:  # and served by oxigraph serve
        found = server.select("SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://schema.org/NewsArticle> }")
        assert int(found[0]["n"]) > 0
    assert (db / NAME).read_bytes() == kept
    _never_from_statements(monkeypatch)
    assert _questions(graph.open(db)) == _questions(built)
