"""The page: self-contained, safe with hostile feeds, explorable; checked in Debian's Chromium.

The README's screenshots are made by ``docs/screenshots.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from browser import Browser, launch, wait_until
from conftest import GEN_CORPUS, ROOT

import graph
from graph.view.page import LAYOUT_THRESHOLD, fit, layout, page, safe_url

PWN = "window.__pwned = (window.__pwned || 0) + 1"
HOSTILE_TITLES = [
    f'<img src=x onerror="{PWN}">',
    f"</script><script>{PWN}</script>",
    f'"><svg onload="{PWN}">',
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch()


def _seeds_page(tmp_path: Path) -> Path:
    out = tmp_path / "graph.html"
    graph.build([ROOT / "seeds"]).write(tmp_path, ["html"])
    return out


# -- without a browser ------------------------------------------------------------------------------------------


def test_page_is_one_file_with_nothing_to_fetch_and_is_deterministic():
    g = graph.build(["seeds"]).nx
    text = page(g)
    assert text == page(g)
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", text, re.IGNORECASE)
    assert "cdn.jsdelivr" not in text and "bootstrap" not in text.lower()
    assert text.count("</script>") == 3  # the data (not executed), vis-network, the page
    assert "sourceMappingURL" not in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text.replace("&#39;", "'")


def test_build_writes_no_lib_folder_beside_the_page_or_in_the_working_directory(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    graph.build([ROOT / "seeds"]).write(tmp_path / "out", ["html"])
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["graph.html", "out"]


def _hostile_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    docs = [
        {
            "title": HOSTILE_TITLES[0],
            "excerpt": f"<script>{PWN}</script><b>bold</b>",
            "webUrl": f"javascript:{PWN}",
            "publishedDateTime": "2024-03-01T10:00:00Z",
            "provider": {"name": HOSTILE_TITLES[2], "domain": "evil.example"},
            "topics": [HOSTILE_TITLES[1]],
            "images": [{"url": f"javascript:{PWN}"}],
            "related": [{"title": HOSTILE_TITLES[2], "webUrl": f" JaVaScRiPt:{PWN}"}],
        },
        {
            "title": HOSTILE_TITLES[1],
            "excerpt": HOSTILE_TITLES[0],
            "webUrl": 'https://news.example/a?x="><svg onload=alert(1)>',
            "publishedDateTime": "2024-03-02T10:00:00Z",
            "provider": {"name": "Fine News", "domain": "news.example"},
            "topics": [HOSTILE_TITLES[0], "AI"],
        },
        {
            "title": HOSTILE_TITLES[2],
            "webUrl": "https://news.example/b",
            "publishedDateTime": "2024-03-03T10:00:00Z",
            "provider": {"name": "Fine News", "domain": "news.example"},
            "topics": ["AI"],
            "related": [{"title": "the first", "webUrl": f"javascript:{PWN}"}],
        },
    ]
    for i, doc in enumerate(docs):
        (folder / f"{i}.md").write_text("---\n" + yaml.safe_dump(doc, allow_unicode=True) + "---\n", encoding="utf-8")
    return folder


def test_hostile_text_never_reaches_the_page_as_markup(tmp_path: Path):
    kg = graph.build([_hostile_corpus(tmp_path / "in")])
    text = page(kg.nx)
    for bad in ("<img src=x", "</script><script>", "<svg onload", '"><svg', "<b>bold"):
        assert bad not in text
    assert text.count("</script>") == 3
    assert safe_url(f"javascript:{PWN}") is None and safe_url(" JaVaScRiPt:x") is None


def test_large_page_is_byte_identical_whatever_the_file_order_and_hash_seed(tmp_path: Path):
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--n", "90", "--out", str(corpus)], check=True, capture_output=True
    )
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    pages = []
    for n, (seed, order) in enumerate([("1", files), ("2", files[::-1])]):
        folder = tmp_path / f"copy{n}"
        for path in order:  # the same names, created in another order
            (folder / path.relative_to(corpus)).parent.mkdir(parents=True, exist_ok=True)
            (folder / path.relative_to(corpus)).write_bytes(path.read_bytes())
        code = (
            "import sys, graph; from graph.view.page import page; sys.stdout.write(page(graph.build([sys.argv[1]]).nx))"
        )
        run = subprocess.run(
            [sys.executable, "-c", code, str(folder)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
        )
        assert run.returncode == 0, run.stderr.decode()
        pages.append(run.stdout)
    assert pages[0] == pages[1] and b'"laidOut":true' in pages[0]


def test_cut_page_layout_does_not_depend_on_the_hash_seed(tmp_path: Path):
    """Regression: a page cut to under half the graph was laid out in the order of a set (a subgraph view's)."""
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--n", "120", "--out", str(corpus)], check=True, capture_output=True
    )
    code = (
        "import sys, graph; from graph.view.page import LAYOUT_THRESHOLD, page\n"
        "g = graph.build([sys.argv[1]]).nx\n"
        "cut = len(g) // 2 - 1\n"
        "assert cut > LAYOUT_THRESHOLD, (len(g), LAYOUT_THRESHOLD)\n"
        "sys.stdout.write(page(g, max_nodes=cut))"
    )
    pages = []
    for seed in ("1", "2", "3"):
        run = subprocess.run(
            [sys.executable, "-c", code, str(corpus)], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True
        )
        assert run.returncode == 0, run.stderr.decode()
        pages.append(run.stdout)
    assert pages[0] == pages[1] == pages[2] and b'"laidOut":true' in pages[0]


