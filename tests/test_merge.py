from pathlib import Path

from conftest import write_article

import graph


def _article(url: str, title: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\nwebUrl: {url}\nprovider:\n  name: P\n  domain: p.example\n{extra}---\n"


def test_stub_known_by_original_url_is_the_full_article(tmp_path: Path):
    write_article(tmp_path, "a.md", _article("https://a.example/1", "Full", "originalUrl: https://old.example/1\n"))
    write_article(
        tmp_path,
        "b.md",
        _article("https://b.example/", "B", "related:\n  - title: Stub\n    webUrl: https://old.example/1\n"),
    )
    kg = graph.build([tmp_path])
    assert len(kg.corpus.articles) == 2
    full = next(a for a in kg.corpus.articles.values() if a.url == "https://a.example/1")
    assert full.title == "Full" and not full.stub and full.sources == ("a.md", "b.md")


def test_same_article_in_two_files_merges_independent_of_file_order(tmp_path: Path):
    one, two = tmp_path / "one", tmp_path / "two"
    write_article(one, "a.md", _article("https://a.example/1", "First", "quality: 1\n"))
    write_article(one, "b.md", _article("HTTPS://A.example/1#x", "Second", "heat: 2\n"))
    write_article(two, "b.md", _article("https://a.example/1", "First", "quality: 1\n"))
    write_article(two, "a.md", _article("HTTPS://A.example/1#x", "Second", "heat: 2\n"))
    a1 = list(graph.build([one]).corpus.articles.values())
    a2 = list(graph.build([two]).corpus.articles.values())
    assert len(a1) == len(a2) == 1
    assert a1[0].title == a2[0].title
    assert {k for k, _ in a1[0].extra} >= {"quality", "heat"}


def test_real_provider_name_beats_the_domain(tmp_path: Path):
    write_article(
        tmp_path, "a.md", "---\nwebUrl: https://a.example/\nprovider: {name: p.example, domain: p.example}\n---\n"
    )
    write_article(
        tmp_path, "b.md", "---\nwebUrl: https://b.example/\nprovider: {name: Real P, domain: www.P.example}\n---\n"
    )
    (provider,) = graph.build([tmp_path]).corpus.providers.values()
    assert provider.name == "Real P" and provider.domain == "p.example"


def test_topic_spelling_variants_are_one_node(tmp_path: Path):
    write_article(tmp_path, "a.md", "---\nwebUrl: https://a.example/\ntopics: [Computer Vision]\n---\n")
    write_article(tmp_path, "b.md", "---\nwebUrl: https://b.example/\ntopics: [computer  vision]\n---\n")
    (topic,) = graph.build([tmp_path]).corpus.topics.values()
    assert topic.label in ("Computer Vision", "computer  vision")


def test_gathering_files_out_of_name_order_merges_as_merge_does(tmp_path: Path, samples: Path):
    """Records are grouped as files arrive; files arriving out of name order are sorted and grouped again."""
    from graph.engines.local import process_files
    from graph.model.merge import Gathering, merge
    from graph.read.sources import find_sources

    files = list(process_files(find_sources([samples]), workers=1))
    gathering = Gathering()
    for f in reversed(list(process_files(find_sources([samples]), workers=1))):
        gathering.add(f)
    assert not gathering.in_order
    assert gathering.corpus() == merge(files)


def test_shared_values_never_join_equal_values_of_other_types():
    """Regression guard: 1 == True == 1.0 and -0.0 == 0.0 in Python, but they are different values in RDF."""
    from graph.model.merge import _Shared
    from graph.read.records import FileRecords, Image

    def image(extra):
        return FileRecords("a.md", images=[Image("id:i", "https://i.example/", extra=extra)])

    shared = _Shared()
    files = [image((("n", 1),)), image((("n", True),)), image((("n", 1),)), image((("f", 0.0),)), image((("f", -0.0),))]
    for f in files:
        shared.file(f)
    extras = [f.images[0].extra for f in files]
    assert [type(e[0][1]) for e in extras] == [int, bool, int, float, float]
    assert repr(extras[4][0][1]) == "-0.0"
    assert extras[0] is extras[2] and extras[1] is not extras[0]  # same values, same types: one object


def test_equal_providers_and_topics_of_many_files_are_one_object_and_merge_the_same(tmp_path: Path):
    for i in range(3):
        write_article(tmp_path, f"{i}.md", _article(f"https://a.example/{i}", f"T{i}", "topics: [AI]\n"))
    kg = graph.build([tmp_path])
    providers = [f.providers[0] for f in kg.corpus.files]
    topics = [f.topics[0] for f in kg.corpus.files]
    assert all(p is providers[0] for p in providers) and all(t is topics[0] for t in topics)
    assert len(kg.corpus.providers) == len(kg.corpus.topics) == 1


def _image_and_provider_flags(folder: Path, names: tuple[str, str]) -> tuple[object, object]:
    """Build two files naming one image and one provider, one with ``flag: 1``, the other ``flag: true``."""
    for name, (url, flag) in zip(names, (("https://a.example/1", "1"), ("https://a.example/2", "true")), strict=True):
        write_article(
            folder,
            name,
            f"---\nwebUrl: {url}\nprovider:\n  name: P\n  domain: p.example\n  flag: {flag}\n"
            f"images:\n  - url: https://img.example/x.png\n    flag: {flag}\n---\n",
        )
    corpus = graph.build([folder]).corpus
    (image,) = corpus.images.values()
    (provider,) = corpus.providers.values()
    return dict(image.extra)["flag"], dict(provider.extra)["flag"]


def test_image_and_provider_values_1_and_true_merge_independent_of_file_names(tmp_path: Path):
    """Regression: ``1 == True`` in Python, so equal-looking image and provider records were one class,
    kept under whichever file came first by name: the merged value followed the file names."""
    one = _image_and_provider_flags(tmp_path / "one", ("a.md", "b.md"))
    two = _image_and_provider_flags(tmp_path / "two", ("b.md", "a.md"))
    assert [(type(v), v) for v in one] == [(type(v), v) for v in two]
    assert all(type(v) is int and v == 1 for v in one)  # of the two, the one that sorts first, whatever the order
