"""The authenticated caller of a request: a signed-in person or an API token."""
from __future__ import annotations

from dataclasses import dataclass, field

from xinsheng.clikit import operator_name
from xinsheng.identity.permissions import PERMISSIONS, ROW_SCOPES, TIERS


@dataclass(frozen=True)
class Principal:
    """Who is asking, and what they may do. ``kind`` is ``session``, ``token`` or ``cli``."""

    kind: str
    name: str
    role: str
    permissions: frozenset[str]
    user_id: int | None = None
    token_id: int | None = None
    display_name: str = ""
    agent_ref: str | None = None
    advisor_ref: str | None = None
    authority_level: int | None = None
    scopes: tuple[str, ...] = ()
    csrf_token: str | None = field(default=None, repr=False)
    session_id: str | None = field(default=None, repr=False)

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def row_scope(self) -> str:
        """Which customers this principal sees: ``all``, ``served``, ``complaints``, ``clients``."""
        return ROW_SCOPES.get(self.role, "none")

    @property
    def tier(self) -> int | None:
        return TIERS.get(self.role)

    @property
    def actor(self) -> str:
        """How the audit log names this principal."""
        return {"token": f"token:{self.name}", "cli": f"cli:{self.name}"}.get(self.kind, self.name)


def cli_principal() -> Principal:
    """The operator at the command line (local access to the database and its keys)."""
    return Principal(kind="cli", name=operator_name(), role="admin", permissions=frozenset(PERMISSIONS))
