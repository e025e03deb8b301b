"""Escalation rules: each rule firing and not firing, its cause and target, broken files."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from xinsheng.cases.configfiles import ConfigFileError
from xinsheng.cases.rules import CaseFacts, default_rules, evaluate, load_rules

NOW = datetime(2025, 10, 20, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def fired(rules, **facts) -> dict:
    """rule code → firing, for facts on top of a calm, on-track mass-market case."""
    return {f.rule: f for f in evaluate(rules, CaseFacts(now=NOW, **facts), tz="Asia/Shanghai")}


def test_a_calm_case_fires_nothing(rules):
    assert fired(rules, due_at=NOW + timedelta(days=3), segment="mass", age=40,
                 latest_emotions={"anger": 0.2}, latest_text="请问信用卡账单怎么查") == {}


# -- sla_breach -------------------------------------------------------------------------
def test_sla_breach_fires_at_the_deadline_once_per_deadline(rules):
    assert "sla_breach" not in fired(rules, due_at=NOW + timedelta(seconds=1))
    f = fired(rules, due_at=NOW)["sla_breach"]
    assert f.cause == "due:2025-10-20T02:00Z"
    assert f.to_level == 2 and f.to_tier is None  # one level up from L1
    assert f.reason_zh == "已超过处理时限（2025-10-20 10:00），自动升级"
    assert f.reason_en == "past the deadline (2025-10-20 10:00); escalated automatically"
    later = fired(rules, due_at=NOW - timedelta(days=30))["sla_breach"]  # after an extension: a new cause
    assert later.cause == "due:2025-09-20T02:00Z"


def test_sla_breach_at_the_top_level_records_without_moving(rules):
    f = fired(rules, due_at=NOW - timedelta(hours=1), authority_level=4)["sla_breach"]
    assert f.to_level is None
    assert fired(rules, sla_state="breached")["sla_breach"].cause == "due:unknown"


# -- repeat_contact ---------------------------------------------------------------------
def days_ago(*days: float) -> list[datetime]:
    return [NOW - timedelta(days=d) for d in days]


@pytest.mark.parametrize("times, count", [
    (days_ago(6.9, 3, 0), 3),
    (days_ago(7, 3.5, 0), 3),          # exactly 7 days apart still counts
    (days_ago(20, 6, 4, 1, 0), 4),     # the most in any 7 days
    (days_ago(30, 28, 25), 3),         # an old burst counts too (it fires once per case)
])
def test_repeat_contact_fires(rules, times, count):
    f = fired(rules, repeat_contact_times=times)["repeat_contact"]
    assert (f.cause, f.to_tier, f.detail["contacts"]) == ("case", 2, count)
    assert f.reason_zh == f"客户7天内就同一问题联系{count}次"
    assert f.reason_en == f"{count} contacts on the same topic within 7 days"


@pytest.mark.parametrize("times", [
    days_ago(8, 4, 0),                 # no 7-day window holds three
    days_ago(2, 0),                    # only two
    days_ago(1, 0) + [NOW + timedelta(hours=1)],  # a contact after `now` does not count yet
    [],
])
def test_repeat_contact_does_not_fire(rules, times):
    assert "repeat_contact" not in fired(rules, repeat_contact_times=times)


def test_repeat_contact_on_a_tier_2_case_keeps_the_tier(rules):
    assert fired(rules, tier=2, repeat_contact_times=days_ago(2, 1, 0))["repeat_contact"].to_tier is None


# -- strong_emotion ---------------------------------------------------------------------
def test_strong_emotion_threshold_and_cause(rules):
    assert "strong_emotion" not in fired(rules, latest_emotions={"anger": 0.59, "anxiety": 0.1}, latest_contact_id=7)
    assert "strong_emotion" not in fired(rules, latest_emotions={"sadness": 0.95}, latest_contact_id=7)
    f = fired(rules, latest_emotions={"anger": 0.6}, latest_contact_id=7)["strong_emotion"]
    assert (f.cause, f.to_tier) == ("interaction:7", 2)
    g = fired(rules, latest_emotions={"anger": 0.61, "anxiety": 0.85}, latest_contact_id=8)["strong_emotion"]
    assert g.cause == "interaction:8"
    assert g.reason_zh == "最近一次联系中客户焦虑情绪强烈（0.85）"
    assert g.reason_en == "strong anxiety (0.85) in the latest contact"


# -- vip --------------------------------------------------------------------------------
def test_vip(rules):
    f = fired(rules, segment="private")["vip"]
    assert (f.cause, f.to_tier, f.reason_zh, f.reason_en) == ("case", 3, "私人银行客户", "private-banking customer")
    assert "vip" not in fired(rules, segment="affluent")
    assert "vip" not in fired(rules, segment="mass")
    assert fired(rules, segment="mass", customer_flags=["vip"])["vip"].to_tier == 3
    assert fired(rules, segment="private", tier=3)["vip"].to_tier is None


# -- regulatory_risk ---------------------------------------------------------------------
@pytest.mark.parametrize("text, word", [
    ("再不处理我就打12378", "12378"), ("我要向银保监反映", "银保监"), ("找金融监管部门", "金融监管"),
    ("我会联系媒体", "媒体"), ("我要曝光你们", "曝光"), ("准备起诉", "起诉"), ("我已经请了律师", "律师"),
    ("我要投诉到监管", "投诉到监管"), ("I will SUE the bank", "sue"), ("my lawyer will call", "lawyer"),
])
def test_regulatory_risk_words(rules, text, word):
    f = fired(rules, latest_text=text)["regulatory_risk"]
    assert word in f.detail["words"]
    assert (f.cause, f.to_tier, f.to_level) == ("case", 3, 3)
    assert word in f.reason_zh and f.reason_zh.startswith("监管、舆情或诉讼风险：")


@pytest.mark.parametrize("text", ["这个问题什么时候解决", "there is an issue with my card", "个人行为", None])
def test_regulatory_risk_quiet_text(rules, text):
    assert "regulatory_risk" not in fired(rules, latest_text=text)


def test_regulatory_risk_from_the_voc_flag_or_a_referral(rules):
    f = fired(rules, latest_flags=["regulatory_risk"])["regulatory_risk"]
    assert f.reason_en == "regulatory, media or legal risk: flagged by the text analysis"
    g = fired(rules, regulator_referred=True, authority_level=3)["regulatory_risk"]
    assert g.reason_zh == "监管、舆情或诉讼风险：监管转办" and g.to_level is None  # already at L3


# -- vulnerable -------------------------------------------------------------------------
@pytest.mark.parametrize("facts, why", [
    (dict(age=65), "65岁"),
    (dict(birth_year=1960), "65岁"),  # 2025 − 1960
    (dict(latest_flags=["vulnerable_customer"]), "文本分析标记"),
    (dict(customer_flags=["disability"]), "客户标记：disability"),
    (dict(customer_notes=["怕坐飞机", "听力不好，请大声说话"]), "客户备注提示特殊需要"),
])
def test_vulnerable_fires(rules, facts, why):
    f = fired(rules, **facts)["vulnerable"]
    assert (f.cause, f.to_tier) == ("case", 2)
    assert f.reason_zh == f"特殊群体客户：{why}"


@pytest.mark.parametrize("facts", [dict(age=64), dict(birth_year=1961), dict(customer_flags=["vip"]),
                                   dict(customer_notes=["怕坐飞机"])])
def test_vulnerable_does_not_fire(rules, facts):
    assert "vulnerable" not in fired(rules, **facts)


# -- the file ---------------------------------------------------------------------------
def test_disabled_left_out_and_kind_limited_rules():
    rules = load_rules("""
