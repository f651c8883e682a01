"""How fast records become cache payloads and back: pickle (before issue 17), the msgspec rows the cache stores now,
and JSON (the standard library's, the other data-only choice). Run by hand; prints figures for docs/performance.md.

    python tests/benchmarks/bench_cache_codec.py [--files 3000] [--repeat 5]

Each figure is the best of ``--repeat`` runs over the records of ``--files`` generated articles. The JSON figures
are a lower bound: its decoder here builds the records without checking a single value (msgspec's checks every one
against the records' types, and a digest of the payload).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from graph.engines.local import process_file  # noqa: E402
from graph.read.codec import decode, encode  # noqa: E402
from graph.read.records import Article, FileRecords, Image, Provider, Topic  # noqa: E402
from graph.read.sources import Diagnostic, find_sources  # noqa: E402

_ROWS = {cls: attrgetter(*(f.name for f in fields(cls))) for cls in (Article, Provider, Topic, Image, Diagnostic)}


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    raise TypeError(type(value).__name__)


def _json_encode(f: FileRecords) -> bytes:
    rows = [[_ROWS[type(r)](r) for r in group] for group in (f.articles, f.providers, f.topics, f.images)]
    body = [f.source, *rows, [_ROWS[Diagnostic](d) for d in f.diagnostics], f.kind, f.reason]
    return json.dumps(body, default=_json_default, ensure_ascii=False).encode()


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _json_decode(payload: bytes) -> FileRecords:
    def hook(d: dict[str, Any]) -> Any:
        return dt.datetime.fromisoformat(d["$dt"]) if "$dt" in d else d

    source, articles, providers, topics, images, diagnostics, kind, reason = json.loads(payload, object_hook=hook)
    made = [
        [cls(*(_tuples(v) for v in row)) for row in rows]
        for cls, rows in ((Article, articles), (Provider, providers), (Topic, topics), (Image, images))
    ]
    return FileRecords(source, *made, [Diagnostic(*row) for row in diagnostics], kind, reason)


def best(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--files", type=int, default=3000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gen = ROOT.parent / "shared" / "tools" / "gen_corpus.py"
        subprocess.run(
            [sys.executable, str(gen), "--n", str(args.files), "--out", tmp], check=True, capture_output=True
        )
        records = [process_file(s) for s in find_sources([tmp])]
    print(f"{len(records):,} files' records; best of {args.repeat} runs")
    codecs: list[tuple[str, Callable[[FileRecords], bytes], Callable[[bytes], FileRecords]]] = [
        ("pickle (before)", lambda r: pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL), pickle.loads),
        ("msgspec rows (now)", lambda r: encode(r) or b"", decode),
        ("json, unchecked", _json_encode, _json_decode),
    ]
    print(f"{'codec':<20} {'encode ms':>10} {'decode ms':>10} {'MB':>8}  round trip")
    for name, enc, dec in codecs:
        enc_s, payloads = best(args.repeat, lambda enc=enc: [enc(r) for r in records])
        dec_s, back = best(args.repeat, lambda dec=dec, payloads=payloads: [dec(b) for b in payloads])
        size = sum(map(len, payloads)) / 1e6
        print(f"{name:<20} {enc_s * 1000:>10.0f} {dec_s * 1000:>10.0f} {size:>8.1f}  {back == records}")


if __name__ == "__main__":
    main()
