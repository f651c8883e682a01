import datetime as dt

from graph.read.records import extract
from graph.read.sources import parse_document


def _extract(text: str):
    return extract(parse_document(text.encode(), "a.md"))


def test_extract_types_values_and_keeps_every_other_field():
    r = _extract(
        "---\ntitle: T\npublishedDateTime: 2021-12-15T10:27:00+02:00\nwebUrl: https://a.example/1\n"
        "quality: '7'\nnewField: {x: 1}\n---\n"
    )
    a = r.articles[0]
    assert a.date_published == dt.datetime(2021, 12, 15, 8, 27, tzinfo=dt.UTC)
    assert ("quality", 7) in a.extra and ("quality", "7") not in a.extra  # a number in quotes, read as one
    assert ("newField.x", 1) in a.extra and ("webUrl", "https://a.example/1") in a.extra


def test_extract_without_url_rejects_the_file_whole():
    r = _extract("---\ntitle: T\nrelated:\n  - webUrl: https://b.example/\n---\n")
    assert r.rejected and r.diagnostics[-1].severity == "error" and "no URL" in r.diagnostics[-1].message


def test_extract_odd_related_items_warn_and_keep_the_rest():
    r = _extract("---\nwebUrl: https://a.example/\nrelated:\n  - null\n  - https://b.example/\n  - {title: x}\n---\n")
    assert [a.url for a in r.articles] == ["https://a.example/", "https://b.example/"]
    codes = [d.code for d in r.diagnostics if d.severity == "warning"]
    assert codes == ["related-null", "related-text", "related-no-url", "no-provider"]


def test_extract_topics_as_one_string_is_one_topic():
    r = _extract("---\nwebUrl: https://a.example/\ntopics: AI\n---\n")
    assert [t.label for t in r.topics] == ["AI"] and r.diagnostics[0].severity == "warning"


# -- odd but usable values are kept with a warning; wrong shapes are named (issue 6) ---------------------


def _codes(r) -> list[tuple[str, int | None]]:
    return [(d.code, d.line) for d in r.diagnostics]


_OK = "webUrl: https://a.example/\nprovider: {name: P, domain: p.example}\n"


def test_a_date_with_an_offset_is_converted_to_utc_with_a_warning():
    r = _extract(f"---\n{_OK}publishedDateTime: 2021-12-15T10:27:00+02:00\n---\n")
    assert r.articles[0].date_published == dt.datetime(2021, 12, 15, 8, 27, tzinfo=dt.UTC)
    assert _codes(r) == [("date-offset", 4)]


def test_a_date_without_a_time_is_midnight_utc_with_a_warning():
    r = _extract(f"---\n{_OK}publishedDateTime: 2021-12-15\n---\n")
    assert r.articles[0].date_published == dt.datetime(2021, 12, 15, tzinfo=dt.UTC)
    assert _codes(r) == [("date-only", 4)]


def test_a_utc_date_needs_no_warning():
    r = _extract(f"---\n{_OK}publishedDateTime: 2021-12-15T10:27:00Z\n---\n")
    assert r.articles[0].date_published is not None and r.diagnostics == []


def test_a_date_out_of_range_in_utc_does_not_crash():
    r = _extract(f"---\n{_OK}publishedDateTime: 9999-12-31T23:00:00-05:00\nother: 0001-01-01T00:00:00+01:00\n---\n")
    assert not r.rejected and r.articles[0].date_published is None
    assert ("bad-date", 4) in _codes(r)


def test_numbers_in_quotes_are_read_as_numbers_with_a_warning():
    r = _extract(
        f"---\n{_OK}quality: '59'\nheat: \"7\"\npublished: 'true'\n"
        "images:\n  - {url: 'https://i.example/a.jpg', width: '580', height: '387'}\n---\n"
    )
    a = r.articles[0]
    assert ("quality", 59) in a.extra and ("heat", 7) in a.extra and ("published", True) in a.extra
    (image,) = r.images
    assert (image.width, image.height) == (580, 387)
    assert [c for c, _ in _codes(r)].count("number-text") == 4 and ("boolean-text", 6) in _codes(r)


