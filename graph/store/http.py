"""HTTP to a triple store: credentials, redirects, deadlines, TLS and what the server says, in one place.

``push`` and ``push --sync`` talk to a store through a :class:`Client`; it is
built on the standard library's ``http.client`` (no new dependency) and keeps
one connection per origin open between requests.

* **Credentials** come from the endpoint URL (``http://USER:PASSWORD@HOST/...``)
  or are given as :class:`Credentials`. They are sent only after the store asks
  (HTTP 401), with the scheme it asks for: Digest (MD5, SHA-256, with or
  without ``-sess``) or Basic. No message ever shows them: URLs in messages go
  through :func:`public_url`.
* **Redirects**: 307 and 308 are followed with the same method and body, to the
  same origin (scheme, host and port) only, so credentials never go to another
  host; 301, 302 and 303 in answer to anything but GET or HEAD are errors that
  name the ``Location`` (following them would drop the body).
* **Time**: ``timeout`` is a deadline for each request as a whole (connect,
  send, wait, read): a server that drips one byte a second cannot hold it.
* **What the server says** is shown as plain text: :func:`plain_text`.
* **TLS**: verification is on; ``ca_bundle`` names the certificates to trust,
  ``insecure=True`` turns verification off.
"""

from __future__ import annotations

import base64
import hashlib
import html
import http.client
import os
import re
import secrets
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

__all__ = [
    "Body",
    "Client",
    "Credentials",
    "PushError",
    "Response",
    "plain_text",
    "public_url",
    "split_credentials",
]

#: What a request may carry: bytes, or a file sent from disk (re-read if the request is sent again).
Body = bytes | Path | None

