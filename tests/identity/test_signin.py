"""Signing in on the web: argon2 passwords, session cookies, CSRF, lock-out, sign-out."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from xinsheng.audit.models import AuditEntry
from xinsheng.db import session_scope, utcnow
from xinsheng.identity.actions import do_create_user
from xinsheng.identity.models import User, WebSession

PASSWORD = "Lotus-Pond-2026"


@pytest.fixture
def alice(engine):
    with session_scope(engine) as s:
        do_create_user(s, username="alice", role="supervisor", display_name="周主管", password=PASSWORD)
    return "alice"


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(c: TestClient, username: str, password: str, next_url: str = "/"):
    page = c.get("/signin", params={"next": next_url})
    return c.post("/signin", data={"username": username, "password": password, "next": next_url,
                                   "csrf_token": _form_token(page.text)}, follow_redirects=False)


def test_sign_in_sets_a_secure_session_cookie_and_sign_out_ends_it(app, engine, alice):
    with TestClient(app, base_url="https://xinsheng.bank.test") as c:
        res = sign_in(c, "alice", PASSWORD, "/customers?q=C")
        assert res.status_code == 303 and res.headers["location"] == "/customers?q=C"
        cookie = res.headers["set-cookie"]
        assert "xinsheng_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" in cookie, "behind https the cookie is Secure"
        home = c.get("/")
        assert home.status_code == 200 and "周主管" in home.text
        assert home.headers["cache-control"] == "no-store" and home.headers["x-frame-options"] == "DENY"
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', home.text).group(1)
        assert c.post("/signout", follow_redirects=False).status_code == 403, "sign-out needs the CSRF token"
        out = c.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
        assert out.status_code == 303
        assert c.get("/", follow_redirects=False).status_code == 303
    with session_scope(engine) as s:
        assert s.query(WebSession).count() == 0
        actions = [a for (a,) in s.query(AuditEntry.action).order_by(AuditEntry.seq)]
    assert actions == ["auth.signin", "auth.signout"]


def test_plain_http_cookie_is_not_secure_and_next_cannot_leave_the_site(app, alice):
    with TestClient(app) as c:
        res = sign_in(c, "alice", PASSWORD, "//evil.example/steal")
        assert res.headers["location"] == "/"
        assert "Secure" not in res.headers["set-cookie"]


def test_sign_in_form_needs_its_csrf_token(app, alice):
    with TestClient(app) as c:
        c.get("/signin")
        forged = c.post("/signin", data={"username": "alice", "password": PASSWORD, "csrf_token": "forged"},
                        follow_redirects=False)
        assert forged.status_code == 403
        cross = c.post("/signin", data={"username": "alice", "password": PASSWORD,
                                        "csrf_token": c.cookies.get("xinsheng_csrf")},
                       headers={"origin": "https://evil.example"}, follow_redirects=False)
        assert cross.status_code == 403


def test_csrf_is_required_for_every_unsafe_request_made_with_a_session(client_as):
    admin = client_as("admin", csrf=False)
    assert admin.post("/admin/users", data={"username": "eve", "role": "analyst"}).status_code == 403
    assert admin.post("/api/v1/customers", json={"customer_ref": "C1"}).status_code == 403
    ok = admin.post("/admin/users", data={"username": "eve", "role": "analyst", "csrf_token": _token_of(admin)})
    assert ok.status_code == 200 and "eve" in ok.text
    with_header = admin.post("/api/v1/customers", json={"customer_ref": "C1"},
                             headers={"X-CSRF-Token": _token_of(admin)})
    assert with_header.status_code == 200


def _token_of(c) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', c.get("/").text).group(1)


def test_lock_out_after_repeated_failures_then_admin_unlocks(app, engine, alice, client_as):
    with TestClient(app) as c:
        for _ in range(4):
            assert sign_in(c, "alice", "wrong-password").status_code == 401
        fifth = sign_in(c, "alice", "wrong-password")
        assert fifth.status_code == 401 and "锁定" in fifth.text
        locked = sign_in(c, "alice", PASSWORD)
        assert locked.status_code == 401, "the right password does not work while locked"
        unknown = sign_in(c, "nobody", PASSWORD)
        assert unknown.status_code == 401 and unknown.text.count("用户名或密码错误") == 1
        typo = sign_in(c, "My-Secret-Password", PASSWORD)
        assert typo.status_code == 401
    with session_scope(engine) as s:
        assert s.query(User).filter_by(username="alice").one().locked_until > utcnow()
        failed = s.query(AuditEntry).filter_by(action="auth.signin_failed", target_ref="alice").all()
        assert len(failed) == 6 and failed[4].detail["locked_now"] and failed[5].detail["was_locked"]
        unknown = s.query(AuditEntry).filter_by(action="auth.signin_failed", target_ref=None).all()
        assert len(unknown) == 2 and all(e.detail["unknown_user"] for e in unknown)
        assert not s.query(AuditEntry).filter(AuditEntry.actor.ilike("%secret%")).count(), \
            "a password typed into the username field is not logged"
    admin = client_as("admin")
    assert admin.post("/admin/users/alice/enable").status_code == 200
    with TestClient(app) as c:
        assert sign_in(c, "alice", PASSWORD).status_code == 303


def test_lock_out_ends_by_itself(app, engine, alice):
    with TestClient(app) as c:
        for _ in range(5):
            sign_in(c, "alice", "wrong-password")
        with session_scope(engine) as s:
            s.execute(update(User).where(User.username == "alice").values(locked_until=utcnow() - timedelta(seconds=1)))
        assert sign_in(c, "alice", PASSWORD).status_code == 303


def test_idle_and_disabled_sessions_end(app, engine, alice, client_as):
    with TestClient(app) as c:
        sign_in(c, "alice", PASSWORD)
        assert c.get("/", follow_redirects=False).status_code == 200
        with session_scope(engine) as s:
            s.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(hours=2)))
        res = c.get("/customers/C-1", follow_redirects=False)
        assert res.status_code == 303 and res.headers["location"] == "/signin?next=%2Fcustomers%2FC-1"
        sign_in(c, "alice", PASSWORD)
        client_as("admin").post("/admin/users/alice/disable")
        assert c.get("/", follow_redirects=False).status_code == 303
        assert sign_in(c, "alice", PASSWORD).status_code == 401
