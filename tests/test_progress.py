"""Feedback: a bar on a terminal only, quiet when piped, ``--quiet`` and ``--verbose``."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from graph.cli.main import main
from graph.util.progress import Feedback


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_and_nothing_when_piped():
    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        fb = Feedback(stream=stream)
        fb.start("reading", 3)
        for _ in range(3):
            fb.advance()
        fb.finish()
    assert "reading [" in tty.getvalue() and "3/3" in tty.getvalue()
    assert tty.getvalue().endswith("\r\x1b[K")  # the line is cleared at the end
    assert pipe.getvalue() == ""


def test_quiet_draws_no_bar_and_verbose_says_stage_times():
    quiet = Feedback(level=0, stream=Terminal())
    quiet.start("reading", 1)
    quiet.advance()
    with quiet.stage("merge"):
        pass
    assert quiet.stream.getvalue() == ""
    loud = Feedback(level=2, stream=io.StringIO())
    with loud.stage("merge"):
        pass
    assert "newsgraph: merge: " in loud.stream.getvalue()


def test_cli_quiet_and_verbose(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["build", str(SEEDS), "--out", str(tmp_path), "--quiet", "--format", "nt"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert main(["build", str(SEEDS), "--out", str(tmp_path), "--verbose", "--format", "nt", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "newsgraph: 2 files parsed" in err and "newsgraph: times: find" in err


def test_cli_cache_is_in_the_output_folder_unless_no_cache(tmp_path: Path):
    assert main(["build", str(SEEDS), "--out", str(tmp_path / "a"), "--format", "nt", "-q"]) == 0
    assert (tmp_path / "a" / ".cache" / "records.sqlite").is_file()
    assert "*" in (tmp_path / "a" / ".cache" / ".gitignore").read_text().split()  # never committed
    assert main(["build", str(SEEDS), "--out", str(tmp_path / "b"), "--format", "nt", "-q", "--no-cache"]) == 0
    assert not (tmp_path / "b" / ".cache").exists()


def test_the_bar_shows_on_a_real_terminal(tmp_path: Path):
    """Run the command on a pseudo-terminal: the bar is drawn (with ``\\r``) and cleared."""
    primary, secondary = pty.openpty()
    code = "import sys, graph.cli.main as c; sys.exit(c.main(sys.argv[1:]))"
    args = [sys.executable, "-c", code, "build", str(SEEDS), "--out", str(tmp_path), "--format", "nt"]
    proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=secondary, cwd=ROOT)
    os.close(secondary)
    err = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    os.close(primary)
    assert proc.returncode == 0
    assert b"reading [" in err and b"\r" in err
    piped = subprocess.run(args, capture_output=True, cwd=ROOT)
    assert b"reading [" not in piped.stderr
