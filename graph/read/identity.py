"""Identity: canonical URLs, the keys that say two mentions are one thing, and IRIs.

Everything here is a pure function of strings, so the same answers come out on
every machine, in every process and in every run.

The rules (also written in the README):

* An article is identified by its canonical URL (``webUrl``, else ``originalUrl``).
  Canonical form: scheme and host lower-cased, the default port dropped, the
  fragment dropped, tracking parameters (``utm_*``, ``fbclid``, ``gclid``,
  ``mc_cid``, ``mc_eid``) dropped; the path and every other parameter kept as
  they are.
* A provider is identified by its domain, lower-cased, ``www.`` stripped.
* A topic is identified by its label with case and runs of white space folded.
* An image is identified by its (canonical) URL.
* A URL identifies something only if it is an absolute ``http``/``https`` URL
  with a host (:func:`web_url`): placeholders (``N/A``, ``#``, ``about:blank``,
  ``javascript:...``), other schemes and URLs without a host identify nothing;
  a relative URL is resolved against the site it was written for, when one is known.

Text is compared in Unicode NFC: URLs, domains and labels spelled with a
precomposed ``é`` or with ``e`` and a combining accent are one.

IRIs are minted under a base IRI; every IRI is valid in every RDF syntax.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

__all__ = [
    "ABSOLUTE_WEB_URL",
    "DEFAULT_BASE",
    "article_iri",
    "canonical_url",
    "check_base",
    "domain_site",
    "file_url",
    "image_iri",
    "is_placeholder",
    "provider_domain",
    "provider_iri",
    "safe_iri",
    "site_of",
    "source_iri",
    "topic_iri",
    "topic_key",
    "topic_scheme_iri",
    "web_url",
]

#: Where IRIs are minted when no ``--base`` is given. ``.example`` is reserved
#: (RFC 2606), so these IRIs can never clash with somebody's real resources.
DEFAULT_BASE = "https://newsgraph.example/id/"

_TRACKING = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}

_SPACES = re.compile(r"\s+")
# Characters that show nothing and say nothing about a name: zero-width space, word joiner, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
# What RFC 3987 allows raw in each part of an IRI; anything else (controls, space,
# <>"{}|\^`, noncharacters, ...) is percent-encoded, as is a '%' not starting a %XX escape.
_UCSCHAR = (
    "\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(plane << 16)}-{chr((plane << 16) | 0xFFFD)}" for plane in range(1, 14))
    + "\U000e1000-\U000efffd"
)
_IPRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_UNRESERVED = "A-Za-z0-9\\-._~" + _UCSCHAR
_SUB_DELIMS = "!$&'()*+,;="
_IPCHAR = _UNRESERVED + _SUB_DELIMS + ":@"


def _not_in(allowed: str) -> re.Pattern[str]:
    """Characters outside ``allowed``, and a '%' that does not start a %XX escape."""
    return re.compile(f"[^%{allowed}]|%(?![0-9A-Fa-f]{{2}})")


_BAD_IN = {
    "userinfo": _not_in(_UNRESERVED + _SUB_DELIMS + ":"),
    "host": _not_in(_UNRESERVED + _SUB_DELIMS),
    "path": _not_in(_IPCHAR + "/"),
    "query": _not_in(_IPCHAR + "/?" + _IPRIVATE),
    "fragment": _not_in(_IPCHAR + "/?"),
}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_IP_LITERAL = re.compile(r"\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]")
# The common case, already a valid IRI: ASCII, no '%', nothing to encode.
_PLAIN_IRI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*://[A-Za-z0-9\-._~!$&'()*+,;=]*(?::[0-9]*)?(?:/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*)?"
    r"(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*)?(?:#[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*)?\Z"
)
_HASH_CHARS = 20
# A URL that is its own canonical form: lower-case http(s) scheme and host, no port, user, query or fragment.
_CANONICAL = re.compile(r"https?://[a-z0-9.\-]+(?:/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*)?\Z")


@lru_cache(maxsize=1 << 15)  # a pure function; the same URL often comes twice (webUrl, originalUrl)
def canonical_url(url: str) -> str:
    """Return the canonical form of a URL, by which articles are identified.

    >>> canonical_url("HTTPS://WWW.Example.COM:443/Path/?b=2&utm_source=x&a=1#top")
    'https://www.example.com/Path/?b=2&a=1'
    >>> canonical_url("  not a url ")
    'not a url'
    >>> canonical_url("https://a.example/cafe\u0301") == canonical_url("https://a.example/caf\u00e9")
    True
    """
    url = url.strip()
    if _CANONICAL.match(url):  # the common case, already canonical: what the rest would give back
        return url
    if not url.isascii():  # one spelling of each character: a URL written in NFD is the same URL
        url = unicodedata.normalize("NFC", url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host
    if parts.username is not None or parts.password is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{host}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    query = "&".join(pair for pair in parts.query.split("&") if pair and not _is_tracking(pair))
    return urlunsplit((scheme, netloc, parts.path, query, ""))


def _is_tracking(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in _TRACKING


def safe_iri(text: str) -> str:
    """Percent-encode whatever may not stand in an IRI, keeping the rest.

    Each part (user, host, port, path, query, fragment) is checked against what
    RFC 3987 allows there, so the result is a valid IRI that strict parsers
    (Oxigraph, rapper, Jena) accept: ``[``, ``]``, a second ``#``, a port that
    is not a number and noncharacters are encoded too.

    >>> safe_iri('https://example.com/a b/"q"?x=<1>&y=100%')
    'https://example.com/a%20b/%22q%22?x=%3C1%3E&y=100%25'
    >>> safe_iri("http://exa:mple/a[1]#f#g")
    'http://exa%3Ample/a%5B1%5D#f%23g'
    """
    if _PLAIN_IRI.match(text):
        return text
    scheme = _SCHEME.match(text)
    out = ""
    rest = text
    if scheme is not None:
        out = scheme.group(0)
        rest = text[scheme.end() :]
        if rest.startswith("//"):
            end = len(rest)
            for stop in "/?#":
                at = rest.find(stop, 2)
                if at >= 0:
                    end = min(end, at)
            out += "//" + _authority(rest[2:end])
            rest = rest[end:]
    rest, hash_, fragment = rest.partition("#")
    path, question, query = rest.partition("?")
    out += _encode(path, "path")
    if question:
        out += "?" + _encode(query, "query")
    if hash_:
        out += "#" + _encode(fragment, "fragment")
    return out


def _encode(text: str, part: str) -> str:
    return _BAD_IN[part].sub(lambda m: quote(m.group(0).encode("utf-8", "surrogatepass"), safe=""), text)


def _authority(authority: str) -> str:
    """``[userinfo@]host[:port]`` with each part valid (a part that is not becomes encoded text)."""
    userinfo, at, hostport = authority.rpartition("@")
    out = _encode(userinfo, "userinfo") + "@" if at else ""
    literal = _IP_LITERAL.match(hostport)
    if literal is not None:
        host, port = literal.group(0), hostport[literal.end() :]
    else:
        host, colon, port = hostport.rpartition(":")
        host, port = (host, colon + port) if colon else (hostport, "")
    if port and not (port[0] == ":" and port[1:].isascii() and port[1:].isdigit() or port == ":"):
        host, port = hostport, ""  # not a port: part of the (odd) host name, encoded below
        literal = None
    if literal is None:
        host = _encode(host, "host")
    return out + host + port


def check_base(base: str) -> str:
    """Return a usable base IRI or raise ``ValueError`` saying what is wrong.

    >>> check_base("https://data.example.org/news/")
    'https://data.example.org/news/'
    >>> check_base("https://data.example.org/news")
    Traceback (most recent call last):
    ...
    ValueError: the base IRI must end with '/' or '#': 'https://data.example.org/news'
    """
    parts = urlsplit(base)
    if not parts.scheme or not (parts.netloc or parts.scheme in ("urn", "tag")):
        raise ValueError(f"the base IRI must be absolute, like {DEFAULT_BASE!r}: {base!r}")
    if not base.endswith(("/", "#", ":")):
        raise ValueError(f"the base IRI must end with '/' or '#': {base!r}")
    if safe_iri(base) != base:
        raise ValueError(f"the base IRI holds characters not allowed in an IRI: {base!r}")
    return base


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]


def article_iri(canonical: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of the article whose canonical URL is given.

    >>> article_iri("https://technode.com/2021/12/15/x/")
    'https://newsgraph.example/id/article/7257c7c5b9a6586c4ac8'
    """
    return f"{base}article/{_digest(canonical)}"


