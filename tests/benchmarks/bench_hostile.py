"""Benchmark: a build over hostile files, and how much each costs to refuse.

Run from the repository root (files are written under /tmp, never in the repo)::

    python tests/benchmarks/bench_hostile.py               # each hostile file x 20, plus 1,000 good files
    python tests/benchmarks/bench_hostile.py --copies 100

It writes every hand-made hostile file of ``tests/test_hostile.py`` (billion
laughs, 20,000 nested brackets and braces, 400,000 values, a 2 MB field, a
50 MB field, a binary file, ``!!python/object``, a recursive alias, tabs,
Latin-1, ...) ``--copies`` times beside ``--good`` generated good files, then
runs ``newsgraph build`` on them in a subprocess under a 2 GB address-space
limit and prints the wall time, the peak memory (RSS) of the build and the
time to refuse each kind of file on its own. It prints the figures; it asserts
nothing.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from test_hostile import _hostile_files  # noqa: E402

from graph.engines.local import process_file  # noqa: E402
from graph.read.sources import Source  # noqa: E402

GEN = ROOT.parent / "shared" / "tools" / "gen_corpus.py"
LIMIT = 2 * 1024**3


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--copies", type=int, default=20, help="copies of each hostile file (default 20)")
    p.add_argument("--good", type=int, default=1000, help="generated good files beside them (default 1000)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp, "in")
        kinds = _hostile_files(folder / "kinds")
        print(f"{'file':28} {'refused as':18} {'ms':>8}")
        for name, code in sorted(kinds.items()):
            start = time.perf_counter()
            records = process_file(Source(folder / "kinds" / name, name))
            ms = (time.perf_counter() - start) * 1000
            errors = [d.code for d in records.diagnostics if d.severity == "error"]
            print(f"{name:28} {errors[0] if records.rejected else 'KEPT (' + code + ')':18} {ms:8.1f}")
        for i in range(1, args.copies):
            _hostile_files(folder / f"copy{i:03}")
        subprocess.run([sys.executable, str(GEN), "--n", str(args.good), "--out", str(folder / "good")], check=True)
        files = sum(1 for p in folder.rglob("*") if not p.is_dir())

        def bounded() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))

        start = time.monotonic()
        run = subprocess.run(
            [sys.executable, "-m", "graph", "build", str(folder), "--out", str(Path(tmp, "out")), "--format", "ttl"],
            capture_output=True,
            text=True,
            preexec_fn=bounded,
            cwd=ROOT,
        )
        elapsed = time.monotonic() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"\nbuild over {files:,} files ({len(kinds) * args.copies:,} hostile): exit {run.returncode},")
        print(
            f"  {elapsed:.1f} s wall, peak RSS of one process {peak:,.0f} MB "
            f"(limit {LIMIT // 1024**2:,} MB of address space)"
        )
        print("  " + run.stdout.strip())


if __name__ == "__main__":
    main()
