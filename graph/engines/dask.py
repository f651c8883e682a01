"""The Dask engine: the same build on a ``dask.distributed`` cluster.

Files are read and parsed on the workers with the same pure per-file functions
as the local build (:func:`graph.engines.local.process_file` for local paths,
:func:`graph.read.sources.parse_document` and :func:`graph.read.records.extract` for
fsspec URLs). The merge by IRI then runs as a distributed reduce built from the
same pieces as :func:`graph.model.merge.merge`, in two hash-partitioned exchanges:

1. *URL claims*: each partition sends what its full articles claim about URLs,
   and the URLs its articles ask about, to the bucket that owns each URL
   (CRC-32 of the URL, modulo the number of buckets). A bucket combines the
   claims (:func:`graph.model.merge.combine_claims`) and answers each partition.
2. *Records*: each partition resolves its stubs with those answers
   (:func:`graph.model.merge.resolve_file`) and sends every record to the bucket
   that owns its IRI; a bucket merges its groups field by field
   (:func:`graph.model.merge.merge_groups`), with the same winners as a local build.

The client gathers the buckets' merged records and the files' records into the
same :class:`graph.model.merge.Corpus` a local build makes, so every export written
from it is byte-identical. ``dask`` and ``distributed`` (and ``fsspec`` for
URLs) are imported only when the engine runs: ``pip install "newsgraph[dask]"``.
"""

from __future__ import annotations

import hashlib
import heapq
import importlib
import json
import math
import posixpath
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from graph.engines.local import process_file
from graph.formats import FORMATS, write_atomic
from graph.model.merge import (
    Corpus,
    Merged,
    UrlClaims,
    combine_claims,
    group_records,
    merge_groups,
    resolve_file,
    url_claims,
)
from graph.model.report import EmptyInputError, empty_message
from graph.rdf.alternatives import Disputes, disputes
from graph.rdf.mapping import Describer, build_iri, default_blocks, document_blocks, iri
from graph.read.identity import DEFAULT_BASE, check_base
from graph.read.records import Article, FileRecords, extract
from graph.read.sources import (
    MAX_FILE_BYTES,
    SUFFIXES,
    Diagnostic,
    Document,
    Source,
    find_sources,
    parse_document,
    too_large_message,
)
from graph.util.procs import paused_gc
from graph.util.progress import Feedback

__all__ = [
    "INSTALL_HINT",
    "DaskNotInstalled",
    "RemoteSource",
    "connect",
    "find_remote_sources",
    "is_url",
    "read_corpus",
    "write_parts",
    "write_text",
]

#: What to do when the engine's dependencies are missing.
INSTALL_HINT = 'install the "dask" extra: pip install "newsgraph[dask]"'

#: Files per partition: at most this many, so a worker's share of one task stays small.
MAX_FILES_PER_PARTITION = 20_000
#: Files per reduce bucket, roughly: more files, more buckets.
FILES_PER_BUCKET = 100_000

#: Seconds to wait for a remote scheduler to have a worker.
WAIT_FOR_WORKERS = 60

#: ``progress(files_done, files_total)``, called on the client as partitions finish.
Progress = Callable[[int, int], None]


class DaskNotInstalled(ImportError):
    """The Dask engine was asked for but ``dask[distributed]`` or ``fsspec`` is not installed."""


