"""The funnel on a hand-built log: answers computed by hand from the contract's furthest-step
rule, the same from DuckDB (over the Parquet lake) and, on PostgreSQL, from PostgreSQL."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.journeys.logs import UTC, at, write_log
from xinsheng.journeys.definitions import parse_period
from xinsheng.journeys.service import analytic_engine, build_request, funnel, help_needed, paths

# Period 2026-03-02 in Asia/Shanghai: [2026-03-01T16:00Z, 2026-03-02T16:00Z).
START = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
B = at(START, 3600)  # 01:00 in Shanghai
END = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)

LOG = [
    ("c1", "app:a", at(B, 0)), ("c1", "app:b", at(B, 100)), ("c1", "app:c", at(B, 200)),
    # stored out of order: the clock decides, not the id
    ("c2", "app:c", at(B, 300)), ("c2", "app:b", at(B, 200)), ("c2", "app:a", at(B, 100)),
    # c before b: only step 2
    ("c3", "app:a", at(B, 0)), ("c3", "app:c", at(B, 50)), ("c3", "app:b", at(B, 100)),
    # repeated step 1: the attempt from 1000 s reaches c; the one from 0 s is out of window at b
    ("c4", "app:a", at(B, 0)), ("c4", "app:a", at(B, 1000)), ("c4", "app:b", at(B, 4000)), ("c4", "app:c", at(B, 4100)),
    # converts twice: counted once
    ("c5", "app:a", at(B, 0)), ("c5", "app:b", at(B, 10)), ("c5", "app:c", at(B, 20)),
    ("c5", "app:a", at(B, 5000)), ("c5", "app:b", at(B, 5010)), ("c5", "app:c", at(B, 5020)),
    # c 3700 s after a: outside the 1 h window
    ("c6", "app:a", at(B, 0)), ("c6", "app:b", at(B, 3000)), ("c6", "app:c", at(B, 3700)),
    # no step 1: not in the funnel
    ("c7", "app:b", at(B, 10)), ("c7", "app:c", at(B, 20)),
    # step 1 ten seconds before the period ends (23:59:50 Shanghai), step 2 after midnight
    ("c8", "app:a", at(END, -10)), ("c8", "app:b", at(END, 100)),
    # 23:50 → 00:20 Shanghai
    ("c9", "app:a", at(END, -600)), ("c9", "app:b", at(END, 1200)),
    # step 1 at 23:59 Shanghai the day before the period: not counted, though its step 2 is inside
    ("c10", "app:a", at(START, -60)), ("c10", "app:b", at(START, 600)),
    ("c11", "app:a", at(B, 7)),
    # another channel with the same event name is not the step
    ("c12", "web:a", at(B, 0)), ("c12", "app:b", at(B, 5)),
]


def engines(engine, tmp_path):
    yield analytic_engine(engine, tmp_path, "duckdb")
    if engine.dialect.name == "postgresql":
        yield analytic_engine(engine, tmp_path, "postgres")


def request(steps="app:a,app:b,app:c", window="1h", frm="2026-03-02", to="2026-03-02", **kw):
    start, end = parse_period(frm, to, "Asia/Shanghai", datetime.now(UTC))
    return build_request(journey=None, steps=steps, window=window, start=start, end=end, **kw)


def test_furthest_step_rule_on_a_hand_built_log(engine, tmp_path):
    write_log(engine, LOG)
    for eng in engines(engine, tmp_path):
        out = funnel(eng, request())
        assert [s["customers"] for s in out["steps"]] == [9, 8, 4], eng.kind
        assert [s["conversion"] for s in out["steps"]] == [1.0, round(8 / 9, 4), round(4 / 9, 4)]
        # step 2 gaps 10,100,100,100,110,1800,3000,3000 s; step 3 gaps 10,100,100,100 s
        assert out["median_seconds"] == [None, 105.0, 100.0], eng.kind
        assert out["p90_seconds"] == [None, 3000.0, 100.0], eng.kind
        assert out["bottleneck"]["after_step"] == "app:b" and out["bottleneck"]["lost"] == 4


def test_window_and_single_step(engine, tmp_path):
    write_log(engine, LOG)
    for eng in engines(engine, tmp_path):
        # a 2 h window lets c6 (c at 3700 s) and nobody else more through
        assert [s["customers"] for s in funnel(eng, request(window="2h"))["steps"]] == [9, 8, 5]
        assert [s["customers"] for s in funnel(eng, request(steps="app:a"))["steps"]] == [9]


def test_elderly_segment(engine, tmp_path):
    write_log(engine, LOG, customers={"c1": {"birth_year": 1950}, "c3": {"birth_year": 1955},
                                      "c5": {"birth_year": 1990}})
    for eng in engines(engine, tmp_path):
        out = funnel(eng, request(segment="elderly"))
        assert [s["customers"] for s in out["steps"]] == [2, 2, 1]


def test_an_empty_period_gives_zeros(engine, tmp_path):
    write_log(engine, LOG)
    for eng in engines(engine, tmp_path):
        out = funnel(eng, request(frm="2025-01-01", to="2025-01-31"))
        assert [(s["customers"], s["conversion"]) for s in out["steps"]] == [(0, 0.0)] * 3
        assert out["median_seconds"] == [None, None, None] and out["bottleneck"] is None
        assert help_needed(eng, request(frm="2025-01-01", to="2025-01-31"))["rate"] == 0.0


PATH_LOG = [
    ("p1", "app:a", at(B, 0)), ("p1", "ivr:menu_selected", at(B, 600)), ("p1", "phone:inbound_call", at(B, 700)),
    ("p2", "app:a", at(B, 0)), ("p2", "app:b", at(B, 10)), ("p2", "chat:message", at(B, 20)),
    ("p3", "app:a", at(B, 0)), ("p3", "app:b", at(B, 10)), ("p3", "app:c", at(B, 20)),
    ("p3", "phone:inbound_call", at(B, 30)),
    ("p4", "app:a", at(B, 0)), ("p4", "ivr:menu_selected", at(B, 900)), ("p4", "phone:inbound_call", at(B, 950)),
    ("p4", "web:page_viewed", at(B, 960)), ("p4", "web:page_viewed", at(B, 970)),
    ("p5", "app:a", at(B, 0)), ("p5", "phone:inbound_call", at(B, 25 * 3600)),
]


def test_paths_after_drop_off_and_help_needed(engine, tmp_path):
    write_log(engine, PATH_LOG)
    for eng in engines(engine, tmp_path):
        got = {(p["dropped_after"], tuple(p["next"])): p["customers"] for p in paths(eng, request(), depth=2)["paths"]}
        assert got == {("app:a", ("ivr:menu_selected", "phone:inbound_call")): 2, ("app:b", ("chat:message",)): 1,
                       ("app:a", ()): 1}, eng.kind
        h = help_needed(eng, request())
        # p1, p4 called, p2 chatted; p3 called only after finishing, within 24 h: helped too; p5 after 25 h
        assert (h["started"], h["helped"], h["rate"]) == (5, 4, 0.8), eng.kind
