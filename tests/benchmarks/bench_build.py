"""Benchmark of ``newsgraph build``: figures at 1,000, 10,000 and 100,000 articles, and ``--stream``.

    python tests/benchmarks/bench_build.py                      # 1k, 10k, 100k + stream at 100k
    python tests/benchmarks/bench_build.py --sizes 1000,10000   # smaller
    python tests/benchmarks/bench_build.py --stream-sizes 100000,1000000   # flat memory to 1M (long)

Corpora are generated with ``../shared/tools/gen_corpus.py`` into a temporary
folder (never into the repository) and removed afterwards (``--keep`` keeps
them). For each size it prints wall time, articles per second, peak RSS,
node/edge/triple counts and the time of each stage (read, parse, extract, merge,
build, RDF, write), runs each build in a fresh process (so peak RSS is that
build's), and times in the same run a straightforward script (PyYAML
``safe_load`` per file, rdflib ``Graph.add`` per triple, ``Graph.serialize``
to Turtle) and prints the ratio of articles per second. It also checks that
the exports are byte-identical with 1 and N workers, with a warm cache, and
with the YAML fast path turned off. Not collected by pytest (not ``test_*``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GEN = Path(os.environ.get("NEWSGRAPH_SHARED", ROOT.parent / "shared")) / "tools" / "gen_corpus.py"

# One build, run in a child process: prints a JSON line of figures.
_BUILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import graph
from graph import _fastyaml
from graph._build import to_networkx
from graph._kg import KnowledgeGraph
from graph._pipeline import paused_gc, read_corpus
from graph._progress import Feedback
from graph._rdf import merged_blocks
src, out, workers, cache, fast = sys.argv[1:6]
_fastyaml.ENABLED = fast == "1"
fb = Feedback(level=0)
start = time.perf_counter()
n = int(workers) if workers != "0" else None
corpus = read_corpus([src], workers=n, cache=cache if cache != "-" else None, feedback=fb)
t_read = time.perf_counter()
kg = KnowledgeGraph(corpus)
with paused_gc():
    g = to_networkx(corpus)
    kg.__dict__["nx"] = g
t_build = time.perf_counter()
kg.write(out, ["ttl", "nt"])  # one pass over the blocks, in slices written side by side
t_write = time.perf_counter()
total = t_write - start
with paused_gc():  # one RDF pass alone, for the stage figure (not part of the wall time)
    triples = sum(len(pairs) for _, pairs in merged_blocks(corpus))
t_rdf = time.perf_counter()
print(json.dumps({
    "wall": total, "articles": len(corpus.articles), "files": len(corpus.files),
    "nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "triples": triples,
    "find": fb.times.get("find", 0), "read_parse_wall": fb.times.get("read+parse", 0),
    "read_cpu": fb.times.get("read (cpu)", 0), "parse_cpu": fb.times.get("parse (cpu)", 0),
    "extract_cpu": fb.times.get("extract (cpu)", 0), "merge": fb.times.get("merge", 0),
    "build": t_build - t_read, "write": t_write - t_build, "rdf": t_rdf - t_write,
    "parsed": fb.counts.get("files parsed", 0), "cached": fb.counts.get("files from cache", 0),
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
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
from graph._progress import Feedback
from graph._stream import stream_build
fb = Feedback(level=0)
start = time.perf_counter()
r = stream_build([sys.argv[1]], sys.argv[2], ["nt", "nq"], feedback=fb)
print(json.dumps({"wall": time.perf_counter() - start, "files": r.files, "triples": r.triples, "quads": r.quads,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"benchmark step failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


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
        subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(folder)], check=True, capture_output=True)
    return folder


def bench(n: int, tmp: Path, workers: int, naive_limit: int, checks: str) -> None:
    corpus = _corpus(tmp, n)
    out = tmp / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    r = _run(_BUILD, str(corpus), str(out), str(workers), "-", "1")
    rate = r["articles"] / r["wall"]
    print(f"\n== {n:,} files: {r['articles']:,} articles ({r['files']:,} files), workers={workers or 'auto'}")
    print(f"  wall {r['wall']:.1f} s   {rate:,.0f} articles/s   peak RSS {r['rss_mb']:,.0f} MB", end="")
    print(f" (workers {r['rss_children_mb']:,.0f} MB each at most)")
    print(f"  nodes {r['nodes']:,}   edges {r['edges']:,}   triples {r['triples']:,}")
    print(
        f"  stages: find {r['find']:.1f} s | read+parse+extract {r['read_parse_wall']:.1f} s wall "
        f"(cpu over workers: read {r['read_cpu']:.1f}, parse {r['parse_cpu']:.1f}, extract {r['extract_cpu']:.1f}) "
        f"| merge {r['merge']:.1f} | build (networkx) {r['build']:.1f} | write Turtle + N-Triples {r['write']:.1f}"
    )
    print(f"  (one RDF pass alone, serial: {r['rdf']:.1f} s; in the write it is shared by both formats and sliced")
    print("   over the workers, so it is not added again)")
    m = min(n, naive_limit)
    naive = _run(_NAIVE, str(corpus), str(out), str(m))
    naive_rate = naive["files"] / naive["wall"]
    ours_rate = r["files"] / r["wall"]
    print(
        f"  straightforward script over {naive['files']:,} of these files: {naive['wall']:.1f} s "
        f"({naive['graph']:.1f} s safe_load + Graph.add, {naive['serialize']:.1f} s serialize turtle), "
        f"{naive['triples']:,} triples, {naive_rate:,.0f} files/s, peak RSS {naive['rss_mb']:,.0f} MB"
    )
    print(f"  ratio: {ours_rate / naive_rate:.1f}x the straightforward script's files (articles) per second")
    if checks == "none":
        return
    base = _digest(out)
    variants = {}
    runs = [("cache, cold", ("0", str(out / ".cache"), "1")), ("cache, warm", ("0", str(out / ".cache"), "1"))]
    if checks == "all":
        runs = [("1 worker", ("1", "-", "1")), *runs, ("YAML fast path off", ("0", "-", "0"))]
    for label, args in runs:
        other = tmp / f"out-{n}-check"
        shutil.rmtree(other, ignore_errors=True)
        other.mkdir()
        rr = _run(_BUILD, str(corpus), str(other), *args)
        variants[label] = (_digest(other) == base, rr["wall"], rr["parsed"], rr["cached"])
    for label, (same, wall, parsed, cached) in variants.items():
        print(
            f"  {label:20s} {wall:6.1f} s  parsed {parsed:>7,}  from cache {cached:>7,}  "
            f"exports {'identical' if same else 'DIFFER'}"
        )
    # One file changes: only it is parsed again, and the result equals a clean build.
    victim = sorted(corpus.iterdir())[n // 2]
    saved = victim.read_bytes()
    try:
        victim.write_bytes(saved.replace(b"quality: ", b"quality: 1", 1))
        clean, warm = tmp / f"out-{n}-clean", tmp / f"out-{n}-warm"
        for folder in (clean, warm):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
        rw = _run(_BUILD, str(corpus), str(warm), "0", str(out / ".cache"), "1")
        _run(_BUILD, str(corpus), str(clean), "0", "-", "1")
        same = _digest(clean) == _digest(warm)
        print(
            f"  one file changed: rebuild {rw['wall']:.1f} s, parsed {rw['parsed']:,}, from cache {rw['cached']:,}; "
            f"{'equal to' if same else 'DIFFERENT from'} a clean build"
        )
    finally:
        victim.write_bytes(saved)


def bench_stream(n: int, tmp: Path) -> None:
    corpus = _corpus(tmp, n)
    out = tmp / f"stream-{n}"
    shutil.rmtree(out, ignore_errors=True)
    r = _run(_STREAM, str(corpus), str(out))
    print(
        f"\n== --stream, {n:,} files: {r['wall']:.1f} s, {r['files'] / r['wall']:,.0f} files/s, "
        f"{r['triples']:,} triples, {r['quads']:,} quads, peak RSS {r['rss_mb']:,.0f} MB "
        f"(workers {r['rss_children_mb']:,.0f} MB each at most)"
    )
    shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes (default: 1000,10000,100000)")
    p.add_argument("--stream-sizes", default="100000", help="--stream sizes, e.g. 100000,1000000 (default: 100000)")
    p.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    p.add_argument(
        "--naive-limit",
        type=int,
        default=10000,
        help="files the straightforward script reads at most (it runs ~150 files/s; default 10000)",
    )
    p.add_argument(
        "--checks",
        choices=("all", "cache", "none"),
        default="all",
        help="after each build: the determinism and cache checks (all), the cache ones only, or none",
    )
    p.add_argument("--tmp", help="where to generate corpora (default: a new temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the generated corpora")
    args = p.parse_args()
    tmp = Path(args.tmp) if args.tmp else Path(tempfile.mkdtemp(prefix="newsgraph-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    print(f"newsgraph build benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, corpora in {tmp}")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    try:
        for n in (int(s) for s in args.sizes.split(",") if s):
            bench(n, tmp, args.workers, args.naive_limit, args.checks)
        for n in (int(s) for s in args.stream_sizes.split(",") if s):
            bench_stream(n, tmp)
    finally:
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
        if not args.keep and not args.tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
