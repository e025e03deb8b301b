"""Experience KPIs on the hand-built contact log (tests/journeys/contact_log.py), answers
worked out by hand; DuckDB over the lake and, on PostgreSQL, PostgreSQL give the same.

In the period (2026-03-02 Shanghai) the service contacts are #1 #2 #3 #4 #5 #6 #9 #11 (8):
#12 is an app event, #13 outbound, #7 #8 #10 outside the period.
* repeats (same customer and topic within 7 days before): #2 (after #1), #5 (after #4, both
  without a topic), #9 (after #8, two days before the period) → 3 of 7 identified contacts.
* first contacts answered: #1 #3 #6 (#4 abandoned, #11 anonymous); resolved: #6 only (#1 is
  followed by #2; #3 by #10, 6 days 20 hours later, after the period) → FCR 1/3.
* handle: #1 300 #2 120 #3 60 #5 200 #9 100 #11 50 → 830/6 = 138.3 s; wait: (30 + 90)/2 = 60.
* sentiment: #1 −0.6 (negative), #6 0.8 → mean 0.1, negative share 1/2; complaints: #1, of 4
  customers → 2,500 per 10,000.
"""
from __future__ import annotations

from datetime import timedelta

from tests.journeys.contact_log import B, END, START, write_answers, write_contacts
from tests.journeys.test_funnel import engines
from xinsheng.journeys.definitions import get_journey, load_journeys
from xinsheng.journeys.experience import experience, kpi_request

TZ = "Asia/Shanghai"


def doc(eng, engine, tmp_path, **kw):
    req = kpi_request(START, END, **kw)
    return experience(eng, engine, req, tz_name=TZ, journeys=tuple(load_journeys().values()), home=tmp_path)


def test_kpis_on_the_hand_built_log(engine, tmp_path):
    ids = write_contacts(engine)
    write_answers(engine, ids, [("k1", "nps", 10, "phone", B), ("k2", "nps", 9, "phone", B), ("k3", "nps", 3, "wechat", B),
                                ("k4", "nps", 7, "phone", B), ("k1", "csat", 5, "phone", B), ("k2", "csat", 2, "phone", B),
                                ("k1", "ces", 3, "phone", B), ("k2", "ces", 5, "phone", B),
                                ("k1", "nps", 0, "phone", END + timedelta(hours=1))])  # after the period
    answers = []
    for eng in engines(engine, tmp_path):
        d = doc(eng, engine, tmp_path, by="channel")
        cur = d["current"]
        assert (cur["contacts"], cur["abandoned"], cur["abandonment_rate"]) == (8, 1, 0.125), eng.kind
        assert (cur["repeat_contacts"], cur["repeat_rate"]) == (3, round(3 / 7, 4))
        assert (cur["fcr_resolved"], cur["fcr_of"], cur["fcr"]) == (1, 3, 0.3333)
        assert (cur["handle_seconds"], cur["handle_n"], cur["wait_seconds"], cur["wait_n"]) == (138.3, 6, 60.0, 2)
        assert (cur["sentiment"], cur["negative_share"], cur["analysed"]) == (0.1, 0.5, 2)
        assert (cur["complaints"], cur["complaints_per_10k"]) == (1, 2500.0)
        assert cur["nps"] == {"value": 25.0, "n": 4} and cur["csat"] == {"value": 50.0, "n": 2}
        assert cur["ces"] == {"value": 4.0, "n": 2}
        groups = {g["group"]: g for g in d["groups"]}
        assert {k: g["contacts"] for k, g in groups.items()} == {"phone": 6, "chat": 1, "wechat": 1}
        assert (groups["phone"]["repeat_contacts"], groups["phone"]["fcr_of"], groups["phone"]["fcr"]) == (3, 1, 0.0)
        assert groups["wechat"]["nps"] == {"value": -100.0, "n": 1}
        # the previous day has no contact at all: zeros, no error
        prev = d["previous"]
        assert (prev["contacts"], prev["fcr"], prev["repeat_rate"], prev["handle_seconds"]) == (0, 0.0, 0.0, None)
        assert [s["contacts"] for s in d["series"]] == [8] and d["series_unit"] == "day"
        answers.append((cur, d["groups"]))
    assert all(a == answers[0] for a in answers)  # DuckDB and PostgreSQL agree


