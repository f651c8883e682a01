"""``newsgraph build --engine dask --stream``: the dataset as N-Quads parts written by the Dask workers.

(``--engine dask`` without ``--stream`` is an ordinary build: :func:`graph.build`
with ``engine="dask"``.)
"""

from __future__ import annotations

import argparse
import sys

from graph.cli.speed import record_options
from graph.engines.dask import PARTS_DIR, write_parts, write_text
from graph.kg import DEFAULT_FORMATS
from graph.model.report import make_report
from graph.util.progress import Feedback

__all__ = ["stream_on_dask"]


def stream_on_dask(args: argparse.Namespace, fb: Feedback) -> int:
    """Write ``DIR/graph.nq.d/`` (parts and manifest) and ``DIR/report.json``; print the summary."""
    if args.format not in (list(DEFAULT_FORMATS), ["nq"]):
        raise ValueError(
            f"--engine dask --stream writes N-Quads parts only ({PARTS_DIR}/, --format nq), "
            f"not --format {','.join(args.format)}: build without --stream for the other formats"
        )
    manifest, files = write_parts(
        args.paths,
        args.out,
        args.base,
        drop=record_options(args),
        scheduler=args.scheduler,
        workers=args.workers,
        feedback=fb,
        follow_symlinks=args.follow_symlinks,
        allow_empty=args.allow_empty,
    )
    report = make_report(files)
    where = f"{str(args.out).rstrip('/')}/report.json"
    if not args.quiet or report.rejected:
        print(report.summary(where=where), file=sys.stderr)
    write_text(args.out, "report.json", report.to_json())
    if fb.times:
        fb.say("newsgraph: times: " + ", ".join(f"{stage} {s:.2f} s" for stage, s in fb.times.items()))
    if not args.quiet:
        c = report.counts()
        done = f"{c['files']:,} files read, {c['rejected']:,} rejected"
        print(f"{done}; wrote {manifest} and the parts it lists (streamed)")
    return 0
