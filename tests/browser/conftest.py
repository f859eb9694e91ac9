"""Browser tests: a throwaway Accord (small demo seeded into a temp directory, served by
`accord runserver` in a subprocess) driven by Debian's Chromium through Playwright.

Chromium: $ACCORD_CHROMIUM or /usr/bin/chromium (.ci/run installs it). Without it the tests
are skipped, unless ACCORD_REQUIRE_BROWSER=1 (set by CI), where they fail instead.

Every response gets the production Content-Security-Policy (no 'unsafe-inline'), and a test
fails when the page violates it or logs a JavaScript error.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "accord-demo-2026"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("ACCORD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(chromium_path, tmp_path_factory) -> Iterator[str]:
    """Base URL of a demo Accord with its own SQLite database."""
    data = tmp_path_factory.mktemp("accord-browser")
    env = {**os.environ, "ACCORD_DATA_DIR": str(data), "ACCORD_ENV": "development"}
    for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ACCORD_DEBUG"):
        env.pop(key, None)
    accord = str(Path(sys.executable).parent / "accord")
    subprocess.run([accord, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run(
        [accord, "seed-demo", "--size", "small", "--seed", "1", "-v", "0"], env=env, check=True
    )
    subprocess.run([accord, "safety-seed-demo", "--if-empty", "-v", "0"], env=env, check=True)
    subprocess.run([accord, "grid-seed-demo", "--if-empty", "-v", "0"], env=env, check=True)
    subprocess.run([accord, "participation-seed-demo", "--if-empty"], env=env, check=True)
    subprocess.run([accord, "wellbeing-seed-demo", "--if-empty", "-v", "0"], env=env, check=True)
    port = _free_port()
    log = open(data / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [accord, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError((data / "server.log").read_text()) from None
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path)
        yield b
        b.close()


class Watched:
    """A browser context whose pages get the CSP header and record what went wrong."""

    def __init__(self, browser, **kwargs) -> None:
        self.context = browser.new_context(**kwargs)
        self.problems: list[str] = []
        self.closing = False
        self.context.route("**/*", self._with_csp)

    def _with_csp(self, route) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            response = route.fetch(max_redirects=0)
            headers = {**response.headers}
            if headers.get("content-type", "").startswith("text/html"):
                headers["content-security-policy"] = CSP
            route.fulfill(response=response, headers=headers)
        except PlaywrightError:
            if self.closing:
                return  # a request still in flight when the test closed its context
            raise

    def page(self):
        page = self.context.new_page()
        page.on("pageerror", lambda exc: self.problems.append(f"JS error: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.problems.append(f"console: {msg.text}")
                if msg.type == "error" and "status of 4" not in msg.text
                else None
            ),
        )
        return page

    def close(self) -> None:
        # Stop routing first: a handler still fetching when the context goes would otherwise
        # raise "Fetch response has been disposed" into whichever test runs next.
        self.closing = True
        self.context.unroute_all(behavior="ignoreErrors")
        self.context.close()


@pytest.fixture
def contexts(browser):
    """contexts(**new_context kwargs) -> Watched; fails the test on CSP or JS errors."""
    made: list[Watched] = []

    def make(**kwargs) -> Watched:
        w = Watched(browser, **kwargs)
        made.append(w)
        return w

    yield make
    problems = [p for w in made for p in w.problems]
    for w in made:
        w.close()
    assert problems == [], problems
