"""``newsgraph push --sync``: a store's named graphs of one corpus made equal to a dataset export.

Every named graph of the file (``.nq`` or ``.trig``) is a graph of the corpus.
A sync, over the Graph Store Protocol only:

* replaces (``PUT ?graph=``) each graph whose content hash (see
  :mod:`graph.store.graphs`) differs from the one the store last got, and
  sends nothing for the others;
* deletes (``DELETE ?graph=``) each graph it wrote before that the file no
  longer has;
* never touches a graph it did not write, nor the store's default graph.

**Bookkeeping** lives in the store, in the graph ``urn:x-newsgraph:sync:ID``
(:func:`state_graph`), so a sync from another machine, or after ``exports/``
is lost, knows what the corpus owns. ``ID``, the *corpus id*, is the base IRI
of the build without its scheme and trailing slash (``newsgraph.example/id``
for ``https://newsgraph.example/id/``, :func:`corpus_id`), found from the
build's own IRI in the file; ``--corpus ID`` overrides it. For each graph it
holds ``ng:syncedHash`` (the content hash last written) and
``ng:syncedTriples``; ``ng:pendingHash`` marks a write in flight.

**Someone else's change**: before a graph is replaced or deleted it is read
back (``GET``) and hashed; if that is not what the last sync wrote, the graph
is reported and left alone, unless ``force``.

**Failures**: before the first write, one ``POST`` adds a ``ng:pendingHash``
for every graph about to change; at the end one ``PUT`` writes the new
bookkeeping. A sync that stops half way (an error, a kill) leaves marks that
tell the next sync which graphs may hold either content: it reads those back
and takes whichever the store holds, so it repairs the rest and never reports
its own writes as someone else's.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph

from graph.store.graphs import EMPTY_HASH, canonical, content_hash, read_graph, runs, whole_graphs
from graph.store.http import Client, Credentials, PushError, public_url
from graph.store.push import NTRIPLES, build_bases, default_graph_home, graph_url, left_out_note
from graph.util.progress import Feedback

__all__ = ["STATE_PREFIX", "Conflict", "Synced", "corpus_id", "state_graph", "sync"]

#: Graphs newsgraph keeps for itself in a store are named under this prefix.
STATE_PREFIX = "urn:x-newsgraph:sync:"
_NG = "https://newsgraph.example/vocab#"
_SYNCED, _TRIPLES, _PENDING = f"{_NG}syncedHash", f"{_NG}syncedTriples", f"{_NG}pendingHash"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_INTEGER = pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_CORPUS_ID = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/%-]+")


def corpus_id(base: str) -> str:
    """The corpus id of a build's base IRI: the IRI without its scheme and trailing slash.

    >>> corpus_id("https://newsgraph.example/id/")
    'newsgraph.example/id'
    >>> corpus_id("https://data.example.org/news feed/")
    'data.example.org/news%20feed'
    """
    parts = urlsplit(base)
    text = (parts.netloc + parts.path).strip("/") or base
    return quote(text, safe="/:@!$&'()*+,;=-._~%")


def state_graph(corpus: str) -> str:
    """The graph that holds the bookkeeping of corpus ``corpus`` in a store.

    >>> state_graph("newsgraph.example/id")
    'urn:x-newsgraph:sync:newsgraph.example/id'
    """
    if not _CORPUS_ID.fullmatch(corpus):
        raise PushError(f"a corpus id is letters, digits and -._~:/@!$&'()*+,;=%, not {corpus!r}")
    return STATE_PREFIX + corpus


@dataclass(slots=True)
class _Record:
    """What the bookkeeping says about one graph."""

    synced: str | None  #: the hash last written (None: never confirmed)
    triples: int
    pending: set[str] = field(default_factory=set)  #: hashes of writes that may or may not have happened

    def possible(self) -> set[str]:
        """Every content the store may hold for this graph without anyone else having touched it."""
        return {self.synced or EMPTY_HASH} | self.pending


@dataclass(frozen=True, slots=True)
class Conflict:
    """A graph changed in the store since the last sync: left alone, or (``forced``) overwritten."""

    graph: str
    action: str  #: "replace" or "delete": what the sync was about to do
    found: int  #: statements the store holds now
    expected: int  #: statements the last sync wrote
    forced: bool

    def __str__(self) -> str:
        what = f"{self.graph} was changed in the store since the last sync"
        held = f"it holds {self.found:,} statements, the last sync wrote {self.expected:,}"
        if self.forced:
            return f"{what} ({held}): {self.action}d anyway (--force)"
        return f"{what} ({held}): left alone; --force would {self.action} it"


@dataclass(slots=True)
class Synced:
    """What a sync did (or, with ``dry_run``, would do)."""

    path: Path
    url: str  #: the endpoint, without credentials
    corpus: str
    replaced: list[str] = field(default_factory=list)  #: graphs written (new ones included)
    added: list[str] = field(default_factory=list)  #: of those, graphs the store did not have
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    left_out: int = 0  #: default-graph statements not synced
    bytes_sent: int = 0
    dry_run: bool = False
    failure: str | None = None  #: why the sync stopped before the end

    def summary(self) -> str:
        """One line: ``12 graphs replaced, 1 deleted, 1,021 unchanged`` (``(3 new)`` when some are new).

        >>> Synced(Path("g.nq"), "http://s/store", "c", ["a", "b"], ["b"], ["c"], 1021).summary()
        '2 graphs replaced (1 new), 1 deleted, 1,021 unchanged'
        """
        new = f" ({len(self.added):,} new)" if self.added else ""
        graphs = "graph" if len(self.replaced) == 1 else "graphs"
        line = f"{len(self.replaced):,} {graphs} replaced{new}, {len(self.deleted):,} deleted"
        line += f", {self.unchanged:,} unchanged"
        kept = sum(1 for c in self.conflicts if not c.forced)
        return line + (f", {kept:,} left alone" if kept else "")

    def report(self) -> list[str]:
        """What the command prints on stdout: the plan of a dry run, then the summary."""
        lines: list[str] = []
        if self.dry_run:
            new = set(self.added)
            lines += [f"would {'add' if g in new else 'replace'} {g}" for g in self.replaced]
            lines += [f"would delete {g}" for g in self.deleted]
            lines.append(f"dry run, nothing sent to {self.url} (corpus {self.corpus}): {self.summary()}")
        else:
            lines.append(
                f"synced {self.path} to {self.url} (corpus {self.corpus}): {self.summary()}; "
                f"{self.bytes_sent:,} bytes sent"
            )
        return lines

    def warnings(self) -> list[str]:
        """What the command says on stderr: graphs changed by someone else, statements not synced, a failure."""
        lines = [str(c) for c in self.conflicts]
        if self.left_out:
            lines.append(left_out_note(self.left_out, "synced"))
        if self.failure:
            lines.append(f"the sync stopped: {self.failure}")
        return lines

    @property
    def complete(self) -> bool:
        """Is the store now equal to the file (nothing left alone, no failure)?"""
        return self.failure is None and all(c.forced for c in self.conflicts)


@dataclass(slots=True)
class _File:
    """What the first pass over the file found."""

    hashes: dict[str, tuple[str, int]]  #: graph → (content hash, statements), in file order
    split: set[str | None]  #: graphs whose statements are not all together
    bases: set[str]  #: base IRIs of the builds the file describes
    default: list[str]  #: default-graph statements


def sync(
    path: str | os.PathLike[str],
    endpoint: str,
    *,
    corpus: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    timeout: float = 60.0,
    credentials: Credentials | None = None,
    ca_bundle: str | os.PathLike[str] | None = None,
    insecure: bool = False,
    feedback: Feedback | None = None,
) -> Synced:
    """Make the store's graphs of the corpus in ``path`` equal to the file; see the module's description.

    Raises :class:`PushError` when nothing could be done (bad file, store
    unreachable); a failure part-way is ``Synced.failure``.

    >>> sync("exports/graph.ttl", "http://127.0.0.1:9/store")
    Traceback (most recent call last):
    ...
    graph.store.http.PushError: exports/graph.ttl is not a dataset: sync needs named graphs, from an .nq or .trig export
    """
    path = Path(path)
    fb = feedback or Feedback(level=0)
    with fb.stage("read"):
        found = _scan(path)
    home = default_graph_home(next(iter(found.bases)) if len(found.bases) == 1 else None) if found.default else None
    if home is not None:  # the default graph's statements go into a named graph: hash it with them
        found = _scan(path, home)
    if not found.hashes:
        raise PushError(f"{path} has no named graph: nothing to sync (it would delete every graph of the corpus)")
    corpus = corpus if corpus is not None else _corpus(path, found.bases)
    state = state_graph(corpus)
    with Client(endpoint, credentials=credentials, timeout=timeout, ca_bundle=ca_bundle, insecure=insecure) as client:
        done = Synced(path, public_url(client.endpoint), corpus, dry_run=dry_run)
        done.left_out = len(set(found.default)) if home is None else 0
        records = _read_state(client, state)
        plan = _plan(client, found, records, force, done)
        if dry_run:
            return done
        try:
            if plan.puts or plan.deletes:
                _mark_pending(client, state, plan)
            _apply(client, path, found, plan, records, done, fb, home)
        except PushError as exc:
            done.failure = str(exc)
        if plan.dirty or plan.puts or plan.deletes:
            try:
                _write_state(client, state, corpus, records)
            except PushError as exc:
                done.failure = f"{done.failure}; then " if done.failure else ""
                done.failure += f"the bookkeeping was not written ({exc}): the next sync checks the graphs it marked"
        done.bytes_sent = client.bytes_sent
    return done


def _scan(path: Path, home: str | None = None) -> _File:
    """Hash each graph of the file (the default graph's statements counted in ``home``, if any)."""
    hashes: dict[str, tuple[str, int]] = {}
    split: set[str | None] = set()
    bases: set[str] = set()
    default: list[str] = []
    for run in runs(path, home):
        if run.blank:
            raise PushError(
                f"{path}: graph {run.graph or '(default)'} holds blank nodes; a store renames them, so a sync "
                "could not tell whether it changed (newsgraph's exports have none)"
            )
        bases.update(build_bases(run.lines))
        if run.graph is None:
            default += run.lines
            continue
        if run.graph.startswith(STATE_PREFIX):
            raise PushError(f"{path}: graph {run.graph} is named like newsgraph's bookkeeping ({STATE_PREFIX}...)")
        if run.graph in hashes:
            split.add(run.graph)
            continue
        hashes[run.graph] = _hashed(run.lines)
    for run in whole_graphs(path, split, split, home) if split else ():
        assert run.graph is not None
        hashes[run.graph] = _hashed(run.lines)
    return _File(hashes, split, bases, default)


def _hashed(lines: list[str]) -> tuple[str, int]:
    body = canonical(lines)
    return content_hash(body), body.count(b"\n")


def _corpus(path: Path, bases: set[str]) -> str:
    if len(bases) == 1:
        return corpus_id(next(iter(bases)))
    if not bases:
        raise PushError(f"{path} names no newsgraph build, so its corpus is unknown: give --corpus ID")
    raise PushError(f"{path} describes builds of several bases ({', '.join(sorted(bases))}): give --corpus ID")


# -- the bookkeeping -------------------------------------------------------------------------------------------


def _read_state(client: Client, state: str) -> dict[str, _Record]:
    answer = client.request(
        "GET", graph_url(client.endpoint, state), headers={"Accept": NTRIPLES}, accept=frozenset({404})
    )
    if answer.status == 404 or not answer.body.strip():
        return {}
    records: dict[str, _Record] = {}
    kind = answer.headers.get_content_type()
    format_ = pyoxigraph.RdfFormat.from_media_type(kind)
    if format_ is None:
        raise PushError(f"the store sent its bookkeeping graph {state} as {kind!r}, which newsgraph cannot read")
    try:
        quads = list(pyoxigraph.parse(answer.body, format=format_))
    except SyntaxError as exc:
        raise PushError(f"the store sent a bookkeeping graph newsgraph cannot parse: {exc}") from None
    for quad in quads:
        if not isinstance(quad.subject, pyoxigraph.NamedNode) or not isinstance(quad.object, pyoxigraph.Literal):
            continue
        record = records.setdefault(quad.subject.value, _Record(None, 0))
        value, predicate = quad.object.value, quad.predicate.value
        if predicate == _SYNCED:
            if record.synced is not None and record.synced != value:
                record.pending.add(value)  # two values: either may be what the store holds
            else:
                record.synced = value
        elif predicate == _PENDING:
            record.pending.add(value)
        elif predicate == _TRIPLES and value.isdigit():
            record.triples = int(value)
    return {g: r for g, r in records.items() if r.synced is not None or r.pending}


def _statement(subject: str, predicate: str, value: str | int) -> str:
    obj = pyoxigraph.Literal(str(value), datatype=_INTEGER) if isinstance(value, int) else pyoxigraph.Literal(value)
    return str(pyoxigraph.Triple(pyoxigraph.NamedNode(subject), pyoxigraph.NamedNode(predicate), obj))


def _mark_pending(client: Client, state: str, plan: _Plan) -> None:
    """Say, before the first write, which graphs are about to change and into what (added to the bookkeeping)."""
    lines = [_statement(g, _PENDING, h) for g, (h, _) in plan.puts.items()]
    lines += [_statement(g, _PENDING, EMPTY_HASH) for g in plan.deletes]
    client.request("POST", graph_url(client.endpoint, state), canonical(lines), {"Content-Type": NTRIPLES})


def _write_state(client: Client, state: str, corpus: str, records: dict[str, _Record]) -> None:
    url = graph_url(client.endpoint, state)
    if not records:
        client.request("DELETE", url, accept=frozenset({404}))
        return
    lines = [_statement(state, _LABEL, f"newsgraph sync bookkeeping of corpus {corpus}")]
    for name, record in records.items():
        if record.synced is not None:
            lines.append(_statement(name, _SYNCED, record.synced))
            lines.append(_statement(name, _TRIPLES, record.triples))
        lines += [_statement(name, _PENDING, h) for h in record.pending]
    client.request("PUT", url, canonical(lines), {"Content-Type": NTRIPLES})


# -- planning and doing -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    puts: dict[str, tuple[str, int]] = field(default_factory=dict)  #: graph → (new hash, statements)
    deletes: list[str] = field(default_factory=list)
    dirty: bool = False  #: the bookkeeping changed without a write (a mark resolved)


def _store_hash(client: Client, graph: str) -> tuple[str, int]:
    """The content hash and size of what the store holds now in ``graph`` (absent: :data:`EMPTY_HASH`)."""
    answer = client.request(
        "GET", graph_url(client.endpoint, graph), headers={"Accept": NTRIPLES}, accept=frozenset({404})
    )
    if answer.status == 404:
        return EMPTY_HASH, 0
    body = canonical(read_graph(answer.body, answer.headers.get_content_type()))
    return content_hash(body), body.count(b"\n")


def _plan(client: Client, found: _File, records: dict[str, _Record], force: bool, done: Synced) -> _Plan:
    plan = _Plan()
    for name, (wanted, count) in found.hashes.items():
        record = records.get(name)
        if record is None:
            plan.puts[name] = (wanted, count)
            done.added.append(name)
            continue
        if not record.pending and record.synced == wanted:
            done.unchanged += 1
            continue
        held, held_count = _store_hash(client, name)
        if held == wanted:  # a write an interrupted sync made, or the same content from elsewhere
            records[name] = _Record(wanted, count)
            plan.dirty = True
            done.unchanged += 1
            continue
        if held not in record.possible():
            done.conflicts.append(Conflict(name, "replace", held_count, record.triples, force))
            if not force:
                continue
        if record.pending:  # what the store holds is now known
            records[name] = _Record(held if held != EMPTY_HASH else None, held_count)
            plan.dirty = True
        plan.puts[name] = (wanted, count)
        if held == EMPTY_HASH:
            done.added.append(name)
    for name, record in list(records.items()):
        if name in found.hashes:
            continue
        held, held_count = _store_hash(client, name)
        if held == EMPTY_HASH:  # already gone
            del records[name]
            plan.dirty = True
            continue
        if held not in record.possible():
            done.conflicts.append(Conflict(name, "delete", held_count, record.triples, force))
            if not force:
                continue
        plan.deletes.append(name)
    done.replaced = list(plan.puts)
    done.deleted = list(plan.deletes)
    return plan


def _apply(
    client: Client,
    path: Path,
    found: _File,
    plan: _Plan,
    records: dict[str, _Record],
    done: Synced,
    fb: Feedback,
    home: str | None,
) -> None:
    """Send the planned writes, graph by graph, noting each in ``records`` as it succeeds."""
    sent: list[str] = []
    deleted: list[str] = []
    doing: str | None = None
    fb.start("sync", len(plan.puts) + len(plan.deletes))
    try:
        for run in whole_graphs(path, found.split, set(plan.puts), home) if plan.puts else ():
            assert run.graph is not None
            doing = run.graph
            wanted, count = plan.puts[run.graph]
            body = canonical(run.lines)
            if content_hash(body) != wanted:
                raise PushError(f"{path} changed while it was being synced: sync it again")
            client.request("PUT", graph_url(client.endpoint, run.graph), body, {"Content-Type": NTRIPLES})
            records[run.graph] = _Record(wanted, count)
            sent.append(run.graph)
            fb.advance()
        for name in plan.deletes:
            doing = name
            client.request("DELETE", graph_url(client.endpoint, name), accept=frozenset({404}))
            del records[name]
            deleted.append(name)
            fb.advance()
    except PushError:
        # The write that failed may or may not have happened: its graph keeps the pending mark.
        if doing is not None and doing not in sent and doing not in deleted:
            record = records.setdefault(doing, _Record(None, 0))
            record.pending.add(plan.puts[doing][0] if doing in plan.puts else EMPTY_HASH)
        raise
    finally:
        fb.finish()
        done.replaced, done.deleted = sent, deleted
        done.added = [g for g in done.added if g in set(sent)]
