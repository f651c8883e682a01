"""The page inline in a notebook: an ``iframe`` whose ``srcdoc`` is the whole page, no file written.

:func:`show` backs ``KnowledgeGraph.show``: it takes the selectors of ``newsgraph view``
(``topic=``, ``provider=``, ``since=``, ``until=``, ``around=``, ``depth=``, ``max_nodes=``),
displays the page with IPython when it is there and returns an object that renders
itself (``_repr_html_``) anywhere else.
"""

from __future__ import annotations

import html
from typing import Unpack

import networkx as nx

from graph.model.select import Selectors
from graph.view.page import chosen_page

__all__ = ["InlinePage", "show"]


class InlinePage:
    """A page to display inline: ``_repr_html_`` is an ``iframe`` holding it in ``srcdoc`` (offline, no file).

    >>> p = InlinePage("<p>a & b</p>", height=300)
    >>> p._repr_html_()[:52]
    '<iframe srcdoc="&lt;p&gt;a &amp; b&lt;/p&gt;" style='
    """

    def __init__(self, page: str, *, height: int = 640, note: str | None = None) -> None:
        self.page = page
        self.height = height
        self.note = note

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" style="width:100%;height:{int(self.height)}px;'
            'border:1px solid #e3e6ea;border-radius:6px" sandbox="allow-scripts" loading="eager"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<InlinePage: {len(self.page):,} characters{'; ' + self.note if self.note else ''}>"


def show(
    g: nx.MultiDiGraph[str], *, height: int = 640, display: bool = True, **selectors: Unpack[Selectors]
) -> InlinePage:
    """The page of the part of ``g`` the selectors choose, displayed inline when IPython is there; the page object
    either way.

    >>> from graph import build
    >>> p = show(build(["seeds"]).nx, topic="computer vision", display=False)
    >>> p._repr_html_().startswith("<iframe srcdoc=") and "network = new vis.Network" in p.page
    True
    """
    named = ("topic", "provider", "since", "until", "around")  # what the page's heading says was chosen
    said = [f"{name} {value}" for name, value in selectors.items() if name in named and value is not None]
    text, shown = chosen_page(g, " · ".join(["newsgraph", *said]), **selectors)
    out = InlinePage(text, height=height, note=shown.note)
    if display:
        try:
            from IPython import get_ipython
            from IPython.display import HTML
            from IPython.display import display as ipython_display
        except ImportError:
            return out
        if get_ipython() is not None:
            ipython_display(HTML(out._repr_html_()))  # type: ignore[no-untyped-call]
    return out
