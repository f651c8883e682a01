"""Tested like an adversary would (issues 6 and 17): hostile files, hostile text in every format, generated
documents, fuzz targets for the front-matter and JSON page readers (arbitrary bytes, YAML-ish and JSON-ish text: never
a traceback, never a hang, every rejected file named, every good file kept), and builds killed at any moment.

Every export format registered in ``graph.formats.FORMATS`` is checked: RDF formats are parsed back (rdflib, and
Oxigraph and rapper where they read the syntax) and must give the graph that was built; the HTML page's embedded data
must decode to every node, with the hostile text unable to close its script.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
import rdflib
import yaml
from conftest import GEN_CORPUS, ROOT, SEEDS, write_article
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graph
from graph import formats
from graph.cli.main import main
from graph.read.records import extract
from graph.read.sources import Document, parse_document
from graph.read.text import clean_text

# -- hostile text -------------------------------------------------------------------------------------------------

HOSTILE = [
    "NUL \x00 and controls \x01\x02\x07\x08\x0b\x0c\x1b\x1f\x7f\x80\x9f",
    "quotes \" ' \"\"\" ''' and backslashes \\ \\\\ \\n \\u0041 \\",
    "non-BMP 😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0010fffd \U0001f3f3\ufe0f\u200d\U0001f308",
    "combining e\u0301 a\u0308\u0323 Z\u0335\u0321\u0358 \u0301 starts with a mark",
    "markup </script><script>window.__pwned=1</script> <!-- & &amp; ]]> <b onmouseover=x>",
    "line\nbreaks\r\nCR\r \u2028 \u2029 \x85 tab\t end",
    'json {"@id": "_:x", "@context": null} @type',
    'turtle """ ; . , ^^xsd:string @en <http://x/> _:b0 # comment',
    "bidi \u202e\u202d zero-width \u200b\ufeff noncharacters \ufdd0\ufffe\uffff private \ue000",
    "",
    " ",
]
HOSTILE_URLS = [
    'https://a.example/with space/"quotes"/<angle>?q=a b&x={y}|z^`\\#frag',
    "https://a.example/[brackets]/100%/%zz?#two#hashes",
    "https://a.example/ünïcödé/😀/\u0301/\x00\x7f",
    "http://exa:mple/bad-port",
    "http://user@name@host.example/",
    "not a url at all",
]


# What YAML does not take raw (or reads as a line break: NEL, LS, PS) inside a quoted string.
_NOT_RAW = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _hostile_corpus(folder: Path) -> Path:
    """Articles whose every text field is hostile, written both escaped (ASCII) and raw (UTF-8)."""
    for i, title in enumerate(HOSTILE):
        for ascii_only in (True, False):

            def q(s: str, ascii_only: bool = ascii_only) -> str:  # JSON strings are YAML strings
                text = json.dumps(s, ensure_ascii=ascii_only)  # raw: escape only what YAML refuses raw
                return _NOT_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)

            url = HOSTILE_URLS[i % len(HOSTILE_URLS)] + f"/{i}"
            text = (
                f"---\ntitle: {q(title)}\nexcerpt: {q(title[::-1])}\nwebUrl: {q(url + str(ascii_only))}\n"
                f"provider:\n  name: {q(title)}\n  domain: {q(f'p{i}.example')}\n"
                f"topics:\n  - {q(title or 'empty')}\n  - {q(title.upper() + ' 2')}\n"
                f"images:\n  - url: {q(HOSTILE_URLS[(i + 1) % len(HOSTILE_URLS)])}\n    width: 5\n"
                f"{q('odd key ' + title)}: {q(title)}\n"
                f"related:\n  - webUrl: {q(HOSTILE_URLS[(i + 2) % len(HOSTILE_URLS)])}\n    title: {q(title)}\n"
                "---\n"
            )
            write_article(folder, f"{i:02}-{'ascii' if ascii_only else 'raw'}.md", text)
    return folder


def _formats() -> list[str]:
    return sorted(formats.FORMATS)


