"""Writes to interactions: batched, idempotent on (source, external_id).

PostgreSQL takes a batch by ``COPY`` into a temporary table and one
``INSERT ... SELECT ... ON CONFLICT DO NOTHING``; SQLite by one multi-row
``INSERT ... ON CONFLICT DO NOTHING``. Never a row at a time. The daily counts per
channel (``daily.py``) move in the same transaction, by the rows actually inserted.
"""
from __future__ import annotations

import json
from operator import itemgetter

from sqlalchemy.orm import Session

from xinsheng.db import dialect_insert
from xinsheng.interactions.daily import count_inserted
from xinsheng.interactions.models import Interaction

COLUMNS = (
    "source", "external_id", "customer_id", "channel", "started_at", "ended_at", "direction",
    "event", "agent_ref", "text", "outcome", "attributes", "pii", "ingested_at",
)
#: the COPY column order: plain columns, then attributes, pii, ingested_at
_plain = itemgetter(*COLUMNS[:11])
_STAGE = "_xinsheng_stage_interactions"


def bulk_insert_interactions(session: Session, rows: list[dict]) -> list[tuple[int, str, str]]:
    """Insert ``rows`` (column dicts); ones already stored are skipped.

    Returns ``(id, source, external_id)`` of each new interaction.

    The caller's transaction makes the batch all-or-nothing.
    """
    if not rows:
        return []
    insert = _copy_insert if session.get_bind().dialect.name == "postgresql" else _insert
    new = insert(session, rows)  # (id, source, external_id, started_at, channel) as stored
    count_inserted(session, [(started_at, channel) for *_, started_at, channel in new])
    return [(i, source, external_id) for i, source, external_id, *_ in new]


_RETURNED = ("id", "source", "external_id", "started_at", "channel")


def _insert(session: Session, rows: list[dict]) -> list[tuple]:
    stmt = (
        dialect_insert(session, Interaction.__table__)
        .on_conflict_do_nothing(index_elements=["source", "external_id"])
        .returning(*(Interaction.__table__.c[name] for name in _RETURNED))
    )
    return [tuple(row) for row in session.connection().execute(stmt, rows).all()]


def _json(value) -> str:
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False)


def _copy_insert(session: Session, rows: list[dict]) -> list[tuple]:
    cols = ", ".join(COLUMNS)
    dbapi = session.connection().connection.driver_connection
    with dbapi.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS AS "
            f"SELECT {cols} FROM interactions WITH NO DATA"
        )
        with cur.copy(f"COPY {_STAGE} ({cols}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write((*_plain(row), _json(row["attributes"]), _json(row["pii"]), row["ingested_at"]))
        cur.execute(
            f"INSERT INTO interactions ({cols}) SELECT {cols} FROM {_STAGE} "
            f"ON CONFLICT (source, external_id) DO NOTHING RETURNING {', '.join(_RETURNED)}"
        )
        ids = [tuple(r) for r in cur.fetchall()]
        cur.execute(f"TRUNCATE {_STAGE}")
    return ids
