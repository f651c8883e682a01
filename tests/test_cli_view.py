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


# -- any source (issue 19) -----------------------------------------------------------------------------------------

EXPORTS = ("ttl", "nt", "nq", "trig", "jsonld", "graphml")


def _nodes(path: Path) -> list[str]:
    return sorted(n[0] for n in _data(path)["nodes"])


def test_view_draws_the_same_page_from_every_export_and_a_store_as_from_the_files(tmp_path: Path, capsys):
    """Regression: `newsgraph view exports/graph.ttl` read the export as an article file and drew an empty page."""
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--n", "30", "--out", str(corpus)], check=True, capture_output=True
    )
    out = tmp_path / "out"
    assert (
        main(["build", str(corpus), "--out", str(out), "--format", ",".join(EXPORTS), "--store", str(tmp_path / "st")])
        == 0
    )
    assert main(["view", str(corpus), "--out", str(tmp_path / "files.html")]) == 0
    want = _nodes(tmp_path / "files.html")
    assert len(want) > 50
    for ext in EXPORTS:
        page = tmp_path / f"{ext}.html"
        assert main(["view", str(out / f"graph.{ext}"), "--out", str(page)]) == 0, ext
        assert _nodes(page) == want, ext
        assert _data(page)["counts"] == _data(tmp_path / "files.html")["counts"], ext
    assert main(["view", "--store", str(tmp_path / "st"), "--out", str(tmp_path / "store.html")]) == 0
    assert _nodes(tmp_path / "store.html") == want
    # Selectors work on an export as on the files.
    topic = next(n[2] for n in _data(tmp_path / "files.html")["nodes"] if n[1] == 2)
    assert main(["view", str(out / "graph.ttl"), "--topic", topic, "--out", str(tmp_path / "t1.html")]) == 0
    assert main(["view", str(corpus), "--topic", topic, "--out", str(tmp_path / "t2.html")]) == 0
    assert _nodes(tmp_path / "t1.html") == _nodes(tmp_path / "t2.html")
    capsys.readouterr()


def test_view_of_an_empty_graph_is_an_error_not_an_empty_page(tmp_path: Path, capsys):
    (tmp_path / "empty").mkdir()
    out = tmp_path / "v.html"
    assert main(["view", str(tmp_path / "empty"), "--out", str(out)]) == 1
    assert "nothing to draw" in capsys.readouterr().err and not out.exists()
    (tmp_path / "empty.ttl").write_text("", encoding="utf-8")
    assert main(["view", str(tmp_path / "empty.ttl"), "--out", str(out)]) == 1
    assert "nothing to draw" in capsys.readouterr().err and not out.exists()
    assert main(["view", "seeds", "exports/graph.ttl", "--out", str(out)]) == 2
    assert "on its own" in capsys.readouterr().err
