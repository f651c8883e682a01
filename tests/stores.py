"""Real triple stores for the tests: Oxigraph and Virtuoso, each started once per session on free loopback ports.

The fixtures (in conftest.py) start a server the first time a test asks for
it and stop it at the end of the session. Without the server's program, a
test is skipped, unless ``CI`` is set: then it fails. Test-side access to the
stores (reading a graph back, planting someone else's graph) goes through
``urllib`` with its own Digest handler, not through the code under test.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
import pytest

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unavailable(why: str) -> None:
    """Skip, or fail when ``CI`` is set (a store the tests need is missing there)."""
    if os.environ.get("CI"):
        pytest.fail(f"a triple store the tests need did not start (CI is set): {why}")
    pytest.skip(why)


@dataclass
class Store:
    """A running store: its Graph Store endpoint, its SPARQL endpoint and credentials."""

    name: str
    gsp: str  #: the Graph Store endpoint, without credentials
    sparql: str  #: the SPARQL query endpoint
    user: str | None = None
    password: str | None = None
    initial: set[str] = field(default_factory=set)  #: graphs the store had before any test (Virtuoso's own)
    sql_port: int | None = None  #: Virtuoso's isql port

    @property
    def endpoint(self) -> str:
        """The Graph Store endpoint with its credentials in the URL, as a user would give it."""
        if self.user is None:
            return self.gsp
        scheme, rest = self.gsp.split("://", 1)
        return f"{scheme}://{self.user}:{self.password}@{rest}"

    def _opener(self) -> urllib.request.OpenerDirector:
        if self.user is None:
            return urllib.request.build_opener()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, self.gsp, self.user, self.password or "")
        return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))

    def _graph_url(self, iri: str | None) -> str:
        return f"{self.gsp}?default" if iri is None else f"{self.gsp}?graph={urllib.parse.quote(iri, safe='')}"

    def select(self, query: str) -> list[dict[str, str]]:
        """Run a SPARQL SELECT; rows of plain values."""
        request = urllib.request.Request(
            self.sparql,
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]

    def graphs(self) -> set[str]:
        """The named graphs the store holds (Virtuoso's own left out)."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return {r["g"] for r in rows} - self.initial

    def read(self, iri: str | None) -> set[str]:
        """A graph's statements as N-Triples lines (no final dot); empty when absent."""
        request = urllib.request.Request(self._graph_url(iri), headers={"Accept": "application/n-triples"})
        try:
            with self._opener().open(request, timeout=60) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return set()
            raise
        return {str(q.triple) for q in pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES)}

    def put(self, iri: str | None, lines: set[str] | list[str]) -> None:
        """Replace a graph with N-Triples ``lines``, as someone else would."""
        body = "".join(f"{line} .\n" for line in lines).encode()
        request = urllib.request.Request(
            self._graph_url(iri), data=body, method="PUT", headers={"Content-Type": "application/n-triples"}
        )
        with self._opener().open(request, timeout=60):
            pass

    def delete(self, iri: str) -> None:
        """Delete a graph (absent: nothing happens)."""
        request = urllib.request.Request(self._graph_url(iri), method="DELETE")
        try:
            with self._opener().open(request, timeout=60):
                pass
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                raise

    def reset(self) -> None:
        """Every graph the tests wrote deleted (and Oxigraph's default graph emptied)."""
        for iri in self.graphs():
            self.delete(iri)
        if self.name == "oxigraph":
            self.put(None, [])


def _wait(server: subprocess.Popen[bytes], probe: str, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                server.wait()
                unavailable(f"{Path(server.args[0]).name} did not answer: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def oxigraph_command() -> str | None:
    """The ``oxigraph`` program: the one beside this Python (the test extra), else on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def run_oxigraph(folder: Path) -> Iterator[Store]:
    """``oxigraph serve`` on a free port, with its data in ``folder``."""
    exe = oxigraph_command()
    if exe is None:
        unavailable("the oxigraph command is not installed (pip install oxigraph)")
        return
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [exe, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(server, f"{url}/query?query=ASK%7B%7D", log, 60)
        yield Store("oxigraph", f"{url}/store", f"{url}/query")
    finally:
        _stop(server)


def virtuoso_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """The Debian package's virtuoso.ini with its files in ``folder`` and its ports on 127.0.0.1."""
    out: list[str] = []
    section = ""
    files = ("DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file")
    for line in VIRTUOSO_INI.read_text().splitlines():
        text = line.strip()
        if text.startswith("["):
            section = text
        key = text.split("=", 1)[0].strip() if "=" in text and not text.startswith(";") else ""
        if section in ("[Database]", "[TempDatabase]") and key in files:
            line = f"{key} = {folder / (section.strip('[]') + '-' + key)}"
        elif section == "[Parameters]" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif section == "[Parameters]" and key == "DirsAllowed":
            line = f"DirsAllowed = ., {folder}, /usr/share/virtuoso-opensource-7/vad"
        elif section == "[HTTPServer]" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        out.append(line)
    ini = folder / "virtuoso.ini"
    ini.write_text("\n".join(out) + "\n")
    return ini


def run_virtuoso(folder: Path) -> Iterator[Store]:
    """``virtuoso-t +foreground`` with an .ini of its own in ``folder``; Graph Store with Digest ``dba``/``dba``."""
    exe = shutil.which("virtuoso-t")
    if exe is None or not VIRTUOSO_INI.is_file():
        unavailable("Virtuoso is not installed (apt-get install virtuoso-opensource)")
        return
    sql_port, http_port = free_port(), free_port()
    ini = virtuoso_ini(folder, sql_port, http_port)
    log = folder / "virtuoso.out"
    with log.open("wb") as out:
        server = subprocess.Popen([exe, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{http_port}"
    try:
        _wait(server, f"{url}/sparql?query=ASK%7B%7D", log, 120)
        store = Store("virtuoso", f"{url}/sparql-graph-crud-auth", f"{url}/sparql", "dba", "dba", sql_port=sql_port)
        store.initial = store.graphs()
        yield store
    finally:
        _stop(server)
