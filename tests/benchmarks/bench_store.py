"""Benchmark of the embedded store: ``build --store`` against the same build without, and ``graph.open``.

    python tests/benchmarks/bench_store.py                    # 100,000 files
    python tests/benchmarks/bench_store.py --sizes 10000      # quicker

Corpora are generated with ``../shared/tools/gen_corpus.py`` into ``--tmp``
(default: a new temporary folder, removed afterwards), never into the
repository. For each size, every step runs in a fresh process
(``newsgraph build ... --no-cache --quiet``, the default formats: Turtle and the page):

1. the build without ``--store``, then with ``--store`` into a new folder:
   wall times and their ratio (issue 18: at most 1.5);
2. one file changed, the rebuild without ``--store``, then with ``--store``
   (the store brought up to date in place): wall times and their ratio;
3. ``graph.open(STORE)`` and the first questions a notebook asks
   (``repr(kg)``, ``kg.topics()``, ``kg.articles(topic=...)`` about the most
   common topic, ``kg.providers()``): seconds, against the 3 s target;
4. a check: the store holds exactly the triples of ``graph.nt`` of a clean build.

It prints the figures and the machine's load before and after; it asserts nothing.
Not collected by pytest (not ``test_*``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GEN = Path(os.environ.get("NEWSGRAPH_SHARED", ROOT.parent / "shared")) / "tools" / "gen_corpus.py"

_OPEN = r"""
import time
start = time.perf_counter()
import json, sys
import graph
imported = time.perf_counter()
kg = graph.open(sys.argv[1])
text = repr(kg)
shown = time.perf_counter()
topics = kg.topics()
listed = time.perf_counter()
# The most common topic (a user picks one from kg.topics()); this query is not counted.
rows = kg.sparql("SELECT ?t (COUNT(?a) AS ?n) WHERE { ?a schema:about ?t } GROUP BY ?t ORDER BY DESC(?n) ?t LIMIT 1")
top = next(t for t in topics if t.iri == rows[0].t)
asked = time.perf_counter()
articles = kg.articles(topic=top.label)
answered = time.perf_counter()
providers = kg.providers()
done = time.perf_counter()
figures = {"repr": shown - imported, "topics": listed - shown, "articles": answered - asked,
           "providers": done - answered, "imports": imported - start}
figures["total"] = figures["repr"] + figures["topics"] + figures["articles"] + figures["providers"]
figures["read back"] = "corpus" in vars(kg)
print(json.dumps({"figures": figures, "repr": text, "topic": top.label, "articles": len(articles),
                  "topics": len(topics), "providers": len(providers)}))
"""

_CHECK = r"""
import json, sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
n = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value
nt = sys.argv[2]
same = 0
lines = 0
with open(nt, "rb") as f:
    for i, line in enumerate(f):
        lines += 1
        if i % 997 == 0:  # a sample of the lines: each must be in the store
            (q,) = ox.parse(line, format=ox.RdfFormat.N_TRIPLES)
            same += q in store
print(json.dumps({"store": int(n), "nt": lines, "sampled in store": same, "sampled": (lines + 996) // 997}))
"""


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    return time.perf_counter() - start, done.stdout


def build(src: Path, out: Path, store: Path | None = None) -> float:
    argv = [sys.executable, "-m", "graph", "build", str(src), "--out", str(out), "--no-cache", "--quiet"]
    if store is not None:
        argv += ["--store", str(store)]
    return run(argv)[0]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench(n: int, tmp: Path, repeat: int) -> None:
    src = tmp / f"corpus-{n}"
    if not (src / ".complete").exists():
        print(f"generating {n:,} files into {src} ...", flush=True)
        subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(src)], check=True, capture_output=True)
        (src / ".complete").write_text("ok\n", encoding="utf-8")
    work = tmp / f"work-{n}"
    shutil.rmtree(work, ignore_errors=True)
    print(f"\n== {n:,} files; load average before: {load()}", flush=True)
    without, with_store = [], []
    for i in range(repeat):
        store = work / f"store-{i}"
        without.append(build(src, work / "plain"))
        with_store.append(build(src, work / "stored", store))
        print(f"  run {i + 1}: without --store {without[-1]:.1f} s, with --store (new store) {with_store[-1]:.1f} s;"
              f" load {load()}", flush=True)  # fmt: skip
    a, b = min(without), min(with_store)
    print(f"build, new store:  {a:.1f} s without, {b:.1f} s with --store: ratio {b / a:.2f} (best of {repeat})")
    # One file changed: the store there is brought up to date in place.
    store = work / "store-0"
    changed = sorted(src.glob("*.txt"))[n // 2]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8")
    try:
        c = build(src, work / "plain")
        d = build(src, work / "stored", store)
        print(f"rebuild, 1 file changed: {c:.1f} s without, {d:.1f} s with --store (in place): ratio {d / c:.2f}")
        # graph.open and the first questions.
        seconds, out = run([sys.executable, "-c", _OPEN, str(store)])
        found = json.loads(out)
        f = found["figures"]
        print(
            f"graph.open, repr(kg), kg.topics(), kg.articles(topic={found['topic']!r}), kg.providers():"
            f" {f['total']:.2f} s (target 3 s; imports {f['imports']:.1f} s more, process {seconds:.1f} s):"
            f" open+repr {f['repr']:.2f} s, topics {f['topics']:.2f} s, articles {f['articles']:.2f} s,"
            f" providers {f['providers']:.2f} s; {found['articles']:,} articles, {found['topics']} topics,"
            f" {found['providers']:,} providers; records read back: {f['read back']}"
        )
        print(f"  {found['repr']}")
        # The store updated in place holds the merged graph: the triples of graph.nt of a clean build.
        check = [sys.executable, "-m", "graph", "build", str(src), "--out", str(work / "check"), "--format", "nt"]
        run([*check, "--no-cache", "--quiet"])
        _, out = run([sys.executable, "-c", _CHECK, str(store), str(work / "check" / "graph.nt")])
        print(f"check: {out.strip()}")
    finally:
        changed.write_text(text, encoding="utf-8")
    print(f"load average after: {load()}")
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="100000", help="corpus sizes (default: 100000)")
    p.add_argument("--repeat", type=int, default=1, help="builds of each kind; the best is compared (default 1)")
    p.add_argument("--tmp", help="where to generate corpora and keep them (default: a new temporary folder)")
    args = p.parse_args()
    tmp = Path(args.tmp) if args.tmp else Path(tempfile.mkdtemp(prefix="newsgraph-bench-store-"))
    tmp.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores; {sys.version.split()[0]}; corpora in {tmp}")
    try:
        for n in (int(x) for x in args.sizes.split(",") if x.strip()):
            bench(n, tmp, args.repeat)
    finally:
        if not args.tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
