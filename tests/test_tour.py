"""docs/tour.ipynb runs top to bottom: the tour of the Python API never goes stale."""

from __future__ import annotations

import nbformat
from conftest import ROOT, SAMPLES
from nbclient import NotebookClient

TOUR = ROOT / "docs" / "tour.ipynb"


def test_the_tour_runs_top_to_bottom_on_the_shared_samples():
    assert SAMPLES.is_dir(), f"the tour needs ../shared/samples (looked in {SAMPLES}); set NEWSGRAPH_SHARED"
    nb = nbformat.read(TOUR, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the tour without outputs"
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(TOUR.parent)}}).execute()
    outputs = {i: c.outputs for i, c in enumerate(nb.cells) if c.cell_type == "code"}
    errors = [o for out in outputs.values() for o in out if o.output_type == "error"]
    assert errors == []
    text = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for out in outputs.values() for o in out
    )
    assert "True" in text.split("\n")[0] or "True" in text  # the samples were found
    assert "<KnowledgeGraph: 96 articles" in text  # built
    assert "did you mean 'Machine Learning'?" in text  # a clear error for a typo
    assert "SPARQL syntax error at line 1" in text and "^" in text  # a readable SPARQL error
    html = [o for out in outputs.values() for o in out if "text/html" in o.get("data", {})]
    assert len(html) >= 5  # the summary and the result sets show as tables
    assert "('graph.html', True)" in text and "['graph.ttl', 'graph.nt']" in text  # page and exports written
