"""The IVR API as the platform calls it: menus with reasons, static fallbacks, bad input, scope."""
from tests.ivr.builders import at, customer, ingest, ivr_choice

STATIC = ["balance", "transfer", "card", "credit_card", "wealth", "loan", "fx", "complaint", "agent"]
TRANSFERS = ["2026-09-01", "2026-10-02", "2026-11-03"]
BALANCES = ["2026-09-15", "2026-10-14", "2026-10-20", "2026-11-10", "2026-11-18"]


def _seed(engine):
    ingest(engine, [customer("C-T"), customer("C-PB", segment="private")],
           [ivr_choice("C-T", "transfer", at(d)) for d in TRANSFERS]
           + [ivr_choice("C-T", "balance", at(d)) for d in BALANCES])


def test_menu_for_a_month_start_transferer_get_and_post(engine, client_as):
    _seed(engine)
    ivr = client_as("system", scopes=["ivr"])
    r = ivr.get("/api/v1/ivr/menu", params={"caller": "C-T", "at": "2026-12-02T10:00:00+08:00", "node": "root"})
    assert r.status_code == 200
    body = r.json()
    assert body["node"] == "root" and body["personalised"] is True and body["elderly"] is False
    assert [o["code"] for o in body["options"]] == ["transfer", "balance"] + [c for c in STATIC if c not in ("transfer", "balance")]
    assert body["options"][0] == {"code": "transfer", "label": "转账汇款", "reason": "您常在月初办理转账汇款"}
    assert "转账汇款" in body["greeting"]
    r = ivr.post("/api/v1/ivr/menu", json={"caller": "C-T", "at": "2026-12-15T10:00:00+08:00", "lang": "en",
                                           "dialled": "95588", "context": {"channel": "hotline"}})
    assert [o["code"] for o in r.json()["options"]][:2] == ["balance", "transfer"]
    assert r.json()["options"][0]["label"] == "Balance enquiry"


def test_unknown_and_anonymous_callers_get_the_static_menu(engine, client_as):
    _seed(engine)
    ivr = client_as("system", scopes=["ivr"])
    for params in ({}, {"caller": "anonymous"}, {"caller": "NOBODY"}):
        body = ivr.get("/api/v1/ivr/menu", params=params).json()
        assert [o["code"] for o in body["options"]] == STATIC and body["personalised"] is False


def test_a_failure_inside_answers_the_static_menu(engine, client_as):
    """The state table gone (a real database error inside): the static menu, not an error."""
    from sqlalchemy import text

    _seed(engine)
    ivr = client_as("system", scopes=["ivr"])
    assert ivr.get("/api/v1/ivr/menu", params={"caller": "C-T"}).json()["personalised"] is True
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE ivr_caller_state RENAME TO ivr_caller_state_gone"))
    try:
        r = ivr.get("/api/v1/ivr/menu", params={"caller": "C-T"})
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE ivr_caller_state_gone RENAME TO ivr_caller_state"))
    assert r.status_code == 200
    assert [o["code"] for o in r.json()["options"]] == STATIC and r.json()["personalised"] is False


def test_bad_input_names_the_field_unknown_node_404_scope_403(engine, client_as):
    _seed(engine)
    ivr = client_as("system", scopes=["ivr"])
    r = ivr.get("/api/v1/ivr/menu", params={"caller": "C-T", "at": "yesterday"})
    assert r.status_code == 422 and r.json()["data"]["field"] == "at"
    r = ivr.get("/api/v1/ivr/menu", params={"caller": "C-T", "at": "2026-12-02T10:00:00"})
    assert r.status_code == 422 and r.json()["data"]["field"] == "at"
    r = ivr.get("/api/v1/ivr/menu", params={"caller": "C-T; DROP TABLE"})
    assert r.status_code == 422 and r.json()["data"]["field"] == "caller"
    r = ivr.get("/api/v1/ivr/menu", params={"caller": "C-T", "node": "nowhere"})
    assert r.status_code == 404 and "nowhere" in r.json()["message"]
    r = ivr.get("/api/v1/ivr/menu", params={"caller": "C-T", "node": "transfer"})
    assert [o["code"] for o in r.json()["options"]] == ["transfer_own", "transfer_other", "transfer_status", "agent"]
    r = client_as("system", scopes=["ingest"]).get("/api/v1/ivr/menu", params={"caller": "C-T"})
    assert r.status_code == 403
    r = client_as("agent").get("/api/v1/ivr/menu", params={"caller": "C-T"})
    assert r.status_code == 403


def test_route_private_banking_and_anger_and_general(engine, client_as):
    _seed(engine)
    ivr = client_as("system", scopes=["ivr"])
    r = ivr.get("/api/v1/ivr/route", params={"caller": "C-PB", "at": "2026-12-02T10:00:00+08:00"}).json()
    assert (r["queue"], r["tier"], r["reason"]) == ("private_banking", 2, "私人银行客户，转私人银行专席")
    r = ivr.get("/api/v1/ivr/route", params={"caller": "NOBODY"}).json()
    assert (r["queue"], r["tier"]) == ("general", 1)
    # a menu choice an hour ago: its skill group
    ingest(engine, contacts=[ivr_choice("C-T", "credit_card", at("2026-12-02", 9))])
    r = ivr.get("/api/v1/ivr/route", params={"caller": "C-T", "at": "2026-12-02T10:00:00+08:00", "lang": "en"}).json()
    assert (r["queue"], r["tier"], r["reason"]) == ("skill:credit_card", 1, "By the recent choice “Credit cards”: its skill group")



def test_an_open_case_puts_case_progress_first_and_routes_to_its_tier(engine, client, client_as):
    _seed(engine)
    opened = client.post("/api/v1/cases", json={"customer_ref": "C-T", "kind": "complaint", "title": "转账未到账",
                                                "channel": "phone", "topic": "transfer",
                                                "accepted_at": "2026-11-20T10:00:00+08:00"})
    assert opened.status_code == 201, opened.text
    ref = opened.json()["case_ref"]
    ivr = client_as("system", scopes=["ivr"])
    body = ivr.get("/api/v1/ivr/menu", params={"caller": "C-T", "at": "2026-12-02T10:00:00+08:00"}).json()
    codes = [o["code"] for o in body["options"]]
    assert codes[0] == "case_progress" and body["options"][0]["reason"] == f"您的工单 {ref} 正在处理中"
    assert codes.index("complaint") == 8  # its static place with case_progress offered
    # before the case was accepted it is not offered
    before = ivr.get("/api/v1/ivr/menu", params={"caller": "C-T", "at": "2026-11-19T10:00:00+08:00"}).json()
    assert "case_progress" not in [o["code"] for o in before["options"]]
    r = ivr.get("/api/v1/ivr/route", params={"caller": "C-T", "at": "2026-12-02T10:00:00+08:00"}).json()
    assert (r["queue"], r["tier"]) == ("tier1", 1) and ref in r["reason"]
