"""The experience KPIs and A/B comparisons by API and CLI: the hand-counted numbers of
test_experience.py, A/B statistics against scipy, bad input naming its field (422 / exit 2)."""
from __future__ import annotations

import json
import math
from datetime import timedelta

from scipy.stats import chi2_contingency, norm

from tests.journeys.contact_log import START, write_contacts
from tests.journeys.logs import write_log
from tests.journeys.test_cli import _cli

Q = "from=2026-03-02&to=2026-03-02"


def test_api_experience_and_baseline(engine, client_as, settings_env):
    write_contacts(engine)
    analyst = client_as("analyst")
    r = analyst.get(f"/api/v1/metrics/experience?{Q}&by=segment&baseline_from=2026-02-01&baseline_to=2026-02-07")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["current"]["contacts"], body["current"]["fcr"], body["current"]["repeat_contacts"]) == (8, 0.3333, 3)
    assert body["baseline"]["contacts"] == 0 and body["previous"]["contacts"] == 0
    assert {g["group"]: g["contacts"] for g in body["groups"]}["mass"] == 5


def test_api_bad_input_is_422_naming_the_field(engine, client_as, settings_env):
    analyst = client_as("analyst")
    cases = {"from=2026-03-02&to=2026-03-01": "from", "by=colour": "by", "segment=teens": "segment",
             "baseline_from=2026-02-01": "baseline_to", "baseline_from=2026-02-07&baseline_to=2026-02-01": "baseline_from",
             "baseline_from=soon&baseline_to=2026-02-01": "baseline_from"}
    for query, field in cases.items():
        r = analyst.get(f"/api/v1/metrics/experience?{query}")
        assert r.status_code == 422, query
        assert r.json()["data"]["field"] == field, query
    for query, field in {"group_a=teens&group_b=mass": "group_a", "group_a=mass&group_b=refs:nobody": "group_b",
                         "group_a=mass&group_b=elderly&metric=joy": "metric",
                         "group_a=mass&group_b=elderly&metric=conversion&journey=nope": "journey"}.items():
        r = analyst.get(f"/api/v1/metrics/experience/ab?{query}")
        assert r.status_code == 422 and r.json()["data"]["field"] == field, query
    assert client_as("agent", agent_ref="A1").get(f"/api/v1/metrics/experience?{Q}").status_code == 403


def test_ab_conversion_against_scipy(engine, client_as, settings_env):
    from tests.journeys.logs import UTC
    from datetime import datetime

    t0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    log, customers = [], {}
    # group A (mass): 12 start, 3 reach b; group B (affluent): 8 start, 7 reach b
    for i in range(20):
        ref = f"g{i}"
        customers[ref] = {"segment": "mass" if i < 12 else "affluent"}
        log.append((ref, "app:a", t0 + timedelta(minutes=i)))
        if i < 3 or i >= 13:
            log.append((ref, "app:b", t0 + timedelta(minutes=i + 5)))
    write_log(engine, log, customers)
    r = client_as("analyst").get(f"/api/v1/metrics/experience/ab?group_a=mass&group_b=segment:affluent&metric=conversion"
                                 f"&steps=app:a,app:b&window=1h&step=2&{Q}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["a"]["converted"], body["a"]["of"], body["b"]["converted"], body["b"]["of"]) == (3, 12, 7, 8)
    _, p, _, _ = chi2_contingency([[3, 9], [7, 1]], correction=False)
    assert abs(body["p_value"] - p) < 1e-9
    se = math.sqrt(0.25 * 0.75 / 12 + 0.875 * 0.125 / 8)
    assert abs(body["ci_low"] - (0.625 - norm.ppf(0.975) * se)) < 1e-9
    assert p < 0.05 and body["significant"]
    lo, hi = f"{body['ci_low'] * 100:+.1f}", f"{body['ci_high'] * 100:+.1f}"
    assert body["verdict"]["zh"] == f"转化率从 A 组的 25.0% 升至 B 组的 87.5%，差异显著，95% 置信区间 {lo} 至 {hi} 个百分点。"
    refs = ",".join(f"g{i}" for i in range(12))  # the same group A as a list of customers
    by_refs = client_as("analyst").get(f"/api/v1/metrics/experience/ab?group_a=refs:{refs}&group_b=affluent"
                                       f"&metric=conversion&steps=app:a,app:b&window=1h&{Q}").json()
    assert by_refs["p_value"] == body["p_value"] and by_refs["a"]["group"] == "12 customers"


def test_cli_kpi_and_ab(engine, settings_env, tmp_path):
    ids = write_contacts(engine)
    done = _cli("kpi", "--from", "2026-03-02", "--to", "2026-03-02", "--by", "channel", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert (doc["current"]["contacts"], doc["current"]["repeat_rate"], doc["current"]["abandonment_rate"]) == (8, 0.4286, 0.125)
    group = tmp_path / "a.txt"
    group.write_text("customer_ref\nk1\nk2\n", encoding="utf-8")
    ab = _cli("ab", "--group-a-file", str(group), "--group-b", "refs:k3,k4", "--metric", "repeat_rate",
              "--from", "2026-03-02", "--to", "2026-03-02", "--json")
    assert ab.returncode == 0, ab.stderr
    res = json.loads(ab.stdout)
    # k1, k2: 5 identified contacts, repeats #2 and #5; k3, k4: #6 and #9, repeat #9
    assert (res["a"]["converted"], res["a"]["of"], res["b"]["converted"], res["b"]["of"]) == (2, 5, 1, 2)
    bad = _cli("kpi", "--from", "2026-03-02", "--to", "2026-03-01", "--json")
    assert bad.returncode == 2 and "from" in bad.stderr and bad.stdout == ""
    bad = _cli("ab", "--group-a", "teens", "--group-b", "mass", "--json")
    assert bad.returncode == 2 and "group_a" in bad.stderr
    assert ids and START
