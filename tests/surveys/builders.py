"""Builders for survey tests: a configuration without quiet hours that surveys every phone
contact, and invitations made by the real selection run."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from xinsheng.db import session_scope
from xinsheng.surveys.definitions import parse_config

CONFIG = parse_config("""
surveys:
  nps: {metric: nps, question: {zh: 推荐吗, en: Recommend}, low: {zh: 不会, en: unlikely}, high: {zh: 会, en: likely},
        open_question: {zh: 原因, en: Why}}
  csat: {metric: csat, question: {zh: 满意吗, en: Satisfied}, low: {zh: 低, en: low}, high: {zh: 高, en: high}}
  ces: {metric: ces, question: {zh: 费力吗, en: Effort}, low: {zh: 低, en: low}, high: {zh: 高, en: high}}
triggers:
  - {code: closed, after: case_closed, survey: csat, sampling: 1.0}
  - {code: calls, after: contact, channels: [phone], survey: nps, sampling: 1.0}
fatigue: {days_between: 30, quiet_hours: "", expires_days: 7, max_delay_hours: 48}
""")


def invite_all(engine, now: datetime | None = None):
    """Run the selection as of ``now``; returns [(invitation id, token)] of those invited."""
    from xinsheng.surveys.invite import run_invitations

    now = now or datetime.now(timezone.utc)
    with session_scope(engine) as s:
        _, invited = run_invitations(s, now=now, config=CONFIG)
        s.flush()
        return [(i.invitation.id, i.token) for i in invited]


def rows(engine, model, **where):
    with session_scope(engine) as s:
        stmt = select(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        found = list(s.scalars(stmt))
        s.expunge_all()
        return found


def fields(res) -> set[str]:
    """The fields a 422/404/409 answer names."""
    data = res.json().get("data", {})
    return {e["field"].removeprefix("body.") for e in data.get("errors", [])} | ({data["field"]} if "field" in data else set())
