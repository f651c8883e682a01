"""The seeds, exactly, and the samples, each article a node."""

from collections import Counter
from pathlib import Path

import graph
from graph._identity import canonical_url
from graph._sources import find_sources, read_document


def test_seeds_exactly():
    kg = graph.build(["seeds"])
    g = kg.nx
    kinds = Counter(kind for _, kind in g.nodes(data="kind"))
    assert kinds == {"article": 4, "provider": 4, "topic": 2, "image": 4}
    assert Counter(kind for _, _, kind in g.edges(data="kind")) == {
        "publisher": 4,
        "about": 4,
        "related": 4,
        "image": 4,
    }
    assert g.number_of_edges() == 16
    domains = sorted(d for _, d in g.nodes(data="domain") if d)
    assert domains == ["caixinglobal.com", "technode.com", "techwireasia.com", "thetimes.co.uk"]
    labels = {g.nodes[n]["label"] for n in g if g.nodes[n]["kind"] == "provider"}
    assert labels == {"TechNode", "Caixin Global", "techwireasia.com", "The Times"}
    # The Caixin article's related link to TechNode is the TechNode article node itself.
    technode = kg.corpus.articles[
        graph._identity.article_iri(
            "https://technode.com/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/"
        )
    ]
    assert not technode.stub and len(technode.sources) == 2
    caixin = next(a for a in kg.corpus.articles.values() if "caixinglobal" in a.url)
    assert technode.iri in caixin.related
    assert sum(a.stub for a in kg.corpus.articles.values()) == 2


def test_every_node_has_kind_and_label_and_edges_are_unique():
    g = graph.build(["seeds"]).nx
    assert all(d["kind"] in {"article", "provider", "topic", "image"} and d["label"] for _, d in g.nodes(data=True))
    triples = [(u, v, d["kind"]) for u, v, d in g.edges(data=True)]
    assert len(triples) == len(set(triples))
    assert all(k == d["kind"] for _, _, k, d in g.edges(keys=True, data=True))


def test_nx_and_rdf_name_nodes_alike():
    kg = graph.build(["seeds"])
    subjects = {str(s) for s in kg.rdf.subjects()}
    assert set(kg.nx.nodes) <= subjects


def test_every_sample_builds_and_every_article_is_a_node(samples: Path):
    kg = graph.build([samples])
    assert kg.corpus.files_rejected == 0
    assert not [d for d in kg.corpus.diagnostics if d.severity == "error"]
    nodes = set(kg.nx.nodes)
    known = {u for a in kg.corpus.articles.values() for u in a.urls}
    count = 0
    for source in find_sources([samples]):
        data = read_document(source).data
        assert data is not None
        for doc in [data, *(r for r in data.get("related") or [] if isinstance(r, dict))]:
            url = doc.get("webUrl") or doc.get("originalUrl")
            assert canonical_url(url) in known, (source.name, url)
            count += 1
    assert count > 80
    assert all(iri in nodes for iri in kg.corpus.articles)
