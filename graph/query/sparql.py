"""SPARQL for people: predeclared prefixes, results as tables, syntax errors that say where and what.

:func:`run` runs a query on a pyoxigraph store (with :func:`graph.store.embedded.query`)
with the usual prefixes predeclared (:data:`PREFIXES`: ``schema``, ``skos``,
``dcterms``, ``xsd``, ``prov``, ``rdf``, ``rdfs`` and ``ng``, the project
vocabulary; a query may declare its own). A ``SELECT`` or ``CONSTRUCT`` gives a
:class:`graph.query.results.SparqlResult`, an ``ASK`` a ``bool``. A syntax error
raises :class:`SparqlSyntaxError` (a ``ValueError``) whose message is the one
line that says what was expected at which line and column, then the query line
with a caret under the place:

>>> from graph import build
>>> from graph.store.embedded import memory_store
>>> store = memory_store(build(["seeds"]))
>>> run(store, "SELECT ?t WHERE { ?t a skos:Concept } ORDER BY ?t")
[Row(t='https://newsgraph.example/id/topic/ai'), Row(t='https://newsgraph.example/id/topic/computer%20vision')]
>>> run(store, "SELECT ?t WHERE {\\n  ?t a skos:Concept ;\\n     sch:name ?name }")
Traceback (most recent call last):
...
graph.query.sparql.SparqlSyntaxError: SPARQL syntax error at line 3, column 6: unknown prefix 'sch:' (predeclared: ...)
         sch:name ?name }
         ^
"""

from __future__ import annotations

import re

import pyoxigraph

from graph.query.results import SparqlResult
from graph.rdf.mapping import PREFIXES as _MAPPING_PREFIXES
from graph.store.embedded import StoreError, TooManyRows, query

__all__ = ["PREFIXES", "SparqlSyntaxError", "prefix_lines", "readable_error", "run"]

#: The prefixes every query may use without declaring them (name → namespace IRI).
PREFIXES: dict[str, str] = dict(sorted(_MAPPING_PREFIXES.items()))

# pyoxigraph's parser says "error at LINE:COLUMN: expected ..." (the column counts from 1).
_WHERE = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_PNAME = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")
_MAX_EXPECTED = 8
# Built-in function names the parser lists where any expression would do.
_FUNCTIONS = frozenset(
    "ABS AVG BNODE BOUND CEIL COALESCE CONCAT CONTAINS COUNT DATATYPE DAY ENCODE_FOR_URI EXISTS FLOOR GROUP_CONCAT "
    "HOURS IF IRI LANG LANGMATCHES LCASE MAX MD5 MIN MINUTES MONTH NOT NOW RAND REGEX REPLACE ROUND SAMPLE SECONDS "
    "SHA1 SHA256 SHA384 SHA512 STR STRAFTER STRBEFORE STRDT STRENDS STRLANG STRLEN STRSTARTS STRUUID SUBJECT "
    "PREDICATE OBJECT SUBSTR SUM TIMEZONE TRIPLE TZ UCASE URI UUID YEAR isBLANK isIRI isLITERAL isNUMERIC isTRIPLE "
    "isURI sameTerm".split()
)


