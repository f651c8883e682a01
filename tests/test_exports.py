"""exports/ is what the README's first command writes, byte for byte, however the files come."""

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SEEDS

import graph


def _build(src: Path, out: Path, hashseed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    code = "import sys, graph.cli.main as c; sys.exit(c.main(sys.argv[1:]))"
    run = subprocess.run(
        [sys.executable, "-c", code, "build", str(src), "--out", str(out)], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


def test_exports_are_fresh(tmp_path: Path):
    _build(SEEDS, tmp_path, "0")
    for name in ("graph.ttl", "graph.html"):
        assert (tmp_path / name).read_bytes() == (ROOT / "exports" / name).read_bytes(), (
            f"exports/{name} is stale: run `newsgraph build` and commit exports/"
        )


def test_output_is_independent_of_file_order_and_hash_seed(tmp_path: Path, samples: Path):
    files = sorted(p for p in samples.rglob("*.md"))[:30] + sorted(SEEDS.iterdir())
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
    shuffled = files[:]
    random.Random(7).shuffle(shuffled)
    for path in files:  # the same names, written in two different orders
        shutil.copy(path, one / path.name)
    for path in shuffled:
        shutil.copy(path, two / path.name)
    _build(one, tmp_path / "out1", "1")
    _build(two, tmp_path / "out2", "2")
    for name in ("graph.ttl", "graph.html"):
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()


def test_file_names_change_only_the_recorded_sources(tmp_path: Path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    for i, path in enumerate(sorted(SEEDS.iterdir())):
        shutil.copy(path, one / path.name)
        shutil.copy(path, two / f"renamed-{9 - i}.md")
    g1, g2 = graph.build([one]).nx, graph.build([two]).nx
    assert list(g1.nodes) == list(g2.nodes) and list(g1.edges(keys=True)) == list(g2.edges(keys=True))
    for n in g1:
        a, b = dict(g1.nodes[n]), dict(g2.nodes[n])
        a.pop("sources", None), b.pop("sources", None)
        assert a == b
