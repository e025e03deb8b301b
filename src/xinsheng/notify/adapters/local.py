"""Adapters that need nothing outside the machine: a JSON-lines file and the log.

The file adapter is the default, so a fresh install keeps every notification it would
have sent in ``XINSHENG_HOME/notify/outbox.jsonl`` (one JSON object a line) until the
bank configures a webhook or its own adapters.
"""
from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from xinsheng.config import get_settings
from xinsheng.notify.adapters import OutboundMessage, RetryableError

log = logging.getLogger(__name__)


def outbox_file() -> Path:
    return Path(get_settings().home) / "notify" / "outbox.jsonl"


class FileAdapter:
    """Appends one JSON line per message to ``XINSHENG_HOME/notify/outbox.jsonl``."""

    name = "file"

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def send(self, message: OutboundMessage) -> None:
        path = outbox_file()
        line = json.dumps(message.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, path.open("a", encoding="utf-8") as fh:
                fh.write(line)
        except OSError as exc:
            raise RetryableError(f"cannot write {path}: {exc.strerror or exc}") from None


class LogAdapter:
    """Writes each message to the log (logger ``xinsheng.notify``) at INFO."""

    name = "log"

    def send(self, message: OutboundMessage) -> None:
        logging.getLogger("xinsheng.notify").info(
            "notification %s to %s by %s: %s", message.idempotency_key, message.customer_ref,
            message.channel, message.body)
