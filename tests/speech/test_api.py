"""POST /api/v1/recordings: an uploaded call becomes a phone interaction with its turns."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import select

from tests.auth import token_client
from tests.speech.conftest import stereo
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction
from xinsheng.privacy.crypto import keyring
from xinsheng.speech.models import SpeechTranscript
from xinsheng.speech.store import Contact, store_transcript
from xinsheng.speech.transcribe import Transcript

AGENT = "Thank you for calling. How can I help you today?"
CUSTOMER = "I lost my credit card yesterday evening."


@pytest.fixture
def call_wav(speak) -> bytes:
    samples, rate = stereo(speak(AGENT), speak(CUSTOMER))
    buf = io.BytesIO()
    sf.write(buf, samples, rate, format="WAV")
    return buf.getvalue()


@pytest.fixture
def with_model(monkeypatch, model_dir):
    monkeypatch.setenv("XINSHENG_SPEECH_MODEL", model_dir)
    monkeypatch.setenv("XINSHENG_SPEECH_LANGUAGE", "en")


def test_upload_lands_on_the_customers_timeline_with_turns(client, engine, call_wav, with_model):
    client.post("/api/v1/customers", json={"customer_ref": "C-REC", "name": "李雷"})
    form = {"customer_ref": "C-REC", "agent_ref": "A7", "external_id": "call-1",
            "started_at": "2026-11-30T09:00:00+08:00"}
    res = client.post("/api/v1/recordings", files={"file": ("call.wav", call_wav, "audio/wav")}, data=form)
    assert res.status_code == 200, res.text
    body = res.json()
    assert (body["external_id"], body["duplicate"], body["layout"]) == ("call-1", False, "stereo")
    assert [t["speaker"] for t in body["turns"]] == ["agent", "customer"]
    assert "credit card" in body["turns"][1]["text"].lower()
    timeline = client.get("/api/v1/customers/C-REC/timeline").json()
    items = timeline["items"] if isinstance(timeline, dict) else timeline
    assert len(items) == 1 and items[0]["channel"] == "phone"
    again = client.post("/api/v1/recordings", files={"file": ("call.wav", call_wav, "audio/wav")}, data=form)
    assert again.json()["duplicate"] is True and again.json()["interaction_id"] == body["interaction_id"]
    with session_scope(engine) as session:
        row = session.get(SpeechTranscript, body["interaction_id"])
        assert [t["speaker"] for t in row.turns] == ["agent", "customer"] and row.audio is None
        text = session.scalar(select(Interaction.text).where(Interaction.id == body["interaction_id"]))
    assert text.splitlines()[1].startswith("customer: ") and "card" in text


def test_bad_upload_missing_model_and_permission(client, app, engine, call_wav, with_model, monkeypatch):
    junk = client.post("/api/v1/recordings", files={"file": ("call.wav", b"RIFFjunk", "audio/wav")})
    assert junk.status_code == 422 and "not a readable audio file" in junk.json()["message"]
    video = client.post("/api/v1/recordings", files={"file": ("call.m4a", call_wav, "audio/mp4")})
    assert video.status_code == 422 and "unsupported format" in video.json()["message"]
    no_file = client.post("/api/v1/recordings", data={"external_id": "x"})
    assert no_file.status_code == 422 and no_file.json()["data"]["field"] == "file"
    monkeypatch.setenv("XINSHENG_SPEECH_MODEL", "/nowhere/model")
    missing = client.post("/api/v1/recordings", files={"file": ("call.wav", call_wav, "audio/wav")})
    assert missing.status_code == 503 and "no such directory" in missing.json()["message"]
    with token_client(app, engine, scopes=["ingest"]) as ingest_only:
        denied = ingest_only.post("/api/v1/recordings", files={"file": ("call.wav", call_wav, "audio/wav")})
    assert denied.status_code == 403


def test_turns_and_text_are_masked_and_audio_kept_encrypted_when_asked(engine):
    said = "my phone is 13812345678"
    result = Transcript("call.wav", turns=[{"speaker": "customer", "start": 0.0, "end": 2.0, "text": said}],
                        duration=2.0, layout="mono", source_rate=8000)
    audio = b"RIFF-pretend-audio"
    stored = store_transcript(engine, result, Contact(started_at=datetime(2026, 11, 30, tzinfo=timezone.utc)),
                              audio, engine_name="faster-whisper", model="tiny", keep_audio=True)
    with session_scope(engine) as session:
        row = session.get(SpeechTranscript, stored["interaction_id"])
        text = session.get(Interaction, stored["interaction_id"]).text
        assert "13812345678" not in row.turns[0]["text"] and "13812345678" not in text
        assert row.audio != audio and keyring().fernet.decrypt(row.audio) == audio
    assert stored["external_id"].startswith("rec-") and stored["audio_kept"] is True


def test_kept_audio_is_re_encrypted_under_a_new_key(engine, monkeypatch):
    from cryptography.fernet import Fernet

    from xinsheng.config import get_settings
    from xinsheng.speech.store import rotate_audio

    result = Transcript("call.wav", turns=[{"speaker": "agent", "start": 0.0, "end": 1.0, "text": "hello"}],
                        duration=1.0, layout="mono")
    old = keyring().keys[0].decode()
    stored = store_transcript(engine, result, Contact(started_at=datetime(2026, 11, 30, tzinfo=timezone.utc)),
                              b"pretend-audio", engine_name="faster-whisper", model="tiny", keep_audio=True)
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("XINSHENG_PII_KEYS", f"{new},{old}")
    get_settings.cache_clear()
    try:
        assert rotate_audio(engine) == {"rows": 1, "reencrypted": 1}
        assert rotate_audio(engine) == {"rows": 1, "reencrypted": 0}
        with session_scope(engine) as session:
            token = session.get(SpeechTranscript, stored["interaction_id"]).audio
        assert Fernet(new.encode()).decrypt(token) == b"pretend-audio"  # the new key alone opens it
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
