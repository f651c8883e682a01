import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GEN_CORPUS, write_article

import graph
from graph import Article, Image, Provider, Topic

XPENG = "https://technode.com/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/"
CAIXIN = (
    "https://www.caixinglobal.com/2021-12-15/"
    "carmaker-xpeng-deletes-430000-photos-for-misuse-of-facial-recognition-101818294.html"
)
TIMES = "https://www.thetimes.co.uk/article/f7593886-5bf1-11ec-90d0-c463baf3512f?shareToken=49c9dec5a015dba8a293c093037d6f65"


@pytest.fixture(scope="module")
def kg() -> graph.KnowledgeGraph:
    return graph.build(["seeds"])


def _doc(url: str, title: str, date: str, topics: list[str], *, provider: str = "", extra: str = "") -> str:
    lines = ["---", f'title: "{title}"', f'webUrl: "{url}"', f"publishedDateTime: {date}", "type: article"]
    if provider:
        lines += ["provider:", f"  domain: {provider}"]
    lines += ["topics:"] + [f"  - {t}" for t in topics] if topics else []
    return "\n".join(lines) + "\n" + extra + "---\n"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> graph.KnowledgeGraph:
    """Five articles over three months, three topics, two of them alone (no provider, no links)."""
    d = tmp_path_factory.mktemp("small")
    write_article(
        d, "a.md", _doc("https://a.example/1", "A", "2022-01-03T10:00:00Z", ["X", "Y", "Z"], provider="a.example")
    )
    write_article(d, "b.md", _doc("https://a.example/2", "B", "2022-01-20T10:00:00Z", ["x", "y"], provider="a.example"))
    write_article(d, "c.md", _doc("https://c.example/3", "C", "2022-03-01T00:00:00Z", ["Y"], provider="c.example"))
    write_article(d, "d.md", _doc("https://d.example/4", "D", "2022-03-02T00:00:00Z", []))
    write_article(d, "e.md", _doc("https://e.example/5", "E", "2022-03-03T00:00:00Z", []))
    return graph.build([d])


# -- typed lookups -------------------------------------------------------------------------------------


def test_articles_are_merged_records_newest_first(kg):
    found = kg.articles()
    assert [type(a) for a in found] == [Article] * 4
    dates = [a.date_published for a in found]
    assert dates == sorted(dates, reverse=True)
    assert all(kg.corpus.articles[a.iri] is a for a in found)


def test_articles_filter_by_topic_in_any_case_provider_by_domain_or_name_and_dates(kg):
    assert [a.url for a in kg.articles(topic="COMPUTER vision")] == [CAIXIN, XPENG]
    by_domain = kg.articles(provider="WWW.TechNode.com")
    assert [a.url for a in by_domain] == [XPENG] == [a.url for a in kg.articles(provider="technode")]
    assert [a.url for a in kg.articles(since=dt.date(2021, 12, 15))] == [CAIXIN, XPENG]
    assert [a.url for a in kg.articles(until="2021-12-13")] == [TIMES]
    moment = dt.datetime(2021, 12, 15, 9, 0, tzinfo=dt.UTC)
    assert [a.url for a in kg.articles(since=moment, topic="ai")] == [CAIXIN]
    assert len(kg.articles(type="ARTICLE")) == 4 and kg.articles(type="video") == []


def test_articles_with_an_unknown_topic_or_provider_say_so(kg):
    with pytest.raises(ValueError, match="no topic 'Robots'"):
        kg.articles(topic="Robots")
    with pytest.raises(ValueError, match="no provider"):
        kg.articles(provider="nowhere.example")


def test_article_by_any_spelling_of_any_of_its_urls_or_by_iri(kg):
    a = kg.article(XPENG.replace("https://technode.com", "HTTPS://TechNode.COM:443") + "?utm_campaign=x#top")
    assert a is not None and a.url == XPENG
    assert kg.article(a.iri) is a
    with pytest.raises(LookupError, match="no article"):
        kg.article("https://example.com/absent")


