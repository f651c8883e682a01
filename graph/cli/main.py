"""The command line: ``newsgraph build`` (and ``python -m graph build``).

Exit status: 0 when the graph was built (warnings allowed), 1 with ``--strict``
when any file was rejected (or when the exports cannot be written), 2 for a
usage error. Data errors never print a traceback: bad files are reported on
stderr and in ``DIR/report.json``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.cli import push as push_command
from graph.cli import query as query_commands
from graph.cli import rdf as rdf_commands
from graph.cli import view as view_command
from graph.cli.speed import add_speed_options, make_feedback, speed_options, stream_command, verbose_summary
from graph.engines.dask import DaskNotInstalled
from graph.formats import FORMATS, names
from graph.kg import DEFAULT_FORMATS, build, counts_text, write_exports
from graph.model.report import EmptyInputError, empty_message
from graph.read.identity import DEFAULT_BASE
from graph.store.embedded import check_store_target
from graph.util.procs import paused_gc
from graph.util.publish import check_out_folder, publishing

__all__ = ["main"]


def _formats(text: str) -> list[str]:
    try:
        return names(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
        help=f"comma-separated formats, from {', '.join(FORMATS)} (default: {','.join(DEFAULT_FORMATS)})",
    )
    b.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="KEY",
        help="leave a field out of every article, e.g. secured or images.isCached (repeatable)",
    )
    b.add_argument("--store", metavar="DIR", help="also write an on-disk triple store (for `newsgraph query`)")
    b.add_argument(
        "--raw-text",
        action="store_true",
        help="keep text exactly as written (no HTML character references decoded, no Unicode normalisation)",
    )
    b.add_argument(
        "--allow-empty",
        action="store_true",
        help="write an empty graph when no file gives an article (else exit 1, leaving the exports as they are)",
    )
    b.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when any file was rejected, writing only DIR/report.json (previous exports are kept)",
    )
    b.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help='where to read and merge: this machine, or a Dask cluster (pip install "newsgraph[dask]")',
    )
    b.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the Dask scheduler (tcp://HOST:8786); default: a local cluster of processes",
    )
    add_speed_options(b)
    b.set_defaults(run=_build)
    query_commands.add_parsers(sub)
    rdf_commands.add_parsers(sub)
    push_command.add_parser(sub)
    view_command.add_parsers(sub)
    return p


def _build(args: argparse.Namespace) -> int:
    if args.stream:
        return stream_command(args)
    # Millions of acyclic records live until the end: the cyclic collector would only walk them, again and again.
    with paused_gc():
        return _build_graph(args)


def _build_graph(args: argparse.Namespace) -> int:
    fb = make_feedback(args)
    check_out_folder(args.out)  # before anything is read: never a build thrown away at the end
    if args.store:
        check_store_target(args.store)  # before anything is read or written: never a store refused after the exports
    kg = build(
        args.paths,
        base=args.base,
        drop=args.drop,
        raw_text=args.raw_text,
        **_engine(args),
        **speed_options(args, fb),
    )
    report_path = Path(args.out) / "report.json"
    if kg.report.empty and not args.allow_empty:  # decided before anything is written
        if kg.report.files and (not args.quiet or kg.report.rejected):
            print(kg.report.summary(), file=sys.stderr)
        c = kg.report.counts()
        print(f"newsgraph: {empty_message(c['files'], c['rejected'])}", file=sys.stderr)
        return 1
    if not args.quiet or kg.report.rejected:
        print(kg.report.summary(where=str(report_path)), file=sys.stderr)

    def note(text: str) -> None:  # said once, when the files cannot be published as one set
        fb.error(f"newsgraph: note: {text}")

    if getattr(args, "strict", False) and kg.report.rejected:
        with publishing(args.out, note) as folder:
            (folder / "report.json").write_text(kg.report.to_json(), encoding="utf-8")
        print(f"newsgraph: --strict: {len(kg.report.rejected)} files rejected; exports not written", file=sys.stderr)
        return 1
    with fb.stage("write"), publishing(args.out, note) as folder:  # every file at once, or none
        write_exports(kg, folder, args.format, store=args.store)  # the store from the same pass
        (folder / "report.json").write_text(kg.report.to_json(), encoding="utf-8")
    if "html" in args.format and (oversize := view_command.oversize_note(kg.nx.number_of_nodes())):
        print(f"graph.html: {oversize}", file=sys.stderr)
    c = kg.counts()
    verbose_summary(fb)
    if args.quiet:
        return 0
    print(
        f"{counts_text(c)}; {c['files read']:,} files read, {c['files rejected']:,} rejected; "
        f"wrote {args.out}/" + (f" and the store {args.store}/" if args.store else "")
    )
    return 0


def _engine(args: argparse.Namespace) -> dict[str, Any]:
    """The engine options for ``build``: none for the local engine, so other engines stay optional."""
    if args.scheduler and args.engine != "dask":
        raise ValueError("--scheduler needs --engine dask")
    return {"engine": "dask", "scheduler": args.scheduler} if args.engine == "dask" else {}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status."""
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (FileNotFoundError, ValueError, DaskNotInstalled) as exc:
        print(f"newsgraph: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the exports cannot be written: not the data's fault, and no traceback
        print(f"newsgraph: error: {exc}", file=sys.stderr)
        return 1
    except EmptyInputError as exc:
        print(f"newsgraph: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsgraph: interrupted; previous exports are left as they were", file=sys.stderr)
        return 130
