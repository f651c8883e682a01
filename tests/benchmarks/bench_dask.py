"""Benchmark: the Dask engine against the local engine, on the same corpus.

Run from the repository root (corpora are generated under /tmp, never in the repo)::

    python tests/benchmarks/bench_dask.py                    # 100,000 article files, 2 workers
    python tests/benchmarks/bench_dask.py --sizes 10000      # a quicker look

For each size it generates a corpus with ``../shared/tools/gen_corpus.py`` and
runs, each in a fresh process so that peak memory is its own:

* ``local``: ``graph.build`` (the local engine, its default worker processes)
  then the exports (``--formats``, default ``ttl,nt``);
* ``dask``: the same on a ``distributed.LocalCluster`` of ``--workers`` worker
  processes (one thread each), timing each stage of the engine: starting the
  cluster, listing, parsing on the workers, the reduce (the URL and record
  exchanges and the merge of each bucket), gathering the files' records, writing;
* ``dask --stream``: the workers write the dataset as N-Quads parts.

It prints wall times, articles per second, peak RSS of the client and of each
worker, and checks that the exports of both engines are byte-identical (and
that the parts hold exactly the lines of the local ``graph.nq``, when
``--stream-check`` is given). It asserts nothing else.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT.parent / "shared" / "tools" / "gen_corpus.py"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_s(who: int = resource.RUSAGE_SELF) -> float:
    """CPU seconds (user + system): the work done, whatever else shares the cores."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def run_local(corpus: str, out: str, formats: list[str]) -> dict[str, Any]:
    import graph

    t0 = time.perf_counter()
    kg = graph.build([corpus])
    t1 = time.perf_counter()
    kg.write(out, formats)
    t2 = time.perf_counter()
    return {
        "build": t1 - t0,
        "write": t2 - t1,
        "wall": t2 - t0,
        "articles": len(kg.corpus.articles),
        "rss_mb": peak_rss_mb(),
        "children_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
        "cpu": cpu_s() + cpu_s(resource.RUSAGE_CHILDREN),
        "digests": digests(Path(out)),
    }


def run_dask(corpus: str, out: str, formats: list[str], workers: int, stream: bool) -> dict[str, Any]:
    import distributed

    from graph.engines.dask import read_corpus, write_parts
    from graph.kg import KnowledgeGraph

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    cluster = distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    )
    with cluster, distributed.Client(cluster) as client:
        times["cluster"] = time.perf_counter() - t0
        result: dict[str, Any] = {}
        corpus_ = None
        if stream:
            manifest, files = write_parts([corpus], out, client=client, times=times)
            result["quads"] = json.loads(Path(manifest).read_text(encoding="utf-8"))["quads"]
            result["parts"] = len(json.loads(Path(manifest).read_text(encoding="utf-8"))["parts"])
            result["articles"] = sum(1 for f in files.files if not f.rejected)
        else:
            corpus_ = read_corpus([corpus], client=client, times=times)
            t = time.perf_counter()
            KnowledgeGraph(corpus_).write(out, formats)
            times["write"] = time.perf_counter() - t
            result["articles"] = len(corpus_.articles)
            result["digests"] = digests(Path(out))
        workers_rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        workers_cpu = client.run(cpu_s)
    result.update(
        wall=time.perf_counter() - t0,
        times=times,
        rss_mb=peak_rss_mb(),
        workers_rss_mb=sorted(workers_rss.values()),
        cpu=cpu_s() + sum(workers_cpu.values()),
    )
    if corpus_ is not None:  # what reached the client, measured once the clock has stopped
        result["gathered_mb"] = len(pickle.dumps(corpus_, protocol=5)) / 2**20
    return result


def child(args: list[str]) -> dict[str, Any]:
    """Run one engine in a fresh process; its figures as JSON."""
    done = subprocess.run([sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated corpus sizes (default: 100000)")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes (default: 2)")
    parser.add_argument("--formats", default="ttl,nt", help="exports written (default: ttl,nt)")
    parser.add_argument("--stream-check", action="store_true", help="compare the parts with a local graph.nq")
    parser.add_argument("--corpus", help="use this generated corpus (of the one size given) instead of a new one")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, corpus, out, formats, workers = args.child
        if kind == "local":
            figures = run_local(corpus, out, formats.split(","))
        else:
            figures = run_dask(corpus, out, formats.split(","), int(workers), kind == "stream")
        print(json.dumps(figures))
        return
    print(f"cores: {os.cpu_count()}, dask workers: {args.workers}, exports: {args.formats}", flush=True)
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"bench-dask-{n}-") as tmp:
            corpus = Path(args.corpus or Path(tmp, "corpus"))
            t = time.perf_counter()
            if not args.corpus:
                subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(corpus)], check=True)
            print(f"\n{n:,} articles (generated in {time.perf_counter() - t:.1f} s)", flush=True)
            common = [args.formats, str(args.workers)]
            local = child(["local", str(corpus), str(Path(tmp, "local")), *common])
            print(
                f"  local : {local['wall']:7.1f} s wall ({n / local['wall']:,.0f} articles/s), "
                f"{local['cpu']:.0f} CPU s: "
                f"build {local['build']:.1f} s, write {local['write']:.1f} s; "
                f"peak RSS {local['rss_mb']:,.0f} MiB (worker processes {local['children_rss_mb']:,.0f} MiB)",
                flush=True,
            )
            dask = child(["dask", str(corpus), str(Path(tmp, "dask")), *common])
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in dask["times"].items())
            print(
                f"  dask  : {dask['wall']:7.1f} s wall ({n / dask['wall']:,.0f} articles/s), "
                f"{dask['cpu']:.0f} CPU s: {stages}; "
                f"peak RSS client {dask['rss_mb']:,.0f} MiB, workers "
                f"{', '.join(f'{w:,.0f}' for w in dask['workers_rss_mb'])} MiB; "
                f"gathered {dask['gathered_mb']:,.0f} MiB pickled",
                flush=True,
            )
            same = dask["digests"] == local["digests"] and dask["articles"] == local["articles"]
            print(f"  exports byte-identical: {'yes' if same else 'NO'} ({', '.join(local['digests'])})")
            print(
                f"  dask / local: wall {dask['wall'] / local['wall']:.2f}x, CPU {dask['cpu'] / local['cpu']:.2f}x",
                flush=True,
            )
            stream = child(["stream", str(corpus), str(Path(tmp, "stream")), *common])
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in stream["times"].items())
            print(
                f"  stream: {stream['wall']:7.1f} s wall ({n / stream['wall']:,.0f} articles/s), "
                f"{stream['cpu']:.0f} CPU s: "
                f"{stages}; "
                f"{stream['quads']:,} quads in {stream['parts']} parts; peak RSS client {stream['rss_mb']:,.0f} MiB, "
                f"workers {', '.join(f'{w:,.0f}' for w in stream['workers_rss_mb'])} MiB",
                flush=True,
            )
            if args.stream_check:
                check = child(["local", str(corpus), str(Path(tmp, "nq")), "nq", "0"])
                del check
                parts = sorted(
                    line
                    for part in Path(tmp, "stream", "graph.nq.d").glob("*.nq")
                    for line in part.read_text(encoding="utf-8").splitlines()
                )
                ref = sorted(Path(tmp, "nq", "graph.nq").read_text(encoding="utf-8").splitlines())
                print(f"  parts == local graph.nq (as lines): {'yes' if parts == ref else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
