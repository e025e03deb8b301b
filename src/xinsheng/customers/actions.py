"""Writes to customers: bulk upsert, placeholders for unknown references."""
from __future__ import annotations

import logging

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer, CustomerNote
from xinsheng.db import dialect_insert, utcnow
from xinsheng.privacy.crypto import keyring

log = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "name", "birth_year", "gender", "region", "segment", "risk_level",
    "preferred_channel", "advisor_ref", "attributes",
)


def bulk_upsert_customers(session: Session, records: list[dict]) -> int:
    """Insert or update customers by ``customer_ref``; returns how many were written.

    Only the fields a record carries are written, so a partial record never blanks
    out what is known. ``notes``, when given, replace the customer's ingested notes.
    A placeholder (created for an unknown reference) becomes a full customer.
    """
    merged: dict[str, dict] = {}
    for rec in records:  # the last record of a reference wins, as in a file replay
        merged.setdefault(rec["customer_ref"], {}).update(rec)
    existing = _ids_by_ref(session, list(merged))
    ring = keyring()
    for rec in merged.values():  # the name is stored encrypted; its blind index finds it
        if "name" in rec:
            rec["name_index"] = ring.blind_index(rec["name"]) if rec["name"] else None
    now = utcnow()
    new_rows = [
        {"customer_ref": ref, "is_placeholder": False, "created_at": now, "updated_at": now,
         **{f: rec.get(f) for f in PROFILE_FIELDS}, "name_index": rec.get("name_index"),
         "attributes": rec.get("attributes") or {}}
        for ref, rec in merged.items() if ref not in existing
    ]
    if new_rows:
        session.connection().execute(dialect_insert(session, Customer.__table__).on_conflict_do_nothing(), new_rows)
    for ref, rec in merged.items():
        if ref in existing:
            values = {f: rec[f] for f in (*PROFILE_FIELDS, "name_index") if f in rec}
            session.execute(
                update(Customer).where(Customer.id == existing[ref])
                .values(**values, is_placeholder=False, updated_at=now)
            )
    _replace_notes(session, {ref: rec["notes"] for ref, rec in merged.items() if rec.get("notes") is not None})
    return len(merged)


def _replace_notes(session: Session, notes_by_ref: dict[str, list[str]]) -> None:
    if not notes_by_ref:
        return
    ids = _ids_by_ref(session, list(notes_by_ref))
    session.execute(
        delete(CustomerNote).where(
            CustomerNote.customer_id.in_(list(ids.values())), CustomerNote.source == "ingest"
        )
    )
    now = utcnow()
    rows = [
        {"customer_id": ids[ref], "text": text, "source": "ingest", "created_at": now}
        for ref, notes in notes_by_ref.items() for text in notes
    ]
    if rows:
        session.execute(dialect_insert(session, CustomerNote), rows)


def _ids_by_ref(session: Session, refs: list[str]) -> dict[str, int]:
    if not refs:
        return {}
    rows = session.execute(
        select(Customer.customer_ref, Customer.id).where(Customer.customer_ref.in_(refs))
    )
    return dict(rows.all())


_PG_RESOLVE = """
WITH new AS (
    INSERT INTO customers (customer_ref, is_placeholder, attributes, created_at, updated_at)
    SELECT ref, true, '{}'::jsonb, now(), now() FROM unnest(%(refs)s::text[]) AS ref
    ON CONFLICT (customer_ref) DO NOTHING
    RETURNING customer_ref, id
)
SELECT customer_ref, id FROM new
UNION ALL
SELECT customer_ref, id FROM customers WHERE customer_ref = ANY(%(refs)s::text[])
"""


def resolve_customer_ids(session: Session, refs: set[str]) -> dict[str, int]:
    """Customer ids for ``refs``, creating placeholder customers for unknown ones."""
    if session.get_bind().dialect.name == "postgresql":
        dbapi = session.connection().connection.driver_connection
        with dbapi.cursor() as cur:
            cur.execute(_PG_RESOLVE, {"refs": sorted(refs)})
            found = dict(cur.fetchall())
        if len(found) < len(refs):  # created by a concurrent ingest after our snapshot
            found.update(_ids_by_ref(session, sorted(refs - found.keys())))
        return found
    found = _ids_by_ref(session, sorted(refs))
    missing = sorted(refs - found.keys())
    if missing:
        now = utcnow()
        session.execute(
            dialect_insert(session, Customer.__table__).on_conflict_do_nothing(),
            [{"customer_ref": ref, "is_placeholder": True, "attributes": {},
              "created_at": now, "updated_at": now} for ref in missing],
        )
        found.update(_ids_by_ref(session, missing))
        log.debug("created %d placeholder customers", len(missing))
    return found
