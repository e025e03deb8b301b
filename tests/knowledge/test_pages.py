"""Knowledge pages as a signed-in agent or knowledge manager (HTML over HTTP)."""
from __future__ import annotations

import re

from tests.knowledge.conftest import add_message


def test_agent_search_page_shows_answer_and_why(faq, agent):
    page = agent.get("/knowledge", params={"q": "钱转不出去"})
    assert page.status_code == 200
    assert "转账失败怎么办" in page.text and "钱转不出去→转账失败" in page.text
    partial = agent.get("/knowledge", params={"q": "卡被吞了"}, headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="kb-results">') and "ATM吞卡" in partial.text


def test_suggestions_panel_for_the_customers_latest_message(faq, agent, supervisor, engine):
    add_message(engine, "C-ZHAO", "信用卡额度太低了", minute=1, agent_ref="A-007")
    add_message(engine, "C-ZHAO", "我的钱转不出去了，怎么办", minute=2)
    panel = agent.get("/knowledge/suggestions/C-ZHAO")
    assert panel.status_code == 200 and "我的钱转不出去了" in panel.text
    titles = [t for t in ("转账失败怎么办", "信用卡提额") if t in panel.text]
    assert titles[0] == "转账失败怎么办"
    api = agent.get("/api/v1/kb/suggestions", params={"customer_ref": "C-ZHAO"}).json()
    assert api["query"] == "我的钱转不出去了，怎么办" and api["items"][0]["ref"] == "KB-TRANSFER-FAIL"
    add_message(engine, "C-QIAN", "卡被吞了", minute=3)  # served by someone else
    assert agent.get("/knowledge/suggestions/C-QIAN").status_code == 403
    assert agent.get("/api/v1/kb/suggestions", params={"customer_ref": "C-QIAN"}).status_code == 403
    assert "ATM吞卡" in supervisor.get("/knowledge/suggestions/C-QIAN").text


def test_feedback_button_records_and_answers_with_a_marked_line(faq, agent, km):
    aid = faq["KB-CARD-SWALLOWED"]["id"]
    res = agent.post("/knowledge/feedback", data={"article_id": aid, "query": "机器把卡吃了", "verdict": "used",
                                                  "csrf_token": agent.csrf_token})
    assert res.status_code == 200 and "已记录" in res.text
    agent.post("/api/v1/kb/feedback", json={"article_id": aid, "query": "我是张伟，电话13812345678，卡被吞了",
                                             "verdict": "not_relevant"})
    history = km.get(f"/knowledge/articles/{aid}")
    assert "机器把卡吃了" in history.text and "13812345678" not in history.text
    found = agent.get("/api/v1/kb/search", params={"q": "机器把卡吃了"}).json()["items"][0]
    assert found["ref"] == "KB-CARD-SWALLOWED" and found["why"]["feedback"] == 1


def test_knowledge_manager_edits_submits_and_approves_in_the_editor(km, agent):
    res = km.post("/knowledge/articles/new", data={
        "title": "U盾丢了", "question": "U盾丢了怎么办", "paraphrases": "ukey丢失\n网银盾不见了",
        "body": "请到网点**补办**。", "category": "digital", "channels": ["app", "web"],
        "valid_from": "2026-01-01T09:00", "csrf_token": km.csrf_token}, follow_redirects=False)
    assert res.status_code == 303
    url = res.headers["location"]
    page = km.get(url).text
    assert "草稿" in page and "<strong>补办</strong>" in page and "ukey丢失" in page
    aid = url.rsplit("/", 1)[1]
    for step in ("submit", "approve"):
        assert km.post(f"/knowledge/articles/{aid}/{step}", data={"csrf_token": km.csrf_token},
                       follow_redirects=False).status_code == 303
    article = km.get(f"/api/v1/kb/articles/{aid}").json()
    assert article["status"] == "approved" and article["channels"] == ["app", "web"]
    assert article["valid_from"].startswith("2026-01-01T01:00")  # 09:00 Asia/Shanghai
    assert agent.get("/knowledge/articles/new").status_code == 403
    bad = km.post("/knowledge/articles/new", data={"title": "", "question": "x", "csrf_token": km.csrf_token})
    assert bad.status_code == 422 and "title" in bad.text


def test_article_list_imports_a_file_and_links_exports(km):
    csv_text = "ref,title,question,status\nKB-1,挂失,银行卡怎么挂失,approved\nKB-2,,缺标题,draft\n"
    res = km.post("/knowledge/import", data={"csrf_token": km.csrf_token},
                  files={"file": ("kb.csv", csv_text.encode(), "text/csv")})
    assert res.status_code == 200
    summary = re.sub(r"<[^>]+>", "", re.search(r'id="kb-import-result">(.*?)</div>', res.text, re.S).group(1))
    assert "新建 1 篇" in summary and "拒绝 1 篇" in summary, summary
    assert "第 3 行 (KB-2): 「标题」：必填" in summary, "the rejected record's line and problem, in Chinese"
    english = km.post("/knowledge/import?lang=en", data={"csrf_token": km.csrf_token},
                      files={"file": ("kb.csv", csv_text.encode(), "text/csv")})
    shown = re.sub(r"<[^>]+>", "", english.text)
    assert re.search(r"0 created, \d updated, \d unchanged, 1 rejected", shown), "KB-1 is there already"
    assert "line 3 (KB-2): Title: required" in shown
    assert "银行卡怎么挂失" not in res.text and "挂失" in res.text
    assert "/api/v1/kb/export?format=csv" in res.text
