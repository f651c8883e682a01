"""Result sets: answers that are lists (or a dict) as before, and also tables.

Every answer of the query API that is a collection is one of these. It is the
list (or, for :class:`Timeline`, the dict) it always was, and it also

* knows its ``columns`` and gives its ``rows()`` (plain Python values: labels
  instead of IRIs where a record links to another),
* shows as a table in Jupyter (``_repr_html_``),
* converts with :meth:`Tabular.to_pandas` and :meth:`Tabular.to_polars`, when
  the optional extra is installed (``pip install "newsgraph[pandas]"`` or
  ``"newsgraph[polars]"``); without it, :class:`ExtraNotInstalled` (an
  ``ImportError``) says which extra to install.

>>> rows = SparqlResult(["name", "n"], [("TechNode", 1), ("The Times", 2)])
>>> rows.columns, rows.rows(), rows[1].name
(('name', 'n'), [('TechNode', 1), ('The Times', 2)], 'The Times')
>>> print(rows._repr_html_())  # doctest: +ELLIPSIS
<table class="newsgraph"><thead><tr><th>name</th><th>n</th></tr></thead><tbody><tr><td>TechNode</td>...</table>
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from graph.read.records import Article, Image, Provider, Topic
from graph.store.embedded import Rows

__all__ = [
    "Communities",
    "Community",
    "ExtraNotInstalled",
    "PathResult",
    "Ranking",
    "Records",
    "SparqlResult",
    "Tabular",
    "Timeline",
    "summary_html",
]

#: Rows a table in a notebook shows before it says how many more there are.
HTML_ROWS = 50
_CELL = 200

Record = Article | Provider | Topic | Image
#: The label of the node with this IRI (a record's links are IRIs; tables show labels).
Labeller = Callable[[str], str]


class ExtraNotInstalled(ImportError):
    """A conversion needs an optional extra that is not installed; the message says which to install."""


def _require(module: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ExtraNotInstalled(
            f'{module} is not installed: pip install "newsgraph[{extra}]" (or pip install {module})'
        ) from None


class Tabular:
    """What every result set can do as a table: ``columns``, ``rows()``, HTML, pandas and polars."""

    columns: tuple[str, ...] = ()

    def rows(self) -> list[tuple[Any, ...]]:
        """The rows of the table, one tuple of plain values per row, in ``columns`` order.

        >>> Timeline({dt.date(2021, 12, 1): 3}).rows()
        [(datetime.date(2021, 12, 1), 3)]
        """
        raise NotImplementedError

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` of the table (needs ``pip install "newsgraph[pandas]"``).

        >>> SparqlResult(["name", "n"], [("TechNode", 1)]).to_pandas().to_dict("records")
        [{'name': 'TechNode', 'n': 1}]
        """
        pd = _require("pandas", "pandas")
        return pd.DataFrame.from_records(self.rows(), columns=list(self.columns))

    def to_polars(self) -> Any:
        """A ``polars.DataFrame`` of the table (needs ``pip install "newsgraph[polars]"``).

        >>> SparqlResult(["name", "n"], [("TechNode", 1)]).to_polars().to_dicts()
        [{'name': 'TechNode', 'n': 1}]
        """
        pl = _require("polars", "polars")
        rows = self.rows()
        data = {c: [r[i] for r in rows] for i, c in enumerate(self.columns)}
        return pl.DataFrame(data, strict=False)

    def _repr_html_(self) -> str:
        """The table as HTML (Jupyter shows it); the first :data:`HTML_ROWS` rows, then how many more."""
        rows = self.rows()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows[:HTML_ROWS]
        )
        more = len(rows) - HTML_ROWS
        tail = f"<p>… {more:,} more rows ({len(rows):,} in all)</p>" if more > 0 else ""
        return f'<table class="newsgraph"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{tail}'


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= _CELL else text[: _CELL - 1] + "…"


def record_columns(records: Sequence[Record]) -> tuple[str, ...]:
    """The columns a table of these records has: by their kind, or ``kind, label, iri`` when mixed.

    >>> record_columns([Topic("https://newsgraph.example/id/topic/ai", "AI")])
    ('label', 'iri')
    """
    kinds = {type(r) for r in records}
    if len(kinds) != 1:
        return ("kind", "label", "iri")
    return _COLUMNS[kinds.pop()]


_COLUMNS: dict[type, tuple[str, ...]] = {
    Article: ("title", "published", "provider", "topics", "type", "url", "iri"),
    Provider: ("name", "domain", "iri"),
    Topic: ("label", "iri"),
    Image: ("url", "width", "height", "iri"),
}


def record_row(record: Record, columns: tuple[str, ...], label: Labeller) -> tuple[Any, ...]:
    """One record as a row of ``columns`` (see :func:`record_columns`), links given by label."""
    if columns == ("kind", "label", "iri"):
        return (type(record).__name__.lower(), record.url if isinstance(record, Image) else record.label, record.iri)
    if isinstance(record, Article):
        provider = label(record.provider) if record.provider else None
        topics = [label(t) for t in record.topics]
        return (record.title, record.date_published, provider, topics, record.type, record.url, record.iri)
    if isinstance(record, Provider):
        return (record.name, record.domain, record.iri)
    if isinstance(record, Topic):
        return (record.label, record.iri)
    return (record.url, record.width, record.height, record.iri)


def _iri_itself(iri: str) -> str:
    return iri


