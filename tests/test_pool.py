"""The local engine's process pool: results in order, a worker's failure said in the caller."""

from __future__ import annotations

import os

import pytest

from graph.engines.pool import WorkerFailed, imap


def _square_unless_odd_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven is refused")
    return n * n


def _die_on_three(n: int) -> int:
    if n == 3:
        os._exit(1)
    return n


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("cannot travel")
        self.hook = lambda: None  # a lambda does not pickle


def _raise_unpicklable(n: int) -> int:
    raise _Unpicklable


def _remember(value: int) -> None:
    os.environ["NEWSGRAPH_POOL_TEST"] = str(value)


def _with_setting(n: int) -> tuple[int, str]:
    return n, os.environ["NEWSGRAPH_POOL_TEST"]


def test_pool_results_come_back_in_the_order_of_the_items():
    items = [5, 0, 300, 1, 2, 40, 6] * 20  # more items than the workers hold queued
    assert list(imap(_square_unless_odd_seven, items, workers=2)) == [n * n for n in items]


def test_pool_runs_the_initializer_in_each_worker():
    assert list(imap(_with_setting, [1, 2, 3], workers=2, initializer=_remember, init=(42,))) == [
        (1, "42"),
        (2, "42"),
        (3, "42"),
    ]


def test_pool_of_nothing_gives_nothing():
    assert list(imap(_square_unless_odd_seven, [], workers=2)) == []


def test_pool_raises_a_task_exception_in_the_caller():
    with pytest.raises(ValueError, match="seven is refused"):
        list(imap(_square_unless_odd_seven, range(20), workers=2))


def test_pool_says_when_a_worker_process_dies():
    with pytest.raises(WorkerFailed, match="stopped unexpectedly"):
        list(imap(_die_on_three, range(10), workers=2))


def test_pool_sends_back_the_text_of_an_exception_that_cannot_be_pickled():
    with pytest.raises(WorkerFailed, match="cannot travel"):
        list(imap(_raise_unpicklable, range(4), workers=2))
