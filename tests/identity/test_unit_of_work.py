"""Routes never commit: the request's session commits when the route returns (before the
answer is sent), and an audit entry recorded after a write waits for that commit."""
from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from xinsheng.audit.models import AuditEntry
from xinsheng.db import session_scope
from xinsheng.identity.models import User

SRC = Path(__file__).resolve().parents[2] / "src" / "xinsheng"


def _route_modules() -> list[Path]:
    """Modules that define routes: they build an APIRouter."""
    return [p for p in SRC.rglob("*.py") if "APIRouter(" in p.read_text(encoding="utf-8")]


def _commits(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"]


def test_no_route_module_commits_a_transaction():
    modules = _route_modules()
    assert len(modules) >= 10, "the route modules were not found"
    offenders = {str(p.relative_to(SRC)): lines for p in modules if (lines := _commits(p))}
    assert offenders == {}, f"routes commit by themselves at {offenders}"


def _entries(engine, action: str) -> list[AuditEntry]:
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_new_user_and_its_audit_entry_land_together(client_as, engine):
    admin = client_as("admin")
    page = admin.get("/admin/users")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = admin.post("/admin/users", data={"username": "uow_li", "role": "analyst", "csrf_token": token})
    assert "uow_li" in answer.text
    with session_scope(engine) as s:
        assert s.scalars(select(User.role).where(User.username == "uow_li")).one() == "analyst"
    assert [e.target_ref for e in _entries(engine, "user.create")] == ["uow_li"]


def test_a_refused_user_leaves_neither_row_nor_audit_entry(client_as, engine):
    admin = client_as("admin")
    page = admin.get("/admin/users")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = admin.post("/admin/users", data={"username": "uow_wang", "role": "no-such-role",
                                              "csrf_token": token})
    assert answer.status_code == 422 and "uow_wang" in answer.text  # the page keeps what was typed
    with session_scope(engine) as s:
        assert s.scalars(select(User).where(User.username == "uow_wang")).first() is None
    assert _entries(engine, "user.create") == []
