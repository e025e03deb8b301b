"""Invitations on a schedule: the background worker (``xinsheng worker``, or the thread of
``xinsheng serve``) runs :func:`invite_step` after each sweep of the case clocks, every
``XINSHENG_WORKER_SWEEP_SECONDS`` (registered when ``xinsheng.surveys`` is imported).

One step is ``invite.run_invitations`` over the contacts and closed cases of the last
``max_delay_hours``, in one transaction: a step that fails or is killed half-way stores
nothing (its invitations and their outbox messages roll back together) and the next step
invites those events; an event already invited is never looked at again (``source_key`` is
unique), so a restart sends nobody a second invitation. On PostgreSQL a transaction-scoped
advisory lock lets one worker run the step at a time; the others skip that round.
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine

from xinsheng.db import session_scope

log = logging.getLogger(__name__)

#: advisory-lock key of "the invitation step" ("SV" + 1)
LOCK_KEY = (0x5356 << 16) | 1


def invite_step(engine: Engine, now: datetime) -> Counter | None:
    """Invite after the recent events not yet invited; how many of each decision, or None
    when another worker holds the step."""
    from xinsheng.surveys.invite import run_invitations

    with session_scope(engine) as session:
        if session.get_bind().dialect.name == "postgresql" and not session.scalar(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}):
            return None
        reasons, invited = run_invitations(session, now=now)
    if invited:
        log.info("surveys: %d invited (%s)", len(invited), dict(reasons))
    return reasons
