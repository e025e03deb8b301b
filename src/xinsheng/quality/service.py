"""Reads: the review queue, one checked call, per-agent and per-team figures, the calibration
of each rule against supervisors' verdicts."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from xinsheng.errors import NotFound
from xinsheng.interactions.models import Interaction
from xinsheng.quality.models import QaCheck, QaFinding, QaReview

__all__ = ["CallView", "list_queue", "get_call", "agent_figures", "weekly_scores", "calibration", "week_of"]


@dataclass
class CallView:
    check: QaCheck
    external_id: str
    findings: list[QaFinding]
    reviews: dict[int, QaReview]  # finding id → verdict


def list_queue(session: Session, limit: int = 50, agent: str | None = None, pending_only: bool = True) -> list[dict]:
    """Calls awaiting review, newest first: each with its failed rules and how many were reviewed."""
    failed = (select(QaFinding.check_id, func.count().label("failed"))
              .where(QaFinding.passed.is_(False)).group_by(QaFinding.check_id).subquery())
    reviewed = (select(QaFinding.check_id, func.count(QaReview.id).label("reviewed"))
                .join(QaReview, QaReview.finding_id == QaFinding.id).group_by(QaFinding.check_id).subquery())
    stmt = (select(QaCheck, Interaction.external_id, func.coalesce(failed.c.failed, 0),
                   func.coalesce(reviewed.c.reviewed, 0))
            .join(Interaction, Interaction.id == QaCheck.interaction_id)
            .outerjoin(failed, failed.c.check_id == QaCheck.id).outerjoin(reviewed, reviewed.c.check_id == QaCheck.id)
            .where(QaCheck.needs_review.is_(True)).order_by(QaCheck.call_started_at.desc(), QaCheck.id.desc()))
    if agent:
        stmt = stmt.where(QaCheck.agent_ref == agent)
    if pending_only:
        n_failed = func.coalesce(failed.c.failed, 0)
        # a call is done when each failed finding has a verdict (a sampled call: one verdict)
        stmt = stmt.where(func.coalesce(reviewed.c.reviewed, 0) < case((n_failed > 1, n_failed), else_=1))
    rows = session.execute(stmt.limit(limit)).all()
    rules = _failed_rules(session, [c.id for c, *_ in rows])
    return [{"check": c, "external_id": ext, "failed": n_failed, "reviewed": n_rev, "rules": rules.get(c.id, [])}
            for c, ext, n_failed, n_rev in rows]


def _failed_rules(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if ids:
        for cid, rule in session.execute(select(QaFinding.check_id, QaFinding.rule)
                                         .where(QaFinding.check_id.in_(ids), QaFinding.passed.is_(False))
                                         .order_by(QaFinding.id)):
            out[cid].append(rule)
    return out


def get_call(session: Session, check_id: int) -> CallView:
    row = session.execute(select(QaCheck, Interaction.external_id)
                          .join(Interaction, Interaction.id == QaCheck.interaction_id)
                          .where(QaCheck.id == check_id)).first()
    if row is None:
        raise NotFound(f"no checked call {check_id}", key="qa_no_call")
    findings = list(session.scalars(select(QaFinding).where(QaFinding.check_id == check_id).order_by(QaFinding.id)))
    reviews = {r.finding_id: r for r in session.scalars(
        select(QaReview).where(QaReview.finding_id.in_([f.id for f in findings])))} if findings else {}
    return CallView(row[0], row[1], findings, reviews)


def _scores(session: Session, since: datetime) -> list[tuple[datetime, str | None, str | None, float, bool]]:
    return [tuple(r) for r in session.execute(
        select(QaCheck.call_started_at, QaCheck.agent_ref, QaCheck.team, QaCheck.score, QaCheck.failed_mandatory)
        .where(QaCheck.call_started_at >= since))]


def agent_figures(session: Session, since: datetime) -> list[dict]:
    """Per agent: calls, mean score, share of calls with a failed mandatory rule; lowest mean first."""
    acc: dict[str, list] = defaultdict(list)
    teams: dict[str, str | None] = {}
    for _, agent, team, score, failed in _scores(session, since):
        key = agent or "—"
        acc[key].append((score, failed))
        teams[key] = team
    out = [{"agent": a, "team": teams[a], "calls": len(v), "mean_score": round(sum(s for s, _ in v) / len(v), 1),
            "failed_share": round(sum(1 for _, f in v if f) / len(v), 3)} for a, v in acc.items()]
    return sorted(out, key=lambda r: (r["mean_score"], r["agent"]))


def week_of(at: datetime) -> str:
    """The Monday (ISO date) of ``at``'s week."""
    return (at.date() - timedelta(days=at.weekday())).isoformat()


def weekly_scores(session: Session, since: datetime, by: str = "team") -> dict[str, list[tuple[str, float, int]]]:
    """Mean score per week for each team (or agent): name → [(week's Monday, mean, calls)]."""
    acc: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for at, agent, team, score, _ in _scores(session, since):
        acc[(team if by == "team" else agent) or "—"][week_of(at)].append(score)
    return {name: [(w, round(sum(v) / len(v), 1), len(v)) for w, v in sorted(weeks.items())]
            for name, weeks in sorted(acc.items())}


def calibration(session: Session) -> list[dict]:
    """Per rule: calls checked, failed; of the failures supervisors reviewed, how many they
    overturned (false alarms) and the overturn rate; and passes they overturned (misses)."""
    checked = dict(session.execute(select(QaFinding.rule, func.count()).group_by(QaFinding.rule)).all())
    failed = dict(session.execute(select(QaFinding.rule, func.count()).where(QaFinding.passed.is_(False))
                                  .group_by(QaFinding.rule)).all())
    counts: dict[tuple[str, bool, str], int] = {}
    for rule, passed, verdict, n in session.execute(
            select(QaFinding.rule, QaFinding.passed, QaReview.verdict, func.count())
            .join(QaReview, QaReview.finding_id == QaFinding.id)
            .group_by(QaFinding.rule, QaFinding.passed, QaReview.verdict)):
        counts[(rule, bool(passed), verdict)] = n
    out = []
    for rule in sorted(checked):
        confirmed, overturned = counts.get((rule, False, "confirm"), 0), counts.get((rule, False, "overturn"), 0)
        reviewed = confirmed + overturned
        out.append({"rule": rule, "checked": checked[rule], "failed": failed.get(rule, 0), "reviewed": reviewed,
                    "confirmed": confirmed, "overturned": overturned,
                    "overturn_rate": round(overturned / reviewed, 3) if reviewed else None,
                    "passes_reviewed": counts.get((rule, True, "confirm"), 0) + counts.get((rule, True, "overturn"), 0),
                    "misses": counts.get((rule, True, "overturn"), 0)})
    return out
