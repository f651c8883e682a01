"""The package's shape: no private names across modules, one place for format facts, a cache that follows the code."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import graph
from graph.formats import FORMATS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "graph"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_another_modules_private_names():
    crossings = []
    for path in _modules():
        here = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:  # relative: resolve against this module's package
                    package = here.split(".") if path.name == "__init__.py" else here.split(".")[:-1]
                    source = ".".join(package[: len(package) - node.level + 1] + ([source] if source else []))
                modules = [source, *[f"{source}.{a.name}" for a in node.names]]
                names = [a.name for a in node.names] + [m.rsplit(".", 1)[-1] for m in modules]
                if any(n.startswith("_") and not n.startswith("__") for n in names):
                    crossings.append(f"{path.relative_to(ROOT)}:{node.lineno}: from {source} import ...")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("graph.") and any(
                        part.startswith("_") and not part.startswith("__") for part in alias.name.split(".")
                    ):
                        crossings.append(f"{path.relative_to(ROOT)}:{node.lineno}: import {alias.name}")
    assert crossings == []


def test_the_package_has_no_private_top_level_modules_left():
    assert sorted(p.name for p in PACKAGE.glob("_*.py")) == ["__init__.py", "__main__.py"]


def test_format_facts_appear_in_the_registry_only():
    """Media types and pyoxigraph format names are written in graph/formats/__init__.py and nowhere else."""
    facts = {f.media_type for f in FORMATS.values()} | {f.oxigraph for f in FORMATS.values() if f.oxigraph}
    registry = PACKAGE / "formats" / "__init__.py"
    elsewhere = []
    for path in _modules():
        if path == registry:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in facts:
                elsewhere.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert elsewhere == []
    assert all(registry.read_text(encoding="utf-8").count(repr(fact).replace("'", '"')) == 1 for fact in facts)


def test_every_registered_format_module_has_the_same_verbs():
    import importlib

    for fmt in FORMATS.values():
        module = importlib.import_module(fmt.module)
        assert callable(module.write) and callable(module.generate), fmt.name
        assert callable(getattr(module, "read", None)) == fmt.readable, fmt.name


def test_public_api_is_what_init_re_exports():
    assert all(hasattr(graph, name) for name in graph.__all__)


def _build(env: dict[str, str], corpus: Path, out: Path) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "graph", "build", str(corpus), "--out", str(out), "--verbose", "--format", "nt"],
        capture_output=True,
        text=True,
        env=env,
        cwd=out.parent,
        check=True,
    )
    return run.stderr


def test_editing_any_module_of_graph_read_makes_the_next_build_miss_the_cache(tmp_path: Path):
    """The cache fingerprint is derived from the code, not from a hand-kept list of file names."""
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "graph", ignore=shutil.ignore_patterns("__pycache__"))
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(copy)}
    assert "2 files parsed" in _build(env, corpus, out)
    assert "2 files from cache" in _build(env, corpus, out)
    # a module no hand-kept list ever named: a new helper module of the read stage
    (copy / "graph" / "read" / "helper_added_later.py").write_text('"""A new module."""\n', encoding="utf-8")
    assert "2 files parsed" in _build(env, corpus, out)
    assert "2 files from cache" in _build(env, corpus, out)
    with (copy / "graph" / "read" / "identity.py").open("a", encoding="utf-8") as f:
        f.write("\n# an edit that changes nothing but the code's bytes\n")
    assert "2 files parsed" in _build(env, corpus, out)
