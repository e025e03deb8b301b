"""Key rotation: re-encrypt every encrypted field with the current key, refresh blind indexes;
encrypt customer attribute values of keys added to XINSHENG_PII_ATTRIBUTE_KEYS since they
were stored."""
from __future__ import annotations

import logging

from sqlalchemy import Text, column, select, table, update
from sqlalchemy.engine import Engine

from xinsheng.db import session_scope
from xinsheng.privacy.crypto import EncryptedAttributes, attribute_keys, encrypt_attributes, keyring, rotate_attributes

log = logging.getLogger(__name__)

#: (table, column, blind-index column or None): every field stored encrypted
ENCRYPTED_FIELDS = (("customers", "name", "name_index"), ("customer_notes", "text", None))
#: the customers' attributes column as ``customers.models.Customer`` declares it (privacy
#: sits below customers, so it names the table instead of importing the model)
_CUSTOMERS = table("customers", column("id"), column("attributes", EncryptedAttributes()))


def rotate_keys(engine: Engine, batch: int = 1000) -> dict:
    """Re-encrypt values not under the current (first) key; returns counts per field.

    Safe to interrupt and re-run: each batch commits, and values already under the
    current key are left alone.
    """
    ring = keyring()
    report = {}
    for name, col, index_col in ENCRYPTED_FIELDS:
        cols = [column("id"), column(col, Text)] + ([column(index_col)] if index_col else [])
        t = table(name, *cols)
        seen = reencrypted = reindexed = 0
        last = 0
        while True:
            with session_scope(engine) as session:
                stmt = select(*t.c).where(t.c.id > last, t.c[col].is_not(None)).order_by(t.c.id).limit(batch)
                rows = session.execute(stmt).all()
                for row in rows:
                    values = {}
                    token = row[1]
                    if not ring.is_current(token):
                        values[col] = ring.rotate(token)
                        reencrypted += 1
                    if index_col:
                        index = ring.blind_index(ring.decrypt(token))
                        if row[2] != index:
                            values[index_col] = index
                            reindexed += 1
                    if values:
                        session.execute(update(t).where(t.c.id == row[0]).values(**values))
                seen += len(rows)
            if len(rows) < batch:
                break
            last = rows[-1][0]
        report[f"{name}.{col}"] = {"rows": seen, "reencrypted": reencrypted,
                                   **({"reindexed": reindexed} if index_col else {})}
        log.info("rotated %s.%s: %d of %d re-encrypted", name, col, reencrypted, seen)
    report["customers.attributes"] = rotate_customer_attributes(engine, batch)
    return report


def rotate_customer_attributes(engine: Engine, batch: int = 1000) -> dict:
    """Re-encrypt attribute values under an old key; encrypt values of listed keys that are
    still in clear (a key added to the list later). Batched and resumable like the rest."""
    ring, keys = keyring(), attribute_keys()
    seen = reencrypted = encrypted = 0
    last = 0
    while True:
        with session_scope(engine) as session:
            c = _CUSTOMERS.c
            rows = session.execute(select(c.id, c.attributes).where(c.id > last).order_by(c.id).limit(batch)).all()
            for row_id, attrs in rows:
                rotated, n = rotate_attributes(attrs or {}, ring)
                sealed = encrypt_attributes(rotated, keys, ring)
                if n or sealed != rotated:
                    encrypted += sealed != rotated
                    reencrypted += n
                    session.execute(update(_CUSTOMERS).where(c.id == row_id).values(attributes=sealed))
            seen += len(rows)
        if len(rows) < batch:
            break
        last = rows[-1][0]
    log.info("customer attributes: %d values re-encrypted, %d customers' clear values encrypted",
             reencrypted, encrypted)
    return {"rows": seen, "reencrypted": reencrypted, "newly_encrypted": encrypted}
