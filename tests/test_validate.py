"""newsgraph validate: the shipped SHACL shapes, run by pySHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from conftest import SEEDS

import graph
from graph.cli.main import main
from graph.formats.validate import shapes, validate, validate_graph

S = rdflib.Namespace("https://schema.org/")


@pytest.mark.parametrize("fmt", ["ttl", "nq"])
def test_seeds_and_samples_exports_conform(tmp_path: Path, samples: Path, fmt: str):
    graph.build([SEEDS, samples]).write(tmp_path, [fmt])
    outcome = validate(tmp_path / f"graph.{fmt}")
    assert outcome.conforms and outcome.results == (), outcome.results[:3]


def test_a_broken_triple_is_a_named_violation(tmp_path: Path, capsys):
    g = graph.build([SEEDS]).rdf
    article = sorted(g.subjects(rdflib.RDF.type, S.NewsArticle))[0]
    publisher = g.value(article, S.publisher)
    g.remove((publisher, rdflib.RDF.type, S.Organization))  # the publisher is no longer an Organization
    g.remove((article, S.url, None))  # and the article has no URL
    g.serialize(tmp_path / "broken.ttl", format="turtle")
    outcome = validate(tmp_path / "broken.ttl")
    assert not outcome.conforms
    found = {(r.focus, r.path) for r in outcome.violations}
    assert found >= {(str(article), "schema:publisher"), (str(article), "schema:url")}
    assert main(["validate", str(tmp_path / "broken.ttl")]) == 1
    out = capsys.readouterr().out
    assert f"Violation: <{article}> schema:url: an article has exactly one schema:url" in out
    assert "does not conform" in out


def test_a_value_kept_as_text_is_a_warning_not_a_violation(tmp_path: Path):
    from conftest import write_article

    write_article(
        tmp_path,
        "a.md",
        "---\nwebUrl: https://a.example/1\ntitle: T\nprovider: {domain: a.example}\npublishedDateTime: soon\n---\n",
    )
    outcome = validate_graph(graph.build([tmp_path]).rdf)
    assert outcome.conforms and [r.severity for r in outcome.results] == ["Warning"]
    assert outcome.results[0].path == "schema:datePublished" and outcome.results[0].value == "soon"


def test_a_full_article_without_headline_date_or_publisher_is_warned_and_a_stub_is_not(tmp_path: Path):
    from conftest import write_article

    write_article(
        tmp_path, "a.md", "---\nwebUrl: https://a.example/1\nrelated:\n  - webUrl: https://b.example/2\n---\n"
    )
    kg = graph.build([tmp_path])
    outcome = validate_graph(kg.rdf)
    full = next(a.iri for a in kg.corpus.articles.values() if not a.stub)
    assert outcome.conforms
    assert [(r.severity, r.focus, r.path) for r in outcome.results] == [
        ("Warning", full, "schema:datePublished"),
        ("Warning", full, "schema:headline"),
        ("Warning", full, "schema:publisher"),
    ]
    assert outcome.results[1].message == "a full article has a headline (the feed gave it no title)"
    g = kg.to_rdflib()  # and without a URL, a full article breaks the structure
    g.remove((rdflib.URIRef(full), S.url, None))
    assert {(r.focus, r.path) for r in validate_graph(g).violations} == {(full, "schema:url")}


def test_a_full_article_of_a_json_page_is_held_to_the_same_shape(tmp_path: Path):
    (tmp_path / "index.json").write_text(
        '{"page": 1, "value": [{"webUrl": "https://a.example/1", "title": "T"}]}', encoding="utf-8"
    )
    kg = graph.build([tmp_path])
    paths = {(r.path, r.message.split(" (")[0]) for r in validate_graph(kg.rdf).results}
    assert paths == {
        ("schema:datePublished", "a full article has a schema:datePublished"),
        ("schema:publisher", "a full article has a schema:publisher"),
    }


def test_language_tagged_text_is_accepted_where_text_is_expected():
    kg = graph.build([SEEDS])
    g = kg.to_rdflib()
    article = sorted(g.subjects(rdflib.RDF.type, S.NewsArticle))[0]
    topic = g.value(article, S.about)
    provider = g.value(article, S.publisher)
    for node, p in ((article, S.headline), (article, S.abstract), (topic, rdflib.SKOS.prefLabel), (provider, S.name)):
        value = g.value(node, p)
        g.remove((node, p, None))
        g.add((node, p, rdflib.Literal(str(value), lang="en")))
    outcome = validate_graph(g)
    assert outcome.conforms and outcome.results == ()
    g.add((article, S.headline, rdflib.Literal(5)))  # still refused: a number is not text (and two headlines)
    assert {r.path for r in validate_graph(g).results} == {"schema:headline"}


def _disagreeing(folder: Path) -> Path:
    from conftest import write_article

    write_article(folder, "full.md", "---\nwebUrl: https://a.example/1\ntitle: The real title\nquality: 5\n---\n")
    write_article(
        folder,
        "other.md",
        "---\nwebUrl: https://b.example/2\nrelated:\n"
        "  - {webUrl: 'https://a.example/1', title: A stub title, quality: 7}\n---\n",
    )
    write_article(
        folder,
        "third.md",
        "---\nwebUrl: https://c.example/3\nrelated:\n  - {webUrl: 'https://a.example/1', title: A stub title}\n---\n",
    )
    return folder


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_validate_a_dataset_lists_per_article_the_documents_that_disagree(tmp_path: Path, capsys, fmt: str):
    kg = graph.build([_disagreeing(tmp_path / "in")])
    kg.write(tmp_path, [fmt])
    article = next(a.iri for a in kg.corpus.articles.values() if a.url == "https://a.example/1")
    outcome = validate(tmp_path / f"graph.{fmt}")
    assert [str(d) for d in outcome.disagreements] == [
        f'Disagreement: <{article}> ng:quality: "5"^^xsd:integer (full.md) kept over "7"^^xsd:integer (other.md)',
        f'Disagreement: <{article}> schema:headline: "The real title" (full.md) kept over '
        '"A stub title" (other.md, third.md)',
    ]
    assert main(["validate", str(tmp_path / f"graph.{fmt}")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-3:-1] == [str(d) for d in outcome.disagreements]  # after the findings, before the verdict
    assert out[-1].endswith(
        f"conforms to the newsgraph shapes: 0 violations, {len(out) - 3} warnings;"
        " files disagree on 2 values of 1 nodes"
    )


def test_validate_the_merged_graph_lists_the_values_that_lost_without_documents(tmp_path: Path):
    kg = graph.build([_disagreeing(tmp_path / "in")])
    kg.write(tmp_path, ["ttl"])
    article = next(a.iri for a in kg.corpus.articles.values() if a.url == "https://a.example/1")
    assert [str(d) for d in validate(tmp_path / "graph.ttl").disagreements][1] == (
        f'Disagreement: <{article}> schema:headline: "The real title" kept over "A stub title"'
    )


def test_validate_command_defaults_to_exports_and_exits_0(capsys):
    assert main(["validate"]) == 0
    assert "exports/graph.ttl conforms" in capsys.readouterr().out


def test_validate_missing_file_is_a_usage_error(tmp_path: Path, capsys):
    assert main(["validate", str(tmp_path / "nope.ttl")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err


def test_shapes_ship_in_the_package():
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = set(shapes().objects(None, sh.targetClass))
    assert {S.NewsArticle, S.ImageObject, rdflib.SKOS.Concept} <= targets
    # providers: what articles name as publisher (a site's company item is an Organization, not a provider)
    assert S.publisher in set(shapes().objects(None, sh.targetObjectsOf))