def test_layout_is_deterministic_and_places_every_node():
    g = graph.build([ROOT / "seeds"]).nx
    pos = layout(g)
    assert set(pos) == set(g) and pos == layout(g)
    assert len(set(pos.values())) == len(pos)  # no two nodes on the same spot


def test_fit_keeps_most_connected_and_says_so():
    g = graph.build([ROOT / "seeds"]).nx
    assert fit(g).note is None and len(fit(g).nodes) == 14
    assert fit(g, max_nodes=10).note == "showing the 10 most connected of 14 nodes; left out 4 (4 images)"


# -- in Chromium ----------------------------------------------------------------------------------------------------


def _hover_and_click_every_node(visit) -> int:  # noqa: ANN001
    p = visit.page
    ids = p.evaluate("network.body.data.nodes.getIds()")
    box = p.locator("#mynetwork").bounding_box()
    for iri in ids:
        p.evaluate("(id) => network.moveTo({position: network.getPositions([id])[id], scale: 1.5})", iri)
        xy = p.evaluate("(id) => network.canvasToDOM(network.getPositions([id])[id])", iri)
        x, y = box["x"] + xy["x"], box["y"] + xy["y"]
        p.mouse.move(x, y)
        p.wait_for_timeout(30)
        assert p.locator("#tip").is_visible(), f"no tooltip for {iri}"
        p.mouse.click(x, y)
        assert p.evaluate("network.getSelectedNodes()") == [iri]
        assert p.locator("#details").is_visible()
    return len(ids)


def test_seeds_page_loads_offline_and_draws(browser: Browser, tmp_path: Path):
    visit = browser.open(_seeds_page(tmp_path))
    p = visit.page
    assert p.evaluate("network instanceof vis.Network")
    assert p.evaluate("network.body.data.nodes.length") == 14
    assert p.evaluate("network.body.data.edges.length") == 16
    assert visit.outside == [] and visit.errors == []
    shot = tmp_path / "graph.png"
    p.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_hostile_feed_hovered_and_clicked_runs_nothing(browser: Browser, tmp_path: Path):
    kg = graph.build([_hostile_corpus(tmp_path / "in")])
    out = tmp_path / "hostile.html"
    kg.write(tmp_path, ["html"])
    (tmp_path / "graph.html").rename(out)
    visit = browser.open(out)
    p = visit.page
    clicked = _hover_and_click_every_node(visit)
    assert clicked == kg.nx.number_of_nodes()
    p.fill("#search", "<img")
    p.keyboard.press("Enter")
    assert p.evaluate("window.__pwned") is None
    assert visit.dialogs == []
    assert visit.outside == [], visit.outside  # nothing fetched: not x, not a javascript: URL
    assert p.evaluate('document.querySelectorAll(\'a[href]:not([href^="http:"]):not([href^="https:"])\').length') == 0
    assert p.evaluate("document.querySelectorAll('script').length") == 3
    assert p.evaluate("document.querySelectorAll('svg[onload], img[onerror], [onload], [onerror]').length") == 0
    # The hostile titles are shown, as text drawn on the canvas.
    p.evaluate("network.moveTo({scale: 1})")
    p.wait_for_timeout(100)
    assert p.evaluate(
        "(t) => newsgraph.labels().some(l => t.startsWith(l.label.slice(0, 10)))",
        HOSTILE_TITLES[0],
    )
    p.evaluate(
        "(t) => newsgraph.focus(newsgraph.data.nodes[newsgraph.data.info.findIndex(d => d.label === t)][0])",
        HOSTILE_TITLES[1],
    )
    assert HOSTILE_TITLES[1] in p.locator("#details h2").inner_text()
    links = p.evaluate("[...document.querySelectorAll('#details a')].map(a => a.href)")
    assert all(h.startswith("https://") for h in links)
    assert visit.errors == []


