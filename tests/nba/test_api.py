"""GET /api/v1/customers/{ref}/next-best-actions as CONTRACT.md says; outcomes; uplift; the
customer page's panel."""
from __future__ import annotations

from tests.factories import private_banking_client_li

URL = "/api/v1/customers/C-LI/next-best-actions"


def _seed(client, *extra):
    r = client.post("/api/v1/customers", json=[private_banking_client_li(), *extra])
    assert r.status_code in (200, 201), r.text


def test_the_advisor_sees_offers_and_what_the_notes_rule_out(engine, client, client_as):
    _seed(client)
    advisor = client_as("advisor", advisor_ref="RM007")
    r = advisor.get(URL, params={"limit": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"items", "excluded"}
    codes = [i["code"] for i in body["items"]]
    assert len(codes) == 5 and "airport_lounge" not in codes and "gift_hairy_crab" not in codes
    for i in body["items"]:
        assert set(i) == {"code", "label", "kind", "score", "reasons"} and i["reasons"]
    assert [i["score"] for i in body["items"]] == sorted((i["score"] for i in body["items"]), reverse=True)
    excluded = {x["code"]: x["reason"] for x in body["excluded"]}
    assert excluded["airport_lounge"] == "怕坐飞机"
    assert excluded["gift_hairy_crab"] == "不能吃螃蟹"


def test_row_access_and_permissions(engine, client, client_as):
    _seed(client)
    assert client_as("advisor", advisor_ref="RM999").get(URL).status_code == 403
    assert client_as("agent", agent_ref="A1").get(URL).status_code == 403
    analyst = client_as("analyst")
    assert analyst.get(URL).status_code == 200  # sees every customer (masked elsewhere)
    assert analyst.post(URL + "/outcomes", json={"code": "gift_wine", "outcome": "offered"}).status_code == 403


def test_outcomes_are_recorded_and_fatigue_follows(engine, client, client_as):
    _seed(client)
    advisor = client_as("advisor", advisor_ref="RM007")
    first = [i["code"] for i in advisor.get(URL).json()["items"]]
    for code in first[:3]:  # the shipped catalogue: at most 3 offers in 30 days
        r = advisor.post(URL + "/outcomes", json={"code": code, "outcome": "offered"})
        assert r.status_code == 201, r.text
    after = advisor.get(URL).json()
    assert after["items"] == []  # 3 offers made in 30 days: nothing more is shown
    assert {x["code"] for x in after["excluded"]} >= set(first[:3])
    bad = advisor.post(URL + "/outcomes", json={"code": "no_such", "outcome": "offered"})
    assert bad.status_code == 422 and bad.json()["data"]["field"] == "code"
    assert advisor.post(URL + "/outcomes", json={"code": "gift_wine", "outcome": "maybe"}).status_code == 422


def test_holdout_customers_get_no_offer_and_uplift_compares_the_groups(engine, client, client_as):
    # C-H5 and C-H14 fall in the shipped 10 % hold-out (salted hash); C-H1..C-H4 do not
    people = [private_banking_client_li(customer_ref=f"C-H{i}", notes=[]) for i in (1, 2, 3, 4, 5, 14)]
    _seed(client, *people)
    supervisor = client_as("supervisor")
    held = supervisor.get("/api/v1/customers/C-H5/next-best-actions").json()
    assert held["items"] == [] and held["excluded"]
    r = supervisor.post("/api/v1/customers/C-H5/next-best-actions/outcomes",
                        json={"code": "gift_wine", "outcome": "offered"})
    assert r.status_code == 422
    for ref, outcome in [("C-H1", "accepted"), ("C-H2", "accepted"), ("C-H3", "complained"),
                         ("C-H14", "accepted")]:
        assert supervisor.post(f"/api/v1/customers/{ref}/next-best-actions/outcomes",
                               json={"code": "deposit_3y", "outcome": outcome}).status_code == 201
    up = client_as("analyst").get("/api/v1/nba/uplift").json()
    # treated: C-LI, C-H1..C-H4 = 5 customers, 2 accepted; hold-out: C-H5, C-H14 = 2, 1 accepted
    assert up["treated"]["customers"] == 5 and up["holdout"]["customers"] == 2
    assert up["treated"]["accepted"] == 2 and up["holdout"]["accepted"] == 1
    d = up["accepted_uplift"]
    se = (0.4 * 0.6 / 5 + 0.5 * 0.5 / 2) ** 0.5  # Wald, by hand
    assert abs(d["difference"] - (-0.1)) < 1e-9 and abs(d["low"] - (-0.1 - 1.959964 * se)) < 1e-5
    assert up["treated"]["complained"] == 1


def test_the_customer_page_panel(engine, client, client_as):
    _seed(client)
    advisor = client_as("advisor", advisor_ref="RM007")
    page = advisor.get("/customers/C-LI")
    assert 'hx-get="/customers/C-LI/next-best-actions"' in page.text
    panel = advisor.get("/customers/C-LI/next-best-actions")
    assert panel.status_code == 200 and "推荐与关怀" in panel.text and "怕坐飞机" in panel.text
    en = advisor.get("/customers/C-LI/next-best-actions?lang=en")
    assert "Next best actions" in en.text
