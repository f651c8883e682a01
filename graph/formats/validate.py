"""Validation: an export checked against the SHACL shapes shipped in the package.

``newsgraph validate [FILE]`` runs `pySHACL <https://github.com/RDFLib/pySHACL>`_
(the optional extra ``newsgraph[shacl]``) on the merged graph of any RDF
export, with the shapes of ``graph/rdf/shapes.ttl``. Violations make the graph
non-conforming; warnings (a value the feed got wrong, kept as text) are
reported but do not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources

import rdflib

from graph.formats.load import read_merged
from graph.rdf.mapping import PREFIXES

__all__ = ["ShaclUnavailable", "ValidationResult", "Validation", "shapes", "validate", "validate_graph", "vocabulary"]

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


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome: ``conforms`` is false when any result is a violation."""

    conforms: bool
    results: tuple[ValidationResult, ...]

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
        data, shacl_graph=shapes(), inference="none", allow_warnings=True, advanced=False, abort_on_first=False
    )
    results = []
    for result in report.subjects(rdflib.RDF.type, _SH.ValidationResult):
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
    """Check an export (any RDF format ``graph.load`` reads) against the shapes.

    >>> validate("exports/graph.ttl").conforms
    True
    """
    return validate_graph(read_merged(path))