def test_kpis_by_segment_journey_and_touchpoint(engine, tmp_path):
    write_contacts(engine)
    for eng in engines(engine, tmp_path):
        seg = {g["group"]: g["contacts"] for g in doc(eng, engine, tmp_path, by="segment")["groups"]}
        assert seg == {"mass": 5, "affluent": 1, "private": 1, "unknown": 1}, eng.kind
        elderly = doc(eng, engine, tmp_path, segment="elderly")["current"]
        assert (elderly["contacts"], elderly["fcr"], elderly["complaints_per_10k"]) == (1, 1.0, 0.0)
        jn = {g["group"]: g["contacts"] for g in doc(eng, engine, tmp_path, by="journey")["groups"]}
        assert jn["loan_application"] == 1 and sum(jn.values()) == 1  # #3, an hour after the loan step
        tp = {g["group"]: g["contacts"] for g in doc(eng, engine, tmp_path, by="touchpoint")["groups"]}
        assert tp == {"phone:call": 6, "chat:chat": 1, "wechat:message": 1}
        assert get_journey("loan_application").help_hours == 48


def test_an_empty_period_gives_zeros(engine, tmp_path):
    for eng in engines(engine, tmp_path):
        d = doc(eng, engine, tmp_path, by="journey")
        assert d["current"]["contacts"] == 0 and d["current"]["fcr"] == 0.0
        assert d["current"]["complaints_per_10k"] == 0.0 and d["current"]["nps"] == {"value": None, "n": 0}
        assert all(g["contacts"] == 0 for g in d["groups"])


def test_a_stale_contacts_lake_is_copied_again(engine, tmp_path):
    """After retention or an erasure (analytics.lake.mark_stale puts a .stale file in every
    lake), the next query copies the contacts again: a deleted contact is gone."""
    from sqlalchemy import delete

    from xinsheng.analytics.contacts import contacts_dir
    from xinsheng.interactions.models import Interaction
    from xinsheng.journeys.service import analytic_engine

    write_contacts(engine)
    eng = analytic_engine(engine, tmp_path, "duckdb")
    assert doc(eng, engine, tmp_path)["current"]["contacts"] == 8
    with engine.begin() as conn:
        conn.execute(delete(Interaction).where(Interaction.external_id == "k-11"))
    assert doc(eng, engine, tmp_path)["current"]["contacts"] == 8  # copied as it was
    (contacts_dir(tmp_path) / ".stale").write_text("")
    assert doc(eng, engine, tmp_path)["current"]["contacts"] == 7


def test_the_contacts_lake_holds_inbound_service_contacts_only_and_is_appended_to(engine, tmp_path):
    from xinsheng.analytics.contacts import contacts_dir, refresh_contacts

    write_contacts(engine)
    first = refresh_contacts(engine, tmp_path)
    assert first["copied"] == 11  # 13 rows less the app event #12 and the outbound call #13
    assert refresh_contacts(engine, tmp_path)["copied"] == 0  # nothing new: nothing copied
    assert len(list(contacts_dir(tmp_path).glob("part-*.parquet"))) == 1


def test_by_day_rows_carry_every_figure(engine, tmp_path):
    write_contacts(engine)
    eng = next(engines(engine, tmp_path))
    groups = doc(eng, engine, tmp_path, by="day")["groups"]
    assert [(g["group"], g["contacts"]) for g in groups] == [("2026-03-02", 8)]
    assert groups[0]["nps"] == {"value": None, "n": 0}  # surveys are not split by day
