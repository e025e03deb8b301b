"""A person changes their own password (page ``/me/password``, ``POST /api/v1/me/password``)."""
from __future__ import annotations

from sqlalchemy.engine import Engine

from xinsheng.audit.actions import append
from xinsheng.db import session_scope
from xinsheng.errors import Forbidden, InvalidInput
from xinsheng.identity.actions import do_change_password
from xinsheng.identity.models import User
from xinsheng.identity.principal import Principal


def change_own_password(engine: Engine, me: Principal, current: str, new: str, *,
                        ip: str | None = None) -> int:
    """Check the current password (argon2), store the new one, end the person's other
    sessions (the one making the change stays); audit entry either way. Returns how many
    sessions ended. A token has no password to change (403)."""
    if me.kind != "session" or me.user_id is None:
        raise Forbidden("only a signed-in person can change their password (a token has none)")
    with session_scope(engine) as session:
        user = session.get(User, me.user_id)
        ended = do_change_password(session, user, current, new, keep_session=me.session_id)
    if ended is None:
        append(engine, actor=me.actor, actor_role=me.role, action="auth.password_change_failed",
               target_type="user", target_ref=me.name, ip=ip, detail={"why": "wrong current password"})
        raise InvalidInput("current_password: wrong password", data={"field": "current_password"})
    append(engine, actor=me.actor, actor_role=me.role, action="auth.password_changed",
           target_type="user", target_ref=me.name, ip=ip, detail={"other_sessions_ended": ended})
    return ended
