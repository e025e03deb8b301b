"""Authenticated test clients: a system token, or a signed-in person of any role.

Sessions are made directly in the database (no argon2 cost per test); the sign-in
page itself is tested in tests/identity and tests/e2e.
"""
from __future__ import annotations

import itertools
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from xinsheng.db import session_scope, utcnow
from xinsheng.identity.actions import do_create_token, do_create_user
from xinsheng.identity.auth import SESSION_COOKIE
from xinsheng.identity.models import WebSession
from xinsheng.identity.permissions import SCOPES
from xinsheng.identity.security import digest, new_secret

_n = itertools.count(1)


def make_token(engine: Engine, role: str = "system", scopes: list[str] | None = None,
               user: str | None = None, **user_fields) -> str:
    """A bearer token; a ``system`` token gets every scope unless ``scopes`` says otherwise."""
    with session_scope(engine) as session:
        owner = None
        if user or user_fields:
            owner = do_create_user(session, username=user or f"u{next(_n)}", role=role, **user_fields)
        if scopes is None and role == "system":
            scopes = list(SCOPES)
        _, secret = do_create_token(session, name=f"test-{role}-{next(_n)}", role=role,
                                    scopes=scopes, user=owner, created_by="tests")
    return secret


def make_session(engine: Engine, role: str, **user_fields) -> tuple[str, str, str]:
    """A signed-in person of ``role``: (username, session secret, CSRF token)."""
    username = user_fields.pop("username", None) or f"{role.replace('_', '-')}{next(_n)}"
    secret, csrf = new_secret(), new_secret()
    with session_scope(engine) as session:
        user = do_create_user(session, username=username, role=role, **user_fields)
        now = utcnow()
        session.add(WebSession(id=digest(secret), user_id=user.id, csrf_token=csrf, created_at=now,
                               last_seen_at=now, expires_at=now + timedelta(hours=8)))
    return username, secret, csrf


def token_client(app, engine: Engine, role: str = "system", **kw) -> TestClient:
    return TestClient(app, headers={"Authorization": f"Bearer {make_token(engine, role, **kw)}"})


def session_client(app, engine: Engine, role: str, *, csrf: bool = True, **user_fields) -> TestClient:
    """A browser-like client signed in as a new user of ``role`` (sends the CSRF header)."""
    username, secret, token = make_session(engine, role, **user_fields)
    client = TestClient(app, cookies={SESSION_COOKIE: secret},
                        headers={"X-CSRF-Token": token} if csrf else {})
    client.username, client.csrf_token = username, token  # type: ignore[attr-defined]
    return client