def test_article_by_its_other_url(tmp_path: Path):
    extra = 'originalUrl: "https://origin.example/story"\n'
    write_article(tmp_path, "a.md", _doc("https://web.example/story", "S", "2022-01-01T00:00:00Z", [], extra=extra))
    kg = graph.build([tmp_path])
    assert kg.article("https://ORIGIN.example/story").title == "S"


def test_providers_and_topics_sorted_by_label(kg):
    assert [type(p) for p in kg.providers()] == [Provider] * 4
    assert [p.domain for p in kg.providers()] == [
        "caixinglobal.com",
        "technode.com",
        "techwireasia.com",
        "thetimes.co.uk",
    ]
    assert [(type(t), t.label) for t in kg.topics()] == [(Topic, "AI"), (Topic, "Computer Vision")]


def test_related_goes_both_ways_and_deeper_with_depth(kg):
    times = kg.article(TIMES)
    assert times.stub
    assert [a.url for a in kg.related(times)] == [CAIXIN, XPENG]  # cited by both, newest first
    two = [a.url for a in kg.related(times, depth=2)]
    assert two[:2] == [CAIXIN, XPENG] and len(two) == 3 and TIMES not in two
    assert kg.related(times, depth=0) == []
    with pytest.raises(ValueError, match="names a provider, not an article"):
        kg.related("technode.com")


def test_images_of_an_article_and_logos_of_a_provider(tmp_path: Path, kg):
    images = kg.images(XPENG)
    assert [type(m) for m in images] == [Image] and images[0].width == 1920
    extra = "images:\n  - url: https://img.example/x.png\n"
    doc = _doc("https://a.example/1", "A", "2022-01-01T00:00:00Z", [], extra=extra)
    doc = doc.replace(
        "type: article\n",
        "type: article\nprovider:\n  domain: a.example\n  images:\n    - url: https://a.example/logo.png\n",
    )
    write_article(tmp_path, "a.md", doc)
    g = graph.build([tmp_path])
    assert [m.url for m in g.images("a.example")] == ["https://a.example/logo.png"]
    assert [m.url for m in g.images("https://a.example/1")] == ["https://img.example/x.png"]


# -- analysis ------------------------------------------------------------------------------------------


def test_neighbors_either_way_with_kind_filter(kg):
    around = kg.neighbors(XPENG)
    kinds = [type(r).__name__ for r in around]
    assert kinds == sorted(kinds, key=["Article", "Provider", "Topic", "Image"].index)
    assert {r.iri for r in around} == set(kg.nx.successors(kg.article(XPENG).iri)) | set(
        kg.nx.predecessors(kg.article(XPENG).iri)
    )
    assert [t.label for t in kg.neighbors(XPENG, kind="topic")] == ["AI", "Computer Vision"]
    assert {a.url for a in kg.neighbors("ai", kind="article")} == {CAIXIN, XPENG}
    with pytest.raises(ValueError, match="unknown kind"):
        kg.neighbors(XPENG, kind="person")
    with pytest.raises(ValueError, match="no node"):
        kg.neighbors("nothing at all")


def test_path_between_any_nodes_and_none_when_apart(kg, small):
    path = kg.path("The Times", "AI")
    assert path[0].label == "The Times" and path[-1].label == "AI" and len(path) == 4
    assert kg.path(XPENG, XPENG) == [kg.article(XPENG)]
    assert small.path("https://d.example/4", "https://e.example/5") is None


def test_central_by_degree_pagerank_and_betweenness(kg, small):
    by_degree = kg.central("provider", by="degree")
    assert [(p.domain, s) for p, s in by_degree][:1] == [("caixinglobal.com", 1.0)]
    ranks = kg.central(kind=None, k=100)
    assert len(ranks) == kg.nx.number_of_nodes()
    assert sum(s for _, s in ranks) == pytest.approx(1.0)
    assert [s for _, s in ranks] == sorted((s for _, s in ranks), reverse=True)
    assert [t.label for t, _ in small.central("topic", k=1)] == ["Y"]  # three articles are about Y
    between = small.central("article", by="betweenness", k=2)
    assert [a.title for a, _ in between][0] in {"A", "B"}
    with pytest.raises(ValueError, match="unknown centrality"):
        kg.central(by="fame")


