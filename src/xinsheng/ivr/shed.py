"""Load shedding for the IVR API: more requests in flight than the server can answer in
time get 429 at once instead of waiting in a queue.

An IVR platform that sends far more than one process can serve would otherwise fill the
worker threads and every caller would wait; with a limit, the requests within it keep
their latency and the rest are told to retry (``Retry-After: 1``), which the platform
can answer with its own static menu. The limit is ``XINSHENG_IVR_MAX_IN_FLIGHT`` per
server process (0: no limit); refusals are counted in ``shed``.
"""
from __future__ import annotations

import json

PREFIX = "/api/v1/ivr/"
_BODY = json.dumps({
    "error": "too_many_requests",
    "message": "too many IVR requests in flight on this server; retry, or play the static menu",
    "data": {"retry_after_seconds": 1},
}).encode()


class InFlightLimit:
    """ASGI middleware: at most ``limit`` requests under ``/api/v1/ivr/`` at once."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0
        self.shed = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or self.limit <= 0 or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            self.shed += 1
            await _refuse(send)
            return
        self.in_flight += 1  # one event loop: no lock needed between the check and the count
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


async def _refuse(send) -> None:
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"retry-after", b"1"),
        (b"content-length", str(len(_BODY)).encode()), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": _BODY})
