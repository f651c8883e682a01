"""Shared fixtures: where the project, the seeds and ../shared are."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from stores import Store, run_oxigraph, run_virtuoso

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = Path(os.environ.get("NEWSGRAPH_SHARED", ROOT.parent / "shared"))
SAMPLES = SHARED / "samples"
GEN_CORPUS = SHARED / "tools" / "gen_corpus.py"


@pytest.fixture(autouse=True)
def _run_in_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Doctests and the CLI use paths like ``seeds/``: run every test from the project root."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def samples() -> Path:
    """The shared sample articles; a missing ../shared is a failure, not a skip."""
    assert SAMPLES.is_dir(), f"../shared/samples is missing (looked in {SAMPLES}); set NEWSGRAPH_SHARED"
    return SAMPLES


def write_article(folder: Path, name: str, text: str) -> Path:
    """Write a small article file (UTF-8) for a test."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def generated_corpus(out: Path, n: int = 600, seed: int = 3) -> Path:
    """``n`` articles from ``gen_corpus.py`` (several chunks, so two workers both work) plus the seeds, in ``out``."""
    import shutil
    import subprocess
    import sys

    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", str(n), "--out", str(out), "--seed", str(seed)], check=True)
    for path in SEEDS.iterdir():
        shutil.copy(path, out / path.name)
    return out


# -- real triple stores (tests/stores.py): each started once per session, shared by push, sync and query tests ----


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """An Oxigraph server (``oxigraph serve``) for the whole session."""
    yield from run_oxigraph(tmp_path_factory.mktemp("oxigraph"))


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A Virtuoso server (``virtuoso-t``) for the whole session."""
    yield from run_virtuoso(tmp_path_factory.mktemp("virtuoso"))


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Each real store in turn, emptied of what earlier tests wrote."""
    server: Store = request.getfixturevalue(f"{request.param}_server")
    server.reset()
    yield server
    server.reset()
