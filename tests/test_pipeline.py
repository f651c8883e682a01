"""Workers and the build cache change how fast a build is, never what it writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, generated_corpus, write_article

import graph
from graph.engines.local import process_file, process_files, read_corpus, worker_count
from graph.formats.together import write_together
from graph.read.cache import CACHE_FILE
from graph.read.sources import find_sources
from graph.util.procs import paused_gc
from graph.util.progress import Feedback

FORMATS = ("ttl", "nt", "nq")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 generated articles (several chunks, so both workers work) plus the seeds and two bad files."""
    out = generated_corpus(tmp_path_factory.mktemp("corpus"), 600, seed=3)
    write_article(out, "zz-broken.md", "---\ntitle: [unclosed\n---\n")
    write_article(out, "zz-no-url.md", "---\ntitle: No URL\n---\n")
    return out


def exports(kg: graph.KnowledgeGraph, out: Path, formats: tuple[str, ...] = ("nt",)) -> dict[str, bytes]:
    kg.write(out, formats)
    return {name: (out / f"graph.{name}").read_bytes() for name in formats}


def test_outputs_are_identical_whatever_the_number_of_workers(corpus: Path, tmp_path: Path):
    one = exports(graph.build([corpus], workers=1), tmp_path / "one", FORMATS)
    two = exports(graph.build([corpus], workers=2), tmp_path / "two", FORMATS)
    assert one == two
    assert one["nt"].count(b"\n") > 25_000


def test_workers_keep_every_diagnostic_in_file_order(corpus: Path):
    one = read_corpus([corpus], workers=1)
    two = read_corpus([corpus], workers=2)
    assert [f.source for f in one.files] == [f.source for f in two.files]
    assert [str(d) for d in one.diagnostics] == [str(d) for d in two.diagnostics]
    assert {d.source for d in two.diagnostics if d.severity == "error"} == {"zz-broken.md", "zz-no-url.md"}


def test_process_files_equals_process_file(corpus: Path):
    sources = find_sources([corpus])[:300]
    assert list(process_files(sources, workers=2)) == [process_file(s) for s in sources]


def test_worker_count():
    assert worker_count(None, 10) == 1  # small corpora stay in this process
    assert worker_count(8, 300) == 2  # no more workers than chunks
    assert worker_count(1, 100_000) == 1


