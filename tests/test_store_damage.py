"""A store folder is untrusted input too (issue 17): damaged, truncated or foreign folders given to ``--store`` and
``graph.open`` are one line naming the folder and the problem (exit 2), in bounded memory, and ``build --store`` is
checked before any export is written."""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, SEEDS

import graph
from graph.cli.main import main
from graph.store import embedded
from graph.store.embedded import StoreError, TooManyRows, write_store
from graph.store.incremental import in_use


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(graph.build([SEEDS]), tmp_path_factory.mktemp("good") / "store")


def _truncate_tables(folder: Path) -> None:
    for sst in folder.glob("*.sst"):
        data = sst.read_bytes()
        sst.write_bytes(data[: len(data) // 2])


def _flip_data(folder: Path) -> None:
    """One byte in the first data block of every table: the engine opens the store and fails when it reads."""
    for sst in folder.glob("*.sst"):
        data = bytearray(sst.read_bytes())
        data[8] ^= 0xFF
        sst.write_bytes(bytes(data))


def _random_bytes(folder: Path) -> None:
    rng = random.Random(17)
    for path in folder.iterdir():
        path.write_bytes(rng.randbytes(max(path.stat().st_size, 64)))


def _another_program(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "notes.txt").write_text("someone's notes\n")
    (folder / "data.csv").write_text("a,b\n1,2\n")


def _empty_folder(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.mkdir()


def _empty_file(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.write_bytes(b"")


def _random_file(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.write_bytes(random.Random(3).randbytes(4096))


def _no_current(folder: Path) -> None:
    (folder / "CURRENT").unlink()


def _truncated_manifest(folder: Path) -> None:
    for manifest in folder.glob("MANIFEST-*"):
        data = manifest.read_bytes()
        manifest.write_bytes(data[: len(data) // 3])


def _someone_elses_store(folder: Path) -> None:
    shutil.rmtree(folder)
    store = ox.Store(str(folder))
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"), ox.Literal("c")))
    store.flush()
    del store


def _later_format(folder: Path) -> None:
    store = ox.Store(str(folder))
    graph_node = ox.NamedNode(embedded.META_GRAPH)
    version = ox.NamedNode("urn:x-newsgraph:version")
    for quad in list(store.quads_for_pattern(graph_node, version, None, graph_node)):
        store.remove(quad)
    store.add(ox.Quad(graph_node, version, ox.Literal("99"), graph_node))
    store.flush()
    del store


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated-tables": (_truncate_tables, "a damaged store (Corruption: "),
    "flipped-data": (_flip_data, "damaged"),
    "random-bytes": (_random_bytes, "a damaged store (Corruption: "),
    "another-program": (_another_program, "not a triple store (a folder of other files)"),
    "empty-folder": (_empty_folder, "an empty folder, not a store"),
    "empty-file": (_empty_file, "a file, not a store"),
    "random-file": (_random_file, "a file, not a store"),
    "no-current": (_no_current, "not a triple store (a folder of other files)"),
    "truncated-manifest": (_truncated_manifest, "without newsgraph's metadata"),
    "someone-elses-store": (_someone_elses_store, "a triple store without newsgraph's metadata (someone else's data"),
    "later-format": (_later_format, "a newsgraph store of format '99'"),
}


def _spoilt(good: Path, tmp_path: Path, case: str) -> Path:
    folder = tmp_path / "store"
    shutil.copytree(good, folder)
    DAMAGE[case][0](folder)
    return folder


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_or_foreign_store_is_one_line_naming_the_folder(good: Path, tmp_path: Path, case: str, capsys):
    folder = _spoilt(good, tmp_path, case)
    expected = DAMAGE[case][1]
    commands = [
        ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(folder)],
        ["stats", "--store", str(folder)],
        ["view", "--store", str(folder), "--out", str(tmp_path / "page.html")],
    ]
    for command in commands:
        capsys.readouterr()
        assert main(command) == 2, command
        captured = capsys.readouterr()
        lines = captured.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("newsgraph: error: "), (command, captured.err)
        assert str(folder) in lines[0] and expected in lines[0], (command, lines[0])
        assert captured.out == ""
    assert not (tmp_path / "page.html").exists()
    with pytest.raises(StoreError, match=re.escape(expected)):
        kg = graph.open(folder)
        kg.stats()  # a store that opens and fails when read says so here
        kg.sparql("SELECT * WHERE { ?s ?p ?o }")
        kg.articles()


def test_someone_elses_large_store_is_refused_in_bounded_memory(tmp_path: Path):
    """Regression: a query on a foreign store read all of it back into memory (24 GB before the kernel stepped in)."""
    folder = tmp_path / "theirs"
    store = ox.Store(str(folder))
    text = "x" * 400
    lines = "".join(f'<http://example.org/s{i}> <http://example.org/p> "{text}{i}" .\n' for i in range(300_000))
    store.bulk_load(input=lines.encode(), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store, lines
    probe = (  # the peak of this process alone: VmHWM (ru_maxrss keeps the parent's peak across exec)
        "from graph.cli.main import main\n"
        f"rc = main(['view', '--store', {str(folder)!r}, '--out', {str(tmp_path / 'page.html')!r}])\n"
        "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM:')][0]\n"
        "print(rc, int(peak.split()[1]) // 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    rc, megabytes = map(int, done.stdout.split())
    assert rc == 2 and "someone else's data" in done.stderr
    # Reading it back whole took 680 MB at its peak; refusing it, what starting Python and the store takes.
    assert megabytes < 300, megabytes
    assert not (tmp_path / "page.html").exists()


def test_a_query_cannot_materialise_more_than_max_rows(good: Path, capsys, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(embedded, "MAX_ROWS", 50)
    monkeypatch.setattr(embedded.query, "__defaults__", (50,))
    assert main(["query", "SELECT * WHERE { ?s ?p ?o }", "--store", str(good)]) == 2
    err = capsys.readouterr().err
    assert err == "newsgraph: error: the result has more than 50 rows (the most a query may give): add a LIMIT\n"
    assert main(["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 50", "--store", str(good), "--format", "csv"]) == 0
    with pytest.raises(TooManyRows):
        graph.open(good).sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("case", ["a-file", "someone-elses-folder", "a-damaged-store", "a-read-only-parent"])
def test_the_store_is_checked_before_any_export_is_written(
    good: Path, tmp_path: Path, case: str, capsys, monkeypatch: pytest.MonkeyPatch
):
    target = tmp_path / "place" / "store"
    target.parent.mkdir()
    if case == "a-file":
        target.write_text("a file of someone's\n")
        expected = f"{target}: a file, not a folder; not replacing it with a store"
    elif case == "someone-elses-folder":
        target.mkdir()
        (target / "cat.jpg").write_bytes(b"\xff\xd8")
        expected = f"{target}: exists and is not a newsgraph store (not a triple store (a folder of other files))"
    elif case == "a-damaged-store":
        shutil.copytree(good, target)
        _truncate_tables(target)
        expected = f"{target}: exists and is not a newsgraph store (a damaged store (Corruption: "
    else:
        real = tempfile.mkdtemp

        def read_only(*args, **kwargs):  # what a read-only folder answers (the tests run as root: chmod stops nothing)
            if Path(kwargs.get("dir") or args[2]) == target.parent:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS))
            return real(*args, **kwargs)

        monkeypatch.setattr(tempfile, "mkdtemp", read_only)
        expected = f"{target}: cannot be written ({target.parent}: Read-only file system)"
    before = sorted(p.name for p in target.parent.iterdir())
    out = tmp_path / "out"
    capsys.readouterr()
    assert main(["build", str(SEEDS), "--out", str(out), "--store", str(target), "--format", "ttl,nt"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"newsgraph: error: {expected}"), err
    assert not out.exists()  # nothing was written: no exports, no report, no cache
    assert sorted(p.name for p in target.parent.iterdir()) == before


_HOLD = """
import sys, time
import pyoxigraph as ox
held = ox.Store(sys.argv[1])  # as `oxigraph serve --location` holds it
print("held", flush=True)
time.sleep(120)
"""


def test_a_store_another_program_holds_open_is_refused_before_anything_is_written(good: Path, tmp_path: Path, capsys):
    """Regression: a store that `oxigraph serve` (or a script) held open for writing failed the build at its very
    end, with the engine's words ("IO error: While lock file: .../LOCK: Resource temporarily unavailable")."""
    target = Path(shutil.copytree(good, tmp_path / "store"))
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        out = tmp_path / "out"
        capsys.readouterr()
        assert main(["build", str(SEEDS), "--out", str(out), "--store", str(target), "--quiet"]) == 2
        err = capsys.readouterr().err.splitlines()
        assert err == [f"newsgraph: error: {in_use(target)}"] and "in use, opened for writing" in err[0]
        assert not out.exists()  # nothing was written
        assert graph.open(target).counts() == graph.build([SEEDS]).counts()  # and it is still read meanwhile
    finally:
        holder.kill()
        holder.wait()
    assert in_use(target) is None
    assert main(["build", str(SEEDS), "--out", str(tmp_path / "out"), "--store", str(target), "--quiet"]) == 0


def test_a_store_this_program_holds_open_is_refused_by_write_and_taken_once_let_go(good: Path, tmp_path: Path):
    target = Path(shutil.copytree(good, tmp_path / "store"))
    kg = graph.build([SEEDS])
    held = ox.Store(str(target))
    with pytest.raises(ValueError, match="in use, opened for writing"):
        kg.write(tmp_path / "out", ["ttl"], store=target)
    assert len(held) > 0  # the probe left this program's own lock alone: the store still works here
    del held
    assert kg.write(tmp_path / "out", ["ttl"], store=target) == [tmp_path / "out" / "graph.ttl"]
