"""The living profile as a user sees it: kept up to date as holdings and contacts arrive,
each value with where it came from, and "not enough data" rather than a made-up value."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from tests.cases.builders import add_customer, add_private_client
from xinsheng.db import session_scope
from xinsheng.profiles.models import CustomerProfile


def feature(client, ref: str, name: str):
    res = client.get(f"/api/v1/customers/{ref}/profile")
    assert res.status_code == 200, res.text
    return res.json()["features"][name]


def test_a_customer_with_no_data_gets_not_enough_data(client, engine):
    add_customer(engine, {"customer_ref": "C-EMPTY"})
    features = client.get("/api/v1/customers/C-EMPTY/profile").json()["features"]
    for name in ("value_tier", "aum_cny", "lifecycle", "channel_preference", "digital_skill", "risk_preference",
                 "age_band", "vulnerability", "recent_experience"):
        assert features[name] == {"value": None, "source": None}, name


def test_holdings_set_tier_and_lifecycle_as_they_arrive(client, engine):
    add_private_client(engine)
    today = date.today()
    old, new = (today - timedelta(days=100)).isoformat(), (today - timedelta(days=1)).isoformat()
    snaps = [  # 100 days ago: 8,000,000 in a fund and 200,000 on deposit; yesterday the fund is sold
        {"customer_ref": "C-LI", "as_of": old, "product": "F1", "category": "fund", "balance_cny": 8_000_000,
         "risk_level": 4},
        {"customer_ref": "C-LI", "as_of": old, "product": "D1", "category": "deposit", "balance_cny": 200_000},
        {"customer_ref": "C-LI", "as_of": old, "product": "L1", "category": "loan", "balance_cny": 900_000},
    ]
    assert client.post("/api/v1/holdings", json=snaps).json()["accepted"] == 3
    assert feature(client, "C-LI", "value_tier")["value"] == "private"  # 8,200,000 ≥ 6,000,000 (the loan is owed)
    assert feature(client, "C-LI", "aum_cny")["value"] == 8_200_000
    assert client.post("/api/v1/holdings", json={"customer_ref": "C-LI", "as_of": new, "product": "F1",
                                                 "category": "fund", "balance_cny": 0, "risk_level": 4}).status_code == 200
    # the deposit is carried at its last balance: 200,000 left of a peak of 8,200,000 (2.4 % ≤ 10 %)
    assert feature(client, "C-LI", "aum_cny") == {"value": 200_000, "source": f"holdings {new}"}
    assert feature(client, "C-LI", "value_tier")["value"] == "mass"
    assert feature(client, "C-LI", "lifecycle")["value"] == "churned"
    with session_scope(engine) as s:
        row = s.scalars(select(CustomerProfile)).one()
        assert (row.value_tier, row.lifecycle, row.aum_cny) == ("mass", "churned", 200_000)


def test_contacts_update_channel_and_digital_skill(client, engine):
    add_customer(engine)
    at = datetime.now(timezone.utc) - timedelta(days=2)
    events = ["login_failed", "login_failed", "face_recognition_failed", "login_success"]
    items = [{"external_id": f"app-{i}", "customer_ref": "C-WANG", "channel": "app", "event": e,
              "started_at": (at + timedelta(minutes=i)).isoformat()} for i, e in enumerate(events)]
    assert client.post("/api/v1/interactions", json=items).json()["accepted"] == 4
    skill = feature(client, "C-WANG", "digital_skill")
    assert skill["value"] == "low" and "1 succeeded, 3 failed" in skill["source"]
    assert feature(client, "C-WANG", "channel_preference")["value"] == "app"
    # sent again: duplicates fold nothing in
    client.post("/api/v1/interactions", json=items)
    assert "1 succeeded, 3 failed" in feature(client, "C-WANG", "digital_skill")["source"]


def test_the_customer_page_shows_the_card(client_as, engine, client):
    add_customer(engine, {"customer_ref": "C-EMPTY"})
    page = client_as("supervisor")
    html = page.get("/customers/C-EMPTY/profile-card").text
    assert "客户画像" in html and html.count("数据不足") == 10
    assert 'hx-get="/customers/C-EMPTY/profile-card"' in page.get("/customers/C-EMPTY").text


def test_the_card_is_in_one_language(client_as, engine, client):
    from tests.web.language import leaks, visible_text

    add_customer(engine)
    today = date.today().isoformat()
    client.post("/api/v1/holdings", json={"customer_ref": "C-WANG", "as_of": today, "product": "W", "category": "wealth",
                                          "balance_cny": 600_000, "risk_level": 2})
    page = client_as("supervisor")
    for lang in ("zh", "en"):
        page.cookies.set("lang", lang)
        html = page.get("/customers/C-WANG/profile-card").text
        assert not leaks(visible_text(html), lang), (lang, leaks(visible_text(html), lang))
    assert "Affluent" in html and "Holdings" in html


def test_the_card_shows_the_churn_score_and_its_reasons(client_as, engine, client):
    from sqlalchemy import update

    add_customer(engine)
    client.post("/api/v1/holdings", json={"customer_ref": "C-WANG", "as_of": date.today().isoformat(),
                                          "product": "D", "category": "deposit", "balance_cny": 80_000})
    with session_scope(engine) as s:
        s.execute(update(CustomerProfile).values(churn_risk=0.42, state={"churn": {
            "score": 0.42, "reasons": ["bad_30d", "complaint_cases_90d"], "as_of": "2026-11-30"}}))
    html = client_as("supervisor").get("/customers/C-WANG/profile-card").text
    assert "42%" in html and "近 30 天不良接触、近 90 天投诉工单" in html
