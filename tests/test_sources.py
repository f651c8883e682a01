import os
from pathlib import Path

from conftest import write_article

from graph.read.sources import display_name, find_sources, parse_document


def test_find_sources_recurses_skips_hidden_and_other_suffixes(tmp_path: Path):
    for name in ("a.md", "sub/b.txt", "sub/c.yaml", "d.yml", ".hidden.md", ".git/e.md", "f.json", "g.png", "h.css"):
        write_article(tmp_path, name, "---\n---\n")
    # JSON (a site's API pages) is read too; assets are not
    assert [s.name for s in find_sources([tmp_path])] == ["a.md", "d.yml", "f.json", "sub/b.txt", "sub/c.yaml"]


def test_find_sources_names_are_relative_to_common_root(tmp_path: Path):
    write_article(tmp_path, "x/a.md", "")
    write_article(tmp_path, "y/a.md", "")
    assert [s.name for s in find_sources([tmp_path / "x", tmp_path / "y" / "a.md"])] == ["x/a.md", "y/a.md"]


def test_find_sources_same_file_twice_is_read_once(tmp_path: Path):
    write_article(tmp_path, "a.md", "")
    assert len(find_sources([tmp_path, tmp_path / "a.md"])) == 1


def test_parse_document_ignores_markdown_body_and_bom():
    doc = parse_document("\ufeff---\r\ntitle: T\r\n---\r\n# Body\n---\nx: 1\n".encode(), "a.md")
    assert doc.data == {"title": "T"}


def test_parse_document_reports_malformed_yaml_with_line():
    doc = parse_document(b"---\ntitle: ok\nbad: [1, 2\n---\n", "a.md")
    assert doc.data is None
    (d,) = doc.diagnostics
    assert d.severity == "error" and "malformed YAML" in d.message and d.line is not None


def test_parse_document_rejects_non_mapping_and_non_utf8():
    assert "not a mapping" in parse_document(b"---\n- a\n---\n", "a").diagnostics[0].message
    assert "not UTF-8" in parse_document(b"---\ntitle: \xff\n---\n", "a").diagnostics[0].message


# -- hostile and odd files (issue 6) -------------------------------------------------------------------

import pickle  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from graph.read.sources import (  # noqa: E402
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    MAX_VALUES,
    Diagnostic,
    Source,
    parse_front_matter,
    read_document,
)

BILLION_LAUGHS = (
    "---\nwebUrl: https://a.example/\na: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9))
    + "---\n"
)


def _error(raw: bytes | str) -> Diagnostic:
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    doc = parse_document(data, "x.md")
    assert doc.data is None, doc.data
    errors = [d for d in doc.diagnostics if d.severity == "error"]
    assert len(errors) == 1, doc.diagnostics
    return errors[0]