def _module(name: str) -> Any:
    return importlib.import_module(formats.FORMATS[name].module)


def _triples(parsed: rdflib.Graph | rdflib.Dataset) -> set[tuple[Any, Any, Any]]:
    if isinstance(parsed, rdflib.Dataset):
        return {(s, p, o) for s, p, o, _ in parsed.quads((None, None, None, None))}
    return set(parsed)


_OXIGRAPH = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nq": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}
_RAPPER = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig"}


def _rapper() -> str:
    path = shutil.which("rapper")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("rapper (Debian raptor2-utils) is missing; CI installs it")
        pytest.skip("rapper (raptor2-utils) is not installed")
    return path


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[graph.KnowledgeGraph, Path]:
    folder = _hostile_corpus(tmp_path_factory.mktemp("hostile-in"))
    kg = graph.build([folder])
    out = tmp_path_factory.mktemp("hostile-out")
    kg.write(out, _formats())
    return kg, out


def _shown(text: str) -> str:
    """A text as the build reads it: character references decoded once, Unicode NFC (issue 16)."""
    return clean_text(text)


def test_hostile_text_is_read_whole(hostile_build):
    kg, _ = hostile_build
    assert kg.report.rejected == []
    titles = {a.title for a in kg.corpus.articles.values() if not a.stub}
    assert titles == {_shown(t).replace("\r\n", "\n").replace("\r", "\n") for t in HOSTILE} or titles >= {
        HOSTILE[0],
        HOSTILE[2],
    }
    for title in HOSTILE[:5]:
        assert _shown(title) in titles, title


@pytest.mark.parametrize("name", _formats())
def test_every_character_survives_every_format(hostile_build, name: str):
    kg, out = hostile_build
    path = out / f"graph.{name}"
    text = path.read_bytes().decode("utf-8")  # valid UTF-8, whatever the input held
    module = _module(name)
    if name == "html":
        _check_page(text, kg)
        return
    assert hasattr(module, "read"), f"format {name} has no read(): add a check here"
    parsed = module.read(path)
    expected = set(kg.rdf)
    got = _triples(parsed)
    if isinstance(parsed, rdflib.Dataset):
        assert expected <= got, sorted(expected - got)[:3]
    else:
        assert got == expected, (sorted(expected - got)[:3], sorted(got - expected)[:3])
    headlines = {str(o) for o in kg.rdf.objects(None, rdflib.URIRef("https://schema.org/headline"))}
    assert {_shown(t) for t in HOSTILE[:5]} <= headlines
    if name in _OXIGRAPH:  # a strict parser agrees
        quads = list(pyoxigraph.parse(path=str(path), format=_OXIGRAPH[name]))
        assert len({(q.subject, q.predicate, q.object, q.graph_name) for q in quads}) == len(
            {(s, p, o, g) for s, p, o, g in parsed.quads((None, None, None, None))}
            if isinstance(parsed, rdflib.Dataset)
            else got
        )


