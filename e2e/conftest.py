"""Browser tests: Debian's Chromium driven by Playwright, with axe-core for accessibility.

Every request the page makes to a host other than the test server fails the test: the
platform must serve every asset itself. Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

SHOTS = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"


class Page:
    """A page plus the record of any request that tried to leave the platform."""

    def __init__(self, page: object, base: str) -> None:
        self.page = page
        self.base = base
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def axe(self, name: str) -> None:
        """No critical or serious accessibility violations on the current page."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(
            self.page,
            options={
                "resultTypes": ["violations"],
                "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
            },
        )
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in ("critical", "serious")
        ]
        assert bad == [], f"{name}: {bad}"


def open_page(browser: Any, base: str) -> tuple[Any, Page]:
    """A fresh browser context (its own cookies: one person at one computer) whose every
    request to another host is recorded and refused."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    wrapper = Page(page, base)
    host = urlparse(base).hostname

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        target = urlparse(request.url)
        if target.scheme in ("data", "blob") or target.hostname == host:
            route.continue_()
        else:
            wrapper.foreign.append(request.url)
            route.abort()

    page.route(re.compile(".*"), guard)
    return context, wrapper


def assert_clean(wrapper: Page) -> None:
    assert wrapper.foreign == [], f"requests to other hosts: {wrapper.foreign}"
    blocked = [e for e in wrapper.console_errors if "Content Security Policy" in e]
    assert blocked == [], f"blocked by the Content-Security-Policy: {blocked}"


@pytest.fixture
def web(browser, live_server) -> Iterator[Page]:
    context, wrapper = open_page(browser, live_server.url)
    yield wrapper
    context.close()
    assert_clean(wrapper)


@pytest.fixture
def more_web(browser, live_server) -> Iterator[Callable[[], Page]]:
    """Call it for each further person (a staff member beside the citizen): every page it
    opens has its own context and the same guards as `web`."""
    opened: list[tuple[Any, Page]] = []

    def new() -> Page:
        opened.append(open_page(browser, live_server.url))
        return opened[-1][1]

    yield new
    for context, _ in opened:
        context.close()
    for _, wrapper in opened:
        assert_clean(wrapper)
