"""Writes of identity: users, tokens, sign-in with lock-out, sessions."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.db import utcnow
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.identity.models import ApiToken, User, WebSession
from xinsheng.identity.outage import REMEMBERED
from xinsheng.identity.permissions import ROLES, SCOPES
from xinsheng.identity.security import (
    digest, hash_password, needs_rehash, new_secret, new_token, verify_password,
)
from xinsheng.identity.service import find_user

log = logging.getLogger(__name__)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
TOUCH_EVERY = timedelta(seconds=60)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"role: unknown {role!r}; one of {', '.join(ROLES)}", data={"field": "role"})


def do_create_user(
    session: Session, *, username: str, role: str, display_name: str | None = None,
    password: str | None = None, authority_level: int | None = None,
    agent_ref: str | None = None, advisor_ref: str | None = None, skills: list[str] | None = None,
) -> User:
    """A new person; without a password they cannot sign in until one is set."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput("username: 2–64 lower-case letters, digits, '.', '_' or '-'",
                           data={"field": "username"})
    _check_role(role)
    if role == "system":
        raise InvalidInput("role: 'system' is for API tokens, not people", data={"field": "role"})
    if authority_level is not None and not 1 <= authority_level <= 9:
        raise InvalidInput("authority_level: 1 to 9", data={"field": "authority_level"})
    if find_user(session, username) is not None:
        raise InvalidInput(f"username: {username!r} is taken", data={"field": "username"})
    now = utcnow()
    user = User(
        username=username, display_name=(display_name or username).strip()[:128], role=role,
        authority_level=authority_level if role == "complaint_handler" else None,
        agent_ref=agent_ref or None, advisor_ref=advisor_ref or None, skills=skills or [],
        password_hash=hash_password(password) if password else None,
        password_changed_at=now if password else None, active=True, created_at=now, failed_logins=0,
    )
    session.add(user)
    session.flush()
    return user


def do_set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_logins, user.locked_until = 0, None
    do_end_sessions(session, user.id)


def do_change_password(session: Session, user: User, current: str, new: str, *,
                       keep_session: str | None = None) -> int | None:
    """A person changes their own password: the current one must be right (a wrong one
    counts towards the lock-out like a failed sign-in: None is returned and the caller
    commits that before answering); the new one must meet the policy and differ (else
    InvalidInput naming ``new_password``). Their other sessions end; returns how many."""
    s, now = get_settings(), utcnow()
    if not verify_password(user.password_hash, current or ""):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= s.login_max_failures:
            user.locked_until, user.failed_logins = now + timedelta(minutes=s.login_lockout_minutes), 0
        return None
    if new == current:
        raise InvalidInput("new_password: must differ from the current one", data={"field": "new_password"})
    try:
        user.password_hash = hash_password(new)
    except InvalidInput as exc:
        raise InvalidInput("new_" + exc.message, data={"field": "new_password"}) from None
    user.password_changed_at, user.failed_logins = now, 0
    others = delete(WebSession).where(WebSession.user_id == user.id)
    if keep_session:
        others = others.where(WebSession.id != keep_session)
    return session.execute(others).rowcount or 0


def do_disable_user(session: Session, user: User) -> None:
    """The user can no longer sign in; their sessions end and their tokens are revoked."""
    user.active = False
    do_end_sessions(session, user.id)
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))
    REMEMBERED.forget()


def do_enable_user(session: Session, user: User) -> None:
    """Active again, and unlocked."""
    user.active, user.failed_logins, user.locked_until = True, 0, None


def do_end_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def do_create_token(
    session: Session, *, name: str, role: str, scopes: list[str] | None = None,
    user: User | None = None, created_by: str | None = None, expires_days: int | None = None,
) -> tuple[ApiToken, str]:
    """A bearer token; returns the row and the secret, which is never stored nor shown again."""
    name = (name or "").strip()
    if not name or len(name) > 128:
        raise InvalidInput("name: 1–128 characters", data={"field": "name"})
    _check_role(role)
    scopes = sorted(set(scopes or ()))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise InvalidInput(f"scope: unknown {', '.join(unknown)}; one of {', '.join(SCOPES)}",
                           data={"field": "scope"})
    if role == "system" and not scopes:
        raise InvalidInput("scope: a system token needs at least one --scope", data={"field": "scope"})
    if expires_days is not None and expires_days < 1:
        raise InvalidInput("expires_days: at least 1", data={"field": "expires_days"})
    secret = new_token()
    now = utcnow()
    token = ApiToken(
        name=name, role=role, scopes=scopes, token_hash=digest(secret), prefix=secret[:10],
        user_id=user.id if user else None, created_by=created_by, created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    session.flush()
    return token, secret


def do_revoke_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no token {token_id}", data={"token_id": token_id})
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    REMEMBERED.forget(token.token_hash)
    return token


def do_touch_token(session: Session, token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now


@dataclass
class SignIn:
    """The outcome of a sign-in attempt; ``secret`` goes into the cookie."""

    ok: bool
    user: User | None = None
    secret: str | None = None
    locked_now: bool = False
    was_locked: bool = False


def do_sign_in(session: Session, username: str, password: str, *, ip: str | None = None,
               user_agent: str | None = None) -> SignIn:
    """Check the password; after too many failures in a row the user is locked out for a while.

    The password is verified even for an unknown or locked user, so the answer's
    timing does not tell which usernames exist.
    """
    s, now = get_settings(), utcnow()
    user = find_user(session, (username or "").strip().lower()[:64])
    can_try = user is not None and user.active
    locked = bool(user and user.locked_until and user.locked_until > now)
    good = verify_password(user.password_hash if can_try else None, password or "")
    if not good or locked or not can_try:
        result = SignIn(ok=False, user=user, was_locked=locked)
        if user is not None and not locked:
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= s.login_max_failures:
                user.locked_until = now + timedelta(minutes=s.login_lockout_minutes)
                user.failed_logins = 0
                result.locked_now = True
        return result
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    secret = new_secret()
    session.add(WebSession(
        id=digest(secret), user_id=user.id, csrf_token=new_secret(), created_at=now,
        last_seen_at=now, expires_at=now + timedelta(hours=s.session_hours),
        ip=(ip or "")[:64] or None, user_agent=(user_agent or "")[:256] or None,
    ))
    return SignIn(ok=True, user=user, secret=secret)


def do_sign_out(session: Session, session_id: str | None) -> None:
    if session_id:
        session.execute(delete(WebSession).where(WebSession.id == session_id))


def do_touch_session(session: Session, ws: WebSession) -> None:
    now = utcnow()
    if now - ws.last_seen_at > TOUCH_EVERY:
        ws.last_seen_at = now


def do_purge_sessions(session: Session) -> int:
    """Delete sessions past their lifetime or idle limit (housekeeping)."""
    s, now = get_settings(), utcnow()
    res = session.execute(delete(WebSession).where(
        (WebSession.expires_at <= now)
        | (WebSession.last_seen_at < now - timedelta(minutes=s.session_idle_minutes))
    ))
    return res.rowcount or 0
