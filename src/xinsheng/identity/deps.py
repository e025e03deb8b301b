"""FastAPI dependencies every router uses (like the FastAPI template's api/deps.py); the
domains import them as ``xinsheng.deps``, identity's own routes from here.

    from xinsheng.deps import CurrentUser, SessionDep, require

    router = APIRouter(prefix="/api/v1/kb", dependencies=[require("kb.read")])

    @router.post("/articles", dependencies=[require("kb.write")])
    def create(body: ArticleCreate, session: SessionDep, user: CurrentUser): ...

Every route must declare a permission (``require(...)``; ``CurrentUser`` alone means
"any signed-in caller") or ``public``; permissions are listed in
``identity/permissions.py``. ``Audit`` writes an audit-log entry for the caller.

Routes never commit: the request's session commits when the route returns, before the
answer is sent (``scope="function"``), so a failed commit is the caller's error, not a
lost write. An audit entry recorded after the session has written waits for that commit
(and is dropped with a rollback: what did not happen is not logged as done); one
recorded before any write, such as a read, is appended at once.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.audit.actions import append
from xinsheng.db import session_scope
from xinsheng.identity.auth import Require, client_ip, public, require  # noqa: F401
from xinsheng.identity.principal import Principal


def get_engine_dep(request: Request) -> Engine:
    return request.app.state.engine


_WROTE = "xinsheng.request_wrote"
_AFTER_COMMIT = "xinsheng.audit_after_commit"


def get_session(request: Request, engine: Annotated[Engine, Depends(get_engine_dep)]) -> Iterator[Session]:
    """The request's unit of work: committed when the route returns, rolled back on error."""
    with session_scope(engine) as session:
        request.state.db_session = session
        try:
            yield session
        finally:
            request.state.db_session = None


@event.listens_for(Session, "after_flush")
def _mark_written(session: Session, flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _append_held(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer transaction goes on
        return
    session.info.pop(_WROTE, None)
    for append_entry in session.info.pop(_AFTER_COMMIT, []):
        append_entry()


@event.listens_for(Session, "after_soft_rollback")
def _drop_held(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_WROTE, None)
        session.info.pop(_AFTER_COMMIT, None)


def _has_written(session: Session | None) -> bool:
    return session is not None and bool(session.info.get(_WROTE) or session.new or session.dirty
                                        or session.deleted)


EngineDep = Annotated[Engine, Depends(get_engine_dep)]
#: the request's session; it commits when the route returns (routes never commit themselves)
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
#: the signed-in person or token (any of them: the route needs no other permission)
CurrentUser = Annotated[Principal, Depends(Require("signed_in"))]


class Auditor:
    """``audit("customer.read", target_type="customer", target_ref=ref)`` for this request.

    Who, from where and (when the caller sends ``X-Access-Reason``, UTF-8 percent-encoded
    for non-ASCII text) why are filled in.
    """

    def __init__(self, request: Request) -> None:
        self.request = request

    def __call__(self, action: str, *, target_type: str | None = None, target_ref: str | None = None,
                 reason: str | None = None, detail: dict | None = None) -> int | None:
        """The entry's ``seq``; ``None`` when it waits for the request's commit."""
        p: Principal | None = getattr(self.request.state, "principal", None)
        fields = dict(actor=p.actor if p else "anonymous", actor_role=p.role if p else None, action=action,
                      target_type=target_type, target_ref=target_ref, ip=client_ip(self.request),
                      detail=detail,
                      reason=reason or unquote(self.request.headers.get("x-access-reason", "")) or None)
        engine = self.request.app.state.engine
        session = getattr(self.request.state, "db_session", None)
        if _has_written(session):
            session.info.setdefault(_AFTER_COMMIT, []).append(lambda: append(engine, **fields))
            return None
        return append(engine, **fields)


Audit = Annotated[Auditor, Depends(Auditor)]
