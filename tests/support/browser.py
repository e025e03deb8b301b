"""A live HTTP server for an ASGI app, and headless Chromium pages for tests.

    with live_server(app) as base_url, browser_page("zh-CN") as page:
        page.goto(base_url + "/")
        expect(page.get_by_role("heading")).to_have_text("心声")

The browser is Debian's ``chromium`` package (``/usr/bin/chromium``, or
``$CHROMIUM_PATH``), driven by the Python ``playwright`` package's own driver.
Never run ``playwright install``: it downloads a browser, which is neither
allowed nor possible here. ``BrowserUnavailable(reason)`` is raised when
Chromium or Playwright is missing or Chromium cannot start, so the caller can
skip with the reason.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:  # pragma: no cover
    import playwright.sync_api

__all__ = [
    "BrowserUnavailable",
    "CHROMIUM_ARGS",
    "browser_page",
    "chromium_browser",
    "chromium_path",
    "live_server",
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class BrowserUnavailable(RuntimeError):
    """No headless browser can be used; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------
# live server


@contextmanager
def live_server(app: Any, *, host: str = "127.0.0.1", timeout: float = 20.0,
                log_level: str = "warning", lifespan: str = "auto") -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yield ``http://HOST:PORT``.

    The listening socket is bound (to a free port) before uvicorn starts, so
    there is no port race. Waits until uvicorn has started (lifespan startup
    included); on exit asks it to stop, forcing it after a few seconds if
    connections stay open.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]

    config = uvicorn.Config(app, host=host, port=port, log_level=log_level,
                            lifespan=lifespan, access_log=False,
                            timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # SystemExit on startup failure included
            errors.append(exc)

    thread = threading.Thread(target=serve, name=f"live-server-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive():
                detail = f": {errors[0]!r}" if errors else ""
                raise RuntimeError(f"uvicorn exited before it was ready{detail}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start within {timeout}s")
            time.sleep(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        sock.close()


# --------------------------------------------------------------------------
# browser


def chromium_path() -> str | None:
    """Chromium executable: ``$CHROMIUM_PATH`` when set, else ``/usr/bin/chromium``."""
    env = os.environ.get("CHROMIUM_PATH")
    candidates = [env] if env else ["/usr/bin/chromium"]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


@contextmanager
def chromium_browser() -> Iterator["playwright.sync_api.Browser"]:
    """Launch headless Chromium once (e.g. in a session fixture); yield the Browser."""
    exe = chromium_path()
    if exe is None:
        where = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
        raise BrowserUnavailable(
            f"Chromium not found at {where} (run scripts/test-deps.sh to install "
            "Debian's chromium, or set CHROMIUM_PATH)"
        )
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable(f"the playwright Python package is not installed: {exc}") from None

    try:
        pw_cm = sync_playwright()
        pw = pw_cm.__enter__()
    except Exception as exc:  # driver missing/broken, or called inside an asyncio loop
        raise BrowserUnavailable(f"Playwright could not start: {exc}") from None
    try:
        try:
            browser = pw.chromium.launch(executable_path=exe, headless=True,
                                         args=CHROMIUM_ARGS, timeout=60_000)
        except PlaywrightError as exc:
            raise BrowserUnavailable(f"Chromium ({exe}) failed to launch: {exc}") from None
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw_cm.__exit__(None, None, None)


@contextmanager
def browser_page(lang: str = "zh-CN", *,
                 browser: "playwright.sync_api.Browser | None" = None,
                 **context_options: Any) -> Iterator["playwright.sync_api.Page"]:
    """Yield a fresh Page in a new browser context with ``locale=lang``.

    Launches its own headless Chromium unless ``browser`` (from
    ``chromium_browser()``) is given. Extra keyword arguments go to
    ``Browser.new_context`` (viewport, timezone_id, ...).
    """
    context_options.setdefault("locale", lang)  # also sets Accept-Language
    owner = chromium_browser() if browser is None else nullcontext(browser)
    with owner as b:
        context = b.new_context(**context_options)
        try:
            yield context.new_page()
        finally:
            context.close()
