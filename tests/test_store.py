import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

import graph
from graph.store.embedded import (
    META_GRAPH,
    Rows,
    memory_store,
    open_store,
    query,
    read_corpus,
    stats,
    to_python,
    write_store,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def kg() -> graph.KnowledgeGraph:
    return graph.build(["seeds"])


def _lit(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def test_to_python_converts_each_kind_of_term():
    assert to_python(_lit("7", "int")) == 7
    assert to_python(_lit("2.5", "double")) == 2.5
    assert to_python(_lit("2.50", "decimal")) == Decimal("2.50")
    assert to_python(_lit("true", "boolean")) is True and to_python(_lit("0", "boolean")) is False
    assert to_python(_lit("2021-12-15", "date")) == dt.date(2021, 12, 15)
    assert to_python(_lit("2021-12-15T10:27:00+02:00", "dateTime")) == dt.datetime(2021, 12, 15, 8, 27, tzinfo=dt.UTC)
    assert to_python(_lit("not a number", "integer")) == "not a number"  # ill-typed: kept as text
    assert to_python(ox.Literal("hallo", language="de")) == "hallo"
    assert to_python(ox.BlankNode("b1")) == "_:b1"


def test_rows_are_tuples_readable_by_name():
    rows = Rows(["a", "b"], [(1, "x"), (2, None)])
    assert rows == [(1, "x"), (2, None)] and rows.columns == ("a", "b")
    assert rows[1].a == 2 and rows[1]["b"] is None
    with pytest.raises(KeyError):
        rows[0]["c"]
    with pytest.raises(AttributeError):
        rows[0].c  # noqa: B018


def test_memory_store_holds_exactly_the_n_triples_export(kg):
    store = memory_store(kg)
    from graph.formats import ntriples

    expected = ox.Store()
    expected.load("".join(ntriples.generate(kg)), format=ox.RdfFormat.N_TRIPLES)
    default = set(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert default == set(expected)
    assert store.contains_named_graph(ox.NamedNode(META_GRAPH))
    assert query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0].n == len(expected)


def test_write_store_is_a_plain_pyoxigraph_store(tmp_path: Path, kg):
    path = write_store(kg, tmp_path / "store")
    assert path == tmp_path / "store" and path.is_dir()
    store = ox.Store(str(path))  # what `oxigraph serve --location` and users open
    assert query(store, "ASK { ?a schema:headline ?t }") is True
    del store
    assert not [p for p in tmp_path.iterdir() if p.name != "store"]  # no temporary folders left behind


def test_write_store_replaces_a_previous_store_but_nothing_else(tmp_path: Path, kg):
    path = tmp_path / "store"
    write_store(graph.build(["seeds/000_538a4fffcd099543.txt"]), path)
    assert query(open_store(path), "SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }")[0].n == 3
    write_store(kg, path)
    assert query(open_store(path), "SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }")[0].n == 4
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(ValueError, match="not a newsgraph store"):
        write_store(kg, other)
    assert (other / "cat.jpg").read_bytes() == b"\xff\xd8"
    empty = tmp_path / "empty"
    empty.mkdir()
    write_store(kg, empty)
    assert open_store(empty) is not None


def test_open_store_names_the_problem(tmp_path: Path):
    with pytest.raises(ValueError, match="no such store"):
        open_store(tmp_path / "missing")


def test_read_corpus_gives_back_the_same_graph(kg, samples):
    for built in (kg, graph.build([samples])):
        corpus = read_corpus(memory_store(built))
        back = graph.KnowledgeGraph(corpus)
        g, h = built.nx, back.nx
        assert sorted(g.nodes(data="kind")) == sorted(h.nodes(data="kind"))
        assert sorted(g.nodes(data="label")) == sorted(h.nodes(data="label"))
        assert sorted(g.edges(keys=True)) == sorted(h.edges(keys=True))
        assert {i: a.stub for i, a in built.corpus.articles.items()} == {i: a.stub for i, a in corpus.articles.items()}
        assert corpus.base == built.corpus.base


def test_stats_in_the_store_equal_stats_of_the_records(kg, samples):
    for built in (kg, graph.build([samples])):
        assert stats(memory_store(built), top=5) == built.stats(top=5)


# -- the store kept current from build to build (issue 18) ---------------------------------------------------------


def _default_graph(path: Path) -> set[ox.Triple]:
    store = ox.Store.read_only(str(path))
    return {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }


def _merged(kg: graph.KnowledgeGraph) -> set[ox.Triple]:
    from graph.formats import ntriples

    text = "".join(ntriples.generate(kg))
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}


def _buckets_that_differ(old: graph.KnowledgeGraph, new: graph.KnowledgeGraph) -> list[int]:
    from graph.formats.digest import bucket
    from graph.rdf.mapping import merged_blocks

    before, after = (dict(merged_blocks(kg.corpus)) for kg in (old, new))
    return sorted({bucket(s) for s in before.keys() | after.keys() if before.get(s) != after.get(s)})


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    import subprocess
    import sys

    from conftest import GEN_CORPUS

    folder = tmp_path / "feed"
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", "60", "--out", str(folder)], check=True)
    return folder


def test_a_rebuild_with_one_changed_file_rewrites_only_the_nodes_it_changed(tmp_path: Path, feed: Path):
    from graph.store.incremental import StoreWriter

    path = tmp_path / "store"
    first = graph.build([feed])
    writer = StoreWriter(path, first)
    assert not writer.incremental
    writer.write()
    assert _default_graph(path) == _merged(first)
    changed = sorted(feed.rglob("*.txt"))[7]
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8"
    )
    second = graph.build([feed])
    writer = StoreWriter(path, second)
    assert writer.incremental
    writer.write()
    assert _default_graph(path) == _merged(second)
    assert writer.changed == _buckets_that_differ(first, second) and 0 < len(writer.changed) <= 3
    assert graph.open(path).counts() == second.counts()
    again = StoreWriter(path, second)  # nothing changed: nothing rewritten
    again.write()
    assert again.changed == [] and _default_graph(path) == _merged(second)


