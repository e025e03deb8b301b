"""Per step of a funnel: the related contacts' repeat rate, FCR and sentiment, on a
hand-built log; DuckDB and PostgreSQL agree; the journey API gives the same.

Steps app:a → app:b, window 1 h, ad-hoc (help: phone, chat, WeChat within 24 h):
* u1 finishes, no contact; u5 finishes, one abandoned WeChat contact (not a first answered one).
* u2 stops at a: two calls on topic x (the second a repeat; the first not resolved), the
  first negative (−0.5); u3 stops at a: one chat, resolved, positive (0.7); u4 stops at a
  and calls 30 hours later (after the 24 h: not related).
Stopped at a: 3 customers, 2 contacted, 3 contacts, 1 repeat, FCR 1 of 2, sentiment 0.1,
negative share 1/2. Finished (b): 2 customers, 1 contacted, 1 contact, FCR of none.
"""
from __future__ import annotations

from datetime import timedelta

from tests.journeys.contact_log import B, write_contacts
from tests.journeys.test_funnel import engines, request
from xinsheng.journeys.step_kpis import step_kpis

M = timedelta(minutes=1)
H = timedelta(hours=1)


def _ev(n, ref, code, t):
    channel, event = code.split(":")
    return (n, ref, channel, t, None, None, None, None, None, False, event, "inbound")


def _contact(n, ref, channel, t, outcome="resolved", topic=None, senti=None):
    return (n, ref, channel, t, 60, outcome, topic, None, senti, False, "call", "inbound")


LOG = [
    _ev(1, "u1", "app:a", B), _ev(2, "u1", "app:b", B + 10 * M),
    _ev(3, "u2", "app:a", B), _contact(4, "u2", "phone", B + 30 * M, topic="x", senti=("negative", -0.5)),
    _contact(5, "u2", "phone", B + 2 * H, topic="x"),
    _ev(6, "u3", "app:a", B), _contact(7, "u3", "chat", B + H, senti=("positive", 0.7)),
    _ev(8, "u4", "app:a", B), _contact(9, "u4", "phone", B + 30 * H),
    _ev(10, "u5", "app:a", B), _ev(11, "u5", "app:b", B + 5 * M), _contact(12, "u5", "wechat", B + 20 * M, "abandoned"),
]


def test_step_figures_on_a_hand_built_log(engine, tmp_path):
    write_contacts(engine, LOG, {f"u{i}": {} for i in range(1, 6)})
    seen = []
    for eng in engines(engine, tmp_path):
        steps = step_kpis(eng, engine, request(steps="app:a,app:b"), home=tmp_path)["steps"]
        a, b = steps
        assert (a["customers"], a["contacted"], a["help_rate"], a["contacts"]) == (3, 2, 0.6667, 3), eng.kind
        assert (a["repeat_contacts"], a["repeat_rate"], a["fcr"], a["fcr_of"]) == (1, 0.3333, 0.5, 2)
        assert (a["sentiment"], a["negative_share"], a["analysed"]) == (0.1, 0.5, 2)
        assert (b["customers"], b["contacted"], b["contacts"], b["fcr"], b["fcr_of"], b["sentiment"]) == (2, 1, 1, 0.0, 0, None)
        seen.append(steps)
    assert all(s == seen[0] for s in seen)


def test_step_figures_by_api_and_empty_period(engine, client_as, settings_env):
    write_contacts(engine, LOG, {f"u{i}": {} for i in range(1, 6)})
    analyst = client_as("analyst")
    r = analyst.get("/api/v1/journeys/steps?steps=app:a,app:b&window=1h&from=2026-03-02&to=2026-03-02")
    assert r.status_code == 200, r.text
    assert [s["contacts"] for s in r.json()["steps"]] == [3, 1]
    empty = analyst.get("/api/v1/journeys/steps?journey=loan_application&from=2020-01-01&to=2020-01-31").json()
    assert all(s["customers"] == 0 and s["fcr"] == 0.0 and s["sentiment"] is None for s in empty["steps"])
    bad = analyst.get("/api/v1/journeys/steps?journey=nope")
    assert bad.status_code == 422 and bad.json()["data"]["field"] == "journey"


def test_step_figures_by_cli(engine, settings_env):
    import json

    from tests.journeys.test_cli import _cli

    write_contacts(engine, LOG, {f"u{i}": {} for i in range(1, 6)})
    done = _cli("steps", "--steps", "app:a,app:b", "--window", "1h", "--from", "2026-03-02", "--to", "2026-03-02", "--json")
    assert done.returncode == 0, done.stderr
    assert [(s["contacts"], s["repeat_contacts"]) for s in json.loads(done.stdout)["steps"]] == [(3, 1), (1, 0)]
    bad = _cli("steps", "--steps", "app:a", "--window", "0", "--json")
    assert bad.returncode == 2 and "window" in bad.stderr
