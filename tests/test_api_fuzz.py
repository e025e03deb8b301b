"""A short, bounded schemathesis run over the whole OpenAPI document, authenticated:
no request may get a server error (scripts/fuzz_api.py runs a longer one)."""
from __future__ import annotations

import pytest

from scripts.fuzz_api import fuzz

pytestmark = pytest.mark.slow


def test_no_request_gets_a_server_error(app, engine, db_url, capsys):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the bounded run; scripts/fuzz_api.py --database-url for more")
    report = fuzz(app, engine, max_examples=8, seed=1)
    with capsys.disabled():
        print(f"\nschemathesis: {report.operations} operations, {report.requests} requests, "
              f"{len(report.server_errors)} server errors, status {dict(sorted(report.status.items()))}")
    assert report.operations >= 10 and report.requests >= 150
    assert report.status[401] > 0, "negative cases without credentials are refused"
    assert not report.server_errors, "\n".join(report.server_errors)


def test_what_the_fuzzer_found_is_now_a_clear_per_item_error(client):
    """On PostgreSQL these were 500s: a NUL character, an offset beyond ±16 h, a huge id."""
    from tests.factories import interaction

    nul = interaction(1, text="转账\x00失败")
    far = interaction(2) | {"started_at": "2026-10-01T09:00:00-23:30", "ended_at": None}
    ancient = interaction(3) | {"started_at": "0184-08-27T09:04:31+08:00", "ended_at": None}
    res = client.post("/api/v1/interactions", json=[nul, far, ancient, interaction(4)])
    assert res.status_code == 200
    body = res.json()
    assert (body["accepted"], body["rejected"]) == (2, 2)
    assert [e["line"] for e in body["errors"]] == [1, 3]
    assert "NUL" in body["errors"][0]["error"] and "year 184" in body["errors"][1]["error"]
    bad_customer = client.post("/api/v1/customers", json={"customer_ref": "C1", "attributes": {"k": "a\x00"}})
    assert bad_customer.status_code == 422 and "NUL" in bad_customer.text
    assert client.get("/api/v1/audit", params={"before_seq": 2**70}).status_code == 422
