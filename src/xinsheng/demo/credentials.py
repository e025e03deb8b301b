"""Sign-in for the demo: one user per role, with a password generated per demo database.

The password is never a default: it is drawn at random when the demo bank is
written, printed once, and kept in ``XINSHENG_HOME/demo-credentials.txt`` (0600)
so ``make run`` can show it again. Front-line, support and expert users are real
staff of the demo bank (with their ``agent_ref``), so they see the customers they
served; the advisor is the one with the most clients.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from xinsheng.audit.actions import append
from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.db import session_scope, utcnow
from xinsheng.identity.actions import do_create_user, do_set_password
from xinsheng.identity.models import User
from xinsheng.identity.principal import cli_principal
from xinsheng.identity.security import generate_password
from xinsheng.identity.service import find_user
from xinsheng.interactions.models import Interaction

CREDENTIALS_FILE = "demo-credentials.txt"
#: roles without staff in the generated bank: username and extra fields
EXTRA_USERS = {
    "complaint_handler": ("complaints", "投诉处理专员", {"authority_level": 3}),
    "supervisor": ("supervisor", "值班主管", {}),
    "analyst": ("analyst", "体验分析师", {}),
    "knowledge_manager": ("knowledge", "知识库管理员", {}),
    "ivr_designer": ("ivr", "IVR 设计师", {}),
    "admin": ("admin", "系统管理员", {}),
}


def credentials_path() -> Path:
    return Path(get_settings().home) / CREDENTIALS_FILE


def _busiest_staff(session, role: str) -> User | None:
    """The staff member of ``role`` who handled the most contacts lately (or any of that role)."""
    since = (session.scalar(select(func.max(Interaction.started_at))) or utcnow()) - timedelta(days=7)
    n = func.count().label("n")
    if role == "advisor":
        stmt = (select(User, n).join(Customer, Customer.advisor_ref == User.advisor_ref)
                .where(User.role == role).group_by(User.id).order_by(n.desc(), User.username))
    else:
        stmt = (select(User, n).join(Interaction, Interaction.agent_ref == User.agent_ref)
                .where(User.role == role, Interaction.started_at >= since)
                .group_by(User.id).order_by(n.desc(), User.username))
    row = session.execute(stmt.limit(1)).first()
    return row[0] if row else session.scalar(select(User).where(User.role == role).order_by(User.username))


def create_demo_users(engine: Engine) -> tuple[list[dict], str]:
    """Give one user of every role the demo password; returns the users and the password."""
    password = generate_password()
    users = []
    with session_scope(engine) as session:
        for role in ("agent", "support", "expert", "advisor"):
            user = _busiest_staff(session, role) or do_create_user(
                session, username=role, role=role, display_name=role)
            do_set_password(session, user, password)
            users.append({"username": user.username, "role": role, "name": user.display_name})
        for role, (username, name, extra) in EXTRA_USERS.items():
            user = find_user(session, username) or do_create_user(
                session, username=username, role=role, display_name=name, **extra)
            do_set_password(session, user, password)
            users.append({"username": username, "role": role, "name": name})
    _write(users, password)
    append(engine, actor=cli_principal().actor, actor_role="admin", action="demo.users", ip="cli",
           target_type="user", detail={"users": [u["username"] for u in users]})
    return users, password


def _write(users: list[dict], password: str) -> None:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["xinsheng demo: sign in at /signin with one of these users "
             f"(password for all: {password})", ""]
    lines += [f"  {u['username']:14} {u['role']:18} {u['name']}" for u in users]
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def sign_in_hint() -> str | None:
    """The demo users and password, when this XINSHENG_HOME holds a demo."""
    path = credentials_path()
    try:
        return path.read_text(encoding="utf-8").rstrip()
    except OSError:
        return None
