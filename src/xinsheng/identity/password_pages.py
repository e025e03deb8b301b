"""The page where a signed-in person changes their own password (/me/password)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from xinsheng.identity.deps import CurrentUser, client_ip
from xinsheng.errors import InvalidInput
from xinsheng.identity.password import change_own_password
from xinsheng.identity.security import MIN_PASSWORD_LENGTH
from xinsheng.web.templating import render

router = APIRouter(include_in_schema=False)
Secret = Annotated[str, Form(max_length=1000)]


def _page(request: Request, *, status: int = 200, **context) -> HTMLResponse:
    return render(request, "identity/password.html",
                  {"min_length": MIN_PASSWORD_LENGTH, "errors": {}, **context}, status_code=status)


@router.get("/me/password", response_class=HTMLResponse)
def password_page(request: Request, me: CurrentUser):
    """The form: current password, new password twice."""
    return _page(request)


@router.post("/me/password", response_class=HTMLResponse)
async def change_password(request: Request, me: CurrentUser, current_password: Secret = "",
                          new_password: Secret = "", new_password_again: Secret = ""):
    """Change it (CSRF-checked like every form); the person's other sessions end."""
    if new_password != new_password_again:
        return _page(request, status=422, errors={"new_password_again": "pw_mismatch"})
    try:
        ended = await run_in_threadpool(change_own_password, request.app.state.engine, me,
                                        current_password, new_password, ip=client_ip(request))
    except InvalidInput as exc:
        field = exc.data.get("field", "new_password")
        why = "pw_wrong_current" if field == "current_password" else (
            "pw_same" if "differ" in exc.message else "pw_policy")
        return _page(request, status=422, errors={field: why})
    return _page(request, changed=ended)
