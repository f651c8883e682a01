"""The typed records: what one file says, as plain frozen dataclasses.

:func:`extract` turns the raw front matter of one file into records: the
article itself, the related articles it names (stubs), their providers, topics
and images. Values are normalized here (dates to UTC, numbers to ``int``) and
every field that has no typed attribute is kept in ``extra``, so nothing the
file said is lost. Like reading, extracting is a pure function of one file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from functools import partial
from operator import attrgetter
from typing import Any
from urllib.parse import quote

from graph.read import site
from graph.read.identity import (
    ABSOLUTE_WEB_URL,
    DEFAULT_BASE,
    article_iri,
    canonical_url,
    domain_site,
    file_url,
    image_iri,
    is_placeholder,
    provider_domain,
    provider_iri,
    site_of,
    topic_iri,
    web_url,
)
from graph.read.sources import Diagnostic, Document
from graph.read.text import clean_text, not_xml, verbatim_key, xml_chars

__all__ = ["FILE_KINDS", "RAW_TEXT", "Article", "FileRecords", "Image", "Provider", "Scalar", "Topic", "extract"]

#: Among the options that shape records (the ``drop`` set every engine passes to :func:`extract`, and the
#: cache keys its entries by): keep text exactly as written (no character references decoded, no NFC).
#: It holds a NUL, so no field name given to ``--drop`` can be it.
RAW_TEXT = "\0raw-text"

#: A value of a field as kept in ``extra``.
Scalar = str | int | float | bool | dt.datetime
Extra = tuple[tuple[str, Scalar], ...]

# Keys that have a typed attribute on Article; every other key goes to ``extra``.
_ARTICLE_KEYS = frozenset({"title", "excerpt", "publishedDateTime", "type", "provider", "topics", "images", "related"})
_URL_KEYS = ("webUrl", "originalUrl")
# Keys with a typed attribute on Image and on Provider.
_IMAGE_KEYS = frozenset({"url", "width", "height"})
_PROVIDER_KEYS = frozenset({"domain", "name", "images"})
# Article fields of a known type that are kept in ``extra``: a value given as text is converted (with a warning).
# Fields of a known type kept in ``extra`` (wherever they are: ``isCached`` of an image): a number or a
# boolean given as text is converted (with a warning); any other text is kept as text (with a warning).
_TYPED_FIELDS: dict[str, type] = {"quality": int, "heat": int, "published": bool, "isCached": bool}
_BOOLEANS = {"true": True, "false": False}
# Fields that hold a date (the end of their name): a text there that is no date that can exist is named.
_DATE_KEYS = ("DateTime", "Date", ".date")
_TYPED_ENDINGS = tuple(_TYPED_FIELDS)
_CHECKED_KEYS = _TYPED_ENDINGS + _DATE_KEYS
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: The site a relative URL is resolved against (``https://host``), or how to find it when one needs it.
Site = str | None | Callable[[], str | None]
#: Field names in canonical spelling, and by their lower-case spelling (keys written in another case).
_Fold = tuple[frozenset[str], dict[str, str]]


def _fold_table(*names: str) -> _Fold:
    return frozenset(names), {n.lower(): n for n in names}


_URL_FIELDS = ("webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl")
_ARTICLE_FOLD = _fold_table(
    *_ARTICLE_KEYS, *_URL_FIELDS, *_TYPED_FIELDS, "category", "secured", "featuredContent", "updatedDateTime"
)
_PROVIDER_FOLD = _fold_table(*_PROVIDER_KEYS)
_IMAGE_FOLD = _fold_table(*_IMAGE_KEYS, "isCached", "title")
# Warning message → the ``code`` it is reported under (report.json, the summary on stderr).
_CODES = (
    ("topics given as one text", "topics-text"),
    ("expected a list", "not-a-list"),
    ("number given as text", "number-text"),
    ("a date without a time", "date-only"),
    ("not a date", "bad-date"),
    ("an empty related item", "related-null"),
    ("a related item given as a bare URL", "related-text"),
    ("a related item without a URL", "related-no-url"),
    ("an image without a url", "image-no-url"),
    ("a provider without a domain", "provider-no-domain"),
    ("expected", "wrong-shape"),
    ("must be", "wrong-shape"),
)
_FIELD = re.compile(r"[^.\[:]+")
_MESSAGE_CHARS = 300
_MAX_WARNINGS = 100  # per file; more are counted in one last warning


@dataclass(frozen=True, slots=True)
class Image:
    """An image, known by its URL.

    ``url`` is the URL as written; when it is relative (``/images/logo.png``), ``content_url`` is the
    absolute URL it was resolved to (against the site of the article or provider that shows it), which is
    then the image's identity.
    """

    iri: str
    url: str
    width: int | None = None
    height: int | None = None
    extra: Extra = ()
    content_url: str | None = None

    @property
    def href(self) -> str:
        """The URL the image is at: ``content_url``, else ``url``."""
        return self.content_url or self.url


@dataclass(frozen=True, slots=True)
class Provider:
    """A news provider (publisher), known by its domain."""

    iri: str
    domain: str
    name: str | None = None
    images: tuple[str, ...] = ()
    extra: Extra = ()

    @property
    def label(self) -> str:
        """The provider's name, or its domain when it has none."""
        return self.name or self.domain


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic (a SKOS concept), known by its folded label.

    A topic of the site's taxonomy (``_data/topics/*``, ``_data/tags/*``) says more: the IRIs of its
    parents (``broader``), its keywords (``alt_labels``), its id (``notation``), its images and the rest
    of its fields (``extra``: hashtags, description, ...). A topic only named by articles has none of these.
    """

    iri: str
    label: str
    broader: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()
    notation: str | None = None
    images: tuple[str, ...] = ()
    extra: Extra = ()

    @property
    def profiled(self) -> bool:
        """Whether a taxonomy file described the topic (more than its label)."""
        return bool(self.notation is not None or self.broader or self.alt_labels or self.images or self.extra)


@dataclass(frozen=True, slots=True)
class Article:
    """A news article, known by its canonical URL.

    ``stub`` is true when the article is known only from related lists.
    ``provider``, ``topics``, ``images`` and ``related`` hold IRIs.
    """

    iri: str
    url: str
    title: str | None = None
    excerpt: str | None = None
    date_published: dt.datetime | None = None
    type: str | None = None
    provider: str | None = None
    topics: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    stub: bool = False
    sources: tuple[str, ...] = ()
    extra: Extra = ()
    #: The schema.org class of a site's collection item (``Course``, ``Person``, ...); ``None``: a news article.
    schema_type: str | None = None
    #: The items a collection item lists (``schema:hasPart``), as IRIs.
    parts: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The article's title, or its URL when it has none."""
        return self.title or self.url


