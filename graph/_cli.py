"""The command line: ``newsgraph build`` (and ``python -m graph build``).

Exit status: 0 when the graph was built (warnings allowed), 1 when the build
failed on its data, 2 for a usage error. Data errors never print a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._identity import DEFAULT_BASE
from ._kg import DEFAULT_FORMATS, build
from .formats import WRITERS

__all__ = ["main"]


def _formats(text: str) -> list[str]:
    names = [f.strip().lower() for f in text.split(",") if f.strip()]
    for name in names:
        if name not in WRITERS:
            raise argparse.ArgumentTypeError(f"unknown format {name!r}; choose from {', '.join(sorted(WRITERS))}")
    return names


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``newsgraph`` command."""
    p = argparse.ArgumentParser(prog="newsgraph", description="Build a knowledge graph from news article files.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = sub.add_parser("build", help="build the graph and write its exports")
    b.add_argument("paths", nargs="*", default=["seeds"], metavar="PATH", help="files or folders (default: seeds/)")
    b.add_argument("--out", default="exports", metavar="DIR", help="output folder (default: exports/)")
    b.add_argument("--base", default=DEFAULT_BASE, metavar="IRI", help=f"base of minted IRIs (default: {DEFAULT_BASE})")
    b.add_argument(
        "--format",
        type=_formats,
        default=list(DEFAULT_FORMATS),
        metavar="LIST",
        help=f"comma-separated formats, from {', '.join(sorted(WRITERS))} (default: {','.join(DEFAULT_FORMATS)})",
    )
    b.set_defaults(run=_build)
    return p


def _build(args: argparse.Namespace) -> int:
    kg = build(args.paths, base=args.base)
    for d in kg.corpus.diagnostics:
        print(d, file=sys.stderr)
    kg.write(args.out, args.format)
    c = kg.counts()
    print(
        f"{c['articles']} articles, {c['providers']} providers, {c['topics']} topics, "
        f"{c['images']} images, {c['edges']} edges; {c['files read']} files read, "
        f"{c['files rejected']} rejected; wrote {args.out}/"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status."""
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (FileNotFoundError, ValueError) as exc:
        print(f"newsgraph: error: {exc}", file=sys.stderr)
        return 2
