"""newsgraph push: exports uploaded to real stores (Oxigraph, Virtuoso) and queried; a push against misbehaving
HTTP servers (credentials, redirects, a dripping server, hostile error pages, TLS)."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from http_fakes import Seen, reply, serve
from stores import Store, free_port

import graph
from graph.cli.main import main
from graph.store.push import PushError, push

PREFIXES = "PREFIX schema: <https://schema.org/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
NT = {"Content-Type": "text/plain"}


@pytest.fixture(scope="module")
def seeds_exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[graph.KnowledgeGraph, Path]:
    out = tmp_path_factory.mktemp("seeds-exports")
    kg = graph.build([SEEDS])
    kg.write(out, ["ttl", "nt", "nq", "trig"])
    return kg, out


# -- real stores --------------------------------------------------------------------------------------------------


def test_push_turtle_into_a_named_graph_and_query_it(store: Store, seeds_exports, capsys):
    kg, out = seeds_exports
    g = "https://example.org/seeds"
    assert main(["push", str(out / "graph.ttl"), "--endpoint", store.endpoint, "--graph", g]) == 0
    printed = capsys.readouterr().out
    assert f"pushed {out / 'graph.ttl'}" in printed and "dba" not in printed
    rows = store.select(
        PREFIXES + f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH <{g}> {{ ?a a schema:NewsArticle }} }}"
    )
    assert rows == [{"n": "4"}]
    rows = store.select(
        PREFIXES + f"SELECT ?a WHERE {{ GRAPH <{g}> {{ ?a a schema:NewsArticle ;"
        ' schema:about/skos:prefLabel "Computer Vision" } }'
    )
    assert len(rows) == 2
    rows = store.select(
        PREFIXES + f"SELECT ?title ?name WHERE {{ GRAPH <{g}> {{ ?a a schema:NewsArticle ; schema:headline ?title ;"
        " schema:publisher/schema:name ?name } } ORDER BY ?name"
    )
    expected = sorted(
        (a.title, kg.corpus.providers[a.provider].name) for a in kg.corpus.articles.values() if a.provider
    )
    assert sorted((r["title"], r["name"]) for r in rows) == expected
    assert sorted(name for _, name in expected) == ["Caixin Global", "TechNode", "The Times", "techwireasia.com"]


def test_push_turtle_into_oxigraphs_default_graph(oxigraph_server: Store, seeds_exports):
    oxigraph_server.reset()
    _, out = seeds_exports
    assert main(["push", str(out / "graph.ttl"), "--endpoint", oxigraph_server.gsp]) == 0
    rows = oxigraph_server.select(PREFIXES + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }")
    assert rows == [{"n": "4"}]
    oxigraph_server.reset()


@pytest.mark.parametrize("ext", ["nq", "trig"])
def test_push_dataset_keeps_named_graphs_and_graph_option_names_one(store: Store, seeds_exports, ext: str, capsys):
    kg, out = seeds_exports
    done = push(out / f"graph.{ext}", store.endpoint)
    assert done.method == "POST" and done.graphs == 3 and done.status in (200, 201, 204)
    sources = [f"{kg.corpus.base}source/000_538a4fffcd099543.txt", f"{kg.corpus.base}source/001_17b63d52bf50f52a.txt"]
    assert sorted(store.graphs()) == [f"{kg.corpus.base}build", *sources]  # the build's graph: the scheme, prov
    for name in [f"{kg.corpus.base}build", *sources]:  # each graph holds what the file says of it
        assert store.read(name) == _file_graph(out / "graph.nq", name)
    push(out / "graph.nt", store.endpoint, "https://example.org/merged", replace=True)
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/merged> { ?s ?p ?o } }")
    assert rows == [{"n": str(len(kg.rdf))}]


def test_push_dataset_says_default_graph_statements_were_not_pushed(store: Store, seeds_exports, tmp_path, capsys):
    _, out = seeds_exports
    assert _file_graph(out / "graph.nq", None) == set()  # newsgraph's own datasets have nothing there
    # A dataset of another tool (or of an older newsgraph) with statements in its default graph:
    old = tmp_path / "old.nq"
    extra = '<https://other.example/s> <https://other.example/p> "in the default graph" .\n'
    old.write_text(extra + (out / "graph.nq").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["push", str(old), "--endpoint", store.endpoint]) == 0
    captured = capsys.readouterr()
    assert "in 3 graphs" in captured.out
    assert captured.err == (
        "newsgraph: 1 statements in the default graph were not pushed: only named graphs are written to a store\n"
    )


def test_replace_with_a_dataset_replaces_its_graphs_and_leaves_foreign_graphs_alone(store: Store, seeds_exports):
    kg, out = seeds_exports
    source = f"{kg.corpus.base}source/000_538a4fffcd099543.txt"
    foreign = {'<https://other.example/s> <https://other.example/p> "kept"'}
    store.put("https://other.example/graph", foreign)
    stale = {f'<{source}> <https://other.example/p> "stale"'}
    store.put(source, stale)
    done = push(out / "graph.nq", store.endpoint, replace=True)
    assert done.method == "PUT" and done.graphs == 3
    assert store.read("https://other.example/graph") == foreign
    assert store.read(source) == _file_graph(out / "graph.nq", source)  # replaced: the stale statement is gone
    if store.name == "oxigraph":  # Virtuoso's Graph Store endpoint has no default graph
        assert store.read(None) == set()


def test_push_errors_are_clear_and_have_no_traceback(oxigraph_server: Store, tmp_path: Path, capsys):
    port = free_port()  # nothing listens there
    assert main(["push", "exports/graph.ttl", "--endpoint", f"http://127.0.0.1:{port}/store"]) == 1
    err = capsys.readouterr().err
    assert "connection refused" in err and "Traceback" not in err
    (tmp_path / "bad.ttl").write_text("this is not turtle", encoding="utf-8")
    assert main(["push", str(tmp_path / "bad.ttl"), "--endpoint", oxigraph_server.gsp]) == 1
    err = capsys.readouterr().err
    assert "answered HTTP 400" in err and "Traceback" not in err
    with pytest.raises(PushError, match="names its own graphs"):
        push(tmp_path / "graph.nq", oxigraph_server.gsp, "https://example.org/g")
    with pytest.raises(PushError, match="cannot push a .graphml file"):
        push(tmp_path / "graph.graphml", oxigraph_server.gsp)
    assert main(["push", "exports/graph.ttl", "--endpoint", "ftp://me:hunter2@store.example/x"]) == 1
    assert capsys.readouterr().err == (
        "newsgraph: error: the endpoint must be an http(s) URL, like http://localhost:7878/store: "
        "'ftp://store.example/x'\n"
    )


def test_virtuoso_without_credentials_says_it_needs_them(virtuoso_server: Store, seeds_exports, capsys):
    _, out = seeds_exports
    assert main(["push", str(out / "graph.nq"), "--endpoint", virtuoso_server.gsp]) == 1
    err = capsys.readouterr().err
    assert "answered HTTP 401" in err and "it needs credentials" in err


def test_virtuoso_digest_with_user_flag_and_password_from_environment(
    virtuoso_server: Store, seeds_exports, monkeypatch, capsys
):
    virtuoso_server.reset()
    _, out = seeds_exports
    monkeypatch.setenv("NEWSGRAPH_PASSWORD", "dba")
    assert main(["push", str(out / "graph.nq"), "--endpoint", virtuoso_server.gsp, "--user", "dba"]) == 0
    assert len(virtuoso_server.graphs()) == 3  # the build's graph and the two files'
    monkeypatch.setenv("NEWSGRAPH_PASSWORD", "not-the-password")
    assert main(["push", str(out / "graph.nq"), "--endpoint", virtuoso_server.gsp, "--user", "dba"]) == 1
    err = capsys.readouterr().err
    assert "refused the credentials of user 'dba'" in err and "not-the-password" not in err
    virtuoso_server.reset()


def _file_graph(path: Path, name: str | None) -> set[str]:
    import pyoxigraph

    want = pyoxigraph.DefaultGraph() if name is None else pyoxigraph.NamedNode(name)
    return {str(q.triple) for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS)
            if q.graph_name == want}  # fmt: skip


# -- credentials ----------------------------------------------------------------------------------------------------


def _basic(user: str, password: str):
    token = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def answer(h, seen: Seen) -> None:
        if seen.headers.get("Authorization") != token:
            reply(h, 401, {"WWW-Authenticate": 'Basic realm="store"', **NT}, b"who are you?")
        else:
            reply(h, 201)

    return answer


def test_credentials_in_the_endpoint_url_answer_basic_and_are_never_printed(capsys):
    with serve(_basic("alice", "s3cr:et")) as fake:
        port = fake.url.rsplit(":", 1)[1]
        endpoint = f"http://alice:s3cr%3Aet@127.0.0.1:{port}/store"
        assert main(["push", "exports/graph.ttl", "--endpoint", endpoint]) == 0
    out = capsys.readouterr().out
    assert out.startswith("pushed exports/graph.ttl (") and f"to http://127.0.0.1:{port}/store?default with POST" in out
    assert "s3cr" not in out and "alice" not in out
    first, second = fake.requests
    assert (first.method, "Authorization" in first.headers) == ("HEAD", False)  # asked how, without the body
    assert second.headers["Authorization"] == "Basic " + base64.b64encode(b"alice:s3cr:et").decode()
    assert second.body == Path("exports/graph.ttl").read_bytes()


def test_user_flag_takes_the_password_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("NEWSGRAPH_PASSWORD", "from-env")
    with serve(_basic("bob", "from-env")) as fake:
        assert main(["push", "exports/graph.ttl", "--endpoint", f"{fake.url}/store", "--user", "bob"]) == 0
    assert "from-env" not in capsys.readouterr().out


def test_user_flag_without_a_password_and_no_terminal_is_a_usage_error(monkeypatch, capsys):
    monkeypatch.delenv("NEWSGRAPH_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    assert main(["push", "exports/graph.ttl", "--endpoint", "http://127.0.0.1:9/store", "--user", "bob"]) == 2
    assert "the password of 'bob' goes in $NEWSGRAPH_PASSWORD" in capsys.readouterr().err


def test_wrong_password_is_refused_in_one_line_without_showing_it(capsys):
    with serve(_basic("alice", "right")) as fake:
        endpoint = fake.url.replace("http://", "http://alice:wrong-one@") + "/store"
        assert main(["push", "exports/graph.ttl", "--endpoint", endpoint]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"newsgraph: error: the store at {fake.url}/store?default answered HTTP 401 Unauthorized: "
        "it refused the credentials of user 'alice'\n"
    )
    assert [r.method for r in fake.requests] == ["HEAD", "POST"]  # asked once, answered once, not again


def _digest_store(user: str, password: str, nonces: list[str]):
    """A store that speaks Digest only (MD5, qop=auth), like Virtuoso's Graph Store endpoint."""

    def answer(h, seen: Seen) -> None:
        header = seen.headers.get("Authorization", "")
        if header.startswith("Digest "):
            f = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[7:]))
            ha1 = hashlib.md5(f"{user}:{f['realm']}:{password}".encode()).hexdigest()
            ha2 = hashlib.md5(f"{seen.method}:{f['uri']}".encode()).hexdigest()
            expected = hashlib.md5(f"{ha1}:{f['nonce']}:{f['nc']}:{f['cnonce']}:{f['qop']}:{ha2}".encode()).hexdigest()
            if f["response"] == expected and f["nonce"] == nonces[-1] and f["uri"] == seen.path:
                reply(h, 201)
                return
        nonces.append(f"nonce{len(nonces)}")
        challenge = f'Digest realm="SPARQL", nonce="{nonces[-1]}", opaque="o", qop="auth", algorithm="MD5"'
        reply(h, 401, {"WWW-Authenticate": f'Basic realm="x", {challenge}'})

    return answer


