"""The revenue-at-risk page (流失预警) as an analyst and an advisor see it."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update

from tests.cases.builders import add_customer
from xinsheng.db import session_scope
from xinsheng.profiles.models import CustomerProfile


def _holdings(client, ref: str, start: float, end: float) -> None:
    today = date.today()
    for day, value in ((today - timedelta(days=60), start), (today - timedelta(days=1), end)):
        res = client.post("/api/v1/holdings", json={"customer_ref": ref, "as_of": day.isoformat(), "product": "D",
                                                    "category": "deposit", "balance_cny": value})
        assert res.status_code == 200, res.text


def test_figures_for_analysts_and_own_clients_for_advisors(client, client_as, engine):
    add_customer(engine, {"customer_ref": "C-A", "advisor_ref": "RM1"})
    add_customer(engine, {"customer_ref": "C-B", "advisor_ref": "RM2"})
    _holdings(client, "C-A", 500_000, 450_000)
    _holdings(client, "C-B", 200_000, 20_000)  # C-B moved 90 % out: churned, with no bad experience
    analyst = client_as("analyst")
    html = analyst.get("/revenue-at-risk").text
    assert "沉默的算术" in html and "尚无流失风险评分" in html
    assert '<tr data-group="no_bad"><th scope="row">无不良体验</th><td>2</td>' in html
    assert "180,000" in html  # the money that left with C-B
    with session_scope(engine) as s:
        s.execute(update(CustomerProfile).values(churn_risk=0.6, state={"churn": {"reasons": ["trend_30d"]}}))
    html = analyst.get("/revenue-at-risk").text
    assert "C-A" in html and "C-B" in html and "近 30 天资产变化" in html
    advisor = client_as("advisor", advisor_ref="RM1")
    mine = advisor.get("/revenue-at-risk")
    assert mine.status_code == 200 and "C-A" in mine.text and "C-B" not in mine.text
    assert "沉默的算术" not in mine.text  # the bank's figures are for those who read metrics
    assert client_as("ivr_designer").get("/revenue-at-risk").status_code == 403


def test_the_page_is_in_one_language(client, client_as, engine):
    from tests.web.language import leaks, visible_text

    add_customer(engine, {"customer_ref": "C-A", "advisor_ref": "RM1"})
    _holdings(client, "C-A", 500_000, 50_000)
    with session_scope(engine) as s:
        s.execute(update(CustomerProfile).values(churn_risk=0.6, state={"churn": {"reasons": ["bad_90d"]}}))
    analyst = client_as("analyst")
    for lang in ("zh", "en"):
        analyst.cookies.set("lang", lang)
        html = analyst.get("/revenue-at-risk").text
        assert not leaks(visible_text(html), lang), (lang, leaks(visible_text(html), lang))


def test_the_page_uses_the_arithmetic_of_the_last_churn_run_until_the_data_change(client, client_as, engine,
                                                                                 settings_env):
    from xinsheng.profiles.risk import save_silence

    add_customer(engine, {"customer_ref": "C-A", "advisor_ref": "RM1"})
    _holdings(client, "C-A", 500_000, 450_000)
    fake = {"customers": 7, "with_bad_experience": 0, "groups": {
        g: {"customers": 7 if g == "no_bad" else 0, "churned": 0, "aum_lost": 0, "share": None, "share_of_bad": None,
            "churn_rate": None} for g in ("complained", "silent", "no_bad")}}
    with session_scope(engine) as s:
        save_silence(s, fake, "2026-11-30")
    analyst = client_as("analyst")
    assert '<th scope="row">无不良体验</th><td>7</td>' in analyst.get("/revenue-at-risk").text
    _holdings(client, "C-B" if add_customer(engine, {"customer_ref": "C-B"}) else "C-B", 100_000, 100_000)
    assert '<th scope="row">无不良体验</th><td>2</td>' in analyst.get("/revenue-at-risk").text


def test_a_bad_contact_belongs_to_the_journey_of_its_step_or_of_its_help_topic():
    from xinsheng.journeys.definitions import load_journeys
    from xinsheng.profiles.risk import journey_of

    # the shipped journeys.yaml: mobile_transfer's steps app:transfer_*, help topics transfer_failure,
    # transfer_limit, sms_code_missing on phone, chat, wechat; loan_application's step 3 app:loan_apply_step3
    journeys = load_journeys().values()
    assert journey_of("app", "loan_apply_step3", None, journeys) == "loan_application"
    assert journey_of("phone", None, "transfer_failure", journeys) == "mobile_transfer"
    assert journey_of("branch", None, "transfer_failure", journeys) is None  # not one of its help channels
    assert journey_of("phone", None, "card_annual_fee", journeys) is None
    assert journey_of("app", "login_failed", None, journeys) is None
    # candidates in order of preference (the source's topic name, then the VOC topic code)
    assert journey_of("phone", None, ("card_annual_fee", "transfer_failure"), journeys) == "mobile_transfer"
    assert journey_of("phone", None, ("overseas_remittance", "transfer_failure"), journeys) == "overseas_study_remittance"
    assert journey_of("phone", None, ("transfer_limit", "overseas_remittance"), journeys) == "mobile_transfer"
    assert journey_of("phone", None, (None, "wealth_redemption_delay"), journeys) == "wealth_redemption"
    assert journey_of("branch", None, ("transfer_failure", "card_annual_fee"), journeys) is None
    assert journey_of("app", "loan_apply_step3", ("transfer_failure", None), journeys) == "loan_application"
    assert journey_of("phone", None, (None, None), journeys) is None


def test_the_latest_bad_contact_finds_its_journey_by_the_source_topic_the_journeys_use(engine):
    """The shipped journeys name their help topics as the contact's source does (attributes.topic,
    like the journeys' own figures): a phone call about a redemption that has not arrived belongs
    to 理财赎回 even though its VOC topic code is spelled differently."""
    from datetime import datetime, timezone

    from sqlalchemy import select

    from tests.cases.builders import add_contact, customer_id
    from xinsheng.interactions.models import Interaction
    from xinsheng.journeys.definitions import load_journeys
    from xinsheng.profiles.risk import _last_bad

    add_customer(engine, {"customer_ref": "C-R"})
    add_customer(engine, {"customer_ref": "C-S"})
    named = add_contact(engine, customer_ref="C-R", channel="phone", topics=["wealth.redemption"])
    add_contact(engine, customer_ref="C-S", channel="phone", topics=["wealth.redemption"])  # no source topic
    with session_scope(engine) as s:
        s.execute(update(Interaction).where(Interaction.external_id == named)
                  .values(attributes={"topic": "wealth_redemption_delay"}))
        ids = [customer_id(engine, "C-R"), customer_id(engine, "C-S")]
        last = _last_bad(s, ids, datetime.now(timezone.utc) - timedelta(days=90), load_journeys(None).values())
    assert last[ids[0]][2] == "wealth_redemption"
    assert last[ids[1]][2] is None
