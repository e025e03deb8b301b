"""Holdings ingest: ``xinsheng ingest FILE --kind holdings`` and ``POST /api/v1/holdings``.

One code path for both: records are checked (``schemas.HoldingIn``), a bad one is reported
with its line and reason and copied unchanged to ``--rejects``, the good ones are stored in
batches of ``BATCH``, each in its own transaction, and the profiles of the batch's customers
are refreshed in that transaction (``features.refresh_holdings``).

Keys: (``customer_ref``, ``as_of``, ``product``). The same snapshot sent again is a
duplicate (counted, not an error); a stored snapshot sent with another balance, category or
risk level is a correction and replaces it; the same key twice in one file or request is the
second line's error ("duplicate snapshot"). A customer the bank has not sent is an error
(holdings never create customers).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from decimal import Decimal
from itertools import islice
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import bindparam, select, tuple_, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.db import dialect_insert, session_scope, utcnow
from xinsheng.ingest.files import INGEST_SUFFIXES
from xinsheng.ingest.schemas import describe_validation_error
from xinsheng.ingest.service import IngestReport
from xinsheng.profiles.models import Holding
from xinsheng.profiles.schemas import HoldingIn
from xinsheng.records import SourceRecord, detect_format, open_input, read_csv, read_ndjson
from xinsheng.redaction import excerpt

KIND = "holdings"
BATCH = 1000
_T = Holding.__table__
Sink = Callable[[SourceRecord, str], None]


def _check(rec: SourceRecord, tz: str) -> HoldingIn | str:
    if rec.error:
        return rec.error
    try:
        body = HoldingIn.model_validate(rec.data or {})
        body.check_not_future(tz)
    except ValidationError as exc:
        return describe_validation_error(exc)
    except ValueError as exc:
        return str(exc)
    return body


def _customer_ids(session: Session, refs: set[str]) -> dict[str, int]:
    rows = session.execute(select(Customer.customer_ref, Customer.id).where(Customer.customer_ref.in_(sorted(refs))))
    return dict(rows.all())


def _stored(session: Session, keys: list[tuple]) -> dict[tuple, tuple]:
    out: dict[tuple, tuple] = {}
    for i in range(0, len(keys), 400):
        part = keys[i:i + 400]
        stmt = select(_T.c.customer_id, _T.c.as_of, _T.c.product, _T.c.id, _T.c.category, _T.c.balance_cny,
                      _T.c.risk_level).where(tuple_(_T.c.customer_id, _T.c.as_of, _T.c.product).in_(part))
        for cid, day, product, hid, cat, bal, risk in session.execute(stmt):
            out[(cid, day, product)] = (hid, cat, Decimal(bal).quantize(Decimal("0.01")), risk)
    return out


def write_batch(session: Session, keyed: list[tuple[tuple, HoldingIn]], report: IngestReport) -> set[int]:
    """Store one batch of checked records keyed by (customer id, day, product); returns the
    ids of the customers whose holdings it changed."""
    stored = _stored(session, [k for k, _ in keyed])
    now, inserts, updates, changed = utcnow(), [], [], set()
    for key, h in keyed:
        values = (h.category, h.balance_cny, h.risk_level)
        old = stored.get(key)
        if old is not None and old[1:] == values:
            report.duplicates += 1
            continue
        report.accepted += 1
        changed.add(key[0])
        if old is None:
            inserts.append({"customer_id": key[0], "as_of": key[1], "product": key[2], "category": h.category,
                            "balance_cny": h.balance_cny, "risk_level": h.risk_level, "ingested_at": now})
        else:
            updates.append({"hid": old[0], "cat": h.category, "bal": h.balance_cny, "risk": h.risk_level, "at": now})
    if inserts:
        session.execute(dialect_insert(session, _T).on_conflict_do_nothing(), inserts)
    if updates:
        session.execute(update(_T).where(_T.c.id == bindparam("hid")).values(
            category=bindparam("cat"), balance_cny=bindparam("bal"), risk_level=bindparam("risk"),
            ingested_at=bindparam("at")), updates)
    return changed


def load_holdings(records: Iterable[SourceRecord], engine: Engine, *, reject: Sink | None = None,
                  on_batch: Callable[[], None] | None = None) -> IngestReport:
    """Check and store ``records``; returns what happened to each (CONTRACT.md ``ingest --json``)."""
    from xinsheng.profiles.store import refresh_customers

    report, tz, seen = IngestReport(), get_settings().display_timezone, {}

    def refuse(rec: SourceRecord, reason: str) -> None:
        report.rejected += 1
        report.errors.append({"line": rec.line, "external_id": None, "error": reason})
        if reject is not None:
            reject(rec, reason)

    it = iter(records)
    while chunk := list(islice(it, BATCH)):
        checked = [(rec, _check(rec, tz)) for rec in chunk]
        with session_scope(engine) as session:
            ids = _customer_ids(session, {b.customer_ref for _, b in checked if not isinstance(b, str)})
            keyed = []
            for rec, body in checked:
                if isinstance(body, str):
                    refuse(rec, body)
                    continue
                if body.customer_ref not in ids:
                    refuse(rec, f"customer_ref: unknown customer {excerpt(body.customer_ref)} (send the customer first)")
                    continue
                key = (body.customer_ref, body.as_of, body.product)
                if key in seen:
                    refuse(rec, f"duplicate snapshot: the same customer_ref, as_of and product as line {seen[key]}")
                    continue
                seen[key] = rec.line
                keyed.append(((ids[body.customer_ref], body.as_of, body.product), body))
            changed = write_batch(session, keyed, report) if keyed else set()
            if changed:
                refresh_customers(session, changed)
        if on_batch is not None:
            on_batch()
    return report


class _Rejects:
    def __init__(self, path: Path | None, header: bytes, stack: ExitStack) -> None:
        self.path, self.header, self.stack, self.handle = path, header, stack, None

    def __call__(self, rec: SourceRecord, _reason: str) -> None:
        if self.path is None:
            return
        if self.handle is None:
            self.handle = self.stack.enter_context(self.path.open("wb"))
            self.handle.write(self.header)
        self.handle.write(rec.raw if rec.raw.endswith(b"\n") else rec.raw + b"\n")


def load_holdings_file(path: Path, engine: Engine, *, rejects: Path | None = None,
                       on_progress: Callable[[int], None] | None = None) -> IngestReport:
    fmt = detect_format(path, INGEST_SUFFIXES)
    with ExitStack() as stack:
        stream = stack.enter_context(open_input(path))
        header, records = (b"", read_ndjson(stream)) if fmt == "ndjson" else read_csv(stream)[0::2]
        sink = _Rejects(rejects, header, stack)
        progress = (lambda: on_progress(stream.tell())) if on_progress else None
        return load_holdings(records, engine, reject=sink, on_batch=progress)


def install() -> None:
    """Make ``holdings`` an ingest kind (the CLI wiring calls this)."""
    from xinsheng.ingest.kinds import register_file_kind

    register_file_kind(KIND, load_holdings_file)
