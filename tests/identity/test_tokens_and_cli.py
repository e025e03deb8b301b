"""API tokens and their scopes; ``xinsheng token`` and ``xinsheng user`` as an administrator uses them."""
from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.auth import make_token
from tests.factories import interaction
from tests.test_cli import run
from xinsheng.audit.models import AuditEntry
from xinsheng.db import session_scope, utcnow
from xinsheng.identity.models import ApiToken


def _bearer(app, token: str) -> TestClient:
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def test_scopes_grant_exactly_their_routes(app, engine):
    ivr = _bearer(app, make_token(engine, scopes=["ivr"]))
    ingest = _bearer(app, make_token(engine, scopes=["ingest"]))
    assert ivr.post("/api/v1/interactions", json=interaction(1)).status_code == 403
    assert ingest.post("/api/v1/interactions", json=interaction(1)).status_code == 200
    assert ingest.get("/api/v1/customers/C-WANG").status_code == 403
    assert ingest.get("/api/v1/audit").status_code == 403
    me = ivr.get("/api/v1/me").json()
    assert me["role"] == "system" and me["scopes"] == ["ivr"] and "interactions.write" not in me["permissions"]
    assert ingest.get("/", follow_redirects=False).status_code == 200, "signed in, the home page only"


def test_a_persons_role_limits_its_token_whatever_the_scopes(app, engine):
    analyst = _bearer(app, make_token(engine, "analyst", scopes=["ingest", "analytics"]))
    me = analyst.get("/api/v1/me").json()
    assert "interactions.write" not in me["permissions"] and "metrics.read" in me["permissions"]
    assert analyst.post("/api/v1/interactions", json=interaction(1)).status_code == 403


def test_revoked_expired_and_disabled_owners_tokens_are_refused(app, engine, client_as):
    token = make_token(engine, scopes=["ingest"])
    c = _bearer(app, token)
    assert c.get("/api/v1/me").status_code == 200
    with session_scope(engine) as s:
        s.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert c.get("/api/v1/me").status_code == 401
    with session_scope(engine) as s:
        s.execute(update(ApiToken).values(expires_at=None, revoked_at=utcnow()))
    assert c.get("/api/v1/me").status_code == 401
    owned = _bearer(app, make_token(engine, "agent", user="lin", agent_ref="A1"))
    assert owned.get("/api/v1/me").json()["name"].startswith("test-agent")
    client_as("admin").post("/admin/users/lin/disable")
    assert owned.get("/api/v1/me").status_code == 401


def test_token_create_cli_prints_a_working_token_once(app, engine, settings_env):
    res = run(["token", "create", "--name", "ivr-platform", "--role", "system",
               "--scope", "ivr", "--scope", "ingest", "--json"], settings_env)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["token"].startswith("xs_") and out["scopes"] == ["ingest", "ivr"]
    assert _bearer(app, out["token"]).post("/api/v1/interactions", json=interaction(1)).status_code == 200
    with session_scope(engine) as s:
        stored = s.query(ApiToken).one()
        assert out["token"] not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    listed = run(["token", "list", "--json"], settings_env)
    assert "xs_" not in listed.stdout.replace(stored.prefix, "") and "ivr-platform" in listed.stdout
    bad = run(["token", "create", "--name", "x", "--role", "system", "--json"], settings_env)
    assert bad.returncode == 2 and "scope" in bad.stderr
    unknown = run(["token", "create", "--name", "x", "--role", "wizard", "--json"], settings_env)
    assert unknown.returncode == 2 and "role" in unknown.stderr
    revoke = run(["token", "revoke", str(out["id"])], settings_env)
    assert revoke.returncode == 0
    assert _bearer(app, out["token"]).get("/api/v1/me").status_code == 401


def test_user_cli_create_list_disable(app, engine, settings_env):
    made = run(["user", "create", "wang.li", "--role", "complaint_handler", "--authority-level", "3",
                "--name", "王莉", "--json"], settings_env)
    assert made.returncode == 0, made.stderr
    password = json.loads(made.stdout)["password"]
    assert len(password) >= 12
    listed = json.loads(run(["user", "list", "--json"], settings_env).stdout)
    assert listed == [listed[0]] and listed[0]["username"] == "wang.li" and listed[0]["authority_level"] == 3
    assert run(["user", "create", "wang.li", "--role", "agent"], settings_env).returncode == 2
    assert run(["user", "disable", "wang.li"], settings_env).returncode == 0
    assert json.loads(run(["user", "list", "--json"], settings_env).stdout)[0]["active"] is False
    assert run(["user", "disable", "nobody"], settings_env).returncode == 2
    with session_scope(engine) as s:
        actions = [a for (a,) in s.query(AuditEntry.action).order_by(AuditEntry.seq)]
    assert actions == ["user.create", "user.disable"]


def test_admin_pages_make_and_revoke_tokens_and_users(app, client_as):
    import re

    admin = client_as("admin")
    page = admin.post("/admin/tokens", data={"name": "crm", "role": "system", "scope": ["customers", "ingest"]})
    secret = re.search(r'id="new-token".*?<code class="secret">([^<]+)</code>', page.text, re.S).group(1)
    crm = _bearer(app, secret)
    assert crm.get("/api/v1/me").json()["scopes"] == ["customers", "ingest"]
    token_id = re.search(r'action="/admin/tokens/(\d+)/revoke"', page.text).group(1)
    assert admin.post(f"/admin/tokens/{token_id}/revoke").status_code == 200
    assert crm.get("/api/v1/me").status_code == 401
    made = admin.post("/admin/users", data={"username": "zhao", "role": "complaint_handler",
                                            "display_name": "赵敏", "authority_level": "2"})
    assert made.status_code == 200 and re.search(r'<code class="secret">[^<]{12,}</code>', made.text)
    bad = admin.post("/admin/users", data={"username": "Bad Name!", "role": "agent"}, headers={"accept": "text/html"})
    assert bad.status_code == 422 and "username" in bad.text
    assert admin.post(f"/admin/users/{admin.username}/disable").status_code == 422, "not yourself"
    assert admin.post("/admin/users/nobody/disable").status_code == 404