def test_communities_cover_every_node_once(small):
    groups = small.communities()
    members = [r.iri for g in groups for r in g]
    assert sorted(members) == sorted(small.nx.nodes) and len(members) == len(set(members))
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    assert small.communities() == groups  # a fixed seed: the same answer every time
    assert all(isinstance(r, Article) for g in small.communities(kind="article") for r in g)


def test_co_topics_count_articles_carrying_both(small):
    pairs = [(a.label, b.label, n) for a, b, n in small.co_topics()]
    assert pairs == [("X", "Y", 2), ("X", "Z", 1), ("Y", "Z", 1)]


def test_timeline_fills_empty_periods(small):
    assert small.timeline() == {dt.date(2022, 1, 1): 2, dt.date(2022, 2, 1): 0, dt.date(2022, 3, 1): 3}
    weeks = small.timeline("week")
    assert next(iter(weeks)) == dt.date(2022, 1, 3) and all(d.weekday() == 0 for d in weeks)
    assert sum(weeks.values()) == 5
    assert small.timeline("year") == {dt.date(2022, 1, 1): 5}
    with pytest.raises(ValueError, match="unknown period"):
        small.timeline("fortnight")


def test_subgraph_is_a_knowledge_graph_equal_to_the_networkx_subgraph(kg):
    sub = kg.subgraph(topic="computer vision")
    assert isinstance(sub, graph.KnowledgeGraph)
    expected = kg.nx.subgraph(sub.nx.nodes)
    assert sorted(sub.nx.edges(keys=True)) == sorted(expected.edges(keys=True))
    assert {a.url for a in sub.articles()} == {CAIXIN, XPENG}
    around = kg.subgraph(around=TIMES, depth=1)
    assert around.article(TIMES) is not None and len(around.articles()) == 3
    small = kg.subgraph(max_nodes=4)
    assert small.nx.number_of_nodes() == 4 and "left out 10" in small.note
    assert kg.subgraph().note is None and kg.subgraph().counts() == kg.counts()


def test_to_networkx_and_to_rdflib_are_new_objects(kg):
    g = kg.to_networkx()
    g.remove_node(kg.article(XPENG).iri)
    assert kg.article(XPENG).iri in kg.nx
    r = kg.to_rdflib()
    assert r is not kg.rdf and len(r) == len(kg.rdf)


def test_stats_counts_tops_and_span(kg):
    s = kg.stats()
    assert (s["articles"], s["providers"], s["topics"], s["images"], s["edges"]) == (4, 4, 2, 4, 16)
    assert s["top topics"] == [("AI", 2), ("Computer Vision", 2)]
    assert len(s["top providers"]) == 4 and all(n == 1 for _, n in s["top providers"])
    assert (s["first"], s["last"]) == (
        dt.datetime(2021, 12, 13, 9, 30, tzinfo=dt.UTC),
        dt.datetime(2021, 12, 15, 12, 20, tzinfo=dt.UTC),
    )
    assert kg.stats(top=1)["top topics"] == [("AI", 2)]


# -- SPARQL --------------------------------------------------------------------------------------------


def test_sparql_rows_hold_python_values(kg):
    rows = kg.sparql(
        "SELECT ?title ?date ?quality ?published WHERE { ?a schema:headline ?title ; schema:datePublished ?date ;"
        " ng:quality ?quality ; ng:published ?published } ORDER BY ?date"
    )
    assert rows.columns == ("title", "date", "quality", "published")
    assert [r.quality for r in rows] == [59, 39]
    first = rows[0]
    assert first["date"] == dt.datetime(2021, 12, 15, 8, 27, tzinfo=dt.UTC) and first.published is False
    assert first.asdict()["title"].startswith("Xpeng")


