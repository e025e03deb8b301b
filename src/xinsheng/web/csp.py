"""The Content-Security-Policy of every answer: scripts from this site only.

No page has an inline script or an inline event handler (``onclick=``): scripts are
static files (charts: the figure's JSON in a ``data-figure`` attribute, drawn by
``static/charts.js``), so ``script-src 'self'`` holds and an injected ``<script>`` in any
text shown on a page does not run. Styles may be inline (``style-src 'unsafe-inline'``):
Plotly and htmx set styles from script. The one page whose HTML is not ours, the Swagger
UI at ``/docs``, gets its own inline start-up script allowed by hash (:func:`allowing`).
A test renders every template and fails on an inline script or handler.
"""
from __future__ import annotations

import base64
import hashlib
import re

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def policy(extra_scripts: tuple[str, ...] = ()) -> str:
    """The header value; ``extra_scripts`` are ``'sha256-…'`` sources added to script-src."""
    directives = dict(DIRECTIVES)
    if extra_scripts:
        directives["script-src"] += " " + " ".join(extra_scripts)
    return "; ".join(f"{k} {v}" for k, v in directives.items())


POLICY = policy()


def inline_script_hashes(html: str) -> tuple[str, ...]:
    """``'sha256-…'`` of each inline script of ``html`` (what a browser compares)."""
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )


def allowing(html: str) -> str:
    """The policy for a page we did not write (Swagger UI): its own inline scripts, by hash."""
    return policy(inline_script_hashes(html))
