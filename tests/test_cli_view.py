import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import GEN_CORPUS

from graph.cli.main import main

XPENG = "https://technode.com/2021/12/15/xpeng-motors-fined-by-chinese-watchdog-for-facial-recognition-breach/"


def _data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    blob = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', text, re.S).group(1)
    return json.loads(blob)


def test_view_writes_the_page_of_a_topic(tmp_path: Path, capsys):
    out = tmp_path / "cv.html"
    assert main(["view", "seeds", "--topic", "computer vision", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}: 8 of 14 nodes\n"
    data = _data(out)
    assert data["heading"] == "newsgraph · topic computer vision"
    assert data["counts"] == {"article": 2, "image": 2, "provider": 2, "topic": 2}


def test_view_around_a_url_with_depth_and_max_nodes_says_what_it_left_out(tmp_path: Path, capsys):
    out = tmp_path / "around.html"
    url = XPENG.replace("https://technode.com", "HTTPS://TechNode.COM:443") + "?utm_source=x#comments"
    assert main(["view", "seeds", "--around", url, "--depth", "2", "--max-nodes", "5", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"wrote {out}: 5 of 14 nodes; showing the 5 most connected of ")
    data = _data(out)
    assert "showing the 5 most connected" in data["note"] and len(data["nodes"]) == 5


def test_view_dates_and_provider_and_unknown_names(tmp_path: Path, capsys):
    out = tmp_path / "v.html"
    assert main(["view", "seeds", "--provider", "www.thetimes.co.uk", "--until", "2021-12-13", "--out", str(out)]) == 0
    assert _data(out)["counts"]["article"] == 1
    assert main(["view", "seeds", "--since", "2030", "--out", str(out)]) == 0
    assert "no article matches since 2030" in capsys.readouterr().out
    assert main(["view", "seeds", "--topic", "nope", "--out", str(out)]) == 2
    assert "no topic 'nope'" in capsys.readouterr().err
    assert main(["view", "seeds", "--depth", "2", "--out", str(out)]) == 2
    assert "--depth needs --around" in capsys.readouterr().err
    assert main(["view", "seeds", "--since", "last week", "--out", str(out)]) == 2


def test_build_falls_back_to_the_most_connected_nodes_with_a_note(tmp_path: Path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--n", "40", "--out", str(corpus)], check=True, capture_output=True
    )
    monkeypatch.setattr("graph.view.page.DEFAULT_MAX_NODES", 50)
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--format", "html"]) == 0
    assert "the page shows the 50 most connected" in capsys.readouterr().err
    data = _data(tmp_path / "out" / "graph.html")
    assert len(data["nodes"]) == 50 and data["note"].startswith("showing the 50 most connected of ")
