"""The 质检 page over HTTP: the queue holds the calls that failed a mandatory rule, a call shows
its transcript with the evidence marked, an overturn without a reason comes back with the
message beside the field, verdicts feed the calibration; permissions."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import select

from tests.quality.builders import add_calls
from xinsheng.db import session_scope, utcnow
from xinsheng.quality.actions import do_check_calls
from xinsheng.quality.models import QaCheck, QaFinding
from xinsheng.quality.rules import default_rules

HTML = {"accept": "text/html"}


def checked(engine, names: list[str], **kw) -> dict[str, int]:
    """The named dev calls stored and checked with no random sample; name → check id."""
    ids = add_calls(engine, names, start=utcnow() - timedelta(days=3), **kw)
    with session_scope(engine) as s:
        do_check_calls(s, rules=dataclasses.replace(default_rules(), review_sample=0.0))
        by_inter = dict(s.execute(select(QaCheck.interaction_id, QaCheck.id)).all())
    return {n: by_inter[i] for n, i in ids.items()}


def test_queue_call_and_verdicts(engine, client_as):
    checks = checked(engine, ["d01_wealth_disclosed", "d02_fund_promise_no_disclosure"])
    sup = client_as("supervisor")
    page = sup.get("/quality?lang=zh", headers=HTML)
    assert page.status_code == 200
    assert f'/quality/calls/{checks["d02_fund_promise_no_disclosure"]}' in page.text
    assert f'/quality/calls/{checks["d01_wealth_disclosed"]}' not in page.text  # passed, not sampled
    call = sup.get(f'/quality/calls/{checks["d02_fund_promise_no_disclosure"]}?lang=zh', headers=HTML)
    assert 'data-rule="forbidden_promise" title="禁止承诺保本保收益">这个肯定不会亏</mark>' in call.text
    with session_scope(engine) as s:
        fid = s.scalar(select(QaFinding.id).where(QaFinding.rule == "forbidden_promise",
                                                  QaFinding.check_id == checks["d02_fund_promise_no_disclosure"]))
    url = f'/quality/calls/{checks["d02_fund_promise_no_disclosure"]}/findings/{fid}'
    bad = sup.post(url + "?lang=zh", data={"verdict": "overturn", "reason": "  "}, headers=HTML)
    assert bad.status_code == 422
    assert f'id="err-reason-{fid}">推翻时请写明理由。' in bad.text
    assert 'value="overturn" checked' in bad.text  # the choice is kept
    ok = sup.post(url, data={"verdict": "overturn", "reason": "客户原话，非坐席承诺"}, headers=HTML,
                  follow_redirects=False)
    assert ok.status_code == 303
    after = sup.get("/quality?lang=en", headers=HTML).text
    row = after[after.index('data-rule="forbidden_promise"'):]
    assert row[:row.index("</tr>")].count("<td>1</td>") >= 2  # failed 1, overturned 1
    assert '<td class="rate">100%</td>' in row[:row.index("</tr>")]


def test_who_may_read_and_who_may_judge(engine, client_as):
    checks = checked(engine, ["d02_fund_promise_no_disclosure"])
    with session_scope(engine) as s:
        fid = s.scalar(select(QaFinding.id).where(QaFinding.rule == "forbidden_promise"))
    call = f'/quality/calls/{checks["d02_fund_promise_no_disclosure"]}'
    analyst = client_as("analyst")
    assert analyst.get(call, headers=HTML).status_code == 200
    assert "review-form" not in analyst.get(call, headers=HTML).text
    assert analyst.post(f"{call}/findings/{fid}", data={"verdict": "confirm"}, headers=HTML).status_code == 403
    assert client_as("agent", agent_ref="A1001").get("/quality", headers=HTML).status_code == 403
