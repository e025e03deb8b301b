"""API shapes of identity."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class MeRead(BaseModel):
    """Who the caller is and what they may do."""

    kind: str
    name: str
    display_name: str
    role: str
    scopes: list[str]
    permissions: list[str]
    row_scope: str


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    display_name: str
    role: str
    authority_level: int | None = None
    agent_ref: str | None = None
    advisor_ref: str | None = None
    active: bool
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    can_sign_in: bool = False


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: str
    scopes: list[str]
    prefix: str
    created_by: str | None = None
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class PasswordChange(BaseModel):
    """A person's own password change."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000, description="at least 10 characters, not too simple")


class PasswordChanged(BaseModel):
    changed: bool
    other_sessions_ended: int
