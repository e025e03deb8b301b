"""Replay on a hand-built history: positions worked out by hand, and no future leakage."""
import json

from tests.ivr.builders import app_event, at, customer, ingest, ivr_choice
from xinsheng.ivr.replay import rebuild_states, replay

# 09-01 transfer, 09-15 balance, 10-02 transfer, 10-14 balance, 11-03 transfer (all 10:00)
CALLS = [("transfer", "2026-09-01"), ("balance", "2026-09-15"), ("transfer", "2026-10-02"),
         ("balance", "2026-10-14"), ("transfer", "2026-11-03")]
# static positions: transfer 2, balance 1. personalised, by hand:
#  1st: no history → static (2); 2nd: only transfers before → transfer first, balance 2nd (2);
#  3rd: month start, every month-start choice was transfer → 1; 4th: transfers weigh 2 vs 1 → balance 2;
#  5th: month start → 1
STATIC_POS = [2, 1, 2, 1, 2]
PERSONAL_POS = [2, 2, 1, 2, 1]


def _seed(engine, extra=()):
    ingest(engine, [customer("C-R"), customer("C-OTHER")],
           [ivr_choice("C-R", opt, at(day)) for opt, day in CALLS] + list(extra))


def test_replay_positions_and_figures_by_hand(engine):
    _seed(engine)
    result = replay(engine, keep_calls=True, group={"C-R"})
    assert [c["static"] for c in result.calls] == STATIC_POS
    assert [c["personalised"] for c in result.calls] == PERSONAL_POS
    report = result.to_dict(seconds_per_option=5.0, group_name="planted")
    assert report["calls"] == 5
    assert report["static"] == {"top1": 2 / 5, "mean_position": 8 / 5}
    assert report["personalised"] == {"top1": 2 / 5, "mean_position": 8 / 5}
    assert report["worse_share"] == 2 / 5 and report["better_share"] == 2 / 5
    assert report["keypresses_saved"] == 0 and report["seconds_saved"] == 0
    assert report["group"]["calls"] == 5 and list(report["by_month"]) == ["2026-09", "2026-10", "2026-11"]


def test_since_and_until_limit_the_scored_calls_not_the_history(engine):
    _seed(engine)
    result = replay(engine, since=at("2026-10-01"), until=at("2026-11-01"), keep_calls=True)
    assert [(c["static"], c["personalised"]) for c in result.calls] == [(2, 1), (1, 2)]


def test_a_planted_future_contact_changes_nothing_before_it(engine):
    _seed(engine)
    before = replay(engine, keep_calls=True).calls
    # after the last call: many balance choices and a failed app transfer; and one a second after the 2nd call
    future = [ivr_choice("C-R", "balance", at("2026-11-%02d" % d)) for d in range(10, 20)]
    future += [app_event("C-R", "transfer_failed", at("2026-11-03", 10, 1)),
               app_event("C-R", "transfer_failed", at("2026-09-15", 10, 0).replace(second=1))]
    ingest(engine, contacts=future)
    after = replay(engine, keep_calls=True).calls
    assert after[:5] == before


def test_rebuild_gives_the_state_the_hook_kept(engine):
    from sqlalchemy import select

    from xinsheng.db import session_scope
    from xinsheng.ivr.models import IvrCallerState

    _seed(engine, [app_event("C-R", "transfer_failed", at("2026-11-04"))])
    with session_scope(engine) as s:
        kept = {cid: st for cid, st in s.execute(select(IvrCallerState.customer_id, IvrCallerState.state))}
    assert rebuild_states(engine) == 1
    with session_scope(engine) as s:
        rebuilt = {cid: st for cid, st in s.execute(select(IvrCallerState.customer_id, IvrCallerState.state))}
    assert json.dumps(rebuilt, sort_keys=True) == json.dumps(kept, sort_keys=True)


def test_replay_from_the_command_line_prints_the_contract_fields(engine, settings_env):
    import subprocess
    import sys

    _seed(engine)
    done = subprocess.run([sys.executable, "-m", "xinsheng", "ivr", "replay", "--since", "2026-10-01T00:00:00+08:00",
                           "--json"], env=settings_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["calls"] == 3
    assert report["static"] == {"top1": 1 / 3, "mean_position": 5 / 3}  # positions 2, 1, 2
    assert report["personalised"] == {"top1": 2 / 3, "mean_position": 4 / 3}  # positions 1, 2, 1
    assert report["worse_share"] == 1 / 3 and report["seconds_saved"] == 4.0
    bad = subprocess.run([sys.executable, "-m", "xinsheng", "ivr", "replay", "--since", "yesterday", "--json"],
                         env=settings_env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "--since" in bad.stderr
