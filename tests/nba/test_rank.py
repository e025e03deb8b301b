"""Suitability (适当性) is never violated, over many random customers and catalogues
(hypothesis); contact fatigue, cooldowns, complaints and the hold-out group."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from xinsheng.nba.catalogue import CATEGORIES, Catalogue, Offer, shipped_catalogue
from xinsheng.nba.rank import Event, Facts, in_holdout, rank

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
SEGS = st.sampled_from([None, "mass", "affluent", "private"])


@st.composite
def offers(draw, i):
    category = draw(st.sampled_from((None,) + CATEGORIES))
    risky = category in ("wealth", "fund")
    return Offer(code=f"o{i}", label={"zh": f"产品{i}"}, kind="product" if category else "care",
                 priority=draw(st.floats(0, 1)), category=category,
                 risk_level=draw(st.integers(1, 5)) if risky else None,
                 segments=tuple(draw(st.sets(st.sampled_from(["mass", "affluent", "private"]), max_size=2))))


@st.composite
def catalogues(draw):
    n = draw(st.integers(1, 12))
    return Catalogue(offers=tuple(draw(offers(i)) for i in range(n)), max_offers=draw(st.integers(1, 6)),
                     fatigue_days=30, declined_days=90, holdout_share=0.0, holdout_salt="t")


@settings(max_examples=400, deadline=None)
@given(cat=catalogues(), risk=st.one_of(st.none(), st.integers(1, 5)), segment=SEGS,
       age=st.one_of(st.none(), st.integers(18, 95)), limit=st.integers(1, 10))
def test_no_wealth_or_fund_product_above_the_customers_risk_level(cat, risk, segment, age, limit):
    ranking = rank(cat, Facts("C1", segment=segment, age=age, risk_level=risk), [], NOW, limit=limit)
    by_code = cat.by_code
    for item in ranking.items:
        offer = by_code[item["code"]]
        if offer.category in ("wealth", "fund"):
            assert risk is not None and offer.risk_level <= risk
    assert len(ranking.items) <= limit


def test_the_shipped_products_follow_the_risk_assessment():
    cat = shipped_catalogue()
    shown = lambda r: {i["code"] for i in rank(cat, Facts("C1", "private", 50, r, frozenset({"deposit"})), [], NOW,
                                               limit=20).items}
    assert "fund_equity_r4" not in shown(3) and "fund_balanced_r3" in shown(3)
    assert not {"fund_balanced_r3", "wealth_steady_r2", "pension_plan_r2"} & shown(1)
    assert not {"fund_balanced_r3", "wealth_steady_r2", "fund_equity_r4"} & shown(None)
    ex = {x["code"]: x["reason"] for x in rank(cat, Facts("C1", "private", 50, 3), [], NOW, limit=20).excluded}
    assert "R4" in ex["fund_equity_r4"] and "R3" in ex["fund_equity_r4"]


def _cat(max_offers=3):
    return Catalogue(offers=tuple(Offer(code=f"o{i}", label={"zh": f"o{i}"}, kind="service", priority=0.9 - i / 10,
                                        cooldown_days=30) for i in range(6)),
                     max_offers=max_offers, fatigue_days=30, declined_days=90, holdout_share=0.0, holdout_salt="t")


def test_fatigue_at_most_n_offers_in_m_days():
    cat = _cat(3)
    f = Facts("C1")
    assert [i["code"] for i in rank(cat, f, [], NOW, limit=4).items] == ["o0", "o1", "o2", "o3"]
    two = [Event("o0", "offered", NOW - timedelta(days=3)), Event("o1", "offered", NOW - timedelta(days=29))]
    r = rank(cat, f, two, NOW, limit=3)
    assert [i["code"] for i in r.items] == ["o2", "o3", "o4"]  # a third offer may still be made
    assert {x["code"] for x in r.excluded} == {"o0", "o1"}  # each within its 30-day cooldown
    three = two + [Event("o2", "offered", NOW - timedelta(days=1))]
    tired = rank(cat, f, three, NOW, limit=3)
    assert tired.items == [] and {x["code"] for x in tired.excluded} >= {"o3", "o4", "o5"}
    assert all("3" in x["reason"] and "30" in x["reason"] for x in tired.excluded if x["code"] in ("o3", "o4"))
    # 28 days later o0 (31 days ago) and o1 (57) have left the window and their cooldowns; o2 (29) has not
    later = rank(cat, f, three, NOW + timedelta(days=28), limit=3)
    assert [i["code"] for i in later.items] == ["o0", "o1", "o3"]


def test_declined_and_complained_offers_are_held_back():
    cat = _cat(6)
    hist = [Event("o0", "declined", NOW - timedelta(days=10)), Event("o1", "complained", NOW - timedelta(days=400)),
            Event("o2", "declined", NOW - timedelta(days=100))]
    r = rank(cat, Facts("C1"), hist, NOW, limit=6)
    assert "o0" not in {i["code"] for i in r.items} and "o1" not in {i["code"] for i in r.items}
    assert "o2" in {i["code"] for i in r.items}


def test_the_holdout_is_a_stable_share_and_gets_no_offer():
    cat = Catalogue(offers=_cat().offers, max_offers=3, fatigue_days=30, declined_days=90, holdout_share=0.1,
                    holdout_salt="s")
    held = [f"C{i}" for i in range(20000) if in_holdout(cat, f"C{i}")]
    assert 0.09 < len(held) / 20000 < 0.11  # binomial sd ≈ 0.002
    assert held == [f"C{i}" for i in range(20000) if in_holdout(cat, f"C{i}")]
    r = rank(cat, Facts(held[0]), [], NOW)
    assert r.items == [] and r.holdout and len(r.excluded) == 6


def test_a_note_excludes_with_the_note_as_reason_and_a_liking_ranks_first():
    cat = shipped_catalogue()
    f = Facts("C2", "affluent", 62, 2, notes=("牙口不好，三高", "周末常去看电影"))
    r = rank(cat, f, [], NOW, limit=20)
    ex = {x["code"]: x["reason"] for x in r.excluded}
    assert ex["gift_hairy_crab"] == "牙口不好，三高" and ex["gift_wine"] == "牙口不好，三高"
    codes = [i["code"] for i in r.items]
    assert "gift_wine" not in codes and "gift_hairy_crab" not in codes
    # hand-computed: priority + 0.25 for a liking: check-up 0.40 + 0.25 (三高 is a health concern),
    # cinema 0.35 + 0.25, then the plain priorities (deposit, pension plan 0.50)
    assert codes[:2] == ["health_checkup", "movie_tickets"]
    assert [i["score"] for i in r.items[:2]] == [0.65, 0.6]
    assert any("周末常去看电影" in reason for reason in r.items[1]["reasons"])


NOTE_POOL = ["客户有痛风，海鲜不能吃", "坐飞机会紧张", "周末常去看电影", "不喝酒", "爱打高尔夫", "牙口差", "信佛吃素",
             "不怕坐飞机", "血压血糖都正常", "有恐高症", "只接受上午来电"]


@settings(max_examples=200, deadline=None)
@given(notes=st.lists(st.sampled_from(NOTE_POOL), max_size=4), segment=SEGS, risk=st.one_of(st.none(), st.integers(1, 5)),
       age=st.integers(18, 95))
def test_an_offer_a_note_rules_out_never_appears(notes, segment, risk, age):
    from xinsheng.nba.notes import read_notes

    cat = shipped_catalogue()
    r = rank(cat, Facts("C1", segment, age, risk, frozenset({"deposit"}), tuple(notes)), [], NOW, limit=20)
    reading = read_notes(notes)
    assert not [i["code"] for i in r.items if reading.rules_out(cat.by_code[i["code"]])]
    for x in r.excluded:
        reason = reading.reason_against(cat.by_code[x["code"]])
        if reason and cat.by_code[x["code"]].category not in ("wealth", "fund"):
            assert x["reason"] == reason and reason in notes
