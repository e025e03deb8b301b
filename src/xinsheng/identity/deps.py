"""FastAPI dependencies every router uses (like the FastAPI template's api/deps.py); the
domains import them as ``xinsheng.deps``, identity's own routes from here.

    from xinsheng.deps import CurrentUser, SessionDep, require

    router = APIRouter(prefix="/api/v1/kb", dependencies=[require("kb.read")])

    @router.post("/articles", dependencies=[require("kb.write")])
    def create(body: ArticleCreate, session: SessionDep, user: CurrentUser): ...

Every route must declare a permission (``require(...)``; ``CurrentUser`` alone means
"any signed-in caller") or ``public``; permissions are listed in
``identity/permissions.py``. ``Audit`` writes an audit-log entry for the caller.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.audit.actions import append
from xinsheng.db import session_scope
from xinsheng.identity.auth import Require, client_ip, public, require  # noqa: F401
from xinsheng.identity.principal import Principal


def get_engine_dep(request: Request) -> Engine:
    return request.app.state.engine


def get_session(engine: Annotated[Engine, Depends(get_engine_dep)]) -> Iterator[Session]:
    with session_scope(engine) as session:
        yield session


EngineDep = Annotated[Engine, Depends(get_engine_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
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
                 reason: str | None = None, detail: dict | None = None) -> int:
        p: Principal | None = getattr(self.request.state, "principal", None)
        return append(
            self.request.app.state.engine, actor=p.actor if p else "anonymous",
            actor_role=p.role if p else None, action=action, target_type=target_type,
            target_ref=target_ref, ip=client_ip(self.request), detail=detail,
            reason=reason or unquote(self.request.headers.get("x-access-reason", "")) or None,
        )


Audit = Annotated[Auditor, Depends(Auditor)]
