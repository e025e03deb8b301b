"""POST /api/v1/customers and /api/v1/interactions: per-item results, 422 when nothing is usable."""
from __future__ import annotations

from tests.factories import interaction


def test_one_object_or_a_list_with_per_item_results(client):
    one = client.post("/api/v1/interactions", json=interaction(1, customer_ref=None))
    assert one.status_code == 200 and one.json() == {"accepted": 1, "duplicates": 0, "rejected": 0, "errors": []}
    batch = [interaction(1, customer_ref=None), interaction(2), interaction(3, channel="pager")]
    res = client.post("/api/v1/interactions", json=batch)
    assert res.status_code == 200
    body = res.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 1, 1)
    assert body["errors"] == [{"line": 3, "external_id": "ext-3", "error": body["errors"][0]["error"]}]
    assert "channel" in body["errors"][0]["error"]


def test_nothing_usable_is_422_naming_field_and_problem(client):
    res = client.post("/api/v1/interactions", json={"external_id": "x", "channel": "app"})
    assert res.status_code == 422
    assert res.json()["errors"][0]["error"] == "started_at: is required"
    bad_json = client.post("/api/v1/interactions", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert bad_json.status_code == 422 and "body" in bad_json.json()["message"]
    too_many = client.post("/api/v1/interactions", json=[interaction(i) for i in range(10_001)])
    assert too_many.status_code == 422 and "at most 10000" in too_many.json()["message"]
    assert client.get("/api/v1/customers/C-WANG").status_code == 404, "nothing half-written"


def test_customers_upsert_over_http(client):
    res = client.post("/api/v1/customers", json=[{"customer_ref": "C1", "name": "张伟", "risk_level": 9},
                                                 {"customer_ref": "C2", "segment": "private"}])
    assert res.json()["accepted"] == 1 and "risk_level" in res.json()["errors"][0]["error"]
    assert client.get("/api/v1/customers/C2").json()["segment"] == "private"


def test_health_and_openapi(client, db_url):
    health = client.get("/api/v1/health").json()
    assert health == {"status": "ok", "database": db_url.split(":")[0].split("+")[0]}
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/interactions", "/api/v1/customers", "/api/v1/customers/{customer_ref}/timeline"} <= set(paths)
    body = paths["/api/v1/interactions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "external_id" in body["oneOf"][0]["required"]
