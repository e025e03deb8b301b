"""What the cases pages show of a case: the queue row (time left in working time, SLA badge,
escalation markers) and which action forms the viewer gets.

``allowed_actions`` only decides which forms to *show*; ``cases.actions`` decides what is
allowed (authority, 回避, state) and a refused action is explained beside its form.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from xinsheng.cases.models import OPEN_STATUSES
from xinsheng.identity.principal import Principal

_SEVERITY = {"on_track": 0, "warning": 1, "breached": 2}


@dataclass
class Row:
    case_ref: str
    title: str
    customer_ref: str | None
    kind: str
    status: str
    tier: int
    level: int
    topic: str | None
    owner: str | None
    sla_state: str
    left: str = ""
    overdue: bool = False
    ack_left: str = ""
    repeats: int = 0
    rules: list[str] = field(default_factory=list)
    risk: float = 0.0
    due_at: datetime | None = None
    ack_overdue: bool = False


OVERDUE = {"zh": "已超时", "en": "overdue"}


def _left(cal, now: datetime, until: datetime | None, lang: str) -> tuple[str, bool]:
    """Working time left until ``until`` as words, and whether it has passed. Past due by less
    than a working minute (e.g. at night) reads just "overdue"."""
    if until is None:
        return "", False
    seconds = cal.working_seconds_between(now, until)
    overdue = until <= now
    if overdue and seconds > -60:
        return OVERDUE.get(lang, OVERDUE["en"]), True
    return cal.format_working_left(seconds, lang), overdue


def row_view(c, cal, now: datetime, lang: str) -> Row:
    """A ``CaseRead`` as a queue row; the SLA state is the stored one, raised to ``breached``
    once the decision deadline has passed (before the sweep has marked it)."""
    is_open = c.status in OPEN_STATUSES
    left, overdue = _left(cal, now, c.due_at, lang) if is_open else ("", False)
    ack_left, ack_overdue = "", False
    if is_open and getattr(c, "acknowledged_at", None) is None and c.ack_due_at is not None:
        ack_left, ack_overdue = _left(cal, now, c.ack_due_at, lang)
    state = c.sla_state
    if is_open and overdue and _SEVERITY.get(state, 0) < 2:
        state = "breached"
    rules = []
    for e in c.escalations or []:
        if e.rule not in rules:
            rules.append(e.rule)
    return Row(c.case_ref, c.title, c.customer_ref, c.kind, c.status, c.tier, c.authority_level, c.topic,
               c.owner, state, left, overdue, ack_left, c.repeat_contacts or 0, rules,
               getattr(c, "risk_score", 0.0) or 0.0, c.due_at, ack_overdue)


def queue_tabs(me: Principal) -> list[str]:
    """``mine`` always; ``tier`` for the tiered roles; ``all`` for roles that see beyond a tier."""
    tabs = ["mine"]
    if me.tier:
        tabs.append("tier")
    if me.row_scope in ("all", "complaints", "clients"):
        tabs.append("all")
    return tabs


def my_level(me: Principal, authority) -> int:
    """The viewer's authority level in the matrix in force."""
    return authority.effective_level(me.role, me.authority_level)


def allowed_actions(c, me: Principal, authority) -> list[str]:
    """The action forms to show for case ``c`` (a ``CaseRead``) to ``me``."""
    if not me.can("cases.write"):
        return []
    is_open = c.status in OPEN_STATUSES
    out = []
    if c.status == "open" and getattr(c, "acknowledged_at", None) is None:
        out.append("acknowledge")
    if is_open:
        out.append("assign")
        if c.tier < 3 or c.authority_level < authority.top:
            out.append("escalate")
    out.append("note")
    if is_open and c.kind == "complaint":
        need = authority.extension_level((c.extensions or 0) + 1)
        if need is not None and my_level(me, authority) >= need:
            out.append("extend")
    if c.status == "in_progress":
        out.append("await_customer")
    if c.status == "pending_customer":
        out.append("resume")
    if is_open:
        out.append("decide")
    if c.status == "decided" or (is_open and c.kind != "complaint"):
        out.append("close")
    if c.status in ("decided", "closed"):
        out.append("reopen")
    return out
