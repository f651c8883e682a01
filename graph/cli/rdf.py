"""The RDF command ``newsgraph validate`` (SHACL); ``newsgraph push`` is :mod:`graph.cli.push`.

Exit status: 0 when the file conforms, 1 when it does not, 2 for a usage
error (no such file, pySHACL not installed). Never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from graph.formats.validate import ShaclUnavailable, validate

__all__ = ["DEFAULT_EXPORT", "add_parsers"]

#: What ``validate`` reads when no file is named.
DEFAULT_EXPORT = "exports/graph.ttl"


def add_parsers(sub: Any) -> None:
    """Add the ``validate`` command to the ``newsgraph`` subparsers."""
    v = sub.add_parser("validate", help="check an RDF export against the SHACL shapes (needs newsgraph[shacl])")
    v.add_argument("file", nargs="?", default=DEFAULT_EXPORT, metavar="FILE", help=f"default: {DEFAULT_EXPORT}")
    v.set_defaults(run=_validate)


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