def test_sparql_binds_the_common_prefixes_and_lets_a_query_declare_its_own(kg):
    for prefix in ("schema", "skos", "rdf", "rdfs", "xsd", "dcterms", "prov", "ng"):
        assert kg.sparql(f"ASK {{ OPTIONAL {{ ?s {prefix}:x ?o }} }}") is True
    rows = kg.sparql("PREFIX s: <https://schema.org/> SELECT ?t WHERE { ?a s:headline ?t } ORDER BY ?t LIMIT 1")
    assert rows[0].t.startswith("Carmaker")


def test_sparql_ask_construct_unbound_and_errors(kg):
    assert kg.sparql("ASK { ?t skos:prefLabel 'Computer Vision' }") is True
    triples = kg.sparql("CONSTRUCT { ?a schema:name ?t } WHERE { ?a schema:headline ?t }")
    assert triples.columns == ("subject", "predicate", "object") and len(triples) == 4
    rows = kg.sparql("SELECT ?a ?nothing WHERE { ?a a schema:NewsArticle OPTIONAL { ?a ng:nope ?nothing } }")
    assert len(rows) == 4 and all(r.nothing is None for r in rows)
    with pytest.raises(ValueError, match="SPARQL syntax error"):
        kg.sparql("SELECT WHERE {")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> graph.KnowledgeGraph:
    out = tmp_path_factory.mktemp("gen") / "corpus"
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", "150", "--out", str(out)], check=True)
    return graph.build([out])