class Records(list[Any], Tabular):
    """A list of records (articles, providers, topics, images), also a table.

    >>> from graph import build
    >>> kg = build(["seeds"])
    >>> topics = kg.topics()
    >>> topics.columns, topics.rows()[0]
    (('label', 'iri'), ('AI', 'https://newsgraph.example/id/topic/ai'))
    >>> type(kg.articles()[:2]).__name__, kg.articles()[0].title[:12]
    ('Records', 'Carmaker Xpe')
    """

    def __init__(self, records: Iterable[Any] = (), label: Labeller | None = None) -> None:
        super().__init__(records)
        self._label = label or _iri_itself

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        """The table's columns (see :func:`record_columns`)."""
        return record_columns(self)

    def __getitem__(self, index: Any) -> Any:
        """A record, or for a slice (``kg.articles()[:5]``) a :class:`Records` still."""
        item = list.__getitem__(self, index)
        return Records(item, self._label) if isinstance(index, slice) else item

    def rows(self) -> list[tuple[Any, ...]]:
        """One row per record."""
        columns = self.columns
        return [record_row(r, columns, self._label) for r in self]


class PathResult(Records):
    """A path, as the records along it; ``avoided`` holds the hubs it went around (records, most linked first).

    ``hubs`` is every hub of the graph the search stayed clear of where it could.
    """

    def __init__(
        self,
        records: Iterable[Any] = (),
        label: Labeller | None = None,
        avoided: Iterable[Any] = (),
        hubs: Iterable[Any] = (),
    ) -> None:
        super().__init__(records, label)
        self.avoided = Records(avoided, label)
        self.hubs = Records(hubs, label)


class Ranking(list[tuple[Any, float]], Tabular):
    """``(record, score)`` pairs, highest first, also a table of ``kind, label, score, iri``."""

    columns = ("kind", "label", "score", "iri")

    def __getitem__(self, index: Any) -> Any:
        """A pair, or for a slice a :class:`Ranking` still."""
        item = list.__getitem__(self, index)
        return Ranking(item) if isinstance(index, slice) else item

    def rows(self) -> list[tuple[Any, ...]]:
        """One row per ranked node."""
        return [record_row(r, ("kind", "label", "iri"), _iri_itself)[:2] + (s, r.iri) for r, s in self]


class Community(Records):
    """The members of one community (records), with a ``name`` made of its main topics and providers.

    ``topics`` and ``providers`` are its main ones (most articles of the
    community first), ``size`` its number of nodes (all kinds, whatever
    ``communities(kind=…)`` lists).
    """

    def __init__(
        self,
        records: Iterable[Any],
        label: Labeller | None,
        *,
        name: str,
        size: int,
        topics: Sequence[Topic],
        providers: Sequence[Provider],
        articles: int,
    ) -> None:
        super().__init__(records, label)
        self.name = name
        self.size = size
        self.topics = list(topics)
        self.providers = list(providers)
        self.articles = articles

    def __repr__(self) -> str:
        nodes, articles = f"{self.size:,} node{'s' * (self.size != 1)}", f"{self.articles:,} article"
        return f"<Community {self.name!r}: {nodes}, {articles}{'s' * (self.articles != 1)}>"


class Communities(list[Community], Tabular):
    """Communities, largest first; a table of ``name, size, articles, topics, providers``."""

    columns = ("name", "size", "articles", "topics", "providers")

    def __getitem__(self, index: Any) -> Any:
        """A community, or for a slice a :class:`Communities` still."""
        item = list.__getitem__(self, index)
        return Communities(item) if isinstance(index, slice) else item

    def rows(self) -> list[tuple[Any, ...]]:
        """One row per community."""
        return [(c.name, c.size, c.articles, [t.label for t in c.topics], [p.label for p in c.providers]) for c in self]


class Timeline(dict[dt.date, int], Tabular):
    """Articles per period (first day of each period → count), in order; a table of ``period, articles``.

    >>> Timeline({dt.date(2021, 12, 1): 3}).rows()
    [(datetime.date(2021, 12, 1), 3)]
    """

    columns = ("period", "articles")

    def rows(self) -> list[tuple[Any, ...]]:
        """One row per period."""
        return list(self.items())


class SparqlResult(Rows, Tabular):
    """The rows of a SPARQL ``SELECT`` (or ``CONSTRUCT``): a list of rows readable by name, also a table.

    >>> r = SparqlResult(["a"], [(1,), (2,)])
    >>> r, r.columns, r.rows()
    ([Row(a=1), Row(a=2)], ('a',), [(1,), (2,)])
    """

    def rows(self) -> list[tuple[Any, ...]]:
        """One tuple per row."""
        return [tuple(r) for r in self]

    @classmethod
    def of(cls, rows: Rows) -> SparqlResult:
        """The same rows as a result set."""
        return cls(rows.columns, rows)


def summary_html(stats: dict[str, Any]) -> str:
    """A knowledge graph's summary as HTML, from ``kg.stats()``: counts, date span, top providers and topics.

    >>> from graph import build
    >>> print(summary_html(build(["seeds"]).stats(top=1)))  # doctest: +ELLIPSIS
    <div class="newsgraph"><b>KnowledgeGraph</b>: 4 articles, 4 providers, 2 topics, 4 images, 16 edges; ...
    """
    kinds = ("articles", "providers", "topics", "images", "edges")
    counts = ", ".join(f"{stats[k]:,} {k}" for k in kinds)
    span = ""
    if stats.get("first") is not None:
        span = f"; published {stats['first']:%Y-%m-%d} to {stats['last']:%Y-%m-%d}"
    rows = []
    for key in ("top providers", "top topics"):
        cells = ", ".join(f"{html.escape(label)} ({n:,})" for label, n in stats.get(key, []))
        rows.append(f"<tr><th>{key}</th><td>{cells}</td></tr>")
    return (
        f'<div class="newsgraph"><b>KnowledgeGraph</b>: {counts}{span}'
        f'<table class="newsgraph"><tbody>{"".join(rows)}</tbody></table></div>'
    )
