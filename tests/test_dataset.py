"""The dataset (N-Quads, TriG) agrees with the merged graph (issue 18).

Flattened, ``graph.nq`` and ``graph.trig`` are exactly ``graph.nt`` on every corpus; where files disagree,
the winning value is under the schema.org term and every other value under its alternative term, in the
merged graph and in the graph of the file that said it. Statements that belong to no single file are in the
build's named graph, never in the default graph.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import GEN_CORPUS, ROOT, SEEDS, write_article

import graph
from graph.read.identity import source_iri

BUILD_GRAPH = "https://newsgraph.example/id/build"
SCHEMA = "https://schema.org/"
NG = "https://newsgraph.example/vocab#"


def _quads(path: Path) -> list[ox.Quad]:
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    return list(ox.parse(path=str(path), format=fmt))


def _triples(path: Path) -> set[ox.Triple]:
    quads = ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return {ox.Triple(q.subject, q.predicate, q.object) for q in quads}


def _assert_flattened_is_merged(paths: list[Path], out: Path) -> graph.KnowledgeGraph:
    kg = graph.build(paths)
    kg.write(out, ["nt", "nq", "trig"])
    merged = _triples(out / "graph.nt")
    for name in ("graph.nq", "graph.trig"):
        quads = _quads(out / name)
        flat = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        assert flat - merged == set(), name
        assert merged - flat == set(), name
        assert not [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)], name
    return kg


def _hostile_corpus(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_hostile import _hostile_corpus as make

    return make(folder)


def _edited_generated_corpus(folder: Path) -> Path:
    """A generated corpus in which some articles were edited after others linked to them (stubs disagree)."""
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", "150", "--out", str(folder)], check=True)
    for i, path in enumerate(sorted(folder.rglob("*.md"))):
        if i % 7 == 0:
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"(?m)^title: .*$", f'title: "edited title {i}"', text, count=1)
            text = re.sub(r"(?m)^quality: \d+$", "quality: 1000", text, count=1)
            path.write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "corpus", ["seeds+samples", "ai-site", "generated", "generated-edited", "hostile", "site-variant"]
)
def test_flattened_dataset_is_the_merged_graph_on_every_corpus(tmp_path: Path, samples: Path, corpus: str):
    paths = {
        "seeds+samples": lambda: [SEEDS, samples / "ai"],
        "ai-site": lambda: [samples / "ai-site"],
        "generated": lambda: [_generated(tmp_path / "in")],
        "generated-edited": lambda: [_edited_generated_corpus(tmp_path / "in")],
        "hostile": lambda: [_hostile_corpus(tmp_path / "in")],
        "site-variant": lambda: [ROOT / "tests" / "fixtures" / "site-variant"],
    }[corpus]()
    _assert_flattened_is_merged(paths, tmp_path / "out")


def _generated(folder: Path) -> Path:
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", "200", "--seed", "5", "--out", str(folder)], check=True)
    return folder


def test_statements_of_no_single_document_are_in_the_build_graph(tmp_path: Path):
    kg = graph.build([SEEDS])
    kg.write(tmp_path, ["nq", "trig"])
    for name in ("graph.nq", "graph.trig"):
        quads = _quads(tmp_path / name)
        assert not [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
        build = [q for q in quads if q.graph_name == ox.NamedNode(BUILD_GRAPH)]
        types = {q.object.value for q in build if q.predicate.value.endswith("#type")}
        assert types == {"http://www.w3.org/ns/prov#Activity", "http://www.w3.org/2004/02/skos/core#ConceptScheme"}
        assert len([q for q in build if q.predicate.value == "http://www.w3.org/ns/prov#used"]) == 2
        names = list(dict.fromkeys(q.graph_name.value for q in quads))
        assert names == [BUILD_GRAPH, *sorted(source_iri(f.source) for f in kg.corpus.files)]


def test_statements_of_no_single_document_follow_the_base(tmp_path: Path):
    base = "https://data.example.org/news/"
    graph.build([SEEDS], base=base).write(tmp_path, ["nq"])
    names = {q.graph_name.value for q in _quads(tmp_path / "graph.nq")}
    assert f"{base}build" in names and BUILD_GRAPH not in names


def _disagreeing(folder: Path) -> Path:
    write_article(
        folder,
        "full.md",
        "---\nwebUrl: https://a.example/1\ntitle: The real title\nexcerpt: Real\nquality: 5\n"
        "provider:\n  name: Real Name\n  domain: a.example\n---\n",
    )
    write_article(
        folder,
        "other.md",
        "---\nwebUrl: https://b.example/2\nprovider:\n  name: Stub Name\n  domain: a.example\nrelated:\n"
        "  - {webUrl: 'https://a.example/1', title: A stub title, excerpt: Real, quality: 7}\n---\n",
    )
    write_article(
        folder,
        "third.md",
        "---\nwebUrl: https://c.example/3\nprovider:\n  name: Real Name\n  domain: a.example\nrelated:\n"
        "  - {webUrl: 'https://a.example/1', title: Another stub title}\n---\n",
    )
    return folder


def _objects(quads: list[ox.Quad], subject: str, predicate: str, graph_name: str | None = None) -> set[str]:
    return {
        q.object.value
        for q in quads
        if q.subject.value == subject
        and q.predicate.value == predicate
        and (graph_name is None or q.graph_name == ox.NamedNode(graph_name))
    }


def test_where_files_disagree_the_winner_has_the_schema_term_and_every_other_value_its_alternative(tmp_path: Path):
    kg = _assert_flattened_is_merged([_disagreeing(tmp_path / "in")], tmp_path / "out")
    article = next(a.iri for a in kg.corpus.articles.values() if a.url == "https://a.example/1")
    provider = "https://newsgraph.example/id/provider/a.example"
    merged = [ox.Quad(t.subject, t.predicate, t.object) for t in _triples(tmp_path / "out" / "graph.nt")]
    headline, alternative = f"{SCHEMA}headline", f"{SCHEMA}alternativeHeadline"
    assert _objects(merged, article, headline) == {"The real title"}
    assert _objects(merged, article, alternative) == {"A stub title", "Another stub title"}
    assert _objects(merged, article, f"{NG}quality") == {"5"}
    assert _objects(merged, article, f"{NG}alternative:ng:quality") == {"7"}
    assert _objects(merged, article, f"{SCHEMA}abstract") == {"Real"}  # the stub agreed: no alternative
    assert _objects(merged, article, f"{NG}alternative:schema:abstract") == set()
    assert _objects(merged, provider, f"{SCHEMA}name") == {"Real Name"}
    assert _objects(merged, provider, f"{NG}alternative:schema:name") == {"Stub Name"}
    quads = _quads(tmp_path / "out" / "graph.nq")
    full, other, third = (source_iri(n) for n in ("full.md", "other.md", "third.md"))
    assert _objects(quads, article, headline, full) == {"The real title"}
    assert _objects(quads, article, alternative, full) == set()
    assert _objects(quads, article, headline, other) == set()
    assert _objects(quads, article, alternative, other) == {"A stub title"}
    assert _objects(quads, article, alternative, third) == {"Another stub title"}
    assert _objects(quads, article, f"{NG}alternative:ng:quality", other) == {"7"}
    assert _objects(quads, provider, f"{NG}alternative:schema:name", other) == {"Stub Name"}
    assert _objects(quads, provider, f"{SCHEMA}name", third) == {"Real Name"}


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "graphml"])
def test_where_files_disagree_load_gives_back_the_same_graph_and_writes_the_same_rdf(tmp_path: Path, fmt: str):
    from graph.formats import ntriples

    kg = graph.build([_disagreeing(tmp_path / "in")])
    kg.write(tmp_path / "out", [fmt])
    loaded = graph.load(tmp_path / "out" / f"graph.{fmt}")
    assert dict(loaded.nx.nodes(data=True)) == dict(kg.nx.nodes(data=True))
    assert sorted(loaded.nx.edges(keys=True)) == sorted(kg.nx.edges(keys=True))
    assert loaded.corpus.articles == kg.corpus.articles and loaded.corpus.providers == kg.corpus.providers
    assert "".join(ntriples.generate(loaded)) == "".join(ntriples.generate(kg))


def test_a_dataset_written_from_a_loaded_graph_still_flattens_to_its_merged_graph(tmp_path: Path):
    kg = graph.build([_disagreeing(tmp_path / "in")])
    kg.write(tmp_path / "a", ["nq"])
    loaded = graph.load(tmp_path / "a" / "graph.nq")
    loaded.write(tmp_path / "b", ["nt", "nq"])
    merged = _triples(tmp_path / "b" / "graph.nt")
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in _quads(tmp_path / "b" / "graph.nq")} == merged
    # who said what is kept: each alternative is still in the graph of the file that said it
    article = next(a.iri for a in kg.corpus.articles.values() if a.url == "https://a.example/1")
    quads = _quads(tmp_path / "b" / "graph.nq")
    alternative = f"{SCHEMA}alternativeHeadline"
    assert _objects(quads, article, alternative, source_iri("other.md")) == {"A stub title"}
    assert _objects(quads, article, alternative, source_iri("third.md")) == {"Another stub title"}