#: How much of an error answer is read (the rest is never shown).
_ERROR_BODY = 64 * 1024
_MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class PushError(Exception):
    """Talking to the store failed: the message says why, for the user (never with credentials)."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user name and password for the store (the password is never shown).

    >>> Credentials("dba", "secret")
    Credentials(user='dba')
    """

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Response:
    """A store's final answer to one request."""

    status: int
    reason: str
    headers: Message
    body: bytes


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """The URL without its userinfo, and the user and password it held (percent-decoded).

    >>> split_credentials("http://dba:p%40ss@localhost:8890/sparql-graph-crud-auth")
    ('http://localhost:8890/sparql-graph-crud-auth', 'dba', 'p@ss')
    >>> split_credentials("http://localhost:7878/store")
    ('http://localhost:7878/store', None, None)
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    clean = urlunsplit(parts._replace(netloc=hostport))
    return clean, unquote(user), unquote(password) if colon else None


def public_url(url: str) -> str:
    """``url`` as messages show it: userinfo removed, nothing that could drive a terminal.

    >>> public_url("https://admin:hunter2@store.example/store?graph=x")
    'https://store.example/store?graph=x'
    """
    return plain_text(split_credentials(url)[0], limit=500)


# Terminal escape sequences: CSI (ESC [ ... or the one-byte CSI), OSC/DCS/PM/APC strings up to their
# terminator, and two-byte ESC sequences.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x1b][\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
# What is left that is not plain text: C0 and C1 controls, DEL, and the bidirectional overrides and
# isolates that reorder what a terminal shows.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_MARKUP = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>")


def plain_text(text: str, *, limit: int = 300, markup: bool = False) -> str:
    """``text`` made safe to print: escapes and control characters removed, white space folded, cut to ``limit``.

    ``markup=True`` also drops HTML tags (an error page becomes its words).

    >>> plain_text("\\x1b]0;owned\\x07\\x1b[31mred\\x1b[0m\\r\\nline\\x00 two")
    'red line two'
    >>> plain_text("x" * 400, limit=10)
    'xxxxxxxxx…'
    >>> plain_text("<h1>500</h1><xmp>no &amp; such</xmp>", markup=True)
    '500 no & such'
    """
    if markup:
        text = html.unescape(_MARKUP.sub(" ", text))
    text = _CONTROLS.sub(" ", _ESCAPES.sub("", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        raise PushError(f"the URL has a bad port: {public_url(url)}") from None
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


# -- authentication ---------------------------------------------------------------------------------------------

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_PARAM = re.compile(rf'\s*,?\s*({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)')
_SCHEME = re.compile(rf"\s*,?\s*({_TOKEN})(?:\s+(?!{_TOKEN}\s*=)[A-Za-z0-9._~+/-]+=*)?(?=\s|,|$)")
_DIGESTS = {"MD5": "md5", "MD5-SESS": "md5", "SHA-256": "sha256", "SHA-256-SESS": "sha256"}


@dataclass(slots=True)
class _Challenge:
    """What a store asked for in ``WWW-Authenticate``; Digest counts the requests made with its nonce."""

    scheme: str
    params: dict[str, str]
    count: int = 0


def _challenges(headers: Message) -> list[_Challenge]:
    """Every challenge of every ``WWW-Authenticate`` header, in order."""
    found: list[_Challenge] = []
    for value in headers.get_all("WWW-Authenticate") or []:
        pos = 0
        while pos < len(value):
            param = _PARAM.match(value, pos)
            if param and found:
                raw = param.group(2)
                if raw.startswith('"'):
                    raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
                found[-1].params[param.group(1).lower()] = raw
                pos = param.end()
                continue
            scheme = _SCHEME.match(value, pos)
            if not scheme or scheme.end() == pos:
                break
            found.append(_Challenge(scheme.group(1).lower(), {}))
            pos = scheme.end()
    return found


def _usable(challenge: _Challenge) -> bool:
    if challenge.scheme == "basic":
        return True
    if challenge.scheme != "digest" or "nonce" not in challenge.params:
        return False
    qops = {q.strip() for q in challenge.params.get("qop", "").split(",") if q.strip()}
    return challenge.params.get("algorithm", "MD5").upper() in _DIGESTS and (not qops or "auth" in qops)


def _pick(challenges: list[_Challenge]) -> _Challenge | None:
    """Digest before Basic (Basic sends the password itself)."""
    usable = [c for c in challenges if _usable(c)]
    usable.sort(key=lambda c: c.scheme != "digest")
    return usable[0] if usable else None


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _authorization(challenge: _Challenge, credentials: Credentials, method: str, target: str) -> str:
    """The ``Authorization`` header answering ``challenge`` for one request (RFC 7617, RFC 7616)."""
    if challenge.scheme == "basic":
        token = base64.b64encode(f"{credentials.user}:{credentials.password}".encode()).decode("ascii")
        return f"Basic {token}"
    p = challenge.params
    algorithm = p.get("algorithm", "MD5")
    name = _DIGESTS[algorithm.upper()]

    def h(text: str) -> str:
        return hashlib.new(name, text.encode("utf-8")).hexdigest()

    realm, nonce = p.get("realm", ""), p["nonce"]
    challenge.count += 1
    nc, cnonce = f"{challenge.count:08x}", secrets.token_hex(8)
    ha1 = h(f"{credentials.user}:{realm}:{credentials.password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{target}")
    qop = "qop" in p
    response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}" if qop else f"{ha1}:{nonce}:{ha2}")
    fields = [
        f"username={_quote(credentials.user)}",
        f"realm={_quote(realm)}",
        f"nonce={_quote(nonce)}",
        f"uri={_quote(target)}",
        f"algorithm={algorithm}",
        f"response={_quote(response)}",
    ]
    if "opaque" in p:
        fields.append(f"opaque={_quote(p['opaque'])}")
    if qop:
        fields += ["qop=auth", f"nc={nc}", f"cnonce={_quote(cnonce)}"]
    return "Digest " + ", ".join(fields)


# -- the client ---------------------------------------------------------------------------------------------------


class _Deadline:
    """Cut a connection's socket when a request runs past its deadline (a blocked read then returns)."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float) -> None:
        self.expired = False
        self._conn = conn
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def _expire(self) -> None:
        self.expired = True
        sock = self._conn.sock
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket call, under TLS too
            except OSError:
                pass

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


