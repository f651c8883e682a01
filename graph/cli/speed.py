"""The speed options of ``newsgraph build``: workers, the cache, ``--stream``, ``--quiet``, ``--verbose``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graph.engines.stream import STREAM_FORMATS, stream_build
from graph.kg import DEFAULT_FORMATS
from graph.read.records import RAW_TEXT
from graph.util.progress import NORMAL, QUIET, VERBOSE, Feedback
from graph.util.publish import check_out_folder

__all__ = ["add_speed_options", "make_feedback", "record_options", "speed_options", "stream_command", "verbose_summary"]

#: The cache folder inside the output folder.
CACHE_DIR = ".cache"


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more), got {text!r}")
    return n


def add_speed_options(b: argparse.ArgumentParser) -> None:
    """Add the options to the ``build`` parser."""
    b.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        help="processes that parse files (default: one per core for 1,000 files or more)",
    )
    b.add_argument(
        "--no-cache",
        action="store_true",
        help=f"parse every file again; do not read or write the cache in DIR/{CACHE_DIR}/",
    )
    b.add_argument(
        "--stream",
        action="store_true",
        help="for corpora larger than memory: write N-Triples and/or N-Quads a chunk at a time "
        "(no field merge across files, no Turtle or page; see the README)",
    )
    b.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="follow symbolic links that point out of the PATHs given (default: they are named in the report, "
        "not followed)",
    )
    talk = b.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print errors only (no progress, no summary)")
    talk.add_argument("-v", "--verbose", action="store_true", help="also print stage times and counts")


def make_feedback(args: argparse.Namespace) -> Feedback:
    """Progress on stderr when it is a terminal; stage times with ``--verbose``."""
    level = QUIET if args.quiet else VERBOSE if args.verbose else NORMAL
    return Feedback(level=level, stream=sys.stderr)


def speed_options(args: argparse.Namespace, fb: Feedback) -> dict[str, Any]:
    """The keyword arguments of ``build`` the options give."""
    if args.engine != "local":  # a Dask cluster: --workers sizes a local one; no cache
        return {"workers": args.workers, "feedback": fb, "follow_symlinks": args.follow_symlinks}
    return {
        "workers": args.workers,
        "cache": None if args.no_cache else Path(args.out) / CACHE_DIR,
        "feedback": fb,
        "follow_symlinks": args.follow_symlinks,
    }


def record_options(args: argparse.Namespace) -> list[str]:
    """The options that shape records, as every engine takes them: the fields to drop, and ``--raw-text``."""
    return [*args.drop, RAW_TEXT] if getattr(args, "raw_text", False) else list(args.drop)


def verbose_summary(fb: Feedback) -> None:
    """With ``--verbose``: the counts and stage times."""
    if fb.counts:
        fb.say("newsgraph: " + ", ".join(f"{n:,} {what}" for what, n in sorted(fb.counts.items())))
    if fb.times:
        fb.say("newsgraph: times: " + ", ".join(f"{stage} {s:.2f} s" for stage, s in fb.times.items()))


def stream_command(args: argparse.Namespace) -> int:
    """``newsgraph build --stream``."""
    fb = make_feedback(args)
    check_out_folder(args.out)
    formats = ["nt"] if args.format == list(DEFAULT_FORMATS) else args.format
    if args.store or args.strict:
        raise ValueError(f"--stream cannot be used with {'--store' if args.store else '--strict'}")
    if args.engine == "dask":  # partitioned N-Quads written by the workers
        from graph.cli.dask import stream_on_dask

        return stream_on_dask(args, fb)
    if any(f not in STREAM_FORMATS for f in formats):
        raise ValueError(
            f"--stream writes {' and '.join(STREAM_FORMATS)} only (got --format {','.join(formats)}): "
            "Turtle, the page and the other formats need the whole merged graph; build without --stream"
        )
    result = stream_build(
        args.paths,
        args.out,
        formats,
        args.base,
        drop=record_options(args),
        allow_empty=args.allow_empty,
        workers=args.workers,
        cache=None if args.no_cache else Path(args.out) / CACHE_DIR,
        feedback=fb,
        follow_symlinks=args.follow_symlinks,
    )
    verbose_summary(fb)
    if not args.quiet:
        print(
            f"{result.files:,} files read, {result.rejected:,} rejected; "
            f"{result.triples:,} triples, {result.quads:,} quads; wrote {args.out}/ (streamed)"
        )
    return 0
