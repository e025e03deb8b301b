"""Real-browser fixtures: a live server on SQLite and one shared headless Chromium."""
from __future__ import annotations

import pytest

from tests.support.browser import BrowserUnavailable, chromium_browser, live_server


@pytest.fixture(scope="session")
def browser():
    try:
        with chromium_browser() as b:
            yield b
    except BrowserUnavailable as exc:
        pytest.skip(f"Chromium unavailable: {exc}")


@pytest.fixture
def base_url(engine, db_url):
    from xinsheng.app import create_app

    with live_server(create_app(db_url)) as url:
        yield url
