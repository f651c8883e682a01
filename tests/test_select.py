import datetime as dt

import networkx as nx
import pytest

import graph
from graph.model.select import Selection, select

XPENG = "https://technode.com/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/"


@pytest.fixture(scope="module")
def g() -> nx.MultiDiGraph:
    return graph.build(["seeds"]).nx


def _kinds(g: nx.MultiDiGraph, s: Selection) -> dict[str, int]:
    out: dict[str, int] = {}
    for n in s.nodes:
        out[g.nodes[n]["kind"]] = out.get(g.nodes[n]["kind"], 0) + 1
    return out


def _titles(g: nx.MultiDiGraph, s: Selection) -> list[str]:
    return sorted(g.nodes[n]["label"][:12] for n in s.nodes if g.nodes[n]["kind"] == "article")


def test_no_criteria_selects_everything_in_sorted_order(g):
    s = select(g)
    assert s.nodes == sorted(g.nodes) and s.note is None


def test_topic_matches_label_in_any_case_and_spacing_and_brings_linked_nodes(g):
    s = select(g, topic="  computer   VISION ")
    assert _titles(g, s) == ["Carmaker Xpe", "Xpeng Motors"]
    assert _kinds(g, s) == {"article": 2, "image": 2, "provider": 2, "topic": 2}
    assert select(g, topic="https://newsgraph.example/id/topic/computer%20vision") == s


def test_provider_by_domain_any_spelling_or_by_name(g):
    by_domain = select(g, provider="WWW.TechNode.com")
    assert _titles(g, by_domain) == ["Xpeng Motors"]
    assert select(g, provider="technode") == by_domain
    assert _titles(g, select(g, provider="the times")) == ["Chinese man "]


def test_dates_are_inclusive_and_accept_dates_datetimes_and_text(g):
    assert _titles(g, select(g, since="2021-12-14", until="2021-12-14")) == ["US to shut a"]
    assert _titles(g, select(g, until=dt.date(2021, 12, 13))) == ["Chinese man "]
    assert _titles(g, select(g, since=dt.datetime(2021, 12, 15, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))))) == [
        "Carmaker Xpe",
        "Xpeng Motors",
    ]  # 10:00+02:00 is 08:00Z, before 08:27Z
    assert len(select(g, since="2021-12").nodes) == len(select(g, since="2021").nodes) == len(g)
    s = select(g, since="2022-01-01")
    assert s.nodes == [] and s.note == "no article matches since 2022-01-01"


def test_filters_combine(g):
    assert _titles(g, select(g, topic="ai", until="2021-12-15T10:00:00Z")) == ["Xpeng Motors"]


def test_around_a_url_in_any_spelling_with_depth(g):
    center = graph.build(["seeds"]).corpus.articles
    iri = next(i for i, a in center.items() if a.url == XPENG)
    one = select(g, around="HTTPS://TECHNODE.COM:443" + XPENG[len("https://technode.com") :] + "?utm_source=x#top")
    assert iri in one.nodes and set(one.nodes) == {iri, *nx.all_neighbors(g, iri)}
    assert select(g, around=iri, depth=0).nodes == [iri]
    assert len(select(g, around=iri, depth=3).nodes) > len(one.nodes)


def test_around_keeps_center_under_filters_and_max_nodes(g):
    s = select(g, around=XPENG, depth=2, topic="computer vision", max_nodes=1)
    assert len(s.nodes) == 1 and g.nodes[s.nodes[0]]["url"] == XPENG


def test_max_nodes_keeps_most_connected_with_deterministic_ties_and_says_what_it_left_out(g):
    s = select(g, max_nodes=5)
    degree = dict(g.degree())
    tie = {"topic": 0, "provider": 1, "article": 2, "image": 3}
    ranked = sorted(g, key=lambda n: (-degree[n], tie[g.nodes[n]["kind"]], n))
    assert s.nodes == sorted(ranked[:5])
    assert s.note == "showing the 5 most connected of 14 nodes; left out 9 (4 providers, 1 topic, 4 images)"
    assert select(g, max_nodes=14).note is None
    ten = select(g, max_nodes=10)  # degree ties: providers stay, images go first
    assert ten.note == "showing the 10 most connected of 14 nodes; left out 4 (4 images)"


def test_unknown_names_and_bad_values_are_clear_errors(g):
    with pytest.raises(ValueError, match=r"no topic 'robots' in the graph \(known: 'AI', 'Computer Vision'\)"):
        select(g, topic="robots")
    with pytest.raises(ValueError, match="no provider with domain or name 'nope.com'"):
        select(g, provider="nope.com")
    with pytest.raises(ValueError, match="no node .https://example.com/missing. in the graph"):
        select(g, around="https://example.com/missing")
    with pytest.raises(ValueError, match="since: 'yesterday' is not a date"):
        select(g, since="yesterday")
    with pytest.raises(ValueError, match="is after until"):
        select(g, since="2021-12-15", until="2021-12-14")
    with pytest.raises(ValueError, match="max_nodes"):
        select(g, max_nodes=0)


def test_selection_is_frozen():
    s = Selection(nodes=["a"])
    with pytest.raises(AttributeError):
        s.note = "x"  # type: ignore[misc]


