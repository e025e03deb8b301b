"""Jinja2 templates shared by every domain's pages."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from xinsheng.config import get_settings
from xinsheng.web.assets import static_url
from xinsheng.web.i18n import Translator, chosen_lang, pick_lang

_ROOT = Path(__file__).parent.parent
templates = Jinja2Templates(directory=[str(_ROOT / "web" / "templates")] + [
    str(p) for p in sorted(_ROOT.glob("*/templates")) if p.parent.name != "web"
])


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC timestamp shown in the bank's time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(get_settings().display_timezone)).strftime(fmt)


templates.env.filters["local_time"] = local_time
#: ``{{ static_url("app.css") }}``: the URL with the content hash (cached for a year)
templates.env.globals["static_url"] = static_url


def lang_url(request: Request, lang: str) -> str:
    """The same page in ``lang``: a query-only link (the path stays), the query kept and
    ``lang`` in it once (``/hot-issues?days=30`` → ``?days=30&lang=en``)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return "?" + urlencode([*params, ("lang", lang)])


templates.env.globals["lang_url"] = lang_url


def render(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    """Render a page in the request's language; a ``?lang=`` choice is remembered."""
    lang = pick_lang(request)
    me = getattr(request.state, "principal", None)
    response = templates.TemplateResponse(
        request, name,
        {"t": Translator(lang), "lang": lang, "me": me, "csrf": me.csrf_token if me else None, **context},
        status_code=status_code,
    )
    if chosen_lang(request) == lang:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def render_error(request: Request, status: int, message: str, error: Exception | None = None) -> HTMLResponse:
    """The error page in the request's language: ``error`` (the exception) is told in the
    catalogue's words (``web.messages``); ``message`` is the English one the API gives."""
    from xinsheng.web.messages import error_text

    t = Translator(pick_lang(request))
    me = getattr(request.state, "principal", None)
    shown = error_text(error, t, me, path=request.url.path) if error is not None else (
        message if t.lang == "en" else t(f"err_status_{status}", t("err_status_400")))
    return render(request, "error.html", {"status": status, "message": shown,
                                          "title": t(f"err_title_{status}", t("error"))}, status_code=status)
