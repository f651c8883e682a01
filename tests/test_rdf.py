import pyoxigraph
import rdflib
import rdflib.compare

import graph
from graph.formats import ntriples, turtle


def test_turtle_parses_in_rdflib_and_pyoxigraph_and_matches_ntriples(tmp_path):
    kg = graph.build(["seeds"])
    kg.write(tmp_path, ["ttl", "nt"])
    ttl = turtle.read(tmp_path / "graph.ttl")
    nt = ntriples.read(tmp_path / "graph.nt")
    assert rdflib.compare.isomorphic(ttl, nt)
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ttl)
    lines = (tmp_path / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)


def test_seeds_rdf_types_and_dates():
    g = graph.build(["seeds"]).rdf
    schema = rdflib.Namespace("https://schema.org/")
    assert len(set(g.subjects(rdflib.RDF.type, schema.NewsArticle))) == 4
    assert len(set(g.subjects(rdflib.RDF.type, rdflib.SKOS.Concept))) == 2
    dates = list(g.objects(None, schema.datePublished))
    assert dates and all(d.datatype == rdflib.XSD.dateTime and d.value.utcoffset().total_seconds() == 0 for d in dates)
    assert not any(isinstance(t, rdflib.BNode) for triple in g for t in triple)


def test_literal_escaping_round_trips(tmp_path):
    from conftest import write_article

    title = 'quote " backslash \\ tab \t nl \n ctl \x01 emoji 😀 e\u0301'
    import json

    write_article(
        tmp_path / "in",
        "a.md",
        f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\nwebUrl: https://a.example/x y\n---\n",
    )
    kg = graph.build([tmp_path / "in"])
    kg.write(tmp_path / "out", ["ttl", "nt"])
    for reader, name in ((turtle.read, "graph.ttl"), (ntriples.read, "graph.nt")):
        g = reader(tmp_path / "out" / name)
        assert rdflib.Literal(title) in set(g.objects(None, rdflib.URIRef("https://schema.org/headline")))
