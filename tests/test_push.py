"""newsgraph push: the exports uploaded to a real Oxigraph server, then queried over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEEDS

import graph
from graph.cli.main import main
from graph.store.push import PushError, push


def _oxigraph() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the Oxigraph server is needed in CI: {why}")
    pytest.skip(why)


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """A fresh Oxigraph server on a free loopback port; yields its base URL."""
    exe = _oxigraph()
    if exe is None:
        _unavailable("the oxigraph command is not installed (pip install oxigraph)")
    port = _free_port()
    log = (tmp_path / "oxigraph.log").open("w")
    server = subprocess.Popen(
        [exe, "serve", "--location", str(tmp_path / "store"), "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    _unavailable(f"oxigraph serve did not start: {(tmp_path / 'oxigraph.log').read_text()}")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _select(url: str, query: str) -> list[dict[str, str]]:
    request = urllib.request.Request(
        f"{url}/query",
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


PREFIXES = "PREFIX schema: <https://schema.org/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "


def test_push_seeds_turtle_to_oxigraph_and_query_it_over_http(oxigraph: str, capsys):
    assert main(["push", "exports/graph.ttl", "--endpoint", f"{oxigraph}/store"]) == 0
    assert "pushed exports/graph.ttl" in capsys.readouterr().out
    rows = _select(oxigraph, PREFIXES + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }")
    assert rows == [{"n": "4"}]
    rows = _select(
        oxigraph,
        PREFIXES + 'SELECT ?a WHERE { ?a a schema:NewsArticle ; schema:about/skos:prefLabel "Computer Vision" }',
    )
    assert len(rows) == 2
    rows = _select(
        oxigraph,
        PREFIXES + "SELECT ?title ?name WHERE { ?a a schema:NewsArticle ; schema:headline ?title ;"
        " schema:publisher/schema:name ?name } ORDER BY ?name",
    )
    kg = graph.build([SEEDS])
    expected = sorted(
        (a.title, kg.corpus.providers[a.provider].name) for a in kg.corpus.articles.values() if a.provider
    )
    assert sorted((r["title"], r["name"]) for r in rows) == expected
    assert sorted(name for _, name in expected) == ["Caixin Global", "TechNode", "The Times", "techwireasia.com"]


def test_push_nquads_keeps_named_graphs_and_graph_option_names_one(oxigraph: str, tmp_path: Path):
    kg = graph.build([SEEDS])
    kg.write(tmp_path, ["nq", "nt"])
    done = push(tmp_path / "graph.nq", f"{oxigraph}/store")
    assert done.status in (200, 201, 204) and done.method == "POST"
    graphs = _select(oxigraph, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert [r["g"] for r in graphs] == [f"{kg.corpus.base}build",
                                        f"{kg.corpus.base}source/000_538a4fffcd099543.txt",
                                        f"{kg.corpus.base}source/001_17b63d52bf50f52a.txt"]  # fmt: skip
    push(tmp_path / "graph.nt", f"{oxigraph}/store", "https://example.org/merged", replace=True)
    rows = _select(oxigraph, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/merged> { ?s ?p ?o } }")
    assert rows == [{"n": str(len(kg.rdf))}]


def test_push_errors_are_clear_and_have_no_traceback(oxigraph: str, tmp_path: Path, capsys):
    port = _free_port()  # nothing listens there
    assert main(["push", "exports/graph.ttl", "--endpoint", f"http://127.0.0.1:{port}/store"]) == 1
    err = capsys.readouterr().err
    assert "connection refused" in err and "Traceback" not in err
    (tmp_path / "bad.ttl").write_text("this is not turtle", encoding="utf-8")
    assert main(["push", str(tmp_path / "bad.ttl"), "--endpoint", f"{oxigraph}/store"]) == 1
    err = capsys.readouterr().err
    assert "answered HTTP 400" in err and "Traceback" not in err
    with pytest.raises(PushError, match="names its own graphs"):
        push(tmp_path / "graph.nq", f"{oxigraph}/store", "https://example.org/g")
    with pytest.raises(PushError, match="cannot push a .graphml file"):
        push(tmp_path / "graph.graphml", f"{oxigraph}/store")
