"""The IVR keeps answering when the server is overloaded (429 at once, never a queue) and
when the database is down (the static menu for a token verified lately)."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine

from tests.auth import make_token
from tests.ivr.builders import at, customer, ingest, ivr_choice
from xinsheng.db import session_scope
from xinsheng.identity.actions import do_revoke_token
from xinsheng.identity.models import ApiToken
from xinsheng.identity.security import digest

STATIC = ["balance", "transfer", "card", "credit_card", "wealth", "loan", "fx", "complaint", "agent"]


def _closed_port_engine():
    """An engine whose server is not there: nothing listens on port 9 of loopback."""
    return create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")


def _seed(engine):
    ingest(engine, [customer("C-T")], [ivr_choice("C-T", "transfer", at(d))
                                       for d in ("2026-09-01", "2026-10-02", "2026-11-03")])


def _menu(app, token, caller="C-T"):
    from fastapi.testclient import TestClient

    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        return c.get("/api/v1/ivr/menu", params={"caller": caller, "at": "2026-12-02T10:00:00+08:00"})


def test_database_down_a_recently_verified_token_still_gets_the_static_menu(app, engine):
    _seed(engine)
    seen, unseen = make_token(engine, scopes=["ivr"]), make_token(engine, scopes=["ivr"])
    assert _menu(app, seen).json()["personalised"] is True
    live, app.state.engine = app.state.engine, _closed_port_engine()
    try:
        down = _menu(app, seen)
        assert down.status_code == 200
        assert [o["code"] for o in down.json()["options"]] == STATIC and down.json()["personalised"] is False
        refused = _menu(app, unseen)  # never verified: nothing to trust it by
        assert refused.status_code == 503 and "database" in refused.json()["message"]
        route = _route(app, seen)
        assert route.status_code == 200 and route.json()["queue"]
    finally:
        app.state.engine = live
    assert _menu(app, seen).json()["personalised"] is True  # back: checked in the database again


def _route(app, token):
    from fastapi.testclient import TestClient

    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        return c.get("/api/v1/ivr/route", params={"caller": "C-T"})


def test_a_token_revoked_before_the_outage_is_not_trusted_during_it(app, engine):
    _seed(engine)
    token = make_token(engine, scopes=["ivr"])
    assert _menu(app, token).status_code == 200
    with session_scope(engine) as s:
        do_revoke_token(s, s.query(ApiToken).filter_by(token_hash=digest(token)).one().id)
    assert _menu(app, token).status_code == 401
    live, app.state.engine = app.state.engine, _closed_port_engine()
    try:
        assert _menu(app, token).status_code == 503
    finally:
        app.state.engine = live


def test_grace_zero_trusts_nothing_from_memory(app, engine, monkeypatch):
    from xinsheng.config import get_settings

    token = make_token(engine, scopes=["ivr"])
    assert _menu(app, token).status_code == 200
    monkeypatch.setenv("XINSHENG_TOKEN_OUTAGE_GRACE_MINUTES", "0")
    get_settings.cache_clear()
    live, app.state.engine = app.state.engine, _closed_port_engine()
    try:
        assert _menu(app, token).status_code == 503
    finally:
        app.state.engine = live
        monkeypatch.delenv("XINSHENG_TOKEN_OUTAGE_GRACE_MINUTES")
        get_settings.cache_clear()


def _burst(app, token, n):
    """``n`` requests at once; in a thread of its own, since the browser tests' driver may
    already run an event loop in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _gather(app, token, n)).result()


async def _gather(app, token, n):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ivr.test",
                                 headers={"Authorization": f"Bearer {token}"}) as c:
        return await asyncio.gather(*[c.get("/api/v1/ivr/menu", params={"caller": "C-T"}) for _ in range(n)])


@pytest.mark.parametrize("limit", [3])
def test_more_requests_than_the_limit_get_429_at_once_and_the_rest_their_menu(engine, db_url, monkeypatch, limit):
    from xinsheng.app import create_app
    from xinsheng.config import get_settings

    _seed(engine)
    token = make_token(engine, scopes=["ivr"])
    monkeypatch.setenv("XINSHENG_IVR_MAX_IN_FLIGHT", str(limit))
    get_settings.cache_clear()
    try:
        answers = _burst(create_app(db_url), token, 40)
    finally:
        monkeypatch.delenv("XINSHENG_IVR_MAX_IN_FLIGHT")
        get_settings.cache_clear()
    served = [r for r in answers if r.status_code == 200]
    shed = [r for r in answers if r.status_code == 429]
    assert len(served) + len(shed) == 40, sorted({r.status_code for r in answers})
    assert limit <= len(served) < 40 and shed
    assert all(r.json()["options"][0]["code"] == "transfer" for r in served)
    assert all(r.headers["retry-after"] == "1" and r.json()["error"] == "too_many_requests" for r in shed)
    unlimited = _burst(create_app(db_url), token, 40)  # default limit 64
    assert [r.status_code for r in unlimited] == [200] * 40
