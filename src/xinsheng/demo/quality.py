"""The demo bank's checked calls: phone calls of the last four weeks that carry a transcript
(speaker turns, as an outside recorder or ``xinsheng speech`` would give), some of them breaking
the quality rules, ingested like any contact and then checked by ``xinsheng qa run``'s code, so
the 质检 / Quality page has a review queue, trends by team and agent, and findings to judge.

Each call follows one of a few scripts (a clean wealth call, a promise of returns, a missing risk
disclosure, an angry customer left without an apology, an elderly caller rushed, a clean service
call); agents keep a habit (some agents break rules more often). Deterministic for a seed.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from xinsheng.cases.flows import replaying
from xinsheng.customers.models import Customer
from xinsheng.db import session_scope
from xinsheng.identity.models import User
from xinsheng.ingest.service import ingest_records
from xinsheng.quality.actions import do_check_calls
from xinsheng.records import records_from_list

CALLS = 60
TEAMS = ("理财专线组", "信用卡一组", "综合服务组")
OPEN = ("A", "您好，心声银行，本次通话将被录音，请问有什么可以帮您？")
CHECK = [("C", "你好，我想问问我的账户。"), ("A", "好的，先麻烦您报一下身份证后四位，帮您核实身份。"), ("C", "后四位是0612。")]
SCRIPTS: dict[str, list[tuple[str, str]]] = {
    "wealth_clean": [OPEN, *CHECK, ("A", "核实好了。您这边想了解哪款理财？"), ("C", "就是那个一年期的。"),
                     ("A", "这款是净值型产品，不保本，净值会有波动，过往业绩不代表以后的收益。"),
                     ("C", "明白，我回去考虑一下。"), ("A", "好的，您慢慢考虑，不用着急。")],
    "wealth_promise": [OPEN, ("C", "你们那个基金到底能不能赚钱？"), ("A", "您放心，这款肯定赚，年化5%是稳拿的。"),
                       ("C", "真的吗？"), ("A", "真的，名额不多了，您最好今天就定下来。")],
    "wealth_no_disclosure": [OPEN, ("C", "我想买点理财。"), ("A", "我们现在有一款三个月的理财，起购一万元。"),
                             ("C", "那收益多少？"), ("A", "业绩比较基准是百分之二点八，您可以在手机银行上买。")],
    "angry_cold": [OPEN, ("C", "你们怎么又乱扣我的钱，打了三次电话都没人管，气死我了！"),
                   ("A", "扣费是系统自动的，按规定收取。"), ("C", "那我的钱怎么办？"), ("A", "您可以去网点问一下。")],
    "elderly_rushed": [OPEN, ("C", "姑娘，我今年七十六了，耳朵不太好。"),
                       ("A", "您在APP里点快捷支付签约绑定二类户然后设置限额就可以了扫码也行的。"),
                       ("C", "你说慢点，我听不懂。")],
    "service_clean": [OPEN, *CHECK, ("A", "核实通过。您这张卡的余额是八千二百元，最近一笔是昨天的工资入账。"),
                      ("C", "好的，谢谢。"), ("A", "不客气，祝您生活愉快。")],
}
#: how often each script is used, per habit of the agent
HABITS = {"careful": [4, 0, 0, 1, 0, 6], "pushy": [2, 3, 2, 1, 1, 3], "hurried": [2, 0, 1, 2, 2, 4]}


def _turns(script: list[tuple[str, str]], rng: random.Random) -> list[dict]:
    """Speaker turns with times: about 4.5 characters a second, short pauses (a fast script:
    about 9 a second)."""
    turns, at = [], 0.0
    for speaker, text in script:
        rate = 9.5 if len(text) > 30 and "APP" in text else rng.uniform(4.0, 5.0)
        end = at + len(text) / rate
        turns.append({"speaker": "agent" if speaker == "A" else "customer", "start": round(at, 1),
                      "end": round(end, 1), "text": text})
        at = end + rng.uniform(0.4, 1.2)
    return turns


def _people(engine: Engine) -> tuple[list[str], list[str]]:
    with session_scope(engine) as s:
        agents = list(s.scalars(select(User.agent_ref).where(User.agent_ref.is_not(None)).order_by(User.agent_ref)))
        customers = list(s.scalars(select(Customer.customer_ref).order_by(Customer.id).limit(500)))
    return agents[:9], customers


def load_quality(engine: Engine, now: datetime, seed: int = 17) -> dict:
    """Ingests the demo's recorded calls and checks every one; answers ``qa run``'s report and
    ``ingested`` (the contacts added)."""
    agents, customers = _people(engine)
    if not agents or not customers:
        return {"checked": 0, "ingested": 0}
    rng = random.Random(seed)
    names = list(SCRIPTS)
    records = []
    for i in range(CALLS):
        n = i % len(agents)
        agent, habit = agents[n], list(HABITS)[n % len(HABITS)]
        script = rng.choices(names, weights=HABITS[habit])[0]
        turns = _turns(SCRIPTS[script], rng)
        started = now - timedelta(days=rng.uniform(0.5, 28))
        records.append({"external_id": f"qa-demo-{i:03d}", "source": "recorder", "channel": "phone",
                        "customer_ref": rng.choice(customers), "agent_ref": agent,
                        "started_at": started.isoformat(),
                        "ended_at": (started + timedelta(seconds=turns[-1]["end"])).isoformat(),
                        "event": "call", "text": " ".join(t["text"] for t in turns), "outcome": "resolved",
                        "attributes": {"turns": turns, "team": TEAMS[n % len(TEAMS)]}})
    with replaying(until=now):
        ingested = ingest_records(records_from_list(records), "interactions", engine).accepted
    with session_scope(engine) as s:
        return {**do_check_calls(s, since=now - timedelta(days=30)), "ingested": ingested}
