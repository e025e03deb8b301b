"""A transcript stored as a phone interaction, through the ingest service.

The transcript text (``agent: …`` / ``customer: …`` lines) goes through ``ingest_records``
like any posted contact: masked before storage, analysed by the VOC engine, on the
customer's timeline, seen by the case and IVR hooks. The turns, masked the same way, go to
``speech_transcripts`` for the quality checks; the audio only when configured, encrypted.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine

from xinsheng.db import session_scope
from xinsheng.errors import InvalidInput
from xinsheng.ingest.schemas import MAX_TEXT_LENGTH
from xinsheng.ingest.service import ingest_records
from xinsheng.interactions.models import Interaction
from xinsheng.privacy.crypto import keyring
from xinsheng.records import records_from_list
from xinsheng.speech.models import SpeechTranscript
from xinsheng.speech.transcribe import Transcript
from xinsheng.speech.turns import transcript_text
from xinsheng.voc.masking import mask_pii


@dataclass
class Contact:
    """Who and when: what the recording file itself does not say."""

    started_at: datetime
    external_id: str | None = None
    source: str = "recordings"
    customer_ref: str | None = None
    agent_ref: str | None = None


def audio_id(data: bytes) -> str:
    """A recording's default ``external_id``: the same file stored twice is one contact."""
    return "rec-" + hashlib.sha256(data).hexdigest()[:24]


def masked_turns(turns: list[dict]) -> list[dict]:
    return [t | {"text": mask_pii(t["text"]).text} for t in turns]


def interaction_record(result: Transcript, contact: Contact, external_id: str) -> dict:
    text = transcript_text(result.turns)
    if len(text) > MAX_TEXT_LENGTH:  # the full turns are kept in speech_transcripts
        text = text[: MAX_TEXT_LENGTH - 1] + "…"
    started = contact.started_at.astimezone(timezone.utc)
    return {
        "external_id": external_id, "source": contact.source, "channel": "phone",
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(seconds=result.duration or 0)).isoformat(),
        "customer_ref": contact.customer_ref, "agent_ref": contact.agent_ref, "text": text,
        "attributes": {"recording": {"duration": result.duration, "layout": result.layout,
                                     "speakers_by": result.speakers_by, "turns": len(result.turns)}},
    }


def store_transcript(engine: Engine, result: Transcript, contact: Contact, data: bytes, *,
                     engine_name: str, model: str, keep_audio: bool = False) -> dict:
    """Store ``result`` as an interaction (or find the one stored before); the answer of
    ``POST /api/v1/recordings`` less the turns."""
    external_id = contact.external_id or audio_id(data)
    report = ingest_records(records_from_list([interaction_record(result, contact, external_id)]),
                            "interactions", engine)
    if report.rejected:
        raise InvalidInput(report.errors[0]["error"], data={"field": "recording"})
    with session_scope(engine) as session:
        interaction_id = session.scalar(select(Interaction.id).where(
            Interaction.source == contact.source, Interaction.external_id == external_id))
        if session.get(SpeechTranscript, interaction_id) is None:
            session.add(SpeechTranscript(
                interaction_id=interaction_id, turns=masked_turns(result.turns), duration=result.duration,
                layout=result.layout, source_rate=result.source_rate, engine=engine_name, model=model,
                file_name=result.file[-255:],
                audio=keyring().fernet.encrypt(data) if keep_audio else None))
    return {"interaction_id": interaction_id, "source": contact.source, "external_id": external_id,
            "duplicate": report.duplicates > 0, "audio_kept": keep_audio and report.accepted > 0}


def rotate_audio(engine: Engine, batch: int = 100) -> dict:
    """Re-encrypt kept audio not under the current (first) key of ``XINSHENG_PII_KEYS``
    (``xinsheng speech rotate-audio``, after ``xinsheng keys rotate``); batched, resumable."""
    ring = keyring()
    seen = rotated = 0
    last = 0
    while True:
        with session_scope(engine) as session:
            rows = session.scalars(select(SpeechTranscript).where(
                SpeechTranscript.interaction_id > last, SpeechTranscript.audio.is_not(None))
                .order_by(SpeechTranscript.interaction_id).limit(batch)).all()
            for row in rows:
                token = row.audio.decode("ascii")
                if not ring.is_current(token):
                    row.audio = ring.rotate(token).encode("ascii")
                    rotated += 1
            seen += len(rows)
            last = rows[-1].interaction_id if rows else last
        if len(rows) < batch:
            return {"rows": seen, "reencrypted": rotated}
