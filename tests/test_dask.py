"""The Dask engine: the same corpus, and so the same exports, as a local build.

One local cluster of two worker processes (one thread each) serves the module.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed
import fsspec
import pytest
from conftest import GEN_CORPUS, SEEDS, write_article

from graph.cli.main import main
from graph.engines.dask import DaskNotInstalled, find_remote_sources, plan, read_corpus, write_parts
from graph.engines.local import read_corpus as local_corpus
from graph.formats import FORMATS
from graph.kg import KnowledgeGraph
from graph.model.merge import Corpus
from graph.model.report import make_report
from graph.read.sources import MAX_FILE_BYTES, find_sources


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def generate(n: int, out: Path, seed: int = 42) -> Path:
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", str(n), "--out", str(out), "--seed", str(seed)], check=True)
    return out


@pytest.fixture(scope="module")
def corpus_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(10_000, tmp_path_factory.mktemp("c10k"))


def exports(corpus: Corpus, out: Path, formats: list[str]) -> dict[str, bytes]:
    """The bytes of each export written from ``corpus``."""
    return {p.name: p.read_bytes() for p in KnowledgeGraph(corpus).write(out, formats)}


def assert_same_corpus(local: Corpus, dask: Corpus) -> None:
    assert dask.base == local.base
    for kind in ("articles", "providers", "topics", "images"):
        assert list(getattr(dask, kind).items()) == list(getattr(local, kind).items()), kind
    assert dask.files == local.files
    assert [str(d) for d in dask.diagnostics] == [str(d) for d in local.diagnostics]


def test_samples_every_format_byte_identical(client: Any, samples: Path, tmp_path: Path) -> None:
    local = local_corpus([samples])
    dask = read_corpus([samples], client=client, files_per_partition=7)
    assert len(local.files) >= 80
    assert_same_corpus(local, dask)
    formats = sorted(FORMATS)
    assert exports(dask, tmp_path / "dask", formats) == exports(local, tmp_path / "local", formats)


def test_10k_synthetic_byte_identical(client: Any, corpus_10k: Path, tmp_path: Path) -> None:
    local = local_corpus([corpus_10k])
    dask = read_corpus([corpus_10k], client=client, files_per_partition=1_000, buckets=3)
    assert len(dask.files) == 10_000 and dask.files_rejected == 0
    assert_same_corpus(local, dask)
    assert exports(dask, tmp_path / "dask", ["nt"]) == exports(local, tmp_path / "local", ["nt"])


def test_partitioning_does_not_change_the_corpus(client: Any, tmp_path: Path) -> None:
    folder = generate(300, tmp_path / "c", seed=7)
    one = read_corpus([folder], client=client, files_per_partition=300, buckets=1)
    many = read_corpus([folder], client=client, files_per_partition=13, buckets=5)
    assert_same_corpus(one, many)
    assert_same_corpus(local_corpus([folder]), many)


def test_worker_killed_mid_build_is_rescheduled(client: Any, tmp_path: Path) -> None:
    folder = generate(800, tmp_path / "c", seed=3)
    local = local_corpus([folder])
    pids_before = set(client.run(os.getpid).values())
    killed: list[tuple[int, int]] = []

    def kill_one(done: int, total: int) -> None:
        if killed:
            return
        # The worker holding the most finished work: its results are lost too, and recomputed.
        held = client.has_what()
        victim = max(sorted(held), key=lambda addr: len(held[addr]))
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        killed.append((done, total))

    dask = read_corpus([folder], client=client, files_per_partition=40, progress=kill_one)
    assert killed and killed[0][0] < killed[0][1], "the worker was killed before the build finished"
    assert_same_corpus(local, dask)
    client.wait_for_workers(2, timeout=60)
    assert set(client.run(os.getpid).values()) != pids_before, "a worker process was replaced"


def test_bad_files_reported_as_in_a_local_build(client: Any, tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    for seed in sorted(SEEDS.iterdir()):
        write_article(folder, seed.name, seed.read_text(encoding="utf-8"))
    write_article(folder, "bad/no-front-matter.md", "title: no dashes\n")
    write_article(folder, "bad/malformed.md", "---\ntitle: [unclosed\nwebUrl: https://x.example/1\n---\n")
    write_article(folder, "bad/no-url.md", "---\ntitle: Nowhere\n---\n")
    write_article(folder, "warn/topics-as-text.md", "---\ntitle: T\nwebUrl: https://w.example/1\ntopics: AI\n---\n")
    (folder / "bad" / "binary.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    local = local_corpus([folder])
    dask = read_corpus([folder], client=client, files_per_partition=2)
    assert dask.files_rejected == local.files_rejected == 4
    assert any(d.severity == "warning" for d in dask.diagnostics)
    assert_same_corpus(local, dask)
    report = make_report(dask)
    assert report.to_json() == make_report(local).to_json()  # the same report.json
    assert {f.file for f in report.rejected} == {
        f"bad/{n}.md" for n in ("binary", "malformed", "no-front-matter", "no-url")
    }


def test_memory_urls_are_read_on_the_workers(client: Any, tmp_path: Path) -> None:
    folder = generate(120, tmp_path / "c", seed=11)
    (folder / "too-large.md").write_bytes(b"---\ntitle: " + b"x" * MAX_FILE_BYTES + b"\n---\n")
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.iterdir()}
    files[".hidden.md"] = b"not an article"
    files["notes.csv"] = b"a,b"  # not a suffix the build reads (JSON is: a site's API pages)

    def populate(files: dict[str, bytes] = files) -> int:
        import fsspec

        fs = fsspec.filesystem("memory")
        for name, data in files.items():
            fs.pipe_file(f"/newsgraph-test/feed/{name}", data)
        return len(files)

    populate()  # the client lists the files; the workers read them
    assert set(client.run(populate).values()) == {len(files)}
    try:
        dask = read_corpus(["memory://newsgraph-test/feed"], client=client, files_per_partition=25)
        assert_same_corpus(local_corpus([folder]), dask)
        assert [d.code for d in dask.diagnostics] == ["too-large"]
    finally:
        client.run(lambda: fsspec.filesystem("memory").rm("/newsgraph-test", recursive=True))
        fsspec.filesystem("memory").rm("/newsgraph-test", recursive=True)


def test_file_urls_name_sources_as_local_paths_do(client: Any, samples: Path) -> None:
    urls = [f"file://{samples}/ai", f"file://{SEEDS / '000_538a4fffcd099543.txt'}"]
    _, remote = find_remote_sources(urls)
    local = find_sources([samples / "ai", SEEDS / "000_538a4fffcd099543.txt"])
    assert [s.name for s in remote] == [s.name for s in local]
    assert_same_corpus(
        local_corpus([samples / "ai", SEEDS]), read_corpus([f"file://{samples}/ai", f"file://{SEEDS}"], client=client)
    )


def test_missing_url_and_mixed_inputs_are_clear_errors(client: Any) -> None:
    with pytest.raises(FileNotFoundError, match="no such file or folder: memory://nowhere"):
        read_corpus(["memory://nowhere"], client=client)
    with pytest.raises(ValueError, match="all local paths or all URLs"):
        read_corpus(["seeds", "memory://x"], client=client)


def test_without_the_extra_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(DaskNotInstalled, match=r'pip install "newsgraph\[dask\]"'):
        read_corpus(["seeds"])


def test_plan_grows_partitions_and_buckets_with_the_corpus() -> None:
    assert plan(80, 2) == (50, 2)
    assert plan(100_000, 2) == (12_500, 2)
    assert plan(1_000_000, 8) == (20_000, 10)
    assert plan(10_000_000, 8) == (20_000, 100)
    assert plan(10, 4, files_per_partition=3, buckets=9) == (3, 4)


def test_progress_runs_in_the_calling_thread(client: Any) -> None:
    seen: list[tuple[int, int, str]] = []
    read_corpus(
        ["seeds"],
        client=client,
        files_per_partition=1,
        progress=lambda d, n: seen.append((d, n, threading.current_thread().name)),
    )
    assert [(d, n) for d, n, _ in seen] == [(1, 2), (2, 2)]
    assert {name for *_, name in seen} == {threading.current_thread().name}


def _lines(folder: Path) -> list[str]:
    return sorted(line for part in folder.glob("*.nq") for line in part.read_text(encoding="utf-8").splitlines())


def test_stream_parts_hold_exactly_the_local_dataset(client: Any, samples: Path, tmp_path: Path) -> None:
    folder = generate(400, tmp_path / "c", seed=5)
    for sample in sorted((samples / "ai").iterdir())[:20]:
        write_article(folder, f"ai/{sample.name}", sample.read_text(encoding="utf-8"))
    write_article(folder, "bad.md", "---\ntitle: [unclosed\n---\n")
    # Files that disagree: the stub's title loses, and is in its file's graph under its alternative term.
    write_article(folder, "x/full.md", "---\nwebUrl: https://x.example/1\ntitle: Real\nquality: 1\n---\n")
    write_article(
        folder,
        "x/stub.md",
        "---\nwebUrl: https://x.example/2\nrelated:\n"
        "  - {webUrl: 'https://x.example/1', title: Stub, quality: 2}\n---\n",
    )
    local = KnowledgeGraph(local_corpus([folder]))
    (reference,) = local.write(tmp_path / "local", ["nq"])
    assert '<https://schema.org/alternativeHeadline> "Stub"' in reference.read_text(encoding="utf-8")
    out = tmp_path / "out"
    (out / "graph.nq.d").mkdir(parents=True)
    (out / "graph.nq.d" / "part-00099.nq").write_text("<a:stale> <b:stale> <c:stale> .\n", encoding="utf-8")
    manifest, files = write_parts([folder], out, client=client, files_per_partition=60, buckets=3)
    parts = out / "graph.nq.d"
    assert _lines(parts) == sorted(reference.read_text(encoding="utf-8").splitlines())
    assert not (parts / "part-00099.nq").exists(), "a part of an earlier build is removed"
    listed = json.loads(Path(manifest).read_text(encoding="utf-8"))
    assert sorted(p.name for p in parts.glob("*.nq")) == [p["name"] for p in listed["parts"]]
    assert len([p for p in listed["parts"] if p["name"].startswith("part-")]) == 8  # 423 files, 60 a partition
    assert listed["quads"] == len(_lines(parts)) and listed["files"] == 423
    for part in listed["parts"]:
        assert hashlib.sha256((parts / part["name"]).read_bytes()).hexdigest() == part["sha256"]
    assert make_report(files).to_json() == local.report.to_json()


def test_stream_to_a_memory_url(client: Any, tmp_path: Path) -> None:
    manifest, _ = write_parts(["seeds"], "memory://newsgraph-out", client=client, files_per_partition=1)
    try:
        fs = fsspec.filesystem("memory")
        assert fs.exists(manifest) and not Path(manifest).exists()
        # The workers wrote the parts into their own memory: only the manifest is here.
        assert json.loads(fs.cat_file(manifest))["files"] == 2
    finally:
        fsspec.filesystem("memory").rm("/newsgraph-out", recursive=True)


def test_cli_engine_dask_on_a_running_scheduler(client: Any, samples: Path, tmp_path: Path) -> None:
    address = client.scheduler.address
    assert main(["build", str(samples), "--out", str(tmp_path / "local"), "--format", "ttl,nt"]) == 0
    argv = ["build", str(samples), "--out", str(tmp_path / "dask"), "--format", "ttl,nt"]
    assert main([*argv, "--engine", "dask", "--scheduler", address]) == 0
    local = sorted(p.name for p in (tmp_path / "local").iterdir() if p.is_file())  # not the local engine's cache
    assert local == sorted(p.name for p in (tmp_path / "dask").iterdir() if p.is_file()) and "report.json" in local
    for name in local:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_cli_without_the_extra_exits_2_with_the_install_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["build", "seeds", "--out", str(tmp_path), "--engine", "dask"]) == 2
    assert 'pip install "newsgraph[dask]"' in capsys.readouterr().err


def test_cli_stream_on_dask_writes_parts_manifest_and_the_same_report(
    client: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address = client.scheduler.address
    assert main(["build", "seeds", "--out", str(tmp_path / "local"), "--format", "nq", "--no-cache", "-q"]) == 0
    argv = ["build", "seeds", "--out", str(tmp_path / "dask"), "--engine", "dask", "--scheduler", address]
    assert main([*argv, "--stream"]) == 0
    assert "graph.nq.d/manifest.json" in capsys.readouterr().out
    assert (tmp_path / "dask" / "report.json").read_bytes() == (tmp_path / "local" / "report.json").read_bytes()
    local = sorted((tmp_path / "local" / "graph.nq").read_text(encoding="utf-8").splitlines())
    assert _lines(tmp_path / "dask" / "graph.nq.d") == local
    assert main([*argv, "--stream", "--format", "ttl"]) == 2
    assert "N-Quads parts only" in capsys.readouterr().err
    assert main(["build", "seeds", "--out", str(tmp_path / "x"), "--scheduler", address]) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err


def test_an_empty_input_never_replaces_the_parts_on_dask(
    client: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address = client.scheduler.address
    out = tmp_path / "out"
    argv = ["--out", str(out), "--engine", "dask", "--scheduler", address, "--stream"]
    assert main(["build", "seeds", *argv]) == 0
    before = {p.name: p.read_bytes() for p in (out / "graph.nq.d").iterdir()}
    (tmp_path / "empty").mkdir()
    capsys.readouterr()
    assert main(["build", str(tmp_path / "empty"), *argv]) == 1
    err = capsys.readouterr().err
    assert "exports not written" in err and "--allow-empty" in err, err
    assert {p.name: p.read_bytes() for p in (out / "graph.nq.d").iterdir()} == before
    assert main(["build", str(tmp_path / "empty"), *argv, "--allow-empty"]) == 0


def test_a_whole_site_reads_as_a_local_build_reads_it(client: Any, samples: Path) -> None:
    """JSON pages, taxonomy and organization files, collection items and skipped files, as a local build has them."""
    from conftest import ROOT

    folders = [samples / "ai-site", ROOT / "tests" / "fixtures" / "site-variant"]
    local = local_corpus(folders)
    dask = read_corpus([f"file://{f}" for f in folders], client=client, files_per_partition=20)
    assert_same_corpus(local, dask)
    assert make_report(dask).to_json() == make_report(local).to_json()
