"""Features and order on hand-built histories (no database): the expected orders, reasons and
scores are worked out by hand from the documented weights (ranker.py's table)."""
import random
from datetime import datetime, timedelta, timezone

import pytest

from xinsheng.ivr.features import apply
from xinsheng.ivr.ranker import Context, order, score
from xinsheng.ivr.tree import builtin_tree

CN = timezone(timedelta(hours=8))
STATIC = ["balance", "transfer", "card", "credit_card", "wealth", "loan", "fx", "complaint", "agent"]
TRANSFERS = ["2026-09-01", "2026-10-02", "2026-11-03"]  # month starts (Tue, Fri, Tue)
BALANCES = ["2026-09-15", "2026-10-14", "2026-10-20", "2026-11-10", "2026-11-18"]  # mid-month


def _at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=CN)


def _ivr(option: str, at: datetime) -> dict:
    return {"channel": "ivr", "event": "menu_selected", "started_at": at,
            "attributes": {"menu_node": "root", "menu_option": option}}


def _state(calls: list[dict]) -> dict:
    state: dict = {}
    for c in calls:
        apply(state, c)
    return state


def _transferer() -> dict:
    return _state([_ivr("transfer", _at(d)) for d in TRANSFERS] + [_ivr("balance", _at(d)) for d in BALANCES])


def _menu(state, at, **ctx):
    tree = builtin_tree()
    return order(tree, tree.node("root"), state, at, Context(**ctx))


def _decayed_share(days: list[str], all_days: list[str], at: datetime) -> float:
    w = lambda ds: sum(0.5 ** ((at - _at(d)).total_seconds() / 86400 / 60) for d in ds)  # noqa: E731
    return w(days) / w(all_days)


def test_month_start_transferer_hears_transfer_first_on_the_2nd():
    at = _at("2026-12-02")
    offers = _menu(_transferer(), at)
    assert [o.code for o in offers] == ["transfer", "balance"] + [c for c in STATIC if c not in ("transfer", "balance")]
    assert offers[0].reason == "您常在月初办理转账汇款"
    # month_start 2.0 × 3/3 + habit (decayed share) + hour 0.3 × 3/8 (all calls at 10:00) + static prior 0.3 × 8/9
    # (2nd of 9); Wednesday: 2 calls, no weekday part
    expected = 2.0 + _decayed_share(TRANSFERS, TRANSFERS + BALANCES, at) + 0.3 * 3 / 8 + 0.3 * 8 / 9
    assert offers[0].score == pytest.approx(expected)
    assert _menu(_transferer(), at, lang="en")[0].reason == "You often use Transfers and remittances at the start of the month"


def test_the_same_caller_on_the_15th_hears_balance_first():
    at = _at("2026-12-15")  # a Tuesday: 2 transfers and 3 balances on Tuesdays
    offers = _menu(_transferer(), at)
    assert [o.code for o in offers] == ["balance", "transfer"] + [c for c in STATIC if c not in ("transfer", "balance")]
    all_days = TRANSFERS + BALANCES
    # pay day: the balances of 09-15 and 10-14 are within a day of the 15th, no transfer is: 2.0 × 2/2
    assert offers[0].score == pytest.approx(2.0 + _decayed_share(BALANCES, all_days, at) + 0.5 * 3 / 5 + 0.3 * 5 / 8
                                            + 0.3)
    assert offers[1].score == pytest.approx(_decayed_share(TRANSFERS, all_days, at) + 0.5 * 2 / 5 + 0.3 * 3 / 8
                                            + 0.3 * 8 / 9)
    assert offers[0].reason == "您常在每月15日前后办理余额查询"
    assert [o.reason for o in offers[2:]] == [None] * 7


def test_a_pay_day_transferer_hears_transfer_first_around_the_10th_only():
    """Transfers on the 10th (a salary day) and balances on other days: around the 10th,
    transfer leads with the pay-day reason; on the 20th, the caller's usual order comes back."""
    salary = ["2026-08-10", "2026-09-10", "2026-10-11", "2026-11-10"]
    other = ["2026-08-20", "2026-09-05", "2026-09-22", "2026-10-06", "2026-10-23", "2026-11-06", "2026-11-24"]
    state = _state([_ivr("transfer", _at(d)) for d in salary] + [_ivr("balance", _at(d)) for d in other])
    on_the_9th = _menu(state, _at("2026-12-09"))
    assert on_the_9th[0].code == "transfer" and on_the_9th[0].reason == "您常在每月9日前后办理转账汇款"
    on_the_10th = _menu(state, _at("2026-12-10"), lang="en")
    assert on_the_10th[0].code == "transfer"
    assert on_the_10th[0].reason == "You often use Transfers and remittances around day 10 of the month"
    assert _menu(state, _at("2026-12-20"))[0].code == "balance"  # 4 transfers vs 7 balances, no pay day
    one_call = _state([_ivr("transfer", _at("2026-11-10"))] + [_ivr("balance", _at(d)) for d in other])
    assert _menu(one_call, _at("2026-12-10"))[0].code == "balance", "one choice near the date is no habit"
    every_day = _state([_ivr("balance", _at(f"2026-11-{d:02d}")) for d in range(4, 28)])
    offers = _menu(every_day, _at("2026-12-15"))  # 3 of 24 choices near the 15th: what chance gives
    assert offers[0].code == "balance" and offers[0].reason == "您常选择余额查询"


