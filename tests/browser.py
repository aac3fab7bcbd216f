"""Headless Chromium for the browser tests and bench/bench_html.py: Debian's ``chromium``
driven by Playwright's Python client (never a downloaded browser)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Headless as root, and quiet on a closed network (no update, sync or QUIC traffic)."""
VIEWPORT = {"width": 1400, "height": 900}
READY = "window.kg !== undefined && window.kg.ready === true"
"""True once the page has drawn its network for the first time."""


@contextmanager
def chromium() -> Iterator[Any]:
    """A Playwright ``Browser`` running Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(
    browser: Any,
    url: str,
    requests: list[str],
    dialogs: list[str] | None = None,
    timeout_ms: int = 120_000,
) -> Any:
    """A new page at ``url``, once its network is drawn. Every URL it requests goes into
    ``requests``; the message of every dialog it opens into ``dialogs`` (then dismissed)."""
    page = browser.new_page(viewport=VIEWPORT)
    page.on("request", lambda request: requests.append(request.url))
    if dialogs is not None:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_function(READY, timeout=timeout_ms)
    return page
