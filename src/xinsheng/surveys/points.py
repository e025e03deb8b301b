"""Incentives: points for an answered invitation, recorded in a ledger on the customer.

A survey definition may carry ``points`` (surveys.yaml, e.g. ``points: 10``). When an
invitation is answered (page, API or file) its customer gets that many points in the
answer's transaction, at most once per invitation: the ledger's ``invitation_id`` is unique
and the row is inserted with ``ON CONFLICT DO NOTHING``, so two submissions racing (which
the single-use claim already stops) or a retried transaction never give points twice.
Answers without an invitation (keypad, app, another tool) earn nothing: nothing proves
which invitation they answered.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinsheng.db import dialect_insert
from xinsheng.surveys.models import SurveyInvitation, SurveyPoints, SurveyResponse


def do_award_points(session: Session, inv: SurveyInvitation, row: SurveyResponse, points: int,
                    *, now: datetime) -> bool:
    """Give ``points`` for answering ``inv``; False when none are due or they were given before."""
    if points <= 0:
        return False
    table = SurveyPoints.__table__
    stmt = dialect_insert(session, table).values(
        customer_id=inv.customer_id, invitation_id=inv.id, response_id=row.id, survey=row.survey,
        points=points, awarded_at=now)
    new = session.execute(stmt.on_conflict_do_nothing(index_elements=[table.c.invitation_id])
                          .returning(table.c.id)).scalar()
    return new is not None


def points_of(session: Session, customer_id: int, *, limit: int = 50) -> dict:
    """``{"balance": int, "entries": int, "items": [{"survey", "points", "awarded_at", "invitation"}]}``,
    newest first."""
    balance, entries = session.execute(select(func.coalesce(func.sum(SurveyPoints.points), 0), func.count())
                                       .where(SurveyPoints.customer_id == customer_id)).one()
    items = session.execute(select(SurveyPoints).where(SurveyPoints.customer_id == customer_id)
                            .order_by(SurveyPoints.awarded_at.desc(), SurveyPoints.id.desc()).limit(limit)).scalars()
    return {"balance": int(balance), "entries": int(entries),
            "items": [{"survey": p.survey, "points": p.points, "awarded_at": p.awarded_at.isoformat(),
                       "invitation": p.invitation_id} for p in items]}
