"""The per-caller state is kept by the ingest hook: a new contact changes the next menu."""
from sqlalchemy import func, select

from tests.ivr.builders import app_event, at, customer, ingest, ivr_choice
from xinsheng.db import session_scope
from xinsheng.ivr.models import IvrCallerState
from xinsheng.ivr.service import menu

TRANSFERS = ["2026-09-01", "2026-10-02", "2026-11-03"]
BALANCES = ["2026-09-15", "2026-10-14", "2026-10-20", "2026-11-10", "2026-11-18"]


def _codes(engine, caller, when, **kw):
    with session_scope(engine) as s:
        return [o["code"] for o in menu(s, caller, when, **kw)["options"]]


def test_state_rows_follow_ingest_and_the_menu_changes(engine):
    ingest(engine, [customer("C-T")], [ivr_choice("C-T", "transfer", at(d)) for d in TRANSFERS]
           + [ivr_choice("C-T", "balance", at(d)) for d in BALANCES])
    with session_scope(engine) as s:
        row = s.get(IvrCallerState, s.scalar(select(IvrCallerState.customer_id)))
        opts = row.state["o"]["root"]
        assert (opts["transfer"]["n"], opts["transfer"]["ms"], opts["balance"]["n"], opts["balance"]["ms"]) == (3, 3, 5, 0)
        assert row.contacts == 8
    assert _codes(engine, "C-T", at("2026-12-02"))[:2] == ["transfer", "balance"]
    assert _codes(engine, "C-T", at("2026-12-15"))[:2] == ["balance", "transfer"]
    # one failed app transfer, ingested now, changes the next call's menu on the 15th
    ingest(engine, contacts=[app_event("C-T", "transfer_failed", at("2026-12-15", 9, 50))])
    with session_scope(engine) as s:
        answer = menu(s, "C-T", at("2026-12-15"))
    assert answer["options"][0] == {"code": "transfer", "label": "转账汇款", "reason": "您10分钟前在手机银行转账未成功"}
    assert answer["personalised"] is True


def test_duplicates_and_anonymous_contacts_change_nothing(engine):
    calls = [ivr_choice("C-D", "loan", at("2026-11-0%d" % d)) for d in (5, 6)]
    ingest(engine, [customer("C-D")], calls)
    ingest(engine, contacts=calls + [ivr_choice(None, "fx", at("2026-11-07"))])
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(IvrCallerState)) == 1
        assert s.scalar(select(IvrCallerState.state))["o"]["root"]["loan"]["n"] == 2


def test_unknown_and_anonymous_callers_hear_the_static_menu(engine):
    ingest(engine, [customer("C-K")])
    static = ["balance", "transfer", "card", "credit_card", "wealth", "loan", "fx", "complaint", "agent"]
    for caller in (None, "", "anonymous", "NOBODY-1", "13800138000"):
        with session_scope(engine) as s:
            answer = menu(s, caller, at("2026-12-02"))
        assert [o["code"] for o in answer["options"]] == static and answer["personalised"] is False
        assert all(o["reason"] is None for o in answer["options"])


def test_elderly_caller_from_the_profile(engine):
    ingest(engine, [customer("C-OLD", birth_year=1950)])
    with session_scope(engine) as s:
        answer = menu(s, "C-OLD", at("2026-12-02"))
    assert [o["code"] for o in answer["options"]] == ["balance", "agent", "transfer", "card", "complaint"]
    assert answer["elderly"] is True


def test_a_caller_found_by_phone_through_a_keyed_hash(engine):
    from xinsheng.privacy.crypto import keyring

    ingest(engine, [customer("C-P", attributes={"phone": "+86 138-0013-8000"})],
           [ivr_choice("C-P", "fx", at("2026-11-%02d" % d)) for d in (5, 12, 19)])
    with session_scope(engine) as s:
        stored = s.scalar(select(IvrCallerState.phone_index))
        answer = menu(s, "13800138000", at("2026-12-15"))
    assert stored == keyring().blind_index("phone:13800138000") and "138" not in stored
    assert answer["personalised"] is True and answer["options"][0]["code"] == "fx"


def test_two_concurrent_ingests_of_one_caller_lose_no_choice(engine):
    """Two writers fold into the same caller's row at once (rows locked in key order on
    PostgreSQL): every choice counts once."""
    from concurrent.futures import ThreadPoolExecutor

    from xinsheng.ingest.readers import records_from_list
    from xinsheng.ingest.service import ingest_records

    ingest(engine, [customer("C-C1"), customer("C-C2")])
    batches = [[ivr_choice(ref, "loan", at("2026-11-10", 9, m)) for m in range(40) for ref in ("C-C1", "C-C2")]
               for _ in range(2)]

    def run(batch):
        return ingest_records(records_from_list(batch), "interactions", engine, batch_size=10).accepted

    with ThreadPoolExecutor(2) as pool:
        assert sum(pool.map(run, batches)) == 160
    with session_scope(engine) as s:
        counts = sorted(st["o"]["root"]["loan"]["n"] for st in s.scalars(select(IvrCallerState.state)))
    assert counts == [80, 80]