@pytest.mark.parametrize("name", sorted(_RAPPER))
def test_rapper_accepts_hostile_exports(hostile_build, name: str):
    if name not in formats.FORMATS:
        pytest.fail(f"format {name} is no longer registered")
    kg, out = hostile_build
    run = subprocess.run(
        [_rapper(), "-c", "-i", _RAPPER[name], str(out / f"graph.{name}"), "http://base.example/"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "Error" not in run.stderr and "Warning" not in run.stderr, run.stderr
    if name in ("ttl", "nt"):
        assert f"returned {len(kg.rdf)} triples" in run.stderr


def test_datasets_agree_between_syntaxes(hostile_build):
    _, out = hostile_build
    quads = {}
    for name in ("nq", "trig"):
        if name in formats.FORMATS:
            ds = _module(name).read(out / f"graph.{name}")
            quads[name] = {(s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None))}
    if len(quads) == 2:
        assert quads["nq"] == quads["trig"]


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def _scripts(page: str) -> list[tuple[dict[str, str | None], str]]:
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _check_page(page: str, kg: graph.KnowledgeGraph) -> None:
    """Hostile text cannot add or break a script; the embedded data decodes to every node with its text."""
    baseline = _scripts(graph.view.html.generate(graph.build([SEEDS])))
    scripts = _scripts(page)
    assert [a for a, _ in scripts] == [a for a, _ in baseline], "hostile text changed the page's scripts"
    data = [json.loads(text) for attrs, text in scripts if attrs.get("type") == "application/json"]
    assert data, "the page carries no JSON data"
    for attrs, text in scripts:
        if attrs.get("type") != "application/json":
            assert "__pwned" not in text
    strings = {s for d in data for s in _strings(d)}
    missing = [n for n in kg.nx.nodes if n not in strings]
    assert not missing, missing[:3]
    for title in HOSTILE[:5]:  # labels may be shortened on the page: the start of each is there, exactly
        assert any(s.startswith(_shown(title)[:20]) for s in strings), title


# -- IRIs from hostile URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", HOSTILE_URLS[:-1])
def test_hostile_urls_give_valid_iris_in_every_parser(tmp_path: Path, url: str):
    write_article(tmp_path / "in", "a.md", f"---\nwebUrl: {json.dumps(url)}\nimages: [{json.dumps(url)}]\n---\n")
    kg = graph.build([tmp_path / "in"])
    kg.write(tmp_path, ["nt"])
    path = tmp_path / "graph.nt"
    assert len(list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES))) == len(kg.rdf)
    run = subprocess.run([_rapper(), "-c", "-i", "ntriples", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "Error" not in run.stderr, run.stderr


# -- hostile files: rejected, bounded, and the rest kept -------------------------------------------------------


def _hostile_files(folder: Path) -> dict[str, str]:
    """Write every hostile file; return file name → the code it must be rejected with."""
    lol = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9)
    )
    texts = {
        "billion-laughs.md": ("---\nwebUrl: https://x.example/1\n" + lol + "---\n", "too-many-values"),
        "nested-brackets.md": (
            "---\nwebUrl: https://x.example/2\na: " + "[" * 20_000 + "]" * 20_000 + "\n---\n",
            "too-deep",
        ),
        "nested-maps.md": ("---\na: " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n---\n", "too-deep"),
        "python-object.md": (
            "---\nwebUrl: https://x.example/3\nx: !!python/object/apply:os.system [touch PWNED]\n---\n",
            "tag",
        ),
        "recursive.md": ("---\nwebUrl: https://x.example/4\na: &a [*a]\n---\n", "recursive-alias"),
        "tabs.md": ("---\nwebUrl: https://x.example/5\nprovider:\n\tname: P\n---\n", "tabs"),
        "many-values.md": ("---\na: [" + "0," * 400_000 + "0]\n---\n", "too-many-values"),
        "long-field.md": (
            "---\nwebUrl: https://x.example/6\nexcerpt: '" + "x" * 2_000_000 + "'\n---\n",
            "field-too-large",
        ),
        "no-front-matter.md": ("# Just Markdown\n", "no-front-matter"),
        "no-url.md": ("---\ntitle: nothing to identify me\n---\n", "no-url"),
    }
    expected = {}
    for name, (text, code) in texts.items():
        write_article(folder, name, text)
        expected[name] = code
    (folder / "binary.md").write_bytes(bytes(range(256)) * 64)
    expected["binary.md"] = "binary"
    (folder / "latin1.md").write_bytes("---\ntitle: café\n---\n".encode("latin-1"))
    expected["latin1.md"] = "not-utf8"
    with (folder / "fifty-megabyte-field.md").open("wb") as f:  # sparse: 50 MB on paper, nothing on disk
        f.write(b"---\nwebUrl: https://x.example/7\nexcerpt: '")
        f.seek(50 * 1024 * 1024)
        f.write(b"'\n---\n")
    expected["fifty-megabyte-field.md"] = "too-large"
    os.mkfifo(folder / "named-pipe.md")  # reading it would wait forever for a writer
    expected["named-pipe.md"] = "not-a-file"
    return expected


def test_a_build_over_hostile_files_keeps_the_good_ones_in_bounded_memory(tmp_path: Path):
    folder = tmp_path / "in"
    expected = _hostile_files(folder)
    for seed in sorted(SEEDS.iterdir()):
        shutil.copy(seed, folder / seed.name)
    out = tmp_path / "out"
    limit = 2 * 1024**3

    def bounded() -> None:  # the whole build, workers included, must fit in 2 GB of address space
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "graph", "build", str(folder), "--out", str(out), "--format", "ttl"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        preexec_fn=bounded,
        timeout=120,
    )
    elapsed = time.monotonic() - start
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "MemoryError" not in run.stderr
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < limit
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    outcomes = {f["file"]: f for f in report["files"]}
    for name, code in expected.items():
        entry = outcomes[name]
        assert entry["outcome"] == "rejected", name
        assert code in [d["code"] for d in entry["diagnostics"]], (name, entry["diagnostics"])
    assert report["summary"]["kept"] == 2  # the seeds
    assert "4 articles" in run.stdout
    print(f"hostile build: {elapsed:.1f} s, {len(expected)} hostile files")  # shown with -s; bounded by the timeout


