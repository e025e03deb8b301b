"""Callers' behaviour state on ingest: the hook folds each new contact into its caller's row.

Ingest calls :func:`on_ingested` (registered by :func:`install`) in each interaction batch's
own transaction with the newly stored contacts only, so a batch that rolls back takes its
state changes with it and a duplicate never counts twice. Per batch: one insert of the
callers' rows not yet there (in key order), one read of the batch's callers' rows (``FOR UPDATE`` on
PostgreSQL, in key order, so two concurrent batches never lose each other's update), one
update. A caller's history is never read here.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.db import utcnow
from xinsheng.ivr.features import apply, relevant
from xinsheng.ivr.models import IvrCallerState

HOOK = "ivr"
_T = IvrCallerState.__table__
_CHUNK = 2000
PHONE_KEYS = ("phone", "mobile", "phone_number", "mobile_phone")


def install() -> None:
    """Keep callers' state on ingest (registering again changes nothing)."""
    from xinsheng.ingest.service import register_batch_hook

    register_batch_hook(HOOK, on_ingested)


def uninstall() -> None:
    from xinsheng.ingest.service import unregister_batch_hook

    unregister_batch_hook(HOOK)


def on_ingested(session: Session, contacts: list[dict]) -> int:
    """The ingest hook; returns how many callers' rows changed."""
    grouped: dict[int, list[dict]] = defaultdict(list)
    for c in contacts:
        if c.get("customer_id") and relevant(c):
            grouped[c["customer_id"]].append(c)
    if not grouped:
        return 0
    return fold(session, grouped)


def fold(session: Session, grouped: dict[int, list[dict]]) -> int:
    """Fold each caller's contacts into their row (created when missing)."""
    tz = get_settings().display_timezone
    ids = sorted(grouped)
    now = utcnow()
    created = _ensure_rows(session, ids, now)
    if created:
        _index_phones(session, created)
    updates = []
    for cid, state, count in _locked_rows(session, ids):
        state = state or {}  # a fresh object from this query's JSON: changed in place
        for c in sorted(grouped[cid], key=lambda c: c["started_at"]):
            apply(state, c, tz)
        updates.append({"cid": cid, "st": state, "n": count + len(grouped[cid]), "at": now})
    if updates:
        _write(session, updates)
    return len(updates)


def _write(session: Session, updates: list[dict]) -> None:
    """All the batch's rows in one statement on PostgreSQL (``UPDATE … FROM (VALUES …)``);
    an executemany elsewhere (SQLite runs in-process)."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(update(_T).where(_T.c.customer_id == bindparam("cid"))
                        .values(state=bindparam("st"), contacts=bindparam("n"), updated_at=bindparam("at")),
                        updates)
        return
    from sqlalchemy import BigInteger, Integer, column, values
    from sqlalchemy.dialects.postgresql import JSONB

    for i in range(0, len(updates), _CHUNK):
        rows = values(column("cid", BigInteger), column("st", JSONB), column("n", Integer), name="v").data(
            [(u["cid"], u["st"], u["n"]) for u in updates[i:i + _CHUNK]])
        session.execute(update(_T).where(_T.c.customer_id == rows.c.cid)
                        .values(state=rows.c.st, contacts=rows.c.n, updated_at=updates[0]["at"]))


def _ensure_rows(session: Session, ids: list[int], now) -> list[int]:
    """Insert the callers' rows not there yet (in key order, so concurrent batches wait on
    each other's new rows in one order); returns the ids created."""
    if session.get_bind().dialect.name == "postgresql":
        stmt = text("INSERT INTO ivr_caller_state (customer_id, state, contacts, updated_at) "
                    "SELECT k, '{}'::jsonb, 0, :now FROM unnest(CAST(:ids AS bigint[])) AS k ORDER BY k "
                    "ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id")
        return list(session.execute(stmt, {"ids": ids, "now": now}).scalars())
    existing: set[int] = set()
    for i in range(0, len(ids), _CHUNK):
        existing.update(session.scalars(select(_T.c.customer_id).where(_T.c.customer_id.in_(ids[i:i + _CHUNK]))))
    missing = [cid for cid in ids if cid not in existing]
    if missing:
        session.execute(_T.insert(), [{"customer_id": cid, "state": {}, "contacts": 0, "updated_at": now}
                                      for cid in missing])
    return missing


def _locked_rows(session: Session, ids: list[int]) -> Iterable[tuple[int, dict, int]]:
    if session.get_bind().dialect.name == "postgresql":
        stmt = text("SELECT customer_id, state, contacts FROM ivr_caller_state "
                    "WHERE customer_id = ANY(CAST(:ids AS bigint[])) ORDER BY customer_id FOR UPDATE")
        yield from session.execute(stmt, {"ids": ids}).all()
        return
    for i in range(0, len(ids), _CHUNK):
        stmt = (select(_T.c.customer_id, _T.c.state, _T.c.contacts)
                .where(_T.c.customer_id.in_(ids[i:i + _CHUNK])).order_by(_T.c.customer_id))
        yield from session.execute(stmt).all()


# -- phone numbers: a keyed hash, never the number ------------------------------------------
def normalise_phone(raw: str) -> str | None:
    """Digits only, without a leading +86/0086/86 on a mainland mobile; None when too short."""
    digits = re.sub(r"\D", "", raw or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix):]
    return digits if len(digits) >= 7 else None


def phone_index(raw: str) -> str | None:
    from xinsheng.privacy.crypto import keyring

    digits = normalise_phone(raw)
    return keyring().blind_index(f"phone:{digits}") if digits else None


def phone_indexes(raw: str) -> list[str]:
    """The number's index under every key (a lookup matches mid-rotation too)."""
    from xinsheng.privacy.crypto import keyring

    digits = normalise_phone(raw)
    return keyring().blind_indexes(f"phone:{digits}") if digits else []


def _index_phones(session: Session, customer_ids: list[int]) -> None:
    """Store the keyed hash of each new caller's phone number (from the customer's
    attributes, decrypted in memory only)."""
    from xinsheng.customers.models import Customer
    from xinsheng.privacy.crypto import reveal_attributes

    rows = session.execute(select(Customer.id, Customer.attributes).where(Customer.id.in_(customer_ids))).all()
    params = []
    for cid, attributes in rows:
        try:
            attrs = reveal_attributes(attributes or {})
        except Exception:  # noqa: BLE001 - a key not configured: no phone index, the rest goes on
            continue
        raw = next((str(attrs[k]) for k in PHONE_KEYS if isinstance(attrs, dict) and attrs.get(k)), None)
        index = phone_index(raw) if raw else None
        if index:
            params.append({"cid": cid, "ix": index})
    if params:
        session.execute(update(_T).where(_T.c.customer_id == bindparam("cid")).values(phone_index=bindparam("ix")),
                        params)
