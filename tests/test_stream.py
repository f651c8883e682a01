"""``--stream``: N-Triples and N-Quads a chunk at a time, equal to a full build where files agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GEN_CORPUS, SEEDS, write_article

import graph
from graph.cli.main import main
from graph.engines import stream as _stream
from graph.engines.stream import stream_build


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", "600", "--out", str(out), "--seed", "5"], check=True)
    return out


def test_stream_equals_the_full_build_where_files_agree(generated: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(_stream, "RUN_LINES", 5_000)  # many runs on disk, merged in rounds
    monkeypatch.setattr(_stream, "FAN_IN", 4)
    result = stream_build([generated], tmp_path / "stream", ["nt", "nq"], workers=2)
    graph.build([generated]).write(tmp_path / "full", ["nt", "nq"])
    for name in ("graph.nt", "graph.nq"):
        assert (tmp_path / "stream" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
    assert result.files == 600 and result.rejected == 0
    assert result.triples == (tmp_path / "full" / "graph.nt").read_bytes().count(b"\n")
    assert not [p for p in (tmp_path / "stream").iterdir() if p.name.startswith(".stream-")]  # no leftovers


def test_stream_keeps_every_value_where_files_disagree(tmp_path: Path):
    src = tmp_path / "src"
    stub = "related:\n  - title: Old title\n    webUrl: https://b.example/2\n"
    write_article(src, "a.md", f"---\ntitle: A\nwebUrl: https://a.example/1\n{stub}---\n")
    write_article(src, "b.md", "---\ntitle: New title\nwebUrl: https://b.example/2\n---\n")
    stream_build([src], tmp_path / "stream", ["nt"])
    graph.build([src]).write(tmp_path / "full", ["nt"])
    streamed = set((tmp_path / "stream" / "graph.nt").read_text(encoding="utf-8").splitlines())
    full = set((tmp_path / "full" / "graph.nt").read_text(encoding="utf-8").splitlines())
    # The full build says which title won (the other under schema:alternativeHeadline); the stream cannot,
    # and keeps both under schema:headline.
    lost = {line for line in full if "alternativeHeadline" in line}
    assert lost and all("Old title" in line for line in lost)
    assert {line.replace("alternativeHeadline", "headline") for line in full} == streamed


def test_stream_reports_rejected_files_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    src = tmp_path / "src"
    write_article(src, "bad.md", "no front matter")
    for path in SEEDS.iterdir():
        (src / path.name).write_bytes(path.read_bytes())
    assert main(["build", str(src), "--out", str(tmp_path / "out"), "--stream", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bad.md:1: error: no front matter" in captured.err
    assert (tmp_path / "out" / "graph.nt").stat().st_size > 0


def test_stream_refuses_formats_that_need_the_whole_graph(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["build", str(SEEDS), "--out", str(tmp_path), "--stream", "--format", "ttl"]) == 2
    assert "--stream writes nt and nq only" in capsys.readouterr().err
    assert not (tmp_path / "graph.ttl").exists()


def test_stream_cli_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["build", str(SEEDS), "--out", str(tmp_path), "--stream", "--format", "nt,nq"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 files read, 0 rejected;") and "(streamed)" in out
    assert (tmp_path / "graph.nq").is_file() and (tmp_path / ".cache").is_dir()
