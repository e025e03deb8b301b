"""The self-service bot: answer, ask which one, or hand over to a person with the context."""
from __future__ import annotations

from tests.factories import elderly_customer_wang
from tests.knowledge.conftest import add_message, ask, publish


def test_confident_answer_carries_the_article_and_its_confidence(faq, bot):
    reply = ask(bot, "我的钱怎么都转不出去", channel="app")
    assert reply["decision"] == "answer" and reply["reason"] == "confident"
    assert reply["answer"]["ref"] == "KB-TRANSFER-FAIL"
    assert "余额" in reply["answer"]["body"]


def test_negated_question_gets_the_other_article(faq, bot):
    assert ask(bot, "转账不成功")["answer"]["ref"] == "KB-TRANSFER-FAIL"
    assert ask(bot, "转账成功了对方没收到")["answer"]["ref"] == "KB-TRANSFER-NOT-ARRIVED"


def test_asking_for_a_person_hands_off_even_when_an_answer_exists(faq, bot):
    for text in ("转账失败了，转人工", "我要人工服务", "帮我找客服"):
        reply = ask(bot, text)
        assert reply["decision"] == "handoff" and reply["reason"] == "asked_for_person", text
        assert reply["answer"] is None
    assert ask(bot, "转人工")["handoff"]["question"] == "转人工"


def test_angry_customer_goes_to_a_person_with_the_candidates(faq, bot):
    reply = ask(bot, "你们这什么破银行！！钱转不出去，气死我了，再不解决我就打12378投诉")
    assert reply["decision"] == "handoff" and reply["reason"] == "angry"
    assert reply["handoff"]["candidates"][0]["ref"] == "KB-TRANSFER-FAIL"


def test_unknown_question_hands_off_and_close_candidates_ask_which(km, bot):
    reply = ask(bot, "你们周末有没有开门做活动送鸡蛋")
    assert reply["decision"] == "handoff" and reply["reason"] in {"no_match", "low_confidence"}
    publish(km, title="借记卡挂失", question="借记卡怎么挂失")
    publish(km, title="信用卡挂失", question="信用卡怎么挂失")
    reply = ask(bot, "卡怎么挂失")
    assert reply["decision"] == "clarify" and reply["answer"] is None
    assert {c["title"] for c in reply["choices"]} == {"借记卡挂失", "信用卡挂失"}


def test_handoff_passes_the_customer_context_without_personal_data(faq, bot, ingest, engine):
    assert ingest.post("/api/v1/customers", json=elderly_customer_wang()).status_code == 200
    add_message(engine, "C-WANG", "手机银行登录不上", channel="phone")
    reply = ask(bot, "转人工", customer_ref="C-WANG", channel="wechat")
    ctx = reply["handoff"]["customer"]
    assert ctx["customer_ref"] == "C-WANG" and ctx["elderly"] is True and ctx["segment"] == "mass"
    assert ctx["recent_contacts"][0]["channel"] == "phone"
    assert "王建国" not in str(reply)


def test_channel_restricted_article_is_only_answered_there(km, bot):
    publish(km, question="手机银行在哪看交易明细", body="首页-账户-明细", channels=["app"])
    assert ask(bot, "手机银行哪里看交易明细", channel="app")["decision"] == "answer"
    assert ask(bot, "手机银行哪里看交易明细", channel="phone")["decision"] == "handoff"


def test_bot_token_may_ask_but_not_edit_and_input_is_validated(bot):
    assert bot.post("/api/v1/kb/articles", json={"title": "x", "question": "y"}).status_code == 403
    bad = bot.post("/api/v1/assist/answer", json={"question": "", "channel": "app"})
    assert bad.status_code == 422 and "question" in bad.text
    assert bot.post("/api/v1/assist/answer", json={"question": "hi", "channel": "fax"}).status_code == 422


def test_an_article_that_never_mentions_a_banking_word_of_the_question_is_not_answered(km, bot, agent):
    publish(km, title="大额存单利率", question="大额存单利率是多少", body="年利率以购买页面为准。")
    assert ask(bot, "大额存单利率是多少")["decision"] == "answer"
    reply = ask(bot, "房贷的利率是多少")
    assert reply["decision"] != "answer"
    hit = agent.get("/api/v1/kb/search", params={"q": "房贷的利率是多少"}).json()["items"][0]
    assert hit["why"]["uncovered"] == ["房贷"] and hit["confidence"] < 0.8
