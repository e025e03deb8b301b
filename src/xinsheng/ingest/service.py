"""Bulk ingest of customers and interactions: one code path for files and the API.

Records are validated one by one (a bad record is reported with its line and a
reason, and never stops the good ones), then written in batches, each batch in its
own transaction: an interruption loses at most the batch in flight, never half a
record, and a re-run skips what is stored already (idempotent on
``(source, external_id)`` for interactions, upsert on ``customer_ref`` for customers).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.engine import Engine

from xinsheng.config import get_settings
from xinsheng.customers.actions import bulk_upsert_customers, resolve_customer_ids
from xinsheng.db import session_scope, utcnow
from xinsheng.ingest.readers import SourceRecord
from xinsheng.ingest.schemas import CustomerIn, InteractionIn, describe_validation_error
from xinsheng.interactions.actions import bulk_insert_interactions
from xinsheng.voc.masking import mask_pii

log = logging.getLogger(__name__)

KINDS = ("customers", "interactions")
RejectSink = Callable[[SourceRecord, str], None]


@dataclass
class IngestReport:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    new_interaction_ids: list[int] = field(default_factory=list, repr=False)

    def reject(self, record: SourceRecord, reason: str, external_id: str | None) -> None:
        self.rejected += 1
        self.errors.append({"line": record.line, "external_id": external_id, "error": reason})

    def to_dict(self) -> dict:
        return {"accepted": self.accepted, "duplicates": self.duplicates,
                "rejected": self.rejected, "errors": self.errors}


def interaction_row(rec: InteractionIn) -> dict:
    """The stored form of a validated interaction: text masked, PII spans kept."""
    text, pii = rec.text, []
    if text:
        masked = mask_pii(text)
        text = masked.text
        pii = [{"type": s.type, "start": s.start, "end": s.end} for s in masked.spans]
    return {
        "source": rec.source, "external_id": rec.external_id, "channel": rec.channel,
        "started_at": rec.started_at, "ended_at": rec.ended_at, "direction": rec.direction,
        "event": rec.event, "agent_ref": rec.agent_ref, "text": text, "outcome": rec.outcome,
        "attributes": rec.attributes, "pii": pii, "_customer_ref": rec.customer_ref,
    }


class _Batcher:
    """Validates records into batches and writes each batch in one transaction.

    One batch is written by a background thread while the next is validated (the
    database wait releases the GIL); at most one batch is ever in flight, so the
    order of batches is kept and an interruption leaves only whole batches.
    """

    def __init__(self, kind: str, engine: Engine, report: IngestReport, on_reject, batch_size) -> None:
        self.kind, self.engine, self.report = kind, engine, report
        self.on_reject = on_reject
        self.batch_size = batch_size
        self.model = CustomerIn if kind == "customers" else InteractionIn
        self.pending: list[dict] = []
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xinsheng-ingest")
        self.in_flight: Future | None = None

    def add(self, record: SourceRecord) -> None:
        data = record.data
        if record.error is not None or data is None:
            return self._reject(record, record.error or "empty record")
        try:
            valid = self.model.model_validate(data)
        except ValidationError as exc:
            return self._reject(record, describe_validation_error(exc))
        if self.kind == "customers":
            self.pending.append(valid.model_dump(exclude_unset=True) | {"customer_ref": valid.customer_ref})
        else:
            self.pending.append(interaction_row(valid))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def _reject(self, record: SourceRecord, reason: str) -> None:
        data = record.data if isinstance(record.data, dict) else {}
        ext = data.get("external_id") if self.kind == "interactions" else data.get("customer_ref")
        self.report.reject(record, reason, str(ext) if ext not in (None, "") else None)
        if self.on_reject is not None:
            self.on_reject(record, reason)

    def flush(self, *, wait: bool = False) -> None:
        """Hand the pending batch to the writer (after the previous one is stored)."""
        batch, self.pending = self.pending, []
        self.drain()
        if batch:
            self.in_flight = self.writer.submit(self._write, batch)
        if wait:
            self.drain()
            self.writer.shutdown()

    def drain(self) -> None:
        if self.in_flight is not None:
            future, self.in_flight = self.in_flight, None
            future.result()

    def _write(self, batch: list[dict]) -> None:
        with session_scope(self.engine) as session:
            if self.kind == "customers":
                self.report.accepted += bulk_upsert_customers(session, batch)
                return
            refs = {row["_customer_ref"] for row in batch if row["_customer_ref"]}
            ids = resolve_customer_ids(session, refs) if refs else {}
            now = utcnow()
            for row in batch:
                ref = row.pop("_customer_ref")
                row["customer_id"] = ids.get(ref) if ref else None
                row["ingested_at"] = now
            new_ids = bulk_insert_interactions(session, batch)
        self.report.accepted += len(new_ids)
        self.report.duplicates += len(batch) - len(new_ids)
        self.report.new_interaction_ids.extend(new_ids)


def ingest_records(
    records: Iterable[SourceRecord],
    kind: str,
    engine: Engine,
    *,
    on_reject: RejectSink | None = None,
    on_progress: Callable[[SourceRecord], None] | None = None,
    batch_size: int | None = None,
) -> IngestReport:
    """Validate and store ``records`` of ``kind``; returns what happened to each."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    report = IngestReport()
    batcher = _Batcher(kind, engine, report, on_reject, batch_size or get_settings().ingest_batch_size)
    try:
        for record in records:
            batcher.add(record)
            if on_progress is not None:
                on_progress(record)
        batcher.flush(wait=True)
    finally:
        batcher.writer.shutdown(wait=True)
    log.info("ingested %s: %d accepted, %d duplicates, %d rejected",
             kind, report.accepted, report.duplicates, report.rejected)
    return report
