"""Real-browser fixtures: a live server on SQLite and one shared headless Chromium."""
from __future__ import annotations

import itertools

import pytest

from tests.support.browser import BrowserUnavailable, chromium_browser, live_server

_n = itertools.count(1)
PASSWORD = "correct horse battery staple"


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


@pytest.fixture
def sign_in(engine):
    """``sign_in(page, base_url, "supervisor")``: a new user of that role signs in through
    the real sign-in page; returns the username."""
    from xinsheng.db import session_scope
    from xinsheng.identity.actions import do_create_user

    def go(page, base_url: str, role: str, **fields) -> str:
        username = f"{role.replace('_', '-')}{next(_n)}"
        with session_scope(engine) as session:
            do_create_user(session, username=username, role=role, password=PASSWORD,
                           display_name=fields.pop("display_name", username), **fields)
        page.goto(base_url + "/signin")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("#signin-form button[type=submit]")
        page.wait_for_selector("#whoami")
        return username

    return go
