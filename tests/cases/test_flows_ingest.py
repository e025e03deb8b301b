"""Cases opened by ingest itself, repeat contacts attached, and ingest that is interrupted or
repeated: through the real ingest path (masking, VOC analysis, the batch hook)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.cases.flow_builders import (MON, contact, count, flow_clock, ingest_contacts, ingest_customers,
                                       young_customer)
from xinsheng.cases.models import Case, CaseContact, CaseEscalation, CaseEvent
from xinsheng.db import session_scope
from xinsheng.notify.models import Notification

COMPLAINT = "我要投诉！上周赎回的理财到现在还没到账，你们一直拖着，太过分了，回电13812345678"
AGAIN = "理财赎回的钱还是没到账，这已经是我第二次打电话问了"
THIRD = "第三次来问了，赎回款到底什么时候到账？"


@pytest.fixture
def zhao(engine, settings_env, monkeypatch):
    """赵磊 (41, mass) is a customer; the flow's now is Wednesday 2026-10-28 12:00 Beijing,
    after every contact of these tests and before any deadline."""
    ingest_customers(engine, young_customer())
    flow_clock(monkeypatch, MON + timedelta(days=9, hours=2))
    return engine


def _cases(engine) -> list[Case]:
    with session_scope(engine) as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def _contacts(engine, case_id: int) -> list[tuple[str, bool]]:
    from xinsheng.interactions.models import Interaction

    with session_scope(engine) as s:
        return list(s.execute(select(Interaction.external_id, CaseContact.repeat)
                              .join(CaseContact, CaseContact.interaction_id == Interaction.id)
                              .where(CaseContact.case_id == case_id).order_by(CaseContact.at)).all())


def _rules(engine, case_id: int) -> list[str]:
    with session_scope(engine) as s:
        return sorted(s.scalars(select(CaseEscalation.rule).where(CaseEscalation.case_id == case_id)))


def test_a_complaint_from_a_known_customer_opens_a_case_with_its_clocks(zhao):
    ingest_contacts(zhao, [contact(1, COMPLAINT, at=MON)])
    [case] = _cases(zhao)
    assert case.opened_by == "rule:auto_open" and case.kind == "complaint" and case.channel == "phone"
    # the first topic of the analysis that is not the generic 投诉处理 one
    assert case.topic == "wealth.redemption"
    assert "13812345678" not in case.text and "13812345678" not in case.title
    assert case.accepted_at == MON  # accepted when the customer said it
    # by hand: 1 working day after Monday 2026-10-19 10:00 is Tuesday 10:00; 15 calendar days
    # after it is Tuesday 2026-11-03 10:00 (Beijing); the warning at 80 %: 12 days, 2026-10-31 10:00
    assert case.ack_due_at == datetime.fromisoformat("2026-10-20T10:00:00+08:00")
    assert case.due_at == datetime.fromisoformat("2026-11-03T10:00:00+08:00")
    assert case.warn_at == datetime.fromisoformat("2026-10-31T10:00:00+08:00")
    assert _contacts(zhao, case.id) == [("flow-1", False)]
    assert case.repeat_contacts == 0
    with session_scope(zhao) as s:
        purposes = list(s.scalars(select(Notification.purpose).order_by(Notification.id)))
    assert purposes[0] == "case_accepted"  # the customer hears that it was accepted


def test_further_contacts_on_the_topic_attach_and_the_third_in_a_week_escalates(zhao):
    ingest_contacts(zhao, [contact(1, COMPLAINT, at=MON)])
    [case] = _cases(zhao)
    ingest_contacts(zhao, [contact(2, AGAIN, at=MON + timedelta(days=1))])
    assert len(_cases(zhao)) == 1
    assert "repeat_contact" not in _rules(zhao, case.id)  # two contacts in a week: not yet
    ingest_contacts(zhao, [contact(3, THIRD, at=MON + timedelta(days=2), channel="wechat")])
    [case] = _cases(zhao)
    assert _contacts(zhao, case.id) == [("flow-1", False), ("flow-2", True), ("flow-3", True)]
    assert case.repeat_contacts == 2
    assert _rules(zhao, case.id).count("repeat_contact") == 1
    assert case.tier >= 2  # the repeat-contact rule sends it to business support
    assert count(zhao, CaseEvent, CaseEvent.case_id == case.id, CaseEvent.action == "repeat_contact") == 2


def test_three_contacts_spread_over_more_than_a_week_do_not_escalate(zhao):
    # Monday, Friday, and the Tuesday after next 11:00: no 7-day window holds three of them
    times = [MON, MON + timedelta(days=4), MON + timedelta(days=8, hours=1)]
    ingest_contacts(zhao, [contact(1, COMPLAINT, at=times[0])])
    ingest_contacts(zhao, [contact(2, AGAIN, at=times[1])])
    ingest_contacts(zhao, [contact(3, THIRD, at=times[2])])
    [case] = _cases(zhao)
    assert case.repeat_contacts == 2
    assert "repeat_contact" not in _rules(zhao, case.id)


def test_earlier_contacts_on_the_topic_join_the_case_that_opens(zhao):
    ingest_contacts(zhao, [contact(1, AGAIN, at=MON - timedelta(days=2)),  # not a complaint yet
                           contact(2, "我想问一下信用卡账单怎么分期", at=MON - timedelta(days=1)),  # another topic
                           contact(3, COMPLAINT, at=MON)])
    [case] = _cases(zhao)
    assert _contacts(zhao, case.id) == [("flow-1", False), ("flow-3", False)]


def test_no_case_for_anonymous_outbound_old_or_ordinary_contacts(zhao):
    ingest_contacts(zhao, [
        contact(1, COMPLAINT, at=MON, customer_ref=None),  # unknown customer
        contact(2, COMPLAINT, at=MON, direction="outbound"),  # the bank calling
        contact(3, COMPLAINT, at=MON - timedelta(days=40)),  # history older than 30 days at ingest
        contact(4, "我想问一下信用卡账单怎么分期", at=MON),  # not a complaint
    ])
    assert _cases(zhao) == []


def test_a_complaint_on_another_topic_opens_a_second_case(zhao):
    ingest_contacts(zhao, [contact(1, COMPLAINT, at=MON),
                           contact(2, "你们的服务太差了，我非常生气，要投诉那个客服态度恶劣", at=MON + timedelta(hours=2))])
    cases = _cases(zhao)
    assert len(cases) == 2 and cases[0].topic == "wealth.redemption" and cases[1].topic != "wealth.redemption"


def test_re_ingest_changes_nothing(zhao):
    records = [contact(1, COMPLAINT, at=MON), contact(2, AGAIN, at=MON + timedelta(days=1)),
               contact(3, THIRD, at=MON + timedelta(days=2))]
    ingest_contacts(zhao, records, batch_size=2)
    before = [count(zhao, m) for m in (Case, CaseContact, CaseEvent, CaseEscalation, Notification)]
    report = ingest_contacts(zhao, records, batch_size=2)
    assert report.duplicates == 3 and report.accepted == 0
    assert [count(zhao, m) for m in (Case, CaseContact, CaseEvent, CaseEscalation, Notification)] == before


def test_an_interrupted_ingest_loses_and_doubles_nothing(zhao):
    """The second batch fails after the cases flow ran in it: its attachment rolls back with
    its contacts; the re-run stores both once."""
    from xinsheng.ingest.service import register_batch_hook, unregister_batch_hook

    records = [contact(1, COMPLAINT, at=MON), contact(2, AGAIN, at=MON + timedelta(days=1))]
    calls = []

    def crash_on_second_batch(session, contacts):
        calls.append(len(contacts))
        if len(calls) == 2:
            raise RuntimeError("killed")

    register_batch_hook("zz-crash", crash_on_second_batch)
    try:
        with pytest.raises(RuntimeError):
            ingest_contacts(zhao, records, batch_size=1)
    finally:
        unregister_batch_hook("zz-crash")
    [case] = _cases(zhao)
    assert _contacts(zhao, case.id) == [("flow-1", False)] and case.repeat_contacts == 0
    report = ingest_contacts(zhao, records, batch_size=1)
    assert (report.accepted, report.duplicates) == (1, 1)
    [case] = _cases(zhao)
    assert _contacts(zhao, case.id) == [("flow-1", False), ("flow-2", True)] and case.repeat_contacts == 1
    assert count(zhao, CaseEvent, CaseEvent.action == "repeat_contact") == 1


def test_the_api_ingest_opens_the_case_too(zhao, client):
    res = client.post("/api/v1/interactions", json=[contact(1, COMPLAINT, at=MON)])
    assert res.status_code == 200, res.text
    [case] = _cases(zhao)
    listed = client.get("/api/v1/cases?queue=all&status=open").json()["items"]
    assert [c["case_ref"] for c in listed] == [case.case_ref]