def test_text_that_is_not_a_number_stays_text():
    r = _extract(f"---\n{_OK}quality: high\n---\n")
    assert ("quality", "high") in r.articles[0].extra
    assert [(d.code, d.message) for d in r.diagnostics] == [
        ("not-a-number", "quality: expected a whole number, got 'high'; kept as text")
    ]


def test_not_finite_numbers_are_kept_as_text():
    r = _extract(f"---\n{_OK}quality: .nan\nheat: -.inf\n---\n")
    assert ("quality", "nan") in r.articles[0].extra and ("heat", "-inf") in r.articles[0].extra
    assert [c for c, _ in _codes(r)] == ["not-finite", "not-finite"]


def test_a_missing_provider_is_a_warning_not_a_rejection():
    r = _extract("---\nwebUrl: https://a.example/\n---\n")
    assert not r.rejected and r.articles[0].provider is None
    assert _codes(r) == [("no-provider", None)]


def test_a_provider_given_as_text_is_its_domain():
    r = _extract("---\nwebUrl: https://a.example/\nprovider: WWW.P.example\n---\n")
    assert [p.domain for p in r.providers] == ["p.example"] and _codes(r) == [("provider-text", 3)]


def test_topics_as_one_text_warn_on_their_line():
    r = _extract(f"---\n{_OK}topics: AI\n---\n")
    assert [t.label for t in r.topics] == ["AI"] and _codes(r) == [("topics-text", 4)]


def test_wrong_shapes_are_named_and_the_rest_is_kept():
    r = _extract(
        f"---\n{_OK}title: {{a: 1}}\ntopics: {{x: y}}\nimages: 5\nrelated: {{webUrl: https://b.example/}}\n---\n"
    )
    assert not r.rejected
    messages = [d.message for d in r.diagnostics]
    assert all(d.severity == "warning" for d in r.diagnostics)
    for name in ("title", "topics", "images", "related"):
        assert any(m.startswith(name) for m in messages), (name, messages)
    assert [a.url for a in r.articles] == ["https://a.example/", "https://b.example/"]


def test_a_url_of_the_wrong_shape_is_named_and_its_first_url_used():
    r = _extract("---\nwebUrl: [https://a.example/]\n---\n")
    assert not r.rejected and r.articles[0].url == "https://a.example/"
    assert [(d.severity, d.code) for d in r.diagnostics] == [("warning", "wrong-shape"), ("warning", "no-provider")]
    assert r.diagnostics[0].message.startswith("webUrl") and r.diagnostics[0].line == 2
    r = _extract("---\nwebUrl: {a: 1}\n---\n")  # no URL in it: the article is known by its file
    assert not r.rejected and r.articles[0].url == "https://newsgraph.example/id/file/a.md"
    assert [d.code for d in r.diagnostics] == ["wrong-shape", "placeholder-url", "no-provider"]


def test_odd_keys_do_not_crash():
    r = _extract(f"---\n{_OK}~: x\n1: y\n2021-01-01: z\n---\n")
    assert {k for k, _ in r.articles[0].extra} >= {"None", "1", "2021-01-01"}


def test_many_warnings_in_one_file_are_capped_and_do_not_rescan_the_file():
    # Regression: each warning looked its field's line up by scanning the whole file (quadratic).
    text = "---\nwebUrl: https://a.example/\npad: '" + "x" * 500_000 + "'\nrelated:\n" + "  - null\n" * 20_000 + "---\n"
    r = _extract(text)
    assert not r.rejected and len(r.diagnostics) == 101
    assert r.diagnostics[0].line == 4 and r.diagnostics[-1].code == "more-warnings"
    assert "19901 more warnings" in r.diagnostics[-1].message