# -- generated documents (hypothesis) --------------------------------------------------------------------------

_CHARS = "".join(sorted(set("".join(HOSTILE)))) + "abc:-#&*!|>'\"%@`[]{},?"
_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(codec="utf-8"), max_size=12),
    st.text(st.sampled_from(_CHARS), max_size=12),
)
_hosts = st.sampled_from(["a.example", "b.example", "WWW.A.example"])
_url = st.one_of(
    st.builds(lambda h, p: f"https://{h}/{p}", _hosts, _text),
    st.sampled_from(HOSTILE_URLS),
)
_scalar = st.one_of(
    _text, st.integers(-(10**20), 10**20), st.floats(), st.booleans(), st.none(), st.dates(), st.datetimes()
)
_value = st.recursive(
    _scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3), max_leaves=6
)
_article = st.fixed_dictionaries(
    {"webUrl": _url},
    optional={
        "title": st.one_of(_text, _value),
        "excerpt": _text,
        "originalUrl": _url,
        "publishedDateTime": st.one_of(
            st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5))])),
            st.dates(),
            _text,
        ),
        "type": st.sampled_from(["article", "video", None]),
        "quality": st.one_of(st.integers(0, 999), st.integers(0, 999).map(str), _text),
        "provider": st.one_of(
            st.none(),
            _text,
            st.fixed_dictionaries({"name": _text, "domain": st.sampled_from(["p.example", " ", "Ü.example"])}),
        ),
        "topics": st.one_of(st.lists(_text, max_size=3), _text, _value),
        "images": st.lists(
            st.one_of(_url, st.fixed_dictionaries({"url": _url, "width": st.one_of(st.integers(), _text)})), max_size=2
        ),
        "related": st.lists(
            st.one_of(st.none(), _url, st.fixed_dictionaries({"webUrl": _url, "title": _text}), _value), max_size=3
        ),
        "extra": _value,
    },
)
_document = st.one_of(
    _article,
    st.dictionaries(_text, _value, max_size=4),  # anything at all: usually rejected (no URL), never a crash
)


