"""Odd trees (issue 17): very deep folders, loops of links, links out of the input, folders and files that cannot
be read. One walk policy serves every engine (the local build, ``--stream``, the Dask engine's listing); what is not
read is named in the report and the build goes on.

Unreadable files and folders are simulated: the tests run as root, whom permission bits do not stop, so
``os.scandir`` and ``os.open`` are made to answer ``PermissionError`` for the chosen paths, as they do for a user.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from conftest import write_article

import graph
from graph.cli.main import main
from graph.engines.stream import stream_build
from graph.read.identity import source_iri
from graph.read.sources import SourceWalk, find_sources
from graph.util.publish import remove_tree


def article(folder: Path, name: str, url: str) -> Path:
    return write_article(folder, name, f"---\ntitle: {name}\nwebUrl: {url}\nprovider:\n  domain: a.example\n---\n")


def outcomes(kg: graph.KnowledgeGraph) -> dict[str, tuple[str, str]]:
    """file -> (outcome, what the report says: the error, or the reason a file was skipped)."""
    said = {}
    for f in kg.report.files:
        errors = [d.message for d in f.errors]
        said[f.file] = (f.outcome, errors[0] if errors else f.reason)
    return said


def same_walks(paths: list[Path], follow: bool = False) -> list[str]:
    """The names the walk of a local build finds; the streaming walk must meet the same, in source-IRI order."""
    found = find_sources(paths, follow)
    walk = SourceWalk(paths, follow)
    assert [s.name for s in walk] == [s.name for s in sorted(found, key=lambda s: source_iri(s.name))]
    assert len(walk) == len(found)
    return [s.name for s in found]


def test_a_folder_1000_levels_deep_builds(tmp_path: Path):
    """Regression: the walk recursed once per level (RecursionError past ~1,000 levels)."""
    root = tmp_path / "corpus"
    root.mkdir()
    deep = root
    for _ in range(1000):  # one level at a time: pathlib's mkdir(parents=True) recurses too
        deep = deep / "d"
        deep.mkdir()
    (deep / "bottom.md").write_text("---\nwebUrl: https://a.example/bottom\n---\n")
    try:
        article(root, "top.md", "https://a.example/top")
        kg = graph.build([root])
        bottom = "d/" * 1000 + "bottom.md"
        assert sorted(outcomes(kg)) == [bottom, "top.md"]
        assert {a.url for a in kg.corpus.articles.values()} == {"https://a.example/bottom", "https://a.example/top"}
        assert same_walks([root]) == [bottom, "top.md"]
        result = stream_build([root], tmp_path / "out", ["nt"])
        assert result.files == 2 and result.rejected == 0
    finally:
        remove_tree(root)  # pytest's own clean-up of old temporary folders recurses per level


def _loops(root: Path) -> None:
    article(root, "a/x.md", "https://a.example/x")
    os.symlink("..", root / "a" / "up")  # a folder link to its own parent
    os.symlink(root, root / "a" / "root")  # and to the root
    os.symlink("loop2.md", root / "loop1.md")  # two file links pointing at each other
    os.symlink("loop1.md", root / "loop2.md")
    os.symlink("self.md", root / "self.md")


@pytest.mark.parametrize("follow", [False, True])
def test_symlink_loops_end_and_are_named(tmp_path: Path, follow: bool):
    root = tmp_path / "corpus"
    _loops(root)
    kg = graph.build([root], follow_symlinks=follow)
    loop = "a loop of symbolic links ({}); not read"
    assert outcomes(kg) == {
        "a/x.md": ("kept", ""),
        "loop1.md": ("rejected", loop.format("loop2.md")),
        "loop2.md": ("rejected", loop.format("loop1.md")),
        "self.md": ("rejected", loop.format("self.md")),
    }
    assert same_walks([root], follow) == ["a/x.md", "loop1.md", "loop2.md", "self.md"]


def _with_links_out(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    article(root, "inside.md", "https://a.example/inside")
    article(tmp_path / "elsewhere", "secret.md", "https://b.example/secret")
    article(tmp_path / "elsewhere" / "more", "deeper.md", "https://b.example/deeper")
    os.symlink(tmp_path / "elsewhere" / "secret.md", root / "to-file.md")
    os.symlink(tmp_path / "elsewhere" / "more", root / "to-folder")
    os.symlink(root / "inside.md", root / "alias.md")  # into the input: the same file, read once
    return root


def test_a_link_out_of_the_input_is_named_and_not_followed(tmp_path: Path):
    root = _with_links_out(tmp_path)
    kg = graph.build([root])
    outside = "a symbolic link to a {} outside the input ({}); not followed (--follow-symlinks follows it)"
    assert outcomes(kg) == {
        "inside.md": ("kept", ""),
        "to-file.md": ("skipped", outside.format("file", tmp_path / "elsewhere" / "secret.md")),
        "to-folder": ("skipped", outside.format("folder", tmp_path / "elsewhere" / "more")),
    }
    assert {a.url for a in kg.corpus.articles.values()} == {"https://a.example/inside"}
    assert same_walks([root]) == ["inside.md", "to-file.md", "to-folder"]


def test_follow_symlinks_reads_what_links_out_of_the_input_point_at(tmp_path: Path):
    root = _with_links_out(tmp_path)
    kg = graph.build([root], follow_symlinks=True)
    assert outcomes(kg) == {
        "inside.md": ("kept", ""),
        "to-file.md": ("kept", ""),
        "to-folder/deeper.md": ("kept", ""),
    }
    assert same_walks([root], follow=True) == ["inside.md", "to-file.md", "to-folder/deeper.md"]


def test_the_command_line_names_links_out_and_follows_them_when_asked(tmp_path: Path, capsys):
    root = _with_links_out(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(root), "--out", str(out), "--format", "nt"]) == 0
    report = json.loads((out / "report.json").read_text())
    skipped = {f["file"]: f["reason"] for f in report["files"] if f["outcome"] == "skipped"}
    assert sorted(skipped) == ["to-file.md", "to-folder"] and "--follow-symlinks" in skipped["to-file.md"]
    assert b"b.example/secret" not in (out / "graph.nt").read_bytes()
    assert main(["build", str(root), "--out", str(out), "--format", "nt", "--follow-symlinks"]) == 0
    assert b"b.example/secret" in (out / "graph.nt").read_bytes()
    assert main(["build", str(root), "--out", str(out / "s"), "--stream", "--follow-symlinks"]) == 0
    assert b"b.example/deeper" in (out / "s" / "graph.nt").read_bytes()


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus with a folder and a file that cannot be read (``PermissionError``, as for a user without rights)."""
    root = tmp_path / "corpus"
    article(root, "ok.md", "https://a.example/ok")
    article(root, "private/hidden-from-us.md", "https://a.example/private")
    article(root, "private-notes.md", "https://a.example/notes")
    article(root, "z/secret.md", "https://a.example/secret")
    denied_folder = str(root / "private")
    denied_file = str(root / "z" / "secret.md")
    scandir, open_ = os.scandir, os.open

    def no_listing(path: str | os.PathLike[str] = ".") -> object:
        if not isinstance(path, int) and os.fspath(path) == denied_folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return scandir(path)

    def no_reading(path: str | os.PathLike[str], flags: int, *args: object, **kwargs: object) -> int:
        if not isinstance(path, int) and os.fspath(path) == denied_file:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return open_(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", no_listing)
    monkeypatch.setattr(os, "open", no_reading)
    return root


def test_unreadable_files_and_folders_are_named_and_the_build_goes_on(locked: Path):
    kg = graph.build([locked], workers=1)
    assert outcomes(kg) == {
        "ok.md": ("kept", ""),
        "private-notes.md": ("kept", ""),
        "private/": ("rejected", "cannot read the folder: Permission denied"),
        "z/secret.md": ("rejected", "cannot read: Permission denied"),
    }
    assert same_walks([locked]) == ["ok.md", "private-notes.md", "private/", "z/secret.md"]


def test_a_streaming_build_names_unreadable_folders_too(locked: Path, tmp_path: Path):
    result = stream_build([locked], tmp_path / "out", ["nt"], workers=1)
    assert (result.files, result.rejected) == (4, 2)
