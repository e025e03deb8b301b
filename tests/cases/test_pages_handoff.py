"""The hand-off summary (cases/handoff.py): topics, the customer's key sentences, what was tried.

The texts are written so that which sentences are the customer's, and which of those are
upset, is plain to a reader; the expected values are those readings, not the code's output.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from xinsheng.cases.handoff import customer_turns, handoff_summary
from xinsheng.cases.models import Case, CaseContact, CaseEvent
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction, InteractionAnalysis

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 10, 13, 9, 0, tzinfo=SH)

FIRST = ("坐席：您好，请问有什么可以帮您？\n"
         "客户：我上周赎回的理财到现在还没到账，我非常着急！\n"
         "坐席：我也很生气，系统太烂了。\n"
         "客户：好的，谢谢。")
SECOND = "客户：这是我第三次打电话了，你们太过分了，我非常生气！\n坐席：非常抱歉，我帮您转业务支持。"


def _contact(s, ext, text, at, outcome, topics, score):
    i = Interaction(source="test", external_id=ext, channel="phone", started_at=at, text=text,
                    outcome=outcome, agent_ref="A-1")
    s.add(i)
    s.flush()
    s.add(InteractionAnalysis(interaction_id=i.id, lang="zh", sentiment_label="negative", sentiment_score=score,
                              topics=[{"code": c, "label": c} for c in topics]))
    return i


def test_customer_turns_keep_only_the_customers_sentences():
    assert customer_turns(FIRST) == ["我上周赎回的理财到现在还没到账，我非常着急！", "好的，谢谢。"]
    # no speaker labels: the whole text is the customer's, split into sentences
    assert customer_turns("钱转不出去了。怎么办？") == ["钱转不出去了。", "怎么办？"]
    assert customer_turns("Customer: My card was swallowed!\nAgent: Sorry.") == ["My card was swallowed!"]


def test_handoff_summary_from_the_contacts_and_earlier_events(engine):
    with session_scope(engine) as s:
        first = _contact(s, "c1", FIRST, T0, "transferred", ["wealth.redemption"], -0.6)
        second = _contact(s, "c2", SECOND, T0 + timedelta(days=1), "escalated",
                          ["service.hotline", "wealth.redemption"], -0.9)
        quiet = _contact(s, "c3", "客户：查一下余额。", T0 + timedelta(days=2), None, ["account.balance"], 0.0)
        case = Case(case_ref="K-1", title="理财赎回未到账", kind="complaint", topic="wealth.redemption",
                    source_interaction_id=first.id, accepted_at=T0, opened_at=T0)
        s.add(case)
        s.flush()
        s.add_all([CaseContact(case_id=case.id, interaction_id=second.id, at=second.started_at, repeat=True),
                   CaseContact(case_id=case.id, interaction_id=quiet.id, at=quiet.started_at, repeat=True)])
        s.add_all([CaseEvent(case_id=case.id, at=T0, actor="agent1", action="open"),
                   CaseEvent(case_id=case.id, at=T0 + timedelta(hours=1), actor="agent1", action="note",
                             text="已告知客户正在核查"),
                   CaseEvent(case_id=case.id, at=T0 + timedelta(days=1, hours=1), actor="agent1",
                             action="escalate", text="客户第三次来电，需业务支持核查资金流向")])
        case_id = case.id
    with session_scope(engine) as s:
        h = handoff_summary(s, s.get(Case, case_id))
    assert h.contacts == 3 and h.repeats == 2
    # the case's topic first, then the others by how many contacts name them
    assert h.topics == ["wealth.redemption", "service.hotline", "account.balance"]
    said = [k.text for k in h.sentences]
    assert set(said) == {"我上周赎回的理财到现在还没到账，我非常着急！", "这是我第三次打电话了，你们太过分了，我非常生气！"}
    assert not any("系统太烂" in x for x in said)  # the agent's words are not the customer's
    tried = [(x.kind, x.outcome or x.action) for x in h.tried]
    assert tried == [("contact", "transferred"), ("event", "note"), ("contact", "escalated"), ("event", "escalate")]
    assert h.tried[-1].text == "客户第三次来电，需业务支持核查资金流向"
