import datetime as dt

from graph._records import extract
from graph._sources import parse_document


def _extract(text: str):
    return extract(parse_document(text.encode(), "a.md"))


def test_extract_types_values_and_keeps_every_other_field():
    r = _extract(
        "---\ntitle: T\npublishedDateTime: 2021-12-15T10:27:00+02:00\nwebUrl: https://a.example/1\n"
        "quality: '7'\nnewField: {x: 1}\n---\n"
    )
    a = r.articles[0]
    assert a.date_published == dt.datetime(2021, 12, 15, 8, 27, tzinfo=dt.UTC)
    assert ("quality", 7) not in a.extra and ("quality", "7") in a.extra
    assert ("newField.x", 1) in a.extra and ("webUrl", "https://a.example/1") in a.extra


def test_extract_without_url_rejects_the_file_whole():
    r = _extract("---\ntitle: T\nrelated:\n  - webUrl: https://b.example/\n---\n")
    assert r.rejected and r.diagnostics[-1].severity == "error" and "no URL" in r.diagnostics[-1].message


def test_extract_odd_related_items_warn_and_keep_the_rest():
    r = _extract("---\nwebUrl: https://a.example/\nrelated:\n  - null\n  - https://b.example/\n  - {title: x}\n---\n")
    assert [a.url for a in r.articles] == ["https://a.example/", "https://b.example/"]
    assert len([d for d in r.diagnostics if d.severity == "warning"]) == 3


def test_extract_topics_as_one_string_is_one_topic():
    r = _extract("---\nwebUrl: https://a.example/\ntopics: AI\n---\n")
    assert [t.label for t in r.topics] == ["AI"] and r.diagnostics[0].severity == "warning"
