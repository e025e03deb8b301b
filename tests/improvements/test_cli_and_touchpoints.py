"""``xinsheng improvements create|ship|list|show|evaluate`` as an operator runs them, on
hand-planted daily counts; and a touchpoint's CSAT before/after through the API, against
hand-counted answers."""
from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.cases.builders import add_contact, add_customer, add_user
from tests.surveys.builders import rows
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction, TopicDaily
from xinsheng.notify.models import Notification
from xinsheng.surveys.models import SurveyResponse

TZ = ZoneInfo("Asia/Shanghai")
SHIP = date(2026, 10, 15)
NOW = "2026-11-20T12:00:00+08:00"


def xs(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinsheng", "improvements", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def _plant_days(engine) -> None:
    """20 texts a day on the topic for the 14 days before SHIP, 5 a day for the 14 after."""
    with session_scope(engine) as s:
        for i in range(-14, 14):
            day = SHIP + timedelta(days=i)
            s.add(TopicDaily(day=day, topic_code="*", channel="app", label="", texts=100, negative=0,
                             negative_primary=0, score_sum=0.0))
            s.add(TopicDaily(day=day, topic_code="mobile_banking.login_failure", channel="app", label="登录失败",
                             texts=20 if i < 0 else 5, negative=0, negative_primary=0, score_sum=0.0))


def test_create_ship_and_evaluate_from_the_command_line(engine, settings_env):
    add_customer(engine)
    add_customer(engine, customer_ref="C-ZHAO", name="赵敏")
    add_user(engine, "supervisor", username="zhang_pm")
    raised = datetime.combine(SHIP - timedelta(days=3), time(10), tzinfo=TZ)
    add_contact(engine, customer_ref="C-ZHAO", started_at=raised, topics=["mobile_banking.login_failure"])
    add_contact(engine, customer_ref="C-WANG", started_at=raised, topics=["transfer.not_received"])
    _plant_days(engine)
    bad = xs(["create", "--title", "修复", "--problem", "topic:Bad Code", "--change", "x", "--owner", "zhang_pm",
              "--promised", "2026-10-20"], settings_env)
    assert bad.returncode == 2 and "problem_ref" in bad.stderr
    made = xs(["create", "--title", "7.3.1 修复登录", "--problem", "topic:mobile_banking.login_failure",
               "--change", "修复登录失败", "--owner", "zhang_pm", "--promised", "2026-10-20",
               "--raised-since", "2026-10-01", "--raised-until", "2026-10-14", "--json"], settings_env)
    assert made.returncode == 0, made.stderr
    ref = json.loads(made.stdout)["ref"]
    assert json.loads(made.stdout)["customers"]["linked"] == 1  # 赵敏 raised it; 王建国 wrote about transfers
    for told in (1, 0):  # shipping twice tells nobody twice
        res = xs(["ship", ref, "--on", SHIP.isoformat(), "--now", NOW, "--json"], settings_env)
        assert res.returncode == 0, res.stderr
        assert json.loads(res.stdout)["told_now"] == told
    assert len(rows(engine, Notification, purpose="improvement_shipped")) == 1
    listed = json.loads(xs(["list", "--state", "open", "--json"], settings_env).stdout)["items"]
    assert [(a["ref"], a["state"]) for a in listed] == [(ref, "shipped")]
    shown = json.loads(xs(["show", ref, "--json"], settings_env).stdout)
    assert [c["customer_ref"] for c in shown["linked_customers"]] == ["C-ZHAO"]
    ev = json.loads(xs(["evaluate", ref, "--now", NOW, "--json"], settings_env).stdout)
    # 2 customers; before 14 × 20 = 280 texts over 28 customer-days, after 14 × 5 = 70
    assert ev["before"]["n"] == 280 and ev["after"]["n"] == 70
    assert ev["before"]["value"] == 1e4 * 280 / 28 and ev["after"]["value"] == 1e4 * 70 / 28
    half = 1.959963984540054 * 1e4 * math.sqrt(70 / 28 ** 2 + 280 / 28 ** 2)
    assert abs(ev["ci95"][0] - (-75_000 - half)) < 1e-6 and ev["verdict"] == "improved"
    short = json.loads(xs(["evaluate", ref, "--days", "7", "--now", "2026-10-18T12:00:00+08:00", "--json"],
                          settings_env).stdout)
    assert short["after_days"] == 3 and short["before"]["n"] == 140 and short["after"]["n"] == 15
    text = xs(["evaluate", ref, "--now", NOW, "--lang", "en"], settings_env).stdout
    assert "Verdict: improved." in text


def _answers(engine, scores: list[int], day: date, event: str | None) -> None:
    with session_scope(engine) as s:
        for i, score in enumerate(scores):
            at = datetime.combine(day, time(10), tzinfo=TZ) + timedelta(minutes=i)
            contact = Interaction(source="t", external_id=f"{day}{event}{i}", channel="app", started_at=at,
                                  direction="inbound", event=event, attributes={}, pii=[])
            s.add(contact)
            s.flush()
            s.add(SurveyResponse(dedup_key=hashlib.sha256(f"{day}{event}{i}".encode()).hexdigest(), survey="csat",
                                 metric="csat", score=score, channel="app", via="api", interaction_id=contact.id,
                                 answered_at=at, analysis={}))


def test_a_touchpoints_csat_before_and_after(client, engine):
    add_user(engine, "supervisor", username="zhang_pm")
    # app/transfer_submitted: before 48 satisfied of 80, after 56 of 70 (Newcombe's example:
    # +20.0 points, 95 % CI 5.24 to 33.39); other app events' answers must not count
    _answers(engine, [5] * 48 + [2] * 32, SHIP - timedelta(days=3), "transfer_submitted")
    _answers(engine, [5] * 56 + [1] * 14, SHIP + timedelta(days=2), "transfer_submitted")
    _answers(engine, [1] * 50, SHIP + timedelta(days=2), "login_success")
    body = {"title": "转账确认页改版", "problem_kind": "touchpoint", "problem_ref": "app/transfer_submitted",
            "change_zh": "简化转账确认页", "owner": "zhang_pm", "promised_date": "2026-10-10"}
    ref = client.post("/api/v1/improvements", json=body).json()["ref"]
    early = client.get(f"/api/v1/improvements/{ref}/evaluation").json()
    assert early["verdict"] == "too_early" and "暂不作判断" in early["verdict_zh"]
    client.post(f"/api/v1/improvements/{ref}/state", json={"state": "shipped", "shipped_on": SHIP.isoformat()})
    ev = client.get(f"/api/v1/improvements/{ref}/evaluation").json()
    assert ev["metric"] == "csat" and (ev["before"]["n"], ev["after"]["n"]) == (80, 70)
    assert ev["before"]["value"] == 60.0 and ev["after"]["value"] == 80.0
    assert abs(ev["ci95"][0] - 5.24) < 0.01 and abs(ev["ci95"][1] - 33.39) < 0.01
    assert ev["verdict"] == "improved" and "满意率 CSAT" in ev["verdict_zh"]
    assert client.get(f"/api/v1/improvements/{ref}/evaluation?days=0").status_code == 422


def test_a_channels_ces_before_and_after_from_answers_sent_to_the_api(client, engine):
    """A channel alone is read from the daily satisfaction sums the answers keep."""
    from scipy import stats as sp

    add_user(engine, "supervisor", username="zhang_pm")
    before, after = [6, 5, 7, 4, 6] * 8, [3, 2, 4, 2, 3, 1] * 6
    for day, scores in ((SHIP - timedelta(days=2), before), (SHIP + timedelta(days=1), after)):
        for i, score in enumerate(scores):
            at = datetime.combine(day, time(9), tzinfo=TZ) + timedelta(minutes=i)
            res = client.post("/api/v1/survey-responses", json={"survey": "ces", "score": score, "channel": "wechat",
                                                                "answered_at": at.isoformat()})
            assert res.status_code == 201, res.text
    body = {"title": "微信办理更省力", "problem_kind": "touchpoint", "problem_ref": "wechat", "metric": "ces",
            "change_zh": "微信银行减少验证步骤", "owner": "zhang_pm", "promised_date": "2026-10-10"}
    ref = client.post("/api/v1/improvements", json=body).json()["ref"]
    client.post(f"/api/v1/improvements/{ref}/state", json={"state": "shipped", "shipped_on": SHIP.isoformat()})
    ev = client.get(f"/api/v1/improvements/{ref}/evaluation").json()
    assert (ev["before"]["n"], ev["after"]["n"]) == (40, 36)
    ref_ci = sp.ttest_ind(after, before, equal_var=False).confidence_interval(0.95)
    assert abs(ev["ci95"][0] - ref_ci.low) < 1e-9 and abs(ev["ci95"][1] - ref_ci.high) < 1e-9
    assert ev["verdict"] == "improved" and "客户费力度 CES" in ev["verdict_zh"]
