"""JSON API of identity: who am I."""
from __future__ import annotations

from fastapi import APIRouter

from xinsheng.deps import CurrentUser
from xinsheng.identity.schemas import MeRead

router = APIRouter(prefix="/api/v1", tags=["identity"])


@router.get("/me", response_model=MeRead)
def read_me(me: CurrentUser) -> MeRead:
    """The caller (person or token), its role, scopes and permissions."""
    return MeRead(kind=me.kind, name=me.name, display_name=me.display_name or me.name, role=me.role,
                  scopes=list(me.scopes), permissions=sorted(me.permissions), row_scope=me.row_scope)