def test_search_details_filters_timeline_highlight_and_physics(browser: Browser, tmp_path: Path):
    visit = browser.open(_seeds_page(tmp_path))
    p = visit.page
    # Search focuses a node and shows its details.
    p.fill("#search", "xpeng motors")
    p.keyboard.press("Enter")
    details = p.locator("#details")
    assert "Xpeng Motors fined" in details.locator("h2").inner_text()
    text = details.inner_text()
    assert "2021-12-15 08:27 UTC" in text and "TechNode" in text and "Computer Vision" in text
    assert "Chinese automaker Xpeng" in text
    assert details.locator("img.thumb").get_attribute("src").startswith("https://technode.com/")
    assert details.locator("a").first.get_attribute("href").startswith("https://technode.com/2021/12/15/")
    selected = p.evaluate("network.getSelectedNodes()")
    assert len(selected) == 1
    # The neighbourhood is lit, the rest veiled.
    lit = p.evaluate("newsgraph.highlighted()")
    assert lit[0] == selected[0] and sorted(lit[1:]) == sorted(
        p.evaluate("(id) => network.getConnectedNodes(id)", lit[0])
    )
    # A provider's details: its article count.
    p.locator("#details .node-link", has_text="TechNode").click()
    assert "Articles1" in details.inner_text().replace("\n", "").replace(" ", "")
    # Filters: by topic, then by provider.
    p.select_option("#f-topic", label="Computer Vision (2)")
    hidden = p.evaluate("newsgraph.data.nodes.filter(n => newsgraph.isHidden(n[0])).map(n => n[2])")
    assert "Chinese man used facial recogni…" in hidden and "Computer Vision" not in hidden
    p.select_option("#f-provider", label="Caixin Global (1)")
    shown = p.evaluate("newsgraph.shownNodes().filter(i => network.body.data.nodes.get(i).group === 'article').length")
    assert shown == 1
    p.click("#reset")
    assert p.evaluate("newsgraph.shownNodes().length") == 14
    # The timeline: three days; dragging over the last day filters to it.
    bars = p.locator("#timeline-svg rect.bar")
    assert bars.count() == 3
    box = p.locator("#timeline-svg").bounding_box()
    y = box["y"] + box["height"] / 2
    p.mouse.move(box["x"] + box["width"] * 0.9, y)
    p.mouse.down()
    p.mouse.move(box["x"] + box["width"] * 0.95, y)
    p.mouse.up()
    assert p.input_value("#f-since") == "2021-12-15" and p.input_value("#f-until") == "2021-12-15"
    dated = p.evaluate("newsgraph.shownNodes().filter(i => network.body.data.nodes.get(i).group === 'article').length")
    assert dated == 2
    p.locator("#timeline-svg").dblclick()
    assert p.input_value("#f-since") == "" and p.evaluate("newsgraph.shownNodes().length") == 14
    # The legend hides and shows a kind.
    p.click("#legend .legend-item[data-kind=image]")
    assert p.evaluate("newsgraph.shownNodes().length") == 10
    p.click("#legend .legend-item[data-kind=image]")
    # Physics on and off.
    assert p.evaluate("network.physics.options.enabled") is False
    p.check("#physics")
    assert p.evaluate("network.physics.options.enabled") is True
    p.uncheck("#physics")
    assert p.evaluate("network.physics.options.enabled") is False
    assert visit.outside == ["https://technode.com/wp-content/uploads/2021/03/Xpeng-at-a-mall-in-Beijing.jpg"]
    assert [e for e in visit.errors if "ERR_FAILED" not in e] == []  # the blocked thumbnail, nothing else


