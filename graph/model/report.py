"""The report: what became of every file read, and why.

Each file has one outcome: ``kept`` (its article is a node), ``merged`` (its
article is the same article as another file's, and was merged into it),
``warned`` (kept, with warnings: odd values that were read anyway) or
``rejected`` (it gave no article; the errors say why) or ``skipped`` (a file of a site that
holds no graph content: its configuration, a template, the repository's README; ``reason`` says why).
Each file also says what it ``became``: ``article``, ``page`` (a JSON API page; ``articles`` counts
the articles it lists), ``topic``, ``tag``, ``organization``, ``item`` (an item of a site collection)
or ``skipped``; the summary line counts each kind. The report is built
from the merged corpus alone, plain data all the way, so it is the same
whatever order, process or cache the files went through. ``newsgraph build``
writes it as ``DIR/report.json`` and summarizes it on stderr; ``graph.build``
exposes it as ``kg.report`` and, with ``strict=True``, raises
:class:`RejectedFilesError` listing every rejected file.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from graph.model.merge import Corpus
from graph.read.sources import Diagnostic, display_name

__all__ = ["OUTCOMES", "EmptyInputError", "FileReport", "RejectedFilesError", "Report", "empty_message", "make_report"]

Outcome = Literal["kept", "merged", "warned", "rejected", "skipped"]
#: Every outcome, in the order the summary counts them.
OUTCOMES: tuple[Outcome, ...] = ("kept", "merged", "warned", "rejected", "skipped")
#: What a file may become, in the order the summary counts them.
KINDS = ("article", "page", "topic", "tag", "organization", "item", "skipped")


@dataclass(frozen=True, slots=True)
class FileReport:
    """What became of one file.

    ``article`` is the IRI of the node the file's article is (``None`` when
    rejected); ``merged_into`` is the file it was merged into (``merged`` only).
    """

    file: str
    outcome: Outcome
    article: str | None = None
    merged_into: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    #: What the file became (:data:`KINDS`); ``articles``: how many articles it gave (a page's are many).
    became: str = "article"
    articles: int = 0
    reason: str = ""

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that rejected the file."""
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The diagnostics about odd values that were read anyway."""
        return [d for d in self.diagnostics if d.severity == "warning"]

    def as_dict(self) -> dict[str, Any]:
        """The file's entry of ``report.json``."""
        return {
            "file": display_name(self.file),
            "outcome": self.outcome,
            "article": self.article,
            "merged_into": self.merged_into,
            "became": self.became,
            **({"articles": self.articles} if self.became == "page" else {}),
            **({"reason": self.reason} if self.reason else {}),
            "diagnostics": [
                {"severity": d.severity, "code": d.code, "line": d.line, "message": d.message} for d in self.diagnostics
            ],
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of every file of a build, sorted by file name.

    >>> from graph import build
    >>> report = build(["seeds"]).report
    >>> report.counts()
    {'files': 2, 'kept': 2, 'merged': 0, 'warned': 0, 'rejected': 0, 'skipped': 0, 'warnings': 0, 'errors': 0}
    >>> report.rejected
    []
    """

    files: tuple[FileReport, ...] = ()

    @property
    def rejected(self) -> list[FileReport]:
        """The files that gave no article."""
        return [f for f in self.files if f.outcome == "rejected"]

    @property
    def empty(self) -> bool:
        """True when no file gave anything to the graph: none found, or every one rejected or skipped.

        >>> Report().empty, Report((FileReport("a.md", "kept"),)).empty
        (True, False)
        """
        return not any(f.outcome in ("kept", "merged", "warned") for f in self.files)

    def counts(self) -> dict[str, int]:
        """Files read, files per outcome, and warnings and errors in all."""
        outcomes = Counter(f.outcome for f in self.files)
        severities = Counter(d.severity for f in self.files for d in f.diagnostics)
        return {
            "files": len(self.files),
            **{o: outcomes[o] for o in OUTCOMES},
            "warnings": severities["warning"],
            "errors": severities["error"],
        }

    def kinds(self) -> dict[str, int]:
        """How many files became each kind of thing (:data:`KINDS`), and the articles the pages gave.

        >>> from graph import build
        >>> build(["seeds"]).report.kinds()
        {'article': 2, 'page': 0, 'topic': 0, 'tag': 0, 'organization': 0, 'item': 0, 'skipped': 0, 'page articles': 0}
        """
        became = Counter(f.became for f in self.files if f.outcome != "rejected")
        return {
            **{k: became[k] for k in KINDS},
            "page articles": sum(f.articles for f in self.files if f.became == "page"),
        }

    def to_json(self) -> str:
        """The report as JSON text (deterministic; what ``report.json`` holds).

        >>> from graph import build
        >>> import json
        >>> json.loads(build(["seeds"]).report.to_json())["files"][0]["outcome"]
        'kept'
        """
        data = {"summary": self.counts(), "became": self.kinds(), "files": [f.as_dict() for f in self.files]}
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    def summary(self, limit: int = 20, where: str = "") -> str:
        """A few lines for people: the rejected files and their reasons, then warnings by kind.

        At most ``limit`` rejected files and ``limit`` warnings are listed one
        by one; ``where`` names the full report (``exports/report.json``).

        >>> from graph import build
        >>> print(build(["seeds"]).report.summary())
        2 files read: 2 kept, 0 merged into another file's article, 0 kept with warnings, 0 rejected
        """
        c = self.counts()
        lines = [
            f"{c['files']:,} files read: {c['kept']:,} kept, {c['merged']:,} merged into another file's article, "
            f"{c['warned']:,} kept with warnings, {c['rejected']:,} rejected"
            + (f", {c['skipped']:,} skipped (no graph content)" if c["skipped"] else "")
        ]
        k = self.kinds()
        if any(k[kind] for kind in KINDS if kind != "article"):
            lines[0] += "; " + ", ".join(_kind_text(kind, k) for kind in KINDS if k[kind])
        errors = [d for f in self.rejected for d in f.errors]
        if errors:
            lines.append(f"rejected ({c['rejected']} files):")
            lines += [f"  {_show(d)}" for d in errors[:limit]]
            if len(errors) > limit:
                lines.append(f"  ... and {len(errors) - limit} more")
        warnings = [d for f in self.files for d in f.warnings]
        if warnings:
            kinds = Counter(d.code for d in warnings)
            by_kind = ", ".join(f"{n} {code}" for code, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(f"warnings ({len(warnings)}: {by_kind}):")
            lines += [f"  {_show(d)}" for d in warnings[:limit]]
            if len(warnings) > limit:
                lines.append(f"  ... and {len(warnings) - limit} more")
        if where and (errors or warnings):
            lines.append(f"every file's outcome and reasons: {where}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        c = self.counts()
        return f"<Report: {c['files']} files, {c['kept']} kept, {c['merged']} merged, {c['warned']} warned, " + (
            f"{c['rejected']} rejected>"
        )


_KIND_NAMES = {
    "article": ("article file", "article files"),
    "page": ("page", "pages"),
    "topic": ("topic", "topics"),
    "tag": ("tag", "tags"),
    "organization": ("organization", "organizations"),
    "item": ("collection item", "collection items"),
    "skipped": ("skipped", "skipped"),
}


def _kind_text(kind: str, k: dict[str, int]) -> str:
    one, many = _KIND_NAMES[kind]
    text = f"{k[kind]:,} {one if k[kind] == 1 else many}"
    if kind == "page":
        text += f" of {k['page articles']:,} articles"
    return text


def _at(d: Diagnostic) -> str:
    return f":{d.line}" if d.line else ""


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _show(d: Diagnostic) -> str:
    """A diagnostic as one line for a terminal: no control characters (no escape sequences) from the feed."""
    text = f"{display_name(d.source)}{_at(d)}: {d.message}"
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 256 else " ", text)


def empty_message(files: int, rejected: int) -> str:
    """What a build says when its input gave nothing (``files`` read, ``rejected`` of them rejected).

    >>> empty_message(0, 0)
    'no article file found; exports not written (--allow-empty writes an empty graph)'
    >>> empty_message(3, 3)
    'all 3 files were rejected; exports not written (--allow-empty writes an empty graph)'
    """
    if files == 0:
        what = "no article file found"
    elif rejected == files:
        what = f"all {files:,} files were rejected" if files > 1 else "the only file was rejected"
    else:
        what = f"none of the {files:,} files gave an article ({rejected:,} rejected, the rest skipped)"
    return f"{what}; exports not written (--allow-empty writes an empty graph)"


class EmptyInputError(RuntimeError):
    """A build whose input gave nothing to the graph: existing exports are left as they are.

    ``newsgraph build`` exits 1 with this message unless ``--allow-empty`` asks for an empty graph.
    """


class RejectedFilesError(ValueError):
    """Raised by ``graph.build(..., strict=True)`` when any file was rejected.

    The message lists every rejected file with its reasons; ``report`` is the
    whole :class:`Report` and ``rejected`` the rejected files' entries.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self.rejected = report.rejected
        lines = [f"{len(self.rejected)} of {len(report.files)} files rejected:"]
        for f in self.rejected:
            lines += [f"  {_show(d)}" for d in f.errors]
        super().__init__("\n".join(lines))


def make_report(corpus: Corpus) -> Report:
    """The :class:`Report` of a merged corpus.

    Of several files giving the same article in full, the first by name is
    ``kept`` (or ``warned``) and the others are ``merged`` into it.

    >>> from graph import build
    >>> [f.outcome for f in make_report(build(["seeds"]).corpus).files]
    ['kept', 'kept']
    """
    owners: dict[str, list[str]] = defaultdict(list)
    for f in corpus.files:
        if not f.rejected and f.kind in ("article", "item"):
            owners[f.articles[0].iri].append(f.source)
    reports = []
    for f in sorted(corpus.files, key=lambda f: f.source):
        diagnostics = tuple(f.diagnostics)
        if f.kind == "skipped":
            reports.append(FileReport(f.source, "skipped", None, None, diagnostics, "skipped", 0, f.reason))
            continue
        if not f.rejected and f.kind not in ("article", "item"):
            outcome: Outcome = "warned" if any(d.severity == "warning" for d in diagnostics) else "kept"
            main = f.topics[0].iri if f.topics else f.providers[0].iri if f.providers else None
            count = len(f.main) if f.kind == "page" else 0
            reports.append(FileReport(f.source, outcome, main, None, diagnostics, f.kind, count))
            continue
        if f.rejected:
            if not any(d.severity == "error" for d in diagnostics):  # never silent: say why
                diagnostics += (Diagnostic(f.source, "error", "the file gave no article", None, "no-article"),)
            reports.append(FileReport(f.source, "rejected", None, None, diagnostics, f.kind))
            continue
        iri = f.articles[0].iri
        first = min(owners[iri])
        if first != f.source:
            reports.append(FileReport(f.source, "merged", iri, first, diagnostics, f.kind, 1))
        elif any(d.severity == "warning" for d in diagnostics):
            reports.append(FileReport(f.source, "warned", iri, None, diagnostics, f.kind, 1))
        else:
            reports.append(FileReport(f.source, "kept", iri, None, diagnostics, f.kind, 1))
    return Report(tuple(reports))
