"""An odd but legal corpus (issue 16): every good article present once, its values exact in every export.

``tests/fixtures/odd/`` mixes the cases of the issue with others a real feed holds: HTML character
references, NFD text and file names, a byte-order mark and CRLF line ends, escapes (CR, tab, U+2028, U+2029,
NEL, a bell), zero-width characters and emoji, a 28,000-character excerpt, dates that cannot exist, numbers
beyond 64 bits, ``.nan``, booleans spelled ``yes``/``N``, placeholder, relative and scheme-less URLs, swapped
URLs and a stub naming an article by another's URL, repeated keys, keys in odd case, lists where a scalar is
expected, tabs inside values, non-ASCII keys, numbers in quotes, empty values, a Markdown body, a provider
domain given as a URL and a JSON page with all of it. The build is read back from every export format.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

import graph
from graph.read.identity import DEFAULT_BASE

ODD = ROOT / "tests" / "fixtures" / "odd"
FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "graphml")

# What report.json says of each file: the code of every diagnostic, in order.
CODES = {
    "01-entities.md": [],
    "02-nfd.md": [],
    "03-nfc.md": [],
    "04-bom-crlf.md": ["bom", "crlf"],
    "05-escapes.md": ["not-xml-char"],
    "06-dates.md": ["bad-date", "bad-date"],
    "07-numbers.md": [
        "number-too-large",
        "not-a-boolean",
        "number-too-large",
        "not-finite",
        "not-finite",
        "not-a-boolean",
    ],
    "08-placeholder-a.md": ["placeholder-url"],
    "09-placeholder-b.md": ["placeholder-url", "placeholder-url"],
    "10-placeholder-c.md": ["placeholder-url"],
    "11-relative-a.md": ["relative-url", "relative-url"],
    "12-relative-b.md": ["relative-url", "relative-url"],
    "13-schemeless.md": ["relative-url", "relative-url"],
    "14-swap-a.md": [],
    "15-swap-b.md": [],
    "16-chain.md": [],
    "17-duplicate-keys.md": ["duplicate-key", "duplicate-key"],
    "18-odd-case.md": ["key-case"] * 6,
    "19-lists.md": ["wrong-shape", "wrong-shape", "wrong-shape", "topics-text"],
    "20-tabs.md": [],
    "21-keys.md": [],
    "22-number-text.md": ["number-text", "boolean-text"],
    "23-nulls.md": ["empty-topic", "empty-topic"],
    "24-body.md": ["body"],
    "25-provider-url.md": ["domain-url", "relative-url"],
    "26-unicode-name-\u00e9.md": [],
    "26-unicode-name-e\u0301.md": [],
    "api/index.json": ["duplicate-key", "number-too-large", "placeholder-url", "placeholder-url"],
}

# The title of each file's own article, exactly (None: the title was a list, kept as its parts).
TITLES = {
    "01-entities.md": 'It\u2019s "AI" & you\u2019re\u00a0here',
    "02-nfd.md": "Caf\u00e9 culture",
    "03-nfc.md": "Caf\u00e9 culture, again",
    "04-bom-crlf.md": "Windows file",
    "05-escapes.md": "CR\rCRLF\r\nTAB\tLS\u2028PS\u2029NEL\x85BELL\x07 ZWSP\u200b emoji \U0001f600 end ",
    "06-dates.md": "Impossible dates",
    "07-numbers.md": "Odd numbers and booleans",
    "08-placeholder-a.md": "Placeholder A",
    "09-placeholder-b.md": "Placeholder B",
    "10-placeholder-c.md": "Placeholder C",
    "11-relative-a.md": "Relative on site A",
    "12-relative-b.md": "Relative on site B",
    "13-schemeless.md": "No scheme",
    "14-swap-a.md": "Swap A",
    "15-swap-b.md": "Swap B",
    "16-chain.md": "Chain",
    "17-duplicate-keys.md": "Second title",
    "18-odd-case.md": "Odd case keys",
    "19-lists.md": None,
    "20-tabs.md": "tab\there",
    "21-keys.md": "Unusual keys",
    "22-number-text.md": "Numbers in quotes",
    "23-nulls.md": None,
    "24-body.md": "With a body",
    "25-provider-url.md": "Provider as URL",
    "26-unicode-name-\u00e9.md": "NFC file name",
    "26-unicode-name-e\u0301.md": "NFD file name",
}

# The URL each file's own article is known by.
URLS = {
    "01-entities.md": "https://odd.example/entities?a=1&amp;b=2",
    "02-nfd.md": "https://odd.example/caf\u00e9",
    "08-placeholder-a.md": f"{DEFAULT_BASE}file/08-placeholder-a.md",
    "09-placeholder-b.md": f"{DEFAULT_BASE}file/09-placeholder-b.md",
    "10-placeholder-c.md": "https://odd.example/placeholder-c",
    "11-relative-a.md": "https://site-a.example/news/relative-story",
    "12-relative-b.md": "https://site-b.example/news/relative-story",
    "13-schemeless.md": "https://www.odd.example/no-scheme",
    "14-swap-a.md": "https://odd.example/swap-a",
    "15-swap-b.md": "https://odd.example/swap-b",
    "19-lists.md": "https://odd.example/lists",
    "24-body.md": "https://odd.example/body/",
}


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> tuple[graph.KnowledgeGraph, Path]:
    kg = graph.build([ODD])
    out = tmp_path_factory.mktemp("odd-out")
    kg.write(out, list(FORMATS))
    (out / "report.json").write_text(kg.report.to_json(), encoding="utf-8")
    return kg, out


def _own(kg: graph.KnowledgeGraph, name: str) -> graph.Article:
    (iri,) = {f.articles[0].iri for f in kg.corpus.files if f.source == name}
    return kg.corpus.articles[iri]


def test_every_good_article_of_the_odd_corpus_is_present_once(odd):
    kg, out = odd
    assert kg.report.rejected == []
    full = [a for a in kg.corpus.articles.values() if not a.stub]
    assert len(full) == len(TITLES) + 3  # one per article file, three from the JSON page
    for name, title in TITLES.items():
        assert _own(kg, name).title == title, name
    for name, url in URLS.items():
        assert _own(kg, name).url == url, name
        assert kg.article(url).iri == _own(kg, name).iri, name
    page = sorted((a.url, a.title) for a in full if a.sources == ("api/index.json",))
    assert page == [
        (f"{DEFAULT_BASE}file/api/index.json/value/1", "Page placeholder"),
        (f"{DEFAULT_BASE}file/api/index.json/value/2", "Page placeholder 2"),
        ("https://odd.example/page-1", "Page & item, later"),
    ]


def test_odd_values_are_exact(odd):
    kg, _ = odd
    entities = _own(kg, "01-entities.md")
    assert entities.excerpt == "Tom &amp; Jerry <b>bold</b> \u00a9 AT&T"
    assert ("category", "R&D") in entities.extra
    assert ("featuredContent", '<iframe src="https://v.example/?a=1&amp;b=2"></iframe>') in entities.extra
    assert kg.article("https://elsewhere.example/stub").title == "Stub\u2019s title"
    assert _own(kg, "05-escapes.md").excerpt == "Long excerpt. " * 2000
    dates = _own(kg, "06-dates.md")
    assert dates.date_published is None
    assert {("publishedDateTime", "2021-02-31T10:00:00Z"), ("updatedDateTime", "2021-13-01T00:00:00Z")} <= set(
        dates.extra
    )
    assert ("expires", "0000-01-01") in dates.extra
    numbers = dict(_own(kg, "07-numbers.md").extra)
    assert numbers["quality"] == "123456789012345678901234567890" and numbers["heat"] == "nan"
    assert numbers["score"] == "-inf" and numbers["published"] == "yes"
    assert dict(_own(kg, "22-number-text.md").extra)["quality"] == 12
    assert dict(_own(kg, "22-number-text.md").extra)["published"] is True
    assert dict(_own(kg, "18-odd-case.md").extra)["quality"] == 7
    assert ("\u043a\u043b\u044e\u0447", "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435") in _own(
        kg, "21-keys.md"
    ).extra
    assert [("title", "Part one"), ("title", "Part two")] == [
        p for p in _own(kg, "19-lists.md").extra if p[0] == "title"
    ]
    assert _own(kg, "20-tabs.md").excerpt == "plain\ttab inside"
    assert _own(kg, "23-nulls.md").excerpt == ""
    assert sorted(t.label for t in kg.topics()) == ["AI", "Caf\u00e9", "Q&A"]  # NFD, NFC, spaces, ZWSP: one each
    providers = sorted((p.domain, p.label) for p in kg.providers())
    assert providers == [
        ("cafe.example", "Caf\u00e9 Press"),
        ("odd.example", "Odd News"),
        ("site-a.example", "Site A"),
        ("site-b.example", "Site B"),
    ]
    images = sorted((m.url, m.content_url, m.width) for m in kg.corpus.images.values())
    assert images == [
        ("/img/shared.png", "https://site-a.example/img/shared.png", 10),
        ("/img/shared.png", "https://site-b.example/img/shared.png", 20),
        ("/logo.png", "https://odd.example/logo.png", None),
        ("https://cdn.example/shared.png", None, None),  # one absolute image shared by two articles: one node
        ("https://odd.example/i/entities.png", None, None),
        ("https://odd.example/i/numbers.png", None, None),
    ]
    swap_a, swap_b = kg.article("https://odd.example/swap-a"), kg.article("https://odd.example/swap-b")
    assert (swap_a.title, swap_b.title) == ("Swap A", "Swap B")
    assert _own(kg, "16-chain.md").related == (swap_a.iri,)


def test_report_names_each_oddity(odd):
    _, out = odd
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    codes = {f["file"]: [d["code"] for d in f["diagnostics"]] for f in report["files"]}
    assert codes == CODES
    for f in report["files"]:
        for d in f["diagnostics"]:
            assert d["severity"] == "warning" and d["message"], f["file"]


def _values(a: graph.Article) -> tuple[Any, ...]:
    """What an article says, as RDF holds it: a title kept as its parts is among its titles either way."""
    said = sorted(
        [*a.extra, *((("title", a.title),) if a.title is not None else ())],
        key=lambda pair: (pair[0], type(pair[1]).__name__, str(pair[1])),
    )
    when = a.date_published.astimezone(dt.UTC) if a.date_published else None
    return (a.url, a.urls, a.excerpt, when, a.type, a.stub, tuple(said), a.topics, a.images, a.related, a.provider)


@pytest.mark.parametrize("name", FORMATS)
def test_every_export_gives_back_the_odd_values(odd, name: str):
    kg, out = odd
    back = graph.load(out / f"graph.{name}")
    assert set(back.corpus.articles) == set(kg.corpus.articles)
    for iri, a in kg.corpus.articles.items():
        assert _values(back.corpus.articles[iri]) == _values(a), (name, a.sources)
    images = {i: (m.url, m.content_url, m.width, m.height, sorted(m.extra)) for i, m in kg.corpus.images.items()}
    assert {i: (m.url, m.content_url, m.width, m.height, sorted(m.extra)) for i, m in back.corpus.images.items()} == (
        images
    )
    assert {i: t.label for i, t in back.corpus.topics.items()} == {i: t.label for i, t in kg.corpus.topics.items()}
    assert {i: (p.domain, p.name) for i, p in back.corpus.providers.items()} == {
        i: (p.domain, p.name) for i, p in kg.corpus.providers.items()
    }
    assert sorted(f.source for f in back.corpus.files) == sorted(f.source for f in kg.corpus.files)
