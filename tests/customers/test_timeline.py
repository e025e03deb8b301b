"""The customer profile and the timeline across channels, over HTTP."""
from __future__ import annotations

from datetime import timedelta

from tests.factories import T0, elderly_customer_wang, interaction, private_banking_client_li

CHANNELS = ["ivr", "phone", "app", "web", "wechat", "chat", "email", "sms", "branch", "social"]


def _seed(client, n_per_channel: int = 3) -> list[dict]:
    client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
    records = [
        interaction(i, channel=CHANNELS[i % len(CHANNELS)],
                    text=f"第{i}次联系：我叫王建国，手机13812345678，转账失败" if i % 4 == 0 else None)
        for i in range(n_per_channel * len(CHANNELS))
    ]
    records.append(interaction(999, customer_ref="C-LI", channel="wechat", text="理财赎回还没到账"))
    assert client.post("/api/v1/interactions", json=records).json()["accepted"] == len(records)
    return records


def test_profile_shows_notes_and_contacts_per_channel(client):
    _seed(client)
    profile = client.get("/api/v1/customers/C-WANG").json()
    assert profile["name"] == "王建国" and profile["age"] >= 77
    assert [n["text"] for n in profile["notes"]] == ["听力不好，请说慢一点", "不喜欢营销短信"]
    assert profile["contacts_by_channel"] == {ch: 3 for ch in CHANNELS}
    assert profile["open_cases"] == []


def test_timeline_is_newest_first_across_every_channel_and_masked(client):
    records = _seed(client)
    page = client.get("/api/v1/customers/C-WANG/timeline", params={"limit": 50}).json()
    items = page["items"]
    assert page["next_before"] is None and len(items) == 30
    assert {i["channel"] for i in items} == set(CHANNELS)
    assert [i["started_at"] for i in items] == sorted((i["started_at"] for i in items), reverse=True)
    assert items[0]["external_id"] == records[29]["external_id"]
    texts = [i["text"] for i in items if i["text"]]
    assert texts and all("13812345678" not in t and "王建国" not in t for t in texts)
    assert all("〔手机号〕" in t for t in texts)
    assert "C-LI" not in {i.get("customer_ref") for i in items}
    assert all(i["external_id"] != "ext-999" for i in items), "another customer's contact leaked in"


def test_pages_follow_next_before_and_visit_every_contact_once_even_with_ties(client):
    client.post("/api/v1/customers", json=[elderly_customer_wang()])
    same_instant = [interaction(i, channel="app") | {"started_at": T0.isoformat(), "ended_at": None}
                    for i in range(7)]
    others = [interaction(i, start=T0 + timedelta(hours=1)) for i in range(10, 20)]
    client.post("/api/v1/interactions", json=same_instant + others)
    seen, before = [], None
    for _ in range(20):
        params = {"limit": 4} | ({"before": before} if before else {})
        page = client.get("/api/v1/customers/C-WANG/timeline", params=params).json()
        seen += [i["external_id"] for i in page["items"]]
        before = page["next_before"]
        if before is None:
            break
    assert sorted(seen) == sorted(r["external_id"] for r in same_instant + others)
    assert len(seen) == len(set(seen))


def test_unknown_customer_is_404_and_bad_parameters_are_422_naming_the_field(client):
    assert client.get("/api/v1/customers/NOBODY").status_code == 404
    assert client.get("/api/v1/customers/NOBODY/timeline").status_code == 404
    _seed(client, 1)
    bad = client.get("/api/v1/customers/C-WANG/timeline", params={"before": "yesterday"})
    assert bad.status_code == 422 and "before" in bad.text
    naive = client.get("/api/v1/customers/C-WANG/timeline", params={"before": "2026-10-01T09:00:00"})
    assert naive.status_code == 422 and "UTC offset" in naive.json()["message"]
    assert client.get("/api/v1/customers/C-WANG/timeline", params={"limit": 0}).status_code == 422
