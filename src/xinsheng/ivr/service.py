"""The menu a caller hears and where an agent call goes.

:func:`menu` reads the caller's customer row, their state row and their open cases (three
indexed reads), never their history. A caller who is unknown, anonymous or in the A/B
static group hears the static menu; :func:`static_menu` needs no database at all, and the
API answers with it whenever anything inside fails.
"""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.errors import NotFound
from xinsheng.ivr.flows import normalise_phone, phone_indexes
from xinsheng.ivr.i18n import say
from xinsheng.ivr.models import IvrCallerState, IvrSetting, IvrTreeVersion
from xinsheng.ivr.ranker import Context, order
from xinsheng.ivr.tree import MenuTree, builtin_tree, parse_tree

ANONYMOUS = frozenset({"", "anonymous", "unknown", "0"})
CALLER_RE = re.compile(r"^[0-9A-Za-z_\-+.() ]{1,64}$")
AB_KEY = "ab_static_share"
SETTINGS_TTL_S = 5.0
_cache: dict[str, tuple] = {}


@dataclass(frozen=True)
class Caller:
    customer_id: int
    customer_ref: str
    birth_year: int | None
    segment: str | None


# -- the tree in force ------------------------------------------------------------------------
def tree_version(session: Session) -> int | None:
    return session.scalar(select(func.max(IvrTreeVersion.version)))


def _cached(key: str, session: Session, load):
    """``load(session)``, kept for :data:`SETTINGS_TTL_S` seconds (the menu's hot path reads
    no settings row per call; a saved tree or A/B share takes effect within that time)."""
    hit = _cache.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < SETTINGS_TTL_S and hit[2] is session.get_bind():
        return hit[1]
    value = load(session)
    _cache[key] = (now, value, session.get_bind())
    return value


def forget_cached() -> None:
    _cache.clear()


def _load_tree(session: Session) -> MenuTree:
    version = tree_version(session)
    if version is None:
        return builtin_tree()
    return parse_tree(session.scalar(select(IvrTreeVersion.source).where(IvrTreeVersion.version == version)))


def tree_in_force(session: Session) -> MenuTree:
    """The newest saved version, else the shipped tree."""
    return _cached("tree", session, _load_tree)


# -- callers ----------------------------------------------------------------------------------
def find_caller(session: Session, caller: str) -> Caller | None:
    """By ``customer_ref``, else by phone number (its keyed hash); None when unknown."""
    return _caller_and_state(session, caller)[0]


def _caller_and_state(session: Session, caller: str) -> tuple[Caller | None, dict | None]:
    """The caller and their state row in one read (by ref, else by the phone's keyed hash)."""
    cols = (Customer.id, Customer.customer_ref, Customer.birth_year, Customer.segment, IvrCallerState.state)
    base = select(*cols).outerjoin(IvrCallerState, IvrCallerState.customer_id == Customer.id)
    row = session.execute(base.where(Customer.customer_ref == caller)).first()
    if row is None and normalise_phone(caller):
        indexes = phone_indexes(caller)
        row = session.execute(select(*cols).join(IvrCallerState, IvrCallerState.customer_id == Customer.id)
                              .where(IvrCallerState.phone_index.in_(indexes)).limit(1)).first() if indexes else None
    return (Caller(*row[:4]), row[4]) if row is not None else (None, None)


def open_case(session: Session, customer_id: int, at: datetime) -> dict | None:
    """The caller's soonest-due case not yet closed and accepted before ``at``."""
    from xinsheng.cases.models import Case
    from xinsheng.cases.service import NOT_CLOSED

    stmt = (select(Case.case_ref, Case.title, Case.tier, Case.owner_user_id, Case.accepted_at)
            .where(Case.customer_id == customer_id, Case.status.in_(NOT_CLOSED))
            .order_by(Case.due_at.asc(), Case.id.asc()))
    for ref, title, tier, owner, accepted in session.execute(stmt):
        if accepted is None or accepted <= at:
            return {"case_ref": ref, "title": title, "tier": tier, "owner_user_id": owner}
    return None


def age_at(birth_year: int | None, at: datetime) -> int | None:
    return at.year - birth_year if birth_year else None


# -- A/B ---------------------------------------------------------------------------------------
def ab_share(session: Session, *, fresh: bool = False) -> float:
    """The share of callers who hear the static menu (cached like the tree unless ``fresh``)."""
    def load(s: Session) -> float:
        value = s.scalar(select(IvrSetting.value).where(IvrSetting.key == AB_KEY))
        return float((value or {}).get("share", 0.0))

    return load(session) if fresh else _cached("ab", session, load)


def ab_bucket(customer_ref: str) -> float:
    """A number in [0, 1) fixed per caller (SHA-256 of the ref): stable across calls and restarts."""
    digest = hashlib.sha256(f"xinsheng-ivr-ab:{customer_ref}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def hears_static(customer_ref: str, share: float) -> bool:
    return ab_bucket(customer_ref) < share


# -- the menu ----------------------------------------------------------------------------------
def _answer(tree: MenuTree, node_code: str, offers, *, personalised: bool, elderly: bool, lang: str,
            group: str | None) -> dict:
    node = tree.node(node_code)
    top = offers[0] if offers else None
    if elderly:
        greeting = say("ivr_greet_elderly", lang)
    elif personalised and top is not None and top.reason:
        greeting = say("ivr_greet_top", lang, reason=top.reason, label=top.label)
    else:
        greeting = say("ivr_greet_default", lang)
    return {"node": node_code, "personalised": personalised, "options": [o.to_dict() for o in offers],
            "prompt": node.prompt.get(lang) or node.prompt.get("zh"), "greeting": greeting, "elderly": elderly,
            "ab_group": group}


def static_menu(node_code: str = "root", lang: str = "zh", tree: MenuTree | None = None,
                at: datetime | None = None) -> dict:
    """The static menu (no database): the shipped tree unless one is given."""
    tree = tree or builtin_tree()
    node = tree.node(node_code)
    if node is None:
        raise NotFound(f"no menu node {node_code!r}", key="ivr_no_node", params={"node": node_code})
    from xinsheng.db import utcnow

    offers = order(tree, node, None, at or utcnow(), Context(lang=lang), personalised=False)
    return _answer(tree, node_code, offers, personalised=False, elderly=False, lang=lang, group=None)


def menu(session: Session, caller: str | None, at: datetime, node_code: str = "root", lang: str = "zh") -> dict:
    """The options of ``node_code`` in the order to offer ``caller`` at ``at``."""
    tree = tree_in_force(session)
    node = tree.node(node_code)
    if node is None:
        raise NotFound(f"no menu node {node_code!r}", key="ivr_no_node", params={"node": node_code})
    who, state = (None, None) if (caller or "").strip().lower() in ANONYMOUS else _caller_and_state(session, caller.strip())
    if who is None:
        return static_menu(node_code, lang, tree, at)
    group = "static" if hears_static(who.customer_ref, ab_share(session)) else "personalised"
    ctx = Context(open_case=open_case(session, who.customer_id, at), age=age_at(who.birth_year, at), lang=lang,
                  tz=get_settings().display_timezone)
    personalised = group == "personalised"
    offers = order(tree, node, state, at, ctx, personalised=personalised)
    return _answer(tree, node_code, offers, personalised=personalised, elderly=ctx.elderly, lang=lang, group=group)