def test_articles_select_exactly_what_newsgraph_view_selects(generated):
    from graph.model.select import select

    kg = generated
    topic = kg.stats(top=1)["top topics"][0][0]
    provider = kg.providers()[0]
    dates = sorted(a.date_published for a in kg.corpus.articles.values() if a.date_published)
    middle = dates[len(dates) // 2]
    cases = [
        {"topic": topic.upper()},
        {"provider": provider.domain},
        {"provider": provider.label, "since": middle.date()},
        {"since": middle.strftime("%Y-%m"), "until": str(dates[-1].year)},
        {"topic": topic, "until": middle},
    ]
    for selectors in cases:
        chosen = select(kg.nx, **selectors).nodes
        expected = {n for n in chosen if kg.nx.nodes[n]["kind"] == "article"}
        assert {a.iri for a in kg.articles(**selectors)} == expected, selectors


def test_python_api_and_sparql_agree_on_a_generated_corpus(generated):
    kg = generated
    topic = kg.stats(top=1)["top topics"][0][0]
    rows = kg.sparql(f'SELECT ?a WHERE {{ ?a schema:about/skos:prefLabel "{topic}" }}')
    assert {a.iri for a in kg.articles(topic=topic)} == {r.a for r in rows}
    hop = "(dcterms:relation|^dcterms:relation)"
    for a in [a for a in kg.corpus.articles.values() if a.related][:10]:
        rows = kg.sparql(f"SELECT DISTINCT ?b WHERE {{ <{a.iri}> {hop}/{hop}? ?b FILTER(?b != <{a.iri}>) }}")
        assert {r.iri for r in kg.related(a, depth=2)} == {r.b for r in rows}
    n = kg.sparql("SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }")[0].n
    assert n == len(kg.articles()) == kg.stats()["articles"]


def test_subgraph_around_an_article_record(kg):
    article = kg.articles()[0]
    sub = kg.subgraph(around=article)
    assert article.iri in sub.corpus.articles
    assert sub.nx.number_of_nodes() == len(kg.subgraph(around=article.url).nx)
    assert kg.subgraph(around=article.title.upper()).nx.number_of_nodes() == sub.nx.number_of_nodes()


def test_every_method_that_takes_a_node_takes_a_record_iri_url_or_label(kg):
    article, ai = kg.article(XPENG), kg.topics()[0]
    for form in (article, article.iri, XPENG.replace("https://", "HTTPS://") + "#x", article.title.casefold()):
        assert kg.article(form) == article
        assert kg.related(form) == kg.related(article)
        assert kg.path(form, "AI") == kg.path(article, ai)
    for form in (ai, ai.iri, " ai "):
        assert kg.articles(topic=form) == kg.articles(topic="AI")
    for wrong in (ai, "no such thing"):  # a topic is not an article; an unknown name says so
        with pytest.raises(LookupError):
            kg.article(wrong)


# -- issue 21: one or many, shared filters, tables, readable errors, hubs, named communities -------------


@pytest.fixture(scope="module")
def wired(tmp_path_factory: pytest.TempPathFactory) -> graph.KnowledgeGraph:
    """60 articles, all about "News" (a hub), article i also about T<i> and T<i+1>: a chain of specific topics.

    Articles 0-29 are published by robots.example and about Robots, 30-59 by food.example and about Cooking.
    """
    d = tmp_path_factory.mktemp("wired")
    for i in range(60):
        side, site = ("Robots", "robots.example") if i < 30 else ("Cooking", "food.example")
        extra = f'excerpt: "Part {i} of the {side.upper()} story"\n'
        write_article(
            d,
            f"{i:02d}.md",
            _doc(
                f"https://{site}/{i}",
                f"Story {i}",
                f"2022-0{1 + i // 10}-{1 + i % 10:02d}T10:00:00Z",
                ["News", side, f"T{i}", f"T{i + 1}"],
                provider=site,
                extra=extra,
            ),
        )
    return graph.build([d])


def test_topic_and_provider_take_one_or_many(wired):
    robots, cooking = wired.articles(topic="Robots"), wired.articles(topic="cooking")
    both = wired.articles(topic=["Robots", wired.topics()[0]])  # topics()[0] is Cooking
    assert len(robots) == len(cooking) == 30 and {a.iri for a in both} == {a.iri for a in robots + cooking}
    assert wired.articles(provider=("robots.example",)) == robots
    assert sum(wired.timeline("year", topic=["robots", "COOKING"]).values()) == 60
    with pytest.raises(ValueError, match="non-empty"):
        wired.articles(topic=[])


def test_articles_and_timeline_share_their_filters(wired):
    cases = [
        {"topic": "T3"},
        {"provider": "food.example", "since": "2022-02"},
        {"until": "2022-01-05", "kind": "ARTICLE"},
        {"text": "story 1"},  # the headline: Story 1, Story 10..19
        {"text": "cooking STORY"},  # the abstract only
        {"topic": ["T1", "T59"], "text": "robots"},
    ]
    for filters in cases:
        found = wired.articles(**filters)
        per_month = wired.timeline("month", **filters)
        assert sum(per_month.values()) == len(found) > 0, filters
    assert [a.title for a in wired.articles(text="story 1", until="2022-01-31")] == ["Story 1"]
    assert len(wired.articles(text="cooking story")) == 30
    assert wired.articles(kind="video") == [] and wired.timeline(kind="video") == {}


def test_result_sets_are_lists_and_tables(wired):
    found = wired.articles(topic="T3")
    assert isinstance(found, list) and [a.title for a in found] == ["Story 3", "Story 2"]
    assert found.columns == ("title", "published", "provider", "topics", "type", "url", "iri")
    first = found.rows()[0]
    assert first[0] == "Story 3" and first[2] == "robots.example" and "News" in first[3]
    html = found._repr_html_()
    assert html.count("<tr>") == 3 and "<th>title</th>" in html and "Story 3" in html
    assert wired.topics().columns == ("label", "iri") and wired.providers().rows()[0][1] == "food.example"
    assert wired.path("Story 0", "Story 2").columns == ("kind", "label", "iri")
    assert wired.timeline("month").rows()[0] == (dt.date(2022, 1, 1), 10)
    assert wired.central("topic", top=1, by="degree").rows()[0][:3] == ("topic", "News", 60.0)
    assert "<b>KnowledgeGraph</b>: 60 articles" in wired._repr_html_() and "News (60)" in wired._repr_html_()


def test_tables_escape_what_the_feed_wrote(tmp_path: Path):
    write_article(tmp_path, "a.md", _doc("https://x.example/1", "<script>alert(1)</script> & co", "2022-01-01", []))
    html = graph.build([tmp_path]).articles()._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_result_sets_convert_to_pandas_and_polars(wired):
    pandas, polars = pytest.importorskip("pandas"), pytest.importorskip("polars")
    frame = wired.articles(provider="robots.example").to_pandas()
    assert isinstance(frame, pandas.DataFrame) and frame.shape == (30, 7) and frame["title"].iloc[0] == "Story 29"
    rows = wired.sparql("SELECT ?t (COUNT(?a) AS ?n) WHERE { ?a schema:about/skos:prefLabel ?t } GROUP BY ?t")
    pl = rows.to_polars()
    assert isinstance(pl, polars.DataFrame) and pl.columns == ["t", "n"] and pl.height == len(rows) == 64
    assert rows.to_pandas().set_index("t")["n"]["News"] == 60
    assert wired.communities().to_pandas()["size"].sum() == wired.nx.number_of_nodes()


def test_conversion_without_the_extra_says_which_to_install(wired, monkeypatch: pytest.MonkeyPatch):
    from graph.query.results import ExtraNotInstalled

    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ExtraNotInstalled, match=r'pip install "newsgraph\[pandas\]"'):
        wired.articles().to_pandas()
    with pytest.raises(ImportError, match=r'pip install "newsgraph\[polars\]"'):
        wired.sparql("SELECT ?a WHERE { ?a a schema:NewsArticle }").to_polars()


