"""Writes of improvement actions: create, edit, change state, link customers, tell them.

Shipping tells every linked customer through the outbox (``notify.do_enqueue``, purpose
``improvement_shipped``) in the same transaction. The outbox key names the action and the
customer (``improvement:IA00001:shipped:<customer id>``), and the link row records when they
were told, so marking shipped again, or linking the same customer again, never sends twice.
A customer who opted out (``surveys_opt_out`` or ``improvements_opt_out`` among their
attributes) is not told; the link row says ``opted_out``.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.errors import Conflict, InvalidInput
from xinsheng.identity.models import User
from xinsheng.improvements.models import ImprovementAction, ImprovementCustomer
from xinsheng.improvements.problems import check_problem, raisers
from xinsheng.improvements.schemas import ActionCreate, ActionUpdate, LinkCustomers
from xinsheng.notify.actions import do_enqueue
from xinsheng.surveys.invite import opted_out as surveys_opted_out

PURPOSE = "improvement_shipped"
OPT_OUT_ATTRIBUTE = "improvements_opt_out"
#: state → the states it may move to
MOVES = {"planned": ("in_progress", "shipped", "cancelled"), "in_progress": ("shipped", "cancelled"),
         "shipped": ("verified",), "verified": (), "cancelled": ()}


def opted_out(attributes: dict | None) -> bool:
    value = (attributes or {}).get(OPT_OUT_ATTRIBUTE)
    return surveys_opted_out(attributes) or value is True or str(value).strip().lower() in ("1", "true", "yes", "y")


def _tz() -> ZoneInfo:
    return ZoneInfo(get_settings().display_timezone)


def _check_owner(session: Session, owner: str) -> None:
    if session.scalar(select(User.id).where(User.username == owner, User.active.is_(True))) is None:
        raise InvalidInput(f"owner: no active user {owner!r}", data={"field": "owner"})


def do_create_action(session: Session, body: ActionCreate, *, actor: str, now: datetime) -> ImprovementAction:
    metric = check_problem(body.problem_kind, body.problem_ref, body.metric)
    _check_owner(session, body.owner)
    customer_ids = _customer_ids(session, body.customer_refs)
    action = ImprovementAction(
        ref=uuid.uuid4().hex[:32], title=body.title, problem_kind=body.problem_kind, problem_ref=body.problem_ref,
        change_zh=body.change_zh, change_en=body.change_en, owner=body.owner, promised_date=body.promised_date,
        state="planned", metric=metric, window_days=body.window_days, created_by=actor, created_at=now,
        updated_at=now)
    session.add(action)
    session.flush()
    action.ref = f"IA{action.id:05d}"
    _link(session, action, {cid: ("given", None) for cid in customer_ids}, now)
    if body.raised_since is not None:
        _link_raisers(session, action, body.raised_since, body.raised_until, now)
    session.flush()
    return action


def do_update_action(session: Session, action: ImprovementAction, body: ActionUpdate, *, now: datetime) -> None:
    fields = body.model_dump(exclude_unset=True)
    if fields.get("owner"):
        _check_owner(session, fields["owner"])
    for name, value in fields.items():
        if value is None and name != "change_en":
            raise InvalidInput(f"{name}: may not be empty", data={"field": name})
        setattr(action, name, value)
    action.updated_at = now


def do_change_state(session: Session, action: ImprovementAction, state: str, *, now: datetime,
                    shipped_on: date | None = None) -> int:
    """Move ``action`` to ``state``; returns how many customers were told now (shipping).

    Shipping a shipped action again is a no-op (nobody is told twice)."""
    if state == action.state == "shipped":
        return _tell(session, action, now)
    if state not in MOVES[action.state]:
        raise Conflict(f"state: {action.state} cannot become {state}", data={"field": "state"})
    if state == "shipped":
        today = now.astimezone(_tz()).date()
        action.shipped_on = shipped_on or today
        if action.shipped_on > today:
            raise InvalidInput("shipped_on: may not be in the future", data={"field": "shipped_on"})
    action.state, action.updated_at = state, now
    return _tell(session, action, now) if state == "shipped" else 0


def do_link_customers(session: Session, action: ImprovementAction, body: LinkCustomers, *, now: datetime) -> int:
    """Link the customers given and/or those who raised the problem; returns how many are new."""
    before = _linked_count(session, action)
    _link(session, action, {cid: ("given", None) for cid in _customer_ids(session, body.customer_refs)}, now)
    if body.raised_since is not None:
        _link_raisers(session, action, body.raised_since, body.raised_until, now)
    session.flush()
    if action.state in ("shipped", "verified"):
        _tell(session, action, now)
    return _linked_count(session, action) - before


def _linked_count(session: Session, action: ImprovementAction) -> int:
    return len(session.scalars(select(ImprovementCustomer.id).where(ImprovementCustomer.action_id == action.id)).all())


def _customer_ids(session: Session, refs: list[str]) -> list[int]:
    wanted = list(dict.fromkeys(r.strip() for r in refs if r.strip()))
    if not wanted:
        return []
    found = dict(session.execute(select(Customer.customer_ref, Customer.id).where(Customer.customer_ref.in_(wanted))).all())
    missing = [r for r in wanted if r not in found]
    if missing:
        raise InvalidInput(f"customer_refs: unknown customer {missing[0]!r}", data={"field": "customer_refs"})
    return [found[r] for r in wanted]


def _link_raisers(session: Session, action: ImprovementAction, since: date, until: date | None, now: datetime) -> None:
    tz = _tz()
    until = until or now.astimezone(tz).date()
    if until < since:
        raise InvalidInput("raised_until: before raised_since", data={"field": "raised_until"})
    start = datetime.combine(since, time.min, tzinfo=tz)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
    _link(session, action, raisers(session, action.problem_kind, action.problem_ref, start, end), now)


def _link(session: Session, action: ImprovementAction, found: dict[int, tuple[str, datetime | None]],
          now: datetime) -> None:
    have = set(session.scalars(select(ImprovementCustomer.customer_id).where(
        ImprovementCustomer.action_id == action.id)))
    for cid, (source, at) in found.items():
        if cid not in have:
            session.add(ImprovementCustomer(action_id=action.id, customer_id=cid, source=source, raised_at=at))
    session.flush()


def _tell(session: Session, action: ImprovementAction, now: datetime) -> int:
    """Tell the linked customers not told yet (and not skipped); returns how many were told."""
    rows = session.execute(select(ImprovementCustomer, Customer.attributes)
                           .join(Customer, Customer.id == ImprovementCustomer.customer_id)
                           .where(ImprovementCustomer.action_id == action.id, ImprovementCustomer.told_at.is_(None),
                                  ImprovementCustomer.skipped.is_(None))
                           .order_by(ImprovementCustomer.id)).all()
    told = 0
    for link, attributes in rows:
        if opted_out(attributes):
            link.skipped = "opted_out"
            continue
        lang = (attributes or {}).get("lang") or "zh"
        change = action.change_en if lang == "en" and action.change_en else action.change_zh
        note = do_enqueue(session, customer_id=link.customer_id, purpose=PURPOSE, now=now,
                          key=f"improvement:{action.ref}:shipped:{link.customer_id}", subject_ref=action.ref,
                          lang=lang if lang in ("zh", "en") else "zh",
                          context={"change": change, "ref": action.ref})
        link.told_at = now
        link.notification_id = note.id if note is not None else None
        told += note is not None
    session.flush()
    return told

