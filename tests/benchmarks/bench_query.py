"""Benchmark: how long typical queries take at 10,000 and 100,000 articles.

Run from the repository root (corpora are generated under /tmp, never in the repo)::

    python tests/benchmarks/bench_query.py                 # 10,000 and 100,000 article files
    python tests/benchmarks/bench_query.py --sizes 1000    # a quick look

For each size it builds the graph, writes the on-disk store (``newsgraph build
--store``), opens it as ``graph.open`` does and times, as the median of
``--repeat`` runs after one warm-up run:

* ``count``: all articles (``COUNT``),
* ``topic``: articles about the most common topic, newest 100 (ORDER BY date),
* ``topic-count``: how many articles are about it,
* ``two-hop``: articles within two related-links of an article (either direction),
  averaged over 20 articles chosen with a fixed seed,

on the pyoxigraph store, then the same through the Python API (``kg.articles``,
``kg.related(depth=2)``) and, up to ``--rdflib-max`` files, with rdflib's own
SPARQL engine for comparison. It prints the figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT.parent / "shared" / "tools" / "gen_corpus.py"

COUNT = "SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }"
TOPIC = """SELECT ?a ?title ?date WHERE {
  ?a schema:about ?t ; schema:headline ?title ; schema:datePublished ?date .
  ?t skos:prefLabel "%s" .
} ORDER BY DESC(?date) LIMIT 100"""
TOPIC_COUNT = """SELECT (COUNT(?a) AS ?n) WHERE { ?a schema:about ?t . ?t skos:prefLabel "%s" . }"""
TWO_HOP = """SELECT DISTINCT ?b WHERE {
  <%s> (dcterms:relation|^dcterms:relation)/(dcterms:relation|^dcterms:relation)? ?b .
  FILTER(?b != <%s>)
}"""


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs after a warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def corpus(n: int) -> Path:
    out = Path(tempfile.gettempdir()) / f"newsgraph-bench-query-{n}"
    if not (out / ".complete").exists():
        print(f"generating {n:,} article files into {out} ...", flush=True)
        subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(out)], check=True, capture_output=True)
        (out / ".complete").write_text("ok\n", encoding="utf-8")
    return out


def bench(n: int, repeat: int, rdflib_max: int) -> None:
    import graph
    from graph.store.embedded import write_store

    folder = corpus(n)
    print(f"\n== {n:,} article files ==", flush=True)
    start = time.perf_counter()
    kg = graph.build([folder])
    c = kg.counts()
    print(f"build:                  {time.perf_counter() - start:8.1f} s  ({c['articles']:,} articles in the graph)")
    store_dir = Path(tempfile.mkdtemp(prefix="newsgraph-bench-store-")) / "store"
    start = time.perf_counter()
    write_store(kg, store_dir)
    print(f"write store (--store):  {time.perf_counter() - start:8.1f} s")
    start = time.perf_counter()
    opened = graph.open(store_dir)
    print(f"graph.open (store):     {time.perf_counter() - start:8.3f} s")

    topic = kg.stats(top=1)["top topics"][0][0]
    rng = random.Random(0)
    linked = sorted(a.iri for a in kg.corpus.articles.values() if a.related)
    sample = rng.sample(linked, min(20, len(linked)))

    def two_hop_sparql(run: Callable[[str], Any]) -> Callable[[], int]:
        return lambda: sum(len(run(TWO_HOP % (iri, iri))) for iri in sample) / len(sample)

    queries: list[tuple[str, Callable[[Callable[[str], Any]], Callable[[], Any]]]] = [
        ("count", lambda run: lambda: run(COUNT)[0][0]),
        ("topic (newest 100)", lambda run: lambda: len(run(TOPIC % topic))),
        ("topic-count", lambda run: lambda: run(TOPIC_COUNT % topic)[0][0]),
        ("two-hop (per article)", two_hop_sparql),
    ]
    triples = opened.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][0]
    print(f"triples: {triples:,}; topic: {topic!r}; repeat: {repeat}")
    print("pyoxigraph store on disk (graph.open / newsgraph query --store):")
    for name, make in queries:
        seconds, result = timed(make(opened.sparql), repeat)
        print(f"  {name:24} {ms(seconds)}   -> {result}")

    start = time.perf_counter()
    store = kg.store
    print(f"in-memory store for kg.sparql: loaded in {time.perf_counter() - start:.1f} s")
    for name, make in queries:
        seconds, result = timed(make(kg.sparql), repeat)
        print(f"  {name:24} {ms(seconds)}   -> {result}")
    del store

    print("Python API:")
    seconds, result = timed(lambda: len(kg.articles(topic=topic)), repeat)
    print(f"  {'articles(topic=...)':24} {ms(seconds)}   -> {result}")
    seconds, result = timed(lambda: sum(len(kg.related(i, depth=2)) for i in sample) / len(sample), repeat)
    print(f"  {'related(depth=2)':24} {seconds / len(sample) * 1e6:9.0f} µs   -> {result} (per article)")

    seconds, _ = timed(lambda: opened.stats(), 1)
    print(f"graph.open(...).stats() in the store (newsgraph stats --store): {seconds:.2f} s")
    start = time.perf_counter()
    opened.corpus  # noqa: B018 - the records, read back from the store
    print(f"graph.open records read back on first use: {time.perf_counter() - start:.1f} s")

    if c["articles"] and n <= rdflib_max:
        from rdflib.plugins.sparql import prepareQuery  # noqa: F401 - rdflib's engine, for comparison

        start = time.perf_counter()
        g = kg.rdf
        print(f"rdflib (kg.rdf parsed in {time.perf_counter() - start:.1f} s), its own SPARQL engine:")
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in graph.rdf.mapping.PREFIXES.items())

        def run_rdflib(text: str) -> list[Any]:
            return list(g.query(prefixes + text))

        for name, make in queries:
            seconds, result = timed(make(run_rdflib), 1)
            print(f"  {name:24} {ms(seconds)}   -> {result}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS so far: {peak:,.0f} MiB")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="article files per corpus")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per query (median)")
    p.add_argument("--rdflib-max", type=int, default=10_000, help="also time rdflib up to this many files")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    for n in args.sizes:
        bench(n, args.repeat, args.rdflib_max)


if __name__ == "__main__":
    main()
