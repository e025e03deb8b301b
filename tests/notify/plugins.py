"""A plug-in adapter, loaded by dotted path as a bank's would be."""
from __future__ import annotations

import threading

from xinsheng.notify.adapters import OutboundMessage, PermanentError

SENT: list[OutboundMessage] = []
_LOCK = threading.Lock()


class MemoryAdapter:
    name = "memory"

    def send(self, message: OutboundMessage) -> None:
        if "refuse" in message.idempotency_key:
            raise PermanentError("number barred")
        if "boom" in message.idempotency_key:
            raise RuntimeError("plug-in bug")
        with _LOCK:
            SENT.append(message)
