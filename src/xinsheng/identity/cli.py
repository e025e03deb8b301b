"""``xinsheng user …`` and ``xinsheng token …``: people and API clients, for administrators.

Whoever runs these commands has the database and its keys, so they act as an
administrator; every change is written to the audit log as ``cli:<login name>``.
"""
from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from xinsheng.audit.actions import append
from xinsheng.clikit import console_err
from xinsheng.db import session_scope
from xinsheng.identity.actions import (
    do_create_token, do_create_user, do_disable_user, do_enable_user, do_revoke_token, do_set_password,
)
from xinsheng.identity.permissions import ROLES, SCOPES
from xinsheng.identity.principal import cli_principal
from xinsheng.identity.schemas import TokenRead, UserRead
from xinsheng.identity.security import generate_password
from xinsheng.identity.service import get_user, list_tokens, list_users
from xinsheng.migrate import ready_engine

user_app = typer.Typer(help="People who sign in to the web UI (administrators).", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for systems and scripts.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]


def _audit(engine, action: str, target_type: str, target_ref: str, detail: dict | None = None) -> None:
    me = cli_principal()
    append(engine, actor=me.actor, actor_role="admin", action=action, target_type=target_type,
           target_ref=target_ref, ip="cli", detail=detail)


def _password(from_stdin: bool) -> tuple[str, bool]:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return generate_password(), True


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="lower-case login name")],
    role: Annotated[str, typer.Option(help=f"one of {', '.join(r for r in ROLES if r != 'system')}")],
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    authority_level: Annotated[int | None, typer.Option(help="complaint handlers: 1–9")] = None,
    agent_ref: Annotated[str | None, typer.Option(help="agent id in contact records (tiers 1–3)")] = None,
    advisor_ref: Annotated[str | None, typer.Option(help="advisor id in customer records")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a person; a random password is generated and shown once unless --password-stdin."""
    engine = ready_engine()
    password, generated = _password(password_stdin)
    with session_scope(engine) as session:
        user = do_create_user(session, username=username, role=role, display_name=name, password=password,
                              authority_level=authority_level, agent_ref=agent_ref, advisor_ref=advisor_ref)
        username = user.username
    _audit(engine, "user.create", "user", username, {"role": role})
    if as_json:
        typer.echo(json.dumps({"username": username, "role": role,
                               "password": password if generated else None}, ensure_ascii=False))
    else:
        console_err.print(f"created {username} ({role})")
        if generated:
            console_err.print(f"password (shown once): [bold]{password}[/]")


@user_app.command("list")
def user_list(as_json: JsonOpt = False) -> None:
    """Every person, with role, state and last sign-in."""
    with session_scope(ready_engine()) as session:
        users = [UserRead.model_validate(u).model_copy(update={"can_sign_in": bool(u.password_hash)})
                 for u in list_users(session)]
    if as_json:
        typer.echo(json.dumps([u.model_dump(mode="json") for u in users], ensure_ascii=False))
        return
    for u in users:
        state = "active" if u.active else "disabled"
        typer.echo(f"{u.username:24} {u.role:18} {state:9} {u.display_name}")


def _change(username: str, action: str, do) -> None:
    engine = ready_engine()
    with session_scope(engine) as session:
        do(session, get_user(session, username))
    _audit(engine, action, "user", username)
    console_err.print(f"{username}: {action.split('.')[-1]}")


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Stop a person from signing in; ends their sessions and revokes their tokens."""
    _change(username, "user.disable", do_disable_user)


@user_app.command("enable")
def user_enable(username: str) -> None:
    """Allow a disabled or locked-out person to sign in again."""
    _change(username, "user.enable", do_enable_user)


@user_app.command("set-password")
def user_set_password(
    username: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")] = False,
) -> None:
    """Set a new password (random and shown once unless --password-stdin); ends their sessions."""
    password, generated = _password(password_stdin)
    _change(username, "user.set_password", lambda s, u: do_set_password(s, u, password))
    if generated:
        console_err.print(f"password (shown once): [bold]{password}[/]")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="what uses the token, e.g. ivr-platform")],
    role: Annotated[str, typer.Option(help="usually 'system'; a person's role limits the token to it")],
    scope: Annotated[list[str] | None, typer.Option(help=f"repeatable: {', '.join(SCOPES)}")] = None,
    user: Annotated[str | None, typer.Option(help="act as this person (their agent/advisor refs)")] = None,
    expires_days: Annotated[int | None, typer.Option(help="expire after this many days")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a bearer token; the token is printed once and only its hash is stored."""
    engine = ready_engine()
    with session_scope(engine) as session:
        owner = get_user(session, user) if user else None
        token, secret = do_create_token(session, name=name, role=role, scopes=scope, user=owner,
                                        created_by=cli_principal().actor, expires_days=expires_days)
        info = TokenRead.model_validate(token)
    _audit(engine, "token.create", "token", str(info.id), {"name": name, "role": role, "scopes": info.scopes})
    if as_json:
        typer.echo(json.dumps({"token": secret, "id": info.id, "name": info.name, "role": info.role,
                               "scopes": info.scopes}, ensure_ascii=False))
    else:
        typer.echo(secret)
        console_err.print("the token is shown once: store it now (Authorization: Bearer TOKEN)")


@token_app.command("list")
def token_list(as_json: JsonOpt = False,
               revoked: Annotated[bool, typer.Option(help="include revoked tokens")] = False) -> None:
    """Tokens (never their secrets): name, role, scopes, last use."""
    with session_scope(ready_engine()) as session:
        tokens = [TokenRead.model_validate(t) for t in list_tokens(session, include_revoked=revoked)]
    if as_json:
        typer.echo(json.dumps([t.model_dump(mode="json") for t in tokens], ensure_ascii=False))
        return
    for t in tokens:
        typer.echo(f"{t.id:5} {t.prefix}…  {t.name:24} {t.role:12} {','.join(t.scopes)}")


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by its id (from ``token list``)."""
    engine = ready_engine()
    with session_scope(engine) as session:
        do_revoke_token(session, token_id)
    _audit(engine, "token.revoke", "token", str(token_id))
    console_err.print(f"token {token_id} revoked")
