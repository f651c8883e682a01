"""Benchmark: ``newsgraph push --sync`` into a real Oxigraph server at 1,000 and 10,000 articles.

Run from the repository root (corpora are generated under /tmp, never in the repo)::

    python tests/benchmarks/bench_sync.py                  # 1,000 and 10,000 article files
    python tests/benchmarks/bench_sync.py --sizes 1000     # a quick look

For each size it generates a corpus (one article a file), builds ``graph.nq``,
starts ``oxigraph serve`` in a temporary folder and times, each in a fresh
``newsgraph`` process:

* ``first``: the first sync (every graph written),
* ``same``: a sync of the same file (nothing sent),
* ``1 %``: a sync after 1 % of the files were edited, 1 % deleted and 1 % added,

and prints the wall time, the client's CPU time (user + system: the rest is
the store's own work) and the bytes of request bodies the command reports.
It asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import GEN_CORPUS  # noqa: E402
from stores import run_oxigraph  # noqa: E402


def _newsgraph(*args: str) -> tuple[float, float, str]:
    """Run ``newsgraph`` in its own process: wall seconds, CPU seconds, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "graph", *args], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"newsgraph {' '.join(args)} failed: {done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def _change(feed: Path, spare: list[Path], share: float) -> None:
    """Edit, delete and add ``share`` of the files each."""
    files = sorted(feed.iterdir())
    n = max(1, int(len(files) * share))
    for path in files[:n]:
        path.write_text(path.read_text().replace("title: ", "title: Edited: ", 1))
    for path in files[n : 2 * n]:
        path.unlink()
    for path in spare[:n]:
        shutil.copy(path, feed / path.name)


def bench(size: int, tmp: Path) -> None:
    generated = tmp / f"gen-{size}"
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", str(size + size // 100 + 1), "--out", str(generated)],
                   check=True, capture_output=True)  # fmt: skip
    files = sorted(generated.iterdir())
    feed = tmp / f"feed-{size}"
    feed.mkdir()
    for path in files[:size]:
        shutil.copy(path, feed / path.name)
    out = tmp / f"out-{size}"
    server_dir = tmp / f"oxigraph-{size}"
    server_dir.mkdir()
    servers = run_oxigraph(server_dir)
    store = next(servers)
    try:
        _newsgraph("build", str(feed), "--out", str(out), "--format", "nq", "--quiet")
        nq = out / "graph.nq"
        print(f"{size:,} files, graph.nq {nq.stat().st_size / 1e6:,.1f} MB")
        runs = [("first", None), ("same", None), ("1 %", 0.01)]
        for name, share in runs:
            if share:
                _change(feed, files[size:], share)
                _newsgraph("build", str(feed), "--out", str(out), "--format", "nq", "--quiet")
            wall, cpu, said = _newsgraph("push", "--sync", str(nq), "--endpoint", store.gsp)
            summary = re.search(r"\): (.*); ([\d,]+) bytes sent", said)
            assert summary, said
            print(f"  {name:>6}: {wall:7.1f} s wall, {cpu:6.1f} s client CPU, {summary.group(2):>13} bytes"
                  f"  ({summary.group(1)})")  # fmt: skip
    finally:
        servers.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of article files")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-sync-") as tmp:
        for size in (int(s) for s in args.sizes.split(",") if s):
            bench(size, Path(tmp))


if __name__ == "__main__":
    main()
