"""Error answers and log lines never repeat a secret, nor more than a short excerpt of any
value: secrets and personal data are posted in every invalid way we could think of (too
long, wrong type, extra fields, bad JSON, a JSON array, form and multipart posts to the
sign-in page, a query parameter, records the ingest rejects) and looked for, piece by
piece, in every answer and every log line captured meanwhile (all loggers, DEBUG).

What is compared: the submitted values themselves (made here, random where they can be)
against the raw bytes of each answer and each log record — not the handler's own idea of
what it removed.
"""
from __future__ import annotations

import json
import logging
import random
import secrets

import pytest

from tests.factories import interaction

RNG = random.Random(20261123)
PASSWORD = "Zq7!" + secrets.token_urlsafe(1200)[:1200]  # a password of over 1,000 characters
QUESTION = "".join(chr(RNG.randrange(0x4E00, 0x9FA5)) for _ in range(10_000))  # 10,000 characters
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"

#: value → the shortest piece of it that must not appear anywhere (longer than an excerpt)
SECRETS = {PASSWORD: 6, QUESTION: 13, ID_NUMBER: 7, PHONE: 7}


def _leaks(text: str) -> list[str]:
    found = []
    for value, n in SECRETS.items():
        if any(value[i:i + n] in text for i in range(0, len(value) - n + 1)):
            found.append(value[:20] + "…")
    return found


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def _log_text(caplog) -> str:
    """Every line the product logged (httpx's lines are the test client's, not the server's)."""
    return "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records
                     if not r.name.startswith(("httpx", "httpcore")))


def _check(res, status: int | None = None, *, api: bool = True) -> None:
    assert not _leaks(res.text), (res.request.method, res.request.url.path, res.status_code, res.text[:500])
    if status is not None:
        assert res.status_code == status, res.text[:500]
    if api and res.status_code == 422 and "rejected" not in res.json():  # not an ingest report
        body = res.json()
        assert set(body) == {"error", "message", "data"} and body["error"] == "invalid_input", body
        fields = [e["field"] for e in body["data"].get("errors", [])] or [body["data"].get("field")]
        assert all(fields) and body["message"], body


def _signin_form(anon) -> dict:
    """The sign-in form as a browser fills it, with the form's own CSRF token."""
    anon.get("/signin")
    return {"username": "zhou", "password": "short", "next": "/",
            "csrf_token": anon.cookies.get("xinsheng_csrf")}


def test_sign_in_form_never_echoes_what_was_typed(anon, everything_logged):
    form = _signin_form(anon)
    tries = [
        {**form, "password": PASSWORD},  # over 1,000 characters
        {**form, "username": ID_NUMBER * 12},  # over 200
        {**form, "username": PHONE, "password": PASSWORD},
        {**form, "next": "/" + PHONE * 200},  # over 2,000
    ]
    for data in tries:
        for accept in ("text/html", "*/*"):
            res = anon.post("/signin", data=data, headers={"accept": accept})
            _check(res, api=False)
            assert res.status_code in (401, 422), res.status_code
    _check(anon.post("/signin", files={"password": (None, PASSWORD), "username": (None, ID_NUMBER),
                                       "csrf_token": (None, form["csrf_token"])}), api=False)
    _check(anon.post("/signin", json={"username": ID_NUMBER, "password": PASSWORD}), api=False)  # not a form
    _check(anon.post("/signin", content=b"password=" + PASSWORD.encode() + b"&username=" + PHONE.encode(),
                     headers={"content-type": "application/x-www-form-urlencoded"}), api=False)
    assert not _leaks(_log_text(everything_logged))


