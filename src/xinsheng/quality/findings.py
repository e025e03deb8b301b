"""A finding: one rule's verdict on one call, with the quoted evidence and its time."""
from __future__ import annotations

from dataclasses import dataclass

from xinsheng.quality.concepts import Located
from xinsheng.quality.rules import Rule

__all__ = ["Finding", "passed_at", "failed_at", "not_needed", "EVIDENCE_CHARS"]

EVIDENCE_CHARS = 60


@dataclass
class Finding:
    rule: str
    kind: str
    passed: bool
    evidence: str | None = None
    start: float | None = None
    speaker: str | None = None
    note: str | None = None  # a code, or "code:value": missing, said, before_check, not_needed,
    # upset_no_empathy, fast:<characters a second>, jargon:<terms>, calm_pace, talk_over:<times>, silence:<seconds>

    def to_dict(self) -> dict:
        """The contract's keys (``rule``, ``passed``, ``evidence``, ``start``) and a few more."""
        return {"rule": self.rule, "passed": self.passed, "evidence": self.evidence, "start": self.start,
                "kind": self.kind, "speaker": self.speaker, "note": self.note}


def _quote(text: str) -> str:
    return text if len(text) <= EVIDENCE_CHARS else text[:EVIDENCE_CHARS] + "…"


def passed_at(rule: Rule, where: Located | None, note: str | None = None) -> Finding:
    if where is None:
        return Finding(rule.code, rule.kind, True, note=note)
    return Finding(rule.code, rule.kind, True, _quote(where.hit.text), where.time, where.turn.speaker, note)


def failed_at(rule: Rule, where: Located | None, note: str | None = None) -> Finding:
    if where is None:
        return Finding(rule.code, rule.kind, False, note=note)
    return Finding(rule.code, rule.kind, False, _quote(where.hit.text), where.time, where.turn.speaker, note)


def not_needed(rule: Rule) -> Finding:
    return Finding(rule.code, rule.kind, True, note="not_needed")