rules:
  vip: {enabled: false, reason: "x", reason_en: "x"}
  strong_emotion: {kinds: [complaint], threshold: 0.5, reason: "{emotion}", reason_en: "{emotion_en} {score}",
                   to_tier: 3}
""")
    facts = dict(segment="private", latest_emotions={"anger": 0.5}, latest_contact_id=1, due_at=NOW)
    assert list(fired(rules, **facts)) == ["strong_emotion"]  # vip off, sla_breach left out
    assert fired(rules, **facts)["strong_emotion"].reason_en == "anger 0.50"
    assert fired(rules, kind="inquiry", **facts) == {}


def test_level_up_stops_at_the_top():
    rules = load_rules('rules:\n  sla_breach: {level_up: 3, reason: "r", reason_en: "r"}\n')
    f = evaluate(rules, CaseFacts(now=NOW, due_at=NOW, authority_level=2), max_level=4, tz="UTC")[0]
    assert f.to_level == 4


def test_emotion_names_match_the_voc_engine():
    from xinsheng.cases.rules import EMOTIONS
    from xinsheng.voc.rules import EMOTIONS as VOC

    assert EMOTIONS == VOC


def test_default_rules_follow_the_setting(tmp_path, monkeypatch):
    from xinsheng.config import get_settings

    own = tmp_path / "r.yaml"
    own.write_text('rules:\n  vip: {reason: "贵宾", reason_en: "VIP"}\n', "utf-8")
    monkeypatch.setenv("XINSHENG_CASES_RULES", str(own))
    get_settings.cache_clear()
    try:
        assert [r.code for r in default_rules().rules] == ["vip"]
    finally:
        monkeypatch.delenv("XINSHENG_CASES_RULES")
        get_settings.cache_clear()
    assert len(default_rules().rules) == 6


R = 'reason: "r", reason_en: "r"'
BROKEN = [
    ("rules:\n  vipp: {%s}\n" % R, 2, "unknown key 'vipp'"),
    ("rules:\n  vip:\n    segment: [private]\n    %s\n" % R.replace(", ", "\n    "), 3, "unknown key 'segment' in vip"),
    ('rules:\n  vip:\n    reason: "{segmnt}客户"\n    reason_en: "x"\n', 3, "unknown placeholder {segmnt}"),
    ('rules:\n  vip:\n    reason: "x"\n    reason_en: "{segment"\n', 4, "not a valid template"),
    ("rules:\n  vip: {to_tier: 4, %s}\n" % R, 2, "'to_tier' in vip must be from 2 to 3"),
    ("rules:\n  strong_emotion: {threshold: 1.5, %s}\n" % R, 2, "must be a number from 0.0 to 1.0"),
    ("rules:\n  strong_emotion: {emotions: [rage], %s}\n" % R, 2, "unknown 'rage'"),
    ("rules:\n  vip: {reason: x}\n", 2, "vip needs 'reason_en'"),
    ("rules:\n  vip: {enabled: yes please, %s}\n" % R, 2, "must be true or false"),
    ("rules:\n  repeat_contact: {contacts: 1, %s}\n" % R, 2, "'contacts' in repeat_contact must be at least 2"),
    ("rules:\n  vip: {kinds: [complaints], %s}\n" % R, 2, "unknown 'complaints'"),
    ("rules:\n  regulatory_risk: {words: [律师, ''], %s}\n" % R, 2, "an empty word"),
    ("rules:\n  vip: {%s\n" % R, 3, "not valid YAML"),
]


@pytest.mark.parametrize("text, line, problem", BROKEN)
def test_a_broken_rules_file_is_refused_with_line_and_problem(text, line, problem):
    with pytest.raises(ConfigFileError) as err:
        load_rules(text, source="bank_rules.yaml")
    assert err.value.message.startswith(f"bank_rules.yaml, line {line}: "), err.value.message
    assert problem in err.value.message
