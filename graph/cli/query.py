"""The query commands: ``newsgraph query`` and ``newsgraph stats``, from files or from a store.

Both read the graph either from article files (built in memory, as
``newsgraph build`` would) or, with ``--store DIR``, from the on-disk store
``newsgraph build --store DIR`` wrote, with no rebuild.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from graph.kg import KnowledgeGraph, build, counts_text, open_graph
from graph.query.sparql import prefix_lines, run
from graph.read.identity import DEFAULT_BASE
from graph.store.embedded import Rows, open_store

__all__ = ["add_parsers", "format_rows", "format_stats"]

_FORMATS = ("table", "csv", "tsv", "json")
_WIDTH = 60


def add_parsers(sub: Any) -> None:
    """Add the ``query`` and ``stats`` commands to the ``newsgraph`` subparsers.

    >>> p = argparse.ArgumentParser(prog="newsgraph")
    >>> add_parsers(p.add_subparsers(dest="command"))
    >>> args = p.parse_args(["query", "ASK {}", "--store", "store", "--format", "json"])
    >>> args.command, args.query, args.store, args.format, args.paths
    ('query', 'ASK {}', 'store', 'json', [])
    >>> p.parse_args(["query", "--prefixes"]).prefixes
    True
    """
    q = sub.add_parser(
        "query",
        help="run a SPARQL query and print the result",
        description="Run a SPARQL query on the graph. The prefixes schema, skos, dcterms, xsd, prov, rdf, rdfs and "
        "ng (the project vocabulary) are predeclared: --prefixes lists them. A syntax error says where (exit 2).",
    )
    q.add_argument(
        "query", nargs="?", metavar="QUERY_OR_FILE", help="a SPARQL query, or a file holding one ('-': stdin)"
    )
    _source_arguments(q)
    q.add_argument("--format", choices=_FORMATS, default="table", help="output format (default: table)")
    q.add_argument("--prefixes", action="store_true", help="list the predeclared prefixes (as PREFIX lines) and exit")
    q.set_defaults(run=_query)
    s = sub.add_parser("stats", help="print counts per kind, top providers and topics, and the date span")
    _source_arguments(s)
    s.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    s.add_argument("--top", type=int, default=10, metavar="N", help="how many providers and topics (default: 10)")
    s.set_defaults(run=_stats)


def _source_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to build from (default: seeds/)")
    p.add_argument("--store", metavar="DIR", help="read the store `newsgraph build --store DIR` wrote instead")
    p.add_argument("--base", default=DEFAULT_BASE, metavar="IRI", help=f"base of minted IRIs (default: {DEFAULT_BASE})")


def _graph(args: argparse.Namespace) -> KnowledgeGraph:
    if args.store:
        if args.paths:
            raise ValueError("give either PATHs or --store, not both")
        return open_graph(args.store)
    kg = build(args.paths or ["seeds"], base=args.base)
    for d in kg.corpus.diagnostics:
        print(d, file=sys.stderr)
    return kg


def _query_text(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    path = Path(arg)
    try:
        is_file = "\n" not in arg and path.is_file()
    except OSError:  # a long one-line query is no file name
        is_file = False
    if is_file:
        return path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".rq", ".sparql") and " " not in arg:
        raise ValueError(f"{arg}: no such query file")
    return arg


def _query(args: argparse.Namespace) -> int:
    if args.prefixes:
        sys.stdout.write("".join(line + "\n" for line in prefix_lines()))
        return 0
    if args.query is None:
        raise ValueError("give a query (or a file holding one, '-' for stdin), or --prefixes")
    text = _query_text(args.query)
    if args.store and not args.paths:
        result = run(open_store(args.store), text)  # no need to read the records back
    else:
        result = _graph(args).sparql(text)
    format_rows(result, args.format, sys.stdout)
    return 0


def _stats(args: argparse.Namespace) -> int:
    if args.top < 0:
        raise ValueError(f"--top must be 0 or more, not {args.top}")
    stats = _graph(args).stats(top=args.top)
    if args.format == "json":
        sys.stdout.write(json.dumps(stats, default=_json_value, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_stats(stats))
    return 0


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return str(_json_value(value))
    return str(value)


def _cell(value: Any) -> str:
    text = " ".join(_text(value).split())
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def format_rows(result: Rows | bool, fmt: str, out: TextIO) -> None:
    """Write a query result as an aligned ``table``, ``csv``, ``tsv`` or ``json``.

    >>> import sys
    >>> format_rows(Rows(["name", "n"], [("TechNode", 1), ("The Times", 12)]), "table", sys.stdout)
    name      | n
    ----------+---
    TechNode  | 1
    The Times | 12
    (2 rows)
    >>> format_rows(Rows(["name", "n"], [("The\tTimes", 12)]), "tsv", sys.stdout)
    name	n
    The Times	12
    >>> format_rows(True, "json", sys.stdout)
    true
    """
    if isinstance(result, bool):
        out.write(("true" if result else "false") + "\n")
        return
    if fmt == "json":
        out.write(json.dumps([r.asdict() for r in result], default=_json_value, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_text(v) for v in row] for row in result)
    elif fmt == "tsv":  # tab-separated values: tabs and line breaks inside a value become spaces
        out.write("\t".join(result.columns) + "\n")
        out.writelines("\t".join(" ".join(_text(v).split()) for v in row) + "\n" for row in result)
    else:
        cells = [[_cell(v) for v in row] for row in result]
        widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(result.columns)]
        lines = [" | ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True))]
        lines.append("-+-".join("-" * w for w in widths))
        lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
        lines.append(f"({len(result)} row{'' if len(result) == 1 else 's'})")
        out.write("".join(line.rstrip() + "\n" for line in lines))


def format_stats(stats: dict[str, Any]) -> str:
    """The text ``newsgraph stats`` prints for ``kg.stats()``.

    >>> from graph import build
    >>> print(format_stats(build(["seeds"]).stats(top=2)), end="")
    4 articles, 4 providers, 2 topics, 4 images, 16 edges
    dates: 2021-12-13 to 2021-12-15
    top providers:
      1  Caixin Global
      1  TechNode
    top topics:
      2  AI
      2  Computer Vision
    """
    lines = [counts_text(stats)]
    if stats["first"] is not None:
        lines.append(f"dates: {stats['first']:%Y-%m-%d} to {stats['last']:%Y-%m-%d}")
    else:
        lines.append("dates: none")
    for key in ("top providers", "top topics"):
        lines.append(f"{key}:")
        width = max((len(f"{n:,}") for _, n in stats[key]), default=1)
        lines += [f"  {n:>{width},}  {label}" for label, n in stats[key]]
    return "\n".join(lines) + "\n"
