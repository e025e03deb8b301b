"""Administrators' pages: users (create, disable, enable/unlock, reset password) and API tokens.

A new password or token is shown once, on the page that made it; only hashes are stored.
A refused form comes back with what was typed and each problem beside its field, in the
page's language.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from xinsheng.identity.deps import Audit, CurrentUser, SessionDep, require
from xinsheng.errors import InvalidInput
from xinsheng.identity.actions import (
    do_create_token, do_create_user, do_disable_user, do_enable_user, do_revoke_token, do_set_password,
)
from xinsheng.identity.permissions import ROLE_LABELS, ROLES, SCOPE_HELP
from xinsheng.identity.security import generate_password
from xinsheng.identity.service import get_user, list_tokens, page_users
from xinsheng.web.i18n import TEXTS, Translator, pick_lang
from xinsheng.web.messages import field_errors
from xinsheng.web.templating import render

#: the roles' names in both languages, for ``t.role(code)`` (the web toolkit knows no roles)
TEXTS.update({f"role_{code}": {"zh": zh, "en": en} for code, (zh, en) in ROLE_LABELS.items()})

router = APIRouter(prefix="/admin", dependencies=[require("users.manage")])
#: longest text a form field takes
MAX_TEXT = 128
USERS_PAGE = 50
Text = Annotated[str, Form()]


def _users_page(request: Request, session, *, offset: int = 0, status: int = 200, **flash):
    users, total = page_users(session, offset=offset, limit=USERS_PAGE)
    return render(request, "identity/users.html", {
        "users": users, "total": total, "offset": offset, "page_size": USERS_PAGE,
        "roles": [r for r in ROLES if r != "system"], "form": {}, "errors": {}, **flash}, status_code=status)


def _tokens_page(request: Request, session, *, status: int = 200, **flash):
    return render(request, "identity/tokens.html", {
        "tokens": list_tokens(session, include_revoked=True), "roles": ROLES, "scopes": SCOPE_HELP,
        "form": {"role": "system", "scope": []}, "errors": {}, **flash}, status_code=status)


def _t(request: Request) -> Translator:
    return Translator(pick_lang(request))


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, offset: str = "0"):
    """Every person, their role and state, ``USERS_PAGE`` at a time."""
    start = int(offset) if offset.isdigit() and len(offset) < 10 else 0
    return _users_page(request, session, offset=start)


def _int_or_none(value: str, field: str) -> int | None:
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"{field}: a whole number", data={"field": field}) from None


def _too_long(form: dict, t: Translator) -> dict[str, str]:
    return {k: t.fmt("fe_max_chars", n=MAX_TEXT, got=len(v)) for k, v in form.items()
            if isinstance(v, str) and len(v) > MAX_TEXT}


@router.post("/users", response_class=HTMLResponse)
def create_user(request: Request, session: SessionDep, audit: Audit, username: Text = "", role: Text = "",
                display_name: Text = "", authority_level: Text = "", agent_ref: Text = "",
                advisor_ref: Text = ""):
    """A new person with a random password, shown once."""
    form = {"username": username, "role": role, "display_name": display_name,
            "authority_level": authority_level, "agent_ref": agent_ref, "advisor_ref": advisor_ref}
    password = generate_password()
    try:
        if errors := _too_long(form, _t(request)):
            return _users_page(request, session, form=form, errors=errors, status=422)
        user = do_create_user(session, username=username, role=role, display_name=display_name or None,
                              password=password, authority_level=_int_or_none(authority_level, "authority_level"),
                              agent_ref=agent_ref.strip() or None, advisor_ref=advisor_ref.strip() or None)
    except InvalidInput as exc:
        session.rollback()
        return _users_page(request, session, form=form, errors=field_errors(exc, _t(request)), status=422)
    audit("user.create", target_type="user", target_ref=user.username, detail={"role": role})
    return _users_page(request, session, new_password=password, for_user=user.username)


@router.post("/users/{username}/disable", response_class=HTMLResponse)
def disable_user(username: str, request: Request, session: SessionDep, audit: Audit, me: CurrentUser):
    """No more sign-in; sessions end, tokens are revoked."""
    if username == me.name:
        return _users_page(request, session, failed=_t(request)("err_not_yourself"), status=422)
    do_disable_user(session, get_user(session, username))
    audit("user.disable", target_type="user", target_ref=username)
    return _users_page(request, session, done=_t(request).fmt_data("done_disabled", u=username))


@router.post("/users/{username}/enable", response_class=HTMLResponse)
def enable_user(username: str, request: Request, session: SessionDep, audit: Audit):
    """Active again and unlocked."""
    do_enable_user(session, get_user(session, username))
    audit("user.enable", target_type="user", target_ref=username)
    return _users_page(request, session, done=_t(request).fmt_data("done_enabled", u=username))


@router.post("/users/{username}/password", response_class=HTMLResponse)
def reset_password(username: str, request: Request, session: SessionDep, audit: Audit):
    """A new random password, shown once; the person's sessions end."""
    password = generate_password()
    do_set_password(session, get_user(session, username), password)
    audit("user.set_password", target_type="user", target_ref=username)
    return _users_page(request, session, new_password=password, for_user=username)


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, session: SessionDep):
    """API tokens (never their secrets)."""
    return _tokens_page(request, session)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(request: Request, session: SessionDep, audit: Audit, me: CurrentUser,
                 name: Text = "", role: Text = "system", expires_days: Text = "",
                 scope: Annotated[list[str] | None, Form()] = None):
    """A token for a system: shown once."""
    scopes = scope or []
    form = {"name": name, "role": role, "expires_days": expires_days, "scope": scopes}
    try:
        if errors := _too_long(form, _t(request)):
            return _tokens_page(request, session, form=form, errors=errors, status=422)
        token, secret = do_create_token(session, name=name, role=role, scopes=scopes, created_by=me.actor,
                                        expires_days=_int_or_none(expires_days, "expires_days"))
    except InvalidInput as exc:
        session.rollback()
        return _tokens_page(request, session, form=form, errors=field_errors(exc, _t(request)), status=422)
    audit("token.create", target_type="token", target_ref=str(token.id),
          detail={"name": name, "role": role, "scopes": token.scopes})
    return _tokens_page(request, session, new_token=secret, token_name=name)


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(token_id: int, request: Request, session: SessionDep, audit: Audit):
    """The token stops working at once."""
    do_revoke_token(session, token_id)
    audit("token.revoke", target_type="token", target_ref=str(token_id))
    return _tokens_page(request, session, done=_t(request).fmt("done_revoked", id=token_id))
