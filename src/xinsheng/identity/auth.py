"""Authentication and authorisation of every request.

* ``guard`` runs before every route (an app-wide dependency): it finds the caller
  (``Authorization: Bearer TOKEN`` or the session cookie), answers 401 without one
  unless the route is ``public``, refuses a route that declares no permission
  (fail closed), and checks the CSRF token of unsafe requests made with a cookie.
* Each route declares its permission with ``require("customers.read")`` (or
  ``public``); ``route_decision`` reads it back, so a test can list every route's
  decision and fail on a route without one.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import DBAPIError

from xinsheng.config import get_settings

from xinsheng.db import session_scope
from xinsheng.errors import Forbidden, Unauthorized, Unavailable
from xinsheng.identity.actions import do_touch_session, do_touch_token
from xinsheng.identity.permissions import check_permission_name
from xinsheng.identity.outage import REMEMBERED
from xinsheng.identity.principal import Principal
from xinsheng.identity.security import digest, same
from xinsheng.identity.service import session_principal, token_principal

log = logging.getLogger(__name__)
SESSION_COOKIE = "xinsheng_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Require:
    """Dependency: the caller must hold ``permission``; returns the principal."""

    def __init__(self, permission: str) -> None:
        self.permission = check_permission_name(permission)

    async def __call__(self, request: Request) -> Principal:
        principal = getattr(request.state, "principal", None)
        if principal is None:
            raise Unauthorized("sign in, or send Authorization: Bearer TOKEN")
        if not principal.can(self.permission):
            raise Forbidden(f"the role {principal.role!r} may not do this ({self.permission})",
                            data={"permission": self.permission})
        return principal

    def __repr__(self) -> str:
        return f"require({self.permission!r})"


class Public:
    """Dependency marking a route that anyone may call (health, sign-in, static files)."""

    async def __call__(self) -> None:
        return None

    def __repr__(self) -> str:
        return "public"


PUBLIC = Public()


def require(permission: str) -> Any:
    """``dependencies=[require("kb.read")]`` or ``user: Annotated[Principal, require("kb.read")]``."""
    return Depends(Require(permission))


public = Depends(PUBLIC)


def route_decision(route: Any) -> Public | tuple[str, ...] | None:
    """``PUBLIC``, the permissions a route requires, or None when it declares nothing.

    ``route`` is an APIRoute or FastAPI's effective route of an included router (whose
    dependant carries the dependencies of every enclosing router and the app's).
    """
    if route is None:
        return None
    cached = getattr(route, "_xinsheng_decision", False)
    if cached is not False:
        return cached
    dependant = getattr(route, "dependant", None)
    calls = _calls(dependant) if dependant is not None else []
    if any(c is PUBLIC for c in calls):
        decision: Any = PUBLIC
    else:
        decision = tuple(sorted({c.permission for c in calls if isinstance(c, Require)})) or None
    try:
        route._xinsheng_decision = decision
    except AttributeError:  # pragma: no cover
        pass
    return decision


def _effective_route(scope: dict) -> Any:
    effective = (scope.get("fastapi") or {}).get("effective_route_context")
    return effective if getattr(effective, "dependant", None) is not None else scope.get("route")


def iter_routes(app) -> Iterator[tuple[str, str, Any, Any]]:
    """Every (method, path, decision, route) of ``app``; mounts have method ``MOUNT``."""
    from starlette.routing import Mount

    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included routers became lazy
        contexts = list(app.routes)
    else:
        contexts = [getattr(c, "_effective_route", c) for c in iter_route_contexts(app.routes)]
    for route in contexts:
        if isinstance(route, Mount):
            yield "MOUNT", route.path, None, route
            continue
        for method in sorted((getattr(route, "methods", None) or set()) - {"HEAD"}):
            yield method, route.path, route_decision(route), route


def _calls(dependant) -> list:
    out = []
    for dep in dependant.dependencies:
        out.append(dep.call)
        out.extend(_calls(dep))
    return out


def client_ip(request: Request) -> str | None:
    """The caller's address (uvicorn applies X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else None


def _resolve(request: Request) -> Principal | None:
    header = request.headers.get("authorization")
    engine = request.app.state.engine
    if header:
        scheme, _, credential = header.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise Unauthorized("Authorization: expected 'Bearer TOKEN'")
        return _token_principal(engine, credential.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with session_scope(engine) as session:
            found = session_principal(session, cookie)
            if found is not None:
                do_touch_session(session, found[1])
                return found[0]
    return None


def _token_principal(engine, secret: str) -> Principal:
    """The token's principal from the database; while the database cannot be reached, one
    this process verified lately (identity/outage.py)."""
    key = digest(secret)
    try:
        with session_scope(engine) as session:
            found = token_principal(session, secret)
            if found is None:
                REMEMBERED.forget(key)
                raise Unauthorized("the token is unknown, expired or revoked")
            do_touch_token(session, found[1])
    except DBAPIError:
        remembered = REMEMBERED.during_outage(key, get_settings().token_outage_grace_minutes * 60)
        if remembered is None:
            raise Unavailable("the database cannot be reached to check this token; try again shortly") from None
        log.warning("database unreachable: accepting token %r verified within the outage grace",
                    remembered.name)
        return remembered
    REMEMBERED.verified(key, found[0])
    return found[0]


async def guard(request: Request) -> None:
    """App-wide: authenticate, refuse undeclared routes, check CSRF (see the module doc)."""
    decision = route_decision(_effective_route(request.scope))
    try:
        principal = await run_in_threadpool(_resolve, request)
    except (Unauthorized, Unavailable):
        if decision is not PUBLIC:
            raise
        principal = None
    request.state.principal = principal
    if decision is PUBLIC:
        return
    if principal is None:
        raise Unauthorized("sign in, or send Authorization: Bearer TOKEN")
    if decision is None:
        raise Forbidden("this route has no permission decision")
    if principal.kind == "session" and request.method not in SAFE_METHODS:
        await check_csrf(request, principal.csrf_token)


async def check_csrf(request: Request, expected: str | None) -> None:
    """The request must echo the session's CSRF token (form field or X-CSRF-Token header)
    and, when the browser says where it comes from, come from this site."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise Forbidden("cross-site request refused (Origin does not match)", data={"csrf": True})
    sent = request.headers.get(CSRF_HEADER)
    if not sent and "form" in request.headers.get("content-type", ""):
        sent = (await request.form()).get(CSRF_FIELD)
    if not same(sent if isinstance(sent, str) else None, expected):
        raise Forbidden("the form has expired or did not come from this site (CSRF token): "
                        "reload the page and try again", data={"csrf": True})
