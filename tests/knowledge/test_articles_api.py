"""Knowledge managers maintain articles; only approved, currently valid ones are answered."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.knowledge.conftest import article, ask, publish


def test_draft_is_not_answered_until_approved_and_then_at_once(km, bot):
    res = km.post("/api/v1/kb/articles", json=article(question="信用卡怎么激活", body="拨打卡背面电话激活。"))
    assert res.status_code == 201 and res.json()["status"] == "draft"
    aid = res.json()["id"]
    assert ask(bot, "信用卡怎么激活")["decision"] == "handoff"
    assert km.post(f"/api/v1/kb/articles/{aid}/submit").json()["status"] == "pending"
    assert ask(bot, "信用卡怎么激活")["decision"] == "handoff"
    assert km.post(f"/api/v1/kb/articles/{aid}/approve").json()["live_version"] == 1
    reply = ask(bot, "新信用卡怎样激活呢")
    assert reply["decision"] == "answer" and reply["answer"]["body"] == "拨打卡背面电话激活。"
    assert 0.8 <= reply["answer"]["confidence"] <= 1


def test_edit_is_a_new_version_and_the_approved_one_stays_live(km, bot):
    a = publish(km, question="跨行转账多久到账", body="一般2小时内到账。")
    edited = km.patch(f"/api/v1/kb/articles/{a['id']}", json={"body": "实时到账。", "note": "新规"}).json()
    assert (edited["version"], edited["status"], edited["live_version"]) == (2, "draft", 1)
    assert ask(bot, "跨行转账多久到账")["answer"]["body"] == "一般2小时内到账。"
    km.post(f"/api/v1/kb/articles/{a['id']}/submit")
    km.post(f"/api/v1/kb/articles/{a['id']}/approve")
    assert ask(bot, "跨行转账多久到账")["answer"]["body"] == "实时到账。"
    history = km.get(f"/api/v1/kb/articles/{a['id']}/versions").json()
    assert [(v["version"], v["status"], v["body"]) for v in history] == [
        (2, "approved", "实时到账。"), (1, "approved", "一般2小时内到账。")]
    assert history[0]["note"] == "新规" and history[0]["changed_by"] == km.username


def test_retired_and_expired_articles_are_never_answered(km, bot):
    now = datetime.now(timezone.utc)
    retired = publish(km, question="信用卡年费怎么收", body="首年免年费。")
    assert ask(bot, "信用卡年费怎么收")["decision"] == "answer"
    km.post(f"/api/v1/kb/articles/{retired['id']}/retire")
    assert ask(bot, "信用卡年费怎么收")["decision"] == "handoff"
    publish(km, question="大额存单利率是多少", body="旧利率", valid_to=(now - timedelta(days=1)).isoformat())
    publish(km, question="大额存单利率是多少", body="明年利率", valid_from=(now + timedelta(days=1)).isoformat())
    reply = ask(bot, "大额存单利率是多少")
    assert reply["decision"] == "handoff" and reply["handoff"]["candidates"] == []
    assert km.get("/api/v1/kb/search", params={"q": "大额存单利率"}).json()["items"] == []


def test_workflow_refuses_skipping_review_and_bad_input_names_the_field(km, agent):
    aid = km.post("/api/v1/kb/articles", json=article()).json()["id"]
    res = km.post(f"/api/v1/kb/articles/{aid}/approve")
    assert res.status_code == 409 and "draft" in res.json()["message"]
    bad = km.post("/api/v1/kb/articles", json=article(channels=["fax"]))
    assert bad.status_code == 422 and "fax" in bad.text
    window = km.post("/api/v1/kb/articles", json=article(valid_from="2026-02-01T00:00:00+08:00",
                                                          valid_to="2026-01-01T00:00:00+08:00"))
    assert window.status_code == 422 and "valid_to" in window.text
    assert km.get("/api/v1/kb/articles/999999").status_code == 404
    assert agent.post("/api/v1/kb/articles", json=article()).status_code == 403
    assert agent.get("/api/v1/kb/articles").status_code == 200


def test_list_filters_by_status_and_text(km):
    publish(km, title="吞卡处理", question="卡被吞了怎么办")
    km.post("/api/v1/kb/articles", json=article(title="草稿一篇"))
    page = km.get("/api/v1/kb/articles", params={"status": "approved"}).json()
    assert page["total"] == 1 and page["items"][0]["title"] == "吞卡处理"
    assert km.get("/api/v1/kb/articles", params={"q": "草稿"}).json()["total"] == 1


def test_another_process_sees_an_approval_on_its_next_query(km, engine):
    """Each process checks the change counter per query; a second LiveIndex stands for
    a second server process that has already answered before the article existed."""
    from xinsheng.db import session_scope
    from xinsheng.knowledge.live import LiveIndex

    other = LiveIndex()
    with session_scope(engine) as s:
        assert other.refresh(s).search("理财产品怎么赎回") == []
    a = publish(km, question="理财产品怎么赎回", body="在手机银行赎回。")
    with session_scope(engine) as s:
        assert other.refresh(s).search("理财怎么赎回")[0].article.ref == a["ref"]
    km.post(f"/api/v1/kb/articles/{a['id']}/retire")
    with session_scope(engine) as s:
        assert other.refresh(s).search("理财怎么赎回") == []