def test_digest_is_preferred_to_basic_and_its_nonce_is_reused(seeds_exports):
    _, out = seeds_exports
    nonces: list[str] = []
    with serve(_digest_store("dba", "dba", nonces)) as fake:
        done = push(out / "graph.nq", fake.url.replace("http://", "http://dba:dba@") + "/gsp")
    assert done.graphs == 3 and done.status == 201
    assert nonces == ["nonce0"]  # one challenge for the whole push
    assert [(r.method, "Authorization" in r.headers) for r in fake.requests] == [
        ("HEAD", False),  # asked: 401 with Basic and Digest
        ("POST", True),  # Digest, nc=00000001
        ("POST", True),  # the same nonce, nc=00000002, and 3: no second challenge
        ("POST", True),
    ]
    assert all(r.headers["Authorization"].startswith("Digest ") for r in fake.requests[1:])
    assert not any("Basic" in r.headers.get("Authorization", "") for r in fake.requests)


# -- redirects ------------------------------------------------------------------------------------------------------


def test_303_in_answer_to_a_post_is_an_error_naming_the_location(capsys):
    def answer(h, seen: Seen) -> None:
        reply(h, 303, {"Location": "http://user:pw@elsewhere.example/done"})

    with serve(answer) as fake:
        assert main(["push", "exports/graph.ttl", "--endpoint", f"{fake.url}/store"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"newsgraph: error: the store at {fake.url}/store?default answered HTTP 303 See Other to POST, redirecting "
        "to http://elsewhere.example/done: not followed (it would drop the data); if that is the store, use it as "
        "the endpoint\n"
    )
    assert len(fake.requests) == 1


def test_307_to_the_same_origin_is_followed_with_the_same_method_body_and_credentials():
    def answer(h, seen: Seen) -> None:
        if seen.path.startswith("/old"):
            reply(h, 307, {"Location": seen.path.replace("/old", "/new")})
        elif seen.headers.get("Authorization") != "Basic " + base64.b64encode(b"u:p").decode():
            reply(h, 401, {"WWW-Authenticate": 'Basic realm="r"'})
        else:
            reply(h, 204)

    with serve(answer) as fake:
        done = push("exports/graph.ttl", fake.url.replace("http://", "http://u:p@") + "/old", replace=True)
    assert done.status == 204 and done.url == f"{fake.url}/old?default"
    body = Path("exports/graph.ttl").read_bytes()
    last = fake.requests[-1]
    assert (last.method, last.path, last.body) == ("PUT", "/new?default", body)
    assert [(r.method, r.path) for r in fake.requests] == [
        ("HEAD", "/old?default"),  # how does it want credentials? (no body yet)
        ("PUT", "/old?default"),
        ("PUT", "/new?default"),  # 401: asked for them
        ("PUT", "/new?default"),  # 204
    ]


def test_307_to_another_origin_is_not_followed_and_the_credentials_stay(capsys):
    with serve(lambda h, seen: reply(h, 201)) as other:

        def answer(h, seen: Seen) -> None:
            if "Authorization" not in seen.headers:
                reply(h, 401, {"WWW-Authenticate": 'Basic realm="r"'})
            else:
                reply(h, 307, {"Location": f"{other.url}/steal"})

        with serve(answer) as fake:
            endpoint = fake.url.replace("http://", "http://u:secret@") + "/store"
            assert main(["push", "exports/graph.ttl", "--endpoint", endpoint]) == 1
    assert other.requests == []
    err = capsys.readouterr().err
    assert (
        f"answered HTTP 307 Temporary Redirect, redirecting to another origin, {other.url}/steal: not followed" in err
    )
    assert "secret" not in err


# -- time ---------------------------------------------------------------------------------------------------------


def test_a_server_dripping_one_byte_a_second_cannot_hold_a_push_past_the_timeout(capsys):
    stop = time.monotonic() + 60

    def answer(h, seen: Seen) -> None:
        h.wfile.write(b"H")
        h.wfile.flush()
        for byte in b"TTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n":
            if time.monotonic() > stop:
                return
            time.sleep(0.5)  # every read the client makes gets a byte well within any per-read timeout
            h.wfile.write(bytes([byte]))
            h.wfile.flush()

    started = time.monotonic()
    with serve(answer) as fake:
        assert main(["push", "exports/graph.ttl", "--endpoint", f"{fake.url}/store", "--timeout", "2"]) == 1
        took = time.monotonic() - started
        stop = 0.0
    assert capsys.readouterr().err == (
        f"newsgraph: error: no complete answer from {fake.url}/store?default within 2 s (--timeout)\n"
    )
    assert took < 15  # the whole answer would take 20 s


def test_timeout_must_be_a_positive_number_of_seconds(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["push", "--endpoint", "http://127.0.0.1:9/store", "--timeout", "0"])
    assert exit_.value.code == 2
    assert "a positive number of seconds, not '0'" in capsys.readouterr().err


# -- what the server says ---------------------------------------------------------------------------------------------


def test_escape_laden_error_bodies_are_shown_as_plain_text_and_cut(capsys):
    hostile = (
        "\x1b]0;owned title\x07\x1b[2J\x1b[31mbad\x1b[0m request\r\n\x00\x08\x7f\x9b31m \u202eevil\u202c "
        "\x1bP dcs string \x1b\\ line " + "x" * 5000
    ).encode()

    def answer(h, seen: Seen) -> None:
        reply(h, 400, {"Content-Type": "text/plain; charset=utf-8"}, hostile)

    with serve(answer) as fake:
        assert main(["push", "exports/graph.ttl", "--endpoint", f"{fake.url}/store"]) == 1
    err = capsys.readouterr().err
    prefix = f"newsgraph: error: the store at {fake.url}/store?default answered HTTP 400 Bad Request: "
    assert err.startswith(prefix + "bad request evil line xxx")
    detail = err[len(prefix) : -1]
    assert len(detail) == 300 and detail.endswith("x…")
    assert not any(c < " " or "\x7f" <= c <= "\x9f" or c in "\u202e\u202c" for c in err[:-1])


def test_an_html_error_page_is_shown_as_its_words(capsys):
    page = (
        b"<!DOCTYPE HTML><html><head><title>SPARQL request failed</title><style>p{}</style></head>"
        b"<body><h3>Error 22023</h3><xmp>contains &quot;default&quot; param</xmp></body></html>"
    )
    with serve(lambda h, seen: reply(h, 500, {"Content-Type": "text/html"}, page)) as fake:
        assert main(["push", "exports/graph.ttl", "--endpoint", f"{fake.url}/store"]) == 1
    assert capsys.readouterr().err.endswith(
        'Internal Server Error: SPARQL request failed Error 22023 contains "default" param\n'
    )


# -- TLS ------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_tls_is_verified_by_default_and_ca_bundle_or_insecure_say_otherwise(certificate, capsys):
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with serve(lambda h, seen: reply(h, 201), tls=context) as fake:
        endpoint = f"{fake.url}/store"
        assert main(["push", "exports/graph.ttl", "--endpoint", endpoint]) == 1
        err = capsys.readouterr().err
        assert f"cannot connect to {endpoint}?default: its certificate is not trusted (self-signed certificate)" in err
        assert "--ca-bundle FILE" in err
        assert main(["push", "exports/graph.ttl", "--endpoint", endpoint, "--ca-bundle", str(cert)]) == 0
        assert main(["push", "exports/graph.ttl", "--endpoint", endpoint, "--insecure"]) == 0
    assert [r.method for r in fake.requests] == ["POST", "POST"]  # no credentials: no HEAD first
    with pytest.raises(SystemExit):
        main(["push", "exports/graph.ttl", "--endpoint", endpoint, "--insecure", "--ca-bundle", str(cert)])


# -- the README's query examples ------------------------------------------------------------------------------------


def _readme_queries() -> list[tuple[int, str, str]]:
    """The SPARQL examples of the README's push section: (the count they say for the seeds, the variable, the query)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Push into a triple store") :]
    section = section[: section.index("\n## ")]
    found = []
    for block in re.findall(r"```sparql\n(.*?)```", section, re.S):
        said = re.match(r"# (\d+) on the seeds", block)
        assert said, f"a README query says what it returns on the seeds: {block}"
        found.append((int(said.group(1)), re.search(r"AS \?(\w+)\)", block).group(1), block))
    return found


def _truth(kg: graph.KnowledgeGraph, nq: Path) -> dict[str, int]:
    """What the README's queries count, found without SPARQL: from the merged graph and the file's graphs."""
    import pyoxigraph
    import rdflib

    article = rdflib.URIRef("https://schema.org/NewsArticle")
    typing = f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{article}>"
    documents = {
        q.graph_name.value
        for q in pyoxigraph.parse(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS)
        if isinstance(q.graph_name, pyoxigraph.NamedNode) and str(q.triple).endswith(typing)
    }
    return {"articles": len(set(kg.rdf.subjects(rdflib.RDF.type, article))), "documents": len(documents)}


def test_readme_count_examples_return_what_they_say(store: Store, samples: Path, tmp_path: Path):
    queries = _readme_queries()
    assert [name for _, name, _ in queries] == ["articles", "documents"]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    per_graph = int(re.search(r"`COUNT\(\?a\)` gives (\d+) on\s+the seeds", text).group(1))
    union = "SELECT (COUNT(DISTINCT ?a) AS ?articles) WHERE { ?a a schema:NewsArticle }"
    assert f"`{union}`" in text
    for corpus in (SEEDS, samples / "ai"):
        kg = graph.build([corpus])
        out = tmp_path / corpus.name
        kg.write(out, ["nq"])
        store.reset()
        assert main(["push", "--sync", str(out / "graph.nq"), "--endpoint", store.endpoint]) == 0
        truth = _truth(kg, out / "graph.nq")
        for seeds_count, name, query in queries:
            (row,) = store.select(query)
            assert int(row[name]) == truth[name], (corpus, query)
            if corpus == SEEDS:
                assert int(row[name]) == seeds_count, query
        if corpus == SEEDS:
            (row,) = store.select(PREFIXES + "SELECT (COUNT(?a) AS ?n) WHERE { GRAPH ?g { ?a a schema:NewsArticle } }")
            assert int(row["n"]) == per_graph
        if store.name == "virtuoso":  # its default graph is the union of all graphs (Oxigraph's is not, here)
            (row,) = store.select(PREFIXES + union)
            assert int(row["articles"]) == truth["articles"]
    assert truth["articles"] == kg.counts()["articles"] == 96
