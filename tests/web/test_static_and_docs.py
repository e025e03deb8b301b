"""Speed and offline: compressed responses, static files cached for a year under URLs that
carry their content's hash, a favicon, and /docs without the internet.

Expected hashes and bytes come from the files themselves (hashlib, gzip), read from the
installed packages' folders, not from the code under test.
"""
from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest

import fastapi_offline
import plotly
import xinsheng

STATIC = Path(xinsheng.__file__).parent / "web" / "static"
FILES = {
    "app.css": STATIC / "app.css",
    "favicon.svg": STATIC / "favicon.svg",
    "vendor/htmx-2.0.11.min.js": STATIC / "vendor" / "htmx-2.0.11.min.js",
    "vendor/plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
    "swagger-ui-bundle.js": Path(fastapi_offline.__file__).parent / "static" / "swagger-ui-bundle.js",
    "swagger-ui.css": Path(fastapi_offline.__file__).parent / "static" / "swagger-ui.css",
}
YEAR = "public, max-age=31536000, immutable"


def _raw(client, url: str, **headers):
    """The response and its bytes as sent (httpx would decompress them)."""
    with client.stream("GET", url, headers=headers) as res:
        return res, b"".join(res.iter_raw())


def _static_urls(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r'/static/([\w./-]+)\?v=\w+', html)}


def test_the_home_page_links_every_asset_by_its_content_hash(client_as):
    supervisor = client_as("supervisor")
    html = supervisor.get("/").text
    urls = _static_urls(html)
    assert {"app.css", "favicon.svg", "vendor/htmx-2.0.11.min.js", "vendor/plotly.min.js"} <= set(urls)
    assert 'rel="icon"' in html
    for name, url in urls.items():
        source = FILES.get(name, STATIC / name)  # the site's own files lie under web/static
        assert url.endswith("?v=" + hashlib.sha256(source.read_bytes()).hexdigest()[:12]), name


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_versioned_asset_is_cached_for_a_year_and_sent_compressed(anon, client_as, name):
    body = FILES[name].read_bytes()
    url = f"/static/{name}?v=" + hashlib.sha256(body).hexdigest()[:12]
    res, raw = _raw(anon, url, **{"accept-encoding": "gzip"})
    assert res.status_code == 200 and res.headers["cache-control"] == YEAR
    if len(body) >= 1024:
        assert res.headers["content-encoding"] == "gzip" and "accept-encoding" in res.headers["vary"].lower()
        assert gzip.decompress(raw) == body and len(raw) < len(body)
    else:
        assert "content-encoding" not in res.headers and raw == body
    plain, raw = _raw(anon, url, **{"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and raw == body
    assert plain.headers["etag"] != res.headers["etag"] or len(body) < 1024
    again = anon.get(url, headers={"accept-encoding": "gzip", "if-none-match": res.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_unversioned_or_stale_urls_are_revalidated_not_cached_for_a_year(anon):
    for url in ("/static/app.css", "/static/app.css?v=000000000000", "/static/vendor/plotly.min.js"):
        res = anon.get(url)
        assert res.status_code == 200 and res.headers["cache-control"] == "no-cache", url
        assert anon.get(url, headers={"if-none-match": res.headers["etag"]}).status_code == 304


def test_pages_are_compressed_and_never_cached_small_answers_are_left_alone(client_as, anon):
    res, raw = _raw(client_as("supervisor"), "/", **{"accept-encoding": "gzip"})
    assert res.headers["content-encoding"] == "gzip" and res.headers["cache-control"] == "no-store"
    assert b"<html" in gzip.decompress(raw)
    health, raw = _raw(anon, "/api/v1/health", **{"accept-encoding": "gzip"})
    assert "content-encoding" not in health.headers and raw.startswith(b"{")


def test_docs_use_only_local_swagger_files(client_as):
    supervisor = client_as("supervisor")
    html = supervisor.get("/docs").text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    js = next(s for s in sources if "swagger-ui-bundle.js" in s)
    assert supervisor.get(js).content == FILES["swagger-ui-bundle.js"].read_bytes()
    assert "http" not in html.split("<body>", 1)[1].replace("window.location", "")


@pytest.mark.browser
def test_docs_render_the_api_in_a_browser_that_reaches_nothing_outside(base_url, browser, sign_in):
    from tests.support.browser import browser_page

    outside = []
    with browser_page("en-US", browser=browser) as page:
        def only_local(route):
            if route.request.url.startswith(base_url):
                return route.continue_()
            outside.append(route.request.url)
            return route.abort()

        page.route("**/*", only_local)
        sign_in(page, base_url, "supervisor")
        page.goto(base_url + "/docs")
        page.wait_for_selector(".opblock-tag", timeout=15000)
        assert page.locator(".opblock").count() > 10
        assert page.locator('[data-path="/api/v1/customers/{customer_ref}"]').count() > 0
    assert outside == []


def test_a_compressed_file_is_kept_under_the_home_for_the_next_server(settings_env, anon):
    from xinsheng.config import get_settings
    from xinsheng.web import assets

    assets._gzipped.cache_clear()
    body = FILES["vendor/htmx-2.0.11.min.js"].read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:12]
    res, raw = _raw(anon, f"/static/vendor/htmx-2.0.11.min.js?v={digest}", **{"accept-encoding": "gzip"})
    kept = Path(get_settings().home) / "cache" / "static" / f"htmx-2.0.11.min.js.{digest}.gz"
    assert kept.read_bytes() == raw and gzip.decompress(raw) == body
    kept.write_bytes(gzip.compress(b"kept copy", mtime=0))  # a restarted server reads it, not the file
    assets._gzipped.cache_clear()
    again, raw = _raw(anon, f"/static/vendor/htmx-2.0.11.min.js?v={digest}", **{"accept-encoding": "gzip"})
    assert gzip.decompress(raw) == b"kept copy"
    assets._gzipped.cache_clear()


def test_every_static_file_and_template_is_in_the_package_data():
    """A file the pages link that a wheel leaves out would break every page once installed."""
    import fnmatch
    import tomllib

    project = tomllib.loads((Path(xinsheng.__file__).parents[2] / "pyproject.toml").read_text())
    globs = project["tool"]["setuptools"]["package-data"]["xinsheng"]
    package = Path(xinsheng.__file__).parent
    shipped = [p for folder in ("static", "templates") for d in package.rglob(folder) if d.is_dir()
               for p in d.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert any(p.name == "favicon.svg" for p in shipped)
    left_out = [str(p.relative_to(package)) for p in shipped
                if not any(fnmatch.fnmatch(p.name, g.rsplit("/", 1)[-1]) for g in globs)]
    assert not left_out, f"add their patterns to [tool.setuptools.package-data]: {left_out}"
