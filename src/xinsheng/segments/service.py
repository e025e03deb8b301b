"""Refreshing and listing segments: rule segments and clusters with sizes and experience
figures (complaint rate: share of members with a complaint in 90 days; negative share:
negative contacts among the members' analysed contacts).

A refresh reads the customers a batch at a time, twice: the first pass counts the rule
segments and keeps a bounded uniform sample for k-means; the second assigns every customer
to a cluster and counts the clusters' figures. Memory: one batch, the sample, the sums."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.db import utcnow
from xinsheng.segments.clusters import SAMPLE, Reservoir, Tally, fit_model, matrix
from xinsheng.segments.features import FEATURES, iter_customer_facts
from xinsheng.segments.models import Segment
from xinsheng.segments.rules import active_rules, matches

#: fewer customers than this: no clusters ("not enough data")
MIN_FOR_CLUSTERS = 20
FEATURE_LABELS = {
    "age": ("年龄", "age"), "log_aum": ("资产（对数）", "assets (log)"), "contacts_90d": ("90 天联络次数", "contacts in 90 days"),
    "digital_share": ("线上渠道占比", "digital share"), "negative_share": ("负面情绪占比", "negative share"),
    "complaints_90d": ("90 天投诉次数", "complaints in 90 days"),
}


class Figures:
    """Running experience figures of a segment's members."""

    def __init__(self):
        self.size = self.complained = self.negative = self.analysed = 0

    def add(self, r: dict) -> None:
        self.size += 1
        self.complained += r["complaints_90d"] > 0
        self.negative += r["negative"]
        self.analysed += r["analysed"]

    def result(self) -> dict:
        return {"size": self.size, "complaint_rate": self.complained / self.size if self.size else None,
                "negative_share": self.negative / self.analysed if self.analysed else None}


def experience(rows: list[dict]) -> dict:
    figures = Figures()
    for r in rows:
        figures.add(r)
    return figures.result()


def _cluster_label(explanation: list[dict]) -> dict[str, str]:
    if not explanation:
        return {"zh": "普通客户", "en": "Typical customers"}
    zh = "，".join(f"{FEATURE_LABELS[e['feature']][0]}{'偏高' if e['direction'] == 'higher' else '偏低'}"
                  for e in explanation[:2])
    en = ", ".join(f"{e['direction']} {FEATURE_LABELS[e['feature']][1]}" for e in explanation[:2])
    return {"zh": zh, "en": en}


def _save(session: Session, code: str, kind: str, label: dict, figures: dict, now: datetime,
          centroid=None, extra=None) -> None:
    seg = session.get(Segment, code) or Segment(code=code, kind=kind)
    session.add(seg)
    seg.label, seg.size, seg.centroid, seg.active, seg.refreshed_at = label, figures["size"], centroid, True, now
    seg.details = {**figures, **(extra or {})}


def _first_pass(session: Session, now: datetime, rules, seed: int) -> tuple[dict[str, Figures], Reservoir]:
    counts, sample = {rule.code: Figures() for rule in rules}, Reservoir(SAMPLE, seed)
    for batch in iter_customer_facts(session, now):
        for r in batch:
            for rule in rules:
                if matches(rule, r):
                    counts[rule.code].add(r)
            sample.add({f: r[f] for f in FEATURES})
    return counts, sample


def _clusters(session: Session, now: datetime, sample: Reservoir, k: int, previous: dict, seed: int) -> None:
    x = matrix(sample.rows)
    model = fit_model(x, k, previous, seed)
    figures, tally = [Figures() for _ in model.codes], Tally(len(model.codes))
    for batch in iter_customer_facts(session, now):
        xb = matrix(batch, model.fill)
        labels = model.assign(xb)
        tally.add(xb, labels)
        for r, c in zip(batch, labels):
            figures[c].add(r)
    for c, code in enumerate(model.codes):
        explanation = tally.explain(c)
        _save(session, code, "cluster", _cluster_label(explanation), figures[c].result(), now,
              centroid=model.centroid(c), extra={"explanation": explanation})


def refresh(session: Session, *, k: int = 5, now: datetime | None = None, seed: int = 0) -> list[Segment]:
    """Recompute every segment; clusters keep their ids when they are found again."""
    now = now or utcnow()
    rules = active_rules()
    counts, sample = _first_pass(session, now, rules, seed)
    for rule in rules:
        _save(session, rule.code, "rule", rule.label, counts[rule.code].result(), now)
    old = {s.code: s for s in session.scalars(select(Segment).where(Segment.kind == "cluster"))}
    previous = {c: s.centroid for c, s in old.items() if isinstance(s.centroid, dict)}
    for s in old.values():
        s.active = False
    if sample.seen >= MIN_FOR_CLUSTERS:
        _clusters(session, now, sample, k, previous, seed)
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