def _pickle_by_fields(cls: type) -> None:
    """Pickle ``cls`` as its constructor and field values: several times faster than the
    default for frozen slotted dataclasses, which matters when records cross processes."""
    names = [f.name for f in fields(cls)]
    assert len(names) > 1, "attrgetter of one name gives the value, not a tuple"
    values = attrgetter(*names)  # a tuple of the values, gathered in C

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:  # noqa: N807
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign, assignment]


for _record in (Image, Provider, Topic, Article):
    _pickle_by_fields(_record)


#: What a file may become (:attr:`FileRecords.kind`).
FILE_KINDS = frozenset({"article", "page", "topic", "tag", "organization", "item", "skipped"})


@dataclass(slots=True)
class FileRecords:
    """Everything one file says: its article first, then the stubs it names."""

    source: str
    articles: list[Article] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: What the file became: ``article``, ``page`` (a JSON API page), ``topic``, ``tag``, ``organization``,
    #: ``item`` (an item of a site collection) or ``skipped`` (no graph content; ``reason`` says why).
    kind: str = "article"
    reason: str = ""

    @property
    def rejected(self) -> bool:
        """True when the file gave nothing it should have given (an article file without its article)."""
        if self.kind in ("article", "item"):
            return not self.articles
        if self.kind in ("topic", "tag", "organization"):
            return not (self.topics or self.providers)
        return False  # a page (of any number of articles) or a skipped file

    @property
    def main(self) -> list[Article]:
        """The file's own (full) articles: its article, or every article of a page; no related stubs."""
        if self.kind == "page":
            return [a for a in self.articles if not a.stub]
        return self.articles[:1] if self.articles and not self.articles[0].stub else []


