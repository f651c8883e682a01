"""graph.load: every export format read back into the same knowledge graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS

import graph
from graph.formats import ntriples

FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "graphml")


def _shape(g):
    nodes = {n: (d["kind"], d["label"]) for n, d in g.nodes(data=True)}
    return nodes, sorted(g.edges(keys=True))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, samples: Path):
    out = tmp_path_factory.mktemp("exports")
    kg = graph.build([SEEDS, samples])
    kg.write(out, FORMATS)
    return kg, out


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_gives_back_the_same_graph_from_every_format(built, fmt: str):
    kg, out = built
    loaded = graph.load(out / f"graph.{fmt}")
    assert isinstance(loaded, graph.KnowledgeGraph)
    assert _shape(loaded.nx) == _shape(kg.nx)
    assert dict(loaded.nx.nodes(data=True)) == dict(kg.nx.nodes(data=True))  # every attribute, stubs and sources too
    assert loaded.counts() == kg.counts()
    # and it writes the same RDF again, byte for byte
    assert "".join(ntriples.generate(loaded)) == "".join(ntriples.generate(kg))


def test_a_loaded_graph_answers_queries(built):
    kg, out = built
    loaded = graph.load(out / "graph.nq")
    assert loaded.corpus.base == kg.corpus.base
    assert [f.source for f in loaded.corpus.files] == [f.source for f in kg.corpus.files]
    assert len(loaded.rdf) == len(kg.rdf)


def test_load_keeps_a_custom_base(tmp_path: Path):
    kg = graph.build([SEEDS], base="https://data.example.org/news/")
    kg.write(tmp_path, ["trig"])
    loaded = graph.load(tmp_path / "graph.trig")
    assert loaded.corpus.base == "https://data.example.org/news/"
    assert sorted(loaded.nx.nodes) == sorted(kg.nx.nodes)


def test_load_refuses_what_it_cannot_read_with_a_clear_error(tmp_path: Path):
    with pytest.raises(ValueError, match=r"cannot load a \.html file"):
        graph.load("exports/graph.html")
    with pytest.raises(FileNotFoundError, match="no such file"):
        graph.load(tmp_path / "missing.ttl")
    (tmp_path / "bad.ttl").write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.ttl: not a readable .ttl export"):
        graph.load(tmp_path / "bad.ttl")


def test_load_gives_back_urls_with_characters_an_iri_cannot_hold(tmp_path: Path):
    from conftest import write_article

    write_article(
        tmp_path / "in",
        "a.md",
        '---\nwebUrl: "https://a.example/x y\\u2028z"\nrelated:\n  - webUrl: "https://b.example/q r"\n---\n',
    )
    kg = graph.build([tmp_path / "in"])
    kg.write(tmp_path, ["ttl", "trig"])
    for fmt in ("ttl", "trig"):
        loaded = graph.load(tmp_path / f"graph.{fmt}")
        assert dict(loaded.nx.nodes(data=True)) == dict(kg.nx.nodes(data=True))


@pytest.mark.parametrize("fmt", ["ttl", "trig", "graphml"])
def test_rdflib_and_pyoxigraph_parsing_load_the_same_corpus(built, fmt: str, monkeypatch: pytest.MonkeyPatch):
    from graph.formats import load as _load

    _, out = built
    fast = _load.load_corpus(out / f"graph.{fmt}")
    monkeypatch.setattr(_load, "_fast_quads", lambda path: None)  # as without pyoxigraph
    slow = _load.load_corpus(out / f"graph.{fmt}")
    assert fast.articles == slow.articles and fast.providers == slow.providers and fast.images == slow.images
    assert fast.alternatives == slow.alternatives and fast.alternatives  # the samples disagree here and there
    assert [f.source for f in fast.files] == [f.source for f in slow.files]
