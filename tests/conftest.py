"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL.

The PostgreSQL server is a throwaway one this run starts (tests/support/pgserver.py)
on a free loopback port; when it cannot start, those tests are skipped with the
reason. Each test starts from empty tables: ingest commits batch by batch, so the
tables are emptied after every test instead of rolling back one transaction.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import itertools

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.engine import Engine

from xinsheng.config import get_settings
from xinsheng.db import Base, get_engine
from xinsheng.migrate import upgrade

BACKENDS = ["sqlite", "postgresql"]
# Personal data is encrypted at rest and there is no default key: the tests use a fresh one
# (CLI subprocesses inherit it through the environment).
os.environ.setdefault("XINSHENG_PII_KEYS", Fernet.generate_key().decode("ascii"))
# Likewise the audit log's HMAC key (audit/keys.py): kept outside the database, no default.
os.environ.setdefault("XINSHENG_AUDIT_KEY", secrets.token_urlsafe(32))
os.environ.pop("XINSHENG_MODE", None)
# No background worker (case clocks, outbox) in servers the tests start, unless a test asks.
os.environ["XINSHENG_WORKER"] = "off"
# One home for the test process: the built-in VOC model is trained there once per run
# (≈30 s of CPU) and shared with every test's own home (see ``settings_env``).
SESSION_HOME = Path(tempfile.mkdtemp(prefix="xinsheng-test-home-"))
os.environ["XINSHENG_HOME"] = str(SESSION_HOME)
# Ingest runs the cases flow (auto-open, repeat contacts, escalation rules) in every test, as
# the app and the command line wire it, not only after some test happened to build an app.
from xinsheng.cases.flows import install as _install_cases_flow  # noqa: E402

_install_cases_flow()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    from tests.support.pgserver import PostgresUnavailable, throwaway_postgres

    try:
        with throwaway_postgres() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'xinsheng.db'}"
    return request.getfixturevalue("postgres_url")


def empty_tables(engine: Engine) -> None:
    """Every table emptied; audit entries through retention's sanctioned path (the delete
    triggers refuse any other)."""
    from xinsheng.audit.actions import sanctioned_removal

    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "audit_control"]
    with engine.begin() as conn, sanctioned_removal(conn):
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    """The migrated database of this backend, emptied after the test."""
    eng = get_engine(db_url)
    upgrade(eng)
    yield eng
    empty_tables(eng)


@pytest.fixture(scope="session")
def builtin_models() -> Path:
    """The built-in VOC models, trained once for the whole run."""
    from xinsheng.voc.pipeline import get_analyzer

    get_analyzer()
    return SESSION_HOME / "models"


def _home_sharing_models(home: Path, builtin_models: Path) -> Path:
    (home / "models").mkdir(parents=True)
    for entry in builtin_models.iterdir():
        (home / "models" / entry.name).symlink_to(entry)
    return home


@pytest.fixture
def settings_env(db_url, monkeypatch, tmp_path, builtin_models):
    """Points the process settings (and CLI subprocesses) at this backend, with a home of
    the test's own that shares the trained built-in models."""
    home = _home_sharing_models(tmp_path / "home", builtin_models)
    monkeypatch.setenv("XINSHENG_DATABASE_URL", db_url)
    monkeypatch.setenv("XINSHENG_HOME", str(home))
    get_settings.cache_clear()
    yield dict(os.environ)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def demo_banks(tmp_path_factory, builtin_models):
    """The demo banks of this run, each loaded once per database kind; a module whose tests
    read one overrides ``db_url`` with ``demo_banks.copy(db_url)`` (tests/support/demo_bank.py)."""
    from contextlib import contextmanager

    from tests.support.demo_bank import DemoBanks

    root = tmp_path_factory.mktemp("demo-banks")

    @contextmanager
    def environment(url: str):  # as ``settings_env`` sets it for a test
        with pytest.MonkeyPatch.context() as mp:
            home = _home_sharing_models(Path(tempfile.mkdtemp(dir=root, prefix="home-")), builtin_models)
            mp.setenv("XINSHENG_DATABASE_URL", url)
            mp.setenv("XINSHENG_HOME", str(home))
            get_settings.cache_clear()
            try:
                yield
            finally:
                get_settings.cache_clear()

    return DemoBanks(root, environment)


@pytest.fixture
def demo_bank(db_url, demo_banks):
    """(bank, load report) of the demo bank copy this module's ``db_url`` points at."""
    return demo_banks.loaded(db_url)


@pytest.fixture
def app(engine, db_url):
    from xinsheng.app import create_app

    return create_app(db_url)


@pytest.fixture
def client(app, engine):
    """A system client whose token has every scope (ingest, customers with personal data, ...)."""
    from tests.auth import token_client

    with token_client(app, engine) as test_client:
        yield test_client


@pytest.fixture
def anon(app):
    """A client without credentials."""
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def client_as(app, engine):
    """``client_as("agent", agent_ref="A1001")``: signed in as a new person of that role
    (a browser session, CSRF header included); ``client_as("system", scopes=[...])`` for a token."""
    from tests.auth import session_client, token_client

    made = []

    def make(role: str, **fields):
        if role == "system":
            c = token_client(app, engine, "system", scopes=fields.get("scopes"))
        else:
            c = session_client(app, engine, role, **fields)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


# Real-browser fixtures: a live server on this backend and one shared headless Chromium
# (Playwright's sync API cannot start twice in one thread, so there is exactly one).
_n = itertools.count(1)
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def browser():
    from tests.support.browser import BrowserUnavailable, chromium_browser

    try:
        with chromium_browser() as b:
            yield b
    except BrowserUnavailable as exc:
        pytest.skip(f"Chromium unavailable: {exc}")


@pytest.fixture
def base_url(engine, db_url):
    from tests.support.browser import live_server
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
