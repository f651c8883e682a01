"""The typed records: what one file says, as plain frozen dataclasses.

:func:`extract` turns the raw front matter of one file into records: the
article itself, the related articles it names (stubs), their providers, topics
and images. Values are normalized here (dates to UTC, numbers to ``int``) and
every field that has no typed attribute is kept in ``extra``, so nothing the
file said is lost. Like reading, extracting is a pure function of one file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ._identity import (
    DEFAULT_BASE,
    article_iri,
    canonical_url,
    image_iri,
    provider_domain,
    provider_iri,
    topic_iri,
)
from ._sources import Diagnostic, Document

__all__ = ["Article", "FileRecords", "Image", "Provider", "Scalar", "Topic", "extract"]

#: A value of a field as kept in ``extra``.
Scalar = str | int | float | bool | dt.datetime
Extra = tuple[tuple[str, Scalar], ...]

# Keys that have a typed attribute on Article; every other key goes to ``extra``.
_ARTICLE_KEYS = frozenset({"title", "excerpt", "publishedDateTime", "type", "provider", "topics", "images", "related"})
_URL_KEYS = ("webUrl", "originalUrl")


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
    """A topic (a SKOS concept), known by its folded label."""

    iri: str
    label: str


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

    @property
    def label(self) -> str:
        """The article's title, or its URL when it has none."""
        return self.title or self.url


@dataclass(slots=True)
class FileRecords:
    """Everything one file says: its article first, then the stubs it names."""

    source: str
    articles: list[Article] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        """True when the file gave no article."""
        return not self.articles


class _Extractor:
    """Turns one document into records, collecting warnings as it goes."""

    def __init__(self, source: str, base: str, drop: frozenset[str] = frozenset()) -> None:
        self.source = source
        self.base = base
        self.drop = drop
        self.out = FileRecords(source)

    def without_dropped(self, data: dict[str, Any]) -> dict[str, Any]:
        """The fields of ``data`` less those the user asked to leave out."""
        if not self.drop:
            return data
        return {k: v for k, v in data.items() if k not in self.drop}

    def warn(self, message: str) -> None:
        self.out.diagnostics.append(Diagnostic(self.source, "warning", message))

    # -- scalar values ---------------------------------------------------------------
    def text(self, value: Any, where: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, (bool, int, float, dt.date)):
            self.warn(f"{where}: expected text, got {value!r}; kept as text")
            return _scalar_text(value)
        self.warn(f"{where}: expected text, got a {type(value).__name__}; left out")
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
        self.warn(f"{where}: expected a whole number, got {value!r}; left out")
        return None

    def when(self, value: Any, where: str) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                self.warn(f"{where}: not a date {value!r}; left out")
                return None
        if isinstance(value, dt.datetime):
            return to_utc(value)
        if isinstance(value, dt.date):
            self.warn(f"{where}: a date without a time; taken as midnight UTC")
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
        self.warn(f"{where}: not a date {value!r}; left out")
        return None

    def extra(self, data: dict[str, Any], skip: frozenset[str], where: str) -> Extra:
        pairs: list[tuple[str, Scalar]] = []
        for key in data:
            if key not in skip:
                _flatten(str(key), data[key], pairs)
        return tuple(pairs)

    # -- records -----------------------------------------------------------------------
    def image(self, data: Any, where: str) -> str | None:
        if isinstance(data, str):
            data = {"url": data}
        if not isinstance(data, dict):
            self.warn(f"{where}: an image must be a mapping with a url; left out")
            return None
        url = self.text(data.get("url"), f"{where}.url")
        if not url or not url.strip():
            self.warn(f"{where}: an image without a url; left out")
            return None
        url = url.strip()
        image = Image(
            iri=image_iri(url, self.base),
            url=url,
            width=self.integer(data.get("width"), f"{where}.width"),
            height=self.integer(data.get("height"), f"{where}.height"),
            extra=self.extra(data, frozenset({"url", "width", "height"}), where),
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
            data = {"domain": data}
        if not isinstance(data, dict):
            self.warn(f"{where}: a provider must be a mapping with a domain; left out")
            return None
        domain = self.text(data.get("domain"), f"{where}.domain")
        if not domain or not provider_domain(domain):
            self.warn(f"{where}: a provider without a domain; left out")
            return None
        provider = Provider(
            iri=provider_iri(domain, self.base),
            domain=provider_domain(domain),
            name=(self.text(data.get("name"), f"{where}.name") or "").strip() or None,
            images=self.images(data.get("images"), f"{where}.images"),
            extra=self.extra(data, frozenset({"domain", "name", "images"}), where),
        )
        self.out.providers.append(provider)
        return provider.iri

    def topics(self, value: Any, where: str) -> tuple[str, ...]:
        if isinstance(value, str):
            self.warn(f"{where}: topics given as one text; taken as one topic")
        iris = []
        for i, item in enumerate(self.listing(value, where)):
            label = self.text(item, f"{where}[{i}]")
            if label is None or not label.strip():
                continue
            topic = Topic(topic_iri(label, self.base), label.strip())
            self.out.topics.append(topic)
            iris.append(topic.iri)
        return _unique(iris)

    def article(self, data: dict[str, Any], where: str, stub: bool) -> Article | None:
        raw_urls = [self.text(data.get(key), f"{where}{key}") for key in _URL_KEYS]
        urls = _unique(canonical_url(u) for u in raw_urls if u and u.strip())
        if not urls:
            return None
        related: tuple[str, ...] = ()
        if not stub:
            related = self.related(data.get("related"), f"{where}related")
        article = Article(
            iri=article_iri(urls[0], self.base),
            url=urls[0],
            title=self.text(data.get("title"), f"{where}title"),
            excerpt=self.text(data.get("excerpt"), f"{where}excerpt"),
            date_published=self.when(data.get("publishedDateTime"), f"{where}publishedDateTime"),
            type=self.text(data.get("type"), f"{where}type"),
            provider=self.provider(data.get("provider"), f"{where}provider"),
            topics=self.topics(data.get("topics"), f"{where}topics"),
            images=self.images(data.get("images"), f"{where}images"),
            related=related,
            urls=urls,
            stub=stub,
            sources=(self.source,),
            extra=self.extra(data, _ARTICLE_KEYS, where),
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

    >>> from graph._sources import parse_document
    >>> doc = parse_document(b"---\\ntitle: Hi\\nwebUrl: https://a.example/1?utm_source=x\\n---\\n", "a.md")
    >>> records = extract(doc)
    >>> records.articles[0].url, records.articles[0].title, records.rejected
    ('https://a.example/1', 'Hi', False)
    """
    extractor = _Extractor(document.source, base, drop)
    out = extractor.out
    out.diagnostics.extend(document.diagnostics)
    if document.data is None:
        return out
    if extractor.article(extractor.without_dropped(document.data), "", stub=False) is None:
        out.diagnostics.append(
            Diagnostic(document.source, "error", "no URL to identify the article (webUrl or originalUrl)")
        )
        # Keep the stubs out too: a file is kept or rejected whole.
        return FileRecords(document.source, diagnostics=out.diagnostics)
    # The file's own article was appended last (after its stubs): put it first.
    out.articles.insert(0, out.articles.pop())
    return out


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
        out.append((key, to_utc(value)))
    elif isinstance(value, (str, int, float, bool)):
        out.append((key, value))
    else:  # a date, or anything else a loader may give: keep its text
        out.append((key, _scalar_text(value)))


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
