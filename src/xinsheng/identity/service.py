"""Reads of identity: users, tokens, and the principal behind a token or a session."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.db import utcnow
from xinsheng.errors import NotFound
from xinsheng.identity.models import ApiToken, User, WebSession
from xinsheng.identity.permissions import permissions_for
from xinsheng.identity.principal import Principal
from xinsheng.identity.security import digest


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}", data={"username": username})
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session, *, role: str | None = None, with_password_only: bool = False) -> list[User]:
    stmt = select(User).order_by(User.role, User.username)
    if role:
        stmt = stmt.where(User.role == role)
    if with_password_only:
        stmt = stmt.where(User.password_hash.is_not(None))
    return list(session.scalars(stmt))


def page_users(session: Session, *, offset: int = 0, limit: int = 50) -> tuple[list[User], int]:
    """One page of users (by role, then username) and how many there are in all."""
    total = session.scalar(select(func.count()).select_from(User)) or 0
    rows = session.scalars(select(User).order_by(User.role, User.username).offset(offset).limit(limit))
    return list(rows), total


def list_tokens(session: Session, *, include_revoked: bool = False) -> list[ApiToken]:
    stmt = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if not include_revoked:
        stmt = stmt.where(ApiToken.revoked_at.is_(None))
    return list(session.scalars(stmt))


def user_principal(user: User, *, kind: str = "session", ws: WebSession | None = None) -> Principal:
    return Principal(
        kind=kind, name=user.username, role=user.role, permissions=permissions_for(user.role),
        user_id=user.id, display_name=user.display_name, agent_ref=user.agent_ref,
        advisor_ref=user.advisor_ref, authority_level=user.authority_level,
        csrf_token=ws.csrf_token if ws else None, session_id=ws.id if ws else None,
    )


def token_principal(session: Session, secret: str) -> tuple[Principal, ApiToken] | None:
    """The principal of a bearer token; None when unknown, revoked, expired or its user disabled."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    now = utcnow()
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        return None
    user = session.get(User, token.user_id) if token.user_id else None
    if token.user_id and (user is None or not user.active):
        return None
    scopes = tuple(token.scopes or ())
    return Principal(
        kind="token", name=token.name, role=token.role,
        permissions=permissions_for(token.role, scopes), token_id=token.id, scopes=scopes,
        user_id=user.id if user else None, display_name=user.display_name if user else token.name,
        agent_ref=user.agent_ref if user else None, advisor_ref=user.advisor_ref if user else None,
        authority_level=user.authority_level if user else None,
    ), token


def session_principal(session: Session, secret: str) -> tuple[Principal, WebSession] | None:
    """The principal of a session cookie; None when unknown, expired, idle too long or disabled."""
    ws = session.get(WebSession, digest(secret))
    if ws is None:
        return None
    now, s = utcnow(), get_settings()
    if ws.expires_at <= now or now - ws.last_seen_at > timedelta(minutes=s.session_idle_minutes):
        return None
    user = session.get(User, ws.user_id)
    if user is None or not user.active:
        return None
    return user_principal(user, ws=ws), ws