class Client:
    """Requests to one triple store; a context manager that closes its connections.

    >>> with Client("http://user:secret@127.0.0.1:9/store", timeout=5) as client:
    ...     client.endpoint, client.credentials
    ('http://127.0.0.1:9/store', Credentials(user='user'))
    """

    def __init__(
        self,
        endpoint: str,
        *,
        credentials: Credentials | None = None,
        timeout: float = 60.0,
        ca_bundle: str | os.PathLike[str] | None = None,
        insecure: bool = False,
    ) -> None:
        clean, user, password = split_credentials(endpoint)
        parts = urlsplit(clean)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise PushError(
                f"the endpoint must be an http(s) URL, like http://localhost:7878/store: {public_url(endpoint)!r}"
            )
        if credentials is None and user is not None:
            credentials = Credentials(user, password or "")
        if timeout <= 0:
            raise PushError(f"the timeout must be a positive number of seconds, not {timeout:g}")
        _origin(clean)  # a bad port is an error now, not on the first request
        self.endpoint = clean
        self.credentials = credentials
        self.timeout = timeout
        #: Bytes of request bodies sent so far (resent bodies count again).
        self.bytes_sent = 0
        self._context = _tls_context(ca_bundle, insecure) if parts.scheme.lower() == "https" else None
        self._connections: dict[tuple[str, str, int], http.client.HTTPConnection] = {}
        self._challenges: dict[tuple[str, str, int], _Challenge] = {}
        self._probed: set[tuple[str, str, int]] = set()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close every open connection."""
        for conn in self._connections.values():
            conn.close()
        self._connections.clear()

    def request(
        self,
        method: str,
        url: str,
        body: Body = None,
        headers: dict[str, str] | None = None,
        *,
        accept: frozenset[int] = frozenset(),
    ) -> Response:
        """Send one request, answering 401 and following 307/308 as the module says.

        Returns the final answer when it is a 2xx or in ``accept`` (e.g. 404 for a GET
        that may find nothing); raises :class:`PushError` otherwise.
        """
        if body is not None and self.credentials and _origin(url) not in self._probed:
            self._probe(url)
        current, hops, answered = url, 0, 0
        while True:
            origin, target = _origin(current), _request_target(current)
            sent = dict(headers or {})
            challenge = self._challenges.get(origin)
            if challenge is not None and self.credentials is not None:
                sent["Authorization"] = _authorization(challenge, self.credentials, method, target)
            response = self._exchange(origin, method, target, body, sent, current)
            if response.status == 401:
                picked = _pick(_challenges(response.headers))
                # Answer a challenge once; again only when the store says the nonce we used went stale.
                fresh = picked is not None and (
                    "Authorization" not in sent or picked.params.get("stale", "").lower() == "true"
                )
                if self.credentials is not None and picked is not None and fresh and answered < 2:
                    self._challenges[origin] = picked
                    answered += 1
                    continue
                raise PushError(self._refused(current, response, picked, tried="Authorization" in sent))
            if response.status in _REDIRECTS:
                current = self._redirect(method, current, response)
                hops += 1
                if hops > _MAX_REDIRECTS:
                    raise PushError(f"the store at {public_url(url)} redirected more than {_MAX_REDIRECTS} times")
                continue
            if 200 <= response.status < 300 or response.status in accept:
                return response
            raise PushError(_refusal(current, response))

    def _probe(self, url: str) -> None:
        """Learn how the store wants credentials with a HEAD (no body) before the first upload.

        A store that asks for credentials may answer 401 and close the connection before reading a
        body it was sent, so the body would be sent in vain, or not at all.
        """
        origin = _origin(url)
        self._probed.add(origin)
        if origin in self._challenges:
            return
        response = self._exchange(origin, "HEAD", _request_target(url), None, {}, url)
        picked = _pick(_challenges(response.headers)) if response.status == 401 else None
        if picked is not None:
            self._challenges[origin] = picked

    def _refused(self, url: str, response: Response, picked: _Challenge | None, *, tried: bool) -> str:
        where = f"the store at {public_url(url)} answered HTTP 401 {plain_text(response.reason)}"
        if self.credentials is None:
            return f"{where}: it needs credentials (in the endpoint URL, http://USER:PASSWORD@HOST/..., or --user)"
        if picked is None:
            offered = ", ".join(sorted({c.scheme for c in _challenges(response.headers)})) or "nothing"
            return f"{where}: it asks for authentication newsgraph does not speak ({plain_text(offered)})"
        user = plain_text(self.credentials.user, limit=100)
        return f"{where}: it refused the credentials of user {user!r}" if tried else where

    def _redirect(self, method: str, url: str, response: Response) -> str:
        where = f"the store at {public_url(url)} answered HTTP {response.status} {plain_text(response.reason)}"
        location = response.headers.get("Location")
        if not location:
            raise PushError(f"{where} without a Location")
        goal = urljoin(url, location.strip())
        shown = public_url(goal)
        if response.status in (301, 302, 303) and method not in ("GET", "HEAD"):
            raise PushError(
                f"{where} to {method}, redirecting to {shown}: not followed (it would drop the data); "
                "if that is the store, use it as the endpoint"
            )
        if urlsplit(goal).scheme.lower() not in ("http", "https") or _origin(goal) != _origin(url):
            raise PushError(
                f"{where}, redirecting to another origin, {shown}: not followed (credentials and data stay "
                "where they were sent); if you trust it, use it as the endpoint"
            )
        return goal

    def _connection(self, origin: tuple[str, str, int]) -> http.client.HTTPConnection:
        conn = self._connections.get(origin)
        if conn is None:
            scheme, host, port = origin
            if scheme == "https":
                conn = http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self._context)
            else:
                conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
            self._connections[origin] = conn
        return conn

    def _exchange(
        self, origin: tuple[str, str, int], method: str, target: str, body: Body, headers: dict[str, str], url: str
    ) -> Response:
        """One request and its whole answer within the deadline; a kept-alive connection the store closed
        meanwhile is opened again once."""
        for attempt in (1, 2):
            conn = self._connection(origin)
            reused = conn.sock is not None
            with _Deadline(conn, self.timeout) as deadline:
                try:
                    return self._once(conn, method, target, body, headers)
                except (http.client.HTTPException, OSError, ValueError, AttributeError) as exc:
                    conn.close()
                    if deadline.expired:
                        raise PushError(
                            f"no complete answer from {public_url(url)} within {self.timeout:g} s (--timeout)"
                        ) from None
                    stale = isinstance(exc, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError)
                    if reused and stale and attempt == 1:
                        continue
                    raise PushError(_unreachable(url, exc)) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(
        self, conn: http.client.HTTPConnection, method: str, target: str, body: Body, headers: dict[str, str]
    ) -> Response:
        headers = {k: v.encode("utf-8").decode("latin-1") for k, v in headers.items()}
        try:
            self._send(conn, method, target, body, headers)
        except (BrokenPipeError, ConnectionResetError):
            # The store may have answered (a 401, a 413) and closed before reading the whole body:
            # take its answer if there is one.
            try:
                answer = conn.getresponse()
            except (http.client.HTTPException, OSError):
                answer = None
            if answer is None:
                raise
        else:
            answer = conn.getresponse()
        ok = 200 <= answer.status < 300 or method == "HEAD"
        data = answer.read() if ok else answer.read(_ERROR_BODY)
        if not ok and not answer.isclosed():
            conn.close()  # the rest of an error answer is never read: do not reuse the connection
        if answer.will_close:
            conn.close()
        return Response(answer.status, answer.reason, answer.msg, data)

    def _send(
        self, conn: http.client.HTTPConnection, method: str, target: str, body: Body, headers: dict[str, str]
    ) -> None:
        if body is None:
            if method in ("PUT", "POST"):
                headers["Content-Length"] = "0"
            conn.request(method, target, headers=headers)
        elif isinstance(body, Path):
            size = body.stat().st_size
            headers["Content-Length"] = str(size)
            self.bytes_sent += size
            with body.open("rb") as stream:
                conn.request(method, target, body=stream, headers=headers)
        else:
            headers["Content-Length"] = str(len(body))
            self.bytes_sent += len(body)
            conn.request(method, target, body=body, headers=headers)


def _tls_context(ca_bundle: str | os.PathLike[str] | None, insecure: bool) -> ssl.SSLContext:
    if insecure and ca_bundle is not None:
        raise PushError("--insecure turns certificate checks off; --ca-bundle names what to trust: give one of them")
    if insecure:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        return ssl.create_default_context(cafile=os.fspath(ca_bundle) if ca_bundle is not None else None)
    except FileNotFoundError:
        raise PushError(f"no such CA bundle: {ca_bundle}") from None
    except (ssl.SSLError, OSError) as exc:
        raise PushError(f"cannot read the CA bundle {ca_bundle}: {plain_text(str(exc))}") from None


def _refusal(url: str, response: Response) -> str:
    kind = response.headers.get_content_type()
    text = response.body.decode("utf-8", "replace")
    detail = plain_text(text, markup="html" in kind or "xml" in kind)
    where = f"the store at {public_url(url)} answered HTTP {response.status} {plain_text(response.reason)}"
    return f"{where}: {detail}" if detail else where


def _unreachable(url: str, reason: BaseException) -> str:
    where = public_url(url)
    if isinstance(reason, ssl.SSLCertVerificationError):
        why = plain_text(reason.verify_message or str(reason))
        return (
            f"cannot connect to {where}: its certificate is not trusted ({why}); "
            "name the CA with --ca-bundle FILE (or turn checks off with --insecure)"
        )
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot connect to {where}: connection refused (is the store running?)"
    if isinstance(reason, socket.gaierror):
        return f"cannot connect to {where}: unknown host"
    if isinstance(reason, TimeoutError):
        return f"no answer from {where}: timed out"
    if isinstance(reason, http.client.HTTPException | ConnectionError):
        return f"the store at {where} broke off the connection ({type(reason).__name__})"
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return f"cannot connect to {where}: {plain_text(text)}"
