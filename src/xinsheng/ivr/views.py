"""JSON API of the IVR (/api/v1/ivr): the menu to offer a caller and where an agent call goes.

The IVR platform must never have to handle an error from the menu: once the request itself
is valid (a known node, a readable ``at`` and ``caller``), anything that fails inside (the
database slow or down, a broken row) answers the static menu. On PostgreSQL the menu's reads
run under a statement timeout of :data:`STATEMENT_TIMEOUT_MS`.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

from xinsheng.db import session_scope, utcnow
from xinsheng.deps import require
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.identity.principal import Principal
from xinsheng.ivr import route as routing, service
from xinsheng.ivr.service import CALLER_RE

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/ivr", tags=["ivr"])
Reader = Annotated[Principal, require("ivr.menu.read")]
STATEMENT_TIMEOUT_MS = 200
_ANSWERS = {404: {"description": "no such menu node"},
            422: {"description": "a malformed `at`, `caller`, `node` or `lang`; the body names the field"}}


class MenuOption(BaseModel):
    code: str
    label: str
    reason: str | None


class MenuAnswer(BaseModel):
    node: str
    personalised: bool
    options: list[MenuOption]
    prompt: str | None = None
    greeting: str | None = None
    elderly: bool = False
    ab_group: str | None = Field(None, description="`personalised` or `static` (the A/B split); null when unknown")


class MenuRequest(BaseModel):
    """What the IVR platform knows when it asks (POST)."""
    model_config = ConfigDict(extra="ignore")
    caller: str | None = Field(None, max_length=64, description="customer_ref or the calling number")
    at: datetime | None = None
    node: str = Field("root", max_length=64)
    lang: str = Field("zh", pattern="^(zh|en)$")
    dialled: str | None = Field(None, max_length=32, description="the number dialled (not used for ranking yet)")
    context: dict = Field(default_factory=dict, description="anything else the platform has (kept out of ranking)")


class RouteAnswer(BaseModel):
    queue: str
    tier: int
    agent: str | None
    reason: str
    reasons: list[str]


def _at(raw: str | None) -> datetime:
    if raw is None or not raw.strip():
        return utcnow()
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("at: not an ISO 8601 timestamp", data={"field": "at"}) from None
    if value.tzinfo is None:
        raise InvalidInput("at: timestamp has no UTC offset (e.g. +08:00)", data={"field": "at"})
    return value


def _caller(raw: str | None) -> str | None:
    if raw is not None and raw.strip() and not CALLER_RE.match(raw):
        raise InvalidInput("caller: 1–64 letters, digits, spaces or + - . _ ( )", data={"field": "caller"})
    return raw


def _lang(raw: str) -> str:
    if raw not in ("zh", "en"):
        raise InvalidInput("lang: zh or en", data={"field": "lang"})
    return raw


def answer_menu(request: Request, caller: str | None, at: datetime, node: str, lang: str) -> dict:
    """The menu, or the static one when anything inside fails (a node unknown: 404)."""
    try:
        with session_scope(request.app.state.engine) as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
            return service.menu(session, caller, at, node, lang)
    except NotFound:
        raise
    except Exception:  # noqa: BLE001 - the platform gets the static menu, we get the log
        log.exception("ivr menu failed; answering the static menu")
        return service.static_menu(node, lang, at=at)


@router.get("/menu", response_model=MenuAnswer, responses=_ANSWERS)
def get_menu(request: Request, _: Reader, caller: Annotated[str | None, Query(max_length=200)] = None,
             at: Annotated[str | None, Query(max_length=64)] = None,
             node: Annotated[str, Query(max_length=64)] = "root", lang: str = "zh") -> dict:
    """The options of ``node`` in the order to offer ``caller`` (customer_ref or phone number)
    at ``at`` (default now), each with a reason in ``lang``; unknown or anonymous callers get
    the static menu."""
    return answer_menu(request, _caller(caller), _at(at), node, _lang(lang))


@router.post("/menu", response_model=MenuAnswer, responses=_ANSWERS)
def post_menu(request: Request, body: MenuRequest, _: Reader) -> dict:
    """As GET, with what the platform knows in the body."""
    if body.at is not None and body.at.tzinfo is None:
        raise InvalidInput("at: timestamp has no UTC offset (e.g. +08:00)", data={"field": "at"})
    return answer_menu(request, _caller(body.caller), body.at or utcnow(), body.node, body.lang)


@router.get("/route", response_model=RouteAnswer, responses={422: _ANSWERS[422]})
def get_route(request: Request, _: Reader, caller: Annotated[str | None, Query(max_length=200)] = None,
              at: Annotated[str | None, Query(max_length=64)] = None, lang: str = "zh") -> dict:
    """Where the caller goes when they ask for a person: queue, tier, the agent (an open
    case's owner) and why."""
    caller, when, lang = _caller(caller), _at(at), _lang(lang)
    try:
        with session_scope(request.app.state.engine) as session:
            return routing.route(session, caller, when, lang)
    except Exception:  # noqa: BLE001 - a caller is never left without a queue
        log.exception("ivr route failed; answering the general queue")
        return routing.route(None, None, when, lang)  # type: ignore[arg-type]
