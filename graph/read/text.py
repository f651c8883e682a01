"""Text as it was published: HTML character references decoded once, Unicode in NFC.

Feeds are scraped from HTML pages, so their text carries character references
(``It&#8217;s``, ``&amp;``, ``&nbsp;``) that a browser would have shown as
characters. :func:`clean_text` decodes them once, exactly as a browser reads
text (:func:`html.unescape`: ``&amp;amp;`` becomes ``&amp;``), and puts the
text in Unicode Normalization Form C, as RDF 1.1 asks of literals, so that a
precomposed ``é`` and ``e`` with a combining accent are one spelling. Markup
tags are left as they are: they are text, and every output escapes them.

Values that are not prose keep every character as written: URLs, embeds
(``featuredContent``, ``content``: HTML) and opaque tokens (:func:`verbatim_key`).

Both steps cost nothing on the common case: the decoder runs only on text with
a ``&`` in it, the normaliser only on text beyond ASCII.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["clean_text", "nfc", "not_xml", "verbatim_key", "xml_chars"]

# Keys (the last part of a dotted key, lower-cased) whose values are kept exactly as written.
_VERBATIM = frozenset({"website", "featuredcontent", "content", "secured", "path", "regex", "items", "_id"})
# An absolute URL (a scheme and '//'): kept as written wherever it is.
_URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
# Characters XML 1.0 cannot hold at all, not even as a character reference (nor can it hold lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` with HTML character references decoded once and Unicode in NFC.

    >>> clean_text("It&#8217;s &quot;AI&quot; &amp;amp; more&nbsp;<b>")
    'It’s "AI" &amp; more\\xa0<b>'
    >>> clean_text("Cafe\\u0301") == "Caf\\u00e9"
    True
    """
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


def nfc(text: str) -> str:
    """``text`` in Unicode NFC (ASCII text is returned as it is, at once).

    >>> nfc("e\\u0301") == "\\u00e9", nfc("plain")
    (True, 'plain')
    """
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def verbatim_key(key: str, value: str) -> bool:
    """Whether a field's text is kept exactly as written: a URL, an embed, an opaque token.

    ``key`` may be dotted (``images.url``); its last part decides.

    >>> verbatim_key("webUrl", "/x"), verbatim_key("provider.images.url", "x"), verbatim_key("title", "A &amp; B")
    (True, True, False)
    >>> verbatim_key("source", "https://a.example/?a=1&amp;b=2")
    True
    """
    leaf = key.rsplit(".", 1)[-1].lower()
    return leaf.endswith("url") or leaf in _VERBATIM or _URL_START.match(value) is not None


def not_xml(text: str) -> re.Match[str] | None:
    """The first character of ``text`` XML 1.0 cannot hold (a control character, U+FFFE, U+FFFF), if any.

    >>> not_xml("tab\\tand newline\\n") is None, not_xml("bell\\a").group(0)
    (True, '\\x07')
    """
    return _NOT_XML.search(text)


def xml_chars(text: str) -> list[str]:
    """The distinct characters of ``text`` XML 1.0 cannot hold, in order of first appearance, as ``U+XXXX``.

    >>> xml_chars("a\\x00b\\x07\\x00")
    ['U+0000', 'U+0007']
    """
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in _NOT_XML.findall(text)))
