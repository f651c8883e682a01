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
