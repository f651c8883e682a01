"""Benchmark of the build: newsgraph against the hand-written peer, and ``--stream`` to a million files.

    python tests/benchmarks/bench_build.py                      # 20k (with the peer), 100k (+ checks), --stream at 100k
    python tests/benchmarks/bench_build.py --sizes 1000,10000   # quicker
    python tests/benchmarks/bench_build.py --sizes "" --stream-sizes 100000,1000000   # --stream, flat to 1M

Corpora are generated with ``../shared/tools/gen_corpus.py`` (one article a
file) into a temporary folder, never into the repository, and removed
afterwards (``--tmp DIR`` keeps them there for the next run).

For each size it runs the build ``--repeat`` times, each in a fresh process
(so its peak memory is its own): ``graph.build`` of the corpus and Turtle +
N-Triples written (``kg.write(out, ["ttl", "nt"])``, what ``newsgraph build
--format ttl,nt --no-cache`` does), and prints the median wall time (and the
range: this machine's speed varies from run to run), the CPU time of the
whole process tree (user + system: what the work costs, whatever else runs),
articles per second, peak memory (the build process's peak RSS, and the peak
PSS of its whole process tree, sampled: the worker processes and forked
writers included, pages they share counted once), node, edge and triple
counts, the time of each stage and the load average. One more run builds the
networkx graph after the write too (what ``newsgraph build`` adds when it
draws the page) and times the write's two halves serially.

In the same run, over the same files (up to ``--naive-limit``, 20,000 by
default), it times the hand-written peer (PyYAML ``safe_load`` per file,
rdflib ``Graph.add`` per triple, ``Graph.serialize(format="turtle")``) and
prints both times, the ratio of articles per second and both peaks. Then it
checks that the exports are byte-identical with 1 worker and the default,
with a cold and a warm cache, with the YAML fast path turned off, and that
after one file changed a rebuild parses that one file and equals a clean
build; and it ends with the issue's targets, met or not, against the run's own
figures. Not collected by pytest (not ``test_*``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GEN = Path(os.environ.get("NEWSGRAPH_SHARED", ROOT.parent / "shared")) / "tools" / "gen_corpus.py"

# One build, run in a child process: prints a JSON line of figures.
_BUILD = r"""
import time
start = time.perf_counter()  # the wall time counts the imports too
import json, resource, sys
from pathlib import Path
from graph.read import fastyaml as _fastyaml
from graph.model.network import to_networkx
from graph.kg import KnowledgeGraph
from graph.engines.local import read_corpus
from graph.util.procs import paused_gc
from graph.util.progress import Feedback
src, out, workers, cache, fast, split = sys.argv[1:7]
_fastyaml.ENABLED = fast == "1"
fb = Feedback(level=0)
with paused_gc():  # as `newsgraph build` runs
    corpus = read_corpus([src], workers=int(workers) or None, cache=None if cache == "-" else cache, feedback=fb)
    t_read = time.perf_counter()
    kg = KnowledgeGraph(corpus)
    # As `newsgraph build` goes: the RDF first (its slices are written by forked processes, which share
    # the corpus's pages), then, when the page is asked for, the networkx graph it needs.
    kg.write(out, ["ttl", "nt"])
    t_write = time.perf_counter()
    rss_written = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    g = None
    if split == "1":
        kg.__dict__["nx"] = g = to_networkx(corpus)
    t_nx = time.perf_counter()
with open(Path(out) / "graph.nt", "rb") as f:
    triples = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
