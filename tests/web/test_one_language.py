"""One language at a time: every page, as every role, in Chinese and in English, shows only
words of that language (data aside), and bad input answers with the same page, the message
beside the field in the page's language, keeping what was typed.

The rules for "not in the page's language" are in tests/web/language.py (no Chinese in the
English UI; no English words in the Chinese UI but a few acronyms; no raw keys or codes in
either); they do not come from the catalogue under test.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import elderly_customer_wang, interaction, private_banking_client_li
from tests.web.language import leaks, visible_text
from xinsheng.db import session_scope, utcnow

RECENT = utcnow() - timedelta(days=2)
ROLES = {
    "agent": {"agent_ref": "A1001"}, "support": {}, "expert": {}, "complaint_handler": {"authority_level": 2},
    "supervisor": {}, "analyst": {}, "advisor": {"advisor_ref": "RM007"}, "knowledge_manager": {},
    "ivr_designer": {}, "admin": {},
}
#: (path, permission a role needs to open it; None: every signed-in person)
PAGES = [
    ("/", None), ("/customers?q=C-", "customers.read"), ("/customers?q=王建国", "customers.read"),
    ("/customers?q=NOBODY", "customers.read"), ("/customers/C-WANG", "customers.read"),
    ("/customers/C-LI", "customers.read"), ("/knowledge", "kb.read"), ("/knowledge?q=转账一直失败", "kb.read"),
    ("/knowledge?q=zzzz", "kb.read"), ("/knowledge/articles", "kb.read"), ("/knowledge/articles/new", "kb.write"),
    ("/knowledge/articles/{article}", "kb.read"), ("/knowledge/suggestions/C-WANG", "customers.read"),
    ("/customers/C-WANG/next-best-actions", "customers.read"), ("/customers/C-LI/next-best-actions", "customers.read"),
    ("/segments", "metrics.read"),
    ("/hot-issues", "voc.read"), ("/hot-issues?days=abc", "voc.read"), ("/admin/users", "users.manage"),
    ("/admin/tokens", "users.manage"), ("/admin/audit", "audit.read"),
    ("/admin/audit?since=2026-12-01&until=2026-11-01", "audit.read"), ("/admin/audit?actor=nobody", "audit.read"),
    ("/cases", "cases.read"), ("/cases?queue=tier", "cases.read"), ("/cases/{case}", "cases.read"),
    ("/cases/{case}/suggestions", "kb.read"), ("/cases/new?customer_ref=C-WANG", "cases.write"),
    ("/cases/monitor", "metrics.read"), ("/cases/settings", "cases.write"), ("/journeys", "metrics.read"),
    ("/journeys?journey=mobile_transfer&segment=elderly", "metrics.read"), ("/journeys?window=0", "metrics.read"),
    ("/journeys?steps=app:login_success,branch:some_new_event&window=90d", "metrics.read"), ("/no/such/page", None),
    ("/ivr", "ivr.menu.read"), ("/ivr?caller=C-WANG", "ivr.menu.read"),
    ("/ivr?caller=C-WANG&at=tomorrow", "ivr.menu.read"),
    ("/satisfaction", "surveys.read"), ("/satisfaction?days=abc&by=segment", "surveys.read"),
    ("/satisfaction?by=tier&days=7", "surveys.read"),
    ("/improvements", "surveys.read"), ("/improvements/new", "surveys.write"),
    ("/quality", "qa.read"), ("/quality?days=abc&agent=A1001", "qa.read"),
    ("/experience?by=channel", "metrics.read"), ("/experience?by=journey&seg_a=elderly&seg_b=mass&metric=fcr", "metrics.read"),
    ("/experience?from=2026-03-02&to=2026-03-01", "metrics.read"), ("/experience?by=segment&baseline_from=2026-01-01", "metrics.read"),
]
#: pages a role may not open, to check the 403 page too
REFUSED = ["/hot-issues", "/admin/users", "/knowledge/articles/new", "/customers/C-WANG"]


@pytest.fixture
def world(client, engine):
    """C-WANG (78, served by agent A1001 two days ago; a complaint call, an app event, a bank
    notice; an open complaint case) and C-LI (advisor RM007's client); one approved knowledge article."""
    from xinsheng.knowledge.actions import do_create_article, do_transition_article
    from xinsheng.knowledge.schemas import ArticleCreate

    assert client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()]).status_code == 200
    contacts = [
        interaction(1, start=RECENT, agent_ref="A1001", channel="phone", event="call",
                    text="转账一直失败怎么办？我今年78岁了，看不清屏幕上的字"),
        interaction(2, start=RECENT, channel="app", event="login_success"),
        interaction(3, start=RECENT, channel="sms", direction="outbound", event="notice_sent", outcome="delivered",
                    text="【心声银行】您尾号1234的储蓄卡支出人民币100.00元。"),
        interaction(4, start=RECENT, channel="branch", event="some_new_event"),
        interaction(5, start=RECENT, customer_ref="C-LI", channel="wechat", agent_ref="A1500"),
    ]
    assert client.post("/api/v1/interactions", json=contacts).json()["accepted"] == 5
    with session_scope(engine) as s:
        a = do_create_article(s, ArticleCreate(title="转账失败怎么办", question="转账一直失败怎么办",
                                               body="核对收款人信息。", category="transfer"), "tests")
        for step in ("submit", "approve"):
            do_transition_article(s, a.id, step, "tests")
        article = a.id
    case = client.post("/api/v1/cases", json={"customer_ref": "C-WANG", "title": "转账一直失败", "channel": "phone",
                                              "topic": "transfer.not_received", "text": "转账一直失败，很生气"})
    assert case.status_code in (200, 201), case.text
    return {"article": article, "case": case.json()["case_ref"]}


@pytest.fixture
def people(world, client_as):
    return {role: client_as(role, **fields) for role, fields in ROLES.items()}


def _check(res, lang: str, what: str) -> list[str]:
    assert res.status_code < 500, (what, res.status_code)
    assert res.headers["content-type"].startswith("text/html"), (what, res.status_code, res.text[:200])
    return [f"{what}: {leak!r}" for leak in leaks(visible_text(res.text), lang)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_as_every_role_is_in_one_language(people, world, lang):
    from xinsheng.identity.permissions import ROLE_PERMISSIONS

    problems: list[str] = []
    for role, c in people.items():
        c.cookies.set("lang", lang)
        may = ROLE_PERMISSIONS[role]
        for path, needs in PAGES:
            if needs is None or needs in may:
                url = path.format(**world)
                res = c.get(url, headers={"accept": "text/html"})
                problems += _check(res, lang, f"{role} {url}")
        for path in REFUSED:
            res = c.get(path, headers={"accept": "text/html"})
            if res.status_code == 403:
                problems += _check(res, lang, f"{role} {path} (403)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_signed_out_pages_are_in_one_language(anon, lang):
    res = anon.get(f"/?lang={lang}", headers={"accept": "text/html"})
    assert res.url.path == "/signin"
    assert ('lang="en"' if lang == "en" else 'lang="zh-CN"') in res.text, "the lang choice survives the redirect"
    assert not _check(res, lang, "signin")