def _render(doc: dict[str, Any], style: int) -> bytes:
    """A document as a front-matter file, in one of several styles real and hostile feeds use."""
    body = yaml.safe_dump(doc, allow_unicode=bool(style & 1), default_flow_style=bool(style & 2), sort_keys=False)
    text = f"---\n{body}---\n" + ("\n# A Markdown body\n" if style & 4 else "")
    if style & 8:
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8", "surrogatepass")
    return b"\xef\xbb\xbf" + raw if style & 16 else raw


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(docs=st.lists(st.tuples(_document, st.integers(0, 31)), min_size=1, max_size=4))
def test_generated_documents_build_and_every_export_parses_back_to_the_same_graph(docs):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "in")
        folder.mkdir()
        for i, (doc, style) in enumerate(docs):
            (folder / f"{i}.md").write_bytes(_render(doc, style))
        kg = graph.build([folder])  # never raises
        report = kg.report
        assert [f.file for f in report.files] == [f"{i}.md" for i in range(len(docs))]
        nodes = set(kg.nx.nodes)
        subjects = {str(s) for s in kg.rdf.subjects()}
        for entry in report.files:
            if entry.outcome == "rejected":
                assert entry.errors, entry
            else:  # every accepted article is in the graph, in networkx and in RDF
                assert entry.article in nodes and entry.article in subjects and entry.article in kg.corpus.articles
        out = Path(tmp, "out")
        names = [n for n in _formats() if n != "html" and hasattr(_module(n), "read")]
        kg.write(out, names)
        expected = set(kg.rdf)
        for name in names:
            parsed = _module(name).read(out / f"graph.{name}")
            got = _triples(parsed)
            assert (expected <= got) if isinstance(parsed, rdflib.Dataset) else (got == expected), name
            if name in _OXIGRAPH:
                list(pyoxigraph.parse(path=str(out / f"graph.{name}"), format=_OXIGRAPH[name]))


# -- the fuzz target: the front-matter reader ------------------------------------------------------------------


def fuzz_front_matter(data: bytes) -> None:
    """One fuzz input (atheris-style target): reading and extracting never raise, and say why they refuse."""
    doc = parse_document(data, "fuzz.md")
    assert isinstance(doc, Document)
    errors = [d for d in doc.diagnostics if d.severity == "error"]
    assert (doc.data is None) == bool(errors) and len(errors) <= 1
    if doc.data is not None:
        assert isinstance(doc.data, dict)
    records = extract(doc)
    assert records.rejected == (not records.articles)
    for d in records.diagnostics:
        str(d).encode("utf-8")
    for a in records.articles:
        for text in (a.title, a.excerpt, a.url):
            if text is not None:
                text.encode("utf-8")  # every writer can write it


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.binary(max_size=300)
    | st.text(_CHARS + "\n\t\r ", max_size=200).map(
        lambda t: ("---\n" + t + "\n---\n").encode("utf-8", "surrogatepass")
    )
)
def test_fuzz_front_matter_with_hypothesis(data: bytes):
    fuzz_front_matter(data)