class SparqlSyntaxError(ValueError):
    """A query that does not parse; ``line`` and ``column`` (from 1) say where, ``expected`` what would do."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, expected: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.expected = expected


def prefix_lines() -> list[str]:
    """The predeclared prefixes as SPARQL ``PREFIX`` lines (what ``newsgraph query --prefixes`` prints).

    >>> print("\\n".join(prefix_lines()))
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX ng: <https://newsgraph.example/vocab#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX schema: <https://schema.org/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
    """
    width = max(len(p) for p in PREFIXES) + 1
    return [f"PREFIX {(name + ':').ljust(width)} <{iri}>".replace(":  ", ": ") for name, iri in PREFIXES.items()]


def run(store: pyoxigraph.Store, text: str) -> SparqlResult | bool:
    """Run ``text`` on ``store`` with :data:`PREFIXES` predeclared; see the module's docstring.

    >>> from graph import build
    >>> from graph.store.embedded import memory_store
    >>> run(memory_store(build(["seeds"])), "ASK { ?a schema:about/skos:prefLabel 'AI' }")
    True
    """
    try:
        result = query(store, text)
    except (StoreError, TooManyRows):
        raise  # not about the query's text
    except ValueError as exc:
        raise readable_error(text, str(exc)) from None
    return result if isinstance(result, bool) else SparqlResult.of(result)


def readable_error(text: str, message: str) -> ValueError:
    """The error to raise for the parser's ``message`` about the query ``text``: a :class:`SparqlSyntaxError`
    with line, column, what was expected and the query line with a caret, or the message as it is when it
    says no place.

    >>> print(readable_error("SELEC ?x {}", "SPARQL syntax error: error at 1:1: expected one of ASK, CONSTRUCT"))
    SPARQL syntax error at line 1, column 1: expected ASK or CONSTRUCT
        SELEC ?x {}
        ^
    >>> print(readable_error("SELECT * { ?s foo:bar ?o }", "error at 1:22: expected one of Prefix not found"))
    SPARQL syntax error at line 1, column 15: unknown prefix 'foo:' (predeclared: dcterms, ng, ..., xsd; declare ...)
        SELECT * { ?s foo:bar ?o }
                      ^
    """
    found = _WHERE.search(message)
    if found is None:
        return ValueError(message if message.startswith("SPARQL") else f"SPARQL error: {message}")
    line_no, column, said = int(found.group(1)), int(found.group(2)), found.group(3)
    lines = text.split("\n")
    source = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    if "Prefix not found" in said:
        pname = _PNAME.search(source[: column - 1])
        if pname is not None:
            column = pname.start() + 1
            name = (pname.group(1) or "") + ":"
        else:
            name = "?"
        what = f"unknown prefix {name!r} (predeclared: {', '.join(PREFIXES)}; declare others with PREFIX)"
    else:
        what = "expected " + _expected(said)
    shown = source.expandtabs(1).rstrip("\r")
    caret = " " * (min(column, len(shown) + 1) - 1) + "^"
    return SparqlSyntaxError(
        f"SPARQL syntax error at line {line_no}, column {column}: {what}\n    {shown}\n    {caret}",
        line_no,
        column,
        what,
    )


def _expected(said: str) -> str:
    """``expected one of A, ['.'], ['a'..='z' | …]`` as ``A, '.' or a name``."""
    said = said.strip()
    for lead in ("expected one of ", "expected "):
        if said.startswith(lead):
            said = said[len(lead) :]
            break
    items = _alternatives(said)
    words: list[str] = []
    for item in (" ".join(x.split()) for x in items):
        if not item:
            continue
        single = re.fullmatch(r"\['(.+?)'\]", item)
        quoted = re.fullmatch(r'"(.+)"|\'(.+)\'', item)
        if quoted:
            word = repr(quoted.group(1) or quoted.group(2))
        elif single and ".." not in item:
            word = repr(single.group(1).encode().decode("unicode_escape"))
        elif item.startswith("["):
            word = "a number" if re.fullmatch(r"\['0' ?\.\.= ?'9'\]", item) else "a name"
        else:
            word = item
        if word in _FUNCTIONS:
            word = "an expression"
        elif word == "IRI parsing failed":  # a relative or malformed <IRI> where a full one was needed
            word = "a full IRI (<https://…>)"
        if word not in words:
            words.append(word)
    if len(words) > _MAX_EXPECTED:
        words = words[:_MAX_EXPECTED] + ["…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _alternatives(said: str) -> list[str]:
    """The comma-separated alternatives of the parser's list, commas inside quotes and brackets kept."""
    items: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for ch in said:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    items.append("".join(current).strip())
    return [i for i in items if i]
