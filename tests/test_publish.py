"""Publishing a build's files as one set (issue 17): the switch of the output folder, what it carries over, and the
cases where it must not switch the folder and moves the files one by one instead, saying why."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from graph.util import publish
from graph.util.publish import clean_leftovers, publishing, switch_folder, write_atomic


def _fill(folder: Path, **files: str) -> None:
    for name, text in files.items():
        (folder / name).write_text(text)


def test_the_set_replaces_the_old_one_and_everything_else_is_carried_over(tmp_path: Path):
    out = tmp_path / "out"
    (out / ".cache").mkdir(parents=True)
    _fill(out, **{"graph.ttl": "old ttl", "graph.nt": "old nt", "mine.txt": "mine"})
    (out / ".cache" / "records.sqlite").write_text("cache")
    (out / "notes").mkdir()
    (out / "notes" / "deep.md").write_text("deep")
    (out / "link").symlink_to("mine.txt")
    os.chmod(out, 0o750)
    inode = (out / "mine.txt").stat().st_ino
    said: list[str] = []
    with publishing(out, said.append) as folder:
        _fill(folder, **{"graph.ttl": "new ttl", "graph.nt": "new nt"})
        assert (out / "graph.ttl").read_text() == "old ttl"  # nothing changes until the block ends
    assert said == []
    assert (out / "graph.ttl").read_text() == "new ttl" and (out / "graph.nt").read_text() == "new nt"
    assert (out / "mine.txt").stat().st_ino == inode  # a hard link: the same file, not a copy
    assert (out / "notes" / "deep.md").read_text() == "deep" and (out / ".cache" / "records.sqlite").exists()
    assert os.readlink(out / "link") == "mine.txt"
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_output_folder_given_as_a_link_stays_a_link(tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    _fill(real, **{"graph.nt": "old"})
    link = tmp_path / "out"
    link.symlink_to(real)
    with publishing(link) as folder:
        _fill(folder, **{"graph.nt": "new"})
    assert link.is_symlink() and (real / "graph.nt").read_text() == "new"


def test_a_failure_inside_the_block_leaves_the_folder_as_it_was(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    _fill(out, **{"graph.nt": "old"})
    with pytest.raises(RuntimeError), publishing(out) as folder:
        _fill(folder, **{"graph.nt": "half"})
        raise RuntimeError("the writer failed")
    assert (out / "graph.nt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _in_place_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> tuple[Path, str]:
    out = tmp_path / "out"
    out.mkdir()
    _fill(out, **{"graph.nt": "old", "mine.txt": "mine"})
    if case == "working-folder":
        monkeypatch.chdir(out)
        return out, "it is the working folder of this process or holds it"
    if case == "too-much-else":
        monkeypatch.setattr(publish, "CARRY_LIMIT", 3)
        for i in range(5):
            (out / f"photo{i}.jpg").write_bytes(b"\xff")
        return out, "it holds more than 3 other entries"
    if case == "no-swap":

        def unsupported(a: Path, b: Path) -> None:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

        monkeypatch.setattr(publish, "_exchange", unsupported)
        return out, "the folders cannot be swapped in one step here (Invalid argument)"
    real_mkdtemp = publish.tempfile.mkdtemp

    def read_only_parent(*args, **kwargs):  # as a read-only parent folder answers (root ignores chmod)
        if Path(kwargs["dir"]) == tmp_path:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_mkdtemp(*args, **kwargs)

    monkeypatch.setattr(publish.tempfile, "mkdtemp", read_only_parent)
    return out, "its parent folder cannot be written (Read-only file system)"


@pytest.mark.parametrize("case", ["working-folder", "too-much-else", "no-swap", "read-only-parent"])
def test_when_the_folder_cannot_be_switched_files_are_moved_in_one_by_one_and_said_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
):
    out, why = _in_place_case(tmp_path, monkeypatch, case)
    inode = out.stat().st_ino
    said: list[str] = []
    with publishing(out, said.append) as folder:
        _fill(folder, **{"graph.nt": "new", "report.json": "{}"})
    assert said == [f"{out}: files replaced one by one, not as one set ({why})"]
    assert (out / "graph.nt").read_text() == "new" and (out / "mine.txt").read_text() == "mine"
    assert out.stat().st_ino == inode  # the same folder: files were moved into it
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_output_folder_that_is_a_file_is_refused(tmp_path: Path):
    out = tmp_path / "out"
    out.write_text("a file of someone's")
    with pytest.raises(ValueError, match="exists and is not a folder"), publishing(out):
        pass
    assert out.read_text() == "a file of someone's"


def test_an_output_folder_that_is_a_file_stops_the_command_before_any_work(tmp_path: Path, capsys):
    from graph.cli.main import main

    out = tmp_path / "out"
    out.write_text("a file of someone's")
    for stream in ([], ["--stream"]):
        assert main(["build", "seeds", "--out", str(out), *stream]) == 2
        assert capsys.readouterr().err == f"newsgraph: error: {out}: exists and is not a folder\n"
    assert out.read_text() == "a file of someone's" and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_write_atomic_removes_what_killed_writes_left_beside_the_file(tmp_path: Path):
    page = tmp_path / "page.html"
    (tmp_path / ".page.html.abcd1234.tmp").write_text("half a page")
    (tmp_path / ".other.html.abcd1234.tmp").write_text("someone else's")
    write_atomic(page, ["<p>done</p>"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.html.abcd1234.tmp", "page.html"]


def test_switch_folder_without_a_one_step_swap_moves_the_old_one_aside(tmp_path: Path, monkeypatch):
    def unsupported(a: Path, b: Path) -> None:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS))

    monkeypatch.setattr(publish, "_exchange", unsupported)
    (tmp_path / "new").mkdir()
    (tmp_path / "old").mkdir()
    _fill(tmp_path / "new", x="new")
    _fill(tmp_path / "old", x="old")
    switch_folder(tmp_path / "new", tmp_path / "old")
    assert (tmp_path / "old" / "x").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_a_killed_store_write_is_cleaned_up_by_the_next(tmp_path: Path):
    from graph import build
    from graph.store.embedded import write_store

    (tmp_path / ".store.abcd1234.tmp").mkdir()
    (tmp_path / ".store.abcd1234.tmp" / "000001.sst").write_bytes(b"half")
    (tmp_path / ".store.efgh5678.old").mkdir()
    write_store(build(["seeds"]), tmp_path / "store")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]
    assert clean_leftovers(tmp_path / "store") == []
