"""Turning source records into rows ready to store: decode, validate, mask, analyse.

Pure functions over a batch (no database), so a batch can be prepared in a worker
process while the parent writes the previous one.
"""
from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass

from pydantic import ValidationError

from xinsheng.records import SourceRecord, decode_json_line
from xinsheng.ingest.schemas import CustomerIn, InteractionIn, describe_validation_error
from xinsheng.redaction import excerpt
from xinsheng.voc.masking import mask_pii


@dataclass(slots=True)
class Reject:
    line: int
    raw: bytes
    reason: str
    key: str | None  # external_id or customer_ref, when the record had one


def watch_parent(parent_pid: int, interval: float = 0.5) -> None:
    """Worker-process initializer: exit as soon as the parent ingest process is gone
    (killed), instead of waiting forever for batches that will never come.

    A worker also ignores SIGINT: a terminal's Ctrl-C reaches the whole process group,
    and only the parent decides what an interruption means (it stops submitting, lets
    the batches in flight finish and exits 130). A worker that took the KeyboardInterrupt
    itself would die with a traceback mid-batch and break the pool.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="xinsheng-parent-watch", daemon=True).start()


def interaction_row(rec: InteractionIn) -> dict:
    """The stored form of a validated interaction: text masked, PII spans kept."""
    text, pii = rec.text, []
    if text:
        masked = mask_pii(text)
        text = masked.text
        pii = [{"type": s.type, "start": s.start, "end": s.end} for s in masked.spans]
    return {
        "source": rec.source or "default", "external_id": rec.external_id, "channel": rec.channel,
        "started_at": rec.started_at, "ended_at": rec.ended_at, "direction": rec.direction or "inbound",
        "event": rec.event or None, "agent_ref": rec.agent_ref or None, "text": text or None,
        "outcome": rec.outcome or None, "attributes": rec.attributes or {}, "pii": pii,
        "_customer_ref": rec.customer_ref or None,
    }


#: a rejected record's key is reported as it is up to this length, else as an excerpt
MAX_KEY = 128


def _key(kind: str, record: SourceRecord) -> str | None:
    """The rejected record's external_id or customer_ref, to find it by; a key too long to
    be one (it may be a pasted text) is shown as a short excerpt only."""
    data = record.data if isinstance(record.data, dict) else {}
    value = data.get("external_id" if kind == "interactions" else "customer_ref")
    if value in (None, ""):
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_KEY and isinstance(value, str) else excerpt(text)


def prepare_batch(kind: str, records: list[SourceRecord], analyze: bool = False) -> tuple[list[dict], list[Reject]]:
    """Rows to store and rejected records (with their reasons), in input order."""
    rows, rejects = [], []
    model = CustomerIn if kind == "customers" else InteractionIn
    for record in records:
        if record.data is None and record.error is None:
            decode_json_line(record)
        if record.error is not None:
            rejects.append(Reject(record.line, record.raw, record.error, _key(kind, record)))
            continue
        try:
            valid = model.model_validate(record.data)
        except ValidationError as exc:
            rejects.append(Reject(record.line, record.raw, describe_validation_error(exc), _key(kind, record)))
            continue
        if kind == "customers":
            rows.append(valid.model_dump(exclude_unset=True) | {"customer_ref": valid.customer_ref})
        else:
            rows.append(interaction_row(valid))
    if analyze:
        _attach_analysis(rows)
    return rows, rejects


def _attach_analysis(rows: list[dict]) -> None:
    from xinsheng.interactions.analysis import analyze_texts

    with_text = [row for row in rows if row["text"]]
    if with_text:
        results, version = analyze_texts([row["text"] for row in with_text])
        for row, result in zip(with_text, results, strict=True):
            row["_analysis"] = (result, version)