def test_large_graph_is_laid_out_in_python_and_drawn_without_physics(browser: Browser, tmp_path: Path):
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--n", "120", "--out", str(corpus)], check=True, capture_output=True
    )
    kg = graph.build([corpus])
    assert kg.nx.number_of_nodes() > LAYOUT_THRESHOLD
    kg.write(tmp_path, ["html"])
    visit = browser.open(tmp_path / "graph.html")
    p = visit.page
    assert p.evaluate("newsgraph.data.laidOut") is True
    assert p.evaluate("network.physics.options.enabled") is False
    assert p.is_checked("#physics") is False
    assert p.evaluate("network.body.data.nodes.length") == kg.nx.number_of_nodes()
    caption = p.inner_text("#timeline-caption")
    assert caption.startswith("Articles per ")
    assert visit.outside == [] and visit.errors == []


# -- at first sight, finding a story (issue 19) ------------------------------------------------------------------

SAMPLES = ROOT.parent / "shared" / "samples"


def _page_of(tmp_path: Path, sources: list[Path], name: str = "page.html", **kw: object) -> Path:
    out = tmp_path / name
    out.write_text(page(graph.build(sources).nx, **kw), encoding="utf-8")  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def site_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site corpus (as far as it builds) with the AI sample: a few hundred nodes, one hub topic."""
    sources = [SAMPLES / "ai-site", SAMPLES / "ai"]
    for s in sources:
        assert s.is_dir(), f"the shared sample {s} is missing"
    return _page_of(tmp_path_factory.mktemp("site"), sources)


@pytest.fixture(scope="module")
def generated_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gen")
    corpus = folder / "corpus"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--n", "3000", "--out", str(corpus)], check=True, capture_output=True
    )
    return _page_of(folder, [corpus])


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]
    )


def _assert_top_labels_readable(visit) -> None:  # noqa: ANN001
    p = visit.page
    assert p.evaluate("network.getScale()") == pytest.approx(p.evaluate("newsgraph.initialScale"))
    top = p.evaluate(
        "newsgraph.data.nodes.map((n, i) => [n[0], n[1], n[3], i]).filter(n => n[1] !== 3)"
        ".sort((a, b) => b[2] - a[2] || a[3] - b[3]).slice(0, 30).map(n => n[0])"
    )
    assert len(top) == 30
    labels = {lab["id"]: lab for lab in p.evaluate("newsgraph.labels()")}
    missing = [t for t in top if t not in labels]
    assert missing == [], f"top labels not drawn at first sight: {missing}"
    box = p.evaluate(
        "[document.getElementById('mynetwork').clientWidth, document.getElementById('mynetwork').clientHeight]"
    )
    drawn = [labels[t] for t in top]
    for lab in drawn:
        assert lab["px"] >= 12, lab
        assert 0 <= lab["x"] and lab["x"] + lab["w"] <= box[0] and 0 <= lab["y"] and lab["y"] + lab["h"] <= box[1], lab
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    # Level of detail: zooming in (onto the 40th node) shows labels beyond the top 30.
    p.evaluate(
        "(id) => network.moveTo({position: network.getPositions([id])[id], scale: network.getScale() * 3})",
        p.evaluate("newsgraph.ranked()[40]"),
    )
    p.wait_for_timeout(200)
    assert {lab["id"] for lab in p.evaluate("newsgraph.labels()")} - set(top)


def test_top_labels_readable_at_first_sight_on_the_site_corpus(browser: Browser, site_page: Path):
    visit = browser.open(site_page)
    _assert_top_labels_readable(visit)
    p = visit.page
    # Decluttered: images hidden, the legend counts what is shown, the hub's edges faded.
    assert p.evaluate("newsgraph.data.declutter") is True
    assert p.evaluate("newsgraph.shownNodes().every(id => network.body.data.nodes.get(id).group !== 'image')")
    assert p.inner_text("#legend .legend-item[data-kind=image] .legend-count") == "0"
    articles = p.evaluate(
        "newsgraph.shownNodes().filter(id => network.body.data.nodes.get(id).group === 'article').length"
    )
    assert p.inner_text("#legend .legend-item[data-kind=article] .legend-count") == f"{articles:,}"
    hubs = p.evaluate("newsgraph.data.hubs.map(i => newsgraph.data.info[i].label)")
    assert "AI" in hubs
    assert visit.errors == [] and visit.outside == []


def test_top_labels_readable_at_first_sight_on_a_generated_corpus(browser: Browser, generated_page: Path):
    visit = browser.open(generated_page)
    _assert_top_labels_readable(visit)
    assert visit.errors == []


def _all_in_view(p) -> bool:  # noqa: ANN001
    return p.evaluate(
        """() => {
        const c = document.getElementById('mynetwork'), ids = newsgraph.shownNodes(), pos = network.getPositions(ids);
        return ids.every(id => { const d = network.canvasToDOM(pos[id]);
          return d.x >= -1 && d.y >= -1 && d.x <= c.clientWidth + 1 && d.y <= c.clientHeight + 1; });
    }"""
    )


def test_a_filter_ends_with_zoom_to_fit_and_the_legend_follows(browser: Browser, site_page: Path):
    visit = browser.open(site_page)
    p = visit.page
    start = p.evaluate("network.getScale()")
    topic = p.evaluate("newsgraph.data.nodes.find(n => n[2] === 'Machine Learning')[0]")
    p.select_option("#f-topic", value=topic)
    shown = p.evaluate("newsgraph.shownNodes().length")
    assert 1 < shown < p.evaluate("newsgraph.data.nodes.length")
    assert p.evaluate("network.getScale()") > start  # zoomed onto what remains
    assert _all_in_view(p)
    counts = p.evaluate(
        "[...document.querySelectorAll('#legend .legend-count')].map(e => +e.textContent.replace(/,/g, ''))"
    )
    assert sum(counts[:4]) == shown
    assert "topic=" in p.evaluate("location.hash")
    assert visit.errors == []


def test_state_lives_in_the_url_fragment_and_is_restored(browser: Browser, site_page: Path):
    visit = browser.open(site_page)
    p = visit.page
    # Build a state through the page: colour by community, a node's neighbourhood at depth 2.
    p.select_option("#color-by", "community")
    focus = p.evaluate("newsgraph.ranked()[3]")
    p.evaluate("(id) => newsgraph.focus(id)", focus)
    p.select_option("#depth", "2")
    fragment = p.evaluate("location.hash").lstrip("#")
    shown = sorted(p.evaluate("newsgraph.shownNodes()"))
    assert "color=community" in fragment and "depth=2" in fragment and "focus=" in fragment
    # A fresh page opened on that link shows the same view; so does a reload.
    again = browser.open(site_page, fragment=fragment)
    q = again.page
    assert q.input_value("#color-by") == "community" and q.input_value("#depth") == "2"
    assert sorted(q.evaluate("newsgraph.shownNodes()")) == shown
    assert q.evaluate("newsgraph.state().focus") == focus
    assert q.locator("#legend .legend-group").count() >= 1  # the communities, named
    q.reload()
    wait_until(q, "window.newsgraph !== undefined && window.newsgraphFirstDraw !== undefined")
    assert sorted(q.evaluate("newsgraph.shownNodes()")) == shown
    # A path is state too, and it avoids the hub.
    ends = q.evaluate(
        "() => { const n = newsgraph.data.nodes, a = n.filter(x => x[1] === 1).sort((x, y) => y[3] - x[3]);"
        " return [a[0][0], a[a.length - 1][0]]; }"
    )
    q.evaluate("([a, b]) => newsgraph.setPath(a, b)", ends)
    path = q.evaluate("newsgraph.path()")
    hubs = q.evaluate("newsgraph.data.hubs.map(i => newsgraph.data.nodes[i][0])")
    assert path and path[0] == ends[0] and path[-1] == ends[1]
    assert not set(path[1:-1]) & set(hubs), path
    assert sorted(q.evaluate("newsgraph.shownNodes()")) == sorted(path)
    link = q.evaluate("location.hash").lstrip("#")
    third = browser.open(site_page, fragment=link)
    assert third.page.evaluate("newsgraph.path()") == path
    for v in (visit, again, third):  # blocked thumbnails in the details panel, nothing else
        assert [e for e in v.errors if "ERR_FAILED" not in e] == []


def test_physics_starts_from_the_layout_stops_by_itself_and_keeps_nodes_in_view(browser: Browser, site_page: Path):
    visit = browser.open(site_page)
    p = visit.page
    before = p.evaluate("network.getPositions()")
    p.check("#physics")
    p.wait_for_timeout(300)
    moved = p.evaluate("network.getPositions()")
    assert moved != before  # it moves, from where the nodes were
    drift = max(abs(moved[k]["x"] - before[k]["x"]) + abs(moved[k]["y"] - before[k]["y"]) for k in before)
    span = max(v["x"] for v in before.values()) - min(v["x"] for v in before.values())
    assert drift < span  # not thrown apart
    wait_until(p, "!document.getElementById('physics').checked", timeout=8)
    assert p.evaluate("network.physics.options.enabled") is False
    assert _all_in_view(p)
    still = p.evaluate("network.getPositions()")
    p.wait_for_timeout(300)
    assert p.evaluate("network.getPositions()") == still
    assert visit.errors == []


def test_kg_show_is_an_inline_iframe_that_draws_offline_and_writes_nothing(
    browser: Browser, tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    shown = graph.build([ROOT / "seeds"]).show(topic="computer vision")
    assert list(tmp_path.iterdir()) == []
    html = shown._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "<script" not in html  # the page is escaped inside the attribute
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{html}</body></html>", encoding="utf-8")
    context = browser.browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        requests: list[str] = []
        context.route(
            "**/*",
            lambda r: (requests.append(r.request.url), r.continue_() if r.request.url == host.as_uri() else r.abort()),
        )
        pg = context.new_page()
        pg.goto(host.as_uri())
        frame = pg.frames[1]
        wait_until(frame, "window.newsgraph !== undefined && window.newsgraphFirstDraw !== undefined")
        assert frame.evaluate("network.body.data.nodes.length") == 8
        assert [u for u in requests if u != host.as_uri()] == []
    finally:
        context.close()


def test_a_big_graph_opens_on_an_overview_and_a_click_expands_a_cluster(browser: Browser, tmp_path: Path, monkeypatch):
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--n", "120", "--out", str(corpus)], check=True, capture_output=True
    )
    monkeypatch.setattr("graph.view.page.OVERVIEW_THRESHOLD", 100)  # the overview starts above 20,000 nodes
    visit = browser.open(_page_of(tmp_path, [corpus]))
    p = visit.page
    groups = p.evaluate("[...new Set(newsgraph.shownNodes().map(id => network.body.data.nodes.get(id).group))].sort()")
    assert groups == ["provider", "topic"]
    label = p.evaluate("newsgraph.labels()[0]")
    assert " · " in label["label"]  # a cluster says how many articles it has
    topic = p.evaluate("newsgraph.data.nodes.find(n => n[1] === 2)")
    xy = p.evaluate("(id) => network.canvasToDOM(network.getPositions([id])[id])", topic[0])
    box = p.locator("#mynetwork").bounding_box()
    p.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
    articles = p.evaluate("newsgraph.shownNodes().filter(id => network.body.data.nodes.get(id).group === 'article')")
    count = p.evaluate(
        "(i) => newsgraph.data.info[i].articles",
        p.evaluate("(id) => newsgraph.data.nodes.findIndex(n => n[0] === id)", topic[0]),
    )
    assert len(articles) == count > 0
    assert _all_in_view(p)
    assert "open=" in p.evaluate("location.hash")
    p.uncheck("#overview")
    assert p.evaluate("newsgraph.shownNodes().length") > len(articles) + 35
    assert visit.errors == []


def test_every_export_draws_as_many_nodes_in_chromium_as_the_files(browser: Browser, tmp_path: Path):
    kg = graph.build([SAMPLES / "ai"])
    formats = ["ttl", "nt", "nq", "trig", "jsonld", "graphml"]
    kg.write(tmp_path, formats)
    want = kg.nx.number_of_nodes()
    for ext in formats:
        out = tmp_path / f"{ext}.html"
        out.write_text(page(graph.load(tmp_path / f"graph.{ext}").nx), encoding="utf-8")
        visit = browser.open(out)
        assert visit.page.evaluate("network.body.data.nodes.length") == want, ext
        assert visit.errors == [], ext
