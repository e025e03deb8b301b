"""Sign-in attempts per client address, besides the per-account lock-out.

The lock-out stops guessing one account's password; an attacker who tries one password
against many accounts (password spraying) never trips it. So an address with
``XINSHENG_LOGIN_IP_MAX_FAILURES`` failed sign-ins within ``XINSHENG_LOGIN_IP_WINDOW_MINUTES``
must wait (429, ``Retry-After``) until the oldest of them leaves the window. The failures
are read from the audit log (``auth.signin_failed`` with the address), which every server
process shares, so the limit holds across processes and restarts.
"""
from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.engine import Engine

from xinsheng.audit.service import action_times
from xinsheng.config import get_settings
from xinsheng.db import session_scope, utcnow

FAILED = "auth.signin_failed"


def signin_wait(engine: Engine, ip: str | None) -> int:
    """Seconds ``ip`` must wait before its next sign-in attempt (0: it may try now)."""
    if not ip:
        return 0
    s, now = get_settings(), utcnow()
    window = timedelta(minutes=s.login_ip_window_minutes)
    with session_scope(engine) as session:
        times = action_times(session, action=FAILED, ip=ip, since=now - window)
    over = len(times) - s.login_ip_max_failures
    if over < 0:
        return 0
    release = times[over] + window  # when enough failures have left the window
    return max(1, math.ceil((release - now).total_seconds()))