def test_a_failed_app_transfer_ten_minutes_before_puts_transfer_first():
    state = _state([_ivr("balance", _at(d)) for d in BALANCES])
    call = _at("2026-12-15", 10, 10)
    apply(state, {"channel": "app", "event": "transfer_failed", "started_at": _at("2026-12-15", 10, 0)})
    offers = _menu(state, call)
    assert offers[0].code == "transfer" and offers[0].reason == "您10分钟前在手机银行转账未成功"
    assert offers[1].code == "balance"
    # two hours later the failure no longer counts
    assert _menu(state, _at("2026-12-15", 12, 10))[0].code == "balance"
    # a transfer that went through afterwards clears it
    apply(state, {"channel": "app", "event": "transfer_submitted", "started_at": _at("2026-12-15", 10, 5)})
    assert _menu(state, call)[0].code == "balance"


def test_a_redemption_not_arrived_puts_wealth_first():
    state = _state([_ivr("balance", _at(d)) for d in BALANCES])
    apply(state, {"channel": "app", "event": "chat", "started_at": _at("2026-12-14"),
                  "analysis": {"topics": [{"code": "wealth.redemption"}], "sentiment_label": "negative"}})
    offers = _menu(state, _at("2026-12-15"))
    assert offers[0].code == "wealth" and offers[0].reason == "您的理财赎回款尚未到账"


def test_an_open_case_puts_case_progress_first_and_complaint_keeps_its_place():
    offers = _menu(_transferer(), _at("2026-12-15"), open_case={"case_ref": "CS-1"})
    codes = [o.code for o in offers]
    assert codes[0] == "case_progress" and offers[0].reason == "您的工单 CS-1 正在处理中"
    assert codes.index("complaint") == 8  # its static place when case_progress is offered (9th)
    assert "case_progress" not in [o.code for o in _menu(_transferer(), _at("2026-12-15"))]


def test_elderly_mode_fewer_options_agent_second_complaint_kept():
    offers = _menu({}, _at("2026-12-15"), age=70)
    assert [o.code for o in offers] == ["balance", "agent", "transfer", "card", "complaint"]
    assert offers[1].reason == "为您优先提供人工服务"
    assert len(_menu({}, _at("2026-12-15"), age=64)) == 9


def test_no_history_is_the_static_order_without_reasons():
    offers = _menu(None, _at("2026-12-15"))
    assert [o.code for o in offers] == STATIC and all(o.reason is None for o in offers)


def test_complaint_never_moves_whatever_the_history():
    rng = random.Random(7)
    for _ in range(200):
        calls = [_ivr(rng.choice(STATIC + ["case_progress"]), _at("2026-11-01") + timedelta(hours=rng.randrange(900)))
                 for _ in range(rng.randrange(1, 30))]
        has_case = rng.random() < 0.5
        offers = _menu(_state(calls), _at("2026-12-02"), open_case={"case_ref": "X"} if has_case else None)
        assert [o.code for o in offers].index("complaint") == (8 if has_case else 7)


def test_order_of_folding_does_not_change_the_state():
    calls = [_ivr("transfer", _at(d)) for d in TRANSFERS] + [_ivr("balance", _at(d)) for d in BALANCES]
    forward, backward = _state(calls), _state(list(reversed(calls)))
    at = _at("2026-12-15")
    tree = builtin_tree()
    s1 = [o.score for o in score(tree.node("root"), forward, at, Context())]
    s2 = [o.score for o in score(tree.node("root"), backward, at, Context())]
    assert s1 == pytest.approx(s2)


def test_only_contacts_that_change_the_state_reach_the_hook():
    from xinsheng.ivr.features import relevant

    t = _at("2026-12-01")
    assert relevant(_ivr("balance", t))
    assert relevant({"channel": "app", "event": "transfer_failed", "started_at": t})
    assert not relevant({"channel": "app", "event": "login_success", "started_at": t})
    assert not relevant({"channel": "phone", "event": "call", "started_at": t,
                         "analysis": {"topics": [{"code": "card.lost"}], "emotions": {"anger": 0.2}}})
    assert relevant({"channel": "phone", "event": "call", "started_at": t,
                     "analysis": {"topics": [], "emotions": {"anger": 0.8}}})
    for contact in ({"channel": "app", "event": "login_success", "started_at": t},
                    {"channel": "wechat", "event": "message", "started_at": t,
                     "analysis": {"topics": [{"code": "card.lost"}], "emotions": {}, "flags": []}}):
        state = _transferer()
        before = repr(state)
        apply(state, contact)
        assert repr(state) == before  # what the hook skips would not have changed anything
