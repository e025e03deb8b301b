"""Incentives: points per answered invitation in a ledger on the customer, never twice for one
invitation (one answer, a repeat, two at once, the unique constraint itself), by API and on
the customer page."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tests.cases.builders import add_contact, add_customer
from tests.surveys.builders import invite_all, rows
from xinsheng.errors import Conflict, InvalidInput
from xinsheng.surveys.definitions import parse_config
from xinsheng.surveys.models import SurveyInvitation, SurveyPoints, SurveyResponse

CONFIG_TEXT = """
surveys:
  nps: {metric: nps, points: 7, question: {zh: 推荐吗, en: Recommend}, low: {zh: 不会, en: unlikely},
        high: {zh: 会, en: likely}}
  csat: {metric: csat, question: {zh: 满意吗, en: Satisfied}, low: {zh: 低, en: low}, high: {zh: 高, en: high}}
triggers:
  - {code: calls, after: contact, channels: [phone], survey: nps, sampling: 1.0}
fatigue: {days_between: 30, quiet_hours: "", expires_days: 7, max_delay_hours: 48}
"""


@pytest.fixture
def seven_points(tmp_path, monkeypatch):
    path = tmp_path / "surveys.yaml"
    path.write_text(CONFIG_TEXT, "utf-8")
    monkeypatch.setenv("XINSHENG_SURVEYS_FILE", str(path))


def _invited(engine) -> tuple[int, str]:
    add_customer(engine)
    add_contact(engine, "call-wang", customer_ref="C-WANG")
    (inv_id, token), = invite_all(engine)
    return inv_id, token


def test_an_answered_invitation_earns_its_points_once(client, client_as, engine, seven_points):
    inv_id, token = _invited(engine)
    first = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 9, "invitation": token})
    again = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 10, "invitation": token})
    assert (first.status_code, again.status_code) == (201, 409)
    entry, = rows(engine, SurveyPoints)
    assert (entry.invitation_id, entry.points, entry.survey) == (inv_id, 7, "nps")
    seen = client_as("supervisor").get("/api/v1/customers/C-WANG/survey-points").json()
    assert (seen["balance"], seen["entries"]) == (7, 1)
    assert seen["items"][0]["points"] == 7 and seen["items"][0]["invitation"] == inv_id
    card = client_as("supervisor").get("/customers/C-WANG/survey-points", headers={"accept": "text/html"})
    assert card.status_code == 200 and "积分余额 7（1 次作答）" in card.text
    page = client_as("supervisor").get("/customers/C-WANG", headers={"accept": "text/html"})
    assert 'hx-get="/customers/C-WANG/survey-points"' in page.text


def test_answers_without_an_invitation_earn_nothing(client, client_as, engine, seven_points):
    add_customer(engine)
    res = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 9, "customer_ref": "C-WANG",
                                                        "channel": "app"})
    assert res.status_code == 201
    assert rows(engine, SurveyPoints) == []
    seen = client_as("supervisor").get("/api/v1/customers/C-WANG/survey-points").json()
    assert (seen["balance"], seen["entries"], seen["items"]) == (0, 0, [])
    card = client_as("supervisor").get("/customers/C-WANG/survey-points", headers={"accept": "text/html"})
    assert "尚无调查积分" in card.text


def test_two_submissions_of_one_invitation_at_once_earn_once(engine, seven_points):
    from xinsheng.surveys.answers import do_answer
    from xinsheng.surveys.schemas import ResponseCreate

    _, token = _invited(engine)
    start, outcome = threading.Barrier(2), []

    def submit(score: int) -> None:
        with Session(engine) as s:
            start.wait()
            try:
                do_answer(s, ResponseCreate(survey="nps", score=score, invitation=token), via="api",
                          now=datetime.now(timezone.utc))
                s.commit()
                outcome.append("stored")
            except Conflict:
                outcome.append("409")
            except OperationalError:  # SQLite: the loser's snapshot is stale ("database is locked")
                outcome.append("busy")

    threads = [threading.Thread(target=submit, args=(n,)) for n in (9, 10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome)[-1] == "stored" and outcome.count("stored") == 1
    assert len(rows(engine, SurveyResponse)) == 1
    entry, = rows(engine, SurveyPoints)
    assert entry.points == 7


def test_the_ledger_itself_refuses_a_second_entry_for_one_invitation(engine, seven_points):
    from xinsheng.surveys.points import do_award_points

    inv_id, _ = _invited(engine)
    inv, = rows(engine, SurveyInvitation, id=inv_id)
    now = datetime.now(timezone.utc)
    resp = SurveyResponse(id=None, survey="nps")
    results = {}
    with Session(engine) as first:
        results["first"] = do_award_points(first, inv, resp, 7, now=now)

        def second() -> None:  # waits on the first transaction, then finds the entry there
            with Session(engine) as other:
                results["second"] = do_award_points(other, inv, resp, 7, now=now)
                other.commit()

        t = threading.Thread(target=second)
        t.start()
        t.join(0.5)
        assert t.is_alive()  # blocked by the first writer
        first.commit()
    t.join(30)
    assert results == {"first": True, "second": False}
    with Session(engine) as s, pytest.raises(IntegrityError):
        s.execute(insert(SurveyPoints).values(customer_id=inv.customer_id, invitation_id=inv_id, survey="nps",
                                              points=7, awarded_at=now))
        s.flush()
    assert [e.points for e in rows(engine, SurveyPoints)] == [7]


@pytest.mark.parametrize("value", [-1, "ten", 1.5, True])
def test_bad_points_in_the_definitions_are_refused_naming_the_place(value):
    with pytest.raises(InvalidInput, match=r"surveys\.nps\.points"):
        parse_config(CONFIG_TEXT.replace("points: 7", f"points: {value}"))


def test_migration_0017_matches_the_models(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import xinsheng.models  # noqa: F401
    from xinsheng.db import Base

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    mine = ("survey_points", "survey_daily", "ix_survey_invitations_invited", "ix_survey_responses_commented",
            "ix_survey_responses_followup")
    assert [d for d in diffs if any(name in repr(d) for name in mine)] == []
