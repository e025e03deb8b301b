"""Refreshing and listing segments: rule segments and clusters with sizes and experience
figures (complaint rate: share of members with a complaint in 90 days; negative share:
negative contacts among the members' analysed contacts)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.db import utcnow
from xinsheng.segments.clusters import fit_clusters
from xinsheng.segments.features import customer_facts
from xinsheng.segments.models import Segment
from xinsheng.segments.rules import active_rules, matches

#: fewer customers than this: no clusters ("not enough data")
MIN_FOR_CLUSTERS = 20
FEATURE_LABELS = {
    "age": ("年龄", "age"), "log_aum": ("资产（对数）", "assets (log)"), "contacts_90d": ("90 天联络次数", "contacts in 90 days"),
    "digital_share": ("线上渠道占比", "digital share"), "negative_share": ("负面情绪占比", "negative share"),
    "complaints_90d": ("90 天投诉次数", "complaints in 90 days"),
}


def experience(rows: list[dict]) -> dict:
    n = len(rows)
    analysed = sum(r["analysed"] for r in rows)
    return {"size": n,
            "complaint_rate": sum(1 for r in rows if r["complaints_90d"] > 0) / n if n else None,
            "negative_share": sum(r["negative"] for r in rows) / analysed if analysed else None}


def _cluster_label(explanation: list[dict]) -> dict[str, str]:
    if not explanation:
        return {"zh": "普通客户", "en": "Typical customers"}
    zh = "，".join(f"{FEATURE_LABELS[e['feature']][0]}{'偏高' if e['direction'] == 'higher' else '偏低'}"
                  for e in explanation[:2])
    en = ", ".join(f"{e['direction']} {FEATURE_LABELS[e['feature']][1]}" for e in explanation[:2])
    return {"zh": zh, "en": en}


def _save(session: Session, code: str, kind: str, label: dict, members: list[dict], now: datetime,
          centroid=None, extra=None) -> None:
    seg = session.get(Segment, code) or Segment(code=code, kind=kind)
    session.add(seg)
    figures = experience(members)
    seg.label, seg.size, seg.centroid, seg.active, seg.refreshed_at = label, figures["size"], centroid, True, now
    seg.details = {**figures, **(extra or {})}


def refresh(session: Session, *, k: int = 5, now: datetime | None = None, seed: int = 0) -> list[Segment]:
    """Recompute every segment; clusters keep their ids when they are found again."""
    now = now or utcnow()
    rows = customer_facts(session, now)
    by_id = {r["id"]: r for r in rows}
    for rule in active_rules():
        _save(session, rule.code, "rule", rule.label, [r for r in rows if matches(rule, r)], now)
    old = {s.code: s for s in session.scalars(select(Segment).where(Segment.kind == "cluster"))}
    previous = {c: s.centroid for c, s in old.items() if isinstance(s.centroid, dict)}
    for s in old.values():
        s.active = False
    if len(rows) >= MIN_FOR_CLUSTERS:
        for cl in fit_clusters(rows, k, previous, seed=seed):
            _save(session, cl.code, "cluster", _cluster_label(cl.explanation), [by_id[i] for i in cl.members], now,
                  centroid=cl.centroid, extra={"explanation": cl.explanation})
    session.flush()
    return list_segments(session)


def list_segments(session: Session, include_retired: bool = False) -> list[Segment]:
    q = select(Segment).order_by(Segment.kind.desc(), Segment.code)
    if not include_retired:
        q = q.where(Segment.active.is_(True))
    return list(session.scalars(q))


def as_dict(s: Segment) -> dict:
    d = s.details or {}
    return {"code": s.code, "kind": s.kind, "label": s.label, "size": s.size,
            "complaint_rate": d.get("complaint_rate"), "negative_share": d.get("negative_share"),
            "explanation": d.get("explanation", []), "refreshed_at": s.refreshed_at.isoformat()}
