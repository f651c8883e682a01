"""Driving Debian's Chromium with Playwright, network blocked and every request recorded.

Used by the browser tests and the page benchmark. When Chromium or Playwright
is missing, the tests fail under CI (after trying ``apt-get install chromium``)
and are skipped, with the reason, elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """The Chromium executable; under CI install it if missing, else fail; outside CI skip."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    if os.environ.get("CI"):
        try:
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True, timeout=600)
            subprocess.run(
                ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
                check=True,
                env=env,
                capture_output=True,
                timeout=900,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.fail(f"CI is set and Chromium is missing; `apt-get install chromium` failed: {exc}")
        found = shutil.which("chromium")
        if not found:
            pytest.fail("CI is set and Chromium is missing even after `apt-get install chromium`")
        return found
    pytest.skip("Chromium is not installed (apt-get install chromium); under CI this is a failure")


def sync_playwright() -> Any:
    """Playwright's sync API; under CI its absence is a failure, elsewhere a skip."""
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail('CI is set and Playwright is missing: pip install ".[test]"')
        pytest.skip('Playwright is not installed: pip install ".[test]"')
    return start


@dataclass
class Visit:
    """One page opened with the network blocked: the page and what it tried to do."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def outside(self) -> list[str]:
        """Every request that was not for the page's own file."""
        return [u for u in self.requests if u != self.url]


class Browser:
    """A running Chromium; :meth:`open` loads a local page with every request recorded and none let out."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser

    def open(self, path: Path, *, width: int = 1400, height: int = 900, fragment: str = "") -> Visit:
        """Open ``path`` (with ``#fragment`` when given) and wait for its first drawn frame."""
        context = self.browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        visit = Visit(page=page, url=path.resolve().as_uri())

        def route(r: Any) -> None:
            visit.requests.append(r.request.url)
            if r.request.url == visit.url:
                r.continue_()
            else:
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: visit.errors.append(f"page error: {e}"))
        page.on("dialog", lambda d: (visit.dialogs.append(d.message), d.dismiss()))
        page.goto(visit.url + (f"#{fragment}" if fragment else ""))
        wait_until(page, "window.newsgraph !== undefined && window.newsgraphFirstDraw !== undefined")
        return visit


def wait_until(page: Any, expression: str, timeout: float = 30.0) -> None:
    """Poll ``expression`` until it is true (``wait_for_function`` evaluates strings, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def launch() -> Iterator[Browser]:
    """Start Playwright and Chromium for a test session; stop both afterwards."""
    executable = chromium_path()
    with sync_playwright()() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield Browser(browser)
        finally:
            browser.close()
