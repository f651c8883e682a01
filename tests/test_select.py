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
    with pytest.raises(ValueError, match="no article with URL"):
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
