"""What each role's pages show: a useful home, reasons instead of "not found", the timeline
with what the VOC engine found, a knowledge panel that stays quiet when unsure, the small
things (age band, paged users list, the token form)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.factories import elderly_customer_wang, interaction, private_banking_client_li
from tests.web.test_forms_keep_input import HTML, by_id
from xinsheng.db import session_scope, utcnow

RECENT = utcnow() - timedelta(days=1)
ANGRY = "转账一直失败，等了三天钱还没到账，太生气了，我要投诉到银保监会！"


@pytest.fixture
def world(client, engine):
    """C-WANG (born 1948): an angry call to agent A1001, a bank SMS notice, an app sign-in,
    an event no catalogue knows, then a chat asking how to fix a failed transfer; C-LI (advisor RM007) asks about branch opening hours.
    Three IVR menu choices. One approved article on failed transfers."""
    from xinsheng.knowledge.actions import do_create_article, do_transition_article
    from xinsheng.knowledge.schemas import ArticleCreate

    assert client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()]).status_code == 200
    contacts = [
        interaction(1, start=RECENT, agent_ref="A1001", channel="phone", event="call", text=ANGRY),
        interaction(2, start=RECENT, channel="sms", direction="outbound", event="notice_sent", outcome="delivered",
                    text="【心声银行】您尾号1234的储蓄卡支出人民币100.00元。"),
        interaction(3, start=RECENT, channel="app", event="login_success", outcome="completed"),
        interaction(4, start=RECENT, channel="branch", event="teller_visit_v2", outcome=None),
        interaction(6, start=RECENT, agent_ref="A1001", channel="chat", event="chat_session", text="转账一直不成功怎么办"),
        interaction(5, start=RECENT, customer_ref="C-LI", channel="wechat", event="message",
                    text="请问你们网点周六几点开门？"),
        *[interaction(10 + i, start=RECENT, channel="ivr", event="menu_selected", customer_ref=None, outcome=outcome,
                      attributes={"menu_node": "root", "menu_option": option})
          for i, (option, outcome) in enumerate([("balance", "resolved"), ("balance", "transferred"),
                                                   ("fx", "abandoned")])],
    ]
    assert client.post("/api/v1/interactions", json=contacts).json()["accepted"] == len(contacts)
    with session_scope(engine) as s:
        a = do_create_article(s, ArticleCreate(title="转账失败怎么办", question="转账一直失败怎么办",
                                               paraphrases=["转账不成功", "钱转不出去"], body="核对收款人信息。",
                                               category="transfer"), "tests")
        for step in ("submit", "approve"):
            do_transition_article(s, a.id, step, "tests")


def test_the_timeline_shows_topics_emotions_and_flags_and_marks_the_banks_notices(world, client_as, client):
    from xinsheng.voc.topics import Taxonomy

    labels = {leaf.code: leaf.label for leaf in Taxonomy.load().leaves}
    stored = {i["external_id"]: i for i in client.get("/api/v1/customers/C-WANG/timeline").json()["items"]}
    page = client_as("supervisor").get("/customers/C-WANG?lang=zh", headers=HTML).text
    items = {re.search(r'data-external="([^"]+)"', li).group(1): li
             for li in re.findall(r'<li class="item.*?</li>', page, re.S)}
    call, analysis = items["ext-1"], stored["ext-1"]["analysis"]
    assert analysis["topics"] and analysis["flags"], "the angry call is analysed (topics, flags)"
    assert re.findall(r'data-topic="([^"]+)"', call) == [t["code"] for t in analysis["topics"]]
    assert [labels[t["code"]] for t in analysis["topics"]] == re.findall(r'class="chip topic"[^>]*>([^<]+)<', call)
    strong = [e for e, v in sorted(analysis["emotions"].items(), key=lambda kv: -kv[1]) if v >= 0.3]
    assert re.findall(r'data-emotion="([^"]+)"', call) == strong
    assert re.findall(r'data-flag="([^"]+)"', call) == analysis["flags"]
    assert "投诉" in call, "the complaint flag in Chinese"
    notice = items["ext-2"]
    assert "from-bank" in notice and "银行发出" in notice
    assert 'class="sent' not in notice and 'class="analysis' not in notice, "a bank notice is not the customer's voice"
    assert "登录成功" in items["ext-3"] and ">login_success<" not in items["ext-3"]
    assert re.search(r'<span class="code" data-user-content>teller visit v2</span>', items["ext-4"])


@pytest.mark.parametrize("lang, band", [("zh", "岁"), ("en", "")])
def test_the_profile_shows_an_age_band(world, client_as, lang, band):
    age = utcnow().year - 1948
    expected = f"{age // 10 * 10}–{age // 10 * 10 + 9}{band}"
    page = client_as("supervisor").get(f"/customers/C-WANG?lang={lang}", headers=HTML).text
    assert by_id(page, "age-band") == expected
    assert "1948" not in page


def test_the_knowledge_panel_shows_only_confident_suggestions(world, client_as):
    from xinsheng.knowledge.matching.scorer import DEFAULT_THRESHOLD

    sup = client_as("supervisor")
    for ref in ("C-WANG", "C-LI"):
        every = sup.get("/api/v1/kb/suggestions", params={"customer_ref": ref, "limit": 3}).json()["items"]
        panel = sup.get(f"/knowledge/suggestions/{ref}?lang=zh", headers=HTML).text
        shown = [int(x) for x in re.findall(r'class="kb-hit" data-article="(\d+)"', panel)]
        assert shown == [s["article_id"] for s in every if s["confidence"] >= DEFAULT_THRESHOLD], ref
        if not shown:
            assert "没有足够把握的推荐" in by_id(panel, "kb-none-confident")
    assert re.search(r'data-article="\d+"', sup.get("/knowledge/suggestions/C-WANG", headers=HTML).text), \
        "a failed-transfer complaint gets the failed-transfer article"
    assert 'class="kb-hit"' not in sup.get("/knowledge/suggestions/C-LI", headers=HTML).text, \
        "opening hours are not about transfers"


def test_each_role_has_a_home_without_searches_it_may_not_use(world, client_as):
    km = client_as("knowledge_manager").get("/?lang=zh", headers=HTML).text
    assert 'id="q"' not in km and "最近联系的客户" not in km
    assert re.search(r'id="kb-count-approved"><strong>已发布</strong> 1<', km)
    assert km.count('id="nav-kb-articles"') == 1
    kb_page = client_as("knowledge_manager").get("/knowledge", headers=HTML).text
    assert kb_page.count('id="nav-kb-articles"') == 1, "the link is on every page, once"
    ivr = client_as("ivr_designer").get("/?lang=zh", headers=HTML).text
    assert 'id="q"' not in ivr
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([\d,]+)</td>\s*<td>(\d+)%</td><td>(\d+)%</td></tr>", ivr)
    assert rows == [("余额查询", "2", "50", "0"), ("外汇", "1", "0", "100")]
    agent = client_as("agent", agent_ref="A1001").get("/?lang=zh", headers=HTML).text
    assert 'id="q"' in agent and "C-WANG" in agent and 'id="tool-cases"' in agent
    for role in ("support", "expert", "complaint_handler", "supervisor", "analyst", "advisor", "admin"):
        home = client_as(role).get("/?lang=en", headers=HTML).text
        assert by_id(home, "role-does"), role
        assert ('id="q"' in home) == (role not in ("knowledge_manager", "ivr_designer")), role


def test_searches_and_refusals_say_why(world, client_as):
    analyst = client_as("analyst").get("/customers", params={"q": "王建国", "lang": "zh"},
                                       headers={**HTML, "hx-request": "true"}).text
    assert "你的角色看不到客户姓名，不能按姓名查找" in analyst
    agent = client_as("agent", agent_ref="A1001")
    found = agent.get("/customers", params={"q": "C-LI", "lang": "zh"}, headers={**HTML, "hx-request": "true"}).text
    assert "没有客户号以「" in found and "前台坐席只能查看最近 30 天接待过的客户" in found
    refused = agent.get("/customers/C-LI?lang=zh", headers=HTML)
    assert refused.status_code == 403
    assert "你无权查看这位客户（" in by_id(refused.text, "error-message") and "C-LI" in refused.text
    hot = agent.get("/hot-issues?lang=en", headers=HTML)
    assert hot.status_code == 403
    assert by_id(hot.text, "error-message") == ("Your role (Agent (tier 1)) may not read VOC analyses (Hot issues). "
                                                "Ask an administrator if you need to.")
    api = agent.get("/api/v1/customers/C-LI")
    assert api.json()["message"] == "this customer is not among those you serve", "the API keeps its English"


def test_users_are_paged_and_the_token_form_labels_its_fields(client_as, engine):
    from xinsheng.identity.actions import do_create_user

    with session_scope(engine) as s:
        for n in range(55):
            do_create_user(s, username=f"staff{n:02d}", role="agent")
    admin = client_as("admin")
    first = admin.get("/admin/users?lang=zh", headers=HTML).text
    assert len(re.findall(r"<tr data-username=", first)) == 50 and 'id="users-next"' in first
    assert "第 1–50 位，共 56 位" in first
    second = admin.get("/admin/users?offset=50", headers=HTML).text
    assert len(re.findall(r"<tr data-username=", second)) == 6 and 'id="users-prev"' in second
    tokens = admin.get("/admin/tokens?lang=zh", headers=HTML).text
    assert re.search(r"<label[^>]*>令牌名称（调用方系统） <input name=\"name\"", tokens)
    boxes = re.findall(r'<label class="check"><input type="checkbox" name="scope" value="(\w+)"> <span>([^<]+)', tokens)
    assert dict(boxes)["audit"].startswith("读取和导出审计日志") and len(boxes) >= 8
