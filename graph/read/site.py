"""A whole news site: what a file of a site is, told from its content (folder names only as hints).

Beside its articles (``_news/``) a site of the feed's family publishes site data
(``_data/topics/*``, ``_data/organizations/*``, ``_data/tags/*``: a ``taxonomy:``
key says which), JSON API pages of the same articles, and other collections
(``_learning``, ``_events``, ``_projects``, ``_people``, ``_companies``, ...)
whose items are things of other kinds: videos, courses, books, code, events,
people, companies. These functions look at one file's raw data (and its name)
and say what it is; :mod:`graph.read.records` makes the records. They are pure
functions of one file, like everything else in :mod:`graph.read`.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CREATIVE_WORKS",
    "JEKYLL_FOLDERS",
    "TAXONOMIES",
    "collection_of",
    "item_class",
    "item_urls",
    "taxonomy_of",
]

#: Jekyll's own folders: data, templates, styles, plugins, the built site. Not collections.
JEKYLL_FOLDERS = frozenset({"_data", "_layouts", "_includes", "_sass", "_site", "_plugins", "_config"})
#: The ``taxonomy:`` values of site data files that become records.
TAXONOMIES = frozenset({"topic", "tag", "organization"})

# An item's ``type`` → its schema.org class. ``profile`` is a Person or an Organization (by its fields).
_TYPE_CLASSES = {
    "video": "VideoObject",
    "course": "Course",
    "book": "Book",
    "answer": "LearningResource",
    "tutorial": "LearningResource",
    "code": "SoftwareSourceCode",
    "project": "SoftwareSourceCode",
    "conference": "Event",
    "event": "Event",
    "meetup": "Event",
    "webinar": "Event",
    "collection": "Collection",
    "podcast": "PodcastEpisode",
    "newsletter": "CreativeWork",
}
#: Item classes that are creative works (their title is ``schema:headline``; others' is ``schema:name``).
CREATIVE_WORKS = frozenset(
    {"VideoObject", "Course", "Book", "LearningResource", "SoftwareSourceCode", "Collection", "PodcastEpisode"}
    | {"CreativeWork", "Article", "NewsArticle"}
)
# Collections whose items are news articles (as every article file was before sites came in).
_NEWS_COLLECTIONS = frozenset({"_news", "_posts", "_articles"})
_NEWS_TYPES = frozenset({"article", "news", "video", "post"})
_PERSON_KEYS = frozenset({"bio", "affiliation", "googleScholar", "wikipedia"})
_COMPANY_KEYS = frozenset({"overview", "crunchbase", "yearFounded", "funding", "size", "locations"})
_COLLECTION_HINTS = {
    "_people": "Person",
    "_companies": "Organization",
    "_events": "Event",
    "_projects": "SoftwareSourceCode",
}
# Where else an item may say its URL, in order, when it has no webUrl or originalUrl.
_ITEM_URLS = ("website", "url", "github.url", "sponsor.url", "linkedin.url", "twitter.url", "crunchbase.url")


def taxonomy_of(data: dict[str, Any]) -> str | None:
    """The kind of site data a mapping is (``topic``, ``tag``, ``organization``), from its ``taxonomy:`` key.

    >>> taxonomy_of({"taxonomy": "Topic", "_id": "ai", "name": "AI"}), taxonomy_of({"title": "x"})
    ('topic', None)
    """
    value = data.get("taxonomy")
    if isinstance(value, str) and value.strip().lower() in TAXONOMIES:
        return value.strip().lower()
    return None


def collection_of(name: str) -> str | None:
    """The site collection a file is in: the last folder of its path that starts with ``_`` (not ``_data``).

    >>> collection_of("ai-site/_learning/videos/x.md"), collection_of("ai/2021-12-15-x.md")
    ('_learning', None)
    """
    parts = name.split("/")[:-1]
    for part in reversed(parts):
        if part.startswith("_") and part.lower() not in JEKYLL_FOLDERS:
            return part.lower()
    return None


def item_class(data: dict[str, Any], name: str) -> str | None:
    """The schema.org class of a collection item, or ``None`` for a news article (``schema:NewsArticle``).

    Told from the item's ``type`` and fields first; the collection folder is a hint for the rest
    (``type: article`` in ``_learning`` is a learning resource, in ``_news`` a news article).

    >>> item_class({"type": "course"}, "_learning/courses/x.md"), item_class({"type": "article"}, "_news/x.md")
    ('Course', None)
    >>> item_class({"type": "profile", "bio": "..."}, "x.md"), item_class({"type": "profile"}, "_companies/a.md")
    ('Person', 'Organization')
    """
    kind = data.get("type")
    kind = kind.strip().lower() if isinstance(kind, str) else None
    collection = collection_of(name)
    if (collection is None or collection in _NEWS_COLLECTIONS) and (kind is None or kind in _NEWS_TYPES):
        return None
    if kind == "profile" or (kind is None and collection in ("_people", "_companies")):
        keys = set(data)
        if keys & _PERSON_KEYS and not keys & _COMPANY_KEYS:
            return "Person"
        if keys & _COMPANY_KEYS and not keys & _PERSON_KEYS:
            return "Organization"
        return "Organization" if collection == "_companies" else "Person"
    if kind in _TYPE_CLASSES:
        return _TYPE_CLASSES[kind]
    if kind in ("article", None) and collection == "_learning":
        return "LearningResource"
    if collection in _COLLECTION_HINTS and kind is None:
        return _COLLECTION_HINTS[collection]
    return "CreativeWork"


def item_urls(data: dict[str, Any]) -> list[str]:
    """The URLs an item without ``webUrl``/``originalUrl`` is known by (its website, its code, its profile).

    >>> item_urls({"website": "https://a.example/", "twitter": {"url": "https://twitter.com/a"}})
    ['https://a.example/', 'https://twitter.com/a']
    """
    urls = []
    for key in _ITEM_URLS:
        value: Any = data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
            urls.append(value.strip())
    return urls


def title_and_excerpt_keys(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """The keys an item's title and excerpt are under (``name``, ``bio``, ``overview`` for items that have no
    ``title``/``excerpt``).

    >>> title_and_excerpt_keys({"name": "Andrew Ng", "bio": "..."})
    ('name', 'bio')
    """
    title = next((k for k in ("title", "name") if k in data), None)
    excerpt = next((k for k in ("excerpt", "bio", "overview", "description") if k in data), None)
    return title, excerpt
