"""The public answer page ``/s/{token}``: the only page served without signing in.

It shows the survey's question and scale (zh/en, phone-sized) and nothing about the
customer. A link that does not exist, was used or has expired answers the same page with
the same words and status (404), so the page says nothing about which. Every address may
open ``RATE_PER_MINUTE`` survey pages a minute (429 with Retry-After after that), which
with 26^32 possible tokens leaves guessing hopeless. The form posts back to the same URL:
the token is the only credential, so the page needs no CSRF token of a session.
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from xinsheng.db import utcnow
from xinsheng.deps import SessionDep
from xinsheng.errors import Conflict, InvalidInput, NotFound
from xinsheng.identity.auth import public
from xinsheng.surveys.answers import do_answer, find_invitation, usable
from xinsheng.surveys.definitions import load_config
from xinsheng.surveys.followup import is_bad
from xinsheng.surveys.i18n import TEXTS
from xinsheng.surveys.schemas import MAX_COMMENT, ResponseCreate
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, LANGS, Translator, chosen_lang
from xinsheng.web.templating import templates

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(include_in_schema=False, dependencies=[public])
RATE_PER_MINUTE = int(os.environ.get("XINSHENG_SURVEY_PAGE_RATE", "30"))


class _Window:
    """Requests per address in the last minute (this process's memory)."""

    def __init__(self) -> None:
        self.hits: dict[str, deque] = {}
        self.lock = threading.Lock()

    def wait(self, key: str, limit: int, now: float | None = None) -> int:
        """0 when this request may go on, else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self.lock:
            q = self.hits.setdefault(key, deque())
            while q and now - q[0] >= 60:
                q.popleft()
            if len(q) >= limit:
                return int(60 - (now - q[0])) + 1
            q.append(now)
            if len(self.hits) > 100_000:  # forget idle addresses
                self.hits = {k: v for k, v in self.hits.items() if v and now - v[-1] < 60}
            return 0


WINDOW = _Window()


def _page(request: Request, lang: str, name: str, context: dict, status: int) -> HTMLResponse:
    res = templates.TemplateResponse(request, name, {"t": Translator(lang), "lang": lang, **context},
                                     status_code=status)
    res.headers["Cache-Control"] = "no-store"
    res.headers["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer
    return res


def _gate(request: Request) -> HTMLResponse | None:
    ip = request.client.host if request.client else "?"
    wait = WINDOW.wait(ip, RATE_PER_MINUTE)
    if not wait:
        return None
    res = _page(request, chosen_lang(request) or "zh", "surveys/gone.html", {"too_many": True}, 429)
    res.headers["Retry-After"] = str(wait)
    return res


def _open(session: Session, token: str):
    """The invitation of a usable token, else None (unknown, used and expired alike)."""
    try:
        inv = find_invitation(session, token, by_id=False)
    except NotFound:
        return None
    return inv if usable(inv, utcnow()) else None


def _lang(request: Request, inv) -> str:
    lang = chosen_lang(request) or (inv.lang if inv is not None else None) or "zh"
    return lang if lang in LANGS else "zh"


def _form(request: Request, inv, lang: str, values: dict, errors: dict, status: int = 200) -> HTMLResponse:
    survey = load_config().survey(inv.survey)
    lo, hi = survey.scale
    return _page(request, lang, "surveys/answer.html", {
        "survey": survey, "scores": list(range(lo, hi + 1)), "values": values, "errors": errors,
        "max_comment": MAX_COMMENT}, status)


@router.get("/s/{token}", response_class=HTMLResponse)
def answer_page(token: str, request: Request, session: SessionDep):
    """The survey of a usable invitation; the same "not valid" page for anything else."""
    refused = _gate(request)
    if refused is not None:
        return refused
    inv = _open(session, token)
    if inv is None:
        return _page(request, _lang(request, None), "surveys/gone.html", {}, 404)
    return _form(request, inv, _lang(request, inv), {}, {})


@router.post("/s/{token}", response_class=HTMLResponse)
def answer(token: str, request: Request, session: SessionDep,
           score: Annotated[str, Form(max_length=4)] = "",
           comment: Annotated[str, Form(max_length=20_000)] = ""):
    """Store the answer once; a bad one opens its follow-up case. Errors beside the field."""
    refused = _gate(request)
    if refused is not None:
        return refused
    inv = _open(session, token)
    if inv is None:
        return _page(request, _lang(request, None), "surveys/gone.html", {}, 404)
    lang, values = _lang(request, inv), {"score": score, "comment": comment}
    errors = {}
    if not score.strip().lstrip("-").isdigit():
        errors["score"] = "sv_err_score"
    if len(comment) > MAX_COMMENT:
        errors["comment"] = "sv_err_comment"
    if errors:
        return _form(request, inv, lang, values, errors, 422)
    try:
        row, _ = do_answer(session, ResponseCreate(survey=inv.survey, score=int(score), comment=comment or None,
                                                   invitation=token), via="web", now=utcnow(), by_id=False)
    except InvalidInput:
        session.rollback()
        return _form(request, inv, lang, values, {"score": "sv_err_score"}, 422)
    except (Conflict, NotFound):
        session.rollback()
        return _page(request, lang, "surveys/gone.html", {}, 404)
    return _page(request, lang, "surveys/thanks.html", {"low": is_bad(row.metric, row.score)}, 200)
