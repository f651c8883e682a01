"""newsgraph push --sync against real stores (Oxigraph, Virtuoso): the store's graphs of a corpus follow the file."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph
import pytest
from conftest import GEN_CORPUS, ROOT
from http_fakes import Seen, proxy
from stores import Store

import graph
from graph.cli.main import main

STATE = "urn:x-newsgraph:sync:newsgraph.example/id"
FOREIGN = "https://other.example/graph"
FOREIGN_LINES = {'<https://other.example/s> <https://other.example/p> "not newsgraph\'s"'}
NG = "https://newsgraph.example/vocab#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """31 generated article files."""
    folder = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", "31", "--out", str(folder)], check=True)
    return folder


class Feed:
    """A 30-file feed in a folder of its own, built again after each change."""

    def __init__(self, generated: Path, folder: Path, base: str | None = None) -> None:
        self.files = sorted(generated.iterdir())
        self.folder = folder / "feed"
        self.folder.mkdir(parents=True)
        for f in self.files[:30]:
            shutil.copy(f, self.folder / f.name)
        self.out = folder / "exports"
        self.base = base
        self.builds = 0

    def build(self, formats: tuple[str, ...] = ("nq",)) -> Path:
        """Build into a new folder each time (a sync must not need the previous exports)."""
        self.builds += 1
        out = self.out / str(self.builds)
        kw = {"base": self.base} if self.base else {}
        graph.build([self.folder], **kw).write(out, list(formats))
        return out / f"graph.{formats[0]}"

    def change(self) -> tuple[str, str, str]:
        """Edit one file, delete one, add one; their names."""
        edited, deleted, added = self.files[3].name, self.files[7].name, self.files[30].name
        path = self.folder / edited
        path.write_text(path.read_text().replace("title: ", "title: Edited: ", 1))
        (self.folder / deleted).unlink()
        shutil.copy(self.files[30], self.folder / added)
        return edited, deleted, added


def named_graphs(path: Path) -> dict[str, set[str]]:
    """The named graphs of a dataset export, as sets of N-Triples statements."""
    found: dict[str, set[str]] = {}
    fmt = pyoxigraph.RdfFormat.N_QUADS if path.suffix == ".nq" else pyoxigraph.RdfFormat.TRIG
    for q in pyoxigraph.parse(path=str(path), format=fmt):
        if isinstance(q.graph_name, pyoxigraph.NamedNode):
            found.setdefault(q.graph_name.value, set()).add(str(q.triple))
    return found


def corpus_graphs(store: Store) -> set[str]:
    """The store's named graphs but newsgraph's bookkeeping and the foreign one."""
    return {g for g in store.graphs() if not g.startswith("urn:x-newsgraph:") and g != FOREIGN}


def assert_store_equals_file(store: Store, path: Path) -> None:
    wanted = named_graphs(path)
    assert corpus_graphs(store) == set(wanted)
    for name, lines in wanted.items():
        assert store.read(name) == lines, name


def bookkeeping(store: Store, state: str = STATE) -> dict[str, dict[str, set[str]]]:
    """The bookkeeping graph: graph → predicate local name → values."""
    found: dict[str, dict[str, set[str]]] = {}
    for line in store.read(state):
        q = next(iter(pyoxigraph.parse(f"{line} .".encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)))
        if q.predicate.value.startswith(NG):
            found.setdefault(q.subject.value, {}).setdefault(q.predicate.value[len(NG) :], set()).add(q.object.value)
    return found


def content_hash(lines: set[str]) -> str:
    """The hash the docs define: SHA-256 of the sorted canonical N-Triples (computed here independently)."""
    return "sha256:" + hashlib.sha256("".join(f"{line} .\n" for line in sorted(lines)).encode()).hexdigest()


def assert_bookkeeping_describes_the_store(store: Store) -> None:
    for name, facts in bookkeeping(store).items():
        possible = facts.get("syncedHash", set()) | facts.get("pendingHash", set())
        if "syncedHash" not in facts:
            possible.add(content_hash(set()))  # a write in flight to a graph the store did not have
        assert content_hash(store.read(name)) in possible, name


def source(name: str) -> str:
    return f"https://newsgraph.example/id/source/{name}"


def sync(path: Path, endpoint: str, *extra: str) -> int:
    return main(["push", "--sync", str(path), "--endpoint", endpoint, *extra])


# -- equality, foreign graphs, the default graph --------------------------------------------------------------------


def test_sync_makes_the_store_equal_to_the_file_and_never_touches_foreign_graphs(
    store: Store, generated: Path, tmp_path: Path, capsys
):
    store.put(FOREIGN, FOREIGN_LINES)
    default = {'<https://other.example/d> <https://other.example/p> "in the default graph"'}
    if store.name == "oxigraph":  # Virtuoso's Graph Store endpoint has no default graph
        store.put(None, default)
    feed = Feed(generated, tmp_path)
    first = feed.build()
    assert sync(first, store.endpoint) == 0
    out, err = capsys.readouterr()
    assert out == (
        f"synced {first} to {store.gsp} (corpus newsgraph.example/id): 31 graphs replaced (31 new), 0 deleted, "
        f"0 unchanged; {out.split('; ')[1]}"
    )  # 30 files' graphs and the build's (the topic scheme, provenance): nothing in the default graph
    assert _default_statements(first) == set() and err == ""
    assert_store_equals_file(store, first)
    edited, deleted, added = feed.change()
    second = feed.build()  # another folder: what the corpus owns is known from the store itself
    assert sync(second, store.endpoint) == 0
    out = capsys.readouterr().out
    # the edited and the added file's graphs, and the build's (its prov:used lists the files)
    assert "3 graphs replaced (1 new), 1 deleted, 28 unchanged" in out
    assert_store_equals_file(store, second)
    assert source(deleted) not in store.graphs()
    assert store.read(FOREIGN) == FOREIGN_LINES
    if store.name == "oxigraph":
        assert store.read(None) == default
    facts = bookkeeping(store)
    assert set(facts) == set(named_graphs(second))
    assert facts[source(added)] == {
        "syncedHash": {content_hash(named_graphs(second)[source(added)])},
        "syncedTriples": {str(len(named_graphs(second)[source(added)]))},
    }
    assert sync(second, store.endpoint) == 0
    assert "0 graphs replaced, 0 deleted, 31 unchanged; 0 bytes sent" in capsys.readouterr().out


def _default_statements(path: Path) -> set[str]:
    return {str(q.triple) for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS)
            if isinstance(q.graph_name, pyoxigraph.DefaultGraph)}  # fmt: skip


def test_second_sync_after_an_edit_a_deletion_and_an_addition_sends_under_a_quarter_of_the_bytes(
    store: Store, generated: Path, tmp_path: Path, capsys
):
    feed = Feed(generated, tmp_path)
    with proxy(store.gsp) as counting:
        endpoint = counting.url.replace("://", f"://{store.user}:{store.password}@") if store.user else counting.url
        assert sync(feed.build(), endpoint) == 0
        first = counting.body_bytes
        assert f"; {first:,} bytes sent" in capsys.readouterr().out  # what the command says is what went out
        counting.body_bytes, counting.requests = 0, []
        feed.change()
        assert sync(feed.build(), endpoint) == 0
        second = counting.body_bytes
        assert f"; {second:,} bytes sent" in capsys.readouterr().out
    print(f"{store.name}: first sync {first:,} bytes, second {second:,} bytes ({second / first:.1%})")
    assert 0 < second < first / 4
    writes = sorted(r.method for r in counting.requests if r.method not in ("GET", "HEAD"))
    # marks, three graphs (the edited file's, the added one's, the build's), one deletion, the bookkeeping
    assert writes == ["DELETE", "POST", "PUT", "PUT", "PUT", "PUT"]


# -- dry run, someone else's change, --force ------------------------------------------------------------------------


def test_dry_run_says_what_would_change_and_sends_nothing(store: Store, generated: Path, tmp_path: Path, capsys):
    feed = Feed(generated, tmp_path)
    first = feed.build()
    assert sync(first, store.endpoint) == 0
    edited, deleted, added = feed.change()
    second = feed.build()
    capsys.readouterr()
    with proxy(store.gsp) as watching:
        endpoint = watching.url.replace("://", f"://{store.user}:{store.password}@") if store.user else watching.url
        assert sync(second, endpoint, "--dry-run") == 0
    assert {r.method for r in watching.requests} <= {"GET", "HEAD"} and watching.body_bytes == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "would replace https://newsgraph.example/id/build",
        f"would replace {source(edited)}",
        f"would add {source(added)}",
        f"would delete {source(deleted)}",
        f"dry run, nothing sent to {watching.url} (corpus newsgraph.example/id): "
        "3 graphs replaced (1 new), 1 deleted, 28 unchanged",
    ]
    assert_store_equals_file(store, first)


def test_a_graph_changed_in_the_store_since_the_last_sync_is_left_alone_without_force(
    store: Store, generated: Path, tmp_path: Path, capsys
):
    feed = Feed(generated, tmp_path)
    assert sync(feed.build(), store.endpoint) == 0
    edited, deleted, added = feed.change()
    theirs = {f'<{source(edited)}> <https://other.example/note> "edited by hand"'}
    store.put(source(edited), theirs)
    store.put(source(deleted), theirs)
    second = feed.build()
    capsys.readouterr()
    assert sync(second, store.endpoint) == 1
    out, err = capsys.readouterr()
    assert "2 graphs replaced (1 new), 0 deleted, 28 unchanged, 2 left alone" in out  # the added one, the build's
    assert err.splitlines()[:2] == [
        f"newsgraph: {source(edited)} was changed in the store since the last sync (it holds 1 statements, "
        f"the last sync wrote {_written(store, source(edited))}): left alone; --force would replace it",
        f"newsgraph: {source(deleted)} was changed in the store since the last sync (it holds 1 statements, "
        f"the last sync wrote {_written(store, source(deleted))}): left alone; --force would delete it",
    ]
    assert store.read(source(edited)) == theirs and store.read(source(deleted)) == theirs
    assert sync(second, store.endpoint) == 1  # still reported, still left alone
    capsys.readouterr()
    assert sync(second, store.endpoint, "--force") == 0
    out, err = capsys.readouterr()
    assert "1 graph replaced, 1 deleted, 30 unchanged" in out
    assert "replaced anyway (--force)" in err and "deleted anyway (--force)" in err
    assert_store_equals_file(store, second)
    assert sync(second, store.endpoint) == 0
    assert "0 graphs replaced, 0 deleted, 31 unchanged" in capsys.readouterr().out


def _written(store: Store, name: str) -> str:
    return next(iter(bookkeeping(store)[name]["syncedTriples"]))


# -- failures part-way -----------------------------------------------------------------------------------------------


def test_a_sync_that_fails_half_way_leaves_bookkeeping_that_describes_the_store(
    store: Store, generated: Path, tmp_path: Path, capsys
):
    feed = Feed(generated, tmp_path)
    first = feed.build()
    puts: list[str] = []

    def third_graph_fails(seen: Seen, n: int) -> int | None:
        if seen.method == "PUT" and "urn%3Ax-newsgraph" not in seen.path:
            puts.append(seen.path)
            return 500 if len(puts) == 3 else None
        return None

    with proxy(store.gsp, third_graph_fails) as failing:
        endpoint = failing.url.replace("://", f"://{store.user}:{store.password}@") if store.user else failing.url
        assert sync(first, endpoint) == 1
    out, err = capsys.readouterr()
    assert "2 graphs replaced (2 new), 0 deleted, 0 unchanged" in out
    assert err.splitlines()[-1].startswith("newsgraph: the sync stopped: the store at ")
    assert "answered HTTP 500 Internal Server Error: injected failure" in err
    assert len(corpus_graphs(store)) == 2
    assert_bookkeeping_describes_the_store(store)
    assert sync(first, store.endpoint) == 0
    out, err = capsys.readouterr()
    assert "29 graphs replaced (29 new), 0 deleted, 2 unchanged" in out and "left alone" not in err
    assert_store_equals_file(store, first)
    assert all("pendingHash" not in facts for facts in bookkeeping(store).values())


def test_a_sync_killed_mid_way_is_repaired_by_the_next_without_false_alarms(
    store: Store, generated: Path, tmp_path: Path, capsys
):
    feed = Feed(generated, tmp_path)
    assert sync(feed.build(), store.endpoint) == 0
    feed.change()
    path = feed.build()
    held, release = threading.Event(), threading.Event()

    def hold_the_delete(seen: Seen, n: int) -> int | None:
        if seen.method == "DELETE":  # both writes are done; the process is killed before it writes its bookkeeping
            held.set()
            release.wait(60)
            return 500
        return None

    with proxy(store.gsp, hold_the_delete) as holding:
        endpoint = holding.url.replace("://", f"://{store.user}:{store.password}@") if store.user else holding.url
        process = subprocess.Popen(
            [sys.executable, "-m", "graph", "push", "--sync", str(path), "--endpoint", endpoint],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert held.wait(60), process.communicate(timeout=5)
            process.kill()
            process.wait()
        finally:
            release.set()
    assert_bookkeeping_describes_the_store(store)
    pending = {g for g, facts in bookkeeping(store).items() if "pendingHash" in facts}
    assert len(pending) == 4  # the three graphs written (the build's among them) and the one about to be deleted
    capsys.readouterr()
    assert sync(path, store.endpoint) == 0
    out, err = capsys.readouterr()
    assert "0 graphs replaced, 1 deleted, 31 unchanged" in out and "changed in the store" not in err
    assert_store_equals_file(store, path)


# -- syntax, corpora -------------------------------------------------------------------------------------------------


def test_sync_reads_trig_and_the_hash_does_not_depend_on_the_syntax(
    store: Store, generated: Path, tmp_path: Path, capsys
):
    feed = Feed(generated, tmp_path)
    trig = feed.build(("trig", "nq"))
    assert sync(trig, store.endpoint) == 0
    assert_store_equals_file(store, trig)
    capsys.readouterr()
    assert sync(trig.with_suffix(".nq"), store.endpoint) == 0
    assert "0 graphs replaced, 0 deleted, 31 unchanged" in capsys.readouterr().out


def test_two_corpora_share_a_store_and_each_sync_touches_only_its_own(
    store: Store, generated: Path, tmp_path: Path, capsys
):
    one = Feed(generated, tmp_path / "one", base="https://one.example/id/")
    two = Feed(generated, tmp_path / "two", base="https://two.example/news/")
    assert sync(one.build(), store.endpoint) == 0
    assert sync(two.build(), store.endpoint) == 0
    assert "(corpus two.example/news)" in capsys.readouterr().out
    (one.folder / one.files[0].name).unlink()
    path = one.build()
    assert sync(path, store.endpoint) == 0
    assert "1 graph replaced, 1 deleted, 29 unchanged" in capsys.readouterr().out  # the build's graph replaced
    graphs = store.graphs()
    assert {"urn:x-newsgraph:sync:one.example/id", "urn:x-newsgraph:sync:two.example/news"} <= graphs
    assert len([g for g in graphs if g.startswith("https://two.example/news/source/")]) == 30
    assert len([g for g in graphs if g.startswith("https://one.example/id/source/")]) == 29


def test_corpus_flag_names_the_bookkeeping_graph(store: Store, generated: Path, tmp_path: Path, capsys):
    feed = Feed(generated, tmp_path)
    assert sync(feed.build(), store.endpoint, "--corpus", "team/feed-1") == 0
    assert "(corpus team/feed-1)" in capsys.readouterr().out
    assert "urn:x-newsgraph:sync:team/feed-1" in store.graphs() and STATE not in store.graphs()


# -- usage and bad files (no store needed) --------------------------------------------------------------------------


def test_sync_usage_errors_exit_2(capsys):
    assert main(["push", "--dry-run", "--endpoint", "http://127.0.0.1:9/store"]) == 2
    assert "--dry-run only goes with --sync" in capsys.readouterr().err
    assert main(["push", "--sync", "--replace", "--endpoint", "http://127.0.0.1:9/store"]) == 2
    assert "it takes neither --graph nor --replace" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("quads", "extra", "message"),
    [
        ('_:b <https://x.example/p> "v" <https://x.example/g> .', [], "graph https://x.example/g holds blank nodes"),
        (
            '<https://x.example/s> <https://x.example/p> "v" <https://x.example/g> .',
            [],
            "names no newsgraph build, so its corpus is unknown: give --corpus ID",
        ),
        (
            '<https://newsgraph.example/id/build> <https://x.example/p> "v" .',
            [],
            "has no named graph: nothing to sync (it would delete every graph",
        ),
        (
            "<https://x.example/s> <https://x.example/p> .",
            ["--corpus", "c"],
            "not valid N-Quads: Parser error at line 1",
        ),
    ],
    ids=["blank-nodes", "no-build", "no-named-graph", "syntax-error"],
)
def test_sync_refuses_what_it_cannot_keep_equal(tmp_path: Path, capsys, quads: str, extra: list[str], message: str):
    path = tmp_path / "graph.nq"
    path.write_text(quads + "\n")
    assert main(["push", "--sync", str(path), "--endpoint", "http://127.0.0.1:9/store", *extra]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"newsgraph: error: {path}") and message in err


def test_sync_needs_a_dataset(capsys):
    assert main(["push", "--sync", "exports/graph.ttl", "--endpoint", "http://127.0.0.1:9/store"]) == 1
    assert "exports/graph.ttl is not a dataset: sync needs named graphs" in capsys.readouterr().err
