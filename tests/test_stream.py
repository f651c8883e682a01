"""``--stream``: N-Triples and N-Quads a chunk at a time, equal to a full build where files agree."""

from __future__ import annotations

import random
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


@pytest.mark.parametrize("merge", ["gnu-sort", "python"])
def test_stream_equals_the_full_build_where_files_agree(generated: Path, tmp_path: Path, monkeypatch, merge: str):
    monkeypatch.setattr(_stream, "RUN_LINES", 5_000)  # many runs on disk, merged in rounds
    monkeypatch.setattr(_stream, "FAN_IN", 4)
    if merge == "python":
        monkeypatch.setattr(_stream, "gnu_sort", lambda: None)
    else:
        monkeypatch.delenv("NEWSGRAPH_NO_SORT", raising=False)
        assert _stream.gnu_sort() is not None, "GNU sort (coreutils) is missing: the fast merge is not tested"
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


_TRICKY = [
    '<https://a.example/x> <https://schema.org/name> "a" .\n',
    '<https://a.example/x> <https://schema.org/name> "a b" .\n',  # a prefix of the next line but one
    '<https://a.example/x> <https://schema.org/name> "ab" .\n',
    '<https://a.example/x> <https://schema.org/name> "\\t tab, \\" quote" .\n',
    '<https://a.example/x> <https://schema.org/name> "caf\u00e9" .\n',  # é (2 bytes)
    '<https://a.example/x> <https://schema.org/name> "caf\u00ff" .\n',
    '<https://a.example/x> <https://schema.org/name> "\u4e2d\u6587" .\n',  # CJK (3 bytes)
    '<https://a.example/x> <https://schema.org/name> "\U0001f600" .\n',  # emoji (4 bytes): after CJK either way
    '<https://a.example/x> <https://schema.org/name> "\ufb01" .\n',  # a ligature: after CJK, before the emoji
    '<https://a.example/\u00e9> <https://schema.org/name> "x" .\n',
    '<https://a.example/~> <https://schema.org/name> "x" .\n',
    '_:b1 <https://schema.org/name> "x"@en .\n',
]


def test_gnu_sort_merges_runs_into_the_bytes_python_merges(tmp_path: Path, monkeypatch):
    """The two merges of a streaming build's runs agree byte for byte: GNU sort in the C locale compares UTF-8
    bytes, which sort as Python compares code points, and both drop repeats (within and across runs)."""
    monkeypatch.delenv("NEWSGRAPH_NO_SORT", raising=False)
    sort = _stream.gnu_sort()
    assert sort is not None, "GNU sort (coreutils) is missing"
    rng = random.Random(3)
    lines = _TRICKY * 3 + [
        f'<https://g.example/{rng.randrange(500)}> <https://p.example/p> "{i % 7}" .\n' for i in range(3000)
    ]
    # Runs of random parts, each sorted and without repeats, as the workers make them.
    parts = ["".join(sorted(set(rng.sample(lines, 700)))) for _ in range(9)]
    merged = {}
    for name, how in (("sort", sort), ("python", None)):
        work = tmp_path / name
        work.mkdir()
        runs = [work / f"run-{i}.nt" for i in range(len(parts))]
        for run, part in zip(runs, parts, strict=True):
            run.write_text(part, encoding="utf-8", newline="\n")
        count = _stream._merge_runs(runs, work, tmp_path / f"{name}.nt", how)
        merged[name] = (count, (tmp_path / f"{name}.nt").read_bytes())
    assert merged["sort"] == merged["python"]
    text = merged["sort"][1].decode("utf-8").splitlines(keepends=True)
    assert text == sorted(set(text)) and set(_TRICKY) <= set(text) and merged["sort"][0] == len(text)


def test_a_failing_sort_fails_the_build_and_publishes_nothing(tmp_path: Path, monkeypatch):
    fake = tmp_path / "sort"
    fake.write_text("#!/bin/sh\necho 'sort: write failed: /tmp: No space left on device' >&2\nexit 2\n")
    fake.chmod(0o755)
    monkeypatch.setattr(_stream, "gnu_sort", lambda: str(fake))
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left on device"):
        stream_build([SEEDS], out, ["nt"])
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("merge", ["gnu-sort", "python"])
def test_stream_keeps_text_with_unicode_line_separators_whole(tmp_path: Path, monkeypatch, merge: str):
    """Titles holding what Python's ``str.splitlines`` would cut at (U+2028, U+2029, U+0085, U+001D, U+000B) go
    through both merges of a streaming build as one statement each, as a full build writes them."""
    monkeypatch.setattr(_stream, "RUN_LINES", 10)  # the gathered runs are cut and merged
    monkeypatch.delenv("NEWSGRAPH_NO_SORT", raising=False)
    if merge == "python":
        monkeypatch.setattr(_stream, "gnu_sort", lambda: None)
    src = tmp_path / "src"
    odd = ["line\u2028separator", "next\u0085line", "para\u2029graph", "group\u001dsep", "vertical\u000btab"]
    for i, text in enumerate(odd):
        write_article(src, f"{i}.md", f'---\ntitle: "{text}"\nwebUrl: https://odd.example/{i}\n---\n')
    stream_build([src], tmp_path / "stream", ["nt"], workers=1)
    graph.build([src]).write(tmp_path / "full", ["nt"])
    streamed = (tmp_path / "stream" / "graph.nt").read_bytes()
    assert streamed == (tmp_path / "full" / "graph.nt").read_bytes()
    assert streamed.count(b"<https://schema.org/headline>") == len(odd)
