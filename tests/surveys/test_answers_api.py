"""Invitations through the outbox, token security and POST /api/v1/survey-responses."""
from __future__ import annotations

import hashlib
import string
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from tests.cases.builders import add_contact, add_customer, add_private_client
from tests.surveys.builders import fields, invite_all, rows
from xinsheng.db import session_scope
from xinsheng.notify.models import Notification
from xinsheng.surveys.models import SurveyInvitation, SurveyResponse


def _world(engine):
    add_customer(engine)
    add_private_client(engine)
    add_contact(engine, "call-wang", customer_ref="C-WANG")
    add_contact(engine, "call-li", customer_ref="C-LI")
    return dict(invite_all(engine))


def test_an_invitation_goes_out_through_the_outbox_and_only_the_hash_is_stored(engine):
    invited = _world(engine)
    assert len(invited) == 2
    for inv_id, token in invited.items():
        assert len(token) == 32 and set(token) <= set(string.ascii_lowercase)
        inv = rows(engine, SurveyInvitation, id=inv_id)[0]
        assert inv.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert inv.expires_at - inv.invited_at == timedelta(days=7)
        note = rows(engine, Notification, idempotency_key=f"survey:{inv.source_key}")[0]
        assert note.purpose == "survey_invitation" and f"/s/{token}" in note.body
    with session_scope(engine) as s:  # the token is in no survey table
        dump = " ".join(str(r) for t in ("survey_invitations", "survey_responses")
                        for r in s.execute(text(f"SELECT * FROM {t}")))
    assert not any(token in dump for token in invited.values())
    assert invite_all(engine) == [], "an event is invited once"


def test_a_token_answers_once_and_a_second_answer_is_refused(client, engine):
    invited = _world(engine)
    token = next(iter(invited.values()))
    res = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 9, "invitation": token})
    assert res.status_code == 201, res.text
    assert res.json()["customer_ref"] in ("C-WANG", "C-LI") and res.json()["followup_case_ref"] is None
    again = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 3, "invitation": token})
    assert again.status_code == 409 and fields(again) == {"invitation"}
    assert [r.score for r in rows(engine, SurveyResponse)] == [9]


def test_expired_and_reused_answer_the_same_words(client, engine):
    invited = _world(engine)
    (id1, tok1), (id2, tok2) = invited.items()
    with session_scope(engine) as s:
        s.get(SurveyInvitation, id2).expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
    assert client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 9, "invitation": tok1}).status_code == 201
    reused = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 9, "invitation": tok1})
    expired = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 9, "invitation": tok2})
    assert reused.status_code == expired.status_code == 409
    assert reused.json() == expired.json()


def test_guessed_tampered_and_malformed_tokens_are_not_found(client, engine):
    invited = _world(engine)
    token = next(iter(invited.values()))
    tampered = token[:-1] + ("a" if token[-1] != "a" else "b")
    for guess in (tampered, "a" * 32, token.upper(), token + "a", "x", "../../etc"):
        res = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 9, "invitation": guess})
        assert res.status_code == 404 and fields(res) == {"invitation"}, guess
    assert rows(engine, SurveyResponse) == []


def test_an_invitation_id_works_for_api_callers(client, engine):
    invited = _world(engine)
    inv_id = next(iter(invited))
    res = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 10, "invitation": str(inv_id)})
    assert res.status_code == 201
    assert client.post("/api/v1/survey-responses",
                       json={"survey": "nps", "score": 10, "invitation": str(inv_id)}).status_code == 409
    assert client.post("/api/v1/survey-responses",
                       json={"survey": "nps", "score": 10, "invitation": "999999"}).status_code == 404


def test_bad_input_is_refused_naming_the_field(client, engine):
    add_customer(engine)
    cases = [
        ({"survey": "nps", "score": 11}, "score"), ({"survey": "nps", "score": -1}, "score"),
        ({"survey": "csat", "score": 0}, "score"), ({"survey": "csat", "score": 6}, "score"),
        ({"survey": "ces", "score": 8}, "score"), ({"survey": "stars", "score": 3}, "survey"),
        ({"score": 3}, "survey"), ({"survey": "nps"}, "score"), ({}, "survey"),
        ({"survey": "nps", "score": 5, "comment": "慢" * 10_000}, "comment"),
        ({"survey": "nps", "score": 5, "customer_ref": "C-NOBODY"}, "customer_ref"),
        ({"survey": "nps", "score": 5, "customer_ref": "C-WANG", "interaction_external_id": "nope"},
         "interaction_external_id"),
        ({"survey": "nps", "score": 5, "channel": "fax"}, "channel"),
    ]
    for body, field in cases:
        res = client.post("/api/v1/survey-responses", json=body)
        assert res.status_code in (404, 422) and field in fields(res), (body, res.text)
        assert res.status_code == (404 if field in ("customer_ref", "interaction_external_id") else 422)
    assert rows(engine, SurveyResponse) == []


def test_answers_without_invitation_from_keypad_or_app(client, engine):
    add_customer(engine)
    add_contact(engine, "ivr-1", customer_ref="C-WANG", channel="ivr")
    body = {"survey": "csat", "score": 5, "customer_ref": "C-WANG", "channel": "ivr",
            "interaction_external_id": "ivr-1", "answered_at": "2026-10-05T10:00:00+08:00"}
    res = client.post("/api/v1/survey-responses", json=body)
    assert res.status_code == 201 and res.json()["channel"] == "ivr"
    assert res.json()["answered_at"].startswith("2026-10-05T02:00:00")
    again = client.post("/api/v1/survey-responses", json=body)
    assert again.json()["duplicate"] is True and again.json()["id"] == res.json()["id"]
    anonymous = client.post("/api/v1/survey-responses", json={"survey": "ces", "score": 7, "channel": "app"})
    assert anonymous.status_code == 201 and anonymous.json()["followup_case_ref"] is None
    assert sorted(r.score for r in rows(engine, SurveyResponse)) == [5, 7]


def test_only_survey_writers_may_post(client_as, engine):
    add_customer(engine)
    for who in (client_as("agent"), client_as("system", scopes=["analytics"])):
        assert who.post("/api/v1/survey-responses", json={"survey": "nps", "score": 9}).status_code == 403
    assert client_as("system", scopes=["surveys"]).post(
        "/api/v1/survey-responses", json={"survey": "nps", "score": 9}).status_code == 201
