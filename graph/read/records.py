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
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import Any
from urllib.parse import quote

from graph.read import site
from graph.read.identity import (
    DEFAULT_BASE,
    article_iri,
    canonical_url,
    image_iri,
    provider_domain,
    provider_iri,
    topic_iri,
)
from graph.read.sources import Diagnostic, Document

__all__ = ["FILE_KINDS", "Article", "FileRecords", "Image", "Provider", "Scalar", "Topic", "extract"]

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
_TYPED_FIELDS = {"quality": int, "heat": int, "published": bool}
_BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}
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
    """An image, known by its URL."""

    iri: str
    url: str
    width: int | None = None
    height: int | None = None
    extra: Extra = ()


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

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]


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
        self.drop = drop
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

    def typed(self, value: Any, key: str, where: str) -> Any:
        """A field of known type (``quality``, ``heat``, ``published``) given as text, converted."""
        kind = _TYPED_FIELDS[key]
        if not isinstance(value, str):
            return value
        text = value.strip()
        if kind is int and text.lstrip("+-").isdigit() and len(text) < 100:
            self.warn(f"{where}: number given as text {value!r}; read as a number")
            return int(text)
        if kind is bool and text.lower() in _BOOLEANS:
            self.warn(f"{where}: true/false given as text {value!r}; read as a boolean", "boolean-text")
            return _BOOLEANS[text.lower()]
        return value

    def finite(self, pairs: list[tuple[str, Scalar]], where: str) -> list[tuple[str, Scalar]]:
        """Numbers RDF and JSON cannot hold as numbers (``.nan``, ``.inf``) are kept as text."""
        for i, (key, value) in enumerate(pairs):
            if isinstance(value, float) and not math.isfinite(value):
                self.warn(f"{where}{key}: not a finite number ({value}); kept as text", "not-finite")
                pairs[i] = (key, str(value))
        return pairs

    # -- scalar values ---------------------------------------------------------------
    def text(self, value: Any, where: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, (bool, int, float, dt.date)):
            self.warn(f"{where}: expected text, got {value!r}; kept as text")
            return _scalar_text(value)
        self.warn(f"{where}: expected text, got a {type(value).__name__}; kept as its parts")
        return None

    def integer(self, value: Any, where: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
            self.warn(f"{where}: number given as text {value!r}")
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        self.warn(f"{where}: expected a whole number, got {value!r}; kept as text")
        return None

    def when(self, value: Any, where: str) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                self.warn(f"{where}: not a date {value!r}; kept as text")
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
        self.warn(f"{where}: not a date {value!r}; kept as text")
        return None

    def extra(self, data: dict[str, Any], skip: frozenset[str], where: str) -> Extra:
        pairs: list[tuple[str, Scalar]] = []
        floats = False
        for key in data:
            if key not in skip:
                value = data[key]
                if skip is _ARTICLE_KEYS and key in _TYPED_FIELDS:
                    value = self.typed(value, key, f"{where}{key}")
                kind = type(value)
                if (kind is str or kind is int or kind is bool) and type(key) is str:
                    pairs.append((key, value))  # what _flatten does with a plain value, without its tests
                else:
                    floats = True  # a float, or a value _flatten takes apart: look for non-finite numbers
                    _flatten(str(key), value, pairs)
        if floats:
            self.finite(pairs, where if skip is _ARTICLE_KEYS else f"{where}.")
        return tuple(pairs)

    # -- records -----------------------------------------------------------------------
    def image(self, data: Any, where: str) -> str | None:
        if isinstance(data, str):
            data = {"url": data}
        if not isinstance(data, dict):
            self.warn(f"{where}: an image must be a mapping with a url; left out")
            return None
        url = data.get("url")
        if type(url) is not str:
            url = self.text(url, f"{where}.url")
        if not url or not url.strip():
            self.warn(f"{where}: an image without a url; left out")
            return None
        url = url.strip()
        width, height = data.get("width"), data.get("height")
        if type(width) is not int:
            width = self.integer(width, f"{where}.width")
        if type(height) is not int:
            height = self.integer(height, f"{where}.height")
        image = Image(
            iri=image_iri(url, self.base),
            url=url,
            width=width,
            height=height,
            extra=self.extra(data, _IMAGE_KEYS, where)
            + (
                _misfit("width", data.get("width"), width) + _misfit("height", data.get("height"), height)
                if width is None or height is None
                else ()
            ),
        )
        self.out.images.append(image)
        return image.iri

    def images(self, value: Any, where: str) -> tuple[str, ...]:
        items = self.listing(value, where)
        iris = (self.image(item, f"{where}[{i}]") for i, item in enumerate(items))
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
        if not isinstance(data, dict):
            self.warn(f"{where}: a provider must be a mapping with a domain; left out")
            return None
        domain = data.get("domain")
        if type(domain) is not str:
            domain = self.text(domain, f"{where}.domain")
        if not domain or not provider_domain(domain):
            self.warn(f"{where}: a provider without a domain; left out")
            return None
        name = data.get("name")
        if type(name) is not str:
            name = self.text(name, f"{where}.name")
        provider = Provider(
            iri=provider_iri(domain, self.base),
            domain=provider_domain(domain),
            name=(name or "").strip() or None,
            images=self.images(data.get("images"), f"{where}.images"),
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
            label = self.text(item, f"{where}[{i}]")
            if label is None or not label.strip():
                continue
            topic = Topic(topic_iri(label, self.base), label.strip())
            self.out.topics.append(topic)
            iris.append(topic.iri)
        return _unique(iris)

    def article(self, data: dict[str, Any], where: str, stub: bool, more_urls: tuple[str, ...] = ()) -> Article | None:
        raw_urls = [u if type(u := data.get(key)) is str else self.text(u, f"{where}{key}") for key in _URL_KEYS]
        if more_urls:
            raw_urls += more_urls
        urls = _unique(canonical_url(u) for u in raw_urls if u and u.strip())
        if not urls:
            return None
        related: tuple[str, ...] = ()
        if not stub:
            related = self.related(data.get("related"), f"{where}related")
        # Text given as text is the common case: checked here, without building the name of the field.
        title, excerpt, kind = data.get("title"), data.get("excerpt"), data.get("type")
        if type(title) is not str:
            title = self.text(title, f"{where}title")
        if type(excerpt) is not str:
            excerpt = self.text(excerpt, f"{where}excerpt")
        if type(kind) is not str:
            kind = self.text(kind, f"{where}type")
        date_published = self.when(data.get("publishedDateTime"), f"{where}publishedDateTime")
        article = Article(
            iri=article_iri(urls[0], self.base),
            url=urls[0],
            title=title,
            excerpt=excerpt,
            date_published=date_published,
            type=kind,
            provider=self.provider(data.get("provider"), f"{where}provider"),
            topics=self.topics(data.get("topics"), f"{where}topics"),
            images=self.images(data.get("images"), f"{where}images"),
            related=related,
            urls=urls,
            stub=stub,
            sources=(self.source,),
            extra=self.extra(data, _ARTICLE_KEYS, where)
            + (
                _misfit("title", data.get("title"), title)
                + _misfit("excerpt", data.get("excerpt"), excerpt)
                + _misfit("publishedDateTime", data.get("publishedDateTime"), date_published)
                + _misfit("type", data.get("type"), kind)
                if title is None or excerpt is None or date_published is None or kind is None
                else ()  # every field fitted its type: nothing to keep beside it
            ),
        )
        self.out.articles.append(article)
        return article

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
    if extractor.article(extractor.without_dropped(document.data), "", stub=False) is None:
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
        if extractor.article(extractor.without_dropped(item), f"{where}.", stub=False) is None:
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
                images=extractor.images(data.get("images"), "images"),
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
        images=extractor.images(data.get("images"), "images"),
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