def _mutate(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(5)
        at = rng.randrange(len(b) + 1)
        if op == 0 and b:
            del b[at : at + rng.randint(1, 16)]
        elif op == 1:
            b[at:at] = rng.choice(
                [
                    b"\t",
                    b"\x00",
                    b"\xff",
                    b"&a ",
                    b"*a",
                    b"[",
                    b"{",
                    b"!!python/name:os.system ",
                    b"\\ud800",
                    b"\r",
                    b"\n---\n",
                    b"'",
                    b'"',
                    b"- ",
                    b": ",
                    b"<<: *a\n",
                ]
            )
        elif op == 2 and b:
            b[at % len(b)] = rng.randrange(256)
        elif op == 3 and b:
            start = rng.randrange(len(b))
            b[at:at] = b[start : start + rng.randint(1, 64)]
        else:
            b[at:at] = bytes(rng.randrange(32, 127) for _ in range(rng.randint(1, 8)))
    return bytes(b)


class _Hang(Exception):
    """An input that kept a reader busy far longer than any file may."""


@contextlib.contextmanager
def _no_hang(seconds: int = 20):
    """Fail (rather than wait forever) when the block runs past ``seconds``: a guard against hangs, not a timing."""

    def stop(signum: int, frame: Any) -> None:
        raise _Hang(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _check_records(name: str, data: bytes) -> None:
    """Reading and extracting ``data`` as the file ``name`` never raise, never hang, and say why they refuse."""
    with _no_hang():
        doc = parse_document(data, name)
        records = extract(doc)
    assert isinstance(doc, Document) and doc.source == name
    errors = [d for d in doc.diagnostics if d.severity == "error"]
    assert len(errors) <= 1 and all(d.source == name for d in doc.diagnostics)
    if doc.kind == "skipped":
        assert doc.data is None and doc.reason and not errors
    else:
        assert (doc.data is None) == bool(errors)
    if records.kind not in ("page", "skipped") and records.rejected:
        assert [d for d in records.diagnostics if d.severity == "error"], "a rejected file says why"
    for d in records.diagnostics:
        str(d).encode("utf-8")
    for a in records.articles:
        for text in (a.title, a.excerpt, a.url):
            if text is not None:
                text.encode("utf-8")


# YAML-ish text: the pieces of YAML that parsers trip on, strung into lines with indentation.
_YAML_PIECES = [
    "key: value",
    "- item",
    "? complex",
    ": mapped",
    "&anchor ",
    "*anchor",
    "<<: *anchor",
    "!!str ",
    "!!python/name:os.system ",
    "!local ",
    "|",
    ">-",
    "'single ''quoted'''",
    '"double \\" \\u00e9 \\ud800 \\x00"',
    "[a, [b, {c: d}]]",
    "{x: 1, y: [2]}",
    "# comment",
    "---",
    "...",
    "%YAML 1.1",
    "\t",
    "webUrl: https://a.example/x",
    "title: T",
    "topics: [AI]",
    "provider: {domain: a.example}",
    "publishedDateTime: 2021-12-15T08:27:00Z",
    "ü: é",
    "😀",
    "null",
    "~",
    "-1e400",
    "0x_1",
    ".nan",
    "2001-02-30",
    "9" * 40,
    "a: b: c",
    ":",
    "-",
    "- - - x",
    "{",
    "}",
    "[",
    "]",
    ",",
    "'",
    '"',
    "\r",
]
_yamlish = st.lists(
    st.tuples(st.integers(0, 6), st.lists(st.sampled_from(_YAML_PIECES), min_size=1, max_size=3)),
    max_size=12,
).map(lambda lines: "\n".join(" " * indent + " ".join(parts) for indent, parts in lines))


def _mutated(text: str, cut: int, flip: int) -> bytes:
    """``text`` as UTF-8, cut short at ``cut`` (when less than its length), the byte at ``flip`` changed (if >= 0)."""
    raw = text.encode("utf-8", "surrogatepass")
    if 0 < cut < len(raw):
        raw = raw[:cut]
    if raw and flip >= 0:
        b = bytearray(raw)
        b[flip % len(b)] ^= 0x5A
        raw = bytes(b)
    return raw


_json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(), _text),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_json_page = st.fixed_dictionaries(
    {"value": st.lists(st.one_of(_article, _json_value), max_size=3)},
    optional={"page": st.integers(0, 9), "nextPage": st.one_of(st.none(), _url)},
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_yamlish, cut=st.integers(-1, 400), flip=st.integers(-1, 400), wrapped=st.booleans())
def test_fuzz_front_matter_with_yaml_ish_text(text: str, cut: int, flip: int, wrapped: bool):
    raw = _mutated(f"---\n{text}\n---\n" if wrapped else text, cut, flip if flip % 3 == 0 else -1)
    _check_records("fuzz.md", raw)
    _check_records("_data/fuzz.yml", raw)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=300),
        _json_page.map(lambda page: json.dumps(page, default=str, ensure_ascii=False)),
        _json_value.map(lambda value: json.dumps(value, default=str)),
    ),
    cut=st.integers(-1, 600),
    flip=st.integers(-1, 600),
)
def test_fuzz_the_json_page_reader(data: bytes | str, cut: int, flip: int):
    raw = data if isinstance(data, bytes) else _mutated(data, cut, flip if flip % 3 == 0 else -1)
    _check_records("api/page-1.json", raw)


