"""Tests of the test-support helpers: throwaway PostgreSQL, live server, browser."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa

from tests.support import pgserver
from tests.support.browser import (
    BrowserUnavailable,
    browser_page,
    chromium_browser,
    chromium_path,
    live_server,
)
from tests.support.pgserver import PostgresUnavailable, find_pg_bin, throwaway_postgres

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def _postgres(**kwargs) -> Iterator[str]:
    """throwaway_postgres(), skipping the test when PostgreSQL is unavailable."""
    with ExitStack() as stack:
        try:
            url = stack.enter_context(throwaway_postgres(**kwargs))
        except PostgresUnavailable as exc:
            pytest.skip(f"PostgreSQL unavailable: {exc.reason}")
        yield url


@contextmanager
def _browser_or_skip(cm):
    """Enter a browser context manager, skipping the test when no browser is available."""
    with ExitStack() as stack:
        try:
            obj = stack.enter_context(cm)
        except BrowserUnavailable as exc:
            pytest.skip(f"browser unavailable: {exc.reason}")
        yield obj


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def _non_loopback_ipv4() -> str | None:
    """An address of this machine that is not loopback, if any."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1; no packet is sent for UDP connect
            addr = s.getsockname()[0]
    except OSError:
        return None
    return None if addr.startswith("127.") or addr == "0.0.0.0" else addr


# --------------------------------------------------------------------------
# PostgreSQL


def test_find_pg_bin_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    assert find_pg_bin() is None  # no initdb there
    fake = tmp_path / "initdb"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_pg_bin() == tmp_path


def test_missing_binaries_raise_postgres_unavailable(monkeypatch, tmp_path):
    monkeypatch.setenv("PG_BIN", str(tmp_path / "nowhere"))
    with pytest.raises(PostgresUnavailable) as info:
        with throwaway_postgres():
            pass
    assert "not found" in info.value.reason


def test_throwaway_postgres_runs_queries_on_loopback():
    with _postgres() as url:
        u = urlsplit(url)
        assert u.scheme == "postgresql+psycopg"
        assert u.hostname == "127.0.0.1"
        assert u.port not in (None, 5432)
        assert u.path == "/xinsheng_test"

        engine = sa.create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE t (id int PRIMARY KEY, name text)"))
                conn.execute(sa.text("INSERT INTO t VALUES (1, '心声')"))
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT name FROM t")).scalar_one() == "心声"
                row = conn.execute(sa.text(
                    "SELECT current_database(), current_setting('listen_addresses'),"
                    " host(inet_server_addr()), inet_server_port(),"
                    " current_setting('fsync'), current_setting('server_encoding'),"
                    " current_setting('data_directory')"
                )).one()
        finally:
            engine.dispose()
        db, listen, server_addr, server_port, fsync, encoding, data_dir = row
        assert db == "xinsheng_test"
        assert listen == "127.0.0.1"
        assert server_addr == "127.0.0.1"
        assert server_port == u.port
        assert fsync == "off"
        assert encoding == "UTF8"
        assert _port_open(u.port)
        other = _non_loopback_ipv4()
        if other:
            assert not _port_open(u.port, other), f"server reachable on {other}"

    # stopped and removed on exit
    assert not _port_open(u.port)
    assert not Path(data_dir).exists()


def test_two_throwaway_servers_at_once():
    with _postgres() as url_a, _postgres() as url_b:
        port_a, port_b = urlsplit(url_a).port, urlsplit(url_b).port
        assert port_a != port_b
        a, b = sa.create_engine(url_a), sa.create_engine(url_b)
        try:
            with a.begin() as conn:
                conn.execute(sa.text("CREATE TABLE only_in_a (x int)"))
            with b.connect() as conn:
                assert conn.execute(sa.text("SELECT to_regclass('only_in_a')")).scalar() is None
            with a.connect() as conn:
                assert conn.execute(sa.text("SELECT to_regclass('only_in_a')")).scalar() == "only_in_a"
        finally:
            a.dispose()
            b.dispose()


def test_port_clash_is_retried(monkeypatch):
    """When the chosen port is taken by the time PostgreSQL binds, another is tried."""
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    ports = iter([taken])
    real_free_port = pgserver._free_port
    monkeypatch.setattr(pgserver, "_free_port", lambda: next(ports, None) or real_free_port())
    try:
        with _postgres() as url:
            assert urlsplit(url).port != taken
    finally:
        blocker.close()


