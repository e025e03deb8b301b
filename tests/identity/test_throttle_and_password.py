"""Sign-in attempts are limited per client address (besides the per-account lock), and a
signed-in person changes their own password.

What is compared: the wait a throttled address is told (Retry-After) against the value
worked out by hand from a fixed clock; the stored password hash against argon2-cffi's own
verifier; which sessions survive against the sessions made in the test.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.identity.test_signin import _form_token, sign_in
from xinsheng.audit.models import AuditEntry
from xinsheng.config import get_settings
from xinsheng.db import session_scope
from xinsheng.identity.actions import do_create_user
from xinsheng.identity.models import User

PASSWORD = "Lotus-Pond-2026"
NEW = "Camellia-Hill-2027"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def people(engine):
    with session_scope(engine) as s:
        for name in ("alice", "bob", "carol", "dave"):
            do_create_user(s, username=name, role="supervisor", password=PASSWORD)


@pytest.fixture
def clock(monkeypatch):
    c = Clock(T0)
    for where in ("xinsheng.audit.actions.utcnow", "xinsheng.identity.throttle.utcnow"):
        monkeypatch.setattr(where, c)
    return c


@pytest.fixture
def limit_3_in_15(monkeypatch):
    monkeypatch.setenv("XINSHENG_LOGIN_IP_MAX_FAILURES", "3")
    monkeypatch.setenv("XINSHENG_LOGIN_IP_WINDOW_MINUTES", "15")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _actions(engine, action: str) -> list[AuditEntry]:
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_an_address_spraying_passwords_must_wait(app, engine, people, clock, limit_3_in_15):
    with TestClient(app, client=("203.0.113.7", 4000)) as c:
        for minute, name in enumerate(("alice", "bob", "carol")):  # one wrong try per account
            clock.at = T0 + timedelta(minutes=minute)
            assert sign_in(c, name, "wrong-password-1").status_code == 401
        clock.at = T0 + timedelta(minutes=3)
        res = sign_in(c, "dave", PASSWORD)  # even the right password is not checked now
        assert res.status_code == 429
        # by hand: the oldest failure (09:00) leaves the 15-minute window at 09:15; it is 09:03
        assert res.headers["retry-after"] == str(12 * 60)
        assert "此网络地址登录失败次数过多，请约 12 分钟后再试" in res.text and "dave" not in res.text
        english = c.post("/signin", params={"lang": "en"}, data={
            "username": "dave", "password": PASSWORD, "csrf_token": _form_token(c.get("/signin").text)})
        assert english.status_code == 429 and "Too many failed sign-ins from this address" in english.text
        with TestClient(app, client=("198.51.100.4", 4000)) as other:
            assert sign_in(other, "dave", PASSWORD).status_code == 303, "another address is not limited"
        clock.at = T0 + timedelta(minutes=15, seconds=1)  # 09:00's failure has left the window
        assert sign_in(c, "dave", PASSWORD).status_code == 303
    with session_scope(engine) as s:
        assert all(u.locked_until is None for u in s.scalars(select(User))), "no account was locked"
    throttled = _actions(engine, "auth.signin_throttled")
    assert [(e.ip, e.detail["retry_after_seconds"]) for e in throttled] == [("203.0.113.7", 720)] * 2


def test_changing_ones_own_password(app, engine, people):
    with TestClient(app) as here, TestClient(app) as elsewhere:
        assert sign_in(here, "alice", PASSWORD).status_code == 303
        assert sign_in(elsewhere, "alice", PASSWORD).status_code == 303
        page = here.get("/me/password")
        assert page.status_code == 200 and 'id="password-form"' in page.text
        assert 'id="nav-password"' in here.get("/").text
        token = _form_token(page.text)

        def post(current, new, again=None):
            return here.post("/me/password", data={"current_password": current, "new_password": new,
                                                   "new_password_again": new if again is None else again,
                                                   "csrf_token": token})

        wrong = post("not-my-password", NEW)
        assert wrong.status_code == 422 and "当前密码不正确" in wrong.text
        assert post(PASSWORD, NEW, NEW + "x").status_code == 422
        simple = post(PASSWORD, "aaaaaaaaaaaa")
        assert simple.status_code == 422 and "不能过于简单" in simple.text
        assert post(PASSWORD, PASSWORD).status_code == 422
        done = post(PASSWORD, NEW)
        assert done.status_code == 200 and "1 个登录已退出" in done.text
        assert here.get("/api/v1/me").status_code == 200, "the session that changed it stays"
        assert elsewhere.get("/api/v1/me").status_code == 401, "every other session of alice ended"
    with session_scope(engine) as s:
        alice = s.scalar(select(User).where(User.username == "alice"))
        assert PasswordHasher().verify(alice.password_hash, NEW) and alice.password_hash.startswith("$argon2id$")
        assert alice.failed_logins == 0
    with TestClient(app) as c:
        assert sign_in(c, "alice", PASSWORD).status_code == 401
        assert sign_in(c, "alice", NEW).status_code == 303
    assert [e.detail for e in _actions(engine, "auth.password_changed")] == [{"other_sessions_ended": 1}]
    assert len(_actions(engine, "auth.password_change_failed")) == 1


def test_a_wrong_current_password_counts_towards_the_lock_out(app, engine, people):
    with TestClient(app) as c:
        sign_in(c, "bob", PASSWORD)
        csrf = _form_token(c.get("/me/password").text)
        for _ in range(get_settings().login_max_failures):
            res = c.post("/api/v1/me/password", json={"current_password": "guess-guess", "new_password": NEW},
                         headers={"X-CSRF-Token": csrf})
            assert res.status_code == 422 and res.json()["data"] == {"field": "current_password"}
    with session_scope(engine) as s:
        assert s.scalar(select(User.locked_until).where(User.username == "bob")) is not None


def test_the_api_changes_a_persons_password_and_a_token_has_none(app, engine, people, client):
    with TestClient(app) as c:
        sign_in(c, "carol", PASSWORD)
        csrf = _form_token(c.get("/me/password").text)
        body = {"current_password": PASSWORD, "new_password": NEW}
        assert c.post("/api/v1/me/password", json=body).status_code == 403, "CSRF header required"
        res = c.post("/api/v1/me/password", json=body, headers={"X-CSRF-Token": csrf})
        assert res.status_code == 200 and res.json() == {"changed": True, "other_sessions_ended": 0}
        en = c.get("/me/password", params={"lang": "en"})
        assert "Change password" in en.text and "New password again" in en.text
    assert client.post("/api/v1/me/password", json=body).status_code == 403
