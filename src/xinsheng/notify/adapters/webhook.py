"""The webhook adapter: an HTTP POST of the message as JSON, signed with HMAC-SHA256.

Headers: ``Content-Type: application/json``, ``X-Xinsheng-Signature: sha256=<hex>`` (HMAC-SHA256
of the exact body bytes with ``XINSHENG_NOTIFY_WEBHOOK_SECRET``), ``Idempotency-Key``
(the same on every attempt). A 2xx answer means sent; 408, 429, 5xx, a timeout
(``XINSHENG_NOTIFY_WEBHOOK_TIMEOUT_SECONDS``) or a connection error is retried; any
other answer (4xx, a redirect) is permanent. Standard library only (urllib).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from xinsheng.config import get_settings
from xinsheng.notify.adapters import OutboundMessage, PermanentError, RetryableError

RETRY_STATUSES = (408, 429)


def sign(secret: bytes, body: bytes) -> str:
    """The ``X-Xinsheng-Signature`` header value of ``body``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None  # a redirect is answered as an HTTPError (3xx): permanent


_OPENER = urllib.request.build_opener(_NoRedirect())


class WebhookAdapter:
    """POSTs each message to ``XINSHENG_NOTIFY_WEBHOOK_URL``."""

    name = "webhook"

    def send(self, message: OutboundMessage) -> None:
        settings = get_settings()
        url, secret = settings.notify_webhook_url, settings.notify_webhook_secret.get_secret_value()
        if not url or urlsplit(url).scheme not in ("http", "https"):
            raise RetryableError("XINSHENG_NOTIFY_WEBHOOK_URL is not an http(s) URL")
        if not secret:  # never send unsigned: the receiver could not trust it
            raise RetryableError("XINSHENG_NOTIFY_WEBHOOK_SECRET is not set")
        body = json.dumps(message.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Xinsheng-Signature": sign(secret.encode("utf-8"), body),
            "Idempotency-Key": message.idempotency_key,
            "User-Agent": "xinsheng-notify",
        })
        try:
            with _OPENER.open(request, timeout=settings.notify_webhook_timeout_seconds) as response:
                response.read(65536)
        except urllib.error.HTTPError as exc:
            exc.close()
            text = f"webhook answered {exc.code}"
            if exc.code >= 500 or exc.code in RETRY_STATUSES:
                raise RetryableError(text) from None
            raise PermanentError(text) from None
        except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RetryableError(f"webhook unreachable: {reason}") from None