def require(module: str) -> Any:
    """Import ``module`` or raise :class:`DaskNotInstalled` naming the extra to install.

    >>> require("posixpath").join("a", "b")
    'a/b'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise DaskNotInstalled(f"the Dask engine needs {exc.name or module}; {INSTALL_HINT}") from None


# -- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RemoteSource:
    """One input file on an fsspec filesystem: its path there, its name relative to the build root, its size."""

    path: str
    name: str
    size: int | None = None


def is_url(path: str | Any) -> bool:
    """True for an fsspec URL (``s3://``, ``gs://``, ``file://``, ``memory://``), false for a local path.

    >>> is_url("memory://corpus"), is_url("seeds"), is_url("C:/feeds")
    (True, False, False)
    """
    text = str(path)
    scheme, sep, _ = text.partition("://")
    return bool(sep) and len(scheme) > 1 and scheme.replace("+", "").replace("-", "").isalnum()


def find_remote_sources(urls: Sequence[str]) -> tuple[Any, list[RemoteSource]]:
    """The filesystem of ``urls`` and every article file under them, named as :func:`find_sources` names them.

    Folders are searched recursively for the same endings as a local build,
    hidden files and folders skipped; names are relative to the deepest folder
    holding every URL given. All URLs must be on one filesystem.
    """
    fsspec = require("fsspec")
    fs: Any = None
    roots: list[str] = []
    for url in urls:
        url_fs, root = fsspec.core.url_to_fs(str(url))
        if fs is None:
            fs = url_fs
        elif url_fs.protocol != fs.protocol or url_fs.storage_options != fs.storage_options:
            raise ValueError(f"all inputs must be on one filesystem: {urls[0]} and {url} are not")
        roots.append(root.rstrip("/") or "/")
    found: dict[str, int | None] = {}  # path → size
    anchors: list[str] = []
    for url, root in zip(urls, roots, strict=True):
        if not fs.exists(root):
            raise FileNotFoundError(f"no such file or folder: {url}")
        if not fs.isdir(root):
            found.setdefault(root, fs.info(root).get("size"))
            anchors.append(posixpath.dirname(root))
            continue
        anchors.append(root)
        for path, info in fs.find(root, withdirs=False, detail=True).items():
            parts = path[len(root) :].strip("/").split("/")
            if any(part.startswith(".") for part in parts) or not parts[-1].lower().endswith(SUFFIXES):
                continue
            found.setdefault(path, info.get("size"))
    top = posixpath.commonpath(anchors) if anchors else ""
    sources = [RemoteSource(path, _relative(path, top), size) for path, size in found.items()]
    return fs, sorted(sources, key=lambda s: s.name)


def _relative(path: str, top: str) -> str:
    if not top or top == "/":
        return path.lstrip("/")
    return path[len(top) :].lstrip("/")


# -- the tasks (run on the workers; pure functions of their inputs) ------------------------------

#: What a parse task keeps: the partition's records, and per bucket (URL claims, URLs asked about).
Parsed = tuple[list[FileRecords], list[tuple[UrlClaims, list[str]]]]
#: What a resolve task keeps: the partition's resolved records, and per bucket the records whose IRI it owns.
Resolved = tuple[list[FileRecords], list[Any]]


def bucket_of(key: str, buckets: int) -> int:
    """The reduce bucket that owns ``key`` (an URL or IRI): the same in every process, whatever the hash seed.

    >>> bucket_of("https://a.example/1", 4)
    2
    """
    return zlib.crc32(key.encode("utf-8")) % buckets


def _read_remote(fs: Any, source: RemoteSource) -> Document:
    """What :func:`graph.read.sources.read_document` does for a local file, for a file at an fsspec URL."""
    if source.size is not None and source.size > MAX_FILE_BYTES:
        return Document(
            source.name, None, [Diagnostic(source.name, "error", too_large_message(source.size), None, "too-large")]
        )
    try:
        raw = fs.cat_file(source.path, start=0, end=MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__  # as read_document says it
        return Document(
            source.name, None, [Diagnostic(source.name, "error", f"cannot read: {reason}", None, "unreadable")]
        )
    if len(raw) > MAX_FILE_BYTES:  # grew since it was listed
        return Document(
            source.name, None, [Diagnostic(source.name, "error", too_large_message(len(raw)), None, "too-large")]
        )
    return parse_document(raw, source.name)


def parse_partition(
    fs: Any, sources: Sequence[Source | RemoteSource], base: str, drop: frozenset[str], buckets: int
) -> Parsed:
    """Read, parse and extract a partition's files; split its URL claims and questions by bucket."""
    with paused_gc():  # records hold no cycles: as in the local engine's workers
        if fs is None:
            files = [process_file(s, base, drop) for s in sources if isinstance(s, Source)]
        else:
            files = [extract(_read_remote(fs, s), base, drop) for s in sources if isinstance(s, RemoteSource)]
    pieces: list[tuple[UrlClaims, list[str]]] = [({}, []) for _ in range(buckets)]
    for url, claim in url_claims(files).items():
        pieces[bucket_of(url, buckets)][0][url] = claim
    asked = {url for f in files for article in f.articles for url in article.urls}
    for url in sorted(asked):
        pieces[bucket_of(url, buckets)][1].append(url)
    return files, pieces


def pick_piece(parts: tuple[Any, list[Any]], bucket: int) -> Any:
    """One bucket's piece of a task's output (runs where that output is, so only the piece moves)."""
    return parts[1][bucket]


def pick_files(parts: tuple[list[FileRecords], Any]) -> list[FileRecords]:
    """The files' records of a task's output."""
    return parts[0]


def answer_urls(pieces: Sequence[tuple[UrlClaims, list[str]]]) -> list[dict[str, str]]:
    """One bucket of the URL exchange: combine every partition's claims and answer each partition."""
    claims = combine_claims(c for c, _ in pieces)
    return [{url: claims[url][1] for url in asked if url in claims} for _, asked in pieces]


def pick_answer(answers: list[dict[str, str]], partition: int) -> dict[str, str]:
    """A bucket's answers to one partition."""
    return answers[partition]


def resolve_partition(parsed: Parsed, *answers: dict[str, str], by_file: bool = False) -> Resolved:
    """Resolve a partition's stubs with the buckets' answers; split its records by the bucket owning each IRI.

    A bucket's piece is one :class:`FileRecords` holding all its records, or
    with ``by_file`` one per file (what each file said is needed to find where
    files disagree, :func:`graph.rdf.alternatives.disputes`).
    """
    url_map: dict[str, str] = {}
    for part in answers:
        url_map.update(part)
    files = [resolve_file(f, url_map) for f in parsed[0]]
    buckets = len(answers)
    if not by_file:
        return files, _split(files, buckets)
    pieces: list[list[FileRecords]] = [[] for _ in range(buckets)]
    for f in files:
        for b, piece in enumerate(_split([f], buckets)):
            if piece.articles or piece.providers or piece.topics or piece.images:
                pieces[b].append(piece)
    return files, pieces


def _split(files: Iterable[FileRecords], buckets: int) -> list[FileRecords]:
    """The records of ``files``, one :class:`FileRecords` per bucket (named after the first file)."""
    files = list(files)
    source = files[0].source if len(files) == 1 else ""
    pieces = [FileRecords(source) for _ in range(buckets)]
    for f in files:
        for article in f.articles:
            pieces[bucket_of(article.iri, buckets)].articles.append(article)
        for provider in f.providers:
            pieces[bucket_of(provider.iri, buckets)].providers.append(provider)
        for topic in f.topics:
            pieces[bucket_of(topic.iri, buckets)].topics.append(topic)
        for image in f.images:
            pieces[bucket_of(image.iri, buckets)].images.append(image)
    return pieces


def merge_bucket(*pieces: FileRecords) -> Merged:
    """One bucket of the record exchange: every group of records it owns, merged as a local build merges it."""
    with paused_gc():
        return merge_groups(group_records(pieces))


# -- --stream: the dataset as N-Quads parts, written by the workers ---------------------------------

#: The folder (inside the output folder) that ``--stream`` writes its parts and manifest into.
PARTS_DIR = "graph.nq.d"
#: The manifest of a streamed build, written last: the parts it lists are complete.
MANIFEST = "manifest.json"

#: What a written part reports: name, quads, bytes, sha256.
PartInfo = dict[str, Any]


def _quad_lines(graph: str | None, blocks: Iterable[tuple[str, list[tuple[str, str]]]]) -> str:
    """Blocks as N-Quads lines in ``graph`` (``None``: the default graph), as :mod:`graph.formats.nq` writes them."""
    end = " .\n" if graph is None else f" {graph} .\n"
    return "".join(f"{subject} {predicate} {obj}{end}" for subject, pairs in blocks for predicate, obj in pairs)


def _default_graph(piece: Corpus, constants: bool) -> str:
    """This piece's share of the dataset's build graph (:func:`graph.rdf.mapping.default_blocks`).

    The statements that do not depend on the corpus (the build's and the
    concept scheme's types and labels) are written by one part only.
    """
    fixed = {(s, pair) for s, pairs in default_blocks(Corpus(piece.base)) for pair in pairs}
    blocks = [
        (subject, [pair for pair in pairs if constants or (subject, pair) not in fixed])
        for subject, pairs in default_blocks(piece)
    ]
    return _quad_lines(iri(build_iri(piece.base)), blocks)


def _write_part(target: tuple[Any, str], name: str, chunks: Iterable[str]) -> PartInfo:
    """Write one part (UTF-8), atomically on a local disk; say what was written."""
    fs, folder = target
    digest = hashlib.sha256()
    counts = {"quads": 0, "bytes": 0}

    def counted() -> Iterator[str]:
        for chunk in chunks:
            data = chunk.encode("utf-8")
            digest.update(data)
            counts["quads"] += chunk.count("\n")
            counts["bytes"] += len(data)
            yield chunk

    if fs is None:
        write_atomic(Path(folder) / name, counted())
    else:
        with fs.open(f"{folder}/{name}", "wb") as out:
            for chunk in counted():
                out.write(chunk.encode("utf-8"))
    return {"name": name, **counts, "sha256": digest.hexdigest()}


def merge_write_bucket(
    target: tuple[Any, str], bucket: int, base: str, *pieces: list[FileRecords]
) -> tuple[list[tuple[dict[str, Article], Disputes]], PartInfo]:
    """Merge a bucket's groups; write its share of the build graph; give each partition what it needs.

    ``pieces`` come one list per partition, in partition order. The part holds
    the concept scheme's topics of this bucket. Each partition is given the
    merged articles its files name and, where files disagree on a node its files
    describe, the values that lost (:func:`graph.rdf.alternatives.disputes`).
    """
    files = [f for part in pieces for f in part]
    articles, providers, topics, images = merge_groups(group_records(files))
    piece = Corpus(base, articles, providers, topics, images, files)
    describer = Describer(base)
    found = disputes(piece, describer)
    info = _write_part(target, f"merge-{bucket:05d}.nq", [_default_graph(Corpus(base, topics=topics), bucket == 0)])
    asked = []
    for part in pieces:
        mine = {a.iri: articles[a.iri] for f in part for a in f.articles}
        said = (r for f in part for records in (f.articles, f.providers, f.topics, f.images) for r in records)
        named = {describer.term(r.iri) for r in said}
        asked.append((mine, {s: found[s] for s in sorted(named & found.keys())}))
    return asked, info


def write_partition(
    target: tuple[Any, str], partition: int, base: str, resolved: Resolved, *merged: tuple[dict[str, Article], Disputes]
) -> tuple[list[FileRecords], PartInfo]:
    """Write what each file of a partition says, one named graph per file (:func:`graph.rdf.mapping.document_blocks`).

    Gives back each file's name, own article's IRI and diagnostics: what the report needs.
    """
    articles: dict[str, Article] = {}
    lost: Disputes = {}
    for part, found in merged:
        articles.update(part)
        lost.update(found)  # a node is in one bucket: the buckets' disputes never overlap
    corpus = Corpus(base, articles=articles)
    files = resolved[0]
    describer = Describer(base)

    def chunks() -> Iterator[str]:
        for f in files:
            yield _quad_lines(*document_blocks(f, corpus, describer, lost))
        yield _default_graph(Corpus(base, files=files), False)

    info = _write_part(target, f"part-{partition:05d}.nq", chunks())
    return [
        FileRecords(
            f.source,
            [Article(a.iri, a.url, stub=a.stub) for a in (f.main if f.kind == "page" else f.articles[:1])],
            f.providers[:1],
            f.topics[:1],
            diagnostics=f.diagnostics,
            kind=f.kind,
            reason=f.reason,
        )
        for f in files
    ], info


# -- the client ------------------------------------------------------------------------------------


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: of the cluster at ``scheduler``, or of a new local cluster of worker processes.

    The local cluster has ``workers`` processes (default: one per core) of one
    thread each, and is closed on exit; a remote cluster is left running.
    """
    distributed = require("distributed")
    if scheduler:
        with distributed.Client(scheduler) as client:
            try:
                client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
            except TimeoutError:
                raise ValueError(
                    f"no Dask worker joined the scheduler at {scheduler} in {WAIT_FOR_WORKERS} s"
                ) from None
            yield client
        return
    # Threads would share one GIL and parsing is Python: one single-threaded process per core.
    # The dashboard (with bokeh installed) listens on a free port: never a clash with another cluster.
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    with cluster, distributed.Client(cluster) as client:
        yield client


def read_corpus(
    paths: Iterable[str | Any],
    base: str = DEFAULT_BASE,
    *,
    drop: Iterable[str] = (),
    client: Any = None,
    scheduler: str | None = None,
    files_per_partition: int | None = None,
    buckets: int | None = None,
    progress: Progress | None = None,
    times: dict[str, float] | None = None,
    workers: int | None = None,
    feedback: Feedback | None = None,
    follow_symlinks: bool = False,
) -> Corpus:
    """Read and merge every article file under ``paths`` on a Dask cluster: the same corpus as a local build.

    ``paths`` are local paths (that every worker can read at the same place)
    or fsspec URLs on one filesystem. Give a connected ``client``, a
    ``scheduler`` address, or neither to start a local cluster of ``workers``
    processes (default: one per core) for this build. ``feedback`` shows
    progress as partitions are parsed, and gets the stage times. ``times``,
    if given, receives the seconds spent listing the files (``list``),
    starting a local cluster (``cluster``), until every file was parsed
    (``parse``), then merging (``reduce``) and gathering (``gather``).
    ``follow_symlinks`` follows symbolic links out of local ``paths`` (see :func:`find_sources`).
    """
    if times is None and feedback is not None:
        times = feedback.times
    job = _Job(paths, base, drop, files_per_partition, buckets, _progress(progress, feedback), times, follow_symlinks)
    if not job.sources:
        return Corpus(base=job.base)
    with _client(client, scheduler, workers) as c:
        return job.corpus(c)


def write_parts(
    paths: Iterable[str | Any],
    out: str | Any,
    base: str = DEFAULT_BASE,
    *,
    drop: Iterable[str] = (),
    client: Any = None,
    scheduler: str | None = None,
    files_per_partition: int | None = None,
    buckets: int | None = None,
    progress: Progress | None = None,
    times: dict[str, float] | None = None,
    workers: int | None = None,
    feedback: Feedback | None = None,
    follow_symlinks: bool = False,
    allow_empty: bool = True,
) -> tuple[str, Corpus]:
    """``--stream``: the workers write the dataset as N-Quads parts in ``out/graph.nq.d/``, then a manifest.

    With ``allow_empty=False``, paths that hold no file at all raise
    :class:`graph.model.report.EmptyInputError` before anything is written (that
    every file was rejected is known only once the workers wrote their parts).

    Each partition writes ``part-NNNNN.nq``: one named graph per file, as
    ``graph.nq`` has it (:func:`graph.rdf.mapping.document_blocks`); each reduce
    bucket writes ``merge-NNNNN.nq``: its share of the build's graph (the
    concept scheme's topics). The
    union of the parts is the dataset a local build writes as ``graph.nq``;
    nothing is gathered on the client but each file's name, article IRI and
    diagnostics. ``out`` is a local folder (every worker must see it at that
    path) or an fsspec URL. Returns the manifest's path and a corpus of the
    files alone, for the report.
    """
    if times is None and feedback is not None:
        times = feedback.times
    job = _Job(paths, base, drop, files_per_partition, buckets, _progress(progress, feedback), times, follow_symlinks)
    if not job.sources and not allow_empty:
        raise EmptyInputError(empty_message(0, 0))
    target = _target(out)
    fs, folder = target
    with _client(client, scheduler, workers) as c:
        old = _clear_manifest(target)
        files, infos = job.parts(c, target) if job.sources else ([], [])
        if not job.sources:
            infos = [_write_part(target, "merge-00000.nq", [_default_graph(Corpus(job.base), True)])]
    manifest = {
        "format": FORMATS["nq"].media_type,
        "base": job.base,
        "files": len(files),
        "quads": sum(i["quads"] for i in infos),
        "parts": sorted(infos, key=lambda i: i["name"]),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    written = {i["name"] for i in infos}
    for name in old - written:  # parts of an earlier, larger build
        _remove(target, name)
    _write_part(target, MANIFEST, [text])
    return f"{folder}/{MANIFEST}", Corpus(job.base, files=sorted(files, key=lambda f: f.source))


def _target(out: str | Any) -> tuple[Any, str]:
    """(fsspec filesystem or ``None`` for a local folder, the parts folder), created."""
    text = str(out)
    if is_url(text):
        fs, root = require("fsspec").core.url_to_fs(text)
        folder = f"{root.rstrip('/')}/{PARTS_DIR}"
        fs.makedirs(folder, exist_ok=True)
        return fs, folder
    local = Path(text) / PARTS_DIR
    local.mkdir(parents=True, exist_ok=True)
    return None, str(local)


def write_text(out: str | Any, name: str, text: str) -> None:
    """Write ``out/name`` (a local folder or an fsspec URL) as UTF-8, atomically on a local disk."""
    if is_url(str(out)):
        fs, root = require("fsspec").core.url_to_fs(str(out))
        _write_part((fs, root.rstrip("/")), name, [text])
    else:
        write_atomic(Path(out) / name, [text])


def _clear_manifest(target: tuple[Any, str]) -> set[str]:
    """Remove the manifest (the parts are being rewritten); the names of the parts already there."""
    fs, folder = target
    if fs is None:
        Path(folder, MANIFEST).unlink(missing_ok=True)
        names = [p.name for p in Path(folder).iterdir()]
    else:
        if fs.exists(f"{folder}/{MANIFEST}"):
            fs.rm(f"{folder}/{MANIFEST}")
        names = [posixpath.basename(p) for p in fs.ls(folder, detail=False)]
    return {n for n in names if n.endswith(".nq") and n.startswith(("part-", "merge-"))}


def _remove(target: tuple[Any, str], name: str) -> None:
    fs, folder = target
    if fs is None:
        Path(folder, name).unlink(missing_ok=True)
    else:
        fs.rm(f"{folder}/{name}")


@contextmanager
def _client(client: Any, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    if client is not None:
        yield client
        return
    with connect(scheduler, workers) as own:
        yield own


def _progress(progress: Progress | None, feedback: Feedback | None) -> Progress | None:
    """``progress`` and, with ``feedback``, its progress bar (files parsed on the cluster)."""
    if feedback is None:
        return progress
    shown = [0]

    def tick(done: int, total: int) -> None:
        if shown[0] == 0:
            feedback.start("parsing on the cluster", total)
        feedback.advance(done - shown[0])
        shown[0] = done
        if done >= total:
            feedback.finish()
            feedback.count("files parsed on the cluster", total)
        if progress is not None:
            progress(done, total)

    return tick


def plan(
    files: int, workers: int, files_per_partition: int | None = None, buckets: int | None = None
) -> tuple[int, int]:
    """(files per partition, reduce buckets) for a build of ``files`` files on ``workers`` workers.

    Four partitions per worker (so a lost worker costs a quarter of its share),
    at most :data:`MAX_FILES_PER_PARTITION` files each; one bucket per worker, or
    one per :data:`FILES_PER_BUCKET` files when that is more, never more than partitions.

    >>> plan(100_000, 2)
    (12500, 2)
    >>> plan(10_000_000, 50)
    (20000, 100)
    """
    workers = max(1, workers)
    size = files_per_partition or min(MAX_FILES_PER_PARTITION, max(50, math.ceil(files / (4 * workers))))
    partitions = max(1, math.ceil(files / size))
    count = buckets or max(workers, math.ceil(files / FILES_PER_BUCKET))
    return size, max(1, min(count, partitions))


class _Job:
    """One build on a cluster: its inputs, and the task graph of the read and the reduce."""

    def __init__(
        self,
        paths: Iterable[str | Any],
        base: str,
        drop: Iterable[str],
        files_per_partition: int | None,
        buckets: int | None,
        progress: Progress | None,
        times: dict[str, float] | None = None,
        follow_symlinks: bool = False,
    ) -> None:
        self.times = times if times is not None else {}
        self.clock = time.perf_counter()
        self.base = check_base(base)
        self.drop = frozenset(drop)
        names = [str(p) for p in ([paths] if isinstance(paths, str) else paths)]
        self.fs: Any = None
        self.sources: Sequence[Source | RemoteSource]
        if any(is_url(p) for p in names):
            if not all(is_url(p) for p in names):
                raise ValueError("inputs must be all local paths or all URLs, not a mix")
            self.fs, self.sources = find_remote_sources(names)
        else:
            self.sources = find_sources(names, follow_symlinks)  # the walk of a local build: the same policy
        self.lap("list")
        self.files_per_partition = files_per_partition
        self.buckets = buckets
        self.progress = progress

    def lap(self, stage: str) -> None:
        """Add the seconds since the last lap to ``stage``."""
        now = time.perf_counter()
        self.times[stage] = self.times.get(stage, 0.0) + now - self.clock
        self.clock = now

    def submit(self, client: Any, name: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Submit one task. The client keeps only the futures it gathers, so the cluster
        frees each intermediate result as soon as the tasks that need it are done."""
        return client.submit(func, *args, key=f"{self.tag}-{name}", pure=False, **kwargs)

    def exchange(self, client: Any, by_file: bool) -> tuple[list[Any], int]:
        """Submit the read and the URL exchange; the futures of the resolved partitions, and the bucket count."""
        distributed = require("distributed")
        self.tag = f"newsgraph-{uuid.uuid4().hex[:12]}"
        workers = len(client.nthreads()) or 1
        size, nb = plan(len(self.sources), workers, self.files_per_partition, self.buckets)
        chunks = [list(self.sources[i : i + size]) for i in range(0, len(self.sources), size)]
        run = partial(self.submit, client)
        parsed = [
            run(f"parse-{p}", parse_partition, self.fs, c, self.base, self.drop, nb) for p, c in enumerate(chunks)
        ]
        self.lap("cluster")
        # Wait for the reads (they are most of the work), timing them and telling progress.
        sizes = {f.key: len(chunk) for f, chunk in zip(parsed, chunks, strict=True)}
        done = 0
        for future in distributed.as_completed(parsed):
            done += sizes[future.key]
            if self.progress is not None:
                self.progress(done, len(self.sources))
        self.lap("parse")
        n = len(chunks)
        claims = [[run(f"claims-{p}-{b}", pick_piece, parsed[p], b) for p in range(n)] for b in range(nb)]
        answers = [run(f"answer-{b}", answer_urls, claims[b]) for b in range(nb)]
        resolved = [
            run(
                f"resolve-{p}",
                resolve_partition,
                parsed[p],
                *(run(f"answer-{b}-{p}", pick_answer, answers[b], p) for b in range(nb)),
                by_file=by_file,
            )
            for p in range(n)
        ]
        return resolved, nb

    def corpus(self, client: Any) -> Corpus:
        """Read, resolve and merge on the cluster; gather the merged records and the files' records."""
        resolved, nb = self.exchange(client, by_file=False)
        run = partial(self.submit, client)
        n = len(resolved)
        merged = [
            run(f"merge-{b}", merge_bucket, *(run(f"records-{p}-{b}", pick_piece, resolved[p], b) for p in range(n)))
            for b in range(nb)
        ]
        files_of = [run(f"files-{p}", pick_files, resolved[p]) for p in range(n)]
        del resolved
        try:
            parts: list[Merged] = client.gather(merged)
            self.lap("reduce")
            files = sorted((f for part in client.gather(files_of) for f in part), key=lambda f: f.source)
            self.lap("gather")
        finally:
            client.cancel(merged + files_of)  # an interrupted build leaves nothing running
        return Corpus(
            self.base,
            articles=_union([part[0] for part in parts]),
            providers=_union([part[1] for part in parts]),
            topics=_union([part[2] for part in parts]),
            images=_union([part[3] for part in parts]),
            files=files,
        )

    def parts(self, client: Any, target: tuple[Any, str]) -> tuple[list[FileRecords], list[PartInfo]]:
        """Read, resolve and merge on the cluster, the workers writing the parts; gather what the report needs."""
        resolved, nb = self.exchange(client, by_file=True)
        run = partial(self.submit, client)
        n = len(resolved)
        buckets = [
            run(
                f"merge-{b}",
                merge_write_bucket,
                target,
                b,
                self.base,
                *(run(f"records-{p}-{b}", pick_piece, resolved[p], b) for p in range(n)),
            )
            for b in range(nb)
        ]
        written = [
            run(
                f"write-{p}",
                write_partition,
                target,
                p,
                self.base,
                resolved[p],
                *(run(f"merged-{b}-{p}", pick_merged, buckets[b], p) for b in range(nb)),
            )
            for p in range(n)
        ]
        infos_of = [run(f"info-{b}", pick_info, buckets[b]) for b in range(nb)]
        del resolved, buckets
        try:
            results = client.gather(written)
            self.lap("reduce")
            infos = client.gather(infos_of) + [info for _, info in results]
            files = [f for part, _ in results for f in part]
        finally:
            client.cancel(written + infos_of)
        return files, infos


def pick_info(bucket: tuple[Any, PartInfo]) -> PartInfo:
    """What a bucket wrote."""
    return bucket[1]


def pick_merged(
    bucket: tuple[list[tuple[dict[str, Article], Disputes]], PartInfo], partition: int
) -> tuple[dict[str, Article], Disputes]:
    """A bucket's merged articles, and values that lost, for one partition."""
    return bucket[0][partition]


def _union(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Mappings with disjoint keys, each sorted by key, as one mapping sorted by key."""
    return dict(heapq.merge(*(part.items() for part in parts), key=lambda item: item[0]))
