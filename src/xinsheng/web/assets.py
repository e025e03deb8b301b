"""Static files: URLs that carry their content's hash, cached by browsers for a year, and
gzip done once per file rather than once per request.

``static_url("app.css")`` gives ``/static/app.css?v=<hash>``; an answer to such a URL
whose hash is the file's current one is ``Cache-Control: public, max-age=31536000,
immutable``, so a browser asks again only when the file (and so the URL) changes. Any
other static answer is ``no-cache``: the browser revalidates it (ETag → 304).

Files come from ``web/static``, from the installed Plotly (``vendor/plotly.min.js``) and
from the installed fastapi-offline package (Swagger UI's ``swagger-ui-bundle.js`` and
``swagger-ui.css``), so nothing is fetched from a CDN.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"
YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
#: text formats worth compressing (images and fonts are compressed already)
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".html", ".txt", ".map", ".ico"}
MIN_GZIP_BYTES = 1024


def plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def swagger_dir() -> Path:
    """Swagger UI's files as shipped by the fastapi-offline package."""
    return Path(str(importlib.resources.files("fastapi_offline") / "static"))


def locate(name: str) -> Path:
    """The file behind ``/static/<name>`` (first web/static, then the packages)."""
    if name == "vendor/plotly.min.js":
        return plotly_js()
    for root in (STATIC, swagger_dir()):
        if (root / name).is_file():
            return root / name
    raise FileNotFoundError(f"no static file {name!r}")


@lru_cache(maxsize=128)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]


def digest(path: Path, st: os.stat_result | None = None) -> str:
    """A short hash of the file's content (recomputed only when it changes)."""
    st = st or path.stat()
    return _digest(str(path), st.st_mtime_ns, st.st_size)


def static_url(name: str) -> str:
    """``/static/<name>?v=<content hash>`` (a template global)."""
    return f"/static/{name}?v={digest(locate(name))}"


@lru_cache(maxsize=32)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The file compressed, kept in memory and under ``XINSHENG_HOME/cache/static`` by content
    hash, so neither a later request nor a restarted server compresses it again (Plotly's
    4.8 MB take ≈0.35 s to compress on this machine's cores)."""
    from xinsheng.config import get_settings

    name = f"{Path(path).name}.{_digest(path, mtime_ns, size)}.gz"
    cached = Path(get_settings().home) / "cache" / "static" / name
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
    except OSError:  # a read-only home: compress once per process instead
        pass
    return data


def _versioned(scope: Scope, path: Path, st: os.stat_result) -> bool:
    version = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
    return version == digest(path, st)


def _file_response(static: StaticFiles, path: Path, st: os.stat_result, scope: Scope,
                   status_code: int = 200) -> Response:
    """The file, gzip-compressed (once, then from memory) when the client accepts it;
    cached for a year when the URL carries the current content hash, else revalidated."""
    request_headers = Headers(scope=scope)
    plain = FileResponse(path, status_code=status_code, stat_result=st)
    cache = YEAR if _versioned(scope, path, st) else REVALIDATE
    plain.headers["Cache-Control"] = cache
    compress = (path.suffix in COMPRESSIBLE and st.st_size >= MIN_GZIP_BYTES
                and "gzip" in request_headers.get("accept-encoding", ""))
    if compress:
        plain.headers["Vary"] = "Accept-Encoding"
        plain.headers["ETag"] = plain.headers["etag"].rstrip('"') + '-gz"'
    if static.is_not_modified(plain.headers, request_headers):
        return NotModifiedResponse(plain.headers)
    if not compress:
        return plain
    headers = {k: v for k, v in plain.headers.items() if k not in ("content-length", "content-type")}
    headers["Content-Encoding"] = "gzip"
    return Response(_gzipped(str(path), st.st_mtime_ns, st.st_size), status_code=status_code,
                    headers=headers, media_type=plain.media_type)


class Static(StaticFiles):
    """``/static``: web/static and Swagger UI's files, compressed and versioned."""

    def __init__(self) -> None:
        super().__init__(directory=STATIC, packages=[("fastapi_offline", "static")])

    def file_response(self, full_path, stat_result, scope, status_code=200) -> Response:
        return _file_response(self, Path(full_path), stat_result, scope, status_code)

    def serve(self, path: Path, scope: Scope) -> Response:
        """One file outside the mount (the installed Plotly) answered the same way."""
        return _file_response(self, path, path.stat(), scope)
