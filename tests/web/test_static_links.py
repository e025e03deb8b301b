"""Every page links its static files (scripts, style sheets, icons, images) through the
versioned URL: ``/static/<name>?v=<the file's content hash>``, served with a year-long
immutable cache. Every page of the one-language tour is walked as every role it admits,
signed out too, plus /docs and the error pages.

Expected hashes come from the files themselves (hashlib over web/static, Plotly's and
fastapi-offline's folders), not from the code under test.
"""
from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import fastapi_offline
import plotly

import xinsheng
from tests.web.test_one_language import PAGES, REFUSED, ROLES, people, world  # noqa: F401 (fixtures)

STATIC = Path(xinsheng.__file__).parent / "web" / "static"
ROOTS = (STATIC, Path(fastapi_offline.__file__).parent / "static")
YEAR = "public, max-age=31536000, immutable"
HTML = {"accept": "text/html"}


class _Links(HTMLParser):
    """(tag, attribute, url) of every src/href on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.found.append((tag, name, value))


def static_links(html: str) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(html)
    return [(tag, attr, url) for tag, attr, url in parser.found if urlsplit(url).path.startswith("/static/")]


def file_hash(name: str) -> str:
    if name == "vendor/plotly.min.js":
        path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    else:
        path = next(root / name for root in ROOTS if (root / name).is_file())
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def check_page(client, url: str, seen: dict[str, str], problems: list[str]) -> None:
    """Check the page's static links; a whole page (not an htmx fragment) must have some."""
    res = client.get(url, headers=HTML)
    assert res.status_code < 500, (url, res.status_code)
    links = static_links(res.text)
    if "<html" in res.text and not links:
        problems.append(f"{url}: a page that links no static file (no style sheet?)")
    for tag, attr, link in links:
        parts = urlsplit(link)
        name = parts.path.removeprefix("/static/")
        version = parse_qs(parts.query).get("v", [None])[0]
        if version != file_hash(name):
            problems.append(f"{url}: <{tag} {attr}={link!r}> has not the file's version {file_hash(name)}")
        seen.setdefault(link, url)


def test_every_page_links_static_files_by_version_and_they_are_cached_for_a_year(people, world, anon):
    from xinsheng.identity.permissions import ROLE_PERMISSIONS

    seen: dict[str, str] = {}
    problems: list[str] = []
    for url in ("/signin", "/signin?lang=en", "/no/such/page"):
        check_page(anon, url, seen, problems)
    for role, c in people.items():
        may = ROLE_PERMISSIONS[role]
        urls = [p.format(**world) for p, needs in PAGES if needs is None or needs in may] + REFUSED
        if "users.manage" in may:
            urls.append("/docs")
        for url in urls:
            check_page(c, url, seen, problems)
    assert not problems, "\n".join(problems)
    assert {urlsplit(u).path for u in seen} >= {"/static/app.css", "/static/favicon.svg",
                                                 "/static/vendor/plotly.min.js", "/static/swagger-ui-bundle.js"}
    for link, page in seen.items():
        res = anon.get(link)
        assert res.status_code == 200, (link, page)
        assert res.headers["cache-control"] == YEAR, (link, page, res.headers.get("cache-control"))
