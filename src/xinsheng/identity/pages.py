"""Sign-in and sign-out pages (public sign-in form, CSRF-protected, lock-out)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from xinsheng.audit.actions import append
from xinsheng.config import get_settings
from xinsheng.db import session_scope
from xinsheng.identity.deps import CurrentUser, client_ip, public
from xinsheng.identity.actions import do_sign_in, do_sign_out
from xinsheng.identity.auth import SESSION_COOKIE, check_csrf
from xinsheng.identity.password_pages import router as password_router
from xinsheng.identity.security import new_secret
from xinsheng.identity.throttle import signin_wait
from xinsheng.web.templating import render

router = APIRouter(include_in_schema=False)
PRE_CSRF_COOKIE = "xinsheng_csrf"


def safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _too_long(request: Request, username: str, password: str) -> dict[str, str]:
    from xinsheng.web.i18n import Translator, pick_lang

    t = Translator(pick_lang(request))
    errors = {}
    for field, value, most in (("username", username, MAX_USERNAME), ("password", password, MAX_PASSWORD)):
        if len(value) > most:
            errors[field] = t.fmt("fe_signin_long", field=t(field), n=most)
    return errors


def _form(request: Request, *, next_url: str, error: str | None = None, username: str = "", retry_minutes: int = 0,
          status: int = 200, field_errors: dict | None = None) -> HTMLResponse:
    token = request.cookies.get(PRE_CSRF_COOKIE) or new_secret()
    s = get_settings()
    response = render(request, "identity/signin.html", {
        "next": next_url, "error": error, "username": username, "form_csrf": token, "retry_minutes": retry_minutes,
        "errors": field_errors or {},
        "max_failures": s.login_max_failures, "lockout_minutes": int(s.login_lockout_minutes),
    }, status_code=status)
    response.set_cookie(PRE_CSRF_COOKIE, token, httponly=True, samesite="lax",
                        secure=_secure(request), path="/signin")
    return response


@router.get("/signin", response_class=HTMLResponse, dependencies=[public])
def signin_page(request: Request, next: str = "/"):
    """The sign-in form; a signed-in person goes straight on."""
    if getattr(request.state, "principal", None) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, next_url=safe_next(next))


#: longest username, password and return address the form takes
MAX_USERNAME, MAX_PASSWORD, MAX_NEXT = 200, 1000, 2000


@router.post("/signin", response_class=HTMLResponse, dependencies=[public])
async def signin(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
):
    """Check the password (argon2); sets an HttpOnly, SameSite=Lax session cookie.
    A username or password that is too long gives the form again, the message beside the field."""
    await check_csrf(request, request.cookies.get(PRE_CSRF_COOKIE))
    throttled = await run_in_threadpool(_throttled, request, next)
    if throttled is not None:
        return throttled
    next = next if len(next) <= MAX_NEXT else "/"
    too_long = _too_long(request, username, password)
    if too_long:
        return _form(request, next_url=safe_next(next), field_errors=too_long, status=422)
    result = await run_in_threadpool(_sign_in, request, username, password)
    if not result.ok:
        msg = "bad_credentials"
        # the form is filled again with a known username only: an unknown "name" may be a
        # password or an ID number typed into the wrong field, and is not repeated
        known = result.user.username if result.user is not None else ""
        return _form(request, next_url=safe_next(next), error=msg, username=known, status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, result.secret, httponly=True, samesite="lax",
                        secure=_secure(request), max_age=int(get_settings().session_hours * 3600))
    response.delete_cookie(PRE_CSRF_COOKIE, path="/signin")
    return response


def _throttled(request: Request, next_url: str) -> HTMLResponse | None:
    """429 with Retry-After while this address has too many recent failures (throttle.py);
    the password is not even checked."""
    engine, ip = request.app.state.engine, client_ip(request)
    wait = signin_wait(engine, ip)
    if not wait:
        return None
    append(engine, actor="anonymous", action="auth.signin_throttled", target_type="ip", target_ref=ip,
           ip=ip, detail={"retry_after_seconds": wait})
    response = _form(request, next_url=safe_next(next_url), error="throttled", status=429,
                     retry_minutes=max(1, -(-wait // 60)))
    response.headers["Retry-After"] = str(wait)
    return response


def _sign_in(request: Request, username: str, password: str):
    engine, ip = request.app.state.engine, client_ip(request)
    with session_scope(engine) as session:
        old = request.cookies.get(SESSION_COOKIE)
        if old:  # never keep a session id across a sign-in (fixation)
            from xinsheng.identity.security import digest

            do_sign_out(session, digest(old))
        result = do_sign_in(session, username, password, ip=ip,
                            user_agent=request.headers.get("user-agent"))
        role = result.user.role if result.user else None
    # an unknown name is not logged: people type their password into the wrong field
    name = result.user.username if result.user else None
    if result.ok:
        append(engine, actor=name, actor_role=role, action="auth.signin", target_type="user",
               target_ref=name, ip=ip)
    else:
        detail = {"locked_now": result.locked_now, "was_locked": result.was_locked,
                  "unknown_user": result.user is None}
        append(engine, actor=name or "anonymous", actor_role=role, action="auth.signin_failed",
               target_type="user", target_ref=name, ip=ip, detail=detail)
    return result


@router.post("/signout")
def signout(request: Request, me: CurrentUser):
    """End the session (CSRF-checked like every form)."""
    with session_scope(request.app.state.engine) as session:
        do_sign_out(session, me.session_id)
    append(request.app.state.engine, actor=me.actor, actor_role=me.role, action="auth.signout",
           target_type="user", target_ref=me.name, ip=client_ip(request))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


router.include_router(password_router)  # /me/password: a person changes their own password
