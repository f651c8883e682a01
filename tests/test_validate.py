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

    write_article(tmp_path, "a.md", "---\nwebUrl: https://a.example/1\npublishedDateTime: soon\n---\n")
    outcome = validate_graph(graph.build([tmp_path]).rdf)
    assert outcome.conforms and [r.severity for r in outcome.results] == ["Warning"]
    assert outcome.results[0].path == "schema:datePublished" and outcome.results[0].value == "soon"


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