def test_json_api_answers_name_field_and_problem_only(client, everything_logged):
    ask = "/api/v1/assist/answer"
    cases = [
        {"question": QUESTION},  # too long
        {"question": [ID_NUMBER, PHONE]},  # wrong type
        {"question": PASSWORD * 2},  # too long (over 2,000)
        {"question": "信用卡怎么还款", "id_number": ID_NUMBER, "phone": PHONE, "password": PASSWORD},  # extra
        {"question": "信用卡怎么还款", "channel": ID_NUMBER},  # a validator of ours
        {"question": "信用卡怎么还款", "customer_ref": PHONE * 7},  # too long
        {"question": {"text": QUESTION, "phone": PHONE}},  # an object where text is expected
        [QUESTION, ID_NUMBER],  # a list where an object is expected
    ]
    for body in cases:
        res = client.post(ask, json=body)
        _check(res, 422)
    bad_json = '{"question": "' + QUESTION[:3000] + '", "id_number": "' + ID_NUMBER + '", "pw": "' + PASSWORD
    _check(client.post(ask, content=bad_json.encode(), headers={"content-type": "application/json"}), 422)
    not_utf8 = client.post(ask, content=PASSWORD.encode() + b"\xff" + PHONE.encode(),
                           headers={"content-type": "application/json"})
    _check(not_utf8)
    assert not_utf8.status_code in (400, 422)
    _check(client.get("/api/v1/audit", params={"before_seq": ID_NUMBER}), 422)
    _check(client.get("/api/v1/audit", params={"before_seq": PHONE + PHONE + PHONE}), 422)
    assert not _leaks(_log_text(everything_logged))


def test_rejected_records_are_described_without_their_values(client, everything_logged):
    records = [
        interaction(1, channel=ID_NUMBER),
        interaction(2, started_at=PHONE),
        interaction(3, external_id=PASSWORD),
        interaction(4, text=QUESTION * 3),
        interaction(5, started_at=f"{PHONE}T10:00:00"),
        interaction(6, ended_at="2020-01-01T00:00:00+08:00", text=QUESTION[:100]),  # ends before it starts
        interaction(7, customer_ref={"id_number": ID_NUMBER}),
    ]
    res = client.post("/api/v1/interactions", json=records)
    _check(res, 422)
    errors = res.json()["errors"]
    assert len(errors) == len(records) and all(e["error"] for e in errors)
    _check(client.post("/api/v1/customers", json={"customer_ref": "C-1", "name": QUESTION,
                                                   "attributes": PASSWORD}), 422)
    assert not _leaks(_log_text(everything_logged))


def test_unmask_reason_and_extra_fields(client, client_as, everything_logged):
    client.post("/api/v1/customers", json={"customer_ref": "C-1"})
    admin = client_as("admin")
    for body in ({"reason": QUESTION}, {"reason": 12345678901234567}, {"reason": [PHONE, ID_NUMBER]}):
        _check(admin.post("/api/v1/customers/C-1/unmask", json=body), 422)
    _check(admin.post("/api/v1/customers/C-1/unmask", json={"reason": "监管调阅 2026-118", "password": PASSWORD}))
    assert not _leaks(_log_text(everything_logged))


def test_the_excerpt_rule_itself():
    """What an excerpt may show, by hand: a short beginning, digits cut to four."""
    from xinsheng.redaction import excerpt, scrub

    assert excerpt("pager") == "'pager'"
    assert excerpt("a" * 40) == "'" + "a" * 12 + "…'"
    assert excerpt(PHONE) == "'1391…'"
    assert scrub(f"unknown channel {PHONE!r}", PHONE) == "unknown channel '1391…'"
    assert scrub(f"bad {PASSWORD[:20]}", PASSWORD[:20], secret=True) == "bad (the value sent)"
    assert json.dumps(scrub("x" * 500, None)).count("x") == 199


def test_the_servers_access_log_keeps_no_query_string(app, caplog):
    """uvicorn logs each request line; a query (a search for a name or a phone) is cut off.
    The call is uvicorn's own (protocols/http/h11_impl.py), made after the app is built."""
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "10.0.0.7:5123", "GET",
                                             f"/customers?q={PHONE}&name={ID_NUMBER}", "1.1", 200)
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert lines == ['10.0.0.7:5123 - "GET /customers?… HTTP/1.1" 200']
