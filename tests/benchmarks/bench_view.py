"""Benchmark: the interactive page at 1,000, 5,000 and 20,000 nodes.

Run from the repository root (the corpus is generated under /tmp, never in the repo)::

    python tests/benchmarks/bench_view.py                      # 1,000, 5,000 and 20,000 nodes
    python tests/benchmarks/bench_view.py --nodes 5000 --runs 5

It generates one corpus with ``../shared/tools/gen_corpus.py`` big enough for
the largest size, builds the graph once, and for each size writes the page of
that many nodes (the most connected, as ``newsgraph view --max-nodes N`` does),
then reports:

* ``size``: the page in MB;
* ``build``: seconds to select the nodes, lay them out and write the page;
* ``first draw``: seconds from navigation start to vis-network's first drawn
  frame in Debian's Chromium (headless, software rendering, network blocked),
  the median of ``--runs`` fresh pages;
* ``ready``: the same until the page's script has finished (filters, timeline, search ready).

The target is a 5,000-node page drawn in under 1.5 s on the 2-core reference
machine (the first frame already has its labels placed, the layout stretched
to the window and the most connected labels made room for). It prints figures
and asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import graph  # noqa: E402
from graph.view.page import fit, page  # noqa: E402

GEN = ROOT.parent / "shared" / "tools" / "gen_corpus.py"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def first_draw(path: Path, runs: int) -> tuple[float, float, int]:
    """Median seconds to the first drawn frame and to a ready page; requests that left the file."""
    from playwright.sync_api import sync_playwright

    draws, readies, outside = [], [], 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page_ = context.new_page()

            def route(r):  # noqa: ANN001
                nonlocal outside
                if r.request.url.startswith("file:"):
                    r.continue_()
                else:
                    outside += 1
                    r.abort()

            page_.route("**/*", route)
            page_.goto(path.as_uri())
            deadline = time.monotonic() + 120  # polled here: wait_for_function evaluates strings, which the CSP forbids
            while not page_.evaluate("window.newsgraph !== undefined && window.newsgraphFirstDraw !== undefined"):
                if time.monotonic() > deadline:
                    raise SystemExit(f"{path}: no first draw after 120 s")
                page_.wait_for_timeout(20)
            draws.append(page_.evaluate("window.newsgraphFirstDraw") / 1000)
            readies.append(page_.evaluate("window.newsgraphReady") / 1000)
            context.close()
        browser.close()
    return statistics.median(draws), statistics.median(readies), outside


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--runs", type=int, default=3, help="page loads per size (median reported)")
    ap.add_argument("--workdir", type=Path, help="where to write the corpus and pages (default: a temporary folder)")
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench_view."))
    files = max(args.nodes) // 4 + 200  # a synthetic article file gives about 4.8 nodes
    corpus = work / f"corpus-{files}"
    if not corpus.is_dir():
        subprocess.run([sys.executable, str(GEN), "--n", str(files), "--out", str(corpus)], check=True)
    t = time.perf_counter()
    kg = graph.build([corpus])
    g = kg.nx
    print(
        f"corpus: {files:,} files → {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges "
        f"(built in {time.perf_counter() - t:.1f} s)"
    )
    print(f"{'nodes':>8} {'edges':>8} {'size MB':>8} {'build s':>8} {'first draw s':>13} {'ready s':>8}")
    for n in args.nodes:
        t = time.perf_counter()
        chosen = fit(g, max_nodes=n)
        text = page(g, selection=chosen, max_nodes=None)
        out = work / f"page-{n}.html"
        out.write_text(text, encoding="utf-8")
        built = time.perf_counter() - t
        edges = g.subgraph(chosen.nodes).number_of_edges()
        draw, ready, outside = first_draw(out, args.runs)
        size = len(text.encode()) / 1e6
        print(
            f"{len(chosen.nodes):>8,} {edges:>8,} {size:>8.1f} {built:>8.2f} {draw:>13.2f} {ready:>8.2f}"
            + (f"  ({outside} requests left the file!)" if outside else "")
        )


if __name__ == "__main__":
    main()
