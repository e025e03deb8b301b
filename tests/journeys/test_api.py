"""The API and the command line give the funnel of the contract; bad input names its field."""
from __future__ import annotations

from tests.journeys.logs import write_log
from tests.journeys.test_funnel import LOG

Q = "steps=app:a,app:b,app:c&window=1h&from=2026-03-02&to=2026-03-02"


def test_api_funnel_matches_the_hand_count(engine, client_as, settings_env):
    write_log(engine, LOG)
    analyst = client_as("analyst")
    r = analyst.get(f"/api/v1/journeys/funnel?{Q}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(s["step"], s["customers"]) for s in body["steps"]] == [("app:a", 9), ("app:b", 8), ("app:c", 4)]
    assert body["median_seconds"] == [None, 105.0, 100.0]
    p = analyst.get(f"/api/v1/journeys/paths?{Q}&depth=1").json()
    assert sum(x["customers"] for x in p["paths"]) == 9 - 4  # everyone who stopped, once


def test_api_bad_input_is_422_naming_the_field(engine, client_as, settings_env):
    analyst = client_as("analyst")
    cases = {"journey=nope": "journey", "steps=app:a,fax:b": "steps", "steps=app:a&window=0": "window",
             "steps=app:a&window=91d": "window", "steps=app:a&from=2026-03-02&to=2026-03-01": "from",
             "steps=app:a&from=yesterday": "from", "journey=loan_application&steps=app:a": "steps"}
    for query, field in cases.items():
        r = analyst.get(f"/api/v1/journeys/funnel?{query}")
        assert r.status_code == 422, query
        assert r.json()["data"]["field"] == field, query
    empty = analyst.get("/api/v1/journeys/funnel?journey=loan_application&from=2020-01-01&to=2020-01-31").json()
    assert [s["customers"] for s in empty["steps"]] == [0] * 5 and all(s["conversion"] == 0.0 for s in empty["steps"])


def test_an_agent_may_not_read_funnels(engine, client_as):
    assert client_as("agent", agent_ref="A1").get(f"/api/v1/journeys/funnel?{Q}").status_code == 403


def test_api_before_and_after_a_date(engine, client_as, settings_env):
    from datetime import datetime, timedelta

    from scipy.stats import chi2_contingency

    from tests.journeys.logs import UTC

    change = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)  # 2026-03-11 00:00 in Shanghai
    log = []
    # before: 4 start, 1 reaches b; after: 5 start, 4 reach b (all within an hour)
    for i, (offset_days, reach) in enumerate([(-3, 1), (-3, 0), (-2, 0), (-1, 0), (1, 1), (1, 1), (2, 1), (3, 1),
                                              (4, 0)]):
        t = change + timedelta(days=offset_days, hours=2)
        log.append((f"u{i}", "app:a", t))
        if reach:
            log.append((f"u{i}", "app:b", t + timedelta(minutes=5)))
    write_log(engine, log)
    r = client_as("supervisor").get("/api/v1/journeys/compare?steps=app:a,app:b&window=1h&at=2026-03-11&step=2&days=7")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["before"]["converted"], body["before"]["of"], body["after"]["converted"], body["after"]["of"]) == (1, 4, 4, 5)
    _, p, _, _ = chi2_contingency([[1, 3], [4, 1]], correction=False)
    assert abs(body["p_value"] - p) < 1e-9
    assert body["verdict"]["zh"].startswith("转化率从 25.0% 升至 80.0%")
    bad = client_as("supervisor").get("/api/v1/journeys/compare?steps=app:a,app:b&at=2026-03-11&step=3")
    assert bad.status_code == 422 and bad.json()["data"]["field"] == "step"