def test_sparql_result_iterates_as_rows_and_knows_its_columns(kg):
    rows = kg.sparql("SELECT ?url ?title WHERE { ?a schema:url ?url ; schema:headline ?title } ORDER BY ?url")
    assert rows.columns == ("url", "title") and len(rows) == 4
    assert [tuple(r) for r in rows] == rows.rows() and rows[0].url == rows[0][0] == rows.rows()[0][0]
    assert "<th>url</th>" in rows._repr_html_()
    assert kg.sparql("ASK { ?a a schema:NewsArticle }") is True


def test_a_sparql_syntax_error_says_what_was_expected_where_with_a_caret(kg):
    from graph.query.sparql import SparqlSyntaxError

    with pytest.raises(SparqlSyntaxError) as e:
        kg.sparql("SELECT ?a WHERE {\n  ?a a schema:NewsArticle .\n  ?a schema:headline ?h\n")
    message = str(e.value)
    first, line, caret = message.split("\n")
    assert first.startswith("SPARQL syntax error at line 4, column 1: expected ")
    assert "[" not in first and "\\u{" not in first  # no grammar dump
    assert (e.value.line, e.value.column) == (4, 1) and caret.strip() == "^"
    with pytest.raises(ValueError, match=r"line 1, column 26: unknown prefix 'schem:'") as e:
        kg.sparql("SELECT ?a WHERE { ?a a   schem:NewsArticle }")
    first, line, caret = str(e.value).split("\n")
    assert line.strip() == "SELECT ?a WHERE { ?a a   schem:NewsArticle }"
    assert caret.index("^") == line.index("schem:") and "predeclared: dcterms" in first


def test_path_avoids_hubs_and_says_which(tmp_path: Path):
    for i in range(60):  # every article about News; article i also about T<i> and T<i+1>: a chain
        topics = ["News", f"T{i}", f"T{i + 1}"]
        write_article(tmp_path, f"{i:02d}.md", _doc(f"https://x.example/{i}", f"Story {i}", "2022-01-01", topics))
    chain = graph.build([tmp_path])
    assert [t.label for t in chain.hubs()] == ["News"]
    plain = chain.path("Story 0", "Story 3", avoid_hubs=False)
    assert [r.label for r in plain] == ["Story 0", "News", "Story 3"] and list(plain.avoided) == []
    around = chain.path("Story 0", "Story 3")
    assert [r.label for r in around] == ["Story 0", "T1", "Story 1", "T2", "Story 2", "T3", "Story 3"]
    assert [r.label for r in around.avoided] == ["News"] and [r.label for r in around.hubs] == ["News"]
    assert [r.label for r in chain.path("News", "Story 5")] == ["News", "Story 5"]  # a hub at an end is fine


