"""Publishing what a build writes: the whole set at once, or nothing.

A build writes several files into its output folder ``OUT`` (the exports, the
page, ``report.json``). Replaced one by one, a build killed half way (power
cut, ``kill -9``, a full disk) would leave some new files beside some old
ones: exports that disagree with each other and with the report. So a build
writes them all into a temporary folder beside ``OUT`` (:func:`publishing`)
and, when every file is complete, *switches* that folder with ``OUT`` in one
step: Linux's ``renameat2(RENAME_EXCHANGE)`` swaps two folders atomically.
Whatever ``OUT`` held that the build does not write (your own files, the
build cache, a store) is carried into the new folder first as hard links (no
copy, no extra space). At any moment ``OUT`` is either the previous complete
set or the new complete set; a killed build leaves only its temporary folder
(``.OUT.publish-*``), which the next build removes.

The folder is replaced only when that is safe; otherwise the files are moved
into ``OUT`` one by one (each file still whole, the set not) and the build
says why: ``OUT`` is the working folder of this process or holds it, ``OUT``
is a mount point, its parent folder cannot be written, ``OUT`` holds more
than :data:`CARRY_LIMIT` entries of other programs, or the file system cannot
swap folders (not Linux, or a network file system).

:func:`write_atomic` writes one file the same way (a temporary file beside
it, then a rename) and :func:`switch_folder` swaps one folder (the store):
every file a build writes goes through this module. Temporary files and
folders are locked (``flock``) while in use, so a cleanup never removes the
work of a build still running.

>>> import tempfile
>>> out = Path(tempfile.mkdtemp()) / "out"
>>> with publishing(out) as folder:
...     _ = (folder / "a.txt").write_text("one")
...     _ = (folder / "b.txt").write_text("two")
>>> sorted(p.name for p in out.iterdir()), sorted(p.name for p in out.parent.iterdir())
(['a.txt', 'b.txt'], ['out'])
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not a POSIX system: temporary files are not locked
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CARRY_LIMIT",
    "check_out_folder",
    "clean_beside",
    "clean_leftovers",
    "folder_beside",
    "publishing",
    "remove_tree",
    "switch_folder",
    "write_atomic",
]

#: Most entries (files and folders, counted down the tree) of ``OUT`` that a build does not write and carries into
#: the new folder; past it the files are moved into ``OUT`` one by one instead.
CARRY_LIMIT = 10_000

_PUBLISH = ".publish-"  # the temporary folder beside OUT: .OUT.publish-XXXXXXXX
_IN_PLACE = ".newsgraph-publish-"  # the temporary folder inside OUT, when the folder is not switched
# What earlier builds left inside OUT when killed: temporary files (write_atomic's, mkstemp's eight characters),
# the Turtle/N-Triples writers' scratch folders, --stream's work folders.
_LEFTOVER = re.compile(r"^(\..+\.[a-z0-9_]{8}\.tmp|\.write-[a-z0-9_]{8}|\.stream-[a-z0-9_]{8}|\.newsgraph-publish-.+)$")


def write_atomic(path: str | os.PathLike[str], chunks: Iterable[str]) -> None:
    """Write text chunks as UTF-8 to a temporary file beside ``path``, then rename it.

    A failed or interrupted write leaves any previous ``path`` as it was; the
    temporary files of earlier writes that were killed are removed first.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "page.html"
    >>> write_atomic(path, ["<p>", "hi</p>"])
    >>> path.read_text(), [p.name for p in path.parent.iterdir()]
    ('<p>hi</p>', ['page.html'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_beside(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _lock(fd)  # in use: no cleanup removes it
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for chunk in chunks:
                out.write(chunk)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _lock(fd: int) -> None:
    """Lock an open file or folder for this process (``OSError`` if another holds it)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def check_out_folder(out: str | os.PathLike[str]) -> Path:
    """Check, before a build does any work, that ``out`` can be its output folder (``ValueError`` if not).

    >>> check_out_folder("README.md")
    Traceback (most recent call last):
    ...
    ValueError: README.md: exists and is not a folder
    """
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path}: exists and is not a folder")
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def clean_leftovers(out: str | os.PathLike[str]) -> list[Path]:
    """Remove what builds into ``out`` left when they were killed; return what was removed.

    Beside ``out``: its temporary folders (``.OUT.publish-*``); inside it:
    temporary files and folders of earlier versions and of builds that could
    not switch the folder. Anything still locked by a running build is kept.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "out"
    >>> (out / ".graph.ttl.abcd1234.tmp").parent.mkdir()
    >>> _ = (out / ".graph.ttl.abcd1234.tmp").write_text("half")
    >>> _ = (out / ".hidden-but-mine.txt").write_text("kept")
    >>> [p.name for p in clean_leftovers(out)], [p.name for p in out.iterdir()]
    (['.graph.ttl.abcd1234.tmp'], ['.hidden-but-mine.txt'])
    """
    out = Path(out)
    removed = clean_beside(out)
    if out.is_dir() and not out.is_symlink():
        removed += _remove_unlocked(out, _LEFTOVER)
    return removed


def clean_beside(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files and folders that killed writes of ``path`` left beside it; return them.

    They are named after it: ``.NAME.XXXXXXXX.tmp`` (a file or folder being
    written), ``.NAME.XXXXXXXX.old`` (a folder being replaced),
    ``.NAME.publish-XXXXXXXX`` (a build's set of files); any still locked by a
    running build is kept.
    """
    path = Path(path)
    name = re.escape(path.name)
    return _remove_unlocked(
        path.parent, re.compile(rf"^\.{name}(\.[a-z0-9_]{{8}}\.(tmp|old)|{re.escape(_PUBLISH)}[a-z0-9_]{{8}})$")
    )


def _remove_unlocked(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Remove the entries of ``folder`` whose names match ``pattern`` and that no running build holds."""
    removed: list[Path] = []
    try:
        names = [name for name in os.listdir(folder) if pattern.match(name)]
    except OSError:
        return removed
    for name in sorted(names):
        path = folder / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            try:
                _lock(fd)
            except OSError:
                continue  # a build is writing it
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                remove_tree(path)
            else:
                with suppress(FileNotFoundError):
                    path.unlink()
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def remove_tree(path: str | os.PathLike[str]) -> None:
    """Remove the folder ``path`` and all it holds, however deep (no recursion), as far as it can.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "a" / "b").mkdir(parents=True); _ = (root / "a" / "b" / "c.txt").write_text("x")
    >>> remove_tree(root / "a"); list(root.iterdir())
    []
    """
    folders: list[str] = []
    stack = [os.fspath(path)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            with suppress(OSError):
                os.unlink(folder)  # a file (or a link) where a folder was expected
            continue
        folders.append(folder)
        for entry in entries:
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            if is_folder:
                stack.append(entry.path)
            else:
                with suppress(OSError):
                    os.unlink(entry.path)
    for folder in reversed(folders):  # every folder after all below it
        with suppress(OSError):
            os.rmdir(folder)


def _exchange(a: Path, b: Path) -> None:
    """Swap the folders ``a`` and ``b`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``), or raise ``OSError``."""
    if not sys.platform.startswith("linux"):
        raise OSError(errno.ENOSYS, "folders cannot be swapped in one step on this system")
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "folders cannot be swapped in one step with this C library")
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def switch_folder(new: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Put the folder ``new`` where ``target`` is, in one step where the system can; the old ``target`` is removed.

    Where folders cannot be swapped in one step, ``target`` is moved aside
    and ``new`` renamed in its place (for a moment there is no ``target``).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "old").mkdir(); (root / "new").mkdir()
    >>> _ = (root / "old" / "x").write_text("old"); _ = (root / "new" / "x").write_text("new")
    >>> switch_folder(root / "new", root / "old")
    >>> (root / "old" / "x").read_text(), sorted(p.name for p in root.iterdir())
    ('new', ['old'])
    """
    new, target = Path(new), Path(target)
    if not target.exists():
        os.rename(new, target)
        return
    try:
        _exchange(new, target)
    except OSError as exc:
        if exc.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.replace(target, aside / "old")
        os.rename(new, target)
        remove_tree(aside)
        return
    remove_tree(new)  # what was the target


class _TooMuch(Exception):
    """More to carry over than :data:`CARRY_LIMIT`."""


def _why_not_switch(out: Path) -> str | None:
    """Why the folder ``out`` must not be replaced as a whole (``None``: it may be)."""
    if not out.exists():
        return None
    if os.path.ismount(out):
        return "it is a mount point"
    try:
        here = Path.cwd().resolve()
    except OSError:
        here = None
    if here is not None and (here == out or out in here.parents):
        return "it is the working folder of this process or holds it"
    return None


def _carry(out: Path, folder: Path, written: set[str]) -> None:
    """Hard-link into ``folder`` everything of ``out`` the build did not write (copied where links fail)."""
    budget = CARRY_LIMIT
    stack = [(out, folder, True)]
    while stack:
        source, target, top = stack.pop()
        with os.scandir(source) as entries:
            for entry in entries:
                if top and (entry.name in written or _LEFTOVER.match(entry.name)):
                    continue
                budget -= 1
                if budget < 0:
                    raise _TooMuch
                there = os.path.join(target, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(there)
                    os.chmod(there, stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode))
                    stack.append((Path(entry.path), Path(there), False))
                    continue
                try:
                    os.link(entry.path, there, follow_symlinks=False)
                except OSError:
                    if entry.is_symlink():
                        os.symlink(os.readlink(entry.path), there)
                    elif entry.is_file(follow_symlinks=False):
                        shutil.copy2(entry.path, there)
                    else:
                        raise


def _move_in(folder: Path, out: Path, names: Iterable[str]) -> None:
    """Move the entries ``names`` of ``folder`` into ``out`` one by one (each replaced whole)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in sorted(names):
        source, target = folder / name, out / name
        if source.is_dir() and not source.is_symlink() and target.is_dir() and not target.is_symlink():
            switch_folder(source, target)
        else:
            os.replace(source, target)


def _locked_folder(prefix: str, where: Path, suffix: str = "") -> tuple[Path, int]:
    folder = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=where))
    fd = os.open(folder, os.O_RDONLY)
    _lock(fd)  # in use: no cleanup removes it
    return folder, fd


@contextmanager
def folder_beside(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new, locked folder beside ``path`` to build a replacement of it in (see :func:`switch_folder`).

    It is removed when the block ends, unless it was switched into place;
    leftovers of killed writes of ``path`` are removed first.

    >>> import tempfile
    >>> store = Path(tempfile.mkdtemp()) / "store"
    >>> with folder_beside(store) as tmp:
    ...     _ = (tmp / "data").write_text("new")
    ...     switch_folder(tmp, store)
    >>> [p.name for p in store.iterdir()], [p.name for p in store.parent.iterdir()]
    (['data'], ['store'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_beside(path)
    folder, fd = _locked_folder(f".{path.name}.", path.parent, ".tmp")
    try:
        os.chmod(folder, 0o777 & ~_umask())
        yield folder
    finally:
        os.close(fd)
        remove_tree(folder)


@contextmanager
def publishing(out: str | os.PathLike[str], note: Callable[[str], None] | None = None) -> Iterator[Path]:
    """A temporary folder to write a build's files into, published into ``out`` as one set when the block ends.

    If the block raises (or the process is killed), ``out`` is left as it
    was and the temporary folder goes. ``note`` is told, once, when the set
    cannot be published in one step (and why). Leftovers of killed builds are
    removed first (:func:`clean_leftovers`).
    """
    given = check_out_folder(out)
    real = Path(os.path.realpath(given))  # a link to a folder stays a link: its target is published
    real.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(real)
    why = _why_not_switch(real)
    fd = -1
    if why is None:
        try:
            folder, fd = _locked_folder(f".{real.name}{_PUBLISH}", real.parent)
        except OSError as exc:
            why = f"its parent folder cannot be written ({exc.strerror or exc})"
    if why is not None:
        real.mkdir(exist_ok=True)
        folder, fd = _locked_folder(_IN_PLACE, real)
    try:
        try:
            yield folder
            written = set(os.listdir(folder))
            if why is None:
                why = _switch(folder, real, written)
            if why is not None:
                if note is not None:
                    note(f"{given}: files replaced one by one, not as one set ({why})")
                _move_in(folder, real, written)
        finally:
            os.close(fd)
    finally:
        remove_tree(folder)


def _switch(folder: Path, out: Path, written: set[str]) -> str | None:
    """Publish ``folder`` as ``out`` in one step; why it could not be (``None``: it was)."""
    if out.exists():
        try:
            _carry(out, folder, written)
        except _TooMuch:
            return f"it holds more than {CARRY_LIMIT:,} other entries"
        except OSError as exc:
            return f"what else it holds cannot be linked or copied ({exc.strerror or exc})"
        os.chmod(folder, stat.S_IMODE(out.stat().st_mode))
        try:
            _exchange(folder, out)
        except OSError as exc:
            return f"the folders cannot be swapped in one step here ({exc.strerror or exc})"
        return None  # the old set is now in ``folder``, removed by the caller
    os.chmod(folder, 0o777 & ~_umask())
    os.rename(folder, out)
    return None