def test_degrees_are_networkx_degrees_in_the_graph_and_within_a_part(g):
    from graph.model.select import degrees

    assert degrees(g) == dict(g.degree)
    part = set(list(g)[::2])
    assert degrees(g, part) == dict(g.subgraph(part).degree)


# -- one resolver for every way of naming a node ------------------------------------------------------

from conftest import write_article  # noqa: E402

from graph.model.resolve import AmbiguousNameError, Resolver, UnknownNameError, name_key  # noqa: E402


@pytest.fixture(scope="module")
def accents(tmp_path_factory: pytest.TempPathFactory) -> graph.KnowledgeGraph:
    """Labels written composed (NFC) in the files; two articles share a title."""
    d = tmp_path_factory.mktemp("accents")
    for i, (title, topic) in enumerate([("Le café", "Café"), ("Le café", "Café"), ("Ökonomie", "Straße")]):
        write_article(
            d,
            f"{i}.md",
            f'---\ntitle: "{title}"\nwebUrl: "https://zeitung.example/{i}"\n'
            f"provider:\n  domain: zeitung.example\n  name: Die Zeitung\ntopics:\n  - {topic}\n---\n",
        )
    return graph.build([d])


def test_every_form_of_a_name_resolves_to_the_same_node(g):
    kg = graph.build(["seeds"])
    c = kg.corpus
    by_graph, by_records = Resolver.of_graph(g), Resolver.of_records(c.articles, c.providers, c.topics, c.images)
    article = kg.article(XPENG)
    forms = [article, article.iri, "HTTPS://TechNode.COM:443" + XPENG[len("https://technode.com") :]]
    forms += [XPENG + "?utm_source=x#top"]
    forms += [f"  {article.title.upper()} "]
    for form in forms:
        assert by_graph.resolve(form) == by_records.resolve(form) == article.iri, form
    provider = kg.providers()[1]
    for form in (provider, provider.iri, "WWW.TechNode.com", "https://technode.com/", "technode"):
        assert by_graph.resolve(form) == by_records.resolve(form) == provider.iri, form
    assert by_graph.resolve("https://technode.com/some/page", "provider") == provider.iri  # a URL on its site
    with pytest.raises(UnknownNameError):
        by_graph.resolve("https://technode.com/some/page")  # but no article: not silently the provider


def test_labels_match_in_any_case_and_unicode_normalisation(accents):
    r = Resolver.of_graph(accents.nx)
    cafe = r.resolve("Café", "topic")
    assert r.resolve("CAFE\u0301", "topic") == r.resolve(" café ", "topic") == cafe  # decomposed, any case
    assert r.resolve("STRASSE", "topic") == r.resolve("straße", "topic")  # case folding, ß = ss
    assert r.resolve("o\u0308konomie", "article") == accents.articles(topic="Straße")[0].iri
    assert name_key("Cafe\u0301") == name_key("café")
    assert [a.title for a in accents.articles(topic="CAFE\u0301")] == ["Le café", "Le café"]
    assert r.resolve("die zeitung") == r.resolve("zeitung.example")


def test_a_label_two_nodes_share_is_ambiguous_and_lists_them(accents):
    with pytest.raises(AmbiguousNameError, match="'Le café' is the label of 2 articles") as e:
        Resolver.of_graph(accents.nx).resolve("Le café")
    assert len(e.value.candidates) == 2 and isinstance(e.value, ValueError) and isinstance(e.value, LookupError)


def test_unknown_names_are_lookup_errors_with_close_matches(g):
    r = Resolver.of_graph(g)
    with pytest.raises(UnknownNameError, match=r"no topic 'Computer Visoin' .*did you mean 'Computer Vision'\?") as e:
        select(g, topic="Computer Visoin")
    assert isinstance(e.value, LookupError) and isinstance(e.value, ValueError)
    assert e.value.suggestions == ("Computer Vision",)
    with pytest.raises(UnknownNameError, match="did you mean 'TechNode'"):
        r.resolve("TecNode", "provider")
    with pytest.raises(UnknownNameError, match="names a topic, not an article"):
        r.resolve("AI", "article")
    with pytest.raises(TypeError, match="not by int 3"):
        r.resolve(3)  # type: ignore[arg-type]


def test_a_record_of_another_graph_or_kind_is_refused(g, accents):
    r = Resolver.of_graph(g)
    with pytest.raises(UnknownNameError, match="no topic .* in the graph"):
        r.resolve(accents.topics()[0])
    with pytest.raises(UnknownNameError, match="names a topic, not a provider"):
        r.resolve(graph.build(["seeds"]).topics()[0], "provider")


def test_around_takes_a_record_or_a_label_and_topics_take_a_list(g):
    kg = graph.build(["seeds"])
    article = kg.article(XPENG)
    assert select(g, around=article) == select(g, around=XPENG) == select(g, around=article.title.lower())
    assert select(g, around="computer vision", depth=1) == select(g, around=kg.topics()[1], depth=1)
    both = select(g, topic=["AI", kg.topics()[1]])  # about either
    either = set(_titles(g, select(g, topic="AI"))) | set(_titles(g, select(g, topic="computer vision")))
    assert set(_titles(g, both)) == either
    assert _titles(g, select(g, provider=["technode.com", "The Times"])) == ["Chinese man ", "Xpeng Motors"]
