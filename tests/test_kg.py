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


# -- graph.open answers the first questions from the store (issue 18) --------------------------------------------


@pytest.fixture(scope="module")
def samples_store(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[graph.KnowledgeGraph, Path]:
    kg = graph.build(["seeds", samples])
    return kg, write_store(kg, tmp_path_factory.mktemp("kg") / "store")


def _questions(kg: graph.KnowledgeGraph) -> list[object]:
    return [
        kg.topics(),
        kg.providers(),
        kg.articles(topic="AI"),
        kg.articles(topic=["computer vision", "AI in Robotics"], since="2021-06"),
        kg.articles(provider="techcrunch.com"),
        kg.articles(topic="ai", provider="VentureBeat", text="facial"),
        kg.timeline("month", topic="AI"),
    ]


def test_open_answers_the_first_questions_from_the_store_without_reading_the_records(samples_store):
    built, path = samples_store
    opened = graph.open(path)
    answers = _questions(opened)
    assert repr(opened) == repr(built) and opened.counts() == built.counts()
    tables = [a.rows() for a in answers[:6]]  # tables show labels: from the store too
    assert "corpus" not in vars(opened) and "nx" not in vars(opened)
    read = graph.open(path)
    read.corpus  # noqa: B018  the records read back: the answers the store gave before
    assert _questions(read) == answers and [a.rows() for a in _questions(read)[:6]] == tables
    for mine, theirs in zip(answers, _questions(built), strict=True):  # and the build's nodes, in its order
        assert [getattr(r, "iri", r) for r in mine] == [getattr(r, "iri", r) for r in theirs]
    assert len(answers[2]) > 20 and answers[5]


def test_open_says_which_name_it_does_not_know_as_the_build_does(samples_store):
    from graph.model.resolve import UnknownNameError

    opened = graph.open(samples_store[1])
    with pytest.raises(UnknownNameError, match="no topic"):
        opened.articles(topic="no such topic")
    assert [a.iri for a in opened.articles(topic="https://newsgraph.example/id/topic/ai")] == [
        a.iri for a in samples_store[0].articles(topic="AI")
    ]


def test_open_reads_the_paths_of_odd_file_names_as_the_whole_store_does(tmp_path: Path):
    import os

    from conftest import write_article

    folder = tmp_path / "in"
    for i, name in enumerate(["a b%20c é.md", "x\udcff.md", "per%cent.md"]):
        write_article(folder, name, f"---\nwebUrl: https://a.example/{i}\ntitle: T{i}\ntopics: [AI]\n---\n")
    assert len(os.listdir(folder)) == 3
    built = graph.build([folder])
    path = write_store(built, tmp_path / "store")
    opened, read = graph.open(path), graph.open(path)
    read.corpus  # noqa: B018
    assert opened.articles(topic="AI") == read.articles(topic="AI")
    names = sorted(s for a in opened.articles(topic="AI") for s in a.sources)
    assert names == sorted(f.source for f in built.corpus.files) and "a b%20c é.md" in names
