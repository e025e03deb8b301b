"""Rule segments as data (refused with the line when bad), sizes and experience figures
counted by hand, ``xinsheng segments refresh|list --json``, GET /api/v1/segments, and the
segment explorer in a real browser."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from xinsheng.segments.rules import SegmentRuleError, matches, parse_rules
from xinsheng.segments.service import experience

# 24 customers: ref, segment, birth year, AUM (None: unknown)
PEOPLE = [(f"S{i:02d}", seg, by, aum) for i, (seg, by, aum) in enumerate(
    [("mass", 1950, 20000)] * 6 + [("mass", 1990, None)] * 6 + [("affluent", 1970, 800000)] * 5
    + [("affluent", 1955, 7000000)] * 3 + [("private", 1960, None)] * 2 + [("private", 1985, 300000)] * 2)]


def _customers():
    return [{"customer_ref": ref, "segment": seg, "birth_year": by, "risk_level": 3,
             **({"attributes": {"aum_cny": aum}} if aum is not None else {})} for ref, seg, by, aum in PEOPLE]


def test_rule_file_errors_name_the_line():
    bad = "rules:\n  - code: a\n    label: {zh: 甲}\n    age_minimum: 65\n"
    with pytest.raises(SegmentRuleError) as err:
        parse_rules(bad)
    assert err.value.data["line"] == 2 and "age_minimum" in str(err.value)
    with pytest.raises(SegmentRuleError) as err:
        parse_rules("rules:\n  - code: a\n    label: [zh\n")
    assert err.value.data["line"] == 4


def test_tiers_go_by_aum_when_known_else_by_the_record():
    rules = {r.code: r for r in parse_rules(open("src/xinsheng/segments/data/segments.yaml", encoding="utf-8").read())}
    private_by_aum = {"segment": "affluent", "aum": 7_000_000, "age": 70, "days_known": 400}
    assert matches(rules["tier_private"], private_by_aum) and not matches(rules["tier_affluent"], private_by_aum)
    assert matches(rules["elderly_care"], private_by_aum) and not matches(rules["new_to_bank"], private_by_aum)
    record_only = {"segment": "private", "aum": None, "age": 40, "days_known": 10}
    assert matches(rules["tier_private"], record_only) and matches(rules["new_to_bank"], record_only)


def test_experience_figures_by_hand():
    rows = [{"complaints_90d": c, "negative": n, "analysed": a} for c, n, a in [(0, 1, 4), (2, 3, 3), (1, 0, 0), (0, 0, 5)]]
    assert experience(rows) == {"size": 4, "complaint_rate": 2 / 4, "negative_share": 4 / 12}
    assert experience([]) == {"size": 0, "complaint_rate": None, "negative_share": None}


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "xinsheng", "segments", *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=300)


def test_refresh_list_api_and_stable_ids(engine, client, client_as, settings_env):
    assert client.post("/api/v1/customers", json=_customers()).status_code in (200, 201)
    done = _cli("refresh", "--k", "3", "--json")
    assert done.returncode == 0, done.stderr
    seg = {s["code"]: s for s in json.loads(done.stdout)["segments"]}
    # by hand: private = 3 (AUM 7M) + 2 (record, AUM unknown); affluent = 5; mass = 6 + 6 + 2 (AUM 300k)
    assert (seg["tier_private"]["size"], seg["tier_affluent"]["size"], seg["tier_mass"]["size"]) == (5, 5, 14)
    assert seg["elderly_care"]["size"] == 6 + 3 + 2  # born 1950, 1955, 1960: 65 or older in 2026
    assert seg["new_to_bank"]["size"] == 24
    clusters = sorted(c for c, s in seg.items() if s["kind"] == "cluster")
    assert clusters == ["cluster-1", "cluster-2", "cluster-3"]
    assert sum(seg[c]["size"] for c in clusters) == 24
    again = {s["code"]: s["size"] for s in json.loads(_cli("refresh", "--k", "3", "--json").stdout)["segments"]}
    assert {c: again[c] for c in clusters} == {c: seg[c]["size"] for c in clusters}
    listed = json.loads(_cli("list", "--json").stdout)["segments"]
    assert {s["code"] for s in listed} == set(seg)
    api = client_as("analyst").get("/api/v1/segments")
    assert api.status_code == 200 and {s["code"] for s in api.json()["segments"]} == set(seg)
    assert client_as("agent", agent_ref="A1").get("/api/v1/segments").status_code == 403


def test_a_refresh_in_small_batches_on_a_small_sample_counts_every_customer(engine, client, monkeypatch):
    from xinsheng.db import session_scope
    from xinsheng.segments import features, service
    from xinsheng.segments.clusters import Reservoir

    assert client.post("/api/v1/customers", json=_customers()).status_code in (200, 201)
    with session_scope(engine) as session:
        whole = features.customer_facts(session, service.utcnow())
        pages = list(features.iter_customer_facts(session, service.utcnow(), size=5))
        assert [len(p) for p in pages] == [5, 5, 5, 5, 4] and [r["id"] for p in pages for r in p] == [
            r["id"] for r in whole]
        monkeypatch.setattr(features, "BATCH", 5)
        monkeypatch.setattr(service, "SAMPLE", 10)  # k-means sees 10 of the 24; all 24 are assigned
        seg = {s.code: s for s in service.refresh(session, k=3)}
    assert (seg["tier_private"].size, seg["tier_affluent"].size, seg["tier_mass"].size) == (5, 5, 14)
    assert sum(s.size for s in seg.values() if s.kind == "cluster") == 24
    sample = Reservoir(10, seed=1)
    for i in range(1_000):
        sample.add(i)
    assert len(sample.rows) == 10 and sample.seen == 1_000 and max(sample.rows) > 100


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_segment_explorer_in_a_browser(engine, client, settings_env, base_url, browser, sign_in, locale):
    from playwright.sync_api import expect

    from tests.support.browser import browser_page
    from xinsheng.db import session_scope
    from xinsheng.segments.service import refresh

    assert client.post("/api/v1/customers", json=_customers()).status_code in (200, 201)
    with session_scope(engine) as session:
        refresh(session, k=3)
    with browser_page(locale, browser=browser) as page:
        sign_in(page, base_url, "analyst")
        page.goto(base_url + "/segments" + ("?lang=en" if locale == "en-US" else ""))
        expect(page.locator("#sg-rules tr[data-code=tier_private] td").nth(2)).to_have_text("5")
        expect(page.locator("#sg-clusters tbody tr")).to_have_count(3)
        expect(page.locator("h1")).to_have_text("客群探索" if locale == "zh-CN" else "Segment explorer")
        # the chart: a bar per segment (the rules' and the 3 clusters'), named in the page's language
        rules = page.locator("#sg-rules tbody tr").count()
        expect(page.locator("#sg-chart .bars path")).to_have_count(rules + 3)
        private = "私人银行客户" if locale == "zh-CN" else "Private banking"
        expect(page.locator("#sg-chart .xtick text", has_text=private)).to_have_count(1)
        drawn = page.evaluate("() => { const d = document.getElementById('sg-chart').data[0]; return [d.x, d.y]; }")
        assert dict(zip(*drawn))[page.locator("#sg-rules tr[data-code=tier_private] td").nth(1).inner_text()] == 5


def test_new_to_bank_follows_the_profiles_lifecycle_when_there_is_one():
    rules = {r.code: r for r in parse_rules(open("src/xinsheng/segments/data/segments.yaml", encoding="utf-8").read())}
    new = rules["new_to_bank"]
    assert not matches(new, {"days_known": 10, "lifecycle": "mature"})
    assert matches(new, {"days_known": 400, "lifecycle": "new"})
    assert matches(new, {"days_known": 10, "lifecycle": None}) and not matches(new, {"days_known": 90})
