"""The 改进行动 / Improvement actions pages without a browser: one language a page for every
role that may open them, the create form keeping what was typed with the error beside the
field, the state buttons, and the open actions on /satisfaction."""
from __future__ import annotations

import pytest

from tests.cases.builders import add_customer, add_user
from tests.web.language import leaks, visible_text
from tests.web.test_one_language import ROLES

GOOD = {"title": "转账确认页改版", "problem_kind": "touchpoint", "problem_ref": "app/transfer_submitted",
        "change_zh": "简化转账确认页", "change_en": "A simpler transfer confirmation page", "owner": "zhang_pm",
        "promised_date": "2026-12-20", "window_days": "14", "customer_refs": "C-WANG"}


@pytest.fixture
def made(client, engine):
    add_customer(engine)
    add_user(engine, "supervisor", username="zhang_pm")
    body = {**GOOD, "customer_refs": ["C-WANG"]}
    topic = {**body, "problem_kind": "topic", "problem_ref": "mobile_banking.login_failure", "title": "修复登录"}
    refs = [client.post("/api/v1/improvements", json=b).json()["ref"] for b in (body, topic)]
    return refs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_improvement_page_is_in_one_language(made, client_as, lang):
    from xinsheng.identity.permissions import ROLE_PERMISSIONS

    pages = [("/improvements", "surveys.read"), ("/improvements?state=open", "surveys.read"),
             (f"/improvements/{made[0]}", "surveys.read"), (f"/improvements/{made[1]}", "surveys.read"),
             ("/improvements/new", "surveys.write"), (f"/improvements/{made[0]}/edit", "surveys.write"),
             ("/satisfaction", "surveys.read")]
    problems = []
    for role, fields in ROLES.items():
        c = client_as(role, **fields)
        c.cookies.set("lang", lang)
        for path, needs in pages:
            res = c.get(path, headers={"accept": "text/html"})
            if needs not in ROLE_PERMISSIONS[role]:
                assert res.status_code == 403, (role, path)
                continue
            assert res.status_code == 200, (role, path, res.text[:300])
            problems += [f"{role} {path}: {x!r}" for x in leaks(visible_text(res.text), lang)]
    assert not problems, "\n".join(problems)


def test_the_form_keeps_what_was_typed_and_names_the_field(made, client_as):
    c = client_as("supervisor")
    res = c.post("/improvements/new", data={**GOOD, "owner": "nobody_here", "csrf_token": c.csrf_token},
                 headers={"accept": "text/html"}, follow_redirects=False)
    assert res.status_code == 422
    assert 'id="error-owner"' in res.text and "没有这个在职用户" in res.text
    assert 'value="nobody_here"' in res.text and "简化转账确认页</textarea>" in res.text
    bad_ref = c.post("/improvements/new", data={**GOOD, "problem_ref": "fax", "csrf_token": c.csrf_token},
                     headers={"accept": "text/html"}, follow_redirects=False)
    assert bad_ref.status_code == 422 and 'id="error-problem_ref"' in bad_ref.text and 'value="fax"' in bad_ref.text
    ok = c.post("/improvements/new", data={**GOOD, "csrf_token": c.csrf_token}, follow_redirects=False)
    assert ok.status_code == 303
    ref = ok.headers["location"].rsplit("/", 1)[1]
    shipped = c.post(f"/improvements/{ref}/state", data={"state": "shipped", "csrf_token": c.csrf_token},
                     follow_redirects=True)
    assert "已上线，本次告知 1 位客户。" in shipped.text
    wrong = c.post(f"/improvements/{ref}/state", data={"state": "planned", "csrf_token": c.csrf_token})
    assert wrong.status_code == 409 and 'id="error-state"' in wrong.text
    empty = c.post(f"/improvements/{ref}/edit", data={"title": "", "change_zh": "x", "owner": "zhang_pm",
                                                      "promised_date": "2026-12-20", "window_days": "7",
                                                      "csrf_token": c.csrf_token})
    assert empty.status_code == 422 and 'id="error-title"' in empty.text


def test_satisfaction_shows_the_open_actions_and_their_state(made, client_as):
    c = client_as("analyst")
    page = c.get("/satisfaction", headers={"accept": "text/html"}).text
    assert 'id="open-improvements"' in page and made[0] in page and made[1] in page
    assert page.count("计划中") >= 2 and 'href="/improvements"' in page
