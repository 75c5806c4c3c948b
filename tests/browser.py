"""The headless chromium of the browser tests: the Debian package driven by Playwright's Python package.

``playwright_api, CHROMIUM = chromium_or_skip()`` at the top of a test module skips the whole module,
with the command to install what is missing, when either is absent."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_or_skip() -> tuple[Any, str]:
    api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the Python package)")
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Debian chromium not found: apt-get install -y chromium", allow_module_level=True)
    return api, path
