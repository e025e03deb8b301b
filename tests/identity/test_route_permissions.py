"""Least privilege, route by route: every route declares a permission, and without
credentials every route but health answers 401 (pages: a redirect to sign in)."""
from __future__ import annotations

import re

from xinsheng.identity.auth import PUBLIC, iter_routes
from xinsheng.identity.permissions import PERMISSIONS

PUBLIC_ROUTES = {("GET", "/api/v1/health"), ("GET", "/signin"), ("POST", "/signin"),
                 ("GET", "/static/vendor/plotly.min.js"),
                 # the survey answer page: a customer's single-use link, no sign-in (surveys/public.py)
                 ("GET", "/s/{token}"), ("POST", "/s/{token}")}


def _routes(app):
    for method, path, decision, _ in iter_routes(app):
        if method == "MOUNT":
            assert path == "/static", f"unexpected mount {path}: decide who may read it"
            continue
        yield method, path, decision


def test_every_route_has_a_permission_decision(app):
    routes = list(_routes(app))
    assert len(routes) > 10
    undecided = [f"{m} {p}" for m, p, d in routes if d is None]
    assert not undecided, f"routes without require(...) or public: {undecided}"
    assert {(m, p) for m, p, d in routes if d is PUBLIC} == PUBLIC_ROUTES
    for _, _, decision in routes:
        if decision is not PUBLIC:
            assert set(decision) <= PERMISSIONS.keys()


def test_a_route_without_a_decision_is_refused_at_run_time(app, client):
    @app.get("/api/v1/forgotten")
    def forgotten() -> dict:
        return {"leak": True}

    assert [p for m, p, d in _routes(app) if d is None] == ["/api/v1/forgotten"]
    res = client.get("/api/v1/forgotten")
    assert res.status_code == 403 and "no permission decision" in res.json()["message"]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "X1", path)


def test_without_credentials_api_answers_401_and_pages_redirect_to_sign_in(app, anon):
    checked = 0
    for method, path, _ in _routes(app):
        if (method, path) in PUBLIC_ROUTES:
            continue
        res = anon.request(method, _concrete(path), follow_redirects=False)
        checked += 1
        if path.startswith("/api/") or path == "/openapi.json":
            assert res.status_code == 401, f"{method} {path}: {res.status_code}"
            assert res.headers["www-authenticate"] == "Bearer"
        else:
            assert res.status_code == 303, f"{method} {path}: {res.status_code}"
            assert res.headers["location"].startswith("/signin?next=")
    assert checked > 8
    assert anon.get("/api/v1/health").status_code == 200
    assert anon.get("/signin").status_code == 200
    assert anon.get("/static/app.css").status_code == 200


def test_a_bad_bearer_token_is_401_and_htmx_gets_a_redirect_header(anon):
    bad = anon.get("/api/v1/me", headers={"Authorization": "Bearer xs_nope"})
    assert bad.status_code == 401 and "unknown" in bad.json()["message"]
    basic = anon.get("/api/v1/me", headers={"Authorization": "Basic YTpi"})
    assert basic.status_code == 401
    assert anon.get("/api/v1/health", headers={"Authorization": "Bearer xs_nope"}).status_code == 200
    htmx = anon.get("/customers?q=C", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 401 and htmx.headers["hx-redirect"].startswith("/signin?next=")
