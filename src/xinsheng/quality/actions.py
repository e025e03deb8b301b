"""Writes: checking stored phone calls that carry a transcript, and supervisors' verdicts.

A call's turns come from its ``attributes["turns"]`` (a transcript made elsewhere and ingested)
or from the ``speech_transcripts`` table that ``xinsheng speech`` fills (read with SQL: the
speech package is a sibling, not imported). Turns are masked before they are checked or kept.
"""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from typing import Callable

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from xinsheng.errors import InvalidInput, NotFound
from xinsheng.interactions.models import Interaction
from xinsheng.quality.engine import check
from xinsheng.quality.models import QaCheck, QaFinding, QaReview
from xinsheng.quality.rules import RuleSet, default_rules
from xinsheng.quality.transcript import TranscriptError, parse_turns_objects
from xinsheng.voc.masking import mask_pii

log = logging.getLogger(__name__)

__all__ = ["do_check_calls", "do_review", "drawn_for_sample", "VERDICTS"]

VERDICTS = ("confirm", "overturn")
BATCH = 200


def drawn_for_sample(interaction_id: int, share: float) -> bool:
    """A stable draw: the same call is in (or out of) the random sample on every run."""
    if share <= 0:
        return False
    digest = hashlib.sha256(f"qa-sample:{interaction_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _speech_turns(session: Session, ids: list[int]) -> dict[int, list]:
    bind = session.get_bind()
    insp = inspect(bind)
    if not ids or not insp.has_table("speech_transcripts"):
        return {}
    cols = {c["name"] for c in insp.get_columns("speech_transcripts")}
    if not {"interaction_id", "turns"} <= cols:
        return {}
    rows = session.execute(text("SELECT interaction_id, turns FROM speech_transcripts WHERE interaction_id IN "
                                f"({', '.join(str(int(i)) for i in ids)})")).all()
    out = {}
    for iid, turns in rows:
        if isinstance(turns, str):
            turns = json.loads(turns)
        out[int(iid)] = turns
    return out


def _masked(turns: list[dict]) -> list[dict]:
    return [{**t, "text": mask_pii(str(t.get("text") or "")).text} for t in turns]


def _store(session: Session, inter: Interaction, turns, doc: dict, rules: RuleSet) -> QaCheck:
    failed = any(not f["passed"] and f["kind"] == "mandatory" for f in doc["findings"])
    sampled = not failed and drawn_for_sample(inter.id, rules.review_sample)
    qc = QaCheck(interaction_id=inter.id, agent_ref=inter.agent_ref, team=(inter.attributes or {}).get("team"),
                 call_started_at=inter.started_at, score=doc["score"], failed_mandatory=failed, sampled=sampled,
                 needs_review=failed or sampled, turns=[t.to_dict() for t in turns], rules_version=rules.version)
    session.add(qc)
    session.flush()
    session.add_all(QaFinding(check_id=qc.id, rule=f["rule"], kind=f["kind"], passed=f["passed"],
                              evidence=f["evidence"], start_s=f["start"], note=(f.get("note") or None))
                    for f in doc["findings"])
    return qc


def _candidates(session: Session, since: datetime | None, after_id: int) -> list[Interaction]:
    stmt = (select(Interaction).outerjoin(QaCheck, QaCheck.interaction_id == Interaction.id)
            .where(Interaction.channel == "phone", QaCheck.id.is_(None), Interaction.id > after_id)
            .order_by(Interaction.id).limit(BATCH))
    if since is not None:
        stmt = stmt.where(Interaction.started_at >= since)
    return list(session.scalars(stmt))


def do_check_calls(session: Session, since: datetime | None = None, rules: RuleSet | None = None,
                   progress: Callable[[int], None] | None = None) -> dict:
    """Checks every phone call with a transcript not checked before; commits batch by batch.
    Answers ``{"checked", "failed_mandatory", "sampled", "without_transcript", "unreadable"}``."""
    rules = rules or default_rules()
    report = {"checked": 0, "failed_mandatory": 0, "sampled": 0, "without_transcript": 0, "unreadable": 0}
    after = 0
    while batch := _candidates(session, since, after):
        after = batch[-1].id
        from_speech = _speech_turns(session, [i.id for i in batch])
        for inter in batch:
            raw = from_speech.get(inter.id) or (inter.attributes or {}).get("turns")
            if not raw:
                report["without_transcript"] += 1
                continue
            try:
                turns = parse_turns_objects(_masked(raw), f"interaction {inter.external_id}")
            except (TranscriptError, AttributeError, TypeError) as exc:
                log.warning("%s", exc)
                report["unreadable"] += 1
                continue
            qc = _store(session, inter, turns, check(turns, rules), rules)
            report["checked"] += 1
            report["failed_mandatory"] += qc.failed_mandatory
            report["sampled"] += qc.sampled
        session.commit()
        if progress:
            progress(len(batch))
    return report


def do_review(session: Session, finding_id: int, verdict: str, reason: str | None, reviewer: str) -> QaReview:
    """A supervisor's verdict on one finding; an overturn needs a reason. A second verdict replaces
    the first."""
    finding = session.get(QaFinding, finding_id)
    if finding is None:
        raise NotFound(f"no finding {finding_id}", key="qa_no_finding")
    if verdict not in VERDICTS:
        raise InvalidInput("verdict must be confirm or overturn", data={"field": "verdict"}, key="qa_bad_verdict")
    reason = (reason or "").strip() or None
    if verdict == "overturn" and not reason:
        raise InvalidInput("an overturn needs a reason", data={"field": "reason"}, key="qa_reason_required")
    review = session.scalar(select(QaReview).where(QaReview.finding_id == finding_id))
    if review is None:
        review = QaReview(finding_id=finding_id, rule=finding.rule, verdict=verdict, reason=reason, reviewer=reviewer)
        session.add(review)
    else:
        review.verdict, review.reason, review.reviewer = verdict, reason, reviewer
    session.flush()
    return review