def test_cache_parses_only_what_changed_and_equals_a_clean_build(corpus: Path, tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(corpus, src)
    cache = tmp_path / "cache"
    n = len(find_sources([src]))

    cold = Feedback(level=0)
    first = exports(graph.build([src], cache=cache, feedback=cold), tmp_path / "cold")
    assert cold.counts == {"files parsed": n}
    assert (cache / CACHE_FILE).is_file()

    warm = Feedback(level=0)
    again = exports(graph.build([src], cache=cache, feedback=warm, workers=2), tmp_path / "warm")
    assert warm.counts == {"files from cache": n}
    assert again == first

    # One file changes: only it is parsed again, and the result is that of a clean build.
    victim = sorted(src.glob("[0-9]*.txt"))[300]
    victim.write_text(victim.read_text(encoding="utf-8").replace("quality: ", "quality: 1", 1), encoding="utf-8")
    changed = Feedback(level=0)
    rebuilt = exports(graph.build([src], cache=cache, feedback=changed), tmp_path / "changed")
    assert changed.counts == {"files parsed": 1, "files from cache": n - 1}
    clean = exports(graph.build([src]), tmp_path / "clean")
    assert rebuilt == clean != first


def test_cache_keys_include_name_base_and_dropped_fields(tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    cache = tmp_path / "cache"
    graph.build([src], cache=cache)
    for options in ({"base": "https://data.example.org/"}, {"drop": ["secured"]}):
        fb = Feedback(level=0)
        kg = graph.build([src], cache=cache, feedback=fb, **options)
        assert fb.counts == {"files parsed": 2}, options
        assert exports(kg, tmp_path / "a") == exports(graph.build([src], **options), tmp_path / "b")
    renamed = src / "renamed.txt"
    first = sorted(src.iterdir())[0]
    first.rename(renamed)
    fb = Feedback(level=0)
    kg = graph.build([src], cache=cache, feedback=fb)
    assert fb.counts == {"files parsed": 1, "files from cache": 1}
    assert "renamed.txt" in {f.source for f in kg.corpus.files}


def test_a_damaged_cache_is_rebuilt(tmp_path: Path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    fb = Feedback(level=0)
    kg = graph.build([SEEDS], cache=cache, feedback=fb)
    assert len(kg.corpus.articles) == 4 and fb.counts == {"files parsed": 2}
    fb = Feedback(level=0)
    graph.build([SEEDS], cache=cache, feedback=fb)
    assert fb.counts == {"files from cache": 2}


def test_a_cache_of_an_earlier_layout_is_emptied_and_laid_out_afresh(tmp_path: Path):
    """Regression: the cache was a WITHOUT ROWID table, several times slower to fill; such a file starts over."""
    import sqlite3

    from graph.read.cache import RecordCache

    db = sqlite3.connect(tmp_path / CACHE_FILE)
    db.execute("CREATE TABLE records (key BLOB PRIMARY KEY, payload BLOB) WITHOUT ROWID")
    db.execute("INSERT INTO records VALUES (?, ?)", (b"k", b"old"))
    db.commit()
    db.close()
    cache = RecordCache(tmp_path)
    assert cache.empty() and cache.get(b"k") is None
    cache.put([(b"k", b"new")])
    assert cache.get(b"k") == b"new" and not cache.empty()
    cache.close()


def test_cache_writer_stores_in_its_thread_and_keeps_what_writing_raised(tmp_path: Path):
    from graph.read.cache import CacheWriter, RecordCache

    cache = RecordCache(tmp_path)
    writer = CacheWriter(cache)
    writer.put([(b"a", b"1")])
    writer.put([(b"b", b"2")])
    writer.close()
    assert (cache.get(b"a"), cache.get(b"b"), writer.error) == (b"1", b"2", None)
    cache.close()

    class Failing(RecordCache):
        def put(self, entries):
            raise RuntimeError("the writing thread failed")

    broken = CacheWriter(Failing(tmp_path / "other"))
    broken.put([(b"c", b"3")])
    broken.put([(b"d", b"4")])
    broken.close()  # never raises: the build goes on without the cache and says so
    assert str(broken.error) == "the writing thread failed"


def test_paused_gc_restores_the_collector():
    import gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_turtle_and_ntriples_written_together_equal_each_written_alone(corpus: Path, tmp_path: Path):
    from graph.formats import ntriples, turtle

    kg = graph.build([corpus])
    kg.write(tmp_path / "together", ["ttl", "nt"])  # one pass
    assert write_together(kg, tmp_path / "slices", ["nt", "ttl"], workers=3) == ["nt", "ttl"]  # 3 processes
    for name, module in (("ttl", turtle), ("nt", ntriples)):
        module.write(kg, tmp_path / name / f"graph.{name}")  # the format's own writer, block by block
        alone = (tmp_path / name / f"graph.{name}").read_bytes()
        assert (tmp_path / "together" / f"graph.{name}").read_bytes() == alone
        assert (tmp_path / "slices" / f"graph.{name}").read_bytes() == alone
        # One format alone goes the same way, in slices too.
        assert write_together(kg, tmp_path / f"{name}-slices", [name], workers=3) == [name]
        assert (tmp_path / f"{name}-slices" / f"graph.{name}").read_bytes() == alone
        assert sorted(p.name for p in (tmp_path / f"{name}-slices").iterdir()) == [f"graph.{name}"]
    assert sorted(p.name for p in (tmp_path / "slices").iterdir()) == ["graph.nt", "graph.ttl"]


def test_counts_without_networkx_equal_the_graphs(corpus: Path):
    """``counts()`` no longer builds the networkx graph for its edge count: the number must not change."""
    from graph.model.network import edge_count

    kg = graph.build([corpus])
    edges = kg.counts()["edges"]
    assert "nx" not in vars(kg)
    assert edges == edge_count(kg.corpus) == kg.nx.number_of_edges() > 0
