"""A whole news site in: JSON API pages, the topic taxonomy, organization profiles, other collections.

On ``../shared/samples/ai-site/`` (real files of one site) and ``tests/fixtures/site-variant/`` (a site
of the same family laid out otherwise: other folders, a YAML document marker, full-width letters, an
organization under ``www.``, pages with odd items, templates, a podcast collection, a learning path).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from conftest import ROOT

import graph
from graph.read.identity import canonical_url, source_iri
from graph.read.sources import find_sources, read_document

S = rdflib.Namespace("https://schema.org/")
SKOS = rdflib.SKOS
VARIANT = ROOT / "tests" / "fixtures" / "site-variant"


@pytest.fixture(scope="module")
def site(samples: Path) -> Path:
    return samples / "ai-site"


@pytest.fixture(scope="module")
def site_kg(site: Path) -> graph.KnowledgeGraph:
    return graph.build([site])


def _page_urls(folder: Path) -> set[str]:
    urls = set()
    for path in folder.rglob("*.json"):
        for item in json.loads(path.read_text(encoding="utf-8"))["value"]:
            if isinstance(item, dict) and (item.get("webUrl") or item.get("originalUrl")):
                urls.add(canonical_url(item.get("webUrl") or item["originalUrl"]))
    return urls


def test_json_pages_alone_give_every_article_they_name(site: Path, tmp_path: Path):
    kg = graph.build([site / "api" / "news"])
    urls = _page_urls(site / "api" / "news")
    assert len(urls) > 100
    full = {u for a in kg.corpus.articles.values() if not a.stub for u in a.urls}
    assert urls <= full
    assert kg.corpus.files_rejected == 0
    report = kg.report
    assert {f.became for f in report.files} == {"page"}
    assert sum(f.articles for f in report.files) == sum(
        len(json.loads(p.read_text(encoding="utf-8"))["value"]) for p in (site / "api" / "news").rglob("*.json")
    )
    assert "6 pages of" in report.summary()
    # Each page's statements are in its own named graph, its document listing its articles.
    from graph.formats import nq

    nq.write(kg, tmp_path / "graph.nq")
    ds = nq.read(tmp_path / "graph.nq")
    page = ds.graph(rdflib.URIRef(source_iri("tensorflow/index.json", kg.corpus.base)))
    listed = set(page.objects(None, S.hasPart))
    assert len(listed) == 5 and all((a, rdflib.RDF.type, S.NewsArticle) in page for a in listed)


def test_the_same_article_in_news_and_in_pages_is_one_node(site_kg: graph.KnowledgeGraph):
    news = [f for f in site_kg.corpus.files if f.source.startswith("_news/")]
    assert news
    for f in news:
        node = site_kg.corpus.articles[f.articles[0].iri]
        pages = [s for s in node.sources if s.startswith("api/")]
        assert pages, f.source  # the page items merged into the _news article's node
    urls = [u for a in site_kg.corpus.articles.values() if not a.stub for u in a.urls[:1]]
    assert len(urls) == len(set(urls))


def test_topic_hierarchy_alt_labels_and_hashtags_answer_sparql(site_kg: graph.KnowledgeGraph):
    rows = site_kg.sparql(
        "SELECT ?t ?parent WHERE { ?t skos:broader ?p . ?t skos:prefLabel ?t0 . ?p skos:prefLabel ?parent }"
    )
    pairs = {(str(r[0]), str(r[1])) for r in rows}
    labels = {str(r[0]) for r in site_kg.sparql("SELECT ?l WHERE { ?t a skos:Concept ; skos:prefLabel ?l }")}
    assert "TensorFlow" in labels and "Google AI" in labels
    tensorflow = site_kg.corpus.topics[graph.read.identity.topic_iri("TensorFlow")]
    assert graph.read.identity.topic_iri("Google AI") in tensorflow.broader
    assert tensorflow.notation == "tensorflow" and "tensorflow" in tensorflow.alt_labels
    assert len(pairs) >= 15
    alt = site_kg.sparql('SELECT ?t WHERE { ?t skos:altLabel "artificial intelligence" ; skos:notation "ai" }')
    assert len(list(alt)) == 1
    tags = site_kg.sparql('SELECT ?h WHERE { ?t skos:notation "tensorflow" ; ng:hashtags ?h }')
    assert {str(r[0]) for r in tags} == {"#tensorflow"}
    # No duplicate concepts: one concept per label, whether the taxonomy or the articles name it.
    keys = [graph.read.identity.topic_key(t.label) for t in site_kg.corpus.topics.values()]
    assert len(keys) == len(set(keys))
    # The page's graph: an edge from a topic to its parent.
    assert site_kg.nx.has_edge(tensorflow.iri, graph.read.identity.topic_iri("Google AI"), "broader")


def test_organization_profiles_enrich_their_providers(site_kg: graph.KnowledgeGraph):
    rows = list(site_kg.sparql("SELECT ?a ?d WHERE { ?a schema:publisher/schema:description ?d }"))
    assert rows
    logos = site_kg.sparql('SELECT ?l WHERE { ?p ng:domain "ibm.com" ; schema:logo/ng:url ?l ; schema:url ?u }')
    assert {str(r[0]) for r in logos} >= {"/assets/images/organizations/ibm.com-400x400.jpg"}
    organizations = [f for f in site_kg.corpus.files if f.kind == "organization"]
    assert len(organizations) == 39  # the sample's 40 less theguardian.com, whose name has no suffix read
    for f in organizations:  # every organization is in the graph, mentioned by an article or not
        assert f.providers[0].iri in site_kg.corpus.providers and f.providers[0].iri in site_kg.nx
    ibm = site_kg.nx.nodes[graph.read.identity.provider_iri("ibm.com")]
    assert ibm["description"].startswith("Together with our clients") and ibm["logo"].endswith("400x400.jpg")


def test_collection_items_are_nodes_of_fitting_types(site_kg: graph.KnowledgeGraph):
    g = site_kg.rdf
    typed = {}
    for f in site_kg.corpus.files:
        if f.kind == "item":
            typed[f.source.split("/")[0]] = typed.get(f.source.split("/")[0], set()) | set(
                g.objects(rdflib.URIRef(f.articles[0].iri), rdflib.RDF.type)
            )
    assert {S.VideoObject, S.Course, S.Book, S.LearningResource, S.Collection} <= typed["_learning"]
    assert typed["_events"] == {S.Event} and typed["_projects"] == {S.SoftwareSourceCode}
    assert typed["_people"] == {S.Person} and S.Organization in typed["_companies"]
    assert S.CreativeWork in typed["_sponsorships"] and S.CreativeWork in typed["_newsletters"]
    # Joined to the rest: an event's topics and provider, a person by name.
    ng = site_kg.sparql("SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n ; schema:about ?t }")
    assert "Andrew Ng" in {str(r[0]) for r in ng}
    # A collection has its items as parts: the video file's own node.
    video = next(f for f in site_kg.corpus.files if f.source.startswith("_learning/videos/"))
    course = next(f for f in site_kg.corpus.files if f.source.startswith("_learning/collections/"))
    node = site_kg.corpus.articles[course.articles[0].iri]
    assert video.articles[0].iri in node.parts and len(node.parts) == 6
    assert (rdflib.URIRef(node.iri), S.hasPart, rdflib.URIRef(video.articles[0].iri)) in g
    assert site_kg.nx.has_edge(node.iri, video.articles[0].iri, "part")


def test_a_build_of_the_whole_sample_root_rejects_no_file(samples: Path):
    kg = graph.build([samples])
    assert kg.corpus.files_rejected == 0 and not kg.report.rejected
    kinds = kg.report.kinds()
    assert kinds["topic"] == 22 and kinds["tag"] == 4 and kinds["organization"] >= 39 and kinds["page"] == 6
    assert kinds["item"] >= 25 and kinds["skipped"] == 2
    skipped = {f.file: f.reason for f in kg.report.files if f.outcome == "skipped"}
    assert set(skipped) == {"ai-site/README.md", "ai-site/_config.yml"} and all(skipped.values())
    line = kg.report.summary().splitlines()[0]
    assert "0 rejected" in line and "22 topics" in line and "4 tags" in line and "6 pages of" in line
    entries = json.loads(kg.report.to_json())
    assert {f["became"] for f in entries["files"]} == {
        "article",
        "page",
        "topic",
        "tag",
        "organization",
        "item",
        "skipped",
    }
    assert all(f["reason"] for f in entries["files"] if f["became"] == "skipped")
    assert entries["became"]["page articles"] > 100


def test_every_value_of_a_site_data_file_is_in_its_named_graph(site: Path, tmp_path: Path):
    from graph.formats import nq

    kg = graph.build([site / "_data"])
    nq.write(kg, tmp_path / "graph.nq")
    ds = nq.read(tmp_path / "graph.nq")
    checked = 0
    for source in find_sources([site / "_data"]):
        doc = ds.graph(rdflib.URIRef(source_iri(source.name, kg.corpus.base)))
        literals = {str(o) for o in doc.objects() if isinstance(o, (rdflib.Literal, rdflib.URIRef))}
        data = read_document(source).data
        assert data is not None
        for value in _scalars(data):
            assert str(value) in literals or str(value).strip() in literals, (source.name, value)
            checked += 1
    assert checked > 500


def _scalars(value):
    if isinstance(value, dict):
        for sub in value.values():
            yield from _scalars(sub)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    elif value is not None and not isinstance(value, bool):
        yield value


# -- a site of the same family, laid out otherwise -----------------------------------------------------------


@pytest.fixture(scope="module")
def variant() -> graph.KnowledgeGraph:
    return graph.build([VARIANT])


def test_variant_site_detection_from_content(variant: graph.KnowledgeGraph):
    became = {f.file: (f.outcome, f.became) for f in variant.report.files}
    assert became["api/v2/robots/page-1.json"][1] == "page" and became["api/v2/robots/page-2.json"][1] == "page"
    assert became["_data/topics/robotics.yml"] == ("kept", "topic")  # starts with a YAML "---" marker
    # Its logo /assets/logo-50.png is resolved against the organization's own site, with a warning.
    assert became["_data/organizations/example.org.md"] == ("warned", "organization")
    assert became["_posts/2024-01-02-robots-walk.md"] == ("kept", "article")
    for name in ("_podcasts/ep1.md", "_misc/thing.md", "_learning/lessons/intro.md", "_learning/paths/start.md"):
        assert became[name][1] == "item", name
    for name in (
        "README.md",
        "_config.yaml",
        "_data/navigation.yml",
        "_data/categories/news.yml",
        "_includes/head.html",
        "_layouts/default.html",
        "api/v2/meta.json",
        "feed.xml",
    ):
        assert became[name] == ("skipped", "skipped"), name
    assert variant.corpus.files_rejected == 0
    warned = {d.code for f in variant.report.files if f.file.endswith("page-1.json") for d in f.diagnostics}
    assert {"no-url", "wrong-shape"} <= warned


def test_variant_topics_match_by_name_case_and_unicode_insensitively(variant: graph.KnowledgeGraph):
    topics = variant.corpus.topics
    assert len(topics) == 2  # "Ｒobotics" (taxonomy), "robotics", "ＲOBOTICS", "Robotics" (articles): one concept
    robotics = next(t for t in topics.values() if t.notation == "robotics")
    assert robotics.label == "Ｒobotics" and robotics.alt_labels == ("automation", "robots")
    about = [a for a in variant.corpus.articles.values() if robotics.iri in a.topics]
    assert len(about) == 3
    assert list(variant.sparql('SELECT ?p WHERE { ?t skos:notation "robotics" ; skos:broader ?p }'))


def test_variant_organization_under_www_enriches_the_provider(variant: graph.KnowledgeGraph):
    provider = variant.corpus.providers[graph.read.identity.provider_iri("example.org")]
    assert provider.name == "Example Org"  # the site's profile names it, whatever articles say
    node = variant.nx.nodes[provider.iri]
    assert node["description"] == "We publish examples." and node["logo"] == "https://example.org/logo-400.png"
    rows = variant.sparql("SELECT DISTINCT ?d WHERE { ?a schema:publisher/schema:description ?d }")
    assert {str(r[0]) for r in rows} == {"We publish examples."}
    nobody = variant.corpus.providers[graph.read.identity.provider_iri("nobody.net")]
    assert nobody.iri in variant.nx  # mentioned by no article, still in the graph


def test_variant_items_and_parts(variant: graph.KnowledgeGraph):
    g = variant.rdf
    by_file = {f.source: f for f in variant.corpus.files}

    def types(name: str) -> set[rdflib.URIRef]:
        return set(g.objects(rdflib.URIRef(by_file[name].articles[0].iri), rdflib.RDF.type))

    assert types("_podcasts/ep1.md") == {S.PodcastEpisode}
    assert types("_misc/thing.md") == {S.CreativeWork}
    assert types("_learning/lessons/intro.md") == {S.VideoObject}
    assert types("_posts/2024-01-02-robots-walk.md") == {S.NewsArticle}
    path = variant.corpus.articles[by_file["_learning/paths/start.md"].articles[0].iri]
    intro = by_file["_learning/lessons/intro.md"].articles[0].iri
    assert intro in path.parts and len(path.parts) == 2  # the missing lesson stays a stub
    assert sum(variant.corpus.articles[p].stub for p in path.parts) == 1


@pytest.mark.parametrize("engine", ["stream", "workers"])
def test_variant_site_through_the_other_engines(engine: str, tmp_path: Path, variant: graph.KnowledgeGraph):
    if engine == "stream":
        from graph.engines.stream import stream_build

        result = stream_build([VARIANT], tmp_path, ["nt", "nq"], workers=2)
        assert result.files == len(variant.report.files) and result.rejected == 0
    else:
        kg = graph.build([VARIANT], workers=2)
        assert kg.corpus == variant.corpus
