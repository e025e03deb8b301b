"""Bearer tokens remembered for a database outage.

A token is checked against the database on every request, so a revoked, expired or
disabled one is refused at once. When the database cannot be reached at all, a token
that this process verified within ``token_outage_grace_minutes`` is still accepted, so
the routes that can answer without the database (the IVR's static menu and its general
queue) keep answering. Nothing else is trusted from memory: as soon as the database
answers again, every request is checked there.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

from xinsheng.identity.principal import Principal

MAX_REMEMBERED = 10_000


class RememberedTokens:
    """token digest → (principal, monotonic time verified); the oldest forgotten first."""

    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self._seen: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def verified(self, key: str, principal: Principal) -> None:
        with self._lock:
            self._seen[key] = (principal, time.monotonic())
            self._seen.move_to_end(key)
            while len(self._seen) > self._limit:
                self._seen.popitem(last=False)

    def during_outage(self, key: str, grace_seconds: float) -> Principal | None:
        """The principal verified within ``grace_seconds``, else None."""
        with self._lock:
            entry = self._seen.get(key)
        if entry is None or grace_seconds <= 0 or time.monotonic() - entry[1] > grace_seconds:
            return None
        return entry[0]

    def forget(self, key: str | None = None) -> None:
        """One token (revoked here), or all of them (a user disabled, a test)."""
        with self._lock:
            if key is None:
                self._seen.clear()
            else:
                self._seen.pop(key, None)


REMEMBERED = RememberedTokens()
