"""The RDF commands: ``newsgraph validate`` (SHACL) and ``newsgraph push`` (Graph Store Protocol).

Exit status: 0 when the file conforms / was stored, 1 when it does not
conform / the store could not be reached or refused it, 2 for a usage error
(no such file, pySHACL not installed). Never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from graph.formats.validate import ShaclUnavailable, validate
from graph.store.push import PushError, push

__all__ = ["DEFAULT_EXPORT", "add_parsers"]

#: What ``validate`` and ``push`` read when no file is named.
DEFAULT_EXPORT = "exports/graph.ttl"


def add_parsers(sub: Any) -> None:
    """Add the ``validate`` and ``push`` commands to the ``newsgraph`` subparsers."""
    v = sub.add_parser("validate", help="check an RDF export against the SHACL shapes (needs newsgraph[shacl])")
    v.add_argument("file", nargs="?", default=DEFAULT_EXPORT, metavar="FILE", help=f"default: {DEFAULT_EXPORT}")
    v.set_defaults(run=_validate)
    p = sub.add_parser("push", help="upload an RDF export to a triple store (SPARQL 1.1 Graph Store Protocol)")
    p.add_argument("file", nargs="?", default=DEFAULT_EXPORT, metavar="FILE", help=f"default: {DEFAULT_EXPORT}")
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the store's Graph Store endpoint, e.g. http://localhost:7878/store",
    )
    p.add_argument(
        "--graph", metavar="IRI", help="the named graph for a .ttl/.nt/.jsonld file (default: the default graph)"
    )
    p.add_argument("--replace", action="store_true", help="replace the graph (PUT) instead of adding to it (POST)")
    p.set_defaults(run=_push)


def _validate(args: argparse.Namespace) -> int:
    try:
        outcome = validate(args.file)
    except ShaclUnavailable as exc:
        print(f"newsgraph: error: {exc}", file=sys.stderr)
        return 2
    for result in outcome.results:
        print(result)
    for disagreement in outcome.disagreements:
        print(disagreement)
    violations, warnings = len(outcome.violations), len(outcome.results) - len(outcome.violations)
    verdict = "conforms" if outcome.conforms else "does not conform"
    nodes = len({d.node for d in outcome.disagreements})
    disagree = f"; files disagree on {len(outcome.disagreements)} values of {nodes} nodes" if nodes else ""
    print(f"{args.file} {verdict} to the newsgraph shapes: {violations} violations, {warnings} warnings{disagree}")
    return 0 if outcome.conforms else 1


def _push(args: argparse.Namespace) -> int:
    try:
        done = push(args.file, args.endpoint, args.graph, replace=args.replace)
    except PushError as exc:
        print(f"newsgraph: error: {exc}", file=sys.stderr)
        return 1
    print(f"pushed {done.path} ({done.size} bytes) to {done.url} with {done.method}: HTTP {done.status}")
    return 0