def test_hubs_are_far_above_the_rest_of_their_kind(wired):
    # News is on every article, Robots and Cooking on half of them, T<i> on one or two: topics far above the
    # other topics. The two providers publish half each: neither stands out among providers; nor does any article.
    assert [t.label for t in wired.hubs()] == ["News", "Cooking", "Robots"]


def test_path_goes_through_a_hub_when_there_is_no_other_way(tmp_path: Path):
    for i in range(12):
        write_article(tmp_path, f"{i}.md", _doc(f"https://x.example/{i}", f"S{i}", "2022-01-01", ["Hub"]))
    kg = graph.build([tmp_path])
    assert [t.label for t in kg.hubs()] == ["Hub"]
    path = kg.path("S0", "S1")
    assert [r.label for r in path] == ["S0", "Hub", "S1"] and list(path.avoided) == []


def test_hub_threshold_is_robust_to_the_hubs_themselves():
    from graph.query.queries import hub_threshold

    articles = [3] * 1000 + [4] * 500  # the many ordinary nodes set the scale ...
    assert hub_threshold(articles + [1500]) == hub_threshold(articles + [1500] * 5) < 30  # ... not the hubs
    assert hub_threshold([1, 1, 2]) >= 10  # a small graph has no hubs below the floor


def test_communities_have_names_sizes_and_members(wired):
    groups = wired.communities()
    assert sum(c.size for c in groups) == wired.nx.number_of_nodes()
    assert all(c.size == len(c) for c in groups)  # no kind filter: every member listed
    names = [c.name for c in groups]
    assert all(names) and len(set(names)) == len(names)
    robots = [c for c in groups if "Robots" in c.name or "robots.example" in c.name]
    assert robots and all(c.topics or c.providers for c in groups)
    assert [(c.name, c.size, [m.iri for m in c]) for c in wired.communities()] == [
        (c.name, c.size, [m.iri for m in c]) for c in groups
    ]  # a fixed seed: the same every run
    assert wired.communities().columns == ("name", "size", "articles", "topics", "providers")
    assert sum(c.articles for c in groups) == 60


def test_central_ranks_with_top_and_samples_betweenness_on_large_graphs(wired):
    from graph.util.progress import Feedback

    exact = wired.central(kind=None, top=3, by="betweenness")
    out = io.StringIO()
    sampled = wired.central(kind=None, top=3, by="betweenness", exact_up_to=10, feedback=Feedback(stream=out, bar=True))
    assert exact[0][0].label == sampled[0][0].label == "News"
    assert "betweenness" in out.getvalue()  # the progress bar was drawn
    again = wired.central(kind=None, top=3, by="betweenness", exact_up_to=10, feedback=Feedback(level=0))
    assert again == sampled  # a fixed seed
    assert len(wired.central("article", top=5)) == 5 and wired.central(k=2) == wired.central(top=2)


def test_every_public_query_method_has_a_doctest():
    import inspect

    from graph.query.queries import Queries

    methods = [n for n, f in inspect.getmembers(Queries) if not n.startswith("_") and callable(f)]
    assert len(methods) > 15
    missing = [n for n in methods if ">>>" not in (inspect.getdoc(getattr(Queries, n)) or "")]
    assert missing == []


def test_sparql_errors_name_tokens_not_grammar(kg):
    with pytest.raises(ValueError) as e:
        kg.sparql("SELECT ?a WHERE { ?a a schema:NewsArticle")
    first = str(e.value).split("\n")[0]
    assert "expected ',', '.', ';'" in first and '", "' not in first  # quoted commas stay tokens
    with pytest.raises(ValueError, match="expected a full IRI"):
        kg.sparql("SELECT ?x WHERE { ?x a <a> }")
