"""Content-Security-Policy: scripts from this site only, and pages that keep to it.

What is compared: every template is read with the standard library's HTML parser (not
the policy's own regex) for inline scripts and event-handler attributes; the /docs
page's allowed hash against a SHA-256 computed here of the script the page really
serves; and in real Chromium, the charts and Swagger UI draw with no CSP violation
reported while a script injected into the page is refused.
"""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support.browser import browser_page

SRC = Path(__file__).resolve().parents[1] / "src" / "xinsheng"


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self._in_inline = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        self.handlers += [f"<{tag} {k}=…>" for k, _ in attrs if k.startswith(("on", "hx-on"))]
        self.handlers += [f"<{tag} {k}=javascript:…>" for k, v in attrs
                          if (v or "").strip().lower().startswith("javascript:")]
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self._in_inline = True
            self.inline.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline = False

    def handle_data(self, data):
        if self._in_inline:
            self.inline[-1] += data


def _directives(header: str) -> dict[str, str]:
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip())


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for path in sorted(SRC.rglob("templates/**/*.html")):
        parser = _Scripts()
        parser.feed(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(SRC)}: inline script" for _ in parser.inline]
        found += [f"{path.relative_to(SRC)}: {h}" for h in parser.handlers]
    assert found == []


def test_every_answer_allows_scripts_from_this_site_only(anon, client_as):
    for res in (anon.get("/signin"), anon.get("/api/v1/health"), anon.get("/customers"),
                client_as("supervisor").get("/")):
        d = _directives(res.headers["content-security-policy"])
        assert d["script-src"] == "'self'" and d["object-src"] == "'none'", res.request.url
        assert d["frame-ancestors"] == "'none'" and d["base-uri"] == "'none'"


def test_the_api_explorer_allows_exactly_its_own_start_up_script(client_as):
    res = client_as("supervisor").get("/docs")
    scripts = re.findall(r"<script>(.*?)</script>", res.text, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert _directives(res.headers["content-security-policy"])["script-src"] == f"'self' 'sha256-{digest}'"


@pytest.fixture
def with_contacts(base_url, engine, db_url):
    from tests.auth import make_token
    from tests.factories import elderly_customer_wang, interaction
    from xinsheng.app import create_app

    client = TestClient(create_app(db_url), headers={"Authorization": f"Bearer {make_token(engine)}"})
    client.post("/api/v1/customers", json=[elderly_customer_wang()])
    client.post("/api/v1/interactions", json=[interaction(n, text="手机银行转账失败，太慢了") for n in range(1, 6)])
    return base_url


@pytest.mark.browser
def test_pages_work_under_the_policy_and_an_injected_script_does_not_run(with_contacts, browser, sign_in):
    with browser_page("zh-CN", browser=browser) as page:
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: violations.append(str(e)))
        sign_in(page, with_contacts, "supervisor")
        for path, chart in (("/", "#volume-chart"), ("/hot-issues", "#trend-chart")):
            page.goto(with_contacts + path)
            page.wait_for_selector(f"{chart} .main-svg", timeout=20_000)  # Plotly drew it
        page.goto(with_contacts + "/docs")
        page.wait_for_selector(".swagger-ui .information-container", timeout=20_000)
        assert violations == []
        page.goto(with_contacts + "/")
        page.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }""")
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.__injected") is None
        assert any("Content Security Policy" in v for v in violations), violations
