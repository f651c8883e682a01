"""Small real HTTP servers on 127.0.0.1 for the push tests: misbehaving stores, and a proxy that counts bytes.

:func:`serve` runs a server whose every request is recorded and answered by a
function of the test; :class:`Proxy` forwards to a real store, counts the
bytes of request bodies, and can fail or hold chosen requests.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Seen:
    """One request a fake server got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Fake:
    """A running fake server: its base URL and what it was sent."""

    url: str
    requests: list[Seen] = field(default_factory=list)


Answer = Callable[[BaseHTTPRequestHandler, Seen], None]


def reply(
    handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str] | None = None, body: bytes = b""
) -> None:
    """Write a whole answer."""
    handler.send_response(status)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def _handler(answer: Answer, fake: Fake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            seen = Seen(self.command, self.path, dict(self.headers.items()), self.rfile.read(size) if size else b"")
            fake.requests.append(seen)
            try:
                answer(self, seen)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve(answer: Answer, tls: ssl.SSLContext | None = None) -> Iterator[Fake]:
    """A fake server answering with ``answer``, over TLS with ``tls``; stopped on exit."""
    fake = Fake("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(answer, fake))
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    fake.url = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Proxy:
    """Forwards to ``upstream``; counts request body bytes; ``fault`` may answer a request itself.

    ``fault(seen, n)`` gets each request and its number (from 1): it returns
    None to forward it, an HTTP status to answer it with instead, or ``"drop"``
    to close the connection without an answer; it may also block (to hold a
    request while a test kills the client).
    """

    upstream: str
    fault: Callable[[Seen, int], int | str | None] | None = None
    url: str = ""
    body_bytes: int = 0
    requests: list[Seen] = field(default_factory=list)

    def answer(self, handler: BaseHTTPRequestHandler, seen: Seen) -> None:
        """Forward one request (or fail it)."""
        self.body_bytes += len(seen.body)
        self.requests.append(seen)
        verdict = self.fault(seen, len(self.requests)) if self.fault else None
        if verdict == "drop":
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        if isinstance(verdict, int):
            reply(handler, verdict, {"Content-Type": "text/plain"}, b"injected failure")
            return
        target = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(target.hostname or "", target.port, timeout=60)
        headers = {k: v for k, v in seen.headers.items() if k.lower() not in ("host", "connection")}
        conn.request(seen.method, seen.path, body=seen.body if seen.body or seen.method in ("PUT", "POST") else None,
                     headers=headers)  # fmt: skip
        response = conn.getresponse()
        body = response.read()
        out = {k: v for k, v in response.getheaders() if k.lower() not in ("content-length", "connection",
                                                                             "transfer-encoding")}  # fmt: skip
        conn.close()
        reply(handler, response.status, out, body)


@contextmanager
def proxy(upstream_endpoint: str, fault: Callable[[Seen, int], int | str | None] | None = None) -> Iterator[Proxy]:
    """A :class:`Proxy` to the store at ``upstream_endpoint``; ``.url`` is the same endpoint through the proxy."""
    parts = urlsplit(upstream_endpoint)
    p = Proxy(f"{parts.scheme}://{parts.netloc}", fault)
    with serve(p.answer) as fake:
        p.url = fake.url + parts.path
        yield p
