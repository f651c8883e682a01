"""Make the README's screenshots of the page from a real build of the shared samples.

Run from the repository root (needs Chromium and Playwright, as the browser tests do)::

    python docs/screenshots.py            # writes docs/img/overview.png and docs/img/path.png

``overview.png`` is the page at first sight; ``path.png`` the shortest path between
two providers, avoiding the hub topic, coloured by community. Both come from
``../shared/samples/ai-site`` and ``../shared/samples/ai`` built with ``graph.build``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import launch, wait_until  # noqa: E402

import graph  # noqa: E402
from graph.view.page import page  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
OUT = ROOT / "docs" / "img"
WIDTH, HEIGHT = 1200, 700


def main() -> None:
    sources = [p for p in (SAMPLES / "ai-site", SAMPLES / "ai") if p.is_dir()]
    if not sources:
        raise SystemExit(f"no shared samples under {SAMPLES}")
    kg = graph.build(sources)
    folder = Path(tempfile.mkdtemp(prefix="screenshots."))
    html = folder / "page.html"
    html.write_text(page(kg.nx, "newsgraph · AI news"), encoding="utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    session = launch()
    browser = next(session)
    try:
        visit = browser.open(html, width=WIDTH, height=HEIGHT)
        p = visit.page
        p.wait_for_timeout(300)
        p.screenshot(path=str(OUT / "overview.png"))
        # A path between the best and the least connected provider that share a story, through no hub.
        ends = p.evaluate(
            """() => {
            const n = newsgraph.data.nodes;
            const prov = n.filter(x => x[1] === 1).sort((a, b) => b[3] - a[3] || (a[0] < b[0] ? -1 : 1));
            for (let k = prov.length - 1; k > 0; k--) {
              newsgraph.setPath(prov[0][0], prov[k][0]);
              const path = newsgraph.path();
              if (path && path.length >= 5 && path.length <= 7) return [prov[0][0], prov[k][0]];
            }
            return [prov[0][0], prov[prov.length - 1][0]];
        }"""
        )
        p.evaluate("([a, b]) => newsgraph.setPath(a, b)", ends)
        p.evaluate("newsgraph.colorBy('community')")
        wait_until(p, "newsgraph.path() !== null")
        p.wait_for_timeout(300)
        p.screenshot(path=str(OUT / "path.png"))
        for name in ("overview.png", "path.png"):
            print(f"wrote {OUT / name} ({(OUT / name).stat().st_size // 1024} KB)")
    finally:
        session.close()


if __name__ == "__main__":
    main()
