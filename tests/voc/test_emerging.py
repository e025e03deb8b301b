"""Emerging issues: clusters with stable ids and Poisson spikes on the right days."""
from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

from xinsheng.voc.emerging import cluster_id, cluster_texts, detect_spikes, emerging_issues

BASE = ["转账没到账，急死了", "信用卡年费乱扣，要投诉", "网点排队太久了", "客服电话打不通", "理财亏了不少，很失望"]
CRASH = ["新版手机银行更新后一直闪退，登录不上", "手机银行升级后闪退，根本打不开",
         "更新app后登录失败闪退，太差了", "升级以后手机银行闪退打不开"]


def test_clusters_group_one_issue_and_ids_are_stable():
    rng = random.Random(0)
    texts = [rng.choice(BASE) for _ in range(30)] + [rng.choice(CRASH) for _ in range(30)]
    clusters = cluster_texts(texts)
    top = clusters[0]
    assert top.size == 30 and set(top.members) == set(range(30, 60))
    assert "闪退" in top.keywords and top.representative in CRASH
    # The id is "c-" + the first 10 hex digits of SHA-1 over the top three keywords, sorted and
    # joined by "|": here sha1("手机银行|打不开|闪退"), worked out once and written down, so
    # a change of the keywords or of the formula shows (stored ids would no longer match).
    assert top.keywords[:3] == ["闪退", "手机银行", "打不开"]
    assert top.id == "c-6756601945"
    assert hashlib.sha1("手机银行|打不开|闪退".encode("utf-8")).hexdigest()[:10] == "6756601945"
    assert cluster_id(["打不开", "闪退", "手机银行", "other"]) == top.id, "order-free, top three only"
    again = cluster_texts(list(reversed(texts)))
    assert again[0].id == top.id  # same issue, same id, whatever the input order


def test_spike_found_on_the_planted_days_only():
    rng = random.Random(2)
    start = date(2024, 3, 1)
    events = []
    for k in range(40):
        day = start + timedelta(days=k)
        events += [(day, "app_crash")] * (30 if k in (33, 34) else rng.randint(0, 2))
        events += [(day.isoformat(), "transfer")] * rng.randint(8, 14)
    spikes = detect_spikes(events)
    assert [(s.key, s.day) for s in spikes] == [("app_crash", start + timedelta(days=33)),
                                                ("app_crash", start + timedelta(days=34))]
    s = spikes[0]
    assert s.count == 30 and s.baseline < 2 and s.ratio > 10 and s.p_value < 1e-6 and s.z > 5


def test_no_spike_without_history_or_below_min_count():
    day = date(2024, 1, 1)
    assert detect_spikes([(day, "x")] * 50) == []
    events = [(day + timedelta(days=k), "x") for k in range(20)] + [(day + timedelta(days=20), "x")] * 4
    assert detect_spikes(events) == []


def test_emerging_issues_end_to_end(rules_analyzer):
    rng = random.Random(1)
    recs = []
    start = date(2024, 3, 1)
    for k in range(30):
        day = start + timedelta(days=k)
        recs += [(day, "transfer.not_received", rng.choice(BASE)) for _ in range(rng.randint(3, 5))]
        recs += [(day, "mobile_banking.app_crash", rng.choice(CRASH)) for _ in range(25 if k == 27 else rng.randint(0, 1))]
    out = emerging_issues(recs, analyzer=rules_analyzer)
    assert out["clusters"][0]["keywords"] and "闪退" in out["clusters"][0]["label"] + " ".join(out["clusters"][0]["keywords"])
    spike_keys = {(s["key"], s["day"]) for s in out["spikes"]}
    assert ("topic:mobile_banking.app_crash", "2024-03-28") in spike_keys
    assert any(k.startswith("cluster:") and d == "2024-03-28" for k, d in spike_keys)
