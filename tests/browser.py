"""A real headless Chromium (Debian's `chromium`, installed by `make setup` when missing) driven
by playwright, for tests that check a page as a person would see it.

Registered as a plugin in tests/conftest.py, so any test can ask for ``tab``. Playwright's
own browser download is not used: the system browser is launched by path. Where there is no
browser the tests that need one are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

BROWSER_ENV = "NETS_CHROMIUM"
SCREEN_WIDTH, SCREEN_HEIGHT = 1280, 900


def chromium_path() -> str | None:
    """$NETS_CHROMIUM, else `chromium` (Debian) or `chromium-browser` on PATH."""
    explicit = os.environ.get(BROWSER_ENV)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Tab:
    """A page and every URL it requested (a self-contained page requests only itself)."""

    page: Page
    requests: list[str] = field(default_factory=list)

    def open(self, path: Path) -> Page:
        self.page.goto(path.resolve().as_uri())
        return self.page


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium per test session (per xdist worker)."""
    path = chromium_path()
    if path is None:
        pytest.skip(
            f"no chromium: `make setup` installs it (apt-get, as root) or set {BROWSER_ENV}"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: the test machine runs as root, where Chromium's sandbox cannot start.
        launched = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    """A fresh page on a 1280x900 screen, recording its requests."""
    context = browser.new_context(viewport={"width": SCREEN_WIDTH, "height": SCREEN_HEIGHT})
    opened = Tab(context.new_page())
    opened.page.on("request", lambda request: opened.requests.append(request.url))
    try:
        yield opened
    finally:
        context.close()
