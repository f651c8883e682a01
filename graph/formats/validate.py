"""Validation: an export checked against the SHACL shapes shipped in the package.

``newsgraph validate [FILE]`` runs `pySHACL <https://github.com/RDFLib/pySHACL>`_
(the optional extra ``newsgraph[shacl]``) on the merged graph of any RDF
export (a dataset, N-Quads or TriG, flattened), with the shapes of
``graph/rdf/shapes.ttl``. Violations make the graph non-conforming; warnings
(a value the feed got wrong, kept as text) are reported but do not.

It also lists where files disagree (:class:`Disagreement`): per node and
field, the value the build kept and every other value, each with the
documents that say it (a dataset says which document said what; the merged
graph only which values lost).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib import resources

import rdflib

from graph.formats.load import Quad, merged_quads, read_rdf
from graph.rdf.mapping import DCTERMS, PREFIXES, literal
from graph.rdf.terms import alternative_of

__all__ = [
    "Disagreement",
    "ShaclUnavailable",
    "Validation",
    "ValidationResult",
    "disagreements",
    "shapes",
    "validate",
    "validate_graph",
    "vocabulary",
]

_SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


class ShaclUnavailable(RuntimeError):
    """pySHACL is not installed."""


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """One finding: its severity, the node, the property and what is wrong."""

    severity: str
    focus: str
    path: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: <{self.focus}> {self.path}: {self.message}{value}"


#: Values, each with the documents that say it.
Said = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Files that disagree on a value of one node: the value kept and the others, each with the documents saying it.

    >>> print(Disagreement("https://x.example/a", "schema:headline", (('"A"', ("a.md",)),), (('"B"', ("b.md",)),)))
    Disagreement: <https://x.example/a> schema:headline: "A" (a.md) kept over "B" (b.md)
    """

    node: str
    path: str
    kept: Said
    others: Said

    def __str__(self) -> str:
        kept = _said(self.kept) or "(nothing)"
        return f"Disagreement: <{self.node}> {self.path}: {kept} kept over {_said(self.others)}"


def _said(values: Said) -> str:
    return ", ".join(f"{v} ({', '.join(docs)})" if docs else v for v, docs in values)


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome: ``conforms`` is false when any result is a violation; ``disagreements`` never change that."""

    conforms: bool
    results: tuple[ValidationResult, ...]
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def violations(self) -> list[ValidationResult]:
        """The results that make the graph non-conforming."""
        return [r for r in self.results if r.severity == "Violation"]


def shapes() -> rdflib.Graph:
    """The SHACL shapes shipped in the package (``graph/rdf/shapes.ttl``).

    >>> len(shapes()) > 50
    True
    """
    return rdflib.Graph().parse(
        data=resources.files("graph.rdf").joinpath("shapes.ttl").read_text("utf-8"), format="ttl"
    )


def vocabulary() -> rdflib.Graph:
    """The project ontology shipped in the package (``graph/rdf/vocab.ttl``).

    >>> from graph.rdf.mapping import VOCAB
    >>> (rdflib.URIRef(VOCAB + "quality"), rdflib.RDFS.range, rdflib.XSD.integer) in vocabulary()
    True
    """
    return rdflib.Graph().parse(
        data=resources.files("graph.rdf").joinpath("vocab.ttl").read_text("utf-8"), format="ttl"
    )


def _short(term: rdflib.term.Node | None) -> str:
    if term is None:
        return ""
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if isinstance(term, rdflib.URIRef) and text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text if isinstance(term, rdflib.Literal) else f"<{text}>"


def validate_graph(data: rdflib.Graph) -> Validation:
    """Check an rdflib graph against the shapes.

    >>> from graph import build
    >>> validate_graph(build(["seeds"]).rdf).conforms
    True
    """
    try:
        import pyshacl
    except ImportError:
        raise ShaclUnavailable(
            "validation needs pySHACL: pip install 'newsgraph[shacl]' (or: pip install pyshacl)"
        ) from None
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes(), inference="none", allow_warnings=True, advanced=True, abort_on_first=False
    )
    results = []
    for result in report.objects(None, _SH.result):  # the findings, not the details of nested shapes
        severity = report.value(result, _SH.resultSeverity)
        message = report.value(result, _SH.resultMessage)
        value = report.value(result, _SH.value)
        results.append(
            ValidationResult(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=str(report.value(result, _SH.focusNode)),
                path=_short(report.value(result, _SH.resultPath)),
                message=str(message) if message is not None else "",
                value=None if value is None else _short(value),
            )
        )
    results.sort(key=lambda r: (r.severity != "Violation", r.focus, r.path, r.message, r.value or ""))
    return Validation(bool(conforms) and not any(r.severity == "Violation" for r in results), tuple(results))


def validate(path: str | os.PathLike[str]) -> Validation:
    """Check an export (any RDF format ``graph.load`` reads) against the shapes; list where files disagree.

    >>> validate("exports/graph.ttl").conforms
    True
    """
    data = read_rdf(path)
    if isinstance(data, rdflib.Dataset):
        quads = merged_quads(data)
        merged = rdflib.Graph()
        for s, p, o, _ in quads:
            merged.add((s, p, o))
    else:
        quads = [(s, p, o, None) for s, p, o in data]
        merged = data
    return replace(validate_graph(merged), disagreements=tuple(disagreements(quads)))


def disagreements(quads: Iterable[Quad]) -> list[Disagreement]:
    """Where files disagree, from statements with their graphs: per node and field, who says what.

    A value that lost is under its predicate's alternative term
    (:func:`graph.rdf.terms.alternative`) in the graph of each document that
    said it; the kept value is under the predicate itself. Documents are named
    by their path (``dcterms:identifier``); outside a dataset, by nothing.

    >>> from graph import build
    >>> disagreements((*t, None) for t in build(["seeds"]).rdf)
    []
    """
    Values = dict[rdflib.term.Node, set[str]]
    lost: dict[tuple[rdflib.term.Node, str], Values] = defaultdict(lambda: defaultdict(set))
    kept: dict[tuple[rdflib.term.Node, str], Values] = defaultdict(lambda: defaultdict(set))
    names: dict[str, str] = {}
    identifier = rdflib.URIRef(f"{DCTERMS}identifier")
    rows = list(quads)
    for s, p, o, g in rows:
        if p == identifier and g is not None and str(s) == g:
            names[g] = str(o)  # a document's own graph names it
        predicate = alternative_of(str(p))
        if predicate is not None:
            lost[s, predicate][o].update(() if g is None else (g,))
    for s, p, o, g in rows:
        if (s, str(p)) in lost:
            kept[s, str(p)][o].update(() if g is None else (g,))

    def listed(values: Values) -> Said:
        return tuple(sorted((_value(v), tuple(sorted(names.get(d, d) for d in docs))) for v, docs in values.items()))

    found = [
        Disagreement(str(node), _short(rdflib.URIRef(p)), listed(kept[node, p]), listed(values))
        for (node, p), values in lost.items()
    ]
    return sorted(found, key=lambda d: (d.node, d.path))


def _value(term: rdflib.term.Node) -> str:
    """A value as a reader sees it: text in quotes (with its type, if any), an IRI short or in brackets."""
    if isinstance(term, rdflib.Literal):
        text = literal(str(term))  # quoted and escaped as in N-Triples: one line, whatever the text
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^{_short(term.datatype)}" if term.datatype is not None else text
    return _short(term)
