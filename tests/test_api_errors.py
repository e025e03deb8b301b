"""One error shape for every error: ``{"error": code, "message": str, "data": {...}}``,
whether the error comes from xinsheng, from FastAPI's routing (unknown address, wrong
method) or from an HTTPException of Starlette's."""
from __future__ import annotations

from starlette.exceptions import HTTPException

from tests.knowledge.conftest import article
from xinsheng.identity.auth import public


def _shape(res, status: int, code: str) -> dict:
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith("application/json")
    body = res.json()
    assert set(body) == {"error", "message", "data"}, body
    assert body["error"] == code and isinstance(body["data"], dict)
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_401_without_credentials(anon):
    body = _shape(anon.get("/api/v1/me"), 401, "unauthorized")
    assert "Bearer" in body["message"]
    bad = _shape(anon.get("/api/v1/me", headers={"Authorization": "Bearer xs_nope"}), 401, "unauthorized")
    assert "unknown" in bad["message"]


def test_403_names_what_is_refused(client_as, client):
    agent = client_as("agent", agent_ref="A-1")
    body = _shape(agent.get("/api/v1/audit"), 403, "forbidden")
    assert "audit.read" in body["message"]
    client.post("/api/v1/customers", json={"customer_ref": "C-1"})
    body = _shape(agent.get("/api/v1/customers/C-1"), 403, "forbidden")
    assert "serve" in body["message"] and body["data"] == {"customer_ref": "C-1"}


def test_404_unknown_address_and_unknown_customer(client):
    body = _shape(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert "/api/v1/no-such-thing" in body["message"]
    assert body["data"] == {"method": "GET", "path": "/api/v1/no-such-thing"}
    body = _shape(client.get("/api/v1/customers/C-NOPE"), 404, "not_found")
    assert "C-NOPE" in body["message"] and body["data"]["customer_ref"] == "C-NOPE"
    _shape(client.get("/static/no-such-file.js"), 404, "not_found")


def test_404_for_a_browser_is_an_error_page(client_as):
    res = client_as("supervisor").get("/no-such-page", headers={"accept": "text/html"})
    assert res.status_code == 404 and res.headers["content-type"].startswith("text/html")
    assert "/no-such-page" in res.text


def test_405_names_the_method_and_what_is_allowed(client, anon):
    body = _shape(anon.post("/api/v1/health"), 405, "method_not_allowed")
    assert body["message"] == "POST is not allowed on /api/v1/health (allowed: GET)"
    assert body["data"]["allowed"] == ["GET"]
    res = client.delete("/api/v1/customers")
    body = _shape(res, 405, "method_not_allowed")
    assert set(body["data"]["allowed"]) == {"GET", "POST"} == set(res.headers["allow"].split(", "))


def test_409_a_workflow_step_the_status_does_not_allow(client_as):
    km = client_as("knowledge_manager")
    aid = km.post("/api/v1/kb/articles", json=article()).json()["id"]
    body = _shape(km.post(f"/api/v1/kb/articles/{aid}/approve"), 409, "invalid_transition")
    assert "draft" in body["message"]


def test_422_of_our_own_checks_names_the_field(client):
    client.post("/api/v1/customers", json={"customer_ref": "C-1"})
    res = client.get("/api/v1/customers/C-1/timeline", params={"before": "2026-01-01T00:00:00"})
    body = _shape(res, 422, "invalid_input")
    assert body["data"] == {"field": "before"} and "UTC offset" in body["message"]


def test_422_of_request_validation_names_each_field_and_its_problem(client):
    res = client.get("/api/v1/customers", params={"limit": 0, "q": "x" * 65})
    body = _shape(res, 422, "invalid_input")
    fields = {e["field"] for e in body["data"]["errors"]}
    assert {"query.limit", "query.q"} <= fields and all(e["problem"] for e in body["data"]["errors"])
    assert body["message"].split(":")[0] in fields
    body = _shape(client.post("/api/v1/assist/answer", json={"question": ""}), 422, "invalid_input")
    assert "question" in body["message"]


def test_429_and_any_other_http_exception_keep_the_shape_and_headers(app, anon):
    @app.get("/api/v1/test-busy", dependencies=[public])
    def busy() -> dict:
        raise HTTPException(429, "slow down: 10 requests a minute", headers={"Retry-After": "30"})

    @app.get("/api/v1/test-teapot", dependencies=[public])
    def teapot() -> dict:
        raise HTTPException(418)

    res = anon.get("/api/v1/test-busy")
    body = _shape(res, 429, "too_many_requests")
    assert body["message"] == "slow down: 10 requests a minute" and res.headers["retry-after"] == "30"
    _shape(anon.get("/api/v1/test-teapot"), 418, "i'm_a_teapot")
