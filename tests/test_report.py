"""The report: every file's outcome and reasons, kg.report, strict builds and the command's exit statuses."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, write_article

import graph
from graph.cli.main import main
from graph.engines.local import process_file
from graph.model.report import Report, make_report
from graph.read.sources import find_sources

GOOD = "---\ntitle: Good\nwebUrl: https://a.example/1\nprovider: {name: P, domain: p.example}\n---\n"


def _corpus(folder: Path) -> Path:
    """One file of each outcome: kept, merged, warned and two rejected."""
    write_article(folder, "a-kept.md", GOOD)
    write_article(folder, "b-merged.md", GOOD.replace("Good", "Same article again").replace("/1", "/1#frag"))
    write_article(folder, "c-warned.md", "---\r\nwebUrl: https://c.example/\r\ntopics: AI\r\n---\r\n")
    write_article(folder, "d-rejected.md", "---\ntitle: [unclosed\n---\n")
    (folder / "e-binary.md").write_bytes(b"\x00\x01\x02\x03")
    return folder


def test_every_file_has_one_outcome_and_its_reasons(tmp_path: Path):
    report = graph.build([_corpus(tmp_path)]).report
    assert [(f.file, f.outcome) for f in report.files] == [
        ("a-kept.md", "kept"),
        ("b-merged.md", "merged"),
        ("c-warned.md", "warned"),
        ("d-rejected.md", "rejected"),
        ("e-binary.md", "rejected"),
    ]
    kept, merged, warned, rejected, binary = report.files
    assert merged.merged_into == "a-kept.md" and merged.article == kept.article is not None
    assert [d.code for d in warned.diagnostics] == ["crlf", "topics-text", "no-provider"]
    assert [(d.code, d.line) for d in rejected.errors] == [("malformed-yaml", 3)]
    assert binary.errors[0].code == "binary" and binary.article is None
    assert report.counts() == {
        "files": 5,
        "kept": 1,
        "merged": 1,
        "warned": 1,
        "rejected": 2,
        "skipped": 0,
        "warnings": 3,
        "errors": 2,
    }


def test_a_file_with_no_url_is_rejected_and_says_so(tmp_path: Path):
    write_article(tmp_path, "a.md", "---\ntitle: no url\n---\n")
    (entry,) = graph.build([tmp_path]).report.files
    assert entry.outcome == "rejected" and entry.errors[0].code == "no-url"


def test_summary_lists_rejected_files_and_counts_warnings(tmp_path: Path):
    text = graph.build([_corpus(tmp_path)]).report.summary(where="out/report.json")
    assert "5 files read: 1 kept, 1 merged" in text and "2 rejected" in text
    assert "d-rejected.md:3: malformed YAML" in text and "e-binary.md: a binary file" in text
    assert "1 crlf" in text and "out/report.json" in text


def test_summary_is_bounded_for_many_files(tmp_path: Path):
    for i in range(30):
        write_article(tmp_path, f"{i:02}.md", "not front matter\n")
    text = graph.build([tmp_path]).report.summary(limit=5)
    assert "... and 25 more" in text and len(text.splitlines()) < 12


def test_strict_raises_one_error_listing_every_rejected_file(tmp_path: Path):
    with pytest.raises(graph.RejectedFilesError) as caught:
        graph.build([_corpus(tmp_path)], strict=True)
    error = caught.value
    assert isinstance(error, ValueError)
    assert [f.file for f in error.rejected] == ["d-rejected.md", "e-binary.md"]
    assert "2 of 5 files rejected" in str(error)
    assert "d-rejected.md:3: malformed YAML" in str(error) and "e-binary.md: a binary file" in str(error)
    assert error.report.counts()["kept"] == 1


def test_strict_builds_when_nothing_is_rejected():
    kg = graph.build(["seeds"], strict=True)
    assert kg.report.rejected == [] and len(kg.corpus.articles) == 4


def test_report_is_the_same_whatever_the_file_order(tmp_path: Path):
    files = [process_file(s) for s in find_sources([_corpus(tmp_path)])]
    one = make_report(graph.model.merge.merge(files))
    two = make_report(graph.model.merge.merge(list(reversed(files))))
    assert one == two and one.to_json() == two.to_json()


def test_file_records_cross_process_boundaries_unchanged(tmp_path: Path):
    files = [process_file(s) for s in find_sources([_corpus(tmp_path)])]
    copied = pickle.loads(pickle.dumps(files))
    assert copied == files
    assert make_report(graph.model.merge.merge(copied)) == make_report(graph.model.merge.merge(files))


def test_report_is_the_same_with_workers_and_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = _corpus(tmp_path / "in")
    for i in range(40):
        write_article(folder, f"more/{i:02}.md", GOOD.replace("/1", f"/more{i}"))
    monkeypatch.setattr(graph.engines.local, "CHUNK", 4)  # small chunks: these few files go to 2 worker processes
    assert graph.engines.local.worker_count(2, 45) == 2
    plain = graph.build([folder], workers=1).report
    parallel = graph.build([folder], workers=2, cache=tmp_path / "cache").report
    cached = graph.build([folder], workers=2, cache=tmp_path / "cache").report
    assert plain.to_json() == parallel.to_json() == cached.to_json()


def test_report_json_is_written_by_the_command(tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(_corpus(tmp_path / "in")), "--out", str(out), "--format", "ttl"]) == 0
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data == json.loads(graph.build([tmp_path / "in"]).report.to_json())
    assert data["summary"]["rejected"] == 2 and [f["outcome"] for f in data["files"]][:2] == ["kept", "merged"]
    (diagnostic,) = data["files"][3]["diagnostics"]
    assert diagnostic["severity"] == "error" and diagnostic["code"] == "malformed-yaml" and diagnostic["line"] == 3
    assert diagnostic["message"].startswith("malformed YAML: ")
    err = capsys.readouterr().err
    assert "d-rejected.md:3" in err and "Traceback" not in err


def _run(*args: str, hashseed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    return subprocess.run(
        [sys.executable, "-m", "graph", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


def test_report_json_is_deterministic_and_utf8_and_exit_status_is_0(tmp_path: Path):
    folder = _corpus(tmp_path / "in")
    write_article(folder, "f-ünïcode 😀.md", '---\nwebUrl: https://f.example/\ntitle: "\\ud800 é 😀"\n---\n')
    for n, seed in ((1, "1"), (2, "2")):
        run = _run("build", str(folder), "--out", str(tmp_path / f"out{n}"), "--format", "ttl", hashseed=seed)
        assert run.returncode == 0, run.stderr  # warnings and rejections: still built
        assert "Traceback" not in run.stderr and "2 rejected" in run.stderr
        assert (tmp_path / f"out{n}" / "graph.ttl").is_file()
    one, two = ((tmp_path / f"out{n}" / "report.json").read_bytes() for n in (1, 2))
    assert one == two
    text = one.decode("utf-8")
    assert "f-ünïcode 😀.md" in text and "\\ud800" not in text and "surrogate" in text


def test_exit_status_1_with_strict_keeps_previous_exports(tmp_path: Path):
    out = tmp_path / "out"
    assert main(["build", "seeds", "--out", str(out), "--format", "ttl", "--strict"]) == 0
    before = (out / "graph.ttl").read_bytes()
    run = _run("build", str(_corpus(tmp_path / "in")), "--out", str(out), "--format", "ttl", "--strict")
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "d-rejected.md:3" in run.stderr and "e-binary.md" in run.stderr
    assert (out / "graph.ttl").read_bytes() == before
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["summary"]["rejected"] == 2


@pytest.mark.parametrize(
    "args",
    [["build", "--no-such-option"], ["build", "seeds", "--format", "nope"], ["frobnicate"], []],
)
def test_exit_status_2_for_usage_errors(args: list[str], capsys):
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2 and "Traceback" not in capsys.readouterr().err


def test_exit_status_2_for_a_missing_path_without_traceback(tmp_path: Path, capsys):
    assert main(["build", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err and "Traceback" not in err


def test_report_of_an_empty_build():
    assert Report().counts()["files"] == 0 and Report().to_json().startswith("{")


def test_summary_never_prints_control_characters_from_the_feed(tmp_path: Path):
    write_article(
        tmp_path, "evil\x1b[2J.md", "---\nwebUrl: https://a.example/\nquality: .nan\n\x1b]0;pwned\x07: x\n---\n"
    )
    write_article(tmp_path, "bad\x1b[31m.md", "not front matter")
    report = graph.build([tmp_path]).report
    text = report.summary()
    assert "\x1b" not in text and "\\x1b[2J" in text
    with pytest.raises(graph.RejectedFilesError) as caught:
        graph.build([tmp_path], strict=True)
    assert "\x1b" not in str(caught.value)


def test_messages_quoting_huge_values_are_short(tmp_path: Path):
    write_article(
        tmp_path, "a.md", "---\nwebUrl: https://a.example/\nimages: [{url: x, width: '" + "9x" * 5000 + "'}]\n---\n"
    )
    (entry,) = graph.build([tmp_path]).report.files
    assert entry.outcome == "warned" and all(len(d.message) <= 300 for d in entry.diagnostics)
