"""What the sweep's phases share (``sweep`` and ``sweep_items``): the cases table, the report,
claiming due rows in one statement, writing system events."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from xinsheng.cases.models import Case, CaseEvent

C: Table = Case.__table__  # type: ignore[assignment]
SYSTEM = "system"
BATCH = 1000


@dataclass
class SweepReport:
    checked: int = 0  # open cases whose clocks were compared with now
    warned: int = 0
    breached: int = 0
    escalated: int = 0  # new firings recorded (sla_breach)
    queued_notifications: int = 0  # progress messages and "escalated" messages stored
    ack_breached: int = 0
    progress: int = 0

    def add(self, other: SweepReport) -> None:
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)

    def to_dict(self) -> dict[str, int]:
        """The CONTRACT's JSON (``xinsheng cases sweep --json``)."""
        return {k: getattr(self, k) for k in ("checked", "warned", "breached", "escalated", "queued_notifications")}


# -- claiming ---------------------------------------------------------------------------------
def claim(session: Session, where: list, order: list, batch: int, values: dict[str, Any],
           returning: list) -> list:
    """Claim up to ``batch`` rows matching ``where`` and change them, in one statement."""
    pick = select(C.c.id).where(*where).order_by(*order).limit(batch)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = update(C).where(C.c.id.in_(pick), *where).values(**values).returning(*returning)
    return session.execute(stmt.execution_options(synchronize_session=False)).all()


def write_events(session: Session, rows: list[tuple[int, str, dict]], now: datetime) -> None:
    """One multi-row INSERT of system events (no free text, nothing to mask)."""
    if rows:
        session.execute(insert(CaseEvent.__table__), [
            {"case_id": cid, "at": now, "actor": SYSTEM, "action": action, "text": None, "detail": detail}
            for cid, action, detail in rows])
