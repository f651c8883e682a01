"""The seeds, exactly, and the samples, each article a node."""

from collections import Counter
from pathlib import Path

import pytest
from conftest import SEEDS

import graph
from graph.read.identity import canonical_url
from graph.read.sources import find_sources, read_document


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
        graph.read.identity.article_iri(
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
    became = {f.source: f for f in kg.corpus.files}
    count = 0
    for source in find_sources([samples]):
        f = became[source.name]
        if f.kind == "skipped":  # a site's config, its README: no graph content, and said why
            assert f.reason, source.name
            continue
        data = read_document(source).data
        assert data is not None
        if f.kind not in ("article", "page"):  # a site's taxonomy, organizations, collections: tests/test_site.py
            continue
        articles = data["value"] if f.kind == "page" else [data]  # a JSON API page: each item an article
        for doc in [d for a in articles for d in [a, *(r for r in a.get("related") or [] if isinstance(r, dict))]]:
            url = doc.get("webUrl") or doc.get("originalUrl")
            assert canonical_url(url) in known, (source.name, url)
            count += 1
    assert count > 80
    assert all(iri in nodes for iri in kg.corpus.articles)


def test_fast_edge_insertion_lays_out_the_graph_as_networkx_does(samples: Path):
    """``to_networkx`` fills the adjacency itself: the same graph, in the same order, as networkx's own loop."""
    import networkx as nx

    from graph.model.network import article_attrs, to_networkx

    corpus = graph.build([samples, "seeds"]).corpus
    fast = to_networkx(corpus)
    slow = nx.MultiDiGraph()
    slow.add_nodes_from(fast.nodes(data=True))
    slow.add_edges_from((u, v, k, {"kind": k}) for u, v, k in fast.edges(keys=True))
    assert list(fast.edges(keys=True, data=True)) == list(slow.edges(keys=True, data=True))
    assert list(fast.in_edges(keys=True, data=True)) == list(slow.in_edges(keys=True, data=True))
    assert nx.utils.graphs_equal(fast, slow)
    u, v, k = next(iter(fast.edges(keys=True)))
    seen = fast[u][v][k]
    seen["seen"] = True  # one attribute dictionary per edge, shared by both views
    assert fast.pred[v][u][k]["seen"]
    assert all("seen" not in d for *_, d in fast.edges(data=True) if d is not seen)
    dated = [a for a in corpus.articles.values() if a.date_published is not None]
    assert dated and all(article_attrs(a)["date"] == a.date_published.strftime("%Y-%m-%dT%H:%M:%SZ") for a in dated)


def test_edge_total_counts_as_networkx_does_in_graphs_and_views(samples: Path):
    from graph.model.network import edge_total

    g = graph.build([samples]).nx
    assert edge_total(g) == g.number_of_edges() > 0
    sub = g.subgraph(list(g)[: len(g) // 2])
    assert edge_total(sub) == sub.number_of_edges()


def test_build_drop_takes_one_key_as_a_string():
    """Regression: ``drop="secured"`` dropped the fields named by its letters ("s", "e", ...), so nothing."""
    kept = graph.build([SEEDS])
    assert any(key == "secured" for a in kept.corpus.articles.values() for key, _ in a.extra)
    dropped = graph.build([SEEDS], drop="secured")
    assert dropped.corpus.articles.keys() == kept.corpus.articles.keys()
    assert not any(key == "secured" for a in dropped.corpus.articles.values() for key, _ in a.extra)
    assert dropped.corpus == graph.build([SEEDS], drop=["secured"]).corpus


def test_build_cache_false_means_no_cache_and_anything_else_is_a_clear_error(tmp_path):
    """Regression: ``cache=False`` (as ``--no-cache``) failed deep inside with "expected str, bytes or
    os.PathLike object, not bool"."""
    assert graph.build([SEEDS], cache=False).corpus == graph.build([SEEDS]).corpus
    with pytest.raises(TypeError, match=r"cache: a folder for the build cache .* not True"):
        graph.build([SEEDS], cache=True)
    assert graph.build([SEEDS], cache=tmp_path / "cache").corpus == graph.build([SEEDS]).corpus
