"""``make run``'s demo prints how to sign in: a user per role, a password drawn per demo
database (kept in XINSHENG_HOME/demo-credentials.txt, 0600), and a generated PII key."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from fastapi.testclient import TestClient

from tests.identity.test_signin import sign_in
from tests.test_cli import run
from xinsheng.config import get_settings
from xinsheng.identity.permissions import ROLES


def test_demo_users_for_every_role_with_a_generated_password(db_url, engine, settings_env, monkeypatch):
    home = Path(settings_env["XINSHENG_HOME"])
    env = dict(settings_env, XINSHENG_MODE="demo", XINSHENG_PII_KEYS="")
    res = run(["demo", "--customers", "60", "--days", "12", "--seed", "5"], env)
    assert res.returncode == 0, res.stderr
    creds = home / "demo-credentials.txt"
    assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(home / "pii.key").st_mode) == 0o600
    text = creds.read_text(encoding="utf-8")
    password = re.search(r"password for all: (\S+)\)", text).group(1)
    assert password in res.stderr, "printed for make run"
    users = dict(re.findall(r"^  (\S+)\s+(\S+)", text, re.M))
    assert set(users.values()) == set(ROLES) - {"system"}

    again = run(["demo", "--if-empty"], env)
    assert password in again.stderr, "a second make run shows the same sign-in"

    monkeypatch.setenv("XINSHENG_MODE", "demo")
    monkeypatch.setenv("XINSHENG_PII_KEYS", "")
    get_settings.cache_clear()
    from xinsheng.app import create_app

    agent = next(u for u, r in users.items() if r == "agent")
    with TestClient(create_app(db_url)) as c:
        assert sign_in(c, agent, "password").status_code == 401, "no default password"
        assert sign_in(c, agent, password).status_code == 303
        home_page = c.get("/")
        assert home_page.status_code == 200 and 'href="/customers/' in home_page.text, \
            "the demo agent serves customers"
    get_settings.cache_clear()