_good = st.tuples(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20), st.integers(0, 31))
_junk = st.one_of(
    st.binary(max_size=200).map(lambda b: (".md", b)),
    _yamlish.map(lambda t: (".md", f"---\n{t}\n---\n".encode("utf-8", "surrogatepass"))),
    _json_page.map(lambda p: (".json", json.dumps(p, default=str).encode())),
    st.binary(max_size=200).map(lambda b: (".json", b)),
)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(good=st.lists(_good, min_size=1, max_size=3), junk=st.lists(_junk, max_size=4))
def test_a_build_over_fuzzed_files_names_every_rejected_file_and_keeps_every_good_one(good, junk):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        names = []
        for i, (title, style) in enumerate(good):
            name = f"good-{i}.md"
            (folder / name).write_bytes(_render({"webUrl": f"https://good.example/{i}", "title": title}, style))
            names.append(name)
        for i, (suffix, raw) in enumerate(junk):
            name = f"junk-{i}{suffix}"
            (folder / name).write_bytes(raw)
            names.append(name)
        with _no_hang(60):
            kg = graph.build([folder])
        report = {f.file: f for f in kg.report.files}
        assert sorted(report) == sorted(names)  # every file is named, whatever became of it
        for entry in report.values():
            if entry.outcome == "rejected":
                assert entry.errors and all(d.source == entry.file for d in entry.errors), entry
        urls = {a.url for a in kg.corpus.articles.values() if not a.stub}
        for i in range(len(good)):
            assert report[f"good-{i}.md"].outcome in ("kept", "warned", "merged")
            assert f"https://good.example/{i}" in urls


def test_fuzz_front_matter_for_a_bounded_time(samples: Path):
    """Mutations of real files, for NEWSGRAPH_FUZZ_SECONDS (default 3) seconds; a failure prints its input."""
    seconds = float(os.environ.get("NEWSGRAPH_FUZZ_SECONDS", "3"))
    corpus = [p.read_bytes() for p in sorted(SEEDS.iterdir())] + [
        p.read_bytes() for p in sorted(samples.rglob("*.md"))[:20]
    ]
    rng = random.Random(int(os.environ.get("NEWSGRAPH_FUZZ_SEED", "6")))
    runs = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = _mutate(rng, rng.choice(corpus))
        try:
            fuzz_front_matter(data)
        except Exception as exc:  # pragma: no cover - the message is the reproducer
            raise AssertionError(f"fuzz input {data!r} failed: {exc!r}") from exc
        runs += 1
    assert runs > 10


# -- nothing half-written --------------------------------------------------------------------------------------


