"""``POST /api/v1/recordings``: upload a call recording, get its transcript, stored as a
phone interaction (docs/speech.md)."""
from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from xinsheng.deps import Audit, EngineDep, require
from xinsheng.errors import InvalidInput
from xinsheng.speech.audio import check_suffix
from xinsheng.speech.engines import Engine, load_engine
from xinsheng.speech.errors import RecordingError
from xinsheng.speech.settings import SpeechSettings, speech_settings
from xinsheng.speech.store import Contact, masked_turns, store_transcript
from xinsheng.speech.transcribe import transcribe_source

router = APIRouter(prefix="/api/v1", tags=["recordings"])
FIELDS = ("external_id", "source", "customer_ref", "agent_ref", "started_at")


class Turn(BaseModel):
    speaker: str
    start: float
    end: float
    text: str


class RecordingResult(BaseModel):
    interaction_id: int
    source: str
    external_id: str
    duplicate: bool
    audio_kept: bool
    duration: float
    layout: str
    speakers_by: str
    turns: list[Turn]


@lru_cache(maxsize=2)
def _engine(name: str, model: str | None, language: str | None, beam_size: int) -> Engine:
    return load_engine(name, model, language=language, beam_size=beam_size)


def cached_engine(settings: SpeechSettings) -> Engine:
    """The server loads the model once, at the first upload."""
    return _engine(settings.engine, settings.model, settings.language, settings.beam_size)


@router.post("/recordings", response_model=RecordingResult, dependencies=[require("recordings.write")],
             responses={422: {"description": "not a usable recording or form field; the body says why"},
                        503: {"description": "no speech model is configured, or it cannot be loaded"}})
async def post_recording(request: Request, engine: EngineDep, audit: Audit) -> RecordingResult:
    """Transcribe an uploaded recording (multipart field ``file``: WAV, MP3 or OGG) and store
    it as a phone interaction; optional fields ``external_id``, ``source``, ``customer_ref``,
    ``agent_ref``, ``started_at`` (ISO 8601 with offset; default now)."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("file: upload a WAV, MP3 or OGG recording", data={"field": "file"})
    contact = _contact({k: v for k in FIELDS if isinstance(v := form.get(k), str) and v.strip()})
    data = await upload.read()
    settings = speech_settings()
    result, stored = await run_in_threadpool(_transcribe_and_store, engine, upload.filename, data, contact, settings)
    await run_in_threadpool(audit, "recording.transcribe", target_type="interaction",
                            target_ref=str(stored["interaction_id"]),
                            detail={"duration": result.duration, "duplicate": stored["duplicate"],
                                    "audio_kept": stored["audio_kept"]})
    return RecordingResult(**stored, duration=result.duration, layout=result.layout,
                           speakers_by=result.speakers_by, turns=masked_turns(result.turns))


def _transcribe_and_store(db, filename: str, data: bytes, contact: Contact, settings: SpeechSettings):
    try:
        check_suffix(filename)
        speech = cached_engine(settings)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{Path(filename).suffix.lower()}"
            path.write_bytes(data)
            result = transcribe_source(path, speech, settings, name=filename)
    except RecordingError as exc:
        raise InvalidInput(f"file: {exc.message}", data={"field": "file"}) from None
    stored = store_transcript(db, result, contact, data, engine_name=speech.name, model=speech.model,
                              keep_audio=settings.keep_audio)
    return result, stored


def _contact(fields: dict[str, str]) -> Contact:
    started = datetime.now(timezone.utc)
    if "started_at" in fields:
        try:
            started = datetime.fromisoformat(fields.pop("started_at"))
        except ValueError:
            raise InvalidInput("started_at: not an ISO 8601 timestamp", data={"field": "started_at"}) from None
        if started.tzinfo is None:
            raise InvalidInput("started_at: give a UTC offset (e.g. +08:00)", data={"field": "started_at"})
    for name in ("external_id", "source", "customer_ref", "agent_ref"):
        if name in fields and len(fields[name]) > (128 if name == "external_id" else 64):
            raise InvalidInput(f"{name}: too long", data={"field": name})
    return Contact(started_at=started, **fields)