def _warnings(raw: str) -> tuple[dict, list[Diagnostic]]:
    doc = parse_document(raw.encode("utf-8"), "x.md")
    assert doc.data is not None, doc.diagnostics
    assert all(d.severity == "warning" for d in doc.diagnostics)
    return doc.data, doc.diagnostics


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (BILLION_LAUGHS, "too-many-values"),
        ("---\na: " + "[" * 20_000 + "]" * 20_000 + "\n---\n", "too-deep"),
        ("---\na: " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n---\n", "too-deep"),
        ("---\na:\n" + "- " * 20_000 + "x\n---\n", "too-deep"),
        ("---\na: [" + "1," * 300_000 + "1]\n---\n", "too-many-values"),
        ("---\na: &a [*a]\n---\n", "recursive-alias"),
        ("---\na: &a {b: *a}\n---\n", "recursive-alias"),
        ("---\nwebUrl: x\na: !!python/object/apply:os.system ['echo pwned']\n---\n", "tag"),
        ("---\na: !!python/name:os.system\n---\n", "tag"),
        ("---\na: !!binary aGVsbG8=\n---\n", "tag"),
        ("---\na: !!set {x, y}\n---\n", "tag"),
        ("---\na: !custom x\n---\n", "tag"),
        ("---\na: &a {x: 1}\nb:\n  <<: *a\n---\n", "merge-key"),
        ("---\ntitle: x\nprovider:\n\tname: P\n---\n", "tabs"),
        ("---\ntitle: [unclosed\n---\n", "malformed-yaml"),
        ("no front matter\n", "no-front-matter"),
        ("---\ntitle: never closed\n", "not-closed"),
        ("---\n- a list\n---\n", "not-a-mapping"),
        ("---\n---\n", "not-a-mapping"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None,
)
def test_hostile_yaml_is_rejected_quickly_with_a_reason(text: str, code: str):
    start = time.perf_counter()
    error = _error(text)
    assert error.code == code, error
    assert time.perf_counter() - start < 5, "a hostile file must be rejected quickly"


def test_rejection_messages_name_the_line():
    assert _error("---\ntitle: x\nprovider:\n\tname: P\n---\n").line == 4
    assert _error("---\ntitle: ok\nbad: [1, 2\n---\n").line is not None
    assert _error("---\na: 1\nb: !!python/object:os.system x\n---\n").line == 3
    assert _error("---\na: " + "[" * 100 + "]" * 100 + "\n---\n").line == 2


def test_no_tag_constructs_an_object():
    for tag in ("!!python/object/new:os.system [x]", "!!python/tuple [1]", "!!python/bytes eA==", "!!timestamp x"):
        assert parse_document(f"---\na: {tag}\n---\n".encode(), "x.md").data is None


def test_binary_and_non_utf8_files_are_rejected():
    assert _error(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").code == "binary"
    assert _error(b"---\ntitle: ok\x00\n---\n").code == "binary"
    latin1 = _error("---\ntitle: ok\nexcerpt: caf\xe9\n---\n".encode("latin-1"))
    assert latin1.code == "not-utf8" and latin1.line == 3 and "0xe9" in latin1.message


def test_too_large_file_is_rejected_unread(tmp_path: Path):
    path = tmp_path / "huge.md"
    with path.open("wb") as f:  # a 50 MB field: sparse, so the test writes almost nothing
        f.write(b"---\ntitle: '")
        f.seek(50 * 1024 * 1024)
        f.write(b"'\n---\n")
    start = time.perf_counter()
    doc = read_document(Source(path, "huge.md"))
    assert time.perf_counter() - start < 1
    assert doc.data is None and doc.diagnostics[0].code == "too-large"
    assert f"{MAX_FILE_BYTES:,}" in doc.diagnostics[0].message


def test_a_field_longer_than_the_limit_is_rejected_naming_it():
    error = _error("---\ntitle: ok\nexcerpt: '" + "x" * (MAX_TEXT_CHARS + 1) + "'\n---\n")
    assert error.code == "field-too-large" and "excerpt" in error.message and error.line == 3


def test_limits_are_generous_for_real_files():
    text = "---\n" + "".join(f"k{i}: [{', '.join(['v'] * 20)}]\n" for i in range(1000)) + "---\n"
    assert parse_document(text.encode(), "x.md").data is not None
    assert MAX_DEPTH >= 16 and MAX_VALUES >= 10_000


def test_fifo_is_not_read(tmp_path: Path):
    path = tmp_path / "pipe.md"
    os.mkfifo(path)
    doc = read_document(Source(path, "pipe.md"))
    assert doc.data is None and doc.diagnostics[0].code in ("not-a-file", "unreadable")


def test_bom_crlf_and_body_are_kept_with_warnings():
    data, notes = _warnings("\ufeff---\r\ntitle: T\r\nwebUrl: https://a.example/\r\n---\r\n\r\n# Body\r\n")
    assert data == {"title": "T", "webUrl": "https://a.example/"}
    assert [(d.code, d.line) for d in notes] == [("bom", 1), ("crlf", None), ("body", 6)]


def test_blank_body_and_dots_end_marker_need_no_warning():
    data, notes = _warnings("---\ntitle: T\n...\n\n\n")
    assert data == {"title": "T"} and notes == []


def test_lone_surrogate_escapes_become_replacement_characters():
    data, notes = _warnings('---\ntitle: "a\\ud800b"\nexcerpt: "\\ud83d\\ude00"\n---\n')
    assert data == {"title": "a\ufffdb", "excerpt": "😀"}
    assert [(d.code, d.line) for d in notes] == [("surrogate", 2)]
    "".join(data.values()).encode("utf-8")  # every writer can write it


def test_control_characters_from_escapes_are_kept():
    data, _ = _warnings('---\ntitle: "nul \\0 bell \\a esc \\e del \\x7f nel \\N"\n---\n')
    assert data["title"] == "nul \x00 bell \x07 esc \x1b del \x7f nel \x85"


def test_undecodable_file_name_is_shown_not_crashed_on(tmp_path: Path):
    name = os.fsdecode(b"caf\xe9.md")
    (tmp_path / name).write_text("---\nwebUrl: https://a.example/\n---\n", encoding="utf-8")
    (source,) = find_sources([tmp_path])
    assert source.name == name  # exact: the raw byte is kept (its source IRI percent-encodes it)
    assert display_name(source.name) == "caf\\xe9.md"
    display_name(source.name).encode("utf-8")
    assert read_document(source).data == {"webUrl": "https://a.example/"}


def test_numbers_too_long_and_dates_that_cannot_exist_keep_the_file():
    doc = parse_document(("---\na: " + "9" * 5000 + "\nb: 0000-01-01\n---\n").encode(), "a.md")
    assert doc.data == {"a": "9" * 5000, "b": "0000-01-01"}
    assert [(d.code, d.line) for d in doc.diagnostics] == [("number-too-large", 2)]


def test_documents_and_diagnostics_pickle():
    doc = parse_document(b"\xef\xbb\xbf---\ntitle: T\n---\n", "a.md")
    assert pickle.loads(pickle.dumps(doc.diagnostics)) == doc.diagnostics


def test_parse_front_matter_is_one_call_for_any_parser():
    assert parse_front_matter("title: T\nn: 1\n") == {"title": "T", "n": 1}
    with pytest.raises(ValueError, match="not a mapping"):
        parse_front_matter("[1]\n")


def test_libyaml_nesting_limit_is_reported_as_too_deep_with_its_line():
    """Regression: PyYAML 6.0.4's libyaml stops at its own depth limit first; that is still ``too-deep``."""
    error = _error("---\ntitle: x\na: " + "[" * 2_000 + "]" * 2_000 + "\n---\n")
    assert error.code == "too-deep", error
    assert error.line == 3


@given(st.lists(st.sampled_from(["---", "...", "\n", " ", "\t", "a", "-", ".", "?", "[", " " * 16]), max_size=40))
def test_fence_and_depth_searches_find_what_multiline_anchors_find(pieces: list[str]):
    """The closing-line and deep-indent searches look after a "\\n" instead of anchoring "^" with re.M."""
    import re

    from graph.read import sources as _sources

    text = "".join(pieces)
    old_fence = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.M).search(text)
    new_fence = _sources._FENCE.match(text) or _sources._FENCE_LINE.search(text)
    assert (old_fence is None) == (new_fence is None)
    if old_fence is not None and new_fence is not None:
        assert (old_fence.start(), old_fence.end()) == (new_fence.start(1), new_fence.end(1))
    old_deep = re.compile(r"^[ \t?-]{16}", re.M).search(text) is not None
    assert old_deep == bool(_sources._DEEP_PREFIX.match(text) or _sources._DEEP_LINE.search(text))


def _tricky_tree(root: Path) -> None:
    """Names that sort differently as text and as paths, hidden parts, other suffixes, links."""
    for rel in ("a.md", "a/x.md", "a0.md", "a b.md", "a b/c.md", "b/.hidden/x.md", "b/.h.md", "b/y.txt", "b/z.png"):
        write_article(root, rel, f"---\nwebUrl: https://a.example/{rel}\n---\n")
    for rel in ("c/d/e/f.yml", "é.md", "a-b.md", "A.md", "%41.md"):
        write_article(root, rel, f"---\nwebUrl: https://a.example/{rel}\n---\n")
    (root / os.fsdecode(b"\xff-undecodable.md")).write_text("---\nwebUrl: https://a.example/ff\n---\n")
    os.symlink(root / "a" / "x.md", root / "b" / "link.md")  # a second way to the same file
    os.symlink(root / "b" / ".hidden" / "x.md", root / "c" / "to-hidden.md")  # a file the walk skips
    os.symlink(root / "c", root / "b" / "folder-link")  # not followed


def test_source_walk_meets_the_files_find_sources_finds_in_source_iri_order(tmp_path: Path):
    from graph.read.identity import source_iri
    from graph.read.sources import SourceWalk

    _tricky_tree(tmp_path)
    for paths in (
        [tmp_path],
        [tmp_path / "a", tmp_path / "b"],
        [tmp_path, tmp_path / "a", tmp_path / "a.md"],
        [tmp_path / "a.md", tmp_path / "b" / "link.md"],
        [tmp_path / "c"],
    ):
        walk = SourceWalk(paths)
        want = sorted(find_sources(paths), key=lambda s: source_iri(s.name))
        assert [s.name for s in walk] == [s.name for s in want], paths
        assert len(walk) == len(want)


def test_source_walk_sorts_a_large_folder_in_runs_on_disk_with_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A folder of more entries than LISTING_RUN is listed in sorted runs on disk, merged: same walk."""
    import graph.read.sources
    from graph.read.identity import source_iri
    from graph.read.sources import SourceWalk

    _tricky_tree(tmp_path)
    for i in range(25):
        write_article(tmp_path, f"n{i:02d}.md", f"---\nwebUrl: https://a.example/n{i}\n---\n")
    want = [s.name for s in sorted(find_sources([tmp_path]), key=lambda s: source_iri(s.name))]
    runs: list[int] = []
    write_keys = graph.read.sources._write_keys
    monkeypatch.setattr(
        graph.read.sources, "_write_keys", lambda folder, keys: runs.append(len(keys)) or write_keys(folder, keys)
    )
    monkeypatch.setattr(graph.read.sources, "LISTING_RUN", 4)
    assert [s.name for s in SourceWalk([tmp_path])] == want
    assert len(runs) >= 8 and max(runs) == 4  # the top folder alone lists 30 entries: in runs of 4


def test_link_to_a_file_outside_the_build_root_is_named_where_the_link_is(tmp_path: Path):
    """Regression: such a link made find_sources raise ValueError (a traceback instead of a build)."""
    write_article(tmp_path / "elsewhere", "x.md", "---\nwebUrl: https://a.example/x\n---\n")
    write_article(tmp_path / "corpus", "y.md", "---\nwebUrl: https://a.example/y\n---\n")
    os.symlink(tmp_path / "elsewhere" / "x.md", tmp_path / "corpus" / "x.md")
    assert [s.name for s in find_sources([tmp_path / "corpus"])] == ["x.md", "y.md"]
    # Not followed unless asked (issue 17): named, to be reported as skipped.
    assert [s.code for s in find_sources([tmp_path / "corpus"])] == ["link-outside", ""]
    assert [s.code for s in find_sources([tmp_path / "corpus"], follow_symlinks=True)] == ["", ""]


def test_the_ascii_fast_check_allows_exactly_what_the_control_character_pattern_allows():
    """ASCII text is checked as bytes (a faster path): it must let through what _NON_PRINTABLE does."""
    from graph.read.sources import _NON_PRINTABLE, _PRINTABLE_ASCII

    assert set(_PRINTABLE_ASCII) == {c for c in range(128) if not _NON_PRINTABLE.match(chr(c))}
    doc = parse_document(b"---\ntitle: a\x07b\nwebUrl: https://a.example/\n---\n", "a.md")
    assert doc.data["title"] == "a\ufffdb" and doc.diagnostics[0].code == "control-chars"
