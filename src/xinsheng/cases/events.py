"""The history of a case: every write appends a ``CaseEvent`` and an audit entry.

Audit entries are written after the session's outermost transaction commits (the audit
log is a hash chain appended in its own transaction; on SQLite a second writer inside an
open write transaction would wait for itself), and dropped when it rolls back — those
queued inside a savepoint (``begin_nested``) when the savepoint rolls back — so the log
records exactly the actions that were stored. A request's ``Audit`` (client IP, access reason)
writes them when a view hands it over with :func:`use_auditor`; otherwise (CLI, worker)
they are appended directly.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from xinsheng.audit.actions import append
from xinsheng.cases.models import Case, CaseEvent
from xinsheng.errors import Conflict, Forbidden
from xinsheng.identity.principal import Principal
from xinsheng.voc.masking import mask_pii

_PENDING = "xinsheng.cases.audit"
_AUDITOR = "xinsheng.cases.auditor"
_MARKS = "xinsheng.cases.audit_savepoints"
#: actions whose event text is the reason, recorded as the audit entry's reason too
_REASONED = ("escalate", "extend", "reopen", "await_customer")


def use_auditor(session: Session, auditor) -> None:
    """Write this session's case audit entries through ``auditor`` (a request's ``Audit``)."""
    session.info[_AUDITOR] = auditor


def audit_later(session: Session, *, actor: str, role: str | None, action: str, case_ref: str,
                detail: dict | None = None, reason: str | None = None) -> None:
    """Queue an audit entry ``case.<action>`` for when ``session`` commits."""
    session.info.setdefault(_PENDING, []).append(
        {"actor": actor, "role": role, "action": f"case.{action}", "ref": case_ref,
         "detail": detail or {}, "reason": reason})


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction) -> None:
    if transaction.nested:  # entries queued inside a savepoint go if it rolls back
        session.info.setdefault(_MARKS, {})[id(transaction)] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_commit")
def _write_audit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer transaction goes on
        return
    session.info.pop(_MARKS, None)
    entries = session.info.pop(_PENDING, None)
    if not entries:
        return
    auditor = session.info.get(_AUDITOR)
    for e in entries:
        if auditor is not None:
            auditor(e["action"], target_type="case", target_ref=e["ref"], reason=e["reason"], detail=e["detail"])
        else:
            append(session.get_bind(), actor=e["actor"], actor_role=e["role"], action=e["action"],
                   target_type="case", target_ref=e["ref"], reason=e["reason"], detail=e["detail"])


@event.listens_for(Session, "after_soft_rollback")
def _drop_audit(session: Session, previous_transaction) -> None:
    mark = session.info.get(_MARKS, {}).pop(id(previous_transaction), None)
    if previous_transaction.nested and mark is not None:
        del session.info.get(_PENDING, [])[mark:]
    elif not previous_transaction.nested:
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)


def mask(text: str | None) -> str | None:
    return mask_pii(text).text if text else text


def record_event(session: Session, case: Case, *, actor: str, action: str, now: datetime,
                 text: str | None = None, detail: dict | None = None, role: str | None = None) -> CaseEvent:
    """Append one event (its text masked), queue its audit entry; returns the flushed event."""
    ev = CaseEvent(case_id=case.id, at=now, actor=actor, action=action, text=mask(text), detail=detail or {})
    session.add(ev)
    case.updated_at = now
    session.flush()
    audit_later(session, actor=actor, role=role, action=action, case_ref=case.case_ref,
                detail={"event": ev.id, **(detail or {})}, reason=ev.text if action in _REASONED else None)
    return ev


def require_state(case: Case, action: str, allowed: tuple[str, ...]) -> None:
    """409 unless the case's status allows ``action``."""
    if case.status not in allowed:
        raise Conflict(f"cannot {action.replace('_', ' ')} a case that is {case.status.replace('_', ' ')}",
                       data={"status": case.status, "action": action, "allowed_from": list(allowed)})


def require_person(principal: Principal, what: str) -> None:
    """Decisions and extensions are a person's, made at their authority level."""
    if principal.role == "system":
        raise Forbidden(f"{what} is made by a person with an authority level, not by a system token",
                        data={"required_level": None})


def in_force(session: Session, *names: str) -> list:
    """The loaded data files in force (``calendar``, ``policies``, ``authority`` …), like
    :func:`xinsheng.cases.config_editor.active` but with one query for all of them."""
    from sqlalchemy import select

    from xinsheng.cases import config_editor
    from xinsheng.cases.models import CaseConfig

    edited = set(session.scalars(select(CaseConfig.name).where(CaseConfig.name.in_(names))))
    out = []
    for name in names:
        if name in edited:
            out.append(config_editor.active(session, name))
        else:
            module = config_editor._module(name)
            out.append(getattr(module, config_editor.FILES[name][2])())
    return out