class _Extractor:
    """Turns one document into records, collecting warnings as it goes."""

    def __init__(
        self, source: str, base: str, drop: frozenset[str] = frozenset(), document: Document | None = None
    ) -> None:
        self.source = source
        self.document = document
        self.unsaid = 0  # warnings past _MAX_WARNINGS, counted only
        self.base = base
        self.raw = RAW_TEXT in drop
        self.drop = drop - {RAW_TEXT} if self.raw else drop
        #: Whether a text may hold a character XML cannot hold: only an escape ("\a", "\u0000") writes one.
        self.escapes = document is None or document.kind == "page" or "\\" in document.text
        self.out = FileRecords(source)

    def without_dropped(self, data: dict[str, Any]) -> dict[str, Any]:
        """The fields of ``data`` less those the user asked to leave out (``images.isCached``: nested)."""
        if not self.drop:
            return data
        return _without(data, self.drop)

    def warn(self, message: str, code: str | None = None) -> None:
        """Record a warning; its line is that of the top-level field the message starts with."""
        if len(self.out.diagnostics) >= _MAX_WARNINGS:
            self.unsaid += 1
            return
        if code is None:
            code = next((c for fragment, c in _CODES if fragment in message), "warning")
        if len(message) > _MESSAGE_CHARS:  # a message quotes a value: never a megabyte of it
            message = message[: _MESSAGE_CHARS - 3] + "..."
        line = None
        field = _FIELD.match(message)
        if self.document is not None and field is not None:
            line = self.document.line_of(field.group(0))
        self.out.diagnostics.append(Diagnostic(self.source, "warning", message, line, code))

    def fold(self, data: dict[str, Any], known: _Fold, where: str) -> dict[str, Any]:
        """``data`` with keys written in another case (``WebURL``, ``Title``) read as the field they name.

        A key is renamed only when the field's own spelling is absent; each renaming is a warning.
        """
        names, lower = known
        if names.issuperset(data):  # every key spelled as a field is (or an odd key of another kind): at C speed
            return data
        odd: dict[str, str] | None = None
        for key in data:
            if type(key) is str and key not in names:
                field = lower.get(key.lower())
                if field is not None and field not in data and (odd is None or field not in odd.values()):
                    if odd is None:
                        odd = {}
                    odd[key] = field
        if odd is None:
            return data
        for key, field in odd.items():
            self.warn(f"{where}{key}: read as {field}", "key-case")
        return {odd.get(k, k) if type(k) is str else k: v for k, v in data.items()}

    # -- scalar values ---------------------------------------------------------------
    def clean(self, value: str, where: str) -> str:
        """A text as published: character references decoded, NFC (unless ``--raw-text``); odd characters named."""
        if not self.raw and ("&" in value or not value.isascii()):
            value = clean_text(value)
        if self.escapes and not_xml(value) is not None:
            chars = ", ".join(xml_chars(value)[:5])
            self.warn(
                f"{where}: characters XML cannot hold ({chars}); kept in RDF, written as U+FFFD in GraphML",
                "not-xml-char",
            )
        return value

    def text(self, value: Any, where: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return self.clean(value, where)
        if isinstance(value, (bool, int, float, dt.date)):
            self.warn(f"{where}: expected text, got {value!r}; kept as text")
            return _scalar_text(value)
        self.warn(f"{where}: expected text, got a {type(value).__name__}; kept as its parts")
        return None

    def label(self, value: Any, where: str) -> str | None:
        """A text given where text is expected, cleaned (the common case checked first, at once)."""
        if type(value) is str and not self.escapes and (self.raw or ("&" not in value and value.isascii())):
            return value
        return self.text(value, where)

    def integer(self, value: Any, where: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            if _INT64_MIN <= value <= _INT64_MAX:
                return value
            self.warn(f"{where}: {_digits(value)} is beyond 64 bits; kept as text", "number-too-large")
            return None
        if isinstance(value, str):
            return self.number_text(value, where)
        if isinstance(value, float):
            if not math.isfinite(value):
                self.warn(f"{where}: not a finite number ({value}); kept as text", "not-finite")
                return None
            if value.is_integer() and _INT64_MIN <= value <= _INT64_MAX:
                return int(value)
        self.warn(f"{where}: expected a whole number, got {value!r}; kept as text", "not-a-number")
        return None

    def number_text(self, value: str, where: str) -> int | None:
        """A whole number given as text, read as one (with a warning); ``None`` (with a warning) if it is none."""
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdecimal():
            if len(digits) <= 19 and _INT64_MIN <= (number := int(text)) <= _INT64_MAX:
                self.warn(f"{where}: number given as text {value!r}; read as a number", "number-text")
                return number
            self.warn(f"{where}: {_digits(text)} is beyond 64 bits; kept as text", "number-too-large")
            return None
        self.warn(f"{where}: expected a whole number, got {value!r}; kept as text", "not-a-number")
        return None

    def when(self, value: Any, where: str) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                self.warn(f"{where}: not a date {value!r}; kept as text", "bad-date")
                return None
        if isinstance(value, dt.datetime):
            offset = value.utcoffset()
            try:
                utc = to_utc(value)
            except OverflowError:
                self.warn(f"{where}: a date out of range {value.isoformat()!r}; left out", "bad-date")
                return None
            if offset:
                self.warn(f"{where}: a date with a UTC offset ({value.isoformat()}); converted to UTC", "date-offset")
            return utc
        if isinstance(value, dt.date):
            self.warn(f"{where}: a date without a time; taken as midnight UTC")
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
        self.warn(f"{where}: not a date {value!r}; kept as text", "bad-date")
        return None

    def extra(self, data: dict[str, Any], skip: frozenset[str], where: str) -> Extra:
        """Every field of ``data`` not in ``skip``, flattened to (dotted key, scalar) pairs, each checked."""
        pairs: list[tuple[str, Scalar]] = []
        plain = not self.escapes  # text with an escape may hold anything: then every value is checked
        odd = not plain
        raw = self.raw
        for key in data:
            if key not in skip:
                value = data[key]
                kind = type(value)
                if type(key) is not str:
                    odd = True
                    _flatten(str(key), value, pairs)
                elif kind is str:
                    pairs.append((key, value))  # what _flatten does with a plain value, without its tests
                    if plain and not odd:  # the common case, tested at once: plain ASCII text of a plain field
                        odd = (not raw and ("&" in value or not value.isascii())) or key.endswith(_CHECKED_KEYS)
                elif kind is int:
                    pairs.append((key, value))
                    odd = odd or not _INT64_MIN <= value <= _INT64_MAX
                elif kind is bool:
                    pairs.append((key, value))
                else:
                    odd = True  # a float, or a value _flatten takes apart: each of its values is checked
                    _flatten(key, value, pairs)
        if odd:
            self.check(pairs, where if not where or where.endswith(".") else f"{where}.")
        return tuple(pairs)

    def check(self, pairs: list[tuple[str, Scalar]], where: str) -> None:
        """Make each value of ``pairs`` fit what RDF holds and its field's type; say what did not fit.

        Text is cleaned (:meth:`clean`); a number beyond 64 bits, a ``.nan`` or ``.inf``, a date that cannot
        exist and a field of known type given another value are kept as text, with a warning.
        """
        escapes, raw = self.escapes, self.raw
        for i, (key, value) in enumerate(pairs):
            if isinstance(value, str):
                # endswith() over the whole dotted key is a test of its last part, at C speed.
                if key.endswith(_TYPED_ENDINGS) and (leaf := key.rsplit(".", 1)[-1]) in _TYPED_FIELDS:
                    typed = self.typed(value, leaf, f"{where}{key}")
                    if typed is not value:
                        pairs[i] = (key, typed)
                        continue
                elif key.endswith(_DATE_KEYS):
                    self.date_text(value, f"{where}{key}")
                if (escapes or (not raw and ("&" in value or not value.isascii()))) and not verbatim_key(key, value):
                    cleaned = self.clean(value, f"{where}{key}")
                    if cleaned is not value:
                        pairs[i] = (key, cleaned)
            elif isinstance(value, bool):
                continue
            elif isinstance(value, int):
                if not _INT64_MIN <= value <= _INT64_MAX:
                    self.warn(f"{where}{key}: {_digits(value)} is beyond 64 bits; kept as text", "number-too-large")
                    pairs[i] = (key, str(value))
            elif isinstance(value, float) and not math.isfinite(value):
                self.warn(f"{where}{key}: not a finite number ({value}); kept as text", "not-finite")
                pairs[i] = (key, str(value))

    def typed(self, value: str, leaf: str, where: str) -> Scalar:
        """A field of known type (``quality``, ``heat``, ``published``, ``isCached``) given as text."""
        if _TYPED_FIELDS[leaf] is int:
            number = self.number_text(value, where)
            return value if number is None else number
        text = value.strip().lower()
        if text in _BOOLEANS:
            self.warn(f"{where}: true/false given as text {value!r}; read as a boolean", "boolean-text")
            return _BOOLEANS[text]
        self.warn(f"{where}: expected true or false, got {value!r}; kept as text", "not-a-boolean")
        return value

    def date_text(self, value: str, where: str) -> None:
        """Warn about a date field whose text is no date that can exist (a 13th month, a 31st of February)."""
        text = value.strip()
        if not text:
            return
        try:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.warn(f"{where}: not a date {value!r}; kept as text", "bad-date")

    # -- URLs --------------------------------------------------------------------------
    def url_text(self, value: Any, where: str) -> str:
        """The text of a URL field: a text, the first text of a list, a value's text; ``"null"`` for none."""
        if type(value) is str:
            return value
        if value is None:
            return "null"  # an empty field, as YAML spells it
        if isinstance(value, list):
            first = next((v for v in value if isinstance(v, str) and v.strip()), None)
            if first is not None:
                self.warn(f"{where}: expected text, got a list; its first URL is used", "wrong-shape")
                return first
        return self.text(value, where) or ""

    def identity_urls(self, data: dict[str, Any], where: str, stub: bool, provider: Any) -> list[str] | None:
        """The canonical URLs an article is known by, in order (``webUrl``, then ``originalUrl``).

        Placeholders and URLs that are not web URLs identify nothing; relative ones are resolved against
        the article's site (the host of its other URL, else its provider's domain). Each is a warning,
        naming the identity the article falls back to. ``None`` when no URL field is given at all.
        """
        absolute = []
        for key in _URL_KEYS:  # the common case first: every URL given is an absolute web URL
            if key in data:
                value = data[key]
                if type(value) is not str or not ABSOLUTE_WEB_URL.match(value):
                    break
                absolute.append(value)
        else:
            return absolute if absolute else None
        written = [
            (key, value if type(value := data[key]) is str else self.url_text(value, f"{where}{key}"))
            for key in _URL_KEYS
            if key in data
        ]
        found: list[tuple[str, str, str | None, str]] = []  # key, as written, absolute URL, how
        for key, text in written:
            url, how = web_url(text)
            found.append((key, text, url, how))
        if all(url is not None and not how for _, _, url, how in found):
            return [url for _, _, url, _ in found if url is not None]  # the common case: absolute URLs only
        site = next((site_of(url) for _, _, url, _ in found if url is not None), None) or _provider_site(provider)
        urls: list[str] = []
        for i, (key, text, url, how) in enumerate(found):
            if url is None and site is not None:
                url, how = web_url(text, site)
            if url is not None:
                if how:
                    resolved = canonical_url(url)
                    if how == "relative":
                        said = f"is relative; resolved against {site} as {resolved}"
                    else:
                        said = f"has no scheme; read as {resolved}"
                    self.warn(f"{where}{key}: {text!r} {said}", "relative-url")
                urls.append(url)
                continue
            later = next((k for k, t, u, _ in found[i + 1 :] if u is not None or (site and web_url(t, site)[0])), None)
            if urls:
                then = "left out"
            elif later is not None:
                then = f"the article is known by its {later}"
            elif stub:
                then = "left out"
            else:
                then = "the article is known by its file"
            self.warn(f"{where}{key}: {text!r} identifies nothing ({how}); {then}", "placeholder-url")
        return urls

    # -- records -----------------------------------------------------------------------
    def image(self, data: Any, where: str, site: Site) -> str | None:
        if isinstance(data, str):
            data = {"url": data}
        if not isinstance(data, dict):
            self.warn(f"{where}: an image must be a mapping with a url; left out")
            return None
        if not _IMAGE_FOLD[0].issuperset(data):
            data = self.fold(data, _IMAGE_FOLD, f"{where}.")
        url = data.get("url")
        if type(url) is not str:
            url = self.url_text(url, f"{where}.url") if isinstance(url, list) else self.text(url, f"{where}.url")
        if not url or not url.strip():
            self.warn(f"{where}: an image without a url; left out")
            return None
        url = url.strip()
        absolute, how = (url, "") if ABSOLUTE_WEB_URL.match(url) else web_url(url)
        if absolute is None:
            if callable(site):  # the site, worked out only for an image that needs it
                site = site()
            absolute, how = web_url(url, site)
        if absolute is None:
            self.warn(f"{where}.url: {url!r} identifies nothing ({how}); the image is left out", "placeholder-url")
            return None
        content_url = None
        if how:
            content_url = canonical_url(absolute)
            said = f"is relative; resolved against {site} as" if how == "relative" else "has no scheme; read as"
            self.warn(f"{where}.url: {url!r} {said} {content_url}", "relative-url")
        width, height = data.get("width"), data.get("height")
        if type(width) is not int or not _INT64_MIN <= width <= _INT64_MAX:
            width = self.integer(width, f"{where}.width")
        if type(height) is not int or not _INT64_MIN <= height <= _INT64_MAX:
            height = self.integer(height, f"{where}.height")
        image = Image(
            iri=image_iri(content_url or url, self.base),
            url=url,
            width=width,
            height=height,
            extra=self.extra(data, _IMAGE_KEYS, where)
            + (
                _misfit("width", data.get("width"), width) + _misfit("height", data.get("height"), height)
                if width is None or height is None
                else ()
            ),
            content_url=content_url,
        )
        self.out.images.append(image)
        return image.iri

    def images(self, value: Any, where: str, site: Site) -> tuple[str, ...]:
        items = self.listing(value, where)
        iris = (self.image(item, f"{where}[{i}]", site) for i, item in enumerate(items))
        return _unique(iri for iri in iris if iri)

    def listing(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.warn(f"{where}: expected a list; taken as a list of one")
        return [value]

    def provider(self, data: Any, where: str) -> str | None:
        if data is None:
            return None
        if isinstance(data, str):
            self.warn(f"{where}: a provider given as text {data!r}; taken as its domain", "provider-text")
            data = {"domain": data}
        if isinstance(data, list) and data and isinstance(data[0], dict):
            self.warn(f"{where}: expected a mapping, got a list; its first provider is used", "wrong-shape")
            data = data[0]
        if not isinstance(data, dict):
            self.warn(f"{where}: a provider must be a mapping with a domain; left out")
            return None
        if not _PROVIDER_FOLD[0].issuperset(data):
            data = self.fold(data, _PROVIDER_FOLD, f"{where}.")
        domain = data.get("domain")
        if type(domain) is not str:
            domain = self.text(domain, f"{where}.domain")
        if domain and is_placeholder(domain, False):
            self.warn(
                f"{where}.domain: {domain!r} identifies nothing (a placeholder); the provider is left out",
                "placeholder-url",
            )
            return None
        if not domain or not provider_domain(domain):
            self.warn(f"{where}: a provider without a domain; left out")
            return None
        host = provider_domain(domain)
        if "/" in domain:
            self.warn(
                f"{where}.domain: a URL given as a domain ({domain!r}); its host {host} is the domain", "domain-url"
            )
        name = data.get("name")
        if type(name) is not str or self.escapes or "&" in name or not name.isascii():
            name = self.text(name, f"{where}.name")
        logos = data.get("images")
        provider = Provider(
            iri=provider_iri(host, self.base),
            domain=host,
            name=(name or "").strip() or None,
            images=() if logos is None else self.images(logos, f"{where}.images", partial(domain_site, host)),
            extra=self.extra(data, _PROVIDER_KEYS, where) + _misfit("name", data.get("name"), name),
        )
        self.out.providers.append(provider)
        return provider.iri

    def topics(self, value: Any, where: str) -> tuple[str, ...]:
        if isinstance(value, str):
            self.warn(f"{where}: topics given as one text; taken as one topic")
            value = [value]
        iris = []
        for i, item in enumerate(self.listing(value, where)):
            label = self.label(item, f"{where}[{i}]")
            if label is None or not label.strip():
                if item is None or isinstance(item, str):
                    self.warn(f"{where}[{i}]: an empty topic; left out", "empty-topic")
                continue
            topic = Topic(topic_iri(label, self.base), label.strip())
            self.out.topics.append(topic)
            iris.append(topic.iri)
        return _unique(iris)

    def article(
        self,
        data: dict[str, Any],
        where: str,
        stub: bool,
        more_urls: tuple[str, ...] = (),
        fallback: str | None = None,
    ) -> Article | None:
        """The article (or related stub) ``data`` describes; ``fallback`` is the URL it is known by when every
        URL it gives is a placeholder (its file's; stubs have none and are then left out)."""
        data = self.fold(data, _ARTICLE_FOLD, where)
        provider_data = data.get("provider")
        found = self.identity_urls(data, where, stub, provider_data)
        urls = _unique(canonical_url(u) for u in [*(found or ()), *(u for u in more_urls if web_url(u)[0])])
        if not urls:
            if found is None or fallback is None:
                return None
            urls = (fallback,)  # placeholders only: the article is known by its file
        related: tuple[str, ...] = ()
        if not stub:
            related = self.related(data.get("related"), f"{where}related")
        # Text given as text is the common case: checked here, without building the name of the field.
        title, excerpt, kind = data.get("title"), data.get("excerpt"), data.get("type")
        if type(title) is not str or self.escapes or "&" in title or not title.isascii():
            title = self.text(title, f"{where}title")
        if type(excerpt) is not str or self.escapes or "&" in excerpt or not excerpt.isascii():
            excerpt = self.text(excerpt, f"{where}excerpt")
        if type(kind) is not str or self.escapes or "&" in kind or not kind.isascii():
            kind = self.text(kind, f"{where}type")
        date_published = self.when(data.get("publishedDateTime"), f"{where}publishedDateTime")
        article = Article(
            iri=article_iri(urls[0], self.base),
            url=urls[0],
            title=title,
            excerpt=excerpt,
            date_published=date_published,
            type=kind,
            provider=self.provider(provider_data, f"{where}provider"),
            topics=self.topics(data.get("topics"), f"{where}topics"),
            images=self.images(
                data.get("images"),
                f"{where}images",
                partial(site_of, found[0]) if found else partial(_provider_site, provider_data),
            ),
            related=related,
            urls=urls,
            stub=stub,
            sources=(self.source,),
            extra=self.extra(data, _ARTICLE_KEYS, where)
            + (
                self.misfits(
                    where,
                    _misfit("title", data.get("title"), title)
                    + _misfit("excerpt", data.get("excerpt"), excerpt)
                    + _misfit("publishedDateTime", data.get("publishedDateTime"), date_published)
                    + _misfit("type", data.get("type"), kind),
                )
                if title is None or excerpt is None or date_published is None or kind is None
                else ()  # every field fitted its type: nothing to keep beside it
            ),
        )
        self.out.articles.append(article)
        return article

    def misfits(self, where: str, pairs: Extra) -> Extra:
        """Values kept as text beside a typed field, cleaned as any text is (no warning said twice)."""
        if not pairs or self.raw:
            return pairs
        return tuple((k, clean_text(v) if isinstance(v, str) and not verbatim_key(k, v) else v) for k, v in pairs)

    def related(self, value: Any, where: str) -> tuple[str, ...]:
        iris = []
        for i, item in enumerate(self.listing(value, where)):
            here = f"{where}[{i}]"
            if item is None:
                self.warn(f"{here}: an empty related item; left out")
                continue
            if isinstance(item, str):
                self.warn(f"{here}: a related item given as a bare URL")
                item = {"webUrl": item}
            if not isinstance(item, dict):
                self.warn(f"{here}: a related item must be a mapping; left out")
                continue
            stub = self.article(self.without_dropped(item), f"{here}.", stub=True)
            if stub is None:
                self.warn(f"{here}: a related item without a URL; left out")
                continue
            iris.append(stub.iri)
        return _unique(iris)


def _provider_site(provider: Any) -> str | None:
    """The site of a provider as a file gives it (its domain), to resolve the relative URLs of its article."""
    if isinstance(provider, str):
        return domain_site(provider)
    if isinstance(provider, dict):
        domain = provider.get("domain")
        if domain is None:
            domain = next((v for k, v in provider.items() if isinstance(k, str) and k.lower() == "domain"), None)
        if isinstance(domain, str):
            return domain_site(domain)
    return None


def _digits(value: int | str) -> str:
    """A whole number as a message quotes it: its first digits and its length, when it is long."""
    text = str(value) if isinstance(value, str) or value.bit_length() < 4000 else "(a number)"
    if len(text) <= 60:
        return text
    return f"{text[:40]}... ({len(text.lstrip('+-')):,} digits)"


def extract(document: Document, base: str = DEFAULT_BASE, drop: frozenset[str] = frozenset()) -> FileRecords:
    """Turn one parsed file into records; the file's own article comes first.

    >>> from graph.read.sources import parse_document
    >>> doc = parse_document(b"---\\ntitle: Hi\\nwebUrl: https://a.example/1?utm_source=x\\n---\\n", "a.md")
    >>> records = extract(doc)
    >>> records.articles[0].url, records.articles[0].title, records.rejected
    ('https://a.example/1', 'Hi', False)
    """
    extractor = _Extractor(document.source, base, drop, document)
    out = extractor.out
    out.diagnostics.extend(document.diagnostics)
    if document.kind == "skipped":
        out.kind, out.reason = "skipped", document.reason
        return out
    if document.data is None:
        return out
    if document.kind == "page":
        return _page(extractor, document.data)
    taxonomy = site.taxonomy_of(document.data)
    if taxonomy is not None:
        return _taxonomy(extractor, extractor.without_dropped(document.data), taxonomy)
    if document.kind == "data":
        out.kind, out.reason = "skipped", _data_reason(document.data)
        return out
    if (
        document.source.lower().endswith((".html", ".htm", ".xml"))
        and not any(isinstance(document.data.get(k), str) for k in _URL_KEYS)
    ) or set(document.source.lower().split("/")[:-1]) & {"_layouts", "_includes"}:
        out.kind, out.reason = "skipped", "a page, layout, include or feed template with no URL (no graph content)"
        out.diagnostics = [d for d in out.diagnostics if d.code != "body"]  # a template's body is the template
        return out
    item = site.item_class(document.data, document.source)
    if item is not None:
        return _item(extractor, extractor.without_dropped(document.data), item)
    fallback = file_url(document.source, base)
    if extractor.article(extractor.without_dropped(document.data), "", stub=False, fallback=fallback) is None:
        out.diagnostics.append(
            Diagnostic(
                document.source, "error", "no URL to identify the article (webUrl or originalUrl)", None, "no-url"
            )
        )
        # Keep the stubs out too: a file is kept or rejected whole.
        return FileRecords(document.source, diagnostics=out.diagnostics)
    # The file's own article was appended last (after its stubs): put it first.
    out.articles.insert(0, out.articles.pop())
    if out.articles[0].provider is None and "provider" not in drop:
        extractor.warn("provider: no provider; the article has no publisher", "no-provider")
    if extractor.unsaid:
        message = f"... and {extractor.unsaid} more warnings like these"
        out.diagnostics.append(Diagnostic(document.source, "warning", message, None, "more-warnings"))
    return out


_CONFIG_KEYS = frozenset({"baseurl", "collections", "plugins", "permalink", "defaults", "exclude", "remote_theme"})


def _data_reason(data: dict[str, Any]) -> str:
    if len(_CONFIG_KEYS & set(data)) >= 2:
        return "the site's configuration (no graph content)"
    return "site data with no graph content (no taxonomy: key, no article)"


def _page(extractor: _Extractor, data: dict[str, Any]) -> FileRecords:
    """A JSON API page: each item of ``value`` an article, mapped exactly as a front-matter file."""
    out = extractor.out
    out.kind = "page"
    for i, item in enumerate(data["value"]):
        where = f"value[{i}]"
        if not isinstance(item, dict):
            extractor.warn(f"{where}: an item of a page must be a mapping; left out", "wrong-shape")
            continue
        fallback = f"{file_url(extractor.source, extractor.base)}/value/{i}"
        if extractor.article(extractor.without_dropped(item), f"{where}.", stub=False, fallback=fallback) is None:
            extractor.warn(f"{where}: an item without a URL (webUrl or originalUrl); left out", "no-url")
    _more_warnings(extractor)
    return out


def item_file_url(name: str, base: str = DEFAULT_BASE) -> str:
    """The URL a site collection item is known by whatever else it says: its file, without the suffix.

    Items that list others (``items: [videos/x]``) name them this way, relative to the collection.

    >>> item_file_url("site/_learning/videos/x.md")
    'https://newsgraph.example/id/item/site/_learning/videos/x'
    """
    stem = name.rsplit(".", 1)[0] if "." in name.rsplit("/", 1)[-1] else name
    return f"{base}item/{quote(stem, safe='/')}"


def _item(extractor: _Extractor, data: dict[str, Any], schema_type: str) -> FileRecords:
    """An item of a site collection (a video, course, event, person, ...): an article-like node of its class."""
    out = extractor.out
    out.kind = "item"
    source = extractor.source
    title_key, excerpt_key = site.title_and_excerpt_keys(data)
    view = data
    renames = {k: v for k, v in ((title_key, "title"), (excerpt_key, "excerpt")) if k is not None and k != v}
    if renames:
        view = {renames.get(k, k): v for k, v in data.items()}
    more = (*site.item_urls(data), item_file_url(source, extractor.base))
    article = extractor.article(view, "", stub=False, more_urls=more)
    assert article is not None  # it has its file's URL at least
    out.articles.pop()
    parts: list[str] = []
    refs = data.get("items")
    if isinstance(refs, list):
        folders = source.split("/")[:-1]
        at = max(
            (i for i, part in enumerate(folders) if part.startswith("_") and part.lower() not in site.JEKYLL_FOLDERS),
            default=-1,
        )
        root = "/".join(folders[: at + 1])
        for ref in refs:
            if isinstance(ref, str) and ref.strip() and "://" not in ref:
                url = canonical_url(item_file_url(f"{root}/{ref.strip().strip('/')}" if root else ref, extractor.base))
                stub = Article(article_iri(url, extractor.base), url, urls=(url,), stub=True, sources=(source,))
                out.articles.append(stub)
                parts.append(stub.iri)
    out.articles.insert(0, replace(article, schema_type=schema_type, parts=_unique(parts)))
    _more_warnings(extractor)
    return out


_TOPIC_KEYS = frozenset({"_id", "name", "parent", "parents", "keywords", "images"})
_ORGANIZATION_KEYS = frozenset({"domain", "name", "images"})


def _taxonomy(extractor: _Extractor, data: dict[str, Any], taxonomy: str) -> FileRecords:
    """A site data file: a topic or tag (a SKOS concept of the taxonomy) or an organization (a provider)."""
    out = extractor.out
    out.kind = taxonomy
    base = extractor.base
    if taxonomy == "organization":
        domain = data.get("domain") if isinstance(data.get("domain"), str) else data.get("_id")
        name = extractor.text(data.get("name"), "name")
        if not isinstance(domain, str) or not provider_domain(domain):
            out.diagnostics.append(
                Diagnostic(
                    extractor.source, "error", "an organization without a domain (domain or _id)", None, "no-domain"
                )
            )
            return out
        extra = extractor.extra(data, _ORGANIZATION_KEYS, "")
        out.providers.append(
            Provider(
                iri=provider_iri(domain, base),
                domain=provider_domain(domain),
                name=(name or "").strip() or None,
                images=extractor.images(data.get("images"), "images", domain_site(domain)),
                extra=extra,
            )
        )
        return out
    ident = extractor.text(data.get("_id"), "_id")
    name = extractor.text(data.get("name"), "name")
    label = (name or ident or "").strip()
    if not label:
        out.diagnostics.append(
            Diagnostic(extractor.source, "error", f"a {taxonomy} without a name or _id", None, "no-name")
        )
        return out
    parents = data.get("parents") if "parents" in data else data.get("parent")
    broader = []
    for i, parent in enumerate(parents if isinstance(parents, list) else [] if parents is None else [parents]):
        text = extractor.text(parent, f"parent[{i}]")
        if text and text.strip():
            topic = Topic(topic_iri(text, base), text.strip())
            out.topics.append(topic)
            broader.append(topic.iri)
    keywords = [extractor.text(k, "keywords") for k in extractor.listing(data.get("keywords"), "keywords")]
    extra = tuple(
        ("services", value)
        if key.startswith("services.") and isinstance(value, str) and "://" in value
        else (key, value)
        for key, value in extractor.extra(data, _TOPIC_KEYS, "")
    )
    iri = topic_iri(label, base)
    topic = Topic(
        iri=iri,
        label=label,
        broader=_unique(b for b in broader if b != iri),
        alt_labels=_unique(k.strip() for k in keywords if k and k.strip()),
        notation=ident.strip() if ident and ident.strip() else None,
        images=extractor.images(data.get("images"), "images", None),
        extra=extra,
    )
    out.topics.insert(0, topic)
    _more_warnings(extractor)
    return out


def _more_warnings(extractor: _Extractor) -> None:
    if extractor.unsaid:
        message = f"... and {extractor.unsaid} more warnings like these"
        extractor.out.diagnostics.append(Diagnostic(extractor.source, "warning", message, None, "more-warnings"))


def to_utc(value: dt.datetime) -> dt.datetime:
    """A datetime in UTC; a naive one is taken to be in UTC already.

    >>> to_utc(dt.datetime.fromisoformat("2021-12-15T10:27:00+02:00")).isoformat()
    '2021-12-15T08:27:00+00:00'
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _flatten(key: str, value: Any, out: list[tuple[str, Scalar]]) -> None:
    """Append every scalar under ``value`` to ``out``, nested keys joined by dots."""
    if value is None:
        return
    if isinstance(value, dict):
        for sub in value:
            _flatten(f"{key}.{sub}", value[sub], out)
    elif isinstance(value, list):
        for item in value:
            _flatten(key, item, out)
    elif isinstance(value, dt.datetime):
        try:
            out.append((key, to_utc(value)))
        except OverflowError:  # out of range once in UTC: keep what was written
            out.append((key, value.isoformat()))
    elif isinstance(value, (str, int, float, bool)):
        out.append((key, value))
    else:  # a date, or anything else a loader may give: keep its text
        out.append((key, _scalar_text(value)))


def _misfit(key: str, raw: Any, typed: Any) -> Extra:
    """A value that did not fit its typed field, kept as text under its own key (never dropped)."""
    if raw is None or typed is not None:
        return ()
    pairs: list[tuple[str, Scalar]] = []
    _flatten(key, raw, pairs)
    return tuple((k, v if isinstance(v, str) else _scalar_text(v)) for k, v in pairs)


def _without(data: dict[str, Any], drop: frozenset[str]) -> dict[str, Any]:
    """``data`` less the keys in ``drop``; a dotted key (``images.isCached``) reaches into nested fields."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key)
        if name in drop:
            continue
        nested = frozenset(d[len(name) + 1 :] for d in drop if d.startswith(f"{name}."))
        if nested:
            value = _without_in(value, nested)
        out[key] = value
    return out


def _without_in(value: Any, drop: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return _without(value, drop)
    if isinstance(value, list):
        return [_without_in(item, drop) for item in value]
    return value


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
