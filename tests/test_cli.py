import subprocess
import sys
from pathlib import Path

import pytest

from graph.cli.main import main


def test_build_writes_turtle_and_page_and_prints_summary(tmp_path: Path, capsys):
    assert main(["build", "seeds", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "4 articles, 4 providers, 2 topics, 4 images, 16 edges; 2 files read, 0 rejected" in out
    assert (tmp_path / "graph.ttl").is_file() and (tmp_path / "graph.html").is_file()


def test_python_dash_m_graph_is_the_same_command(tmp_path: Path):
    run = subprocess.run(
        [sys.executable, "-m", "graph", "build", "seeds", "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "4 articles" in run.stdout


def test_missing_path_is_a_usage_error_without_traceback(tmp_path: Path, capsys):
    assert main(["build", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err and "Traceback" not in err


def test_bad_base_is_a_usage_error(tmp_path: Path, capsys):
    assert main(["build", "seeds", "--out", str(tmp_path), "--base", "nope"]) == 2
    assert "base IRI" in capsys.readouterr().err


def test_build_writes_every_rdf_format_and_drops_keys(tmp_path: Path, capsys):
    formats = "ttl,nt,nq,trig,jsonld,graphml"
    argv = ["build", "seeds", "--out", str(tmp_path), "--format", formats, "--drop", "secured"]
    argv += ["--drop", "images.isCached"]
    assert main(argv) == 0
    assert sorted(p.name for p in tmp_path.glob("graph.*")) == sorted(f"graph.{f}" for f in formats.split(","))
    text = (tmp_path / "graph.nt").read_text(encoding="utf-8")
    assert "vocab#quality>" in text and "vocab#secured>" not in text and "vocab#isCached>" not in text
    with pytest.raises(SystemExit) as exit_info:  # argparse: an unknown format is a usage error
        main(["build", "seeds", "--out", str(tmp_path), "--format", "ttl,rdfxml"])
    assert exit_info.value.code == 2 and "unknown format 'rdfxml'" in capsys.readouterr().err


def test_summary_counts_have_thousands_separators(tmp_path: Path, capsys):
    """Large counts print as 1,234, as the page's notice does: readable at a glance."""
    from conftest import GEN_CORPUS

    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(GEN_CORPUS), "--n", "400", "--out", str(corpus)], check=True)
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--format", "nt"]) == 0
    captured = capsys.readouterr()
    summary = captured.out.strip().splitlines()[-1]
    edges = summary.split(" edges;")[0].rsplit(", ", 1)[1]
    assert "," in edges and int(edges.replace(",", "")) >= 1000, summary
    assert "400 files read" in summary and "400 files read: 400 kept" in captured.err