def test_leftovers_of_a_killed_process_are_reaped():
    """A test process killed mid-run leaves a server; the next one cleans it up."""
    if find_pg_bin() is None:
        pytest.skip("PostgreSQL unavailable: server binaries not found")
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys, time
            from tests.support.pgserver import throwaway_postgres
            with throwaway_postgres() as url:
                print(url, flush=True)
                time.sleep(600)
        """)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = child.stdout.readline().strip()
        if not line:
            child.kill()
            err = child.stderr.read()
            if "PostgresUnavailable" in err:
                pytest.skip(f"PostgreSQL unavailable: {err.strip().splitlines()[-1]}")
            pytest.fail(f"child did not start a server: {err}")
        port = urlsplit(line).port
        engine = sa.create_engine(line)
        with engine.connect() as conn:
            data_dir = Path(conn.execute(sa.text("SHOW data_directory")).scalar_one())
        engine.dispose()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        child.stderr.close()
    assert _port_open(port) and data_dir.exists()  # leaked, as expected after SIGKILL

    pgserver._reap_stale(find_pg_bin(), pgserver._Runner())
    deadline = time.monotonic() + 10
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _port_open(port)
    assert not data_dir.parent.exists()


# --------------------------------------------------------------------------
# live server and browser


def _tiny_app():
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse

    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return (
            "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            "<title>心声 测试</title></head><body>"
            "<h1>欢迎使用心声</h1><p id='lang'></p>"
            "<script>document.getElementById('lang').textContent ="
            " 'navigator.language=' + navigator.language;</script>"
            "</body></html>"
        )

    @app.get("/api/ping")
    def ping() -> dict:
        return {"pong": True}

    return app


def test_live_server_serves_and_shuts_down():
    with live_server(_tiny_app()) as base:
        u = urlsplit(base)
        assert u.hostname == "127.0.0.1" and u.port
        r = httpx.get(f"{base}/api/ping", timeout=5)
        assert r.status_code == 200 and r.json() == {"pong": True}
    assert not _port_open(u.port)


def test_live_server_reports_startup_failure():
    from contextlib import asynccontextmanager

    from fastapi import FastAPI

    @asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("boom")
        yield

    with pytest.raises(RuntimeError, match="uvicorn exited before it was ready"):
        with live_server(FastAPI(lifespan=lifespan), log_level="critical"):
            pass


def test_chromium_path_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "missing"))
    assert chromium_path() is None
    with pytest.raises(BrowserUnavailable, match="Chromium not found"):
        with browser_page():
            pass


@pytest.mark.browser
def test_browser_page_shows_the_live_app():
    with live_server(_tiny_app()) as base, _browser_or_skip(browser_page("zh-CN")) as page:
        page.goto(base + "/")
        heading = page.get_by_role("heading", level=1)
        heading.wait_for(state="visible", timeout=10_000)
        assert heading.inner_text() == "欢迎使用心声"
        assert page.title() == "心声 测试"
        assert page.locator("#lang").inner_text() == "navigator.language=zh-CN"
        assert "欢迎使用心声" in page.locator("body").inner_text()


@pytest.mark.browser
def test_one_browser_many_pages_with_locales():
    with _browser_or_skip(chromium_browser()) as browser, live_server(_tiny_app()) as base:
        for lang in ("zh-CN", "en-US"):
            with browser_page(lang, browser=browser) as page:
                page.goto(base + "/")
                assert page.locator("#lang").inner_text() == f"navigator.language={lang}"
                assert page.evaluate("navigator.language") == lang



def test_demo_bank_copies_hold_the_bank_and_are_independent(db_url, demo_banks):
    """Two copies of one loaded bank: each holds all its customers, a write to one is not in
    the other, and a copy is gone after its test (tests/support/demo_bank.py)."""
    from xinsheng.db import get_engine

    def segments(url: str) -> dict[str, str]:
        with get_engine(url).connect() as conn:
            return dict(conn.execute(sa.text("SELECT customer_ref, segment FROM customers "
                                             "WHERE customer_ref IS NOT NULL AND is_placeholder = false")).all())

    small = {"customers": 12, "days": 3, "seed": 11}
    with demo_banks.copy(db_url, **small) as one, demo_banks.copy(db_url, **small) as two:
        bank, _ = demo_banks.loaded(one)
        assert segments(one) == segments(two) == {c["customer_ref"]: c["segment"] for c in bank.customers}
        with get_engine(one).begin() as conn:
            conn.execute(sa.text("UPDATE customers SET segment = 'changed'"))
        assert set(segments(one).values()) == {"changed"} and "changed" not in segments(two).values()
    with demo_banks.copy(db_url, **small) as three:
        assert demo_banks.loaded(three)[0] is bank  # generated and loaded once
        assert "changed" not in segments(three).values()
    for url in (one, two):  # each copy is removed after use
        parsed = sa.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            assert not Path(parsed.database).exists()
        else:
            with get_engine(db_url).connect() as conn:
                assert not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                        {"n": parsed.database}).first()
