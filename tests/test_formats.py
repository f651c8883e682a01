"""Every export format: byte-deterministic, isomorphic to the Turtle, parsed by rdflib, pyoxigraph and rapper."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
import rdflib.compare
from conftest import SEEDS

import graph
from graph.formats import FORMATS, graphml, nq
from graph.formats.load import read_rdf
from graph.rdf.mapping import document_blocks
from graph.read.identity import source_iri

RDF_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "graphml")
OXIGRAPH = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nq": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}
RAPPER = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig"}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    graph.build([SEEDS]).write(out, RDF_FORMATS)
    return out


def _flat(g: rdflib.Graph) -> rdflib.Graph:
    if not isinstance(g, rdflib.Dataset):
        return g
    flat = rdflib.Graph()
    for s, p, o, _ in g.quads((None, None, None, None)):
        flat.add((s, p, o))
    return flat


def test_every_format_is_registered_and_written_as_graph_dot_ext(written: Path):
    assert set(RDF_FORMATS) | {"html"} == set(FORMATS)
    assert sorted(p.name for p in written.iterdir()) == sorted(f"graph.{f}" for f in RDF_FORMATS)


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_every_format_is_isomorphic_to_the_turtle(written: Path, fmt: str):
    turtle = read_rdf(written / "graph.ttl")
    assert rdflib.compare.isomorphic(_flat(read_rdf(written / f"graph.{fmt}")), turtle)


@pytest.mark.parametrize("fmt", sorted(OXIGRAPH))
def test_pyoxigraph_parses_every_rdf_format(written: Path, fmt: str):
    store = pyoxigraph.Store()
    store.load(path=str(written / f"graph.{fmt}"), format=OXIGRAPH[fmt])
    parsed = read_rdf(written / f"graph.{fmt}")
    if fmt in ("nq", "trig"):
        assert len(store) == len(list(parsed.quads((None, None, None, None))))
        assert {g.value for g in store.named_graphs()} == {
            source_iri(name) for name in ("000_538a4fffcd099543.txt", "001_17b63d52bf50f52a.txt")
        } | {"https://newsgraph.example/id/build"}
        assert not list(store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    else:
        assert len(store) == len(parsed)


def _rapper() -> str | None:
    found = shutil.which("rapper")
    if found is None and os.environ.get("CI"):
        pytest.fail("rapper (Debian raptor2-utils) is not installed; .ci/run installs it")
    if found is None:
        pytest.skip("rapper (Debian raptor2-utils) is not installed")
    return found


@pytest.mark.parametrize("fmt", sorted(RAPPER))
def test_rapper_an_independent_parser_accepts_the_export(written: Path, fmt: str):
    rapper = _rapper()
    run = subprocess.run(
        [rapper, "--count", "--input", RAPPER[fmt], str(written / f"graph.{fmt}")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "error" not in run.stderr.lower() and "warning" not in run.stderr.lower(), run.stderr
    quads = sum(1 for _ in _flat(read_rdf(written / f"graph.{fmt}")))
    if fmt in ("ttl", "nt"):
        assert f"returned {quads} " in run.stderr, run.stderr


def test_ntriples_and_nquads_lines_are_sorted_within_each_graph(written: Path):
    lines = (written / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    order: list[str] = []
    by_graph: dict[str, list[str]] = {}
    for line in (written / "graph.nq").read_text(encoding="utf-8").splitlines():
        (quad,) = pyoxigraph.parse(line, format=pyoxigraph.RdfFormat.N_QUADS)
        name = str(quad.graph_name)
        if name not in by_graph:
            order.append(name)
        by_graph.setdefault(name, []).append(line)
    assert order[0] == "<https://newsgraph.example/id/build>" and order == sorted(order) and len(order) == 3
    assert all(group == sorted(group) for group in by_graph.values())


def test_named_graphs_hold_what_each_file_says_and_the_build_graph_the_rest(written: Path):
    ds = nq.read(written / "graph.nq")
    kg = graph.build([SEEDS])
    for f in kg.corpus.files:
        name, blocks = document_blocks(f, kg.corpus)
        g = ds.graph(rdflib.URIRef(name[1:-1]))
        assert len(g) == sum(len(pairs) for _, pairs in blocks) > 20
    assert len(ds.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)) == 0
    build = ds.graph(rdflib.URIRef("https://newsgraph.example/id/build"))
    types = set(build.objects(None, rdflib.RDF.type))
    assert types == {rdflib.SKOS.ConceptScheme, rdflib.PROV.Activity}
    assert len(list(build.objects(None, rdflib.PROV.used))) == 2


def test_graphml_is_the_property_graph_too(written: Path):
    g = graphml.read_nx(written / "graph.graphml")
    built = graph.build([SEEDS]).nx
    assert {n: d["kind"] for n, d in g.nodes(data=True)} == {n: d["kind"] for n, d in built.nodes(data=True)}
    assert {n: d["label"] for n, d in g.nodes(data=True)} == {n: d["label"] for n, d in built.nodes(data=True)}
    assert sorted((u, v, d["kind"]) for u, v, d in g.edges(data=True)) == sorted(
        (u, v, k) for u, v, k in built.edges(keys=True)
    )


def test_every_format_is_byte_deterministic_whatever_the_file_order(tmp_path: Path, samples: Path):
    files = sorted(samples.rglob("*.md"))[:25] + sorted(SEEDS.iterdir())
    outs = []
    for i, order in enumerate((files, random.Random(3).sample(files, len(files)))):
        src = tmp_path / f"in{i}"
        src.mkdir()
        for path in order:
            shutil.copy(path, src / path.name)
        graph.build([src]).write(tmp_path / f"out{i}", RDF_FORMATS)
        outs.append(tmp_path / f"out{i}")
    for fmt in RDF_FORMATS:
        assert (outs[0] / f"graph.{fmt}").read_bytes() == (outs[1] / f"graph.{fmt}").read_bytes(), fmt


def test_graphml_keeps_characters_xml_cannot_hold_in_its_rdf(tmp_path: Path):
    from conftest import write_article

    write_article(
        tmp_path / "in", "a.md", '---\nwebUrl: https://a.example/1\ntitle: "x \\x01 \\uFFFE \\uFDD0 y"\n---\n'
    )
    kg = graph.build([tmp_path / "in"])
    kg.write(tmp_path, ["graphml"])
    assert set(graphml.read(tmp_path / "graph.graphml")) == set(kg.rdf)
    assert rdflib.Literal("x \x01 \ufffe \ufdd0 y") in set(kg.rdf.objects())


def _plain_block(subject: str, pairs: list[tuple[str, str]]) -> str:
    """The Turtle block laid out term by term with ``compact``: what ``turtle.block`` must equal."""
    from graph.formats.turtle import _TYPE, compact

    pairs = [p for p in pairs if p[0] == _TYPE] + [p for p in pairs if p[0] != _TYPE]
    out, last = [compact(subject)], None
    for predicate, obj in pairs:
        if predicate == last:
            out.append(",\n        ")
        else:
            p = "a" if predicate == _TYPE else compact(predicate)
            out.append(f"\n    {p} " if last is None else f" ;\n    {p} ")
            last = predicate
        out.append(compact(obj))
    return "".join(out) + " .\n\n"


def test_turtle_blocks_shorten_every_term_as_compact_does(samples: Path):
    """turtle.block skips ``compact`` where it can tell the answer: never where compact would shorten."""
    from graph.formats import turtle
    from graph.rdf.mapping import XSD, merged_blocks

    odd = sorted(
        [
            ("<http://purl.org/dc/terms/relation>", "<https://schema.org/Thing>"),  # an object in a namespace
            ("<http://purl.org/dc/terms/relation>", "<https://schema.org/a/b>"),  # ... with no local name
            ("<https://schema.org/name>", '"x"@en'),
            ("<https://schema.org/name>", f'"1"^^<{XSD}integer>'),
            ("<https://schema.org/name>", f'"2021-01-01T00:00:00Z"^^<{XSD}dateTime>'),
            ("<https://schema.org/name>", '"5"^^<https://example.org/type>'),
            ("<https://schema.org/name>", '"a \\"quoted\\" text"'),
            ("<https://newsgraph.example/vocab#x-y>", "<https://newsgraph.example/vocab#ok>"),
            ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<http://www.w3.org/2004/02/skos/core#Concept>"),
        ]
    )
    blocks = [*merged_blocks(graph.build([samples]).corpus), ("<https://newsgraph.example/id/x>", odd)]
    for subject, pairs in blocks:
        assert turtle.block(subject, pairs) == _plain_block(subject, pairs)
