from pathlib import Path

from conftest import write_article

from graph._sources import find_sources, parse_document


def test_find_sources_recurses_skips_hidden_and_other_suffixes(tmp_path: Path):
    for name in ("a.md", "sub/b.txt", "sub/c.yaml", "d.yml", ".hidden.md", ".git/e.md", "f.json"):
        write_article(tmp_path, name, "---\n---\n")
    assert [s.name for s in find_sources([tmp_path])] == ["a.md", "d.yml", "sub/b.txt", "sub/c.yaml"]


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
