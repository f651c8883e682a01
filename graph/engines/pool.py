"""A lean process pool: tasks in order, each worker fed as soon as it hands a result back.

``multiprocessing.Pool`` moves every task and result through three helper
threads of the calling process (tasks, results, worker upkeep), and each hand
over takes the GIL from the thread that is merging the results. Here the
calling thread does it all: each worker has a pipe of its own, at most
:data:`DEPTH` tasks are queued in it, and whichever worker hands a result
back gets the next task, so a fast worker never waits for a slow one.
Results come back in task order (a result that arrives early waits, bounded by
the tasks in flight), and a task's exception is raised in the caller.

>>> list(imap(abs, [-1, 2, -3], workers=2))
[1, 2, 3]
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

__all__ = ["DEPTH", "WorkerFailed", "imap"]

T = TypeVar("T")
U = TypeVar("U")

#: Tasks queued per worker: one being done, the others ready for when it is.
DEPTH = 3


class WorkerFailed(RuntimeError):
    """A worker process died, or raised an exception that cannot be sent back as it is."""


def imap(
    task: Callable[[U], T],
    items: Iterable[U],
    workers: int,
    initializer: Callable[..., None] | None = None,
    init: tuple[Any, ...] = (),
) -> Iterator[T]:
    """``task`` over ``items`` in ``workers`` processes, results in the order of ``items``.

    ``initializer(*init)`` runs once in each worker first. Stopping the
    iteration early (or an exception) stops the workers.
    """
    context = multiprocessing.get_context()
    processes = []
    pipes: list[Connection] = []
    try:
        for _ in range(workers):
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, task, initializer, init), daemon=True)
            process.start()
            theirs.close()
            processes.append(process)
            pipes.append(mine)
        todo = enumerate(items)
        queued = dict.fromkeys(pipes, 0)
        early: dict[int, T] = {}
        sent = done = 0

        def feed(pipe: Connection) -> None:
            nonlocal sent
            item = next(todo, None)
            if item is not None:
                try:
                    pipe.send(item)
                except ConnectionError:  # BrokenPipeError too
                    raise WorkerFailed("a worker process stopped unexpectedly") from None
                queued[pipe] += 1
                sent += 1

        for pipe in pipes:
            for _ in range(DEPTH):
                feed(pipe)
        while True:
            while done in early:
                yield early.pop(done)
                done += 1
            if done == sent:  # nothing in flight: every result that came fed another item, so none is left
                break
            for ready in wait([p for p in pipes if queued[p]]):
                pipe = ready  # type: ignore[assignment]
                try:
                    index, failed, result = pipe.recv()
                except (EOFError, ConnectionError):  # its end of the pipe closed: the worker is gone
                    raise WorkerFailed("a worker process stopped unexpectedly") from None
                queued[pipe] -= 1
                if failed:
                    raise result
                early[index] = result
                feed(pipe)
        for pipe in pipes:
            pipe.send(None)
        for process in processes:
            process.join()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join()
        for pipe in pipes:
            pipe.close()


def _serve(
    pipe: Connection, task: Callable[[Any], Any], initializer: Callable[..., None] | None, init: tuple[Any, ...]
) -> None:
    """A worker: run ``task`` on each item received until told to stop (``None``)."""
    if initializer is not None:
        initializer(*init)
    while True:
        try:
            item = pipe.recv()
        except EOFError:
            return  # the caller went away
        if item is None:
            return
        index, value = item
        try:
            pipe.send((index, False, task(value)))
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the caller, where it is raised
            try:
                pipe.send((index, True, exc))
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled: its text then
                pipe.send((index, True, WorkerFailed("".join(traceback.format_exception(exc)))))
