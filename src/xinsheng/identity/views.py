"""JSON API of identity: who am I; change my password."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from xinsheng.identity.deps import CurrentUser, EngineDep, client_ip
from xinsheng.identity.password import change_own_password
from xinsheng.identity.schemas import MeRead, PasswordChange, PasswordChanged

router = APIRouter(prefix="/api/v1", tags=["identity"])


@router.get("/me", response_model=MeRead)
def read_me(me: CurrentUser) -> MeRead:
    """The caller (person or token), its role, scopes and permissions."""
    return MeRead(kind=me.kind, name=me.name, display_name=me.display_name or me.name, role=me.role,
                  scopes=list(me.scopes), permissions=sorted(me.permissions), row_scope=me.row_scope)


@router.post("/me/password", response_model=PasswordChanged,
             responses={403: {"description": "a token has no password"},
                        422: {"description": "wrong current password, or the new one is refused"}})
async def change_my_password(body: PasswordChange, me: CurrentUser, engine: EngineDep,
                             request: Request) -> PasswordChanged:
    """Change the signed-in person's own password: ``current_password`` must be right (a
    wrong one counts towards the lock-out); the person's other sessions end."""
    ended = await run_in_threadpool(change_own_password, engine, me, body.current_password,
                                    body.new_password, ip=client_ip(request))
    return PasswordChanged(changed=True, other_sessions_ended=ended)
