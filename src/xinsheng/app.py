"""The FastAPI application: API under /api/v1, the web UI, static files."""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from xinsheng import __version__
from xinsheng.db import backend_name
from xinsheng.errors import XinshengError
from xinsheng.migrate import ready_engine

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "web" / "static"


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _install_error_handlers(app: FastAPI) -> None:
    from xinsheng.web.templating import render_error

    @app.exception_handler(XinshengError)
    async def _xinsheng_error(request: Request, exc: XinshengError):
        if _wants_html(request):
            return render_error(request, exc.status, exc.message)
        return JSONResponse(exc.to_dict(), status_code=exc.status)


def create_app(database_url: str | None = None) -> FastAPI:
    """Build the app on ``database_url`` (default: the configured database)."""
    from xinsheng.api import api_router
    from xinsheng.web.pages import router as pages_router

    app = FastAPI(title="xinsheng (心声)", version=__version__,
                  description="Voice of the customer for bank contact centres.")
    app.state.engine = ready_engine(database_url)

    @app.get("/api/v1/health", tags=["health"])
    def health() -> dict:
        """Liveness, and which database backs this process."""
        return {"status": "ok", "database": backend_name(app.state.engine)}

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(_plotly_js(), media_type="text/javascript")

    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_error_handlers(app)
    return app