def test_a_rebuild_removes_the_statements_of_deleted_files(tmp_path: Path, feed: Path):
    path = tmp_path / "store"
    write_store(graph.build([feed]), path)
    gone = sorted(feed.rglob("*.txt"))[3]
    gone.unlink()
    new = graph.build([feed])
    write_store(new, path)
    assert _default_graph(path) == _merged(new)
    assert graph.open(path).counts() == new.counts()
    source = ox.NamedNode(f"{new.corpus.base}source/{gone.relative_to(feed)}")
    assert not list(ox.Store.read_only(str(path)).quads_for_pattern(source, None, None, None))


def test_a_store_update_that_stops_half_way_is_finished_by_the_next_build(
    tmp_path: Path, feed: Path, monkeypatch: pytest.MonkeyPatch
):
    from graph.store import incremental

    path = tmp_path / "store"
    write_store(graph.build([feed]), path)
    for f in sorted(feed.rglob("*.txt"))[:5]:
        f.write_text(f.read_text(encoding="utf-8").replace("\nexcerpt: ", "\nexcerpt: New ", 1), encoding="utf-8")
    new = graph.build([feed])

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(incremental, "_delete_subjects", crash)
        with pytest.raises(OSError, match="disk full"):
            write_store(new, path)
    assert _default_graph(path) != _merged(new)  # half-way: the old statements are still there
    write_store(new, path)  # the digests of what was being rewritten were forgotten: it is rewritten now
    assert _default_graph(path) == _merged(new)


def test_a_store_of_another_base_or_layout_is_written_anew(tmp_path: Path, kg):
    from graph.store.incremental import META, StoreWriter

    path = tmp_path / "store"
    write_store(kg, path)
    other = graph.build(["seeds"], base="https://data.example.org/news/")
    writer = StoreWriter(path, other)
    assert not writer.incremental
    writer.write()
    assert _default_graph(path) == _merged(other)
    store = ox.Store(str(path))  # an older layout (version 1): written anew too
    store.update(
        f"DELETE WHERE {{ GRAPH <{META}> {{ ?s ?p ?o }} }} ;"
        f' INSERT DATA {{ GRAPH <{META}> {{ <{META}> <urn:x-newsgraph:version> "1" }} }}'
    )
    del store
    assert not StoreWriter(path, kg).incremental
    write_store(kg, path)
    assert _default_graph(path) == _merged(kg)


def test_the_store_is_written_anew_when_most_of_it_changed(tmp_path: Path, feed: Path):
    from graph.store.incremental import StoreWriter

    path = tmp_path / "store"
    write_store(graph.build([feed]), path)
    new = graph.build([feed], drop=["quality"])  # every article changes
    writer = StoreWriter(path, new)
    assert writer.incremental
    writer.write()
    assert not writer.incremental and _default_graph(path) == _merged(new)
    assert not [p for p in tmp_path.iterdir() if p.name not in ("store", "feed")]  # no scratch folders left


def test_build_store_writes_the_store_from_the_export_pass_and_updates_it(tmp_path: Path, feed: Path):
    out, path = tmp_path / "out", tmp_path / "store"
    kg = graph.build([feed])
    kg.write(out, ["ttl", "html"], store=path)
    assert _default_graph(path) == _merged(kg)
    kg.write(out, ["nt"], store=path)  # from graph.nt itself
    assert _default_graph(path) == _merged(kg)
    assert not [p for p in tmp_path.iterdir() if p.name not in ("store", "feed", "out")]
