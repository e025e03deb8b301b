"""Each rule passing and failing on hand-written calls whose wordings its lists do not hold
(transcripts/README.md), with evidence pointing at the right words and times."""
from __future__ import annotations

import pytest

from tests.quality.corpus import calls, confusion, expected, turns
from xinsheng.quality.engine import check

DEV = calls("dev") + calls("probe")  # probe: written after the rules (transcripts/README.md)


def _verdicts(path) -> dict[str, dict]:
    return {f["rule"]: f for f in check(turns(path))["findings"]}


@pytest.mark.parametrize("path", DEV, ids=[p.stem for p in DEV])
def test_each_dev_call_gets_the_verdicts_its_author_decided(path):
    got = _verdicts(path)
    assert {r: got[r]["passed"] for r in expected(path)} == expected(path)


def test_every_rule_both_passes_and_fails_in_the_dev_calls():
    seen = {(rule, ok) for p in DEV for rule, ok in expected(p).items()}
    rules = {r for r, _ in seen}
    assert {"identity_verified", "recording_notice", "risk_disclosure", "forbidden_promise",
            "pressure_to_decide", "empathy_when_upset", "elderly_pace", "talk_over", "long_silence"} <= rules
    assert all((r, True) in seen and (r, False) in seen for r in rules)


def _by_name(name: str):
    return next(p for p in DEV if p.stem == name)


def test_a_promise_is_quoted_at_the_time_it_was_said():
    f = _verdicts(_by_name("d02_fund_promise_no_disclosure"))
    promise = f["forbidden_promise"]
    # the turn 29.5–37.0 s: "放心，这个肯定不会亏，…" — the clause starts after "放心，" (3 of 29 characters)
    assert promise["evidence"] == "这个肯定不会亏"
    assert promise["start"] == pytest.approx(29.5 + 7.5 * 3 / 29, abs=0.1)
    # a missing disclosure points at where the fund came up: the customer's turn at 5.5 s
    assert f["risk_disclosure"]["evidence"] == "想问问你们最近卖的那个基金"
    assert 5.5 <= f["risk_disclosure"]["start"] < 9.0


def test_account_details_before_identity_are_the_evidence():
    f = _verdicts(_by_name("d06_details_before_identity_no_notice"))
    assert f["identity_verified"]["evidence"] == "您的账户余额是三万八千六百元"
    assert f["identity_verified"]["start"] == 8.5
    assert f["recording_notice"] == {**f["recording_notice"], "passed": False, "evidence": None, "start": None}


def test_talking_over_and_silence_are_placed_by_turn_times():
    over = _verdicts(_by_name("d09_talk_over"))["talk_over"]
    assert over["start"] == 12.0 and over["evidence"].startswith("您说的是借记卡吧")
    silence = _verdicts(_by_name("d10_long_silence"))["long_silence"]
    assert silence["start"] == 13.0  # the last word before 25 s of nothing (13.0 → 38.0)
    held = _verdicts(_by_name("d11_hold_announced"))["long_silence"]
    assert held["passed"]  # 35 s, but the agent asked the customer to hold first


def test_negated_promises_are_no_promises():
    f = _verdicts(_by_name("d12_negated_promise"))
    assert f["forbidden_promise"]["passed"]
    assert f["risk_disclosure"]["passed"] and "不能保证收益" in f["risk_disclosure"]["evidence"]


def test_score_takes_each_failed_rules_weight_off_100():
    # d02 fails risk_disclosure (25) and forbidden_promise (30) in the shipped rules.yaml
    assert check(turns(_by_name("d02_fund_promise_no_disclosure")))["score"] == 45.0
    assert check(turns(_by_name("d01_wealth_disclosed")))["score"] == 100.0


def test_dev_precision_and_recall():
    c = confusion([(expected(p), {r: f["passed"] for r, f in _verdicts(p).items()}) for p in DEV])
    assert c["tp"] + c["fn"] >= 10  # enough violations to mean something
    assert c["fp"] == 0 and c["fn"] == 0
