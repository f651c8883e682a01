from pathlib import Path

import pytest

import graph
from graph.store.embedded import write_store

XPENG = "https://technode.com/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/"


@pytest.fixture(scope="module")
def built() -> graph.KnowledgeGraph:
    return graph.build(["seeds"])


@pytest.fixture(scope="module")
def opened(built: graph.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> graph.KnowledgeGraph:
    return graph.open(write_store(built, tmp_path_factory.mktemp("kg") / "store"))


def test_open_answers_sparql_from_the_store_before_reading_any_record(opened):
    assert "corpus" not in vars(opened)  # records not read back yet
    assert opened.sparql("SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }")[0].n == 4
    assert opened.stats()["articles"] == 4  # computed in the store
    assert "corpus" not in vars(opened)


def test_open_gives_the_same_answers_as_the_build(built, opened):
    assert repr(opened) == repr(built) and opened.counts() == built.counts()
    assert [a.iri for a in opened.articles()] == [a.iri for a in built.articles()]
    assert opened.article(XPENG).title == built.article(XPENG).title
    assert [a.iri for a in opened.related(XPENG, depth=2)] == [a.iri for a in built.related(XPENG, depth=2)]
    assert opened.stats() == built.stats()
    assert opened.co_topics() == built.co_topics() and opened.timeline("day") == built.timeline("day")
    assert sorted(opened.nx.edges(keys=True)) == sorted(built.nx.edges(keys=True))
    assert opened.subgraph(topic="AI").counts() == built.subgraph(topic="AI").counts()


def test_open_a_folder_that_is_no_store_names_it(tmp_path: Path):
    with pytest.raises(ValueError, match="no such store"):
        graph.open(tmp_path / "nothing")