def image_iri(url: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of the image at ``url`` (compared in canonical form).

    >>> image_iri("https://img.example.com/a.jpg") == image_iri("HTTPS://IMG.example.com/a.jpg")
    True
    """
    return f"{base}image/{_digest(canonical_url(url))}"


@lru_cache(maxsize=1 << 14)  # pure; a feed names the same few providers and topics again and again
def provider_domain(domain: str) -> str:
    """The identifying form of a provider's domain.

    >>> provider_domain(" WWW.TheTimes.co.uk. ")
    'thetimes.co.uk'
    >>> provider_domain("https://www.TheTimes.co.uk/news")  # a URL given as a domain: its host
    'thetimes.co.uk'
    """
    domain = domain.strip().lower()
    if not domain.isascii():
        domain = unicodedata.normalize("NFC", domain)
    if "/" in domain:  # a URL (or a host and a path) given as a domain: its host is the domain
        try:
            host = urlsplit(domain if "//" in domain else f"//{domain}").hostname
        except ValueError:
            host = None
        domain = host or domain
    domain = domain.rstrip(".")
    if domain.startswith("www."):
        domain = domain[4:]
    return domain


@lru_cache(maxsize=1 << 14)  # pure; a feed names the same few providers and topics again and again
def provider_iri(domain: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of the provider with this domain.

    >>> provider_iri("www.TechNode.com")
    'https://newsgraph.example/id/provider/technode.com'
    """
    return f"{base}provider/{quote(provider_domain(domain), safe='')}"


def topic_key(label: str) -> str:
    """A topic label with case, Unicode compatibility forms (NFKC) and runs of white space folded.

    >>> topic_key("  Computer\\t VISION "), topic_key("ＡＩ Ethics") == topic_key("ai ethics")
    ('computer vision', True)
    >>> topic_key("AI\\u200b") == topic_key("\\ufeffAI")  # invisible characters are not part of a name
    True
    """
    if not label.isascii():
        label = _INVISIBLE.sub("", unicodedata.normalize("NFKC", label))
    return _SPACES.sub(" ", label).strip().casefold()


@lru_cache(maxsize=1 << 14)  # pure; a feed names the same few providers and topics again and again
def topic_iri(label: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of the topic with this label (any case, any spacing).

    >>> topic_iri("Computer  Vision")
    'https://newsgraph.example/id/topic/computer%20vision'
    """
    return f"{base}topic/{quote(topic_key(label), safe='')}"


def topic_scheme_iri(base: str = DEFAULT_BASE) -> str:
    """The IRI of the SKOS concept scheme that holds every topic.

    >>> topic_scheme_iri()
    'https://newsgraph.example/id/topics'
    """
    return f"{base}topics"


def source_iri(name: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of a source file, by its path relative to the build root: the path's raw bytes percent-encoded.

    A path that is not UTF-8 holds its undecodable bytes as lone surrogates (as :func:`os.fsdecode`
    gives it), so two names that differ only there, or only in their Unicode normalisation, get two IRIs.

    >>> source_iri("2021/12/a b.md")
    'https://newsgraph.example/id/source/2021/12/a%20b.md'
    >>> source_iri("b\\udcff.md"), source_iri("b\\\\xff.md")
    ('https://newsgraph.example/id/source/b%FF.md', 'https://newsgraph.example/id/source/b%5Cxff.md')
    """
    return f"{base}source/{quote(name.encode('utf-8', 'surrogateescape'), safe='/')}"


def file_url(name: str, base: str = DEFAULT_BASE) -> str:
    """The URL an article is known by when no URL it gives identifies it: its file's.

    >>> file_url("2021/a b.md")
    'https://newsgraph.example/id/file/2021/a%20b.md'
    """
    return f"{base}file/{quote(name.encode('utf-8', 'surrogateescape'), safe='/')}"


# Texts that stand in a URL field for "no URL" (compared lower-cased). Any text without a letter or a
# digit ("#", "-", "/", "...") is one too, and so is a single word with no dot or slash ("none", "TBD").
_PLACEHOLDERS = frozenset({"n/a", "n.a.", "about:blank", "no url", "no link", "not available", "(none)", "<none>"})
_PLACEHOLDER_WORDS = frozenset(
    "na none null nil nan undefined unknown tbd tbc todo empty missing blank placeholder false true".split()
)
_HOST_LIKE = re.compile(r"(?:[^\W_](?:[\w\-]*[^\W_])?\.)+[^\W\d_][\w\-]*(?::[0-9]+)?\Z")
_FILE_ENDINGS = frozenset(
    "html htm shtml php asp aspx jsp cgi md txt png jpg jpeg gif svg webp avif ico pdf xml json js css".split()
)
_WEB_SCHEMES = ("http", "https")
#: An absolute ``http``/``https`` URL with a plain host and nothing around it: :func:`web_url`'s common case,
#: which it takes as it is (matching this first saves a call where URLs are many).
ABSOLUTE_WEB_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#:@\[]\S*\Z")
_PLAIN_SITE = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.\-]+(?=[/?#]|\Z)")


@lru_cache(maxsize=1 << 12)  # pure; a feed names the same few providers again and again
def is_placeholder(text: str, words: bool = True) -> bool:
    """Whether ``text`` says "nothing here" rather than naming a URL (or, ``words=False``, a domain).

    A URL is never a single word; a domain may be (``localhost``), so then only the usual stand-ins
    (``none``, ``null``, ``unknown``, ...) are.

    >>> [is_placeholder(t) for t in ("N/A", " - ", "#", "none", "TBD", "a.example", "/x", "")]
    [True, True, True, True, True, False, False, True]
    >>> is_placeholder("TechNode", words=False), is_placeholder("NULL", words=False)
    (False, True)
    """
    text = text.strip()
    if not any(c.isalnum() for c in text):
        return True
    low = text.lower()
    if low in _PLACEHOLDERS or low in _PLACEHOLDER_WORDS:
        return True
    return words and not any(c in low for c in "./:")


@lru_cache(maxsize=1 << 12)  # pure; a feed names the same few providers again and again
def domain_site(domain: str) -> str | None:
    """The site (``https://`` and the host) of a provider's domain, if the domain can be a host.

    >>> domain_site("www.TechNode.com"), domain_site("N/A")
    ('https://technode.com', None)
    """
    if is_placeholder(domain):
        return None
    host = provider_domain(domain)
    return f"https://{host}" if _HOST_LIKE.match(host) else None


def web_url(url: str, site: str | None = None) -> tuple[str | None, str]:
    """The absolute web URL ``url`` names, and how it was found; ``None`` and why when it identifies nothing.

    ``site`` (``https://host``) is the site the URL was written for, where known: a relative URL is
    resolved against it. The second value is ``""`` for an absolute ``http``/``https`` URL with a host,
    ``"relative"`` for one resolved against ``site``, ``"no scheme"`` for a host without a scheme (read
    as ``https``, or as ``site``'s scheme); otherwise it says why ``url`` identifies nothing.

    >>> web_url("https://a.example/x"), web_url("/news/x", "https://a.example")
    (('https://a.example/x', ''), ('https://a.example/news/x', 'relative'))
    >>> web_url("www.a.example/x"), web_url("//a.example/x", "http://b.example")
    (('https://www.a.example/x', 'no scheme'), ('http://a.example/x', 'no scheme'))
    >>> [web_url(u)[1] for u in ("N/A", "https://", "mailto:x@a.example", "javascript:void(0)")]
    ['a placeholder', 'no host', 'not a web URL (mailto:)', 'not a web URL (javascript:)']
    >>> web_url("/news/x")
    (None, 'relative, and no site to resolve it against')
    """
    if ABSOLUTE_WEB_URL.match(url):
        return url, ""  # the common case: an absolute web URL with a host, nothing around it
    text = url.strip()
    if is_placeholder(text):
        return None, "a placeholder"
    scheme_at = _SCHEME.match(text)
    if text.startswith("//"):
        return _with_host(text, site)
    if scheme_at is not None and not _HOST_LIKE.match(text.split("/", 1)[0]):
        scheme = scheme_at.group(0)[:-1].lower()
        if scheme not in _WEB_SCHEMES:
            return None, f"not a web URL ({scheme}:)"
        try:
            parts = urlsplit(text)
            _ = parts.port
        except ValueError:
            return None, "not a valid URL"
        if not parts.hostname or not text[len(scheme) + 1 :].startswith("//"):
            return None, "no host"
        return text, ""
    if any(c.isspace() for c in text):
        return None, "not a URL"
    first = re.split(r"[/?#]", text, maxsplit=1)[0]
    if _HOST_LIKE.match(first) and (
        first.lower().startswith("www.") or first.rsplit(".", 1)[-1].split(":")[0].lower() not in _FILE_ENDINGS
    ):
        return _with_host(f"//{text}", site)
    if site is None:
        return None, "relative, and no site to resolve it against"
    return urljoin(f"{site}/", text), "relative"


def _with_host(text: str, site: str | None) -> tuple[str | None, str]:
    """A scheme-relative ``//host/...``, with the site's scheme (else ``https``)."""
    try:
        host = urlsplit(f"https:{text}").hostname
    except ValueError:
        host = None
    if not host:
        return None, "no host"
    scheme = site.split(":", 1)[0] if site else "https"
    return f"{scheme}:{text}", "no scheme"


def site_of(url: str) -> str | None:
    """The site (scheme and host, lower-cased) of an absolute web URL.

    >>> site_of("HTTPS://WWW.A.example:8443/x?y"), site_of("/x")
    ('https://www.a.example:8443', None)
    """
    plain = _PLAIN_SITE.match(url)
    if plain is not None:  # the common case: no port, no user, nothing to decode
        return plain.group(0).lower()
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.hostname:
        return None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return f"{parts.scheme.lower()}://{host}"
