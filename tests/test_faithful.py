"""Faithful to real feeds (issue 16): no article merged, lost or mangled by odd values.

One test per case, each on a small fixture written by the test, asserting the exact nodes, literals and
warnings the build gives.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import rdflib
from conftest import write_article

import graph
from graph.cli.main import main
from graph.formats import graphml
from graph.read.identity import DEFAULT_BASE, article_iri, image_iri, source_iri

SCHEMA = "https://schema.org/"
NG = "https://newsgraph.example/vocab#"


def _article(url: str | None, title: str = "T", extra: str = "", provider: str = "p.example") -> str:
    head = f"webUrl: {url}\n" if url is not None else ""
    return f"---\ntitle: {title}\n{head}provider:\n  name: P\n  domain: {provider}\n{extra}---\n"


def _build(folder: Path, files: dict[str, str], **options: Any) -> graph.KnowledgeGraph:
    for name, text in files.items():
        write_article(folder, name, text)
    return graph.build([folder], **options)


def _warnings(kg: graph.KnowledgeGraph, code: str | None = None) -> list[tuple[str, str, str]]:
    return [(f.file, d.code, d.message) for f in kg.report.files for d in f.warnings if code is None or d.code == code]


def _objects(kg: graph.KnowledgeGraph, subject: str, predicate: str) -> list[rdflib.term.Node]:
    return sorted(kg.rdf.objects(rdflib.URIRef(subject), rdflib.URIRef(predicate)), key=str)


def _iri(url: str) -> str:
    return article_iri(url, DEFAULT_BASE)


# -- text ------------------------------------------------------------------------------------------------------------


def test_html_character_references_are_decoded_once_in_every_text_value(tmp_path: Path):
    text = (
        "---\n"
        'title: "It&#8217;s &quot;AI&quot; &amp; you&#x2019;re&nbsp;here"\n'
        'excerpt: "Tom &amp;amp; Jerry &lt;b&gt;bold&lt;/b&gt; &copy; 2024 AT&T"\n'
        "webUrl: https://a.example/1?x=1&amp;y=2\n"
        "category: R&amp;D\n"
        "provider:\n  name: Ben &amp; Jerry&#39;s\n  domain: p.example\n"
        "topics:\n  - Q&amp;A\n"
        "related:\n  - title: Stub&#8217;s title\n    webUrl: https://b.example/2\n"
        "images:\n  - url: https://a.example/i.png\n    title: Logo &amp; mark\n"
        'featuredContent: "<iframe src=\\"https://v.example/?a=1&amp;b=2\\"></iframe>"\n'
        "---\n"
    )
    kg = _build(tmp_path, {"a.md": text})
    a = kg.article("https://a.example/1?x=1&amp;y=2")
    assert a is not None
    assert a.title == 'It\u2019s "AI" & you\u2019re\u00a0here'
    assert a.excerpt == "Tom &amp; Jerry <b>bold</b> \u00a9 2024 AT&T"  # decoded once; tags stay text
    assert ("category", "R&D") in a.extra
    assert ("featuredContent", '<iframe src="https://v.example/?a=1&amp;b=2"></iframe>') in a.extra  # markup kept
    assert ("webUrl", "https://a.example/1?x=1&amp;y=2") in a.extra  # URLs exactly as written
    assert [p.label for p in kg.providers()] == ["Ben & Jerry's"]
    assert [t.label for t in kg.topics()] == ["Q&A"]
    assert kg.article("https://b.example/2").title == "Stub\u2019s title"
    (image,) = kg.corpus.images.values()
    assert ("title", "Logo & mark") in image.extra
    literals = {str(o) for o in kg.rdf.objects() if isinstance(o, rdflib.Literal)}
    assert not any("&#8217;" in s or "&quot;" in s or "&nbsp;" in s for s in literals)
    assert _warnings(kg) == []  # decoding is what text from HTML needs: no warning


def test_raw_text_keeps_character_references_as_written(tmp_path: Path):
    files = {"a.md": _article("https://a.example/1", '"It&#8217;s cafe\u0301"', "topics: [Q&amp;A]\n")}
    kg = _build(tmp_path, files, raw_text=True)
    a = kg.article("https://a.example/1")
    assert a is not None and a.title == "It&#8217;s cafe\u0301"
    assert [t.label for t in kg.topics()] == ["Q&amp;A"]


def test_raw_text_flag_on_the_command_line(tmp_path: Path):
    write_article(tmp_path / "in", "a.md", _article("https://a.example/1", '"It&#8217;s"'))
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "raw"), "--format", "nt", "--raw-text"]) == 0
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "dec"), "--format", "nt"]) == 0
    assert '"It&#8217;s"' in (tmp_path / "raw" / "graph.nt").read_text(encoding="utf-8")
    assert '"It\u2019s"' in (tmp_path / "dec" / "graph.nt").read_text(encoding="utf-8")


def test_markup_in_a_title_stays_text_on_the_page(tmp_path: Path):
    kg = _build(tmp_path, {"a.md": _article("https://a.example/1", '"&lt;script&gt;alert(1)&lt;/script&gt; <b>x</b>"')})
    kg.write(tmp_path / "out", ["html"])
    page = (tmp_path / "out" / "graph.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "<b>x</b>" not in page
    assert "\\u003cscript\\u003ealert(1)" in page or "\\u003cscript>alert(1)" in page


def test_unicode_is_normalised_to_nfc_for_labels_and_identity(tmp_path: Path):
    composed, decomposed = "Caf\u00e9 Society", "Cafe\u0301 Society"
    kg = _build(
        tmp_path,
        {
            "a.md": _article("https://a.example/1", decomposed, f"topics: ['{decomposed}']\n")
            .replace("name: P", f"name: {decomposed}")
            .replace("p.example", "xn--caf-dma.example"),
            "b.md": _article("https://a.example/2", composed, f"topics: ['  {composed}  ']\n")
            .replace("name: P", f"name: {composed}")
            .replace("p.example", "xn--caf-dma.example"),
            "c.md": _article(
                "https://a.example/3", "C", f"related:\n  - title: {decomposed}\n    webUrl: https://a.example/1\n"
            ),
        },
    )
    assert [t.label for t in kg.topics()] == [composed]
    assert [p.label for p in kg.providers() if p.domain == "xn--caf-dma.example"] == [composed]
    assert kg.article("https://a.example/1").title == composed
    assert kg.article("https://a.example/2").title == composed
    assert _warnings(kg) == []


def test_unicode_spellings_of_one_url_are_one_article(tmp_path: Path):
    kg = _build(
        tmp_path,
        {
            "a.md": _article("https://a.example/caf\u00e9", "One"),
            "b.md": _article("https://a.example/cafe\u0301", "One"),
        },
    )
    assert len(kg.corpus.articles) == 1


def test_exact_text_survives_every_format(tmp_path: Path):
    value = "a\rb\r\nc\td\u2028e\u2029f\x85g\u200bh \U0001f600 \x7f end "
    escaped = json.dumps(value)
    kg = _build(tmp_path / "in", {"a.md": _article("https://a.example/1", escaped)})
    assert kg.article("https://a.example/1").title == value
    out = tmp_path / "out"
    kg.write(out, ["ttl", "nt", "nq", "trig", "jsonld", "graphml"])
    for name in ("ttl", "nt", "nq", "trig", "jsonld", "graphml"):
        back = graph.load(out / f"graph.{name}")
        assert back.article("https://a.example/1").title == value, name
    g = graphml.read_nx(out / "graph.graphml")
    assert g.nodes[_iri("https://a.example/1")]["title"] == value


def test_characters_xml_cannot_hold_are_replaced_the_same_way_with_a_warning(tmp_path: Path):
    kg = _build(tmp_path / "in", {"a.md": _article("https://a.example/1", '"bell\\a nul\\0 \\uFFFE end"')})
    a = kg.article("https://a.example/1")
    assert a.title == "bell\x07 nul\x00 \ufffe end"  # RDF holds them (escaped)
    assert _warnings(kg, "not-xml-char") == [
        (
            "a.md",
            "not-xml-char",
            "title: characters XML cannot hold (U+0007, U+0000, U+FFFE); kept in RDF, written as U+FFFD in GraphML",
        )
    ]
    kg.write(tmp_path / "one", ["graphml"])
    kg.write(tmp_path / "two", ["graphml"])
    one = (tmp_path / "one" / "graph.graphml").read_bytes()
    assert one == (tmp_path / "two" / "graph.graphml").read_bytes()
    g = graphml.read_nx(tmp_path / "one" / "graph.graphml")
    assert g.nodes[_iri("https://a.example/1")]["title"] == "bell\ufffd nul\ufffd \ufffd end"
    assert graph.load(tmp_path / "one" / "graph.graphml").article("https://a.example/1").title == a.title


# -- values that do not fit their type -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("2021-13-01T10:00:00Z", "2021-13-01T10:00:00Z"),
        ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
        ("99999-01-01T00:00:00Z", "99999-01-01T00:00:00Z"),
        ("2021-02-31", "2021-02-31"),
        ("'2021-02-31T08:00:00Z'", "2021-02-31T08:00:00Z"),
    ],
)
def test_impossible_dates_keep_the_article_and_the_text(tmp_path: Path, written: str, kept: str):
    kg = _build(tmp_path, {"a.md": _article("https://a.example/1", "T", f"publishedDateTime: {written}\n")})
    a = kg.article("https://a.example/1")
    assert a is not None and a.date_published is None
    assert _objects(kg, a.iri, f"{SCHEMA}datePublished") == [rdflib.Literal(kept)]
    assert _warnings(kg, "bad-date") == [("a.md", "bad-date", f"publishedDateTime: not a date {kept!r}; kept as text")]


def test_impossible_dates_in_other_fields_are_kept_as_text_with_a_warning(tmp_path: Path):
    kg = _build(tmp_path, {"a.md": _article("https://a.example/1", "T", "updatedDateTime: 2021-02-30T08:00:00Z\n")})
    a = kg.article("https://a.example/1")
    assert ("updatedDateTime", "2021-02-30T08:00:00Z") in a.extra
    assert _warnings(kg, "bad-date") == [
        ("a.md", "bad-date", "updatedDateTime: not a date '2021-02-30T08:00:00Z'; kept as text")
    ]


def test_integers_beyond_64_bits_are_kept_as_text(tmp_path: Path):
    big = "123456789012345678901234567890"
    huge = "9" * 5000
    kg = _build(
        tmp_path,
        {
            "a.md": _article(
                "https://a.example/1",
                "T",
                f"quality: {big}\nheat: -9223372036854775808\nviews: {huge}\n"
                f"images:\n  - url: https://a.example/i.png\n    width: {big}\n",
            )
        },
    )
    a = kg.article("https://a.example/1")
    assert ("quality", big) in a.extra and ("heat", -9223372036854775808) in a.extra and ("views", huge) in a.extra
    assert _objects(kg, a.iri, f"{NG}quality") == [rdflib.Literal(big)]
    (image,) = kg.corpus.images.values()
    assert image.width is None and ("width", big) in image.extra
    assert _objects(kg, image.iri, f"{SCHEMA}width") == [rdflib.Literal(big)]
    assert sorted(m for _, c, m in _warnings(kg, "number-too-large")) == [
        f"images[0].width: {big} is beyond 64 bits; kept as text",
        f"quality: {big} is beyond 64 bits; kept as text",
        f"views: {huge[:40]}... (5,000 digits) is beyond 64 bits; kept as text",
    ]


def test_not_finite_numbers_are_kept_as_text_under_the_same_predicate(tmp_path: Path):
    kg = _build(
        tmp_path,
        {
            "a.md": _article(
                "https://a.example/1", "T", "quality: .nan\nheat: -.inf\nimages:\n  - url: /i.png\n    width: .inf\n"
            )
        },
    )
    a = kg.article("https://a.example/1")
    assert _objects(kg, a.iri, f"{NG}quality") == [rdflib.Literal("nan")]
    assert _objects(kg, a.iri, f"{NG}heat") == [rdflib.Literal("-inf")]
    (image,) = kg.corpus.images.values()
    assert _objects(kg, image.iri, f"{SCHEMA}width") == [rdflib.Literal("inf")]
    assert sorted(m for _, _, m in _warnings(kg, "not-finite")) == [
        "heat: not a finite number (-inf); kept as text",
        "images[0].width: not a finite number (inf); kept as text",
        "quality: not a finite number (nan); kept as text",
    ]


@pytest.mark.parametrize("spelled", ["yes", "N", "on", "Off", "'y'", "maybe"])
def test_booleans_spelled_otherwise_are_kept_as_text(tmp_path: Path, spelled: str):
    kg = _build(
        tmp_path,
        {
            "a.md": _article(
                "https://a.example/1", "T", f"published: {spelled}\nimages:\n  - url: /i.png\n    isCached: {spelled}\n"
            )
        },
    )
    text = spelled.strip("'")
    a = kg.article("https://a.example/1")
    assert _objects(kg, a.iri, f"{NG}published") == [rdflib.Literal(text)]
    (image,) = kg.corpus.images.values()
    assert _objects(kg, image.iri, f"{NG}isCached") == [rdflib.Literal(text)]
    assert sorted(m for _, _, m in _warnings(kg, "not-a-boolean")) == [
        f"images[0].isCached: expected true or false, got {text!r}; kept as text",
        f"published: expected true or false, got {text!r}; kept as text",
    ]


def test_both_yaml_paths_agree_on_values_that_do_not_fit(monkeypatch: pytest.MonkeyPatch):
    from graph.read import fastyaml
    from graph.read.sources import parse_document

    raw = (
        b"---\nwebUrl: https://a.example/1\npublishedDateTime: 2021-13-01T10:00:00Z\nb: 2021-02-31\n"
        b"c: yes\nd: N\ne: on\nf: 123456789012345678901234567890\ng: " + b"9" * 5000 + b"\nh: .nan\ni: true\n---\n"
    )
    fast = parse_document(raw, "a.md")
    monkeypatch.setattr(fastyaml, "ENABLED", False)
    slow = parse_document(raw, "a.md")
    assert fast.data == slow.data
    assert fast.data is not None
    assert fast.data["publishedDateTime"] == "2021-13-01T10:00:00Z" and fast.data["b"] == "2021-02-31"
    assert (fast.data["c"], fast.data["d"], fast.data["e"], fast.data["i"]) == ("yes", "N", "on", True)
    assert fast.data["g"] == "9" * 5000 and fast.diagnostics == slow.diagnostics
    assert [(d.code, d.line) for d in fast.diagnostics] == [("number-too-large", 9)]


# -- URLs that identify nothing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "placeholder",
    ["N/A", "none", "'null'", "null", "'-'", "'#'", "about:blank", "'javascript:void(0)'", "''", "https://", "http:///x",
     "mailto:news@a.example", "ftp://a.example/x"],
)  # fmt: skip
def test_placeholder_urls_never_merge_articles(tmp_path: Path, placeholder: str):
    kg = _build(
        tmp_path,
        {
            "a.md": _article(placeholder, "A", "originalUrl: https://a.example/original\n"),
            "b.md": _article(placeholder, "B"),
            "c.md": _article(placeholder, "C"),
        },
    )
    assert sorted(a.title for a in kg.corpus.articles.values()) == ["A", "B", "C"]
    assert kg.article("https://a.example/original").title == "A"
    b = next(a for a in kg.corpus.articles.values() if a.title == "B")
    assert b.url == f"{DEFAULT_BASE}file/b.md" and b.sources == ("b.md",)
    warned = {f: m for f, _, m in _warnings(kg, "placeholder-url")}
    assert sorted(warned) == ["a.md", "b.md", "c.md"]
    assert warned["a.md"].startswith(f"webUrl: {placeholder.strip(chr(39))!r} identifies nothing (")
    assert warned["a.md"].endswith("; the article is known by its originalUrl")
    assert warned["b.md"].endswith("; the article is known by its file")
    assert kg.report.rejected == []


def test_relative_urls_resolve_against_the_article_site(tmp_path: Path):
    kg = _build(
        tmp_path,
        {
            "a.md": _article("/news/x", "A", "originalUrl: https://www.a.example/2021/x\n"),
            "b.md": _article("/news/x", "B", provider="b.example"),
            "c.md": _article("www.c.example/news/x", "C"),
            "d.md": _article("//d.example/news/x", "D"),
            "e.md": _article("/news/x", "E", provider="N/A"),
        },
    )
    urls = {a.title: a.url for a in kg.corpus.articles.values()}
    assert urls == {
        "A": "https://www.a.example/news/x",
        "B": "https://b.example/news/x",
        "C": "https://www.c.example/news/x",
        "D": "https://d.example/news/x",
        "E": f"{DEFAULT_BASE}file/e.md",
    }
    relative = {f: m for f, _, m in _warnings(kg, "relative-url")}
    assert (
        relative["a.md"]
        == "webUrl: '/news/x' is relative; resolved against https://www.a.example as https://www.a.example/news/x"
    )
    assert sorted(relative) == ["a.md", "b.md", "c.md", "d.md"]
    assert [f for f, _, _ in _warnings(kg, "placeholder-url")] == ["e.md", "e.md"]


def test_relative_image_paths_on_two_sites_are_two_images(tmp_path: Path):
    kg = _build(
        tmp_path,
        {
            "a.md": _article(
                "https://a.example/1", "A", "images:\n  - url: /images/logo.png\n  - url: https://cdn.example/x.png\n"
            ),
            "b.md": _article(
                "https://b.example/1", "B", "images:\n  - url: /images/logo.png\n  - url: https://cdn.example/x.png\n"
            ),
        },
    )
    images = {(m.url, m.content_url) for m in kg.corpus.images.values()}
    assert images == {
        ("/images/logo.png", "https://a.example/images/logo.png"),
        ("/images/logo.png", "https://b.example/images/logo.png"),
        ("https://cdn.example/x.png", None),
    }
    logo_a = image_iri("https://a.example/images/logo.png")
    assert _objects(kg, logo_a, f"{SCHEMA}contentUrl") == [rdflib.URIRef("https://a.example/images/logo.png")]
    assert _objects(kg, logo_a, f"{NG}url") == [rdflib.Literal("/images/logo.png")]
    assert len(_warnings(kg, "relative-url")) == 2


def test_placeholder_image_and_stub_urls_are_left_out_not_merged(tmp_path: Path):
    kg = _build(
        tmp_path,
        {
            "a.md": _article(
                "https://a.example/1",
                "A",
                "images:\n  - url: N/A\nrelated:\n  - title: S1\n    webUrl: '#'\n  - title: S2\n    webUrl: none\n"
                "  - title: S3\n    webUrl: /news/s3\n    provider: {domain: s.example}\n",
            ),
        },
    )
    assert kg.corpus.images == {}
    assert sorted(a.title for a in kg.corpus.articles.values()) == ["A", "S3"]
    assert kg.article("https://s.example/news/s3").title == "S3"
    codes = sorted((c, m.split(":")[0]) for _, c, m in _warnings(kg))
    assert codes == [
        ("placeholder-url", "images[0].url"),
        ("placeholder-url", "related[0].webUrl"),
        ("placeholder-url", "related[1].webUrl"),
        ("related-no-url", "related[0]"),
        ("related-no-url", "related[1]"),
        ("relative-url", "related[2].webUrl"),
    ]


def test_provider_logo_paths_resolve_against_the_provider_site(tmp_path: Path):
    logo = "  images:\n    - url: /logo.png\n"
    kg = _build(
        tmp_path,
        {
            "a.md": _article("https://a.example/1", "A").replace("domain: p.example\n", "domain: p.example\n" + logo),
            "b.md": _article("https://b.example/1", "B").replace("domain: p.example\n", "domain: p.example\n" + logo),
            "c.md": _article("https://c.example/1", "C", provider="https://www.Q.example/about").replace(
                "/about\n", "/about\n" + logo
            ),
        },
    )
    assert sorted(m.content_url or m.url for m in kg.corpus.images.values()) == [
        "https://p.example/logo.png",
        "https://q.example/logo.png",
    ]
    assert sorted(p.domain for p in kg.providers()) == ["p.example", "q.example"]
    assert [m for _, c, m in _warnings(kg, "domain-url")] == [
        "provider.domain: a URL given as a domain ('https://www.Q.example/about'); its host q.example is the domain"
    ]


# -- identity chains -------------------------------------------------------------------------------------------------


def test_identity_chains_find_the_article_each_file_describes(tmp_path: Path):
    files = {
        # a's originalUrl is b's webUrl; b's originalUrl is c's webUrl
        "a.md": _article("https://x.example/a", "A", "originalUrl: https://x.example/b\n"),
        "b.md": _article("https://x.example/b", "B", "originalUrl: https://x.example/c\n"),
        "c.md": _article("https://x.example/c", "C"),
        # d and e swap their URLs
        "d.md": _article("https://x.example/d", "D", "originalUrl: https://x.example/e\n"),
        "e.md": _article("https://x.example/e", "E", "originalUrl: https://x.example/d\n"),
        # a stub names f by its originalUrl
        "f.md": _article("https://x.example/f", "F", "originalUrl: https://old.example/f\n"),
        "g.md": _article("https://x.example/g", "G", "related:\n  - title: Old F\n    webUrl: https://old.example/f\n"),
    }
    kg = _build(tmp_path, files)
    for name, text in files.items():
        url = text.split("webUrl: ")[1].split("\n")[0]
        found = kg.article(url)
        assert found is not None and found.title == name[0].upper(), (name, found)
        assert found.sources[0] == name
    assert kg.article("https://old.example/f").title == "F"
    assert kg.article(_iri("https://x.example/g")).related == (_iri("https://x.example/f"),)
    loaded = graph.load(_write(kg, tmp_path / "out", "ttl"))
    for text in files.values():
        url = text.split("webUrl: ")[1].split("\n")[0]
        assert loaded.article(url).iri == kg.article(url).iri


def _write(kg: graph.KnowledgeGraph, out: Path, fmt: str) -> Path:
    kg.write(out, [fmt])
    return out / f"graph.{fmt}"


# -- files and keys --------------------------------------------------------------------------------------------------


def test_a_repeated_key_is_a_warning_and_the_later_value_is_kept(tmp_path: Path):
    text = (
        "---\ntitle: First\nwebUrl: https://a.example/1\ntitle: Second\n"
        "provider:\n  domain: p.example\n  domain: q.example\n---\n"
    )
    kg = _build(tmp_path, {"a.md": text})
    a = kg.article("https://a.example/1")
    assert a.title == "Second" and [p.domain for p in kg.providers()] == ["q.example"]
    assert [(c, m) for _, c, m in _warnings(kg, "duplicate-key")] == [
        ("duplicate-key", "title: a key repeated (lines 2 and 4); the later value is kept"),
        ("duplicate-key", "domain: a key repeated (lines 6 and 7); the later value is kept"),
    ]
    lines = [d.line for f in kg.report.files for d in f.warnings if d.code == "duplicate-key"]
    assert lines == [4, 7]


def test_a_repeated_key_in_a_json_page_is_a_warning(tmp_path: Path):
    page = '{"page": 1, "value": [{"title": "A", "title": "B", "webUrl": "https://a.example/1"}]}'
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "index.json").write_text(page, encoding="utf-8")
    kg = graph.build([tmp_path])
    assert kg.article("https://a.example/1").title == "B"
    assert [m for _, _, m in _warnings(kg, "duplicate-key")] == ["title: a key repeated; the later value is kept"]


def test_keys_in_odd_case_are_read_as_the_field_they_name(tmp_path: Path):
    text = "---\nTitle: T\nWebURL: https://a.example/1\nPROVIDER:\n  Domain: p.example\nQuality: 5\n---\n"
    kg = _build(tmp_path, {"a.md": text})
    a = kg.article("https://a.example/1")
    assert a is not None and a.title == "T" and [p.domain for p in kg.providers()] == ["p.example"]
    assert ("quality", 5) in a.extra
    assert sorted(m for _, _, m in _warnings(kg, "key-case")) == [
        "PROVIDER: read as provider",
        "Quality: read as quality",
        "Title: read as title",
        "WebURL: read as webUrl",
        "provider.Domain: read as domain",
    ]


def test_file_names_differing_in_undecodable_bytes_or_normalisation_are_distinct_sources(tmp_path: Path):
    folder = os.fsencode(tmp_path / "in")
    os.makedirs(folder)
    names = [b"b\xff.md", b"b\\xff.md", "caf\u00e9.md".encode(), "cafe\u0301.md".encode()]
    for i, name in enumerate(names):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(_article(f"https://a.example/{i}", f"T{i}").encode())
    kg = graph.build([tmp_path / "in"])
    sources = sorted(source_iri(f.source) for f in kg.corpus.files)
    assert sources == sorted(
        f"{DEFAULT_BASE}source/{x}" for x in ("b%FF.md", "b%5Cxff.md", "caf%C3%A9.md", "cafe%CC%81.md")
    )
    out = tmp_path / "out"
    kg.write(out, ["nq", "ttl"])
    ds = rdflib.Dataset()
    ds.parse(out / "graph.nq", format="nquads")
    graphs = {str(g.identifier) for g in ds.graphs() if str(g.identifier).startswith(f"{DEFAULT_BASE}source/")}
    assert graphs == set(sources)
    assert json.loads(kg.report.to_json())["summary"]["files"] == 4
    back = graph.load(out / "graph.ttl")
    assert sorted(source_iri(f.source) for f in back.corpus.files) == sources


def test_an_empty_input_never_replaces_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "out"
    assert main(["build", "seeds", "--out", str(out), "--format", "ttl,nt"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (tmp_path / "empty").mkdir()
    write_article(tmp_path / "bad", "a.md", "---\ntitle: [\n---\n")
    for folder, extra in (("empty", []), ("bad", []), ("empty", ["--strict"]), ("bad", ["--stream"])):
        capsys.readouterr()
        status = main(["build", str(tmp_path / folder), "--out", str(out), "--format", "nt", *extra])
        assert status == 1, (folder, extra)
        err = capsys.readouterr().err
        assert "exports not written" in err and "--allow-empty" in err, err
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert (
        main(["build", str(tmp_path / "empty"), "--out", str(out), "--format", "nt", "--allow-empty", "--strict"]) == 0
    )
    assert (out / "graph.nt").read_bytes() != before["graph.nt"]
    assert "NewsArticle" not in (out / "graph.nt").read_text(encoding="utf-8")


def test_a_build_of_every_sample_leaves_no_character_references_in_text(samples: Path):
    import re

    kg = graph.build([samples])
    reference = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
    url_keys = ("url", "Url", "website")
    found = []
    for _, p, o in kg.rdf:
        if isinstance(o, rdflib.Literal) and o.datatype is None and reference.search(str(o)):
            key = str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            if not key.endswith(url_keys) and key not in ("featuredContent", "content"):
                found.append((str(p), str(o)[:80]))
    assert found == []
