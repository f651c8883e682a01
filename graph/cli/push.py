"""``newsgraph push``: an export uploaded to a triple store, or (``--sync``) a store kept equal to a dataset export.

Exit status: 0 when the file was stored (with ``--sync``: the store's graphs of
the corpus now equal the file), 1 when the store could not be reached, refused
a request, or a graph changed by someone else was left alone, 2 for a usage
error. Never a traceback, never a password in a message.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from graph.store.http import Credentials, PushError, public_url, split_credentials
from graph.store.push import left_out_note, push
from graph.store.sync import sync
from graph.util.progress import Feedback

__all__ = ["DEFAULT_DATASET", "DEFAULT_EXPORT", "PASSWORD_VARIABLE", "add_parser"]

#: What ``push`` sends when no file is named.
DEFAULT_EXPORT = "exports/graph.ttl"
#: What ``push --sync`` reads when no file is named.
DEFAULT_DATASET = "exports/graph.nq"
#: The environment variable ``--user`` takes the password from.
PASSWORD_VARIABLE = "NEWSGRAPH_PASSWORD"


def add_parser(sub: Any) -> None:
    """Add the ``push`` command to the ``newsgraph`` subparsers."""
    p = sub.add_parser(
        "push",
        help="upload an RDF export to a triple store, or keep a store equal to it with --sync (Graph Store Protocol)",
    )
    p.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help=f"default: {DEFAULT_EXPORT} ({DEFAULT_DATASET} with --sync)",
    )
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the store's Graph Store endpoint, e.g. http://localhost:7878/store (credentials may be in it: "
        "http://USER:PASSWORD@HOST/...)",
    )
    p.add_argument(
        "--graph", metavar="IRI", help="the named graph for a .ttl/.nt/.jsonld file (default: the default graph)"
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace the graph (PUT) instead of adding to it (POST); for .nq/.trig: each graph the file names",
    )
    s = p.add_argument_group("keeping a store equal to a dataset export (.nq, .trig)")
    s.add_argument(
        "--sync",
        action="store_true",
        help="replace the graphs that changed, delete those of documents that are gone, send nothing else",
    )
    s.add_argument("--dry-run", action="store_true", help="with --sync: say what would change, send nothing")
    s.add_argument("--force", action="store_true", help="with --sync: also overwrite graphs changed in the store")
    s.add_argument(
        "--corpus",
        metavar="ID",
        help="with --sync: the corpus id that names the bookkeeping graph urn:x-newsgraph:sync:ID "
        "(default: from the build's base IRI, e.g. newsgraph.example/id)",
    )
    c = p.add_argument_group("connection")
    c.add_argument(
        "--user",
        metavar="NAME",
        help=f"user name for the store; the password comes from ${PASSWORD_VARIABLE} (or is asked on a terminal)",
    )
    c.add_argument(
        "--timeout",
        type=_seconds,
        default=60.0,
        metavar="SECONDS",
        help="deadline of each request as a whole (default: 60)",
    )
    tls = c.add_mutually_exclusive_group()
    tls.add_argument("--ca-bundle", metavar="FILE", help="trust the certificates in FILE (PEM) for https")
    tls.add_argument("--insecure", action="store_true", help="do not check the store's https certificate")
    p.set_defaults(run=_push)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"a positive number of seconds, not {text!r}")
    return value


def _usage(args: argparse.Namespace) -> str | None:
    if not args.sync:
        flags = (("--dry-run", args.dry_run), ("--force", args.force), ("--corpus", args.corpus is not None))
        named = [flag for flag, on in flags if on]
        return f"{', '.join(named)} only goes with --sync" if named else None
    if args.graph is not None or args.replace:
        return "--sync writes the graphs the file names: it takes neither --graph nor --replace"
    return None


def credentials(endpoint: str, user: str | None) -> Credentials | None:
    """The credentials for ``endpoint``: its userinfo, or ``user`` with the password from the environment."""
    _, url_user, url_password = split_credentials(endpoint)
    if user is not None and url_user is not None:
        raise ValueError("the endpoint URL already names a user: give --user or USER@ in the URL, not both")
    name = user if user is not None else url_user
    if name is None:
        return None
    if user is None and url_password is not None:
        return Credentials(name, url_password)
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            raise ValueError(f"the password of {name!r} goes in ${PASSWORD_VARIABLE} (there is no terminal to ask on)")
        password = getpass.getpass(f"password of {name} for {public_url(endpoint)}: ")
    return Credentials(name, password)


def _push(args: argparse.Namespace) -> int:
    problem = _usage(args)
    try:
        if problem:
            raise ValueError(problem)
        creds = credentials(args.endpoint, args.user)
    except ValueError as exc:
        print(f"newsgraph: error: {exc}", file=sys.stderr)
        return 2
    connection: dict[str, Any] = {
        "timeout": args.timeout,
        "credentials": creds,
        "ca_bundle": args.ca_bundle,
        "insecure": args.insecure,
        "feedback": Feedback(),
    }
    try:
        if args.sync:
            done = sync(
                args.file or DEFAULT_DATASET,
                args.endpoint,
                corpus=args.corpus,
                dry_run=args.dry_run,
                force=args.force,
                **connection,
            )
            for line in done.report():
                print(line)
            for line in done.warnings():
                print(f"newsgraph: {line}", file=sys.stderr)
            return 0 if done.complete else 1
        pushed = push(args.file or DEFAULT_EXPORT, args.endpoint, args.graph, replace=args.replace, **connection)
    except PushError as exc:
        print(f"newsgraph: error: {exc}", file=sys.stderr)
        return 1
    graphs = f" in {pushed.graphs:,} graphs" if pushed.graphs != 1 else ""
    print(
        f"pushed {pushed.path} ({pushed.size:,} bytes{graphs}) to {pushed.url} with {pushed.method}: "
        f"HTTP {pushed.status}"
    )
    if pushed.left_out:
        print(f"newsgraph: {left_out_note(pushed.left_out, 'pushed')}", file=sys.stderr)
    return 0