def _files(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` but the build cache's, by relative path, with its bytes."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and rel.parts[0] != ".cache":
            found[rel.as_posix()] = path.read_bytes()
    return found


def _leftovers(out: Path) -> list[str]:
    """What builds left beside ``out`` and inside it that is neither an export nor the cache nor the user's."""
    beside = [p.name for p in out.parent.iterdir() if p.name != out.name and p.name.startswith(f".{out.name}")]
    inside = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".cache"]
    return beside + inside


def _run_build(corpus: Path, out: Path, names: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "graph", "build", str(corpus), "--out", str(out), "--format", ",".join(names), "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _writing_began(proc: subprocess.Popen[bytes], out: Path) -> float:
    """Wait until the build ``proc`` begins to write (its folder of the new set appears beside ``out``)."""
    deadline = time.monotonic() + 120
    while not list(out.parent.glob(f".{out.name}.publish-*")) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    return time.monotonic()


def test_a_build_killed_at_any_moment_leaves_the_old_set_or_the_new_set(tmp_path: Path):
    """kill -9 at many moments of a real build: the folder is always exactly the previous set of files or exactly
    the new one (bytes compared), the user's own file stays, and the next build removes what the killed one left."""
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--n", "300", "--out", str(corpus)], check=True, capture_output=True
    )
    out = tmp_path / "work" / "out"
    out.mkdir(parents=True)
    (out / "mine.txt").write_text("the user's own notes, never touched\n")
    names = ["ttl", "nt", "nq", "html"]
    assert main(["build", str(corpus), "--out", str(out), "--format", ",".join(names), "-q"]) == 0
    new = _files(out)
    assert main(["build", str(SEEDS), "--out", str(out), "--format", ",".join(names), "-q"]) == 0
    old = _files(out)
    assert set(old) == set(new) == {"mine.txt", "report.json", *(f"graph.{n}" for n in names)}
    assert all(old[name] != new[name] for name in old if name != "mine.txt")
    # Kill at moments after the start (reading, merging) and at moments after the writing began (when the
    # folder of the new set appears beside the output folder), spread over the time writing takes.
    assert main(["build", str(SEEDS), "--out", str(out), "--format", ",".join(names), "-q"]) == 0
    proc = _run_build(corpus, out, names)
    began = _writing_began(proc, out)
    assert proc.wait() == 0
    span = time.monotonic() - began
    assert _files(out) == new and not _leftovers(out)
    moments = [("start", t) for t in (0.1, 0.6)]
    moments += [("writing", span * f) for f in (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.95, 1.0)]
    seen = {"old": 0, "new": 0, "killed while writing": 0}
    for after, delay in moments:
        assert main(["build", str(SEEDS), "--out", str(out), "--format", ",".join(names), "-q"]) == 0
        assert _files(out) == old and not _leftovers(out)  # this build removed what the last killed one left
        proc = _run_build(corpus, out, names)
        if after == "writing":
            _writing_began(proc, out)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = _files(out)
        assert now in (old, new), f"killed {delay:.3f} s after its {after}: a mix of old and new files"
        seen["old" if now == old else "new"] += 1
        seen["killed while writing"] += bool(_leftovers(out))
    print("kills:", seen, "writing took", round(span, 3))
    assert seen["old"] >= 1 and seen["killed while writing"] >= 1, seen
    assert main(["build", str(corpus), "--out", str(out), "--format", ",".join(names), "-q"]) == 0
    assert _files(out) == new and not _leftovers(out)


def test_a_failed_write_leaves_the_previous_exports_and_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "out"
    graph.build([SEEDS]).write(out, ["ttl", "nt", "jsonld"])
    before = _files(out)
    module = importlib.import_module(formats.FORMATS["jsonld"].module)

    def failing(source: Any, path: Path) -> None:
        path.write_text("half of it")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "write", failing)
    with pytest.raises(OSError, match="No space left"):
        graph.build([SEEDS]).write(out, ["ttl", "nt", "jsonld"])
    assert _files(out) == before and not _leftovers(out)


def test_leftovers_of_killed_builds_are_removed_but_not_those_of_a_running_one(tmp_path: Path):
    import fcntl

    out = tmp_path / "out"
    assert main(["build", str(SEEDS), "--out", str(out), "--format", "nt", "-q"]) == 0
    # What killed builds of this and earlier versions left: temporary exports, scratch folders, a whole set.
    (out / ".graph.ttl.k2j4h5g6.tmp").write_text("half a Turtle file")
    (out / ".report.json.a1b2c3d4.tmp").write_text("{")
    (out / ".write-abcd1234").mkdir()
    (out / ".stream-abcd1234").mkdir()
    (out.parent / ".out.publish-q1w2e3r4").mkdir()
    (out.parent / ".out.publish-q1w2e3r4" / "graph.nt").write_text("half")
    running = out.parent / ".out.publish-runn1ng0"  # another build writing right now: it holds its lock
    running.mkdir()
    fd = os.open(running, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    (out / ".my-own-hidden-file").write_text("kept")
    try:
        assert main(["build", str(SEEDS), "--out", str(out), "--format", "nt", "-q"]) == 0
        assert sorted(p.name for p in out.parent.iterdir()) == [".out.publish-runn1ng0", "out"]
    finally:
        os.close(fd)
    assert sorted(p.name for p in out.iterdir()) == [".cache", ".my-own-hidden-file", "graph.nt", "report.json"]
    assert main(["build", str(SEEDS), "--out", str(out), "--format", "nt", "-q"]) == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]