figures = {
    "wall": t_write - start, "wall_nx": t_nx - start, "files": len(corpus.files), "article_nodes": len(corpus.articles),
    "nodes": g.number_of_nodes() if g is not None else None, "edges": g.number_of_edges() if g is not None else None,
    "triples": triples, "rss_written_mb": rss_written,
    "find": fb.times.get("find", 0), "read_parse": fb.times.get("read+parse", 0),
    "read_cpu": fb.times.get("read (cpu)", 0), "parse_cpu": fb.times.get("parse (cpu)", 0),
    "extract_cpu": fb.times.get("extract (cpu)", 0), "merge": fb.times.get("merge", 0),
    "networkx": t_nx - t_write, "write": t_write - t_read,
    "parsed": fb.counts.get("files parsed", 0), "cached": fb.counts.get("files from cache", 0),
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}
if split == "1":  # the write's two halves, serial, in this process (not part of the wall time)
    from graph.rdf.mapping import Describer, block_entries, entry_blocks
    from graph.formats import ntriples, turtle
    with paused_gc():
        t0 = time.perf_counter()
        d = Describer(corpus.base)
        blocks = entry_blocks(corpus, block_entries(corpus, d), 0, None, d)
        rdf = layout = 0.0
        while True:
            t1 = time.perf_counter()
            block = next(blocks, None)
            t2 = time.perf_counter()
            rdf += t2 - t1
            if block is None:
                break
            turtle.block(*block).encode("utf-8"), ntriples.lines(*block).encode("utf-8")
            layout += time.perf_counter() - t2
    figures.update(rdf_serial=rdf, layout_serial=layout)
print(json.dumps(figures))
"""

# The straightforward script: what one would write first.
_NAIVE = r"""
import json, resource, sys, time
from pathlib import Path
import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS, XSD
SDO = Namespace("https://schema.org/")
ID = Namespace("https://newsgraph.example/id/")
files = sorted(p for p in Path(sys.argv[1]).rglob("*") if p.is_file())[: int(sys.argv[3])]
start = time.perf_counter()
g = Graph()
g.bind("schema", SDO)
def article(d):
    node = URIRef(d.get("webUrl") or d.get("originalUrl"))
    g.add((node, RDF.type, SDO.NewsArticle))
    for key, pred in (("title", SDO.headline), ("excerpt", SDO.abstract), ("type", SDO.genre)):
        if d.get(key) is not None:
            g.add((node, pred, Literal(d[key])))
    if d.get("publishedDateTime") is not None:
        g.add((node, SDO.datePublished, Literal(d["publishedDateTime"])))
    for key in ("quality", "heat", "published", "category", "originalUrl", "ampWebUrl", "cdnAmpWebUrl", "secured"):
        if d.get(key) is not None:
            g.add((node, ID["vocab#" + key], Literal(d[key])))
    p = d.get("provider") or {}
    if p.get("domain"):
        pn = ID["provider/" + p["domain"]]
        g.add((node, SDO.publisher, pn))
        g.add((pn, RDF.type, SDO.Organization))
        if p.get("name"):
            g.add((pn, SDO.name, Literal(p["name"])))
    for t in d.get("topics") or []:
        tn = ID["topic/" + str(t).lower().replace(" ", "%20")]
        g.add((node, SDO.about, tn))
        g.add((tn, RDF.type, SKOS.Concept))
        g.add((tn, SKOS.prefLabel, Literal(t)))
    for im in d.get("images") or []:
        inode = URIRef(im["url"])
        g.add((node, SDO.image, inode))
        g.add((inode, RDF.type, SDO.ImageObject))
        for k in ("width", "height"):
            if im.get(k) is not None:
                g.add((inode, SDO[k], Literal(im[k])))
    return node
for path in files:
    text = path.read_text(encoding="utf-8")
    block = text.split("\n---", 1)[0][4:]
    d = yaml.safe_load(block)
    node = article(d)
    for r in d.get("related") or []:
        g.add((node, URIRef("http://purl.org/dc/terms/relation"), article(r)))
