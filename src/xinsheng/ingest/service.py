"""Bulk ingest of customers and interactions: one code path for files and the API.

Records are prepared in batches (decoded, validated, masked and, when configured,
analysed — ``prepare.py``); a bad record is reported with its line and a reason and
never stops the good ones. Each batch is written in its own transaction: an
interruption loses at most the batch in flight, never half a record, and a re-run
skips what is stored already (idempotent on ``(source, external_id)`` for
interactions, upsert on ``customer_ref`` for customers).

Large files are prepared by worker processes (one per core) while the parent writes
the previous batch from a writer thread; batches are written in input order.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.customers.actions import bulk_upsert_customers, resolve_customer_ids
from xinsheng.db import session_scope, utcnow
from xinsheng.ingest.prepare import Reject, prepare_batch, watch_parent
from xinsheng.records import SourceRecord
from xinsheng.interactions.actions import bulk_insert_interactions
from xinsheng.interactions.analysis import analysis_row, store_analysis_rows, warm_analyzer

log = logging.getLogger(__name__)

KINDS = ("customers", "interactions")
RejectSink = Callable[[Reject], None]
#: ``hook(session, contacts)`` runs in each interaction batch's own transaction after its
#: interactions and analyses are stored, with the newly stored ones only (a duplicate is
#: not passed again): dicts of the stored columns plus ``id`` and ``analysis`` (the stored
#: analysis row, or None). A failing hook rolls the batch back. Higher domains (cases)
#: register hooks here, so ingest never imports them.
BatchHook = Callable[[Session, list[dict]], None]
_BATCH_HOOKS: dict[str, BatchHook] = {}


def register_batch_hook(name: str, hook: BatchHook) -> None:
    """Run ``hook`` on every stored interaction batch (re-registering a name replaces it)."""
    _BATCH_HOOKS[name] = hook


def unregister_batch_hook(name: str) -> BatchHook | None:
    return _BATCH_HOOKS.pop(name, None)


@dataclass
class IngestReport:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)

    def reject(self, rej: Reject) -> None:
        self.rejected += 1
        self.errors.append({"line": rej.line, "external_id": rej.key, "error": rej.reason})

    def to_dict(self) -> dict:
        return {"accepted": self.accepted, "duplicates": self.duplicates,
                "rejected": self.rejected, "errors": self.errors}


def write_batch(engine: Engine, kind: str, rows: list[dict]) -> tuple[int, int]:
    """Store one prepared batch in one transaction; returns (accepted, duplicates)."""
    with session_scope(engine) as session:
        if kind == "customers":
            return bulk_upsert_customers(session, rows), 0
        refs = {row["_customer_ref"] for row in rows if row["_customer_ref"]}
        ids = resolve_customer_ids(session, refs) if refs else {}
        now = utcnow()
        analyses = {}
        for row in rows:
            ref = row.pop("_customer_ref")
            row["customer_id"] = ids.get(ref) if ref else None
            row["ingested_at"] = now
            if "_analysis" in row:
                analyses[(row["source"], row["external_id"])] = row.pop("_analysis")
        new = bulk_insert_interactions(session, rows)
        stored = [analysis_row(i, *analyses[(src, ext)]) for i, src, ext in new if (src, ext) in analyses]
        store_analysis_rows(session, stored)
        if _BATCH_HOOKS and new:
            _run_hooks(session, rows, new, stored)
    return len(new), len(rows) - len(new)


def _run_hooks(session: Session, rows: list[dict], new: list[tuple[int, str, str]], stored: list[dict]) -> None:
    by_key = {(row["source"], row["external_id"]): row for row in rows}
    by_id = {a["interaction_id"]: a for a in stored}
    contacts = [by_key[(src, ext)] | {"id": i, "analysis": by_id.get(i)} for i, src, ext in new]
    for hook in list(_BATCH_HOOKS.values()):
        hook(session, contacts)


def _chunks(records: Iterable[SourceRecord], size: int, on_progress) -> Iterator[list[SourceRecord]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        if on_progress is not None:
            on_progress(chunk[-1])
        yield chunk


def _prepared(chunks: Iterator[list], kind: str, analyze: bool, pool: Executor | None, depth: int):
    """Prepared batches in input order; with a pool, ``depth`` batches are prepared ahead."""
    if pool is None:
        for chunk in chunks:
            yield prepare_batch(kind, chunk, analyze)
        return
    ahead: deque[Future] = deque()
    for chunk in chunks:
        ahead.append(pool.submit(prepare_batch, kind, chunk, analyze))
        if len(ahead) >= depth:
            yield ahead.popleft().result()
    while ahead:
        yield ahead.popleft().result()


def ingest_records(
    records: Iterable[SourceRecord],
    kind: str,
    engine: Engine,
    *,
    on_reject: RejectSink | None = None,
    on_progress: Callable[[SourceRecord], None] | None = None,
    batch_size: int | None = None,
    workers: int = 1,
) -> IngestReport:
    """Prepare and store ``records`` of ``kind``; returns what happened to each.

    ``workers`` > 1 prepares batches in that many worker processes.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    settings = get_settings()
    analyze = kind == "interactions" and settings.analyze_on_ingest
    report = IngestReport()
    with ExitStack() as stack:
        writer = stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="xinsheng-ingest"))
        pool = None
        if workers > 1:
            if analyze:  # trained and cached on disk once, here, not once per worker
                warm_analyzer()
            pool = stack.enter_context(ProcessPoolExecutor(
                workers, mp_context=_worker_context(), initializer=watch_parent, initargs=(os.getpid(),)))
        chunks = _chunks(records, batch_size or settings.ingest_batch_size, on_progress)
        in_flight: Future | None = None
        for rows, rejects in _prepared(chunks, kind, analyze, pool, depth=workers + 1):
            for rej in rejects:
                report.reject(rej)
                if on_reject is not None:
                    on_reject(rej)
            if in_flight is not None:
                _count(report, in_flight.result())
            in_flight = writer.submit(write_batch, engine, kind, rows) if rows else None
        if in_flight is not None:
            _count(report, in_flight.result())
    log.debug("ingested %s: %d accepted, %d duplicates, %d rejected",
              kind, report.accepted, report.duplicates, report.rejected)
    return report


def _worker_context():
    """Workers are spawned: a clean interpreter that holds none of the parent's database
    connections, and whose only link to the parent is the task pipe, so a killed parent
    leaves no worker behind."""
    return multiprocessing.get_context("spawn")


def _count(report: IngestReport, result: tuple[int, int]) -> None:
    report.accepted += result[0]
    report.duplicates += result[1]
