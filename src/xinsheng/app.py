"""The FastAPI application: API under /api/v1, the web UI, static files.

Every route goes through ``identity.auth.guard`` (who is calling, 401 without
credentials, CSRF) and declares its permission; pages answer an anonymous browser
with a redirect to the sign-in page instead of a 401.
"""
from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError, ResponseValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from xinsheng import __version__
from xinsheng.config import get_settings
from xinsheng.db import backend_name
from xinsheng.errors import InvalidInput, Unauthorized, XinshengError
from xinsheng.identity.auth import guard, iter_routes, public, require
from xinsheng.migrate import ready_engine
from xinsheng.redaction import field_path, invalid_input_body, redact_access_log

log = logging.getLogger(__name__)
#: responses smaller than this are sent as they are (gzip would save too little)
GZIP_MINIMUM_BYTES = 1024


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _wants_html(request: Request) -> bool:
    return not _is_api(request) and "text/html" in request.headers.get("accept", "")


def _sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = "/signin?next=" + quote(target, safe="")
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid_input",
               429: "too_many_requests"}


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (Starlette's Allow names one route's only)."""
    path = request.url.path
    return sorted({method for method, _, _, route in iter_routes(request.app)
                   if method != "MOUNT" and getattr(route, "path_regex", None) is not None
                   and route.path_regex.match(path)})


def _http_error_body(request: Request, exc: StarletteHTTPException) -> dict:
    """Starlette's and FastAPI's own errors (an unknown address, a method the route does not
    take, ...) in the shape of every other error: ``{"error", "message", "data"}``."""
    status, path, method = exc.status_code, request.url.path, request.method
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"HTTP {status}"
    code = _HTTP_CODES.get(status) or phrase.lower().replace(" ", "_").replace("-", "_")
    data: dict = {"method": method, "path": path}
    if status == 405:
        allowed = _allowed_methods(request)
        data["allowed"] = allowed
        message = f"{method} is not allowed on {path}" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
    elif status == 404 and exc.detail == phrase:
        message = f"no such address: {path}"
    elif isinstance(exc.detail, str):
        message = exc.detail
    else:
        message, data["detail"] = phrase, exc.detail
    return {"error": code, "message": message, "data": data}


def _install_error_handlers(app: FastAPI) -> None:
    from xinsheng.web.templating import render_error

    async def _out_of_range(request: Request, exc: Exception):
        """A number the database cannot hold (an id beyond 64 bits) is bad input, not a 500."""
        # the class only: a database error's text carries the statement's values (personal data)
        log.info("out-of-range value in %s %s (%s)", request.method, request.url.path, type(exc).__name__)
        return await _xinsheng_error(request, InvalidInput("a number in the request is out of range"))

    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError):
        """422 naming each field and its problem, never the value sent (see redaction.py):
        FastAPI's own answer echoes every input, passwords included."""
        body = invalid_input_body(exc.errors())
        if _wants_html(request):
            return render_error(request, 422, body["message"])
        return JSONResponse(body, status_code=422)

    @app.exception_handler(ResponseValidationError)
    async def _invalid_response(request: Request, exc: ResponseValidationError):
        """A bug of ours: logged with the fields only (the values are customers' data)."""
        fields = [field_path(e.get("loc") or ()) for e in exc.errors()[:20]]
        log.error("response of %s %s failed validation at %s", request.method, request.url.path, fields)
        return JSONResponse({"error": "internal_error", "message": "internal error", "data": {}},
                            status_code=500)

    @app.exception_handler(XinshengError)
    async def _xinsheng_error(request: Request, exc: XinshengError):
        if isinstance(exc, Unauthorized):
            if not _is_api(request):
                return _sign_in_redirect(request)
            return JSONResponse(exc.to_dict(), status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if _wants_html(request):
            return render_error(request, exc.status, exc.message, exc)
        return JSONResponse(exc.to_dict(), status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        body = _http_error_body(request, exc)
        if _wants_html(request):
            return render_error(request, exc.status_code, body["message"], exc)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(body["data"]["allowed"])
        return JSONResponse(body, status_code=exc.status_code, headers=headers)


_ERROR = {"application/json": {"schema": {"type": "object", "properties": {
    "error": {"type": "string"}, "message": {"type": "string"}, "data": {"type": "object"}},
    "required": ["error", "message"]}}}


def _openapi(app: FastAPI) -> dict:
    """The API document, with bearer authentication and the 401/403 answers on every operation."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    schema.setdefault("components", {})["securitySchemes"] = {
        "bearerAuth": {"type": "http", "scheme": "bearer",
                       "description": "a token from `xinsheng token create`"}}
    schema["security"] = [{"bearerAuth": []}]
    for path, ops in schema.get("paths", {}).items():
        for op in ops.values():
            if path == "/api/v1/health":
                op["security"] = []
                continue
            if "requestBody" in op:
                op["responses"].setdefault("400", {"description": "the body is not JSON of the right type"})
            op["responses"].setdefault("401", {"description": "no or invalid credentials", "content": _ERROR})
            op["responses"].setdefault("403", {"description": "the role or scope does not allow this",
                                               "content": _ERROR})
    app.openapi_schema = schema
    return schema


def create_app(database_url: str | None = None) -> FastAPI:
    """Build the app on ``database_url`` (default: the configured database).

    Refuses to start without a personal-data key outside demo mode.
    """
    from xinsheng.audit.keys import audit_key
    from xinsheng.privacy.crypto import keyring
    from xinsheng.web.assets import Static, plotly_js as plotly_js_path, static_url
    from xinsheng.web import csp
    from xinsheng.routers import api_routers, page_routers

    keyring()
    audit_key()  # the audit log's HMAC key: refused when missing outside demo mode, like the PII key
    redact_access_log()
    app = FastAPI(title="xinsheng (心声)", version=__version__,
                  description="Voice of the customer for bank contact centres.",
                  dependencies=[Depends(guard)], openapi_url=None, docs_url=None, redoc_url=None)
    app.state.engine = ready_engine(database_url)

    @app.get("/api/v1/health", tags=["health"], dependencies=[public])
    def health() -> dict:
        """Liveness, and which database backs this process (needs no credentials)."""
        return {"status": "ok", "database": backend_name(app.state.engine)}

    @app.get("/openapi.json", include_in_schema=False, dependencies=[require("signed_in")])
    def openapi_document() -> JSONResponse:
        return JSONResponse(_openapi(app))

    @app.get("/docs", include_in_schema=False, dependencies=[require("signed_in")])
    def api_explorer():
        """Swagger UI from the installed fastapi-offline package: works without the internet.
        Its inline start-up script is allowed by hash, the only one (web/csp.py)."""
        page = get_swagger_ui_html(
            openapi_url="/openapi.json", title=f"{app.title} API",
            swagger_js_url=static_url("swagger-ui-bundle.js"),
            swagger_css_url=static_url("swagger-ui.css"),
            swagger_favicon_url=static_url("favicon.svg"))
        page.headers["Content-Security-Policy"] = csp.allowing(page.body.decode("utf-8"))
        return page

    static = Static()

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False, dependencies=[public])
    def plotly_js(request: Request) -> Response:
        """The installed Plotly's bundle, gzip-compressed once, versioned like every static file."""
        return static.serve(plotly_js_path(), request.scope)

    from xinsheng.ivr.shed import InFlightLimit

    # Innermost: the IVR's load shedding counts only requests that reach the routes' work.
    app.add_middleware(InFlightLimit, limit=get_settings().ivr_max_in_flight)
    # Inside the security-headers middleware, so it sees each response's real size.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=6)

    @app.middleware("http")
    async def _security_headers(request: Request, call_next):
        """No framing, no MIME sniffing, no caching of anything but static files; scripts
        from this site only (Content-Security-Policy, web/csp.py)."""
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", csp.POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    for router in api_routers():
        app.include_router(router)
    for router in page_routers():
        app.include_router(router, include_in_schema=False)
    app.mount("/static", static, name="static")
    _install_error_handlers(app)
    from xinsheng.cases.flows import install as install_cases

    install_cases()  # cases on ingest (auto-open, repeat contacts, rules) and the bot's case status
    from xinsheng.ivr.flows import install as install_ivr

    install_ivr()  # callers' IVR behaviour state on ingest
    from xinsheng.profiles.store import install as install_profiles

    install_profiles()  # the living profiles on ingest
    return app