t_graph = time.perf_counter()
g.serialize(destination=sys.argv[2] + "/naive.ttl", format="turtle")
end = time.perf_counter()
print(json.dumps({"wall": end - start, "files": len(files), "triples": len(g), "graph": t_graph - start,
                  "serialize": end - t_graph, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# A streaming build in a child process.
_STREAM = r"""
import json, resource, sys, time
from graph.util.progress import Feedback
from graph.engines.stream import stream_build
fb = Feedback(level=0)
start = time.perf_counter()
r = stream_build([sys.argv[1]], sys.argv[2], ["nt", "nq"], feedback=fb)
print(json.dumps({"wall": time.perf_counter() - start, "files": r.files, "triples": r.triples, "quads": r.quads,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


class TreeMemory:
    """Samples the PSS of a process and all its descendants (Linux ``/proc``); keeps the peak, in MiB.

    PSS counts a page shared by n processes as 1/n in each, so the sum over the
    tree is the memory the build really holds (forked workers share most pages).
    """

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid, self.every, self.peak_mb = pid, every, 0.0
        self.available = Path("/proc/self/smaps_rollup").exists()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            total = sum(_pss_kb(pid) for pid in _tree(self.pid))
            self.peak_mb = max(self.peak_mb, total / 1024)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _run(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh Python; its figures, with the peak PSS of its process tree."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with TreeMemory(child.pid) as memory:
        stdout, stderr = child.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        sys.exit(f"benchmark step failed:\n{stderr}")
    figures: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    figures["tree_mb"] = memory.peak_mb if memory.available else None
    # Every process of the tree is waited for by its parent: their CPU time is counted here.
    figures["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures["load"] = os.getloadavg()[0]
    return figures


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in ("graph.ttl", "graph.nt"):
        with open(folder / name, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()[:16]


def _corpus(tmp: Path, n: int) -> Path:
    folder = tmp / f"corpus-{n}"
    if not folder.exists():
        print(f"  generating {n:,} articles with {GEN.name} ...", flush=True)
        part = tmp / f"corpus-{n}.part"
        shutil.rmtree(part, ignore_errors=True)
        subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(part)], check=True, capture_output=True)
        part.rename(folder)
    return folder


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"


def bench(n: int, tmp: Path, workers: int, repeat: int, naive_limit: int, checks: str) -> dict[str, Any]:
    corpus = _corpus(tmp, n)
    out = tmp / f"out-{n}"
    runs = [_run(_BUILD, str(corpus), str(_fresh(out)), str(workers), "-", "1", "0") for _ in range(repeat)]
    walls = sorted(r["wall"] for r in runs)
    r = dict(runs[0])
    r["wall"] = statistics.median(walls)
    r["cpu"] = statistics.median(x["cpu"] for x in runs)
    r["rss_mb"] = max(x["rss_mb"] for x in runs)
    r["tree_mb"] = max(x["tree_mb"] for x in runs) if runs[0]["tree_mb"] is not None else None
    r["loads"] = [x["load"] for x in runs]
    rate = r["files"] / r["wall"]
    print(f"\n== {n:,} articles ({r['files']:,} files; {r['article_nodes']:,} article nodes with the related stubs)")
    spread = f" (range {walls[0]:.1f}-{walls[-1]:.1f} s over {repeat} runs)" if repeat > 1 else ""
    print(
        f"  graph + Turtle + N-Triples (newsgraph build --format ttl,nt --no-cache): wall {r['wall']:.1f} s "
        f"median{spread}, {rate:,.0f} articles/s; CPU of the process tree {r['cpu']:.1f} s (user + system); "
        f"load average after each run {', '.join(f'{x:.1f}' for x in r['loads'])}"
    )
    print(
        f"  peak memory: build process RSS {_mb(r['rss_mb'])}, whole process tree PSS {_mb(r['tree_mb'])} "
        f"(worker processes at most {_mb(r['rss_children_mb'])} RSS each, pages shared with the build included)"
    )
    print(f"  triples {r['triples']:,}")
    stages = [
        f"find {r['find']:.1f}",
        f"read+parse+extract {r['read_parse']:.1f} (CPU in the workers: read {r['read_cpu']:.1f}, "
        f"parse {r['parse_cpu']:.1f}, extract {r['extract_cpu']:.1f})",
        f"merge {r['merge']:.1f}",
        f"RDF + Turtle + N-Triples written {r['write']:.1f}",
    ]
    print("  stages (s, first run): " + " | ".join(stages))
    # One more run: the networkx graph too (as when the page is drawn), then the write's halves timed serially.
    x = _run(_BUILD, str(corpus), str(_fresh(out)), str(workers), "-", "1", "1")
    r["wall_nx"], r["nx"] = x["wall_nx"], x
    print(
        f"  with the networkx graph too (newsgraph build draws the page from it): wall {x['wall_nx']:.1f} s, "
        f"networkx {x['networkx']:.1f} s of it, nodes {x['nodes']:,}, edges {x['edges']:,}; peak RSS "
        f"{_mb(x['rss_mb'])}, process tree PSS {_mb(x['tree_mb'])}"
    )
    print(
        f"  the write's halves, serial in one process: RDF terms and blocks {x['rdf_serial']:.1f} s, "
        f"Turtle and N-Triples laid out {x['layout_serial']:.1f} s (the build makes each block once, for both "
        "formats, in slices written side by side by forked processes)"
    )
    if n <= naive_limit:
        naive = _run(_NAIVE, str(corpus), str(out), str(n))
        naive_rate = naive["files"] / naive["wall"]
        r["ratio"] = rate / naive_rate
        r["naive"] = naive
        print(
            f"  the hand-written peer over the same {naive['files']:,} files: {naive['wall']:.1f} s "
            f"({naive['graph']:.1f} s safe_load + Graph.add, {naive['serialize']:.1f} s serialize turtle), "
            f"{naive['triples']:,} triples, {naive_rate:,.0f} articles/s, peak RSS {naive['rss_mb']:,.0f} MB"
        )
        print(
            f"  newsgraph {r['wall']:.1f} s against the peer's {naive['wall']:.1f} s: "
            f"{r['ratio']:.1f}x the peer's articles per second"
        )
    else:
        print(f"  the hand-written peer: not run over more than {naive_limit:,} files (--naive-limit)")
    if checks != "none":
        r["checks"] = _checks(n, corpus, out, tmp, checks)
    return r


def _checks(n: int, corpus: Path, out: Path, tmp: Path, checks: str) -> bool:
    """Exports byte-identical across workers, cache and parser path, and after one changed file."""
    base = _digest(out)
    runs = [("cache, cold", ("0", str(out / ".cache"), "1")), ("cache, warm", ("0", str(out / ".cache"), "1"))]
    if checks == "all":
        runs = [("1 worker", ("1", "-", "1")), *runs, ("YAML fast path off", ("0", "-", "0"))]
    ok = True
    other = tmp / f"out-{n}-check"
    shutil.rmtree(out / ".cache", ignore_errors=True)
    for label, (workers, cache, fast) in runs:
        rr = _run(_BUILD, str(corpus), str(_fresh(other)), workers, cache, fast, "0")
        same = _digest(other) == base
        ok &= same
        print(
            f"  {label:20s} {rr['wall']:6.1f} s  parsed {rr['parsed']:>7,}  from cache {rr['cached']:>7,}  "
            f"exports {'identical' if same else 'DIFFER'}"
        )
    # One file changes: only it is parsed again, and the result equals a clean build.
    files = sorted(corpus.iterdir())
    victim = files[len(files) // 2]
    saved = victim.read_bytes()
    try:
        victim.write_bytes(saved.replace(b"quality: ", b"quality: 1", 1))
        clean, warm = _fresh(tmp / f"out-{n}-clean"), _fresh(tmp / f"out-{n}-warm")
        rw = _run(_BUILD, str(corpus), str(warm), "0", str(out / ".cache"), "1", "0")
        _run(_BUILD, str(corpus), str(clean), "0", "-", "1", "0")
        same = _digest(clean) == _digest(warm) != base
        ok &= same and rw["parsed"] == 1
        print(
            f"  one file changed: rebuild {rw['wall']:.1f} s, parsed {rw['parsed']:,}, from cache {rw['cached']:,}; "
            f"{'equal to' if same else 'DIFFERENT from'} a clean build"
        )
    finally:
        victim.write_bytes(saved)
    return ok


def bench_stream(n: int, tmp: Path) -> dict[str, Any]:
    corpus = _corpus(tmp, n)
    out = tmp / f"stream-{n}"
    shutil.rmtree(out, ignore_errors=True)
    r = _run(_STREAM, str(corpus), str(out))
    print(
        f"\n== --stream, {n:,} articles: {r['wall']:.1f} s, {r['files'] / r['wall']:,.0f} articles/s, "
        f"{r['triples']:,} triples, {r['quads']:,} quads\n"
        f"  peak memory: build process RSS {_mb(r['rss_mb'])}, workers at most {_mb(r['rss_children_mb'])} RSS "
        f"each, whole process tree PSS {_mb(r['tree_mb'])}; CPU of the process tree {r['cpu']:.1f} s; "
        f"load average after {r['load']:.1f}"
    )
    shutil.rmtree(out, ignore_errors=True)
    return r


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="20000,100000", help="corpus sizes (default: 20000,100000)")
    p.add_argument("--stream-sizes", default="100000", help="--stream sizes, e.g. 100000,1000000 (default: 100000)")
    p.add_argument("--repeat", type=int, default=3, help="timed builds per size; the median is shown (default 3)")
    p.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    p.add_argument(
        "--naive-limit",
        type=int,
        default=20000,
        help="the hand-written peer runs over corpora of at most this many files (~200 files/s; default 20000)",
    )
    p.add_argument(
        "--checks",
        choices=("all", "cache", "none"),
        default="all",
        help="after each size: the determinism and cache checks (all), the cache ones only, or none",
    )
    p.add_argument("--tmp", help="where to generate corpora and keep them (default: a new temporary folder)")
    args = p.parse_args()
    tmp = Path(args.tmp) if args.tmp else Path(tempfile.mkdtemp(prefix="newsgraph-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    print(f"newsgraph build benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, corpora in {tmp}")
    print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    results: dict[int, dict[str, Any]] = {}
    streams: dict[int, dict[str, Any]] = {}
    try:
        for n in (int(s) for s in args.sizes.split(",") if s):
            results[n] = bench(n, tmp, args.workers, args.repeat, args.naive_limit, args.checks)
        for n in (int(s) for s in args.stream_sizes.split(",") if s):
            streams[n] = bench_stream(n, tmp)
    finally:
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
        for folder in tmp.glob("out-*"):
            shutil.rmtree(folder, ignore_errors=True)
        if not args.tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    _targets(results, streams)


def _peak(r: dict[str, Any]) -> float:
    """The larger of the build process's peak RSS and the process tree's peak PSS, in MiB."""
    return float(max(v for v in (r["rss_mb"], r["tree_mb"]) if v is not None))


def _targets(results: dict[int, dict[str, Any]], streams: dict[int, dict[str, Any]]) -> None:
    """The issue's targets (issue 22), against this run's figures."""
    print("\nTargets (2 cores, 24 GiB; the wall times depend on what else the machine runs: see the load averages):")
    r = results.get(100_000)
    if r is not None:
        for label, met in (
            (f"100,000 files to graph + Turtle + N-Triples in at most 20 s: {r['wall']:.1f} s", r["wall"] <= 20),
            (
                f"... in at most 1 GB at peak (build process RSS, process tree PSS): {_peak(r):,.0f} MB",
                _peak(r) <= 1024,
            ),
        ):
            print(f"  [{'met' if met else 'NOT MET'}] {label}")
    for n, rr in sorted(results.items()):
        if "ratio" in rr:
            met = rr["ratio"] >= 25
            print(
                f"  [{'met' if met else 'NOT MET'}] at least 25x the hand-written peer at {n:,} files: "
                f"{rr['ratio']:.1f}x"
            )
    for n, rr in results.items():
        if "checks" in rr:
            print(f"  [{'met' if rr['checks'] else 'NOT MET'}] {n:,}: exports identical across workers, cache, parser")
    big = streams.get(1_000_000)
    if big is not None:
        memory = max(v for v in (big["rss_mb"], big["tree_mb"]) if v is not None)
        print(
            f"  [{'met' if big['wall'] <= 240 else 'NOT MET'}] --stream over 1,000,000 files in at most 4 min: "
            f"{big['wall']:.0f} s"
        )
        print(f"  [{'met' if memory <= 1536 else 'NOT MET'}] ... in at most 1.5 GB: {memory:,.0f} MB")
    if len(streams) > 1:
        small, large = min(streams), max(streams)
        a, b = streams[small], streams[large]
        grow = (b["tree_mb"] or b["rss_mb"]) / (a["tree_mb"] or a["rss_mb"])
        print(
            f"  --stream memory from {small:,} to {large:,} articles: "
            f"{_mb(a['tree_mb'] or a['rss_mb'])} -> {_mb(b['tree_mb'] or b['rss_mb'])} ({grow:.2f}x)"
        )


if __name__ == "__main__":
    main()
